"""Per-coordinate adaptive step sizes: Adagrad, RMSprop, Adadelta (``torch.optim``).

Each follows its ``_single_tensor_*`` function in torch/optim line by line:
weight decay enters the gradient first, ``eps`` is added after the square root
(inside it for Adadelta), and ``addcmul``/``addcdiv`` keep torch's operand order.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from ..numeric import lerp
from .base import OptimizerDef, ParamSpec, active, eps_spec, lr_spec, weight_decay_spec, zeros_like


# --- Adagrad ---------------------------------------------------------------------
class AdagradState(NamedTuple):
    step: int
    state_sum: Any


def adagrad_init(params, hp, ctx) -> AdagradState:
    return AdagradState(0, zeros_like(params) + hp.initial_accumulator_value)


def adagrad_update(grad, state, params, hp, lr, ctx):
    """clr = lr / (1 + (t-1) lr_decay); G += g^2; θ -= clr g / (sqrt(G) + eps)."""
    step = state.step + 1
    if active(hp.weight_decay):
        grad = grad + hp.weight_decay * params
    clr = lr / (1 + (step - 1) * hp.lr_decay)
    state_sum = state.state_sum + 1 * grad * grad
    std = ctx.xp.sqrt(state_sum) + hp.eps
    return params + (-clr) * grad / std, AdagradState(step, state_sum)


ADAGRAD = OptimizerDef(
    id="adagrad", name="Adagrad", torch_equivalent="torch.optim.Adagrad",
    description="Divides each coordinate's step by the root of its summed squared gradients: steep directions slow "
                "down at once, and every step keeps shrinking as the sum grows.",
    update_latex=r"G_t = G_{t-1} + g_t^2,\quad \theta_t = \theta_{t-1} - \frac{\gamma}{1 + (t-1)\eta}\,"
                 r"\frac{g_t}{\sqrt{G_t} + \epsilon}",
    params=(lr_spec(0.01), ParamSpec("lr_decay", 0.0, "learning-rate decay: lr / (1 + (t - 1) lr_decay)", 0.0, 10.0,
                                     "linear", slider=(0.0, 1.0)),
            weight_decay_spec(),
            ParamSpec("initial_accumulator_value", 0.0, "starting value of the sum of squared gradients", 0.0, 1000.0,
                      "linear", slider=(0.0, 10.0)),
            eps_spec(1e-10)),
    init=adagrad_init, update=adagrad_update, reference="Duchi, Hazan & Singer (2011); torch/optim/adagrad.py")


# --- RMSprop ---------------------------------------------------------------------
class RMSpropState(NamedTuple):
    step: int
    square_avg: Any
    grad_avg: Any  # None unless centered
    momentum_buffer: Any


def rmsprop_init(params, hp, ctx) -> RMSpropState:
    zeros = zeros_like(params)
    return RMSpropState(0, zeros, zeros if hp.centered else None, zeros)


def rmsprop_update(grad, state, params, hp, lr, ctx):
    """v = α v + (1-α) g²; centered subtracts the squared mean gradient; θ -= lr g / (sqrt(v) + eps)."""
    xp = ctx.xp
    if active(hp.weight_decay):
        grad = grad + hp.weight_decay * params
    square_avg = state.square_avg * hp.alpha + (1 - hp.alpha) * grad * grad
    grad_avg = state.grad_avg
    if hp.centered:
        grad_avg = lerp(grad_avg, grad, 1 - hp.alpha)
        avg = xp.sqrt(square_avg + -1 * grad_avg * grad_avg)
    else:
        avg = xp.sqrt(square_avg)
    avg = avg + hp.eps
    buf = state.momentum_buffer
    if _positive(hp.momentum):
        buf = buf * hp.momentum + 1 * grad / avg
        params = params + (-lr) * buf
    else:
        params = params + (-lr) * grad / avg
    return params, RMSpropState(state.step + 1, square_avg, grad_avg, buf)


def _positive(v) -> bool:
    return bool((v > 0) if isinstance(v, (int, float)) else (v > 0).any())


RMSPROP = OptimizerDef(
    id="rmsprop", name="RMSprop", torch_equivalent="torch.optim.RMSprop",
    description="Like Adagrad, but with an exponential moving average of squared gradients, so steps stop "
                "shrinking: the denominator forgets old gradients.",
    update_latex=r"v_t = \alpha v_{t-1} + (1-\alpha)\,g_t^2,\quad \theta_t = \theta_{t-1} - \gamma\,"
                 r"\frac{g_t}{\sqrt{v_t} + \epsilon}",
    params=(lr_spec(0.01), ParamSpec("alpha", 0.99, "smoothing constant of the squared-gradient average", 0.0, 1.0,
                                     "linear", slider=(0.5, 0.999)),
            eps_spec(1e-8), weight_decay_spec(),
            ParamSpec("momentum", 0.0, "momentum factor applied to the scaled step", 0.0, 1.0, "linear",
                      slider=(0.0, 0.999)),
            ParamSpec("centered", False, "normalise by the variance (subtract the squared mean gradient)",
                      scale="bool")),
    init=rmsprop_init, update=rmsprop_update, reference="Hinton, Coursera lecture 6e (2012); torch/optim/rmsprop.py")


# --- Adadelta --------------------------------------------------------------------
class AdadeltaState(NamedTuple):
    step: int
    square_avg: Any
    acc_delta: Any


def adadelta_init(params, hp, ctx) -> AdadeltaState:
    zeros = zeros_like(params)
    return AdadeltaState(0, zeros, zeros)


def adadelta_update(grad, state, params, hp, lr, ctx):
    """Δ = sqrt(u + eps) / sqrt(v + eps) · g: the ratio of two running averages sets the step's units."""
    sqrt = ctx.xp.sqrt
    if active(hp.weight_decay):
        grad = grad + hp.weight_decay * params
    square_avg = state.square_avg * hp.rho + (1 - hp.rho) * grad * grad
    std = sqrt(square_avg + hp.eps)
    delta = sqrt(state.acc_delta + hp.eps) / std * grad
    acc_delta = state.acc_delta * hp.rho + (1 - hp.rho) * delta * delta
    return params + (-lr) * delta, AdadeltaState(state.step + 1, square_avg, acc_delta)


ADADELTA = OptimizerDef(
    id="adadelta", name="Adadelta", torch_equivalent="torch.optim.Adadelta",
    description="Scales each step by the ratio of the running RMS of past steps to that of gradients, so it needs "
                "no learning rate (torch keeps lr = 1 as a multiplier).",
    update_latex=r"v_t = \rho v_{t-1} + (1-\rho) g_t^2,\ \Delta_t = \frac{\sqrt{u_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}"
                 r"g_t,\ u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\ \theta_t = \theta_{t-1} - \gamma\Delta_t",
    params=(lr_spec(1.0), ParamSpec("rho", 0.9, "decay rate of the running averages", 0.0, 1.0, "linear",
                                    slider=(0.5, 0.999)),
            eps_spec(1e-6), weight_decay_spec()),
    init=adadelta_init, update=adadelta_update, reference="Zeiler (2012); torch/optim/adadelta.py")
