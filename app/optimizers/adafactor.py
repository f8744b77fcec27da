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

from .base import OptimizerDef, ParamSpec, active, lerp, lr_spec, shrink, weight_decay_spec

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
    id="adafactor", name="Adafactor", torch_equivalent="torch.optim.Adafactor",
    description="Steps a fraction min(lr, 1/√t) of the parameters' own size, divided by an RMSprop-like "
                "average whose memory grows with time; the update's RMS is clipped to d.",
    description_ko="매개변수 자체 크기의 min(lr, 1/√t) 비율만큼 움직이고, 시간이 갈수록 기억이 길어지는 "
                   "RMSprop식 평균으로 나눕니다. 업데이트의 RMS는 d로 잘립니다.",
    update_latex=r"\alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\min(\gamma, t^{-1/2}),\ v_t = v_{t-1} + "
                 r"t^{c}(g_t^2 - v_{t-1}),\ u_t = \frac{g_t}{\sqrt{\max(v_t, \epsilon_1^2)}},\ \theta_t = "
                 r"\theta_{t-1} - \frac{\alpha_t\,u_t}{\max(1, \mathrm{RMS}(u_t)/d)}",
    params=(lr_spec(0.01),
            ParamSpec("beta2_decay", -0.8, "c in the second moment's decay 1 - t^c (≤ 0)", -10.0, 0.0, "linear",
                      slider=(-1.0, 0.0)),
            ParamSpec("eps", [None, 1e-3], "(ε1, ε2): ε1 floors the second moment (null: the float64 machine "
                      "epsilon), ε2 floors the parameters' RMS in the step size", 0.0, 1.0, "pair",
                      item_nullable=(True, False)),
            ParamSpec("d", 1.0, "clipping threshold: the update's RMS is scaled down to at most d", 1.0, 1000.0,
                      "linear", slider=(1.0, 10.0)),
            weight_decay_spec()),
    init_state=adafactor_init, step=adafactor_step, elementwise=False,
    reference="Shazeer & Stern (2018); torch/optim/_adafactor.py")
