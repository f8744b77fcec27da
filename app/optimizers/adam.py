"""Adam and its relatives: AdamW, NAdam, Adamax (``torch.optim``).

All keep a first-moment average ``m`` (``exp_avg``, updated with torch's
``lerp``) and a second-moment statistic, and correct the averages' bias toward
zero in early steps. The code follows the ``_single_tensor_*`` functions of
torch/optim/adam.py, nadam.py and adamax.py operation by operation.
"""
from __future__ import annotations

from functools import partial
from types import SimpleNamespace

from ..bilingual import Bilingual, Label, lines
from .base import OptimizerDef
from .params import DECOUPLED_DECAY, ParamSpec, betas_spec, eps_spec, flag, lr_spec, weight_decay_spec
from .pieces import (BIAS_CORRECTION1, BIAS_CORRECTION2, DECAY, EXP_AVG, EXP_AVG_SQ, GRAD, L2_LINE, STEP,
                     bias_correction, decay_square, decoupled_decay, l2_penalty, lerp)

AMSGRAD = flag("amsgrad", False, Bilingual("AMSGrad: divide by the largest v so far, so a coordinate's step never "
                                           "grows back", "AMSGrad: 지금까지 가장 큰 v로 나누어 좌표의 보폭이 다시 커지지 "
                                           "않게 합니다"), Bilingual("AMSGrad", "AMSGrad"))

MOMENTS = Bilingual("m ← β₁·m + (1 − β₁)·g   (the gradient's average)\nv ← β₂·v + (1 − β₂)·g²   (its square's average)",
                    "m ← β₁·m + (1 − β₁)·g   (기울기의 평균)\nv ← β₂·v + (1 − β₂)·g²   (기울기 제곱의 평균)")
AMSGRAD_LINE = Bilingual("v_max ← max(v_max, v), used for v   (AMSGrad only)",
                         "v_max ← max(v_max, v), v 대신 사용   (AMSGrad일 때만)")
ADAM_STEP = Bilingual("θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)",
                      "θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)")


ADAM_QUANTITIES = (
    BIAS_CORRECTION1, BIAS_CORRECTION2,
    Label("step_size", "lr / (1 − β₁ᵗ): the learning rate with m's bias corrected", "lr / (1 − β₁ᵗ): m의 편향을 보정한 학습률"),
    Label("bias_correction2_sqrt", "√(1 − β₂ᵗ): the square root of v's bias correction", "√(1 − β₂ᵗ): v의 편향 보정의 제곱근"),
    Label("denom", "√v / √(1 − β₂ᵗ) + ε: each coordinate's divisor, the gradient's typical size",
          "√v / √(1 − β₂ᵗ) + ε: 좌표별 분모, 기울기의 전형적인 크기"),
    Label("effective_lr", "step_size / denom: the learning rate each coordinate really gets (it multiplies m)",
          "step_size / denom: 좌표마다 실제로 적용되는 학습률 (m에 곱해짐)"))
ADAM_STATE = (STEP, EXP_AVG, EXP_AVG_SQ, Label("max_exp_avg_sq", "v_max: the largest v so far (AMSGrad)",
                                               "v_max: 지금까지 가장 큰 v (AMSGrad)"))
ADAM_TERM = Label("step", "−step_size · m / denom: the adaptive step (with λ·θ inside, for L2 weight decay)",
                  "−step_size · m / denom: 적응형 스텝 (L2 가중치 감쇠의 λ·θ도 이 안에 있음)")


def adam_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, exp_avg=o.zeros(p), exp_avg_sq=o.zeros(p),
                           max_exp_avg_sq=o.zeros(p) if hp.amsgrad else None)


