"""Per-coordinate adaptive step sizes: Adagrad, RMSprop, Adadelta (``torch.optim``).

Each follows its ``_single_tensor_*`` function in torch/optim line by line:
weight decay enters the gradient first, ``eps`` is added after the square root
(inside it for Adadelta), and ``addcmul``/``addcdiv`` keep torch's operand order.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..numeric import decay_square_, lerp, lerp_
from .base import OptimizerDef, ParamSpec, active, decayed_, eps_spec, lr_spec, weight_decay_spec, zeros_like


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


def adagrad_update_inplace(grad, state, params, hp, lr, work):
    """:func:`adagrad_update` in place (``1 * grad`` is ``grad`` exactly)."""
    w0, w1, w2 = work
    step = state.step + 1
    grad = decayed_(grad, params, hp.weight_decay, w2)
    clr = lr / (1 + (step - 1) * hp.lr_decay)
    state_sum = state.state_sum
    state_sum += np.multiply(grad, grad, out=w0)
    std = np.sqrt(state_sum, out=w1)
    std += hp.eps
    np.multiply(grad, -clr, out=w0)
    w0 /= std
    params += w0
    return AdagradState(step, state_sum)


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
    init=adagrad_init, update=adagrad_update, update_inplace=adagrad_update_inplace,
    reference="Duchi, Hazan & Singer (2011); torch/optim/adagrad.py")


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
    runs = _with_momentum(hp.momentum)
    if runs is not False:
        buf = buf * hp.momentum + 1 * grad / avg
        moved = params + (-lr) * buf
    if runs is not True:
        plain = params + (-lr) * grad / avg
    params = moved if runs is True else plain if runs is False else np.where(runs, moved, plain)
    return params, RMSpropState(state.step + 1, square_avg, grad_avg, buf)


def rmsprop_update_inplace(grad, state, params, hp, lr, work):
    """:func:`rmsprop_update` in place (``-1 * a * a`` is ``-(a * a)`` and ``1 * grad`` is ``grad`` exactly)."""
    w0, w1, w2 = work
    grad = decayed_(grad, params, hp.weight_decay, w2)
    square_avg = decay_square_(state.square_avg, grad, hp.alpha, w0)
    grad_avg = state.grad_avg
    if hp.centered:
        grad_avg = lerp_(grad_avg, grad, 1 - hp.alpha, w0)
        np.multiply(grad_avg, grad_avg, out=w1)
        avg = np.subtract(square_avg, w1, out=w1)
        np.sqrt(avg, out=avg)
    else:
        avg = np.sqrt(square_avg, out=w1)
    avg += hp.eps
    buf = state.momentum_buffer
    runs = _with_momentum(hp.momentum)
    if runs is not False:
        buf *= hp.momentum
        buf += np.divide(grad, avg, out=w0)
        np.multiply(buf, -lr, out=w0)
    else:
        np.multiply(grad, -lr, out=w0)
        w0 /= avg
    if runs is not True and runs is not False:  # per-run momentum, some of it zero: those runs step plainly
        np.copyto(w0, np.multiply(grad, -lr) / avg, where=~runs)
    params += w0
    return RMSpropState(state.step + 1, square_avg, grad_avg, buf)


def _with_momentum(v):
    """torch's ``if momentum > 0``: a bool for a float; for per-run values (a sweep) True or False when every
    run agrees, else the boolean array of the runs that have momentum."""
    if not isinstance(v, np.ndarray):
        return v > 0
    runs = v > 0
    return True if runs.all() else False if not runs.any() else runs


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
    init=rmsprop_init, update=rmsprop_update, update_inplace=rmsprop_update_inplace,
    reference="Hinton, Coursera lecture 6e (2012); torch/optim/rmsprop.py")


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


def adadelta_update_inplace(grad, state, params, hp, lr, work):
    """:func:`adadelta_update` in place."""
    w0, w1, w2 = work
    grad = decayed_(grad, params, hp.weight_decay, w2)
    square_avg = decay_square_(state.square_avg, grad, hp.rho, w0)
    std = np.add(square_avg, hp.eps, out=w1)
    np.sqrt(std, out=std)
    delta = np.add(state.acc_delta, hp.eps, out=w0)
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= grad
    acc_delta = state.acc_delta
    acc_delta *= hp.rho
    np.multiply(delta, 1 - hp.rho, out=w1)
    w1 *= delta
    acc_delta += w1
    delta *= -lr
    params += delta
    return AdadeltaState(state.step + 1, square_avg, acc_delta)


ADADELTA = OptimizerDef(
    id="adadelta", name="Adadelta", torch_equivalent="torch.optim.Adadelta",
    description="Scales each step by the ratio of the running RMS of past steps to that of gradients, so it needs "
                "no learning rate (torch keeps lr = 1 as a multiplier).",
    update_latex=r"v_t = \rho v_{t-1} + (1-\rho) g_t^2,\ \Delta_t = \frac{\sqrt{u_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}"
                 r"g_t,\ u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\ \theta_t = \theta_{t-1} - \gamma\Delta_t",
    params=(lr_spec(1.0), ParamSpec("rho", 0.9, "decay rate of the running averages", 0.0, 1.0, "linear",
                                    slider=(0.5, 0.999)),
            eps_spec(1e-6), weight_decay_spec()),
    init=adadelta_init, update=adadelta_update, update_inplace=adadelta_update_inplace,
    reference="Zeiler (2012); torch/optim/adadelta.py")
