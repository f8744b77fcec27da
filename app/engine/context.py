"""The step context of array lanes: the ops a rule computes with, plus what rules may ask for."""
from __future__ import annotations

import numpy as np

from ..numeric import ArrayOps
from ..surfaces import Surface
from .source import Source


class StepContext(ArrayOps):
    """The ops of a set of array lanes (see :mod:`app.optimizers.base`) plus the surface's value and Hessian,
    extra evaluations (counted per step, their points kept when recording), a place to emit per-step outputs,
    ``rng`` for searches, and (``explaining``) the explained-step protocol of :class:`ArrayOps`. It refers to
    nothing that refers back to it."""

    def __init__(self, shape, surface: Surface, source: Source, keep_points: bool, interrupt=None,
                 explaining: bool = False):
        super().__init__(shape, explaining=explaining)
        self.interrupt = interrupt
        self.surface, self.source, self.domain = surface, source, surface.domain
        self.extras: dict = {}
        self.rng = None
        self.evals = np.zeros(shape[1], dtype=int)
        self.eval_points = [[] for _ in range(shape[1])] if keep_points else None

    def value(self, p) -> np.ndarray:
        return np.asarray(self.surface.value(p[0], p[1], np), dtype=float) * np.ones(p.shape[1])

    def hessian(self, p):
        return tuple(np.broadcast_to(h, p[0].shape) for h in self.surface.hessian(p[0], p[1], np))

    def emit(self, name: str, value):
        self.extras[name] = value

    def new_step(self, p):
        """A step begins at ``p``: the engine's own gradient there is its first evaluation (torch's first
        ``closure()`` call)."""
        self.evals[:] = 1
        if self.eval_points is not None:
            for pts, x, y in zip(self.eval_points, p[0].tolist(), p[1].tolist()):
                pts[:] = [(x, y)]

    def evaluate(self, p, mask=None):
        """Extra evaluations at ``p`` (``(2, n)``) for the runs in ``mask`` (all by default): loss ``(n,)`` and
        the exact gradient ``(2, n)`` (no noise, full batch), counted per run. Asks ``interrupt`` first."""
        if self.interrupt is not None:
            self.interrupt.check()
        x, y = p
        n = p.shape[1]
        loss = self.value(p)
        gx, gy = self.source.exact(x, y, np)
        grad = np.array([gx * np.ones(n), gy * np.ones(n)])
        counted = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).reshape(n)
        self.evals += counted
        if self.eval_points is not None:
            for i in np.flatnonzero(counted).tolist():
                self.eval_points[i].append((float(x[i]), float(y[i])))
        return loss, grad

    value_and_grad = evaluate
