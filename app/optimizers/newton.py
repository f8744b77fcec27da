"""Damped Newton's method with the analytic Hessian (saddle-free where it is not convex).

Each step solves with the Hessian's eigendecomposition ``H = Σ λ_i v_i v_iᵀ``:

.. math::
    \\theta_t = \\theta_{t-1} - \\gamma \\sum_i \\frac{v_i v_i^\\top g_t}{\\max(|\\lambda_i|, \\kappa)}

Where H is positive definite this is the Newton step scaled by ``lr`` (the
damping). Where it is not (near a saddle or a maximum) a negative eigenvalue
is replaced by its absolute value, so the step goes *down* along that
direction instead of being attracted to the saddle, as in saddle-free Newton
(Dauphin et al. 2014); ``min_curvature`` (κ) floors the eigenvalues so a flat
direction gives a bounded step. The 2x2 eigendecomposition is in closed form.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import OptimizerDef, ParamSpec


class NewtonState(NamedTuple):
    step: int


def newton_init(params, hp, ctx) -> NewtonState:
    return NewtonState(0)


def newton_update(grad, state, params, hp, lr, ctx):
    hxx, hxy, hyy = ctx.hessian(params)
    half_trace = 0.5 * (hxx + hyy)
    radius = np.hypot(0.5 * (hxx - hyy), hxy)
    lam_hi, lam_lo = half_trace + radius, half_trace - radius
    angle = 0.5 * np.arctan2(2.0 * hxy, hxx - hyy)  # direction of the larger eigenvalue's eigenvector
    c, s = np.cos(angle), np.sin(angle)
    gx, gy = grad[:, 0], grad[:, 1]
    along_hi = (c * gx + s * gy) / np.maximum(np.abs(lam_hi), hp.min_curvature)
    along_lo = (-s * gx + c * gy) / np.maximum(np.abs(lam_lo), hp.min_curvature)
    step = np.column_stack([c * along_hi - s * along_lo, s * along_hi + c * along_lo])
    return params - lr * step, NewtonState(state.step + 1)


NEWTON = OptimizerDef(
    id="newton", name="Newton (damped)", elementwise=False, needs=("hessian",),
    description="Uses the curvature: jumps to the minimum of the local quadratic model, scaled by lr. One step "
                "solves a quadratic; saddles repel it instead of attracting it.",
    update_latex=r"\theta_t = \theta_{t-1} - \gamma\,|H_t|_\kappa^{-1}\,g_t",
    params=(ParamSpec("lr", 1.0, "damping: the fraction of the Newton step taken", 0.0, 10.0, "linear",
                      slider=(0.01, 1.5)),
            ParamSpec("min_curvature", 1e-3, "κ: eigenvalues of |H| are floored here", 0.0, 1e6, "log",
                      min_exclusive=True, slider=(1e-6, 10.0))),
    init=newton_init, update=newton_update, reference="Nocedal & Wright, Numerical Optimization, ch. 3; "
                                                      "Dauphin et al. (2014) for the saddle-free variant")
