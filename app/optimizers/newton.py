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

from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import ParamSpec


def newton_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0)


def newton_step(o, s, p, g, hp, lr):
    s.step += 1
    hxx, hxy, hyy = o.hessian(p)
    half_trace = 0.5 * (hxx + hyy)
    radius = np.hypot(0.5 * (hxx - hyy), hxy)
    lam_hi, lam_lo = half_trace + radius, half_trace - radius
    angle = 0.5 * np.arctan2(2.0 * hxy, hxx - hyy)  # direction of the larger eigenvalue's eigenvector
    c, s_ = np.cos(angle), np.sin(angle)
    gx, gy = g
    along_hi = (c * gx + s_ * gy) / np.maximum(np.abs(lam_hi), hp.min_curvature)
    along_lo = (-s_ * gx + c * gy) / np.maximum(np.abs(lam_lo), hp.min_curvature)
    step = np.array([c * along_hi - s_ * along_lo, s_ * along_hi + c * along_lo])
    move = lr * step
    if o.explaining:
        o.quantity("eigenvalues", np.array([lam_hi, lam_lo]))
        o.quantity("curvature", np.array([np.maximum(np.abs(lam_hi), hp.min_curvature),
                                          np.maximum(np.abs(lam_lo), hp.min_curvature)]))
        o.term("newton_step", -move)
    return o.sub(p, move, out=p)


NEWTON = OptimizerDef(
    id="newton", names=Bilingual("Newton (damped)", "뉴턴 (감쇠)"), elementwise=False, needs=("hessian",),
    descriptions=Bilingual(
        "Uses the curvature: jumps to the minimum of the local quadratic model, scaled by lr. One step solves a "
        "quadratic; saddles repel it instead of attracting it.",
        "곡률을 씁니다: 국소 2차 모형의 최솟점으로 lr만큼 뛰어갑니다. 2차 함수는 한 스텝에 풀고, 안장점에 끌리지 않고 "
        "밀려납니다."),
    update_latex=r"\theta_t = \theta_{t-1} - \gamma\,|H_t|_\kappa^{-1}\,g_t",
    rule_text=Bilingual(
        "H = Σᵢ λᵢ·vᵢ·vᵢᵀ   (the Hessian's eigenvalues λᵢ and eigenvectors vᵢ)\n"
        "θ ← θ − lr · Σᵢ vᵢ·(vᵢᵀ·g) / max(|λᵢ|, κ)   (a negative curvature is flipped: saddles repel)",
        "H = Σᵢ λᵢ·vᵢ·vᵢᵀ   (헤세 행렬의 고윳값 λᵢ와 고유벡터 vᵢ)\n"
        "θ ← θ − lr · Σᵢ vᵢ·(vᵢᵀ·g) / max(|λᵢ|, κ)   (음의 곡률은 뒤집음: 안장점이 밀어냄)"),
    terms=(Label("newton_step", "−lr·|H|⁻¹·g: the damped Newton step", "−lr·|H|⁻¹·g: 감쇠된 뉴턴 스텝"),),
    quantities=(Label("eigenvalues", "λ₁ ≥ λ₂: the Hessian's eigenvalues, its curvatures",
                      "λ₁ ≥ λ₂: 헤세 행렬의 고윳값, 곧 곡률"),
                Label("curvature", "max(|λᵢ|, κ): the curvatures the step divides by", "max(|λᵢ|, κ): 스텝이 나누는 곡률")),
    state_labels=(Label("step", "t: the steps taken so far", "t: 지금까지 내디딘 스텝 수"),),
    params=(ParamSpec("lr", 1.0, Bilingual("damping: the fraction of the Newton step taken",
                                           "감쇠: 뉴턴 스텝 중 실제로 가는 비율"),
                      0.0, 10.0, "linear", slider=(0.01, 1.5), label=Bilingual("damping", "감쇠")),
            ParamSpec("min_curvature", 1e-3, Bilingual("κ: the eigenvalues of |H| are floored here",
                                                       "κ: |H|의 고윳값을 이 값 아래로 내리지 않음"),
                      0.0, 1e6, "log", min_exclusive=True, slider=(1e-6, 10.0),
                      label=Bilingual("curvature floor κ", "곡률 하한 κ"))),
    init_state=newton_init, step=newton_step, reference="Nocedal & Wright, Numerical Optimization, ch. 3; "
                                                      "Dauphin et al. (2014) for the saddle-free variant")
