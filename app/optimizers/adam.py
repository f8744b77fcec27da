"""Adam and its relatives: AdamW, NAdam, Adamax (``torch.optim``).

All keep a first-moment average ``m`` (``exp_avg``, updated with torch's
``lerp``) and a second-moment statistic, and correct the averages' bias toward
zero in early steps. The code follows the ``_single_tensor_*`` functions of
torch/optim/adam.py, nadam.py and adamax.py operation by operation.
"""
from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

import numpy as np

from ..numeric import decay_square_, lerp, lerp_
from .base import (OptimizerDef, ParamSpec, active, betas_spec, decayed_, eps_spec, lr_spec, weight_decay_spec,
                   zeros_like)

AMSGRAD = ParamSpec("amsgrad", False, "use the running maximum of the second moment (AMSGrad)", scale="bool")


class AdamState(NamedTuple):
    step: int
    exp_avg: Any
    exp_avg_sq: Any
    max_exp_avg_sq: Any  # None unless amsgrad


def adam_init(params, hp, ctx) -> AdamState:
    zeros = zeros_like(params)
    return AdamState(0, zeros, zeros, zeros if hp.amsgrad else None)


def adam_update(grad, state, params, hp, lr, ctx, *, decoupled_weight_decay: bool):
    """m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; θ -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps).

    With ``decoupled_weight_decay`` (AdamW) the parameters shrink by ``1 - lr·λ``
    before the step instead of ``λθ`` joining the gradient.
    """
    xp = ctx.xp
    step = state.step + 1
    if active(hp.weight_decay):
        if decoupled_weight_decay:
            params = params * (1 - lr * hp.weight_decay)
        else:
            grad = grad + hp.weight_decay * params
    exp_avg = lerp(state.exp_avg, grad, 1 - hp.beta1)
    exp_avg_sq = state.exp_avg_sq * hp.beta2 + (1 - hp.beta2) * grad * grad
    bias_correction1 = 1 - hp.beta1 ** step
    bias_correction2 = 1 - hp.beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2 ** 0.5
    max_exp_avg_sq = state.max_exp_avg_sq
    if hp.amsgrad:
        max_exp_avg_sq = xp.maximum(max_exp_avg_sq, exp_avg_sq)
        denom = xp.sqrt(max_exp_avg_sq) / bias_correction2_sqrt + hp.eps
    else:
        denom = xp.sqrt(exp_avg_sq) / bias_correction2_sqrt + hp.eps
    params = params + (-step_size) * exp_avg / denom
    return params, AdamState(step, exp_avg, exp_avg_sq, max_exp_avg_sq)


def adam_update_inplace(grad, state, params, hp, lr, work, *, decoupled_weight_decay: bool):
    """:func:`adam_update` in place (``params``, ``exp_avg``, ``exp_avg_sq`` and ``max_exp_avg_sq`` overwritten)."""
    w0, w1, w2 = work
    step = state.step + 1
    if decoupled_weight_decay:
        if active(hp.weight_decay):
            params *= 1 - lr * hp.weight_decay
    else:
        grad = decayed_(grad, params, hp.weight_decay, w2)
    exp_avg = lerp_(state.exp_avg, grad, 1 - hp.beta1, w0)
    exp_avg_sq = decay_square_(state.exp_avg_sq, grad, hp.beta2, w0)
    step_size = lr / (1 - hp.beta1 ** step)
    bias_correction2_sqrt = (1 - hp.beta2 ** step) ** 0.5
    max_exp_avg_sq = state.max_exp_avg_sq
    if hp.amsgrad:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
    denom = np.sqrt(max_exp_avg_sq if hp.amsgrad else exp_avg_sq, out=w1)
    denom /= bias_correction2_sqrt
    denom += hp.eps
    np.multiply(exp_avg, -step_size, out=w0)
    w0 /= denom
    params += w0
    return AdamState(step, exp_avg, exp_avg_sq, max_exp_avg_sq)


