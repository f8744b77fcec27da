"""Prodigy: Adam whose step size ``d`` is learnt on the way, from how far the point has moved from its
start against the gradients met (``prodigyopt.Prodigy``); ``lr`` stays near 1.

.. math::
    r_t = \\beta_3 r_{t-1} + \\tfrac{d_t}{d_0} d_t\\gamma\\,\\langle g_t, \\theta_0 - \\theta_{t-1}\\rangle, \\quad
    s_t = \\beta_3 s_{t-1} + \\tfrac{d_t}{d_0} d_t\\gamma\\,g_t, \\quad
    d_{t+1} = \\min\\!\\big(\\max_{i \\le t} \\hat d_i,\\ d_t \\cdot \\text{growth\\_rate}\\big),\\
    \\hat d_t = d_{\\text{coef}}\\,\\frac{r_t}{\\lVert s_t \\rVert_1}

and the step is Adam's with moments scaled by ``d`` (``m ← β1 m + d(1-β1) g``, ``v ← β2 v + d²(1-β2) g²``),
``θ ← θ − dγ m / (√v + dε)``. ``d`` only grows, from ``d0`` (1e-6) toward the distance to the solution.
Not coordinate-separable: the inner product and the norm couple x and y.
Reference: Mishchenko & Defazio (2024), "Prodigy: An Expeditiously Adaptive Parameter-Free Learner";
prodigyopt 1.1, ``Prodigy.step``, whose order of operations this follows (``slice_p=1``, no FSDP).
"""
from __future__ import annotations

import math
from dataclasses import replace
from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import HyperparameterError, ParamSpec, betas_spec, flag, lr_spec, weight_decay_spec
from .pieces import DECAY, EXP_AVG, EXP_AVG_SQ, GRAD, STEP, active


def prodigy_init(o, p, hp) -> SimpleNamespace:
    row = np.ones((1, p.shape[1]))
    return SimpleNamespace(step=row * 0, s=o.zeros(p), p0=o.copy(p), exp_avg=o.zeros(p), exp_avg_sq=o.zeros(p),
                           d=row * hp.d0, d_max=row * hp.d0, d_numerator=row * 0.0, d_denom=row * np.nan,
                           d_hat=row * np.nan, k=row * 0)


def prodigy_names(hyper: dict) -> tuple[str, ...]:
    """What prodigyopt keeps: no ``exp_avg`` when β1 = 0 (the step then uses the gradient itself)."""
    names = ("step", "s", "p0", "exp_avg", "exp_avg_sq", "d", "d_max", "d_numerator", "d_denom", "d_hat", "k")
    return names if hyper["betas"][0] > 0 else tuple(n for n in names if n != "exp_avg")


def _dot(a, b):
    return (a[0] * b[0] + a[1] * b[1])[None, :]


def prodigy_step(o, s, p, g, hp, lr):
    beta1, beta2 = hp.beta1, hp.beta2
    beta3 = hp.beta3 if hp.beta3 is not None else (np.sqrt(beta2) if isinstance(beta2, np.ndarray)
                                                   else math.sqrt(beta2))
    k, d, d_max, d0 = s.k, s.d, s.d_max, hp.d0
    if hp.use_bias_correction:
        bias_correction = ((1 - beta2 ** (k + 1)) ** 0.5) / (1 - beta1 ** (k + 1))
    else:
        bias_correction = 1
    dlr = d * lr * bias_correction
    d_numerator = s.d_numerator * beta3
    if active(hp.weight_decay) and not hp.decouple:
        g = g + hp.weight_decay * p  # grad.add_(p, alpha=decay)
        if o.explaining:
            o.quantity("grad", g)
    delta_numerator = (d / d0) * dlr * _dot(g, s.p0 - p)
    with_momentum = np.asarray(beta1 > 0)  # beta1 = 0: no exp_avg; the step uses the gradient
    s.exp_avg = np.where(with_momentum, s.exp_avg * beta1 + (d * (1 - beta1)) * g, s.exp_avg)
    s.exp_avg_sq = s.exp_avg_sq * beta2 + ((d * d * (1 - beta2)) * g) * g
    s.s = s.s * beta3 + (((d / d0) * d) if hp.safeguard_warmup else ((d / d0) * dlr)) * g
    d_denom = np.abs(s.s[0:1]) + np.abs(s.s[1:2])
    moving = d_denom != 0  # torch returns before the step where the sum is 0 (no gradient met yet)
    with np.errstate(divide="ignore", invalid="ignore"):
        global_d_numerator = d_numerator + delta_numerator
        d_hat = hp.d_coef * global_d_numerator / d_denom
    new_d = np.where(d == d0, np.maximum(d, d_hat), d)
    new_d_max = np.maximum(d_max, d_hat)
    new_d = new_d_max if hp.growth_rate is None else np.minimum(new_d_max, new_d * hp.growth_rate)
    s.d_numerator = np.where(moving, global_d_numerator, s.d_numerator)
    s.d_denom, s.d_hat = np.where(moving, d_denom, s.d_denom), np.where(moving, d_hat, s.d_hat)
    s.d, s.d_max = np.where(moving, new_d, d), np.where(moving, new_d_max, d_max)
    d = s.d
    s.step, s.k = s.step + moving, k + moving
    denom = np.sqrt(s.exp_avg_sq) + d * hp.eps
    new_p = p
    if active(hp.weight_decay) and hp.decouple:
        new_p = new_p + (-hp.weight_decay * dlr) * new_p
        if o.explaining:
            o.term("decay", np.where(moving, new_p - p, 0.0))
    update = np.where(with_momentum, ((-dlr) * s.exp_avg) / denom, ((-dlr * d) * g) / denom)
    if o.explaining:
        o.quantity("bias_correction", bias_correction)
        o.quantity("dlr", dlr)
        o.quantity("d", d)
        o.quantity("denom", denom)
        o.quantity("effective_lr", np.where(with_momentum, dlr, dlr * d) / denom)
        o.term("step", np.where(moving, update, 0.0))
    return np.where(moving, new_p + update, p)


