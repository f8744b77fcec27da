"""RAdam: Adam whose adaptive step is switched on only once its variance estimate is trustworthy
(``torch.optim.RAdam``).

.. math::
    \\rho_\\infty = \\frac{2}{1-\\beta_2} - 1, \\quad
    \\rho_t = \\rho_\\infty - \\frac{2 t \\beta_2^t}{1-\\beta_2^t}, \\quad
    \\theta_t = \\theta_{t-1} - \\gamma \\hat m_t \\cdot
    \\begin{cases} r_t \\sqrt{1-\\beta_2^t} / (\\sqrt{v_t} + \\epsilon) & \\rho_t > 5 \\\\ 1 & \\text{else} \\end{cases}

with the rectification ``r_t = sqrt((ρ_t-4)(ρ_t-2)ρ_∞ / ((ρ_∞-4)(ρ_∞-2)ρ_t))``. Before the switch (the
first five or six steps with the default β2) the step is SGD with bias-corrected momentum.
Reference: Liu et al. (2020), "On the Variance of the Adaptive Learning Rate and Beyond";
torch/optim/radam.py, ``_single_tensor_radam``, whose order of operations this follows.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import betas_spec, eps_spec, flag, lr_spec, weight_decay_spec
from .pieces import (BIAS_CORRECTION1, BIAS_CORRECTION2, DECAY, EXP_AVG, EXP_AVG_SQ, GRAD, STEP, bias_correction,
                     decay_square, decoupled_decay, l2_penalty, lerp)


def radam_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, exp_avg=o.zeros(p), exp_avg_sq=o.zeros(p))


def radam_step(o, s, p, g, hp, lr):
    s.step += 1
    step = float(s.step)  # torch's step is a float tensor
    if hp.decoupled_weight_decay:
        p = decoupled_decay(o, p, lr, hp.weight_decay)
    else:
        g = l2_penalty(o, g, p, hp.weight_decay)
    s.exp_avg = lerp(o, s.exp_avg, g, 1 - hp.beta1, out=s.exp_avg)
    s.exp_avg_sq = decay_square(o, s.exp_avg_sq, g, hp.beta2)
    bias_correction1 = bias_correction(hp.beta1, step)
    bias_correction2 = bias_correction(hp.beta2, step)
    corrected = o.div(s.exp_avg, bias_correction1, out=o.buf("corrected"))  # bias_corrected_exp_avg
    rho_inf = 2 / (1 - hp.beta2) - 1
    rho_t = rho_inf - 2 * step * (hp.beta2 ** step) / bias_correction2
    plain = o.mul(corrected, lr, out=corrected)  # bias_corrected_exp_avg * lr
    if o.explaining:
        o.quantity("bias_correction1", bias_correction1)
        o.quantity("bias_correction2", bias_correction2)
        o.quantity("rho_inf", rho_inf)
        o.quantity("rho_t", rho_t)
    if isinstance(rho_t, np.ndarray):  # runs that differ in beta2: each takes its own branch
        rectified = rho_t > 5.0
        if not rectified.any():
            update = plain
            if o.explaining:
                o.quantity("effective_lr", o.full(p, 1.0) * (lr / bias_correction1))
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                rect = np.where(rectified, _rect(rho_t, rho_inf), 1.0)
                adaptive = _adaptive_lr(o, s, hp, bias_correction2)
            update = np.where(rectified, plain * adaptive * rect, plain)
            if o.explaining:
                o.quantity("rect", np.where(rectified, rect, np.nan))
                o.quantity("adaptive_lr", np.where(rectified, adaptive, np.nan))
                o.quantity("effective_lr", np.where(rectified, adaptive * rect, 1.0) * (lr / bias_correction1))
        if o.explaining:
            o.term("step", -update)
        return o.sub(p, update, out=p)
    if rho_t > 5.0:
        adaptive = _adaptive_lr(o, s, hp, bias_correction2)
        if o.explaining:
            o.quantity("adaptive_lr", adaptive)
            o.quantity("rect", _rect(rho_t, rho_inf))
            o.quantity("effective_lr", o.mul(adaptive, lr / bias_correction1 * _rect(rho_t, rho_inf)))
        t = o.mul(plain, adaptive, out=plain)
        t = o.mul(t, _rect(rho_t, rho_inf), out=t)
        if o.explaining:
            o.term("step", -t)
        return o.sub(p, t, out=p)
    if o.explaining:  # the variance estimate is too short: SGD with bias-corrected momentum
        o.quantity("effective_lr", o.full(p, 1.0) * (lr / bias_correction1))
        o.term("step", -plain)
    return o.sub(p, plain, out=p)


def _rect(rho_t, rho_inf):
    return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


def _adaptive_lr(o, s, hp, bias_correction2):
    """``bias_correction2 ** 0.5 / (sqrt(v) + eps)``, which torch computes as ``(1 / denom) * scalar``."""
    denom = o.sqrt(s.exp_avg_sq, out=o.buf("denom"))
    denom = o.add(denom, hp.eps, out=denom)
    denom = o.div(1.0, denom, out=denom)
    return o.mul(denom, bias_correction2 ** 0.5, out=denom)


RADAM = OptimizerDef(
    id="radam", names=Bilingual("RAdam", "RAdam"), torch_equivalent="torch.optim.RAdam",
    descriptions=Bilingual(
        "Rectified Adam: momentum SGD for the first few steps, then Adam scaled by a rectification term that grows "
        "to 1, so early steps are not thrown by a noisy second moment.",
        "정류된 Adam: 처음 몇 스텝은 모멘텀 SGD로 움직이고, 그 뒤에는 1로 커지는 정류 항을 곱한 Adam 스텝을 써서 초기의 "
        "불안정한 2차 모멘트에 휘둘리지 않습니다."),
    update_latex=r"\rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t},\ \theta_t = \theta_{t-1} - "
                 r"\gamma\,\hat m_t \cdot \begin{cases} r_t\,\frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon} & "
                 r"\rho_t > 5 \\ 1 & \text{otherwise}\end{cases}",
    rule_text=Bilingual(
        "g ← g + λ·θ   (L2 weight decay; with decoupled_weight_decay: θ ← θ·(1 − lr·λ) instead)\n"
        "m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²,  m̂ = m / (1 − β₁ᵗ)\n"
        "ρₜ = ρ∞ − 2t·β₂ᵗ / (1 − β₂ᵗ),  ρ∞ = 2 / (1 − β₂) − 1\n"
        "ρₜ > 5:  θ ← θ − lr·m̂ · r·√(1 − β₂ᵗ) / (√v + ε),  r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))\n"
        "otherwise:  θ ← θ − lr·m̂   (SGD with momentum, while v is too young to trust)",
        "g ← g + λ·θ   (L2 가중치 감쇠; decoupled_weight_decay이면 대신 θ ← θ·(1 − lr·λ))\n"
        "m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²,  m̂ = m / (1 − β₁ᵗ)\n"
        "ρₜ = ρ∞ − 2t·β₂ᵗ / (1 − β₂ᵗ),  ρ∞ = 2 / (1 − β₂) − 1\n"
        "ρₜ > 5:  θ ← θ − lr·m̂ · r·√(1 − β₂ᵗ) / (√v + ε),  r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))\n"
        "그 밖에는:  θ ← θ − lr·m̂   (v를 아직 믿을 수 없는 동안은 모멘텀 SGD)"),
    terms=(DECAY, Label("step", "−lr·m̂ times Adam's rectified scale once ρₜ > 5, −lr·m̂ before: the step",
                        "ρₜ > 5부터는 −lr·m̂에 정류된 Adam 배율을 곱한 값, 그 전에는 −lr·m̂: 스텝")),
    quantities=(BIAS_CORRECTION1, BIAS_CORRECTION2,
                Label("rho_inf", "ρ∞ = 2/(1 − β₂) − 1: the longest the variance estimate can get",
                      "ρ∞ = 2/(1 − β₂) − 1: 분산 추정이 가질 수 있는 최대 길이"),
                Label("rho_t", "ρₜ: how long the variance estimate is now; the adaptive step starts once it passes 5",
                      "ρₜ: 지금 분산 추정의 길이; 5를 넘으면 적응형 스텝이 시작됩니다"),
                Label("rect", "r: the rectification, growing toward 1", "r: 1을 향해 커지는 정류 계수"),
                Label("adaptive_lr", "√(1 − β₂ᵗ) / (√v + ε): Adam's per-coordinate scale",
                      "√(1 − β₂ᵗ) / (√v + ε): Adam의 좌표별 배율"),
                Label("effective_lr", "the learning rate each coordinate really gets (it multiplies m)",
                      "좌표마다 실제로 적용되는 학습률 (m에 곱해짐)"),
                GRAD),
    state_labels=(STEP, EXP_AVG, EXP_AVG_SQ),
    params=(lr_spec(0.001), betas_spec(), eps_spec(1e-8),
            weight_decay_spec(0.0, Bilingual("weight decay λ: L2 (λ·θ joins the gradient), or decoupled (θ shrinks by "
                                             "lr·λ) with decoupled_weight_decay",
                                             "가중치 감쇠 λ: L2 (기울기에 λ·θ를 더함), decoupled_weight_decay이면 분리된 "
                                             "감쇠 (θ를 lr·λ만큼 줄임)")),
            flag("decoupled_weight_decay", False,
                 Bilingual("shrink θ by lr·λ each step (AdamW style) instead of adding λ·θ to the gradient",
                           "기울기에 λ·θ를 더하는 대신 매 스텝 θ를 lr·λ만큼 줄입니다 (AdamW 방식)"),
                 Bilingual("decoupled weight decay", "분리된 가중치 감쇠"))),
    init_state=radam_init, step=radam_step,
    reference="Liu et al. (2020); torch/optim/radam.py")