def adam_step(o, s, p, g, hp, lr, *, decoupled_weight_decay: bool):
    """m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; θ -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps).

    With ``decoupled_weight_decay`` (AdamW) the parameters shrink by ``1 - lr·λ``
    before the step instead of ``λθ`` joining the gradient.
    """
    s.step += 1
    if decoupled_weight_decay:
        p = decoupled_decay(o, p, lr, hp.weight_decay)
    else:
        g = l2_penalty(o, g, p, hp.weight_decay)
    s.exp_avg = lerp(o, s.exp_avg, g, 1 - hp.beta1, out=s.exp_avg)
    s.exp_avg_sq = decay_square(o, s.exp_avg_sq, g, hp.beta2)
    step_size = lr / bias_correction(hp.beta1, s.step)
    bias_correction2_sqrt = bias_correction(hp.beta2, s.step) ** 0.5
    if hp.amsgrad:
        s.max_exp_avg_sq = o.maximum(s.max_exp_avg_sq, s.exp_avg_sq, out=s.max_exp_avg_sq)
    denom = o.sqrt(s.max_exp_avg_sq if hp.amsgrad else s.exp_avg_sq, out=o.buf("denom"))
    denom = o.div(denom, bias_correction2_sqrt, out=denom)
    denom = o.add(denom, hp.eps, out=denom)
    t = o.mul(s.exp_avg, -step_size, out=o.buf("tmp"))
    t = o.div(t, denom, out=t)
    if o.explaining:
        o.quantity("bias_correction1", bias_correction(hp.beta1, s.step))
        o.quantity("bias_correction2", bias_correction(hp.beta2, s.step))
        o.quantity("step_size", step_size)
        o.quantity("bias_correction2_sqrt", bias_correction2_sqrt)
        o.quantity("denom", denom)
        o.quantity("effective_lr", o.div(step_size, denom))
        o.term("step", t)  # weight decay as L2 (Adam) is inside it: it went through both moments
    return o.add(p, t, out=p)


ADAM = OptimizerDef(
    id="adam", names=Bilingual("Adam", "Adam"), torch_equivalent="torch.optim.Adam",
    descriptions=Bilingual(
        "Momentum (a moving average of gradients) divided by RMSprop's root mean square, both bias-corrected: steps "
        "of roughly lr in every coordinate, whatever the gradient's scale.",
        "모멘텀(기울기의 이동 평균)을 RMSprop의 제곱평균제곱근으로 나누고 둘 다 편향 보정합니다: 기울기 크기와 상관없이 "
        "좌표마다 대략 lr만큼 움직입니다."),
    update_latex=r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ "
                 r"\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}",
    rule_text=lines(L2_LINE, MOMENTS, AMSGRAD_LINE, ADAM_STEP),
    terms=(ADAM_TERM,), quantities=ADAM_QUANTITIES + (GRAD,),
    state_labels=ADAM_STATE,
    params=(lr_spec(0.001), betas_spec(), eps_spec(1e-8), weight_decay_spec(), AMSGRAD),
    init_state=adam_init, step=partial(adam_step, decoupled_weight_decay=False),
    reference="Kingma & Ba (2015); Reddi et al. (2018) for AMSGrad; torch/optim/adam.py")

ADAMW = OptimizerDef(
    id="adamw", names=Bilingual("AdamW", "AdamW"), torch_equivalent="torch.optim.AdamW",
    descriptions=Bilingual(
        "Adam with decoupled weight decay: the parameters shrink toward zero by lr·λ each step, independently of the "
        "adaptive scaling.",
        "가중치 감쇠를 분리한 Adam: 적응형 스케일과 무관하게 매 스텝 매개변수가 lr·λ만큼 0 쪽으로 줄어듭니다."),
    update_latex=r"\theta_{t-1} \leftarrow (1 - \gamma\lambda)\,\theta_{t-1},\ \text{then the Adam step}",
    rule_text=lines(Bilingual("θ ← θ·(1 − lr·λ)   (decoupled weight decay)", "θ ← θ·(1 − lr·λ)   (분리된 가중치 감쇠)"),
               MOMENTS, AMSGRAD_LINE, ADAM_STEP),
    terms=(DECAY, Label("step", "−step_size · m / denom: the adaptive step", "−step_size · m / denom: 적응형 스텝")),
    quantities=ADAM_QUANTITIES,
    state_labels=ADAM_STATE,
    params=(lr_spec(0.001), betas_spec(), eps_spec(1e-8), weight_decay_spec(0.01, DECOUPLED_DECAY), AMSGRAD),
    init_state=adam_init, step=partial(adam_step, decoupled_weight_decay=True),
    reference="Loshchilov & Hutter (2019); torch/optim/adamw.py")


# --- NAdam -----------------------------------------------------------------------
def nadam_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, mu_product=1.0, exp_avg=o.zeros(p), exp_avg_sq=o.zeros(p))