ADAM = OptimizerDef(
    id="adam", name="Adam", torch_equivalent="torch.optim.Adam",
    description="Momentum (a moving average of gradients) divided by RMSprop's root mean square, both "
                "bias-corrected: steps of roughly lr in every coordinate, whatever the gradient's scale.",
    update_latex=r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ "
                 r"\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}",
    params=(lr_spec(0.001), betas_spec(), eps_spec(1e-8), weight_decay_spec(), AMSGRAD),
    init=adam_init, update=partial(adam_update, decoupled_weight_decay=False),
    update_inplace=partial(adam_update_inplace, decoupled_weight_decay=False),
    reference="Kingma & Ba (2015); Reddi et al. (2018) for AMSGrad; torch/optim/adam.py")

ADAMW = OptimizerDef(
    id="adamw", name="AdamW", torch_equivalent="torch.optim.AdamW",
    description="Adam with decoupled weight decay: the parameters shrink toward zero by lr·λ each step, "
                "independently of the adaptive scaling.",
    update_latex=r"\theta_{t-1} \leftarrow (1 - \gamma\lambda)\,\theta_{t-1},\ \text{then the Adam step}",
    params=(lr_spec(0.001), betas_spec(), eps_spec(1e-8), weight_decay_spec(0.01), AMSGRAD),
    init=adam_init, update=partial(adam_update, decoupled_weight_decay=True),
    update_inplace=partial(adam_update_inplace, decoupled_weight_decay=True),
    reference="Loshchilov & Hutter (2019); torch/optim/adamw.py")


# --- NAdam -----------------------------------------------------------------------
class NAdamState(NamedTuple):
    step: int
    mu_product: Any
    exp_avg: Any
    exp_avg_sq: Any


def nadam_init(params, hp, ctx) -> NAdamState:
    zeros = zeros_like(params)
    return NAdamState(0, 1.0, zeros, zeros)


def nadam_update(grad, state, params, hp, lr, ctx):
    """Adam with Nesterov momentum and Dozat's momentum schedule μ_t = β1 (1 - ½·0.96^(t·ψ))."""
    step = state.step + 1
    bias_correction2 = 1 - hp.beta2 ** step
    if active(hp.weight_decay):
        grad = grad + hp.weight_decay * params
    mu = hp.beta1 * (1.0 - 0.5 * (0.96 ** (step * hp.momentum_decay)))
    mu_next = hp.beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * hp.momentum_decay)))
    mu_product = state.mu_product * mu
    exp_avg = lerp(state.exp_avg, grad, 1 - hp.beta1)
    exp_avg_sq = state.exp_avg_sq * hp.beta2 + (1 - hp.beta2) * grad * grad
    denom = ctx.xp.sqrt(exp_avg_sq / bias_correction2) + hp.eps
    mu_product_next = mu_product * mu_next
    params = params + (-lr * (1.0 - mu) / (1.0 - mu_product)) * grad / denom
    params = params + ((-lr * mu_next) / (1.0 - mu_product_next)) * exp_avg / denom
    return params, NAdamState(step, mu_product, exp_avg, exp_avg_sq)


def nadam_update_inplace(grad, state, params, hp, lr, work):
    """:func:`nadam_update` in place."""
    w0, w1, w2 = work
    step = state.step + 1
    bias_correction2 = 1 - hp.beta2 ** step
    grad = decayed_(grad, params, hp.weight_decay, w2)
    mu = hp.beta1 * (1.0 - 0.5 * (0.96 ** (step * hp.momentum_decay)))
    mu_next = hp.beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * hp.momentum_decay)))
    mu_product = state.mu_product * mu
    exp_avg = lerp_(state.exp_avg, grad, 1 - hp.beta1, w0)
    exp_avg_sq = decay_square_(state.exp_avg_sq, grad, hp.beta2, w0)
    denom = np.divide(exp_avg_sq, bias_correction2, out=w1)
    np.sqrt(denom, out=denom)
    denom += hp.eps
    mu_product_next = mu_product * mu_next
    np.multiply(grad, -lr * (1.0 - mu) / (1.0 - mu_product), out=w0)
    w0 /= denom
    params += w0
    np.multiply(exp_avg, (-lr * mu_next) / (1.0 - mu_product_next), out=w0)
    w0 /= denom
    params += w0
    return NAdamState(step, mu_product, exp_avg, exp_avg_sq)


