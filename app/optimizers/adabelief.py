"""AdaBelief: Adam whose denominator tracks the variance of the gradient around its own average (the
"belief" in the gradient) instead of its raw second moment (``pytorch_optimizer.AdaBelief``).

.. math::
    m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t, \\quad
    s_t = \\beta_2 s_{t-1} + (1-\\beta_2)(g_t - m_t)^2 + \\epsilon, \\quad
    \\theta_t = \\theta_{t-1} -
    \\frac{\\gamma}{1-\\beta_1^t}\\,\\frac{m_t}{\\sqrt{s_t}/\\sqrt{1-\\beta_2^t} + \\epsilon}

With ``rectify`` the step follows RAdam (an SGD step while the variance estimate is short, then a rectified
one). Weight decay is decoupled by default (``weight_decouple``), by ``lr·λ`` or, with ``fixed_decay``, by ``λ``.
Reference: Zhuang et al. (2020); pytorch-optimizer 4.1, ``AdaBelief._step_per_param``, whose order of
operations this follows (its defaults: ``n_sma_threshold=5``, ``degenerated_to_sgd=True``, no AMSBound).
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import betas_spec, eps_spec, flag, lr_spec, weight_decay_spec
from .pieces import BIAS_CORRECTION1, DECAY, EXP_AVG, GRAD, STEP, active, lerp

N_SMA_THRESHOLD = 5


def adabelief_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, exp_avg=o.zeros(p), exp_avg_var=o.zeros(p))


def _sqrt(v):
    return np.sqrt(v) if isinstance(v, np.ndarray) else math.sqrt(v)


def _rt(beta2_t, n_sma, n_sma_max):
    return _sqrt((1.0 - beta2_t) * (n_sma - 4) / (n_sma_max - 4) * (n_sma - 2) / n_sma * n_sma_max / (n_sma_max - 2))


def adabelief_step(o, s, p, g, hp, lr):
    s.step += 1
    step = s.step
    bias_correction1 = 1.0 - hp.beta1 ** step
    step_size, n_sma = lr, 0.0
    if hp.rectify:
        n_sma_max = 2.0 / (1.0 - hp.beta2) - 1.0
        beta2_t = hp.beta2 ** step
        n_sma = n_sma_max - 2 * step * beta2_t / (1.0 - beta2_t)
        if isinstance(n_sma, np.ndarray):  # runs that differ in beta2: each its own branch
            with np.errstate(invalid="ignore"):
                rt = np.where(n_sma >= N_SMA_THRESHOLD, _rt(beta2_t, n_sma, n_sma_max), 1.0)
        else:  # below the threshold: degenerated to SGD
            rt = _rt(beta2_t, n_sma, n_sma_max) if n_sma >= N_SMA_THRESHOLD else 1.0
        step_size = step_size * rt
    step_size = step_size / bias_correction1
    bias_correction2_sq = _sqrt(1.0 - hp.beta2 ** step)
    if active(hp.weight_decay):
        if hp.weight_decouple:
            if o.explaining:
                before = o.copy(p)
            p = o.mul(p, 1.0 - hp.weight_decay * (1.0 if hp.fixed_decay else lr) * 1.0, out=p)
            if o.explaining:
                o.term("decay", o.sub(p, before))
        else:
            t = o.mul(p, hp.weight_decay, out=o.buf("grad"))
            g = o.add(g, t, out=t)
            if o.explaining:
                o.quantity("grad", g)
    s.exp_avg = lerp(o, s.exp_avg, g, 1.0 - hp.beta1, out=s.exp_avg)
    residual = o.sub(g, s.exp_avg, out=o.buf("residual"))
    if o.explaining:
        o.quantity("bias_correction1", bias_correction1)
        o.quantity("bias_correction2_sq", bias_correction2_sq)
        o.quantity("step_size", step_size)
        if hp.rectify:
            o.quantity("n_sma", n_sma)
        o.quantity("grad_residual", residual)
    s.exp_avg_var = o.mul(s.exp_avg_var, hp.beta2, out=s.exp_avg_var)
    t = o.mul(residual, 1.0 - hp.beta2, out=o.buf("square"))
    s.exp_avg_var = o.add(s.exp_avg_var, o.mul(t, residual, out=t), out=s.exp_avg_var)
    s.exp_avg_var = o.add(s.exp_avg_var, hp.eps, out=s.exp_avg_var)
    denom = o.sqrt(o.add(s.exp_avg_var, 0.0, out=o.buf("denom")), out=o.buf("denom"))
    denom = o.add(denom, 0.0, out=denom)
    t = o.mul(s.exp_avg, -step_size, out=o.buf("step"))
    if not hp.rectify:
        denom = o.add(o.div(denom, bias_correction2_sq, out=denom), hp.eps, out=denom)
        t = o.div(t, denom, out=t)
        if o.explaining:
            _explain(o, p, t, denom, o.div(step_size, denom))
        return o.add(p, t, out=p)
    denom = o.add(denom, hp.eps, out=denom)
    if isinstance(n_sma, np.ndarray):  # runs that differ in beta2
        adaptive = n_sma >= N_SMA_THRESHOLD
        update = np.where(adaptive, t / denom, np.where(step_size > 0, t, 0.0))
        if o.explaining:
            _explain(o, p, update, denom, np.where(adaptive, step_size / denom, np.maximum(step_size, 0.0)))
        return o.add(p, update, out=p)
    if n_sma >= N_SMA_THRESHOLD:
        t = o.div(t, denom, out=t)
        if o.explaining:
            _explain(o, p, t, denom, o.div(step_size, denom))
        return o.add(p, t, out=p)
    if step_size > 0:  # degenerated to SGD: bias-corrected momentum, no denominator
        if o.explaining:
            _explain(o, p, t, denom, o.full(p, 1.0) * step_size)
        return o.add(p, t, out=p)
    return p


def _explain(o, p, step, denom, effective_lr):
    o.quantity("denom", denom)
    o.quantity("effective_lr", o.full(p, 1.0) * effective_lr)
    o.term("step", step)


ADABELIEF = OptimizerDef(
    id="adabelief", names=Bilingual("AdaBelief", "AdaBelief"), torch_equivalent="",
    descriptions=Bilingual(
        "Adam that divides by how far the gradient strays from its running average rather than by its size: large "
        "steps where the gradient is predictable, small where it is surprising.",
        "기울기의 크기 대신 기울기가 이동 평균에서 얼마나 벗어나는지로 나누는 Adam: 기울기를 예측할 수 있는 곳에서는 "
        "크게, 뜻밖인 곳에서는 작게 움직입니다."),
    update_latex=r"s_t = \beta_2 s_{t-1} + (1-\beta_2)(g_t - m_t)^2 + \epsilon,\ \theta_t = \theta_{t-1} - "
                 r"\frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{\sqrt{s_t}/\sqrt{1-\beta_2^t} + \epsilon}",
    rule_text=Bilingual(
        "θ ← θ·(1 − lr·λ)   (weight_decouple; with fixed_decay θ·(1 − λ)), otherwise g ← g + λ·θ\n"
        "m ← β₁·m + (1 − β₁)·g\n"
        "s ← β₂·s + (1 − β₂)·(g − m)² + ε   (how far g strays from its average)\n"
        "θ ← θ − lr/(1 − β₁ᵗ) · m / (√s / √(1 − β₂ᵗ) + ε)\n"
        "rectify: RAdam's rectified step on s (an SGD step while ρₜ < 5)",
        "θ ← θ·(1 − lr·λ)   (weight_decouple; fixed_decay이면 θ·(1 − λ)), 아니면 g ← g + λ·θ\n"
        "m ← β₁·m + (1 − β₁)·g\n"
        "s ← β₂·s + (1 − β₂)·(g − m)² + ε   (g가 평균에서 벗어난 정도)\n"
        "θ ← θ − lr/(1 − β₁ᵗ) · m / (√s / √(1 − β₂ᵗ) + ε)\n"
        "rectify: s에 RAdam의 정류된 스텝을 적용 (ρₜ < 5인 동안은 SGD 스텝)"),
    terms=(DECAY, Label("step", "−step_size · m / denom (an SGD step −step_size·m while rectify waits): the step",
                        "−step_size · m / denom (rectify가 기다리는 동안은 SGD 스텝 −step_size·m): 스텝")),
    quantities=(BIAS_CORRECTION1,
                Label("bias_correction2_sq", "√(1 − β₂ᵗ): the square root of s's bias correction",
                      "√(1 − β₂ᵗ): s의 편향 보정의 제곱근"),
                Label("step_size", "lr / (1 − β₁ᵗ) (with rectify, times RAdam's r): the learning rate of m",
                      "lr / (1 − β₁ᵗ) (rectify이면 RAdam의 r을 곱함): m에 적용하는 학습률"),
                Label("n_sma", "ρₜ: how long the variance estimate is (rectify); the adaptive step starts at 5",
                      "ρₜ: 분산 추정의 길이 (rectify); 5부터 적응형 스텝이 시작됩니다"),
                Label("grad_residual", "g − m: how far the gradient strays from its average (the belief)",
                      "g − m: 기울기가 평균에서 벗어난 정도 (믿음)"),
                Label("denom", "√s / √(1 − β₂ᵗ) + ε (rectify: √s + ε): each coordinate's divisor",
                      "√s / √(1 − β₂ᵗ) + ε (rectify: √s + ε): 좌표별 분모"),
                Label("effective_lr",
                      "step_size / denom: the learning rate each coordinate really gets (it multiplies m)",
                      "step_size / denom: 좌표마다 실제로 적용되는 학습률 (m에 곱해짐)"),
                GRAD),
    state_labels=(STEP, EXP_AVG, Label("exp_avg_var", "s: the average of (g − m)², the gradient's variance",
                                       "s: (g − m)²의 평균, 기울기의 분산")),
    params=(lr_spec(0.001), betas_spec(),
            weight_decay_spec(0.0, Bilingual("weight decay λ: decoupled (θ shrinks by lr·λ) with weight_decouple, "
                                             "else L2 (λ·θ joins the gradient)",
                                             "가중치 감쇠 λ: weight_decouple이면 분리된 감쇠 (θ를 lr·λ만큼 줄임), 아니면 "
                                             "L2 (기울기에 λ·θ를 더함)")),
            flag("weight_decouple", True, Bilingual("decoupled weight decay (AdamW style) instead of adding λ·θ to the "
                                                    "gradient", "기울기에 λ·θ를 더하는 대신 분리된 가중치 감쇠 (AdamW 방식)"),
                 Bilingual("decoupled decay", "분리된 감쇠")),
            flag("fixed_decay", False, Bilingual("decoupled decay by λ per step, not lr·λ",
                                                 "분리된 감쇠를 lr·λ가 아니라 매 스텝 λ만큼 적용"),
                 Bilingual("fixed decay", "고정 감쇠")),
            flag("rectify", False, Bilingual("RAdam's rectification: SGD steps until the variance estimate is long "
                                             "enough",
                                             "RAdam의 정류: 분산 추정이 충분히 길어질 때까지 SGD 스텝"),
                 Bilingual("rectify", "정류")),
            eps_spec(1e-16)),
    init_state=adabelief_init, step=adabelief_step,
    reference="Zhuang et al. (2020); pytorch_optimizer.AdaBelief (pytorch-optimizer 4.1.0)")