def _check(hp: dict) -> None:
    if hp["betas"][0] >= 1.0 or hp["betas"][1] >= 1.0:
        raise HyperparameterError("betas", f"invalid betas {hp['betas']}: each must be in [0, 1)")


PRODIGY = OptimizerDef(
    id="prodigy", names=Bilingual("Prodigy", "Prodigy"), torch_equivalent="",
    descriptions=Bilingual(
        "Learning-rate-free Adam: estimates the distance to the solution from the gradients met and grows its step "
        "size d from a tiny d0 to match it; leave lr at 1.",
        "학습률이 필요 없는 Adam: 지나온 기울기로 해까지의 거리를 추정하고, 아주 작은 d0에서 시작한 보폭 d를 그에 맞게 "
        "키웁니다. lr은 1로 둡니다."),
    update_latex=r"\hat d_t = d_{coef}\frac{\sum_i \beta_3^{t-i} \frac{d_i^2\gamma}{d_0} \langle g_i, \theta_0 - "
                 r"\theta_{i-1}\rangle}{\lVert s_t \rVert_1},\ "
                 r"d_{t+1} = \min(\max_i \hat d_i,\ d_t\,\mathrm{growth}),\ "
                 r"\theta_t = \theta_{t-1} - d\gamma\,\frac{m_t}{\sqrt{v_t} + d\epsilon}",
    rule_text=Bilingual(
        "dlr = d·lr   (× √(1 − β₂ᵗ)/(1 − β₁ᵗ) with use_bias_correction)\n"
        "r ← β₃·r + (d/d₀)·dlr·⟨g, θ₀ − θ⟩,  s ← β₃·s + (d/d₀)·dlr·g\n"
        "m ← β₁·m + d·(1 − β₁)·g,  v ← β₂·v + d²·(1 − β₂)·g²\n"
        "d ← max(d, d_coef·r / ‖s‖₁)   (at most d·growth_rate: d only grows; the lines above used the old d)\n"
        "θ ← θ·(1 − λ·dlr)   (decoupled weight decay, with decouple)\n"
        "θ ← θ − dlr · m / (√v + d·ε)   (dlr from the old d, ε times the new one)",
        "dlr = d·lr   (use_bias_correction이면 × √(1 − β₂ᵗ)/(1 − β₁ᵗ))\n"
        "r ← β₃·r + (d/d₀)·dlr·⟨g, θ₀ − θ⟩,  s ← β₃·s + (d/d₀)·dlr·g\n"
        "m ← β₁·m + d·(1 − β₁)·g,  v ← β₂·v + d²·(1 − β₂)·g²\n"
        "d ← max(d, d_coef·r / ‖s‖₁)   (최대 d·growth_rate: d는 커지기만 함; 위 줄들은 이전 d를 씀)\n"
        "θ ← θ·(1 − λ·dlr)   (decouple이면 분리된 가중치 감쇠)\n"
        "θ ← θ − dlr · m / (√v + d·ε)   (dlr은 이전 d로, ε에는 새 d를 곱함)"),
    terms=(DECAY, Label("step", "−dlr · m / (√v + d·ε): the step, growing with d",
                        "−dlr · m / (√v + d·ε): d와 함께 커지는 스텝")),
    quantities=(Label("bias_correction", "√(1 − β₂ᵗ) / (1 − β₁ᵗ) with use_bias_correction, else 1",
                      "use_bias_correction이면 √(1 − β₂ᵗ) / (1 − β₁ᵗ), 아니면 1"),
                Label("dlr", "dlr = d·lr·bias_correction: this step's step size",
                      "dlr = d·lr·bias_correction: 이번 스텝의 보폭"),
                Label("d", "d: the distance estimate after this step (it only grows)", "d: 이번 스텝 뒤의 거리 추정값 (커지기만 함)"),
                Label("denom", "√v + d·ε: each coordinate's divisor", "√v + d·ε: 좌표별 분모"),
                Label("effective_lr", "dlr / denom: the learning rate each coordinate really gets (it multiplies m; "
                      "with β₁ = 0, d·dlr / denom multiplies g)",
                      "dlr / denom: 좌표마다 실제로 적용되는 학습률 (m에 곱해짐; β₁ = 0이면 d·dlr / denom이 g에 곱해짐)"),
                GRAD),
    state_labels=(STEP, Label("s", "s: the weighted sum of gradients (‖s‖₁ divides the estimate)",
                        "s: 기울기의 가중합 (‖s‖₁로 추정값을 나눔)"),
                  Label("p0", "θ₀: the start", "θ₀: 출발점"), EXP_AVG, EXP_AVG_SQ,
                  Label("d", "d: the step size, an estimate of the distance to the solution",
                        "d: 보폭, 해까지의 거리 추정값"),
                  Label("d_max", "the largest estimate d̂ so far", "지금까지 가장 큰 추정값 d̂"),
                  Label("d_numerator", "r: the weighted sum of ⟨g, θ₀ − θ⟩", "r: ⟨g, θ₀ − θ⟩의 가중합"),
                  Label("d_denom", "‖s‖₁", "‖s‖₁: s의 ℓ₁ 노름"),
                  Label("d_hat", "d̂ = d_coef·r / ‖s‖₁: this step's estimate", "d̂ = d_coef·r / ‖s‖₁: 이번 스텝의 추정값"),
                  Label("k", "steps taken so far", "지금까지 내디딘 스텝 수")),
    params=(replace(lr_spec(1.0), description=Bilingual("multiplies the learned step size d: leave it at 1",
                                                        "학습된 보폭 d에 곱하는 값: 1로 둡니다")),
            betas_spec(),
            ParamSpec("beta3", None, Bilingual("β₃: the decay of the distance estimate's sums r and s (null: √β₂)",
                                               "β₃: 거리 추정에 쓰는 합 r과 s의 감쇠율 (null이면 √β₂)"),
                      0.0, 1.0, "linear", nullable=True, max_exclusive=True,
                      label=Bilingual("estimate decay β₃", "추정 감쇠율 β₃")),
            ParamSpec("eps", 1e-8, Bilingual("ε, added to the denominator (times d)", "분모에 더하는 ε (d를 곱해서)"),
                      0.0, 1.0, "log", min_exclusive=True, slider=(1e-12, 1.0),
                      label=Bilingual("epsilon ε", "안정화 상수 ε")),
            weight_decay_spec(0.0, Bilingual("weight decay λ: decoupled (θ shrinks by λ·dlr) with decouple, else L2 "
                                             "(λ·θ joins the gradient)",
                                             "가중치 감쇠 λ: decouple이면 분리된 감쇠 (θ를 λ·dlr만큼 줄임), 아니면 L2 "
                                             "(기울기에 λ·θ를 더함)")),
            flag("decouple", True, Bilingual("decoupled weight decay (AdamW style) instead of adding λ·θ to the "
                                             "gradient",
                                             "기울기에 λ·θ를 더하는 대신 분리된 가중치 감쇠 (AdamW 방식)"),
                 Bilingual("decoupled decay", "분리된 감쇠")),
            flag("use_bias_correction", False, Bilingual("Adam's bias correction in the step size",
                                                         "보폭에 Adam의 편향 보정을 넣음"),
                 Bilingual("bias correction", "편향 보정")),
            flag("safeguard_warmup", False, Bilingual("leave lr out of the sum s (safer with a warm-up)",
                                                      "합 s에서 lr을 뺌 (워밍업과 함께 쓸 때 더 안전)"),
                 Bilingual("safeguard warm-up", "워밍업 보호")),
            ParamSpec("d0", 1e-6, Bilingual("d₀: the first estimate of the step size d", "d₀: 보폭 d의 첫 추정값"),
                      0.0, 1e6, "log", min_exclusive=True, slider=(1e-8, 1.0), label=Bilingual("initial d₀", "초기값 d₀")),
            ParamSpec("d_coef", 1.0, Bilingual("multiplies the estimate d̂", "추정값 d̂에 곱하는 계수"),
                      0.0, 1000.0, "log", min_exclusive=True, slider=(0.01, 10.0),
                      label=Bilingual("d coefficient", "d 계수")),
            ParamSpec("growth_rate", None, Bilingual("the most d may grow per step, a factor (null: unbounded, the "
                                                     "reference's float('inf'))",
                                                     "한 스텝에 d가 커질 수 있는 최대 배율 (null이면 제한 없음, 참조 구현의 "
                                                     "float('inf'))"),
                      1.0, None, "log", nullable=True, slider=(1.0, 10.0), label=Bilingual("growth limit", "증가 한도"))),
    init_state=prodigy_init, step=prodigy_step, elementwise=False, check=_check, state_names=prodigy_names,
    scalar_state=("step", "d", "d_max", "d_numerator", "d_denom", "d_hat", "k"),
    reference="Mishchenko & Defazio (2024); prodigyopt.Prodigy (prodigyopt 1.1.2)")
