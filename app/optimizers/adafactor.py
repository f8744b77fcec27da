"""Adafactor: a relative step size (a fraction of the parameters' RMS) scaled by an RMSprop-like second
moment whose decay approaches 1 over time, with the update's RMS clipped to ``d`` (``torch.optim.Adafactor``).

.. math::
    \\rho_t = \\min(\\gamma, 1/\\sqrt t), \\quad \\alpha_t = \\max(\\epsilon_2, \\mathrm{RMS}(\\theta_{t-1}))\\,\\rho_t,
    \\quad v_t = v_{t-1} + t^{c}\\,(g_t^2 - v_{t-1}), \\quad
    u_t = g_t / \\sqrt{\\max(v_t, \\epsilon_1^2)}, \\quad
    \\theta_t = \\theta_{t-1} - \\frac{\\alpha_t}{\\max(1, \\mathrm{RMS}(u_t)/d)}\\, u_t

with ``c = beta2_decay`` (−0.8). The point is a vector, so torch keeps the full second moment
``variance`` (its row/column factorisation is for matrices). Not coordinate-separable: the RMS of the
parameters and of the update couple x and y.
Reference: Shazeer & Stern (2018); torch/optim/_adafactor.py, ``_single_tensor_adafactor``.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import DECOUPLED_DECAY, ParamSpec, lr_spec, weight_decay_spec
from .pieces import DECAY, STEP, active, lerp, shrink

FLOAT64_EPS = float(np.finfo(np.float64).eps)  # torch.finfo(param.dtype).eps: eps[0] = null's value


def adafactor_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, variance=o.zeros(p))


def _norm(v):
    """The 2-norm of each run's vector, as a (1, n) row (torch's ``tensor.norm(2)``)."""
    return np.sqrt(v[0] * v[0] + v[1] * v[1])[None, :]


def adafactor_step(o, s, p, g, hp, lr):
    eps1, eps2 = hp.eps
    if eps1 is None:
        eps1 = FLOAT64_EPS
    s.step += 1
    step = float(s.step)
    one_minus_beta2_t = step ** hp.beta2_decay
    rho_t = np.minimum(lr, 1 / (step ** 0.5))
    alpha = np.maximum(eps2, _norm(p) / (2 ** 0.5)) * rho_t
    if active(hp.weight_decay):
        p = shrink(o, p, 1 - lr * hp.weight_decay)
    grad_squared = o.mul(g, g, out=o.buf("square"))
    s.variance = lerp(o, s.variance, grad_squared, one_minus_beta2_t, out=s.variance)
    update = np.maximum(s.variance, eps1 * eps1, out=o.buf("update"))
    update = o.div(1.0, o.sqrt(update, out=update), out=update)  # rsqrt: 1 / sqrt
    if o.explaining:
        rsqrt = o.copy(update)
    update = o.mul(update, g, out=update)
    denom = np.maximum(1.0, _norm(update) / ((2 ** 0.5) * hp.d))
    if o.explaining:
        o.quantity("one_minus_beta2_t", one_minus_beta2_t)
        o.quantity("rho_t", rho_t)
        o.quantity("alpha", alpha)
        o.quantity("update", update)
        o.quantity("denom", denom)
        o.quantity("effective_lr", o.mul(rsqrt, alpha / denom))
    t = o.mul(update, -alpha / denom, out=update)
    if o.explaining:
        o.term("step", t)
    return o.add(p, t, out=p)


ADAFACTOR = OptimizerDef(
    id="adafactor", names=Bilingual("Adafactor", "Adafactor"), torch_equivalent="torch.optim.Adafactor",
    descriptions=Bilingual(
        "Steps a fraction min(lr, 1/√t) of the parameters' own size, divided by an RMSprop-like average whose memory "
        "grows with time; the update's RMS is clipped to d.",
        "매개변수 자체 크기의 min(lr, 1/√t) 비율만큼 움직이고, 시간이 갈수록 기억이 길어지는 RMSprop식 평균으로 "
        "나눕니다. 업데이트의 RMS는 d로 잘립니다."),
    update_latex=r"\alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\min(\gamma, t^{-1/2}),\ v_t = v_{t-1} + "
                 r"t^{c}(g_t^2 - v_{t-1}),\ u_t = \frac{g_t}{\sqrt{\max(v_t, \epsilon_1^2)}},\ \theta_t = "
                 r"\theta_{t-1} - \frac{\alpha_t\,u_t}{\max(1, \mathrm{RMS}(u_t)/d)}",
    rule_text=Bilingual(
        "ρₜ = min(lr, 1/√t),  α = max(ε₂, RMS(θ))·ρₜ   (a fraction of θ's own size)\n"
        "θ ← θ·(1 − lr·λ)   (decoupled weight decay, when λ > 0)\n"
        "v ← v + t^c·(g² − v)   (an average whose memory grows with t)\n"
        "u = g / √max(v, ε₁²)\n"
        "θ ← θ − α · u / max(1, RMS(u)/d)",
        "ρₜ = min(lr, 1/√t),  α = max(ε₂, RMS(θ))·ρₜ   (θ 자체 크기에 비례)\n"
        "θ ← θ·(1 − lr·λ)   (λ > 0일 때 분리된 가중치 감쇠)\n"
        "v ← v + t^c·(g² − v)   (t가 커질수록 기억이 길어지는 평균)\n"
        "u = g / √max(v, ε₁²)\n"
        "θ ← θ − α · u / max(1, RMS(u)/d)"),
    terms=(DECAY, Label("step", "−α · u / max(1, RMS(u)/d): the relative step", "−α · u / max(1, RMS(u)/d): 상대적 스텝")),
    quantities=(Label("one_minus_beta2_t", "t^c: the weight of the new g² in v (it shrinks, so v remembers longer)",
                      "t^c: v에서 새 g²의 가중치 (점점 줄어들어 v의 기억이 길어짐)"),
                Label("rho_t", "ρₜ = min(lr, 1/√t): the relative step size", "ρₜ = min(lr, 1/√t): 상대적 보폭"),
                Label("alpha", "α = max(ε₂, RMS(θ))·ρₜ: the step's length, a fraction of θ's own size",
                      "α = max(ε₂, RMS(θ))·ρₜ: θ 자체 크기에 비례하는 스텝 길이"),
                Label("update", "u = g / √max(v, ε₁²): the normalised gradient", "u = g / √max(v, ε₁²): 정규화된 기울기"),
                Label("denom", "max(1, RMS(u)/d): the clipping divisor", "max(1, RMS(u)/d): 클리핑 분모"),
                Label("effective_lr", "α / (denom·√max(v, ε₁²)): the learning rate each coordinate's gradient gets",
                      "α / (denom·√max(v, ε₁²)): 좌표마다 기울기에 적용되는 학습률")),
    state_labels=(STEP, Label("variance", "v: the average of squared gradients, with a memory that grows",
                              "v: 기억이 점점 길어지는 기울기 제곱의 평균")),
    params=(lr_spec(0.01),
            ParamSpec("beta2_decay", -0.8, Bilingual("c (≤ 0): the new g² enters v with the weight t^c, so v remembers "
                                                     "longer as t grows",
                                                     "c (≤ 0): 새 g²이 t^c의 가중치로 v에 들어가므로 t가 커질수록 v의 "
                                                     "기억이 길어집니다"),
                      -10.0, 0.0, "linear", slider=(-1.0, 0.0), label=Bilingual("decay exponent c", "감쇠 지수 c")),
            ParamSpec("eps", [None, 1e-3], Bilingual("(ε₁, ε₂): ε₁ floors v (null: the float64 machine epsilon), ε₂ "
                                                     "floors θ's RMS in the step's length",
                                                     "(ε₁, ε₂): ε₁은 v의 하한 (null이면 float64 머신 엡실론), ε₂는 스텝 "
                                                     "길이에 쓰는 θ의 RMS의 하한"),
                      0.0, 1.0, "pair", item_nullable=(True, False), label=Bilingual("floors ε₁, ε₂", "하한 ε₁, ε₂")),
            ParamSpec("d", 1.0, Bilingual("clipping threshold d: the update's RMS is scaled down to at most d",
                                          "클리핑 임계값 d: 업데이트의 RMS가 d를 넘지 않게 줄입니다"),
                      1.0, 1000.0, "linear", slider=(1.0, 10.0), label=Bilingual("clipping threshold d", "클리핑 임계값 d")),
            weight_decay_spec(0.0, DECOUPLED_DECAY)),
    init_state=adafactor_init, step=adafactor_step, elementwise=False,
    reference="Shazeer & Stern (2018); torch/optim/_adafactor.py")
