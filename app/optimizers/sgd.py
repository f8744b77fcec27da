"""Stochastic gradient descent, with heavy-ball or Nesterov momentum (``torch.optim.SGD``).

.. math::
    g_t \\leftarrow g_t + \\lambda\\theta_{t-1}, \\quad
    b_t = \\mu b_{t-1} + (1-\\tau) g_t \\;(b_1 = g_1), \\quad
    \\theta_t = \\theta_{t-1} - \\gamma\\,(g_t + \\mu b_t \\text{ if Nesterov else } b_t)

Reference: torch/optim/sgd.py, ``_single_tensor_sgd``; Sutskever et al. (2013).
"""
from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

import numpy as np

from .base import OptimizerDef, ParamSpec, active, decayed_, lr_spec, weight_decay_spec


class SGDState(NamedTuple):
    momentum_buffer: Any  # None until the first step, as in torch


def init(params, hp, ctx) -> SGDState:
    return SGDState(None)


def update(grad, state, params, hp, lr, ctx, *, use_momentum: bool, nesterov: bool = False):
    if active(hp.weight_decay):
        grad = grad + hp.weight_decay * params
    buf = state.momentum_buffer
    if use_momentum:
        if buf is None:
            buf = grad
        else:
            dampening = getattr(hp, "dampening", 0.0)  # Nesterov has none: torch requires it to be zero
            buf = buf * hp.momentum + (1 - dampening) * grad
        grad = grad + hp.momentum * buf if nesterov else buf
    return params + (-lr) * grad, SGDState(buf)


def update_inplace(grad, state, params, hp, lr, work, *, use_momentum: bool, nesterov: bool = False):
    """:func:`update` in place (``params`` and the momentum buffer overwritten)."""
    w0, _, w2 = work
    grad = decayed_(grad, params, hp.weight_decay, w2)
    buf = state.momentum_buffer
    if use_momentum:
        if buf is None:
            buf = grad.copy()  # grad is the caller's (or scratch): the buffer needs its own array
        else:
            buf *= hp.momentum
            np.multiply(grad, 1 - getattr(hp, "dampening", 0.0), out=w0)
            buf += w0
        if nesterov:
            np.multiply(buf, hp.momentum, out=w0)
            grad = np.add(grad, w0, out=w0)
        else:
            grad = buf
    np.multiply(grad, -lr, out=w0)
    params += w0
    return SGDState(buf)


MOMENTUM = ParamSpec("momentum", 0.9, "momentum factor: the fraction of the previous step kept", 0.0, 1.0,
                     "linear", min_exclusive=True, slider=(0.0, 0.999))
DAMPENING = ParamSpec("dampening", 0.0, "dampening for momentum: the gradient enters the buffer scaled by "
                      "(1 - dampening)", 0.0, 1.0, "linear")

GD = OptimizerDef(
    id="gd", name="Gradient descent", torch_equivalent="torch.optim.SGD(momentum=0)",
    description="Steps straight down the gradient: θ ← θ − lr·∇f. Diverges on a quadratic once lr > 2/L.",
    update_latex=r"\theta_t = \theta_{t-1} - \gamma\,(g_t + \lambda\theta_{t-1})",
    params=(lr_spec(0.001), weight_decay_spec()), init=init, update=partial(update, use_momentum=False),
    update_inplace=partial(update_inplace, use_momentum=False),
    reference="Cauchy (1847); torch/optim/sgd.py")

MOMENTUM_SGD = OptimizerDef(
    id="momentum", name="Momentum (heavy ball)", torch_equivalent="torch.optim.SGD(momentum>0)",
    description="Accumulates a velocity from past gradients, so steps grow along consistent directions and "
                "oscillations across a ravine cancel.",
    update_latex=r"b_t = \mu b_{t-1} + (1-\tau)\,g_t,\quad \theta_t = \theta_{t-1} - \gamma\,b_t",
    params=(lr_spec(0.001), MOMENTUM, DAMPENING, weight_decay_spec()), init=init,
    update=partial(update, use_momentum=True),
    update_inplace=partial(update_inplace, use_momentum=True), reference="Polyak (1964); torch/optim/sgd.py")

NESTEROV = OptimizerDef(
    id="nesterov", name="Nesterov momentum", torch_equivalent="torch.optim.SGD(momentum>0, nesterov=True)",
    description="Momentum with a look-ahead correction: it brakes earlier than heavy-ball momentum and "
                "overshoots less.",
    update_latex=r"b_t = \mu b_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \gamma\,(g_t + \mu b_t)",
    params=(lr_spec(0.001), MOMENTUM, weight_decay_spec()), init=init,
    update=partial(update, use_momentum=True, nesterov=True),
    update_inplace=partial(update_inplace, use_momentum=True, nesterov=True),
    reference="Nesterov (1983); Sutskever et al. (2013); torch/optim/sgd.py")
