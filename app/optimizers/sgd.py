"""Stochastic gradient descent, with heavy-ball or Nesterov momentum (``torch.optim.SGD``).

.. math::
    g_t \\leftarrow g_t + \\lambda\\theta_{t-1}, \\quad
    b_t = \\mu b_{t-1} + (1-\\tau) g_t \\;(b_1 = g_1), \\quad
    \\theta_t = \\theta_{t-1} - \\gamma\\,(g_t + \\mu b_t \\text{ if Nesterov else } b_t)

Reference: torch/optim/sgd.py, ``_single_tensor_sgd``; Sutskever et al. (2013).
"""
from __future__ import annotations

from functools import partial
from types import SimpleNamespace

from .base import OptimizerDef, ParamSpec, active, l2_penalty, lr_spec, weight_decay_spec


def init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(momentum_buffer=None)  # None until the first step, as in torch


def sgd_step(o, s, p, g, hp, lr, *, use_momentum: bool, nesterov: bool = False):
    """Explained (``o.explaining``): ``gradient`` (-lr g, in the share the step takes of it), ``weight_decay``
    (the same share of -lr λθ) and ``velocity`` (the old buffer's part: -lr μ b, Nesterov -lr μ² b)."""
    if o.explaining:
        o.quantity("lr", lr)
        share, gradient = 1.0, g  # share: how much of this step's gradient the step takes (in units of -lr)
    g = l2_penalty(o, g, p, hp.weight_decay)
    if use_momentum:
        buf = s.momentum_buffer
        if buf is None:
            buf = s.momentum_buffer = o.copy(g)  # torch.clone(grad).detach(): the buffer's own array
        else:
            if o.explaining:  # the old buffer's part, before it is overwritten
                share = 1 - getattr(hp, "dampening", 0.0)
                o.term("velocity", -lr * hp.momentum * (hp.momentum if nesterov else 1.0) * buf)
            buf = s.momentum_buffer = o.mul(buf, hp.momentum, out=buf)
            t = o.mul(g, 1 - getattr(hp, "dampening", 0.0), out=o.buf("tmp"))  # Nesterov has none
            buf = s.momentum_buffer = o.add(buf, t, out=buf)
        if nesterov:
            if o.explaining:
                share = 1 + hp.momentum * share
            t = o.mul(buf, hp.momentum, out=o.buf("tmp"))
            g = o.add(g, t, out=t)
        else:
            g = buf
    if o.explaining:
        o.term("gradient", -lr * share * gradient)
        if active(hp.weight_decay):
            o.term("weight_decay", -lr * share * hp.weight_decay * p)
    t = o.mul(g, -lr, out=o.buf("tmp"))
    return o.add(p, t, out=p)


def BUFFER(hp: dict) -> tuple[str, ...]:
    return ("momentum_buffer",)


MOMENTUM = ParamSpec("momentum", 0.9, "momentum factor: the fraction of the previous step kept", 0.0, 1.0,
                     "linear", min_exclusive=True, slider=(0.0, 0.999))
DAMPENING = ParamSpec("dampening", 0.0, "dampening for momentum: the gradient enters the buffer scaled by "
                      "(1 - dampening)", 0.0, 1.0, "linear")

GD = OptimizerDef(
    id="gd", name="Gradient descent", torch_equivalent="torch.optim.SGD(momentum=0)",
    description="Steps straight down the gradient: θ ← θ − lr·∇f. Diverges on a quadratic once lr > 2/L.",
    update_latex=r"\theta_t = \theta_{t-1} - \gamma\,(g_t + \lambda\theta_{t-1})",
    params=(lr_spec(0.001), weight_decay_spec()), state_names=lambda hp: (),  # torch keeps no state without momentum
    init_state=init, step=partial(sgd_step, use_momentum=False),
    reference="Cauchy (1847); torch/optim/sgd.py")

MOMENTUM_SGD = OptimizerDef(
    id="momentum", name="Momentum (heavy ball)", torch_equivalent="torch.optim.SGD(momentum>0)",
    description="Accumulates a velocity from past gradients, so steps grow along consistent directions and "
                "oscillations across a ravine cancel.",
    update_latex=r"b_t = \mu b_{t-1} + (1-\tau)\,g_t,\quad \theta_t = \theta_{t-1} - \gamma\,b_t",
    params=(lr_spec(0.001), MOMENTUM, DAMPENING, weight_decay_spec()), init_state=init, state_names=BUFFER,
    step=partial(sgd_step, use_momentum=True), reference="Polyak (1964); torch/optim/sgd.py")

NESTEROV = OptimizerDef(
    id="nesterov", name="Nesterov momentum", torch_equivalent="torch.optim.SGD(momentum>0, nesterov=True)",
    description="Momentum with a look-ahead correction: it brakes earlier than heavy-ball momentum and "
                "overshoots less.",
    update_latex=r"b_t = \mu b_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \gamma\,(g_t + \mu b_t)",
    params=(lr_spec(0.001), MOMENTUM, weight_decay_spec()), init_state=init, state_names=BUFFER,
    step=partial(sgd_step, use_momentum=True, nesterov=True),
    reference="Nesterov (1983); Sutskever et al. (2013); torch/optim/sgd.py")
