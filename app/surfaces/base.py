"""What a surface is: value, gradient and Hessian siblings plus metadata.

The three functions take ``(x, y, xp)`` where ``x`` and ``y`` are arrays of any
one shape (an ``(N,)`` batch of runs, a meshgrid) or Python floats, and ``xp``
is :mod:`numpy` or :data:`app.numeric.scalar`. ``gradient`` returns
``(df/dx, df/dy)`` and ``hessian`` returns ``(f_xx, f_xy, f_yy)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..bilingual import Bilingual

Fn = Callable[..., object]


@dataclass(frozen=True)
class Domain:
    x: tuple[float, float]
    y: tuple[float, float]

    @property
    def span(self) -> float:
        return max(self.x[1] - self.x[0], self.y[1] - self.y[0])

    @property
    def center(self) -> tuple[float, float]:
        return (0.5 * (self.x[0] + self.x[1]), 0.5 * (self.y[0] + self.y[1]))

    def contains(self, point, slack: float = 0.0) -> bool:
        px, py = point
        return (self.x[0] - slack <= px <= self.x[1] + slack) and (self.y[0] - slack <= py <= self.y[1] + slack)

    def as_dict(self) -> dict:
        return {"x": list(self.x), "y": list(self.y)}


@dataclass(frozen=True)
class StationaryPoint:
    point: tuple[float, float]
    value: float
    kind: str  # "global" / "local" for minima, "saddle" for saddles

    def as_dict(self) -> dict:
        out = {"point": list(self.point), "value": self.value}
        if self.kind != "saddle":
            out["kind"] = self.kind
        return out


@dataclass(frozen=True)
class Surface:
    """A 2-D test function with its derivatives and what a student sees on its contour (its name and description
    in both of the page's languages)."""

    id: str
    names: Bilingual
    descriptions: Bilingual
    formula: str
    latex: str
    tags: tuple[str, ...]
    domain: Domain
    default_start: tuple[float, float]
    value: Fn
    gradient: Fn
    hessian: Fn
    minima: tuple[StationaryPoint, ...] = ()
    saddles: tuple[StationaryPoint, ...] = ()
    reference: str = ""
    log_scale: bool = False  # colour the contour by log(f - f_min): huge value ranges
    extra: dict = field(default_factory=dict)  # JSON metadata, e.g. the data set of a loss landscape
    batch_gradient: Fn | None = None  # data-set surfaces: (w (N,), b (N,), sample indices (N, B)) -> (gw, gb)

    @property
    def name(self) -> str:
        return self.names.en

    @property
    def description(self) -> str:
        return self.descriptions.en

    def metadata(self) -> dict:
        meta = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "names": self.names.as_dict(),
            "descriptions": self.descriptions.as_dict(),
            "formula": self.formula,
            "latex": self.latex,
            "tags": list(self.tags),
            "domain": self.domain.as_dict(),
            "default_start": list(self.default_start),
            "minima": [{**m.as_dict(), "sharpness": self.sharpness(m.point)} for m in self.minima],
            "saddles": [s.as_dict() for s in self.saddles],
            "reference": self.reference,
            "log_scale": self.log_scale,
        }
        meta.update(self.extra)
        return meta

    def sharpness(self, point) -> float | None:
        """The largest eigenvalue of the Hessian at ``point``: how steeply the loss rises in the worst direction.

        ``None`` where the surface is not twice differentiable (a kink of |u| or max(0, u), the tip of a cone):
        there the Hessian of the smooth pieces says nothing about the curvature a step meets. Detected by
        comparing gradient differences across the point with what the Hessian predicts.
        """
        x, y = float(point[0]), float(point[1])
        with np.errstate(all="ignore"):
            hxx, hxy, hyy = (float(h) for h in self.hessian(x, y, np))
            if not all(np.isfinite((hxx, hxy, hyy))):
                return None
            delta = 1e-6 * self.domain.span
            for ex, ey in ((1.0, 0.0), (0.0, 1.0), (0.6, 0.8)):
                ax, ay = self.gradient(x + delta * ex, y + delta * ey, np)
                bx, by = self.gradient(x - delta * ex, y - delta * ey, np)
                predicted = (2 * delta * (hxx * ex + hxy * ey), 2 * delta * (hxy * ex + hyy * ey))
                scale = delta * (1.0 + abs(hxx) + abs(hxy) + abs(hyy))
                if not (abs(float(ax) - float(bx) - predicted[0]) <= scale
                        and abs(float(ay) - float(by) - predicted[1]) <= scale):
                    return None
        return float(np.linalg.eigvalsh(np.array([[hxx, hxy], [hxy, hyy]]))[-1])

    @property
    def test_shift(self) -> tuple[float, float] | None:
        """``(dx, dy)`` where the surface has a test landscape: the same function moved by that vector."""
        shift = self.extra.get("test_shift")
        return None if shift is None else (float(shift[0]), float(shift[1]))

    def test_value(self, x, y, xp=np):
        """The test landscape's value, ``f(x - dx, y - dy)``; only for surfaces with a :attr:`test_shift`."""
        dx, dy = self.test_shift
        return self.value(x - dx, y - dy, xp)

    def test_losses(self, points) -> np.ndarray | None:
        """The test landscape at each of ``points`` (shape (n, 2)); ``None`` without a test shift."""
        if self.test_shift is None:
            return None
        p = np.asarray(points, dtype=float).reshape(-1, 2)
        with np.errstate(all="ignore"):
            return np.asarray(self.test_value(p[:, 0], p[:, 1], np), dtype=float) * np.ones(len(p))

    def grid(self, n: int, x_range=None, y_range=None) -> dict:
        """Values on an n x n grid in Plotly's orientation: ``z[j][i] = f(x[i], y[j])``."""
        x0, x1 = x_range or self.domain.x
        y0, y1 = y_range or self.domain.y
        xs = np.linspace(x0, x1, n)
        ys = np.linspace(y0, y1, n)
        gx, gy = np.meshgrid(xs, ys)  # gx[j, i] = xs[i], gy[j, i] = ys[j]
        with np.errstate(all="ignore"):
            z = np.asarray(self.value(gx, gy, np), dtype=float) * np.ones_like(gx)
        return {"x": xs, "y": ys, "z": z}
