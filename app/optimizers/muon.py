"""Muon: momentum whose matrix update is orthogonalised by a Newton–Schulz iteration run in bfloat16
(``torch.optim.Muon``, with the point as a 1x2 matrix ``[[x, y]]``).

.. math::
    B_t = \\mu B_{t-1} + (1-\\mu) g_t, \\quad \\tilde B_t = g_t + \\mu (B_t - g_t) \\text{ (Nesterov) or } B_t,
    \\quad \\theta_t = (1 - \\gamma\\lambda)\\,\\theta_{t-1} - \\gamma' \\,\\mathrm{NS}_k(\\tilde B_t)

**Why, on a 1x2 matrix, Muon is a normalised momentum step.** Orthogonalising a matrix ``G = U S V^T``
replaces every singular value by 1 (``U V^T``). A 1x2 matrix has one singular value, its length ``|G|``,
so ``U V^T = G / |G|``: the unit vector along the momentum. Newton–Schulz approximates that with the odd
polynomial ``X ← a X + (b s + c s²) X`` (``s = |X|²``) applied ``ns_steps`` times to ``G/|G|``; its
coefficients trade exactness for speed: from a unit vector, the default coefficients' five steps end at
length 0.70 (other step counts between about 0.7 and 1.2), not 1, and bfloat16 (8 significant bits) rounds the
direction too. Each step therefore moves about 0.7·``lr`` (times ``adjust_lr_fn``'s factor: 1 for "original", 0.2·√2 for "match_rms_adamw") along the
momentum's direction, whatever the gradient's size.

bfloat16 is emulated exactly: values are rounded to float32 and then to bfloat16 (nearest, ties to even)
where torch rounds, and the arithmetic between roundings is float32, as torch's CPU kernels do it
(``addmm`` computes ``βC + α(A@B)`` in float32 and rounds once). tests/test_parity.py holds the trajectory to
torch's.
Reference: Jordan et al. (2024), "Muon: An optimizer for hidden layers in neural networks"; Liu et al. (2025),
"Muon is Scalable for LLM Training"; torch/optim/_muon.py, ``_single_tensor_muon``.
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import DECOUPLED_DECAY, ParamSpec, flag, lr_spec, weight_decay_spec
from .pieces import DECAY, lerp, shrink

SHAPE = (1, 2)  # the point as torch sees it


def bfloat16(values) -> np.ndarray:
    """``values`` (float32) rounded to bfloat16, to nearest with ties to even, returned as float32.

    On the bits: add 0x7FFF plus the lowest kept bit, then clear the 16 dropped bits. No finite float32 carries
    past the top (the largest, 0xFF7FFFFF, gives 0xFF807FFF: -inf, as the rounding should); NaN stays NaN.
    """
    x = np.asarray(values, dtype=np.float32)
    bits = x.view(np.uint32)
    rounded = ((bits + ((bits >> 16) & 1) + np.uint32(0x7FFF)) & np.uint32(0xFFFF0000)).view(np.float32)
    return np.where(x != x, x, rounded)


def zeropower_via_newtonschulz(g: np.ndarray, coefficients, steps: int, eps) -> np.ndarray:
    """torch's ``_zeropower_via_newtonschulz`` for 1x2 matrices, one per column of ``g`` ((2, n), float64),
    in emulated bfloat16; returns float64."""
    a, b, c = (np.float32(v) for v in coefficients)
    x = bfloat16(g.astype(np.float32))  # grad.bfloat16(): float64 -> float32 -> bfloat16
    norm = bfloat16(np.sqrt(x[0] * x[0] + x[1] * x[1]))
    norm = bfloat16(np.maximum(norm, bfloat16(np.float32(eps))))  # .clamp(min=eps)
    x = bfloat16(x / norm)
    for _ in range(steps):
        gram = bfloat16(x[0] * x[0] + x[1] * x[1])  # X @ X.T, 1x1
        update = bfloat16(b * gram + c * (gram * gram))  # addmm(gram, gram, gram, beta=b, alpha=c)
        x = bfloat16(a * x + update * x)  # addmm(X, update, X, beta=a)
    return x.astype(np.float64)


def adjusted_lr(lr, adjust_lr_fn):
    rows, cols = SHAPE
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio


def muon_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(momentum_buffer=o.zeros(p))


def muon_step(o, s, p, g, hp, lr):
    s.momentum_buffer = lerp(o, s.momentum_buffer, g, 1 - hp.momentum, out=s.momentum_buffer)
    update = lerp(o, g, s.momentum_buffer, hp.momentum, out=o.buf("update")) if hp.nesterov else s.momentum_buffer
    if o.explaining:
        o.quantity("update", update)
    update = zeropower_via_newtonschulz(update, hp.ns_coefficients, hp.ns_steps, hp.eps)
    if o.explaining:
        o.quantity("orthogonal_update", update)
        o.quantity("adjusted_lr", adjusted_lr(lr, hp.adjust_lr_fn))
    p = shrink(o, p, 1 - lr * hp.weight_decay)
    t = o.mul(update, -adjusted_lr(lr, hp.adjust_lr_fn), out=update)
    if o.explaining:
        o.term("step", t)  # the orthogonalised momentum, times -lr (adjusted for the matrix's shape)
    return o.add(p, t, out=p)


MUON = OptimizerDef(
    id="muon", names=Bilingual("Muon", "Muon"), torch_equivalent="torch.optim.Muon (the point as a 1x2 matrix)",
    descriptions=Bilingual(
        "Momentum orthogonalised by Newton–Schulz in bfloat16. On the 1x2 matrix [x, y] that is the momentum's "
        "direction (its only singular value set near 1: 0.70 after the default five steps): a normalised momentum "
        "step of length ≈ 0.7·lr, whatever the gradient's size.",
        "뉴턴–슐츠 반복(bfloat16)으로 직교화한 모멘텀. 1x2 행렬 [x, y]에서는 특이값이 하나뿐이라 모멘텀의 방향(특이값을 "
        "1 가까이로: 기본 5회 반복 후 0.70)이 되므로, 기울기 크기와 상관없이 길이가 약 0.7·lr인 정규화된 모멘텀 스텝입니다."),
    update_latex=r"B_t = \mu B_{t-1} + (1-\mu) g_t,\ \theta_t = (1-\gamma\lambda)\theta_{t-1} - \gamma'\,"
                 r"\mathrm{NS}_k(g_t + \mu(B_t - g_t)) \approx \theta_{t-1} - \gamma'\,\frac{\tilde B_t}{\lVert "
                 r"\tilde B_t\rVert}",
    rule_text=Bilingual(
        "B ← μ·B + (1 − μ)·g\n"
        "B̃ = g + μ·(B − g)   (Nesterov; otherwise B̃ = B)\n"
        "θ ← θ·(1 − lr·λ)   (decoupled weight decay)\n"
        "θ ← θ − lr′·NS(B̃)   (NS: Newton–Schulz in bfloat16; on the 1×2 matrix [x, y], NS(B̃) ≈ 0.7·B̃ / ‖B̃‖)",
        "B ← μ·B + (1 − μ)·g\n"
        "B̃ = g + μ·(B − g)   (네스테로프; 아니면 B̃ = B)\n"
        "θ ← θ·(1 − lr·λ)   (분리된 가중치 감쇠)\n"
        "θ ← θ − lr′·NS(B̃)   (NS: bfloat16 뉴턴–슐츠 반복; 1×2 행렬 [x, y]에서는 NS(B̃) ≈ 0.7·B̃ / ‖B̃‖)"),
    terms=(DECAY, Label("step", "−lr′·NS(B̃): the orthogonalised momentum, a step of length ≈ 0.7·lr′",
                        "−lr′·NS(B̃): 직교화한 모멘텀, 길이가 약 0.7·lr′인 스텝")),
    quantities=(Label("update", "B̃: the momentum that Newton–Schulz orthogonalises", "B̃: 뉴턴–슐츠가 직교화하는 모멘텀"),
                Label("orthogonal_update", "NS(B̃): its direction, of length ≈ 0.7 (five default steps; rounded in bfloat16)",
                      "NS(B̃): 그 방향, 길이 ≈ 0.7 (기본 5회 반복; bfloat16으로 반올림)"),
                Label("adjusted_lr", "lr′: lr adjusted for the matrix's shape (adjust_lr_fn)",
                      "lr′: 행렬 모양에 맞춘 학습률 (adjust_lr_fn)")),
    state_labels=(Label("momentum_buffer", "B: the momentum", "B: 모멘텀"),),
    params=(lr_spec(0.001), weight_decay_spec(0.1, DECOUPLED_DECAY),
            ParamSpec("momentum", 0.95, Bilingual("momentum factor μ: how much of the momentum B is kept each step",
                                                  "모멘텀 계수 μ: 매 스텝 모멘텀 B를 남기는 비율"),
                      0.0, 1.0, "linear", slider=(0.0, 0.999), label=Bilingual("momentum μ", "모멘텀 μ")),
            flag("nesterov", True, Bilingual("Nesterov momentum: orthogonalise g + μ·(B − g) instead of B",
                                             "네스테로프 모멘텀: B 대신 g + μ·(B − g)를 직교화"),
                 Bilingual("Nesterov", "네스테로프")),
            ParamSpec("ns_coefficients", [3.4445, -4.775, 2.0315],
                      Bilingual("(a, b, c) of the Newton–Schulz polynomial a·X + (b·s + c·s²)·X",
                                "뉴턴–슐츠 다항식 a·X + (b·s + c·s²)·X의 (a, b, c)"),
                      -100.0, 100.0, "tuple", length=3, label=Bilingual("Newton–Schulz a, b, c", "뉴턴–슐츠 a, b, c")),
            ParamSpec("eps", 1e-7, Bilingual("the floor of the norm Newton–Schulz divides by",
                                             "뉴턴–슐츠가 나누는 노름의 하한"),
                      0.0, 1.0, "log", slider=(1e-12, 1.0), label=Bilingual("norm floor ε", "노름 하한 ε")),
            ParamSpec("ns_steps", 5, Bilingual("Newton–Schulz iterations", "뉴턴–슐츠 반복 횟수"), 0.0, 99.0, "int",
                      slider=(0.0, 10.0), structural=True, label=Bilingual("Newton–Schulz steps", "뉴턴–슐츠 반복 수")),
            ParamSpec("adjust_lr_fn", None, Bilingual("lr scaling for the matrix's shape: null or 'original' (×1 "
                                                      "here), 'match_rms_adamw' (×0.2·√2)",
                                                      "행렬 모양에 따른 학습률 배율: null 또는 'original' (여기서는 ×1), "
                                                      "'match_rms_adamw' (×0.2·√2)"),
                      scale="choice", nullable=True, choices=(None, "original", "match_rms_adamw"),
                      label=Bilingual("lr adjustment", "학습률 조정"))),
    init_state=muon_init, step=muon_step, elementwise=False, scalar_state=(),
    reference="Jordan et al. (2024); Liu et al. (2025); torch/optim/_muon.py")
