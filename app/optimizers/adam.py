"""Adam and its relatives: AdamW, NAdam, Adamax (``torch.optim``).

All keep a first-moment average ``m`` (``exp_avg``, updated with torch's
``lerp``) and a second-moment statistic, and correct the averages' bias toward
zero in early steps. The code follows the ``_single_tensor_*`` functions of
torch/optim/adam.py, nadam.py and adamax.py operation by operation.
"""
from __future__ import annotations

from functools import partial
from types import SimpleNamespace

from .base import (OptimizerDef, ParamSpec, betas_spec, bias_correction, decay_square, decoupled_decay, eps_spec,
                   l2_penalty, lerp, lr_spec, weight_decay_spec)

AMSGRAD = ParamSpec("amsgrad", False, "use the running maximum of the second moment (AMSGrad)", scale="bool")


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
    id="adam", name="Adam", torch_equivalent="torch.optim.Adam",
    description="Momentum (a moving average of gradients) divided by RMSprop's root mean square, both "
                "bias-corrected: steps of roughly lr in every coordinate, whatever the gradient's scale.",
    update_latex=r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ "
                 r"\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}",
    params=(lr_spec(0.001), betas_spec(), eps_spec(1e-8), weight_decay_spec(), AMSGRAD),
    init_state=adam_init, step=partial(adam_step, decoupled_weight_decay=False),
    reference="Kingma & Ba (2015); Reddi et al. (2018) for AMSGrad; torch/optim/adam.py")

ADAMW = OptimizerDef(
    id="adamw", name="AdamW", torch_equivalent="torch.optim.AdamW",
    description="Adam with decoupled weight decay: the parameters shrink toward zero by lr·λ each step, "
                "independently of the adaptive scaling.",
    update_latex=r"\theta_{t-1} \leftarrow (1 - \gamma\lambda)\,\theta_{t-1},\ \text{then the Adam step}",
    params=(lr_spec(0.001), betas_spec(), eps_spec(1e-8), weight_decay_spec(0.01), AMSGRAD),
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


NADAM = OptimizerDef(
    id="nadam", name="NAdam", torch_equivalent="torch.optim.NAdam",
    description="Adam with a Nesterov look-ahead on the momentum term, and a momentum warm-up schedule.",
    update_latex=r"\theta_t = \theta_{t-1} - \gamma\left(\frac{(1-\mu_t)\,g_t}{1-\prod_{i\le t}\mu_i} + "
                 r"\frac{\mu_{t+1} m_t}{1-\prod_{i\le t+1}\mu_i}\right)\Big/\left(\sqrt{\hat v_t} + \epsilon\right)",
    params=(lr_spec(0.002), betas_spec(), eps_spec(1e-8), weight_decay_spec(),
            ParamSpec("momentum_decay", 0.004, "ψ in the momentum schedule μ_t = β1 (1 - ½·0.96^(tψ))", 0.0, 1.0,
                      "log", slider=(1e-4, 0.1))),
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
    id="adamax", name="Adamax", torch_equivalent="torch.optim.Adamax",
    description="Adam's variant with the infinity norm: the denominator is a decaying running maximum of |g|.",
    update_latex=r"u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\ \theta_t = \theta_{t-1} - "
                 r"\frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{u_t}",
    params=(lr_spec(0.002), betas_spec(), eps_spec(1e-8), weight_decay_spec()),
    init_state=adamax_init, step=adamax_step,
    reference="Kingma & Ba (2015), section 7; torch/optim/adamax.py")