NADAM = OptimizerDef(
    id="nadam", name="NAdam", torch_equivalent="torch.optim.NAdam",
    description="Adam with a Nesterov look-ahead on the momentum term, and a momentum warm-up schedule.",
    update_latex=r"\theta_t = \theta_{t-1} - \gamma\left(\frac{(1-\mu_t)\,g_t}{1-\prod_{i\le t}\mu_i} + "
                 r"\frac{\mu_{t+1} m_t}{1-\prod_{i\le t+1}\mu_i}\right)\Big/\left(\sqrt{\hat v_t} + \epsilon\right)",
    params=(lr_spec(0.002), betas_spec(), eps_spec(1e-8), weight_decay_spec(),
            ParamSpec("momentum_decay", 0.004, "ψ in the momentum schedule μ_t = β1 (1 - ½·0.96^(tψ))", 0.0, 1.0,
                      "log", slider=(1e-4, 0.1))),
    init=nadam_init, update=nadam_update, update_inplace=nadam_update_inplace,
    reference="Dozat (2016); torch/optim/nadam.py")


# --- Adamax ----------------------------------------------------------------------
class AdamaxState(NamedTuple):
    step: int
    exp_avg: Any
    exp_inf: Any


def adamax_init(params, hp, ctx) -> AdamaxState:
    zeros = zeros_like(params)
    return AdamaxState(0, zeros, zeros)


def adamax_update(grad, state, params, hp, lr, ctx):
    """Adam with the infinity norm: u = max(β2 u, |g| + eps); θ -= lr/(1-β1^t) · m / u."""
    xp = ctx.xp
    step = state.step + 1
    if active(hp.weight_decay):
        grad = grad + hp.weight_decay * params
    exp_avg = lerp(state.exp_avg, grad, 1 - hp.beta1)
    exp_inf = xp.maximum(state.exp_inf * hp.beta2, xp.abs(grad) + hp.eps)
    clr = lr / (1 - hp.beta1 ** step)
    return params + (-clr) * exp_avg / exp_inf, AdamaxState(step, exp_avg, exp_inf)


def adamax_update_inplace(grad, state, params, hp, lr, work):
    """:func:`adamax_update` in place."""
    w0, w1, w2 = work
    step = state.step + 1
    grad = decayed_(grad, params, hp.weight_decay, w2)
    exp_avg = lerp_(state.exp_avg, grad, 1 - hp.beta1, w0)
    exp_inf = state.exp_inf
    exp_inf *= hp.beta2
    np.abs(grad, out=w0)
    w0 += hp.eps
    np.maximum(exp_inf, w0, out=exp_inf)
    np.multiply(exp_avg, -(lr / (1 - hp.beta1 ** step)), out=w0)
    w0 /= exp_inf
    params += w0
    return AdamaxState(step, exp_avg, exp_inf)


ADAMAX = OptimizerDef(
    id="adamax", name="Adamax", torch_equivalent="torch.optim.Adamax",
    description="Adam's variant with the infinity norm: the denominator is a decaying running maximum of |g|.",
    update_latex=r"u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\ \theta_t = \theta_{t-1} - "
                 r"\frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{u_t}",
    params=(lr_spec(0.002), betas_spec(), eps_spec(1e-8), weight_decay_spec()),
    init=adamax_init, update=adamax_update, update_inplace=adamax_update_inplace,
    reference="Kingma & Ba (2015), section 7; torch/optim/adamax.py")