def nadam_step(o, s, p, g, hp, lr):
    """Adam with Nesterov momentum and Dozat's momentum schedule μ_t = β1 (1 - ½·0.96^(t·ψ))."""
    s.step += 1
    bias_correction2 = bias_correction(hp.beta2, s.step)
    g = l2_penalty(o, g, p, hp.weight_decay)
    mu = hp.beta1 * (1.0 - 0.5 * (0.96 ** (s.step * hp.momentum_decay)))
    mu_next = hp.beta1 * (1.0 - 0.5 * (0.96 ** ((s.step + 1) * hp.momentum_decay)))
    s.mu_product = s.mu_product * mu
    s.exp_avg = lerp(o, s.exp_avg, g, 1 - hp.beta1, out=s.exp_avg)
    s.exp_avg_sq = decay_square(o, s.exp_avg_sq, g, hp.beta2)
    denom = o.div(s.exp_avg_sq, bias_correction2, out=o.buf("denom"))
    denom = o.add(o.sqrt(denom, out=denom), hp.eps, out=denom)
    mu_product_next = s.mu_product * mu_next
    t = o.mul(g, -lr * (1.0 - mu) / (1.0 - s.mu_product), out=o.buf("tmp"))
    t = o.div(t, denom, out=t)
    if o.explaining:
        o.quantity("bias_correction2", bias_correction2)
        o.quantity("mu", mu)
        o.quantity("mu_next", mu_next)
        o.quantity("mu_product", s.mu_product)
        o.quantity("denom", denom)
        o.quantity("effective_lr", o.div(lr, denom))
        o.term("gradient", t)  # Nesterov's look-ahead: this gradient's share, at once
    p = o.add(p, t, out=p)
    t = o.mul(s.exp_avg, (-lr * mu_next) / (1.0 - mu_product_next), out=t)
    t = o.div(t, denom, out=t)
    if o.explaining:
        o.term("momentum", t)
    return o.add(p, t, out=p)


NADAM_DENOM = "(√(v / (1 − β₂ᵗ)) + ε)"
NADAM = OptimizerDef(
    id="nadam", names=Bilingual("NAdam", "NAdam"), torch_equivalent="torch.optim.NAdam",
    descriptions=Bilingual(
        "Adam with a Nesterov look-ahead on the momentum term, and a momentum warm-up schedule.",
        "모멘텀 항에 네스테로프식 내다보기와 모멘텀 워밍업 스케줄을 더한 Adam."),
    update_latex=r"\theta_t = \theta_{t-1} - \gamma\left(\frac{(1-\mu_t)\,g_t}{1-\prod_{i\le t}\mu_i} + "
                 r"\frac{\mu_{t+1} m_t}{1-\prod_{i\le t+1}\mu_i}\right)\Big/\left(\sqrt{\hat v_t} + \epsilon\right)",
    rule_text=lines(L2_LINE, Bilingual("μₜ = β₁·(1 − ½·0.96^(t·ψ))   (the momentum factor warms up)\n"
                                  "P ← P·μₜ   (the product of every μ so far)",
                             "μₜ = β₁·(1 − ½·0.96^(t·ψ))   (모멘텀 계수의 워밍업)\nP ← P·μₜ   (지금까지 모든 μ의 곱)"),
               MOMENTS,
               Bilingual(f"θ ← θ − lr·(1 − μₜ)/(1 − P) · g / {NADAM_DENOM}   (this gradient, at once)\n"
                         f"θ ← θ − lr·μₜ₊₁/(1 − P·μₜ₊₁) · m / {NADAM_DENOM}   (the momentum, looking ahead)",
                         f"θ ← θ − lr·(1 − μₜ)/(1 − P) · g / {NADAM_DENOM}   (이번 기울기를 바로 반영)\n"
                         f"θ ← θ − lr·μₜ₊₁/(1 − P·μₜ₊₁) · m / {NADAM_DENOM}   (앞을 내다본 모멘텀)")),
    terms=(Label("gradient", "−lr·(1 − μₜ)/(1 − P) · g / denom: this gradient's share, taken at once (Nesterov)",
                 "−lr·(1 − μₜ)/(1 − P) · g / denom: 바로 반영하는 이번 기울기의 몫 (네스테로프)"),
           Label("momentum", "−lr·μₜ₊₁/(1 − P·μₜ₊₁) · m / denom: the momentum's share, looking one step ahead",
                 "−lr·μₜ₊₁/(1 − P·μₜ₊₁) · m / denom: 한 스텝 앞을 내다본 모멘텀의 몫")),
    quantities=(BIAS_CORRECTION2,
                Label("mu", "μₜ: this step's momentum factor (it warms up toward β₁)",
                      "μₜ: 이번 스텝의 모멘텀 계수 (β₁ 쪽으로 워밍업)"),
                Label("mu_next", "μₜ₊₁: the next step's momentum factor, for the look-ahead",
                      "μₜ₊₁: 앞보기에 쓰는 다음 스텝의 모멘텀 계수"),
                Label("mu_product", "P = μ₁·μ₂·…·μₜ: the product of the momentum factors so far",
                      "P = μ₁·μ₂·…·μₜ: 지금까지 모멘텀 계수의 곱"),
                Label("denom", "√(v / (1 − β₂ᵗ)) + ε: each coordinate's divisor", "√(v / (1 − β₂ᵗ)) + ε: 좌표별 분모"),
                Label("effective_lr", "lr / denom: the adaptive learning rate of each coordinate",
                      "lr / denom: 좌표별 적응형 학습률"),
                GRAD),
    state_labels=(STEP, Label("mu_product", "P: the product of the momentum factors μ so far", "P: 지금까지 모멘텀 계수 μ의 곱"),
                  EXP_AVG, EXP_AVG_SQ),
    params=(lr_spec(0.002), betas_spec(), eps_spec(1e-8), weight_decay_spec(),
            ParamSpec("momentum_decay", 0.004, Bilingual("ψ in the momentum schedule μₜ = β₁·(1 − ½·0.96^(t·ψ)): how "
                                                         "fast the momentum factor warms up",
                                                         "모멘텀 스케줄 μₜ = β₁·(1 − ½·0.96^(t·ψ))의 ψ: 모멘텀 계수가 "
                                                         "얼마나 빨리 워밍업되는지"),
                      0.0, 1.0, "log", slider=(1e-4, 0.1), label=Bilingual("momentum decay ψ", "모멘텀 감쇠 ψ"))),
    init_state=nadam_init, step=nadam_step, scalar_state=("step", "mu_product"),
    reference="Dozat (2016); torch/optim/nadam.py")


