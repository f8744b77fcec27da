"""Finding and polishing stationary points (minima, saddles) numerically.

Newton's method on the gradient, vectorised over many starts: from a seed near
a published optimum it converges to full precision in a few steps, and from a
grid of starts it finds the stationary points a student would see on the
contour. Points are classified by the signs of the Hessian's eigenvalues.
"""
from __future__ import annotations

import numpy as np

from .base import Domain, StationaryPoint


def newton_polish(gradient, hessian, points, iterations: int = 60, max_step: float | None = None):
    """Run Newton's method on grad f = 0 from each row of ``points`` (shape (N, 2)).

    Returns the polished points and the final gradient norm of each. ``max_step``
    limits each step's length so starts far from any solution do not fly off.
    """
    p = np.array(points, dtype=float).reshape(-1, 2)
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            gx, gy = gradient(p[:, 0], p[:, 1], np)
            hxx, hxy, hyy = hessian(p[:, 0], p[:, 1], np)
            gx, gy = np.broadcast_to(gx, p[:, 0].shape), np.broadcast_to(gy, p[:, 0].shape)
            hxx, hxy, hyy = (np.broadcast_to(h, p[:, 0].shape) for h in (hxx, hxy, hyy))
            det = hxx * hyy - hxy * hxy
            ok = np.isfinite(det) & (np.abs(det) > 1e-300)
            safe = np.where(ok, det, 1.0)
            dx = np.where(ok, (hyy * gx - hxy * gy) / safe, 0.0)
            dy = np.where(ok, (hxx * gy - hxy * gx) / safe, 0.0)
            if max_step is not None:
                length = np.hypot(dx, dy)
                scale = np.where(length > max_step, max_step / np.where(length > 0, length, 1.0), 1.0)
                dx, dy = dx * scale, dy * scale
            step = np.stack([dx, dy], axis=1)
            step[~np.isfinite(step)] = 0.0
            p = p - step
        gx, gy = gradient(p[:, 0], p[:, 1], np)
        norm = np.hypot(np.broadcast_to(gx, p[:, 0].shape), np.broadcast_to(gy, p[:, 0].shape))
    return p, norm


def classify(hessian, point) -> str:
    """'minimum', 'maximum', 'saddle' or 'degenerate' from the Hessian's eigenvalues."""
    hxx, hxy, hyy = (float(h) for h in hessian(float(point[0]), float(point[1]), np))
    eig = np.linalg.eigvalsh(np.array([[hxx, hxy], [hxy, hyy]]))
    tol = 1e-9 * (1.0 + np.abs(eig).max())
    if eig[0] > tol:
        return "minimum"
    if eig[1] < -tol:
        return "maximum"
    if eig[0] < -tol and eig[1] > tol:
        return "saddle"
    return "degenerate"


def find_stationary(value, gradient, hessian, domain: Domain, n: int = 40, seeds=(), tol: float = 1e-7):
    """Stationary points inside ``domain`` reached by Newton from an n x n grid and from ``seeds``.

    Returns ``(minima, saddles)`` as lists of :class:`StationaryPoint`, minima
    sorted by value with the lowest marked ``global``. Maxima are dropped.
    """
    xs = np.linspace(*domain.x, n)
    ys = np.linspace(*domain.y, n)
    gx, gy = np.meshgrid(xs, ys)
    starts = np.column_stack([gx.ravel(), gy.ravel()])
    if len(seeds):
        starts = np.vstack([np.asarray(seeds, dtype=float).reshape(-1, 2), starts])
    step_cap = 0.25 * domain.span / max(n - 1, 1) * 4
    points, norms = newton_polish(gradient, hessian, starts, iterations=80, max_step=step_cap)
    points, norms = newton_polish(gradient, hessian, points, iterations=5)  # unclipped finish
    with np.errstate(all="ignore"):
        values = np.asarray(value(points[:, 0], points[:, 1], np), dtype=float) * np.ones(len(points))
    keep = (np.all(np.isfinite(points), axis=1) & np.isfinite(norms) & (norms <= tol * (1.0 + np.abs(values)))
            & (points[:, 0] >= domain.x[0]) & (points[:, 0] <= domain.x[1])
            & (points[:, 1] >= domain.y[0]) & (points[:, 1] <= domain.y[1]))
    merge = 1e-6 * domain.span
    # starts that reach one stationary point agree to ~1e-12: bucket, then check neighbours
    _, first = np.unique(np.round(points[keep] / merge), axis=0, return_index=True)
    candidates = points[keep][np.sort(first)]
    # in order, a candidate is kept unless a kept one lies within `merge` (neighbouring buckets): the pairs that
    # close are few, so the pairwise test is one array operation and the loop runs over those pairs alone
    close = np.triu(np.hypot(*(candidates[:, None, :] - candidates[None, :, :]).transpose(2, 0, 1)) < merge, k=1)
    dropped = np.zeros(len(candidates), dtype=bool)
    for i, j in zip(*np.nonzero(close)):
        if not dropped[i]:
            dropped[j] = True
    found = [(p, classify(hessian, p)) for p in candidates[~dropped]]
    return _label(value, [p for p, k in found if k == "minimum"], [p for p, k in found if k == "saddle"])


def _label(value, minima_points, saddle_points):
    def val(p):
        return float(value(float(p[0]), float(p[1]), np))

    minima = sorted(((tuple(float(c) + 0.0 for c in p), val(p)) for p in minima_points), key=lambda m: (m[1], m[0]))
    lowest = minima[0][1] if minima else 0.0
    out_min = [StationaryPoint(p, v, "global" if v <= lowest + 1e-9 * (1 + abs(lowest)) else "local")
               for p, v in minima]
    saddles = sorted(((tuple(float(c) + 0.0 for c in p), val(p)) for p in saddle_points), key=lambda s: s[0])
    return out_min, [StationaryPoint(p, v, "saddle") for p, v in saddles]


def polish_points(value, gradient, hessian, seeds, kind: str):
    """Polish published approximate locations; classify them as given (``minimum``/``saddle``)."""
    points, norms = newton_polish(gradient, hessian, seeds, iterations=30)
    bad = [tuple(s) for s, g in zip(seeds, norms) if not g < 1e-8]
    if bad:
        raise ValueError(f"seeds {bad} did not converge to a stationary point")
    if kind == "minimum":
        return _label(value, list(points), [])[0]
    return _label(value, [], list(points))[1]