# --- Adamax ----------------------------------------------------------------------
def adamax_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, exp_avg=o.zeros(p), exp_inf=o.zeros(p))


def adamax_step(o, s, p, g, hp, lr):
    """Adam with the infinity norm: u = max(β2 u, |g| + eps); θ -= lr/(1-β1^t) · m / u."""
    s.step += 1
    g = l2_penalty(o, g, p, hp.weight_decay)
    s.exp_avg = lerp(o, s.exp_avg, g, 1 - hp.beta1, out=s.exp_avg)
    s.exp_inf = o.mul(s.exp_inf, hp.beta2, out=s.exp_inf)
    t = o.add(o.abs(g, out=o.buf("tmp")), hp.eps, out=o.buf("tmp"))
    s.exp_inf = o.maximum(s.exp_inf, t, out=s.exp_inf)
    clr = lr / bias_correction(hp.beta1, s.step)
    t = o.mul(s.exp_avg, -clr, out=t)
    t = o.div(t, s.exp_inf, out=t)
    if o.explaining:
        o.quantity("bias_correction1", bias_correction(hp.beta1, s.step))
        o.quantity("clr", clr)
        o.quantity("effective_lr", o.div(clr, s.exp_inf))
        o.term("step", t)
    return o.add(p, t, out=p)


ADAMAX = OptimizerDef(
    id="adamax", names=Bilingual("Adamax", "Adamax"), torch_equivalent="torch.optim.Adamax",
    descriptions=Bilingual(
        "Adam's variant with the infinity norm: the denominator is a decaying running maximum of |g|.",
        "무한대 노름을 쓰는 Adam의 변형: 분모가 |g|의 감쇠하는 누적 최댓값입니다."),
    update_latex=r"u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\ \theta_t = \theta_{t-1} - "
                 r"\frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{u_t}",
    rule_text=lines(L2_LINE, Bilingual("m ← β₁·m + (1 − β₁)·g\nu ← max(β₂·u, |g| + ε)   (a decaying maximum of |g|)\n"
                             "θ ← θ − lr/(1 − β₁ᵗ) · m / u",
                             "m ← β₁·m + (1 − β₁)·g\nu ← max(β₂·u, |g| + ε)   (|g|의 감쇠하는 최댓값)\n"
                             "θ ← θ − lr/(1 − β₁ᵗ) · m / u")),
    terms=(Label("step", "−clr · m / u: the step", "−clr · m / u: 스텝"),),
    quantities=(BIAS_CORRECTION1,
                Label("clr", "lr / (1 − β₁ᵗ): the learning rate with m's bias corrected",
                      "lr / (1 − β₁ᵗ): m의 편향을 보정한 학습률"),
                Label("effective_lr", "clr / u: the learning rate each coordinate really gets (it multiplies m)",
                      "clr / u: 좌표마다 실제로 적용되는 학습률 (m에 곱해짐)"),
                GRAD),
    state_labels=(STEP, EXP_AVG, Label("exp_inf", "u: the decaying maximum of |g|", "u: |g|의 감쇠하는 최댓값")),
    params=(lr_spec(0.002), betas_spec(), eps_spec(1e-8), weight_decay_spec()),
    init_state=adamax_init, step=adamax_step,
    reference="Kingma & Ba (2015), section 7; torch/optim/adamax.py")
