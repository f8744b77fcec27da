"""What a chunk of steps records, and the one way named per-step values get into it.

Besides points, losses, gradients and learning rates, a step may leave named values, each of a kind:

* ``extras``: what rules emit (``proposals``/``accepted`` of random searches, Schedule-Free's ``averaged``
  point, LBFGS's ``evaluations``);
* ``state``: the optimizer's state after the step, under torch's names (when asked for);
* ``terms`` and ``quantities``: the explained step (when asked for): the additive pieces of the step and the
  named intermediates the rule reported (see :class:`app.numeric.ArrayOps`).

:meth:`Chunk.put` is the only writer of all four. A value is a vector (``(2, n)``, one per coordinate) or a
number (one per run) and is stored by its name *and* that shape, so a name two optimizers keep in different
shapes (LBFGS's direction ``d``, Prodigy's number ``d``) never collides; a run reads back whichever holds its
values.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

EXTRAS, STATE, TERMS, QUANTITIES = "extras", "state", "terms", "quantities"
VECTOR, NUMBER = "vector", "number"
# the forms a declared extra takes (``OptimizerDef.emits``): its shape, its type, its empty value
FORMS = {"vector": (VECTOR, float), "number": (NUMBER, float), "flag": (NUMBER, bool), "count": (NUMBER, int)}


@dataclass
class Chunk:
    """Steps ``offset .. offset + n - 1`` of every run, as arrays with a runs axis.

    Row ``k`` holds the point reached by step ``offset + k`` and what produced it. Run ``i`` has ``valid[i]``
    rows (fewer than ``n`` once it has ended); rows past that are meaningless. ``series`` holds the named
    per-step values (:meth:`put`), ``evaluation_points`` the points each step of an evaluating rule visited.
    """

    offset: int
    points: np.ndarray  # (n, R, 2)
    losses: np.ndarray  # (n, R)
    gradients: np.ndarray  # (n, R, 2): the gradient each step used (noise included); NaN where none
    lrs: np.ndarray  # (n, R)
    valid: np.ndarray  # (R,) int
    series: dict = field(default_factory=dict)  # (kind, name, shape) -> (n, R, 2) or (n, R)
    evaluation_points: list | None = None  # per row, per run: a list of points

    def declare(self, kind: str, name: str, form: str):
        """Make room for a named value in one of :data:`FORMS` (empty: NaN, False or 0), so that every chunk of a
        simulation carries it, whether or not a step of this chunk reports it."""
        shape, kind_of = FORMS[form]
        if (kind, name, shape) not in self.series:
            self._allocate(kind, name, shape, np.dtype(kind_of))

    def _allocate(self, kind: str, name: str, shape: str, dtype: np.dtype) -> np.ndarray:
        rows, runs = self.points.shape[:2]
        size = (rows, runs, 2) if shape == VECTOR else (rows, runs)
        out = np.zeros(size, dtype=dtype) if dtype == bool or dtype.kind in "iu" else np.full(size, np.nan)
        self.series[(kind, name, shape)] = out
        return out

    def put(self, kind: str, name: str, rows, cols, value, shape: str | None = None, applies=None):
        """Row ``rows`` of runs ``cols`` (``n`` of them), or rows ``rows`` (a slice, ``n`` of them) of one run
        ``cols``. ``value`` is coordinate-major: ``(2, n)`` for a vector, a number, ``(n,)`` or ``(1, n)`` for a
        number; ``shape`` declares which (default: as ``value`` looks). ``applies`` (``(n,)`` bool) leaves the
        other runs' entries empty. Named values are floats (empty: NaN); an extra may be a flag or a count."""
        array = value.__class__ is np.ndarray
        if shape is None:
            shape = VECTOR if array and value.ndim == 2 and value.shape[0] == 2 else NUMBER
        out = self.series.get((kind, name, shape))
        if out is None:
            exact = kind == EXTRAS and array and value.dtype.kind in "biu"
            out = self._allocate(kind, name, shape, value.dtype if exact else np.dtype(float))
        if shape == VECTOR:
            value = value.T
        elif array and value.ndim == 2:
            value = value[0]
        if applies is not None:
            value = np.where(applies[:, None] if shape == VECTOR else applies, value, np.nan)
        out[rows, cols] = value

    def keep_evaluation_points(self):
        """Make room for the points each step evaluates (an empty list per step and run)."""
        if self.evaluation_points is None:
            self.evaluation_points = [[[] for _ in range(self.points.shape[1])] for _ in range(self.points.shape[0])]

    def put_evaluation_points(self, row: int, cols, points: list):
        """Per run of ``cols``, the points a step evaluated (the step's start first)."""
        self.keep_evaluation_points()
        for c, pts in zip(np.arange(self.points.shape[1])[cols].tolist(), points):
            self.evaluation_points[row][c] = list(pts)

    def run(self, i: int) -> dict:
        """Run ``i``'s valid rows: ``points``, ``losses``, ``gradients``, ``lrs``, every extra of the chunk (the run's
        own or empty), ``evaluation_points`` if recorded, and per kind of named value (``state``/``terms``/
        ``quantities``) ``{name: {shape: column}}``."""
        k = int(self.valid[i])
        out = {"points": self.points[:k, i], "losses": self.losses[:k, i], "gradients": self.gradients[:k, i],
               "lrs": self.lrs[:k, i]}
        for (kind, name, shape), values in self.series.items():
            column = values[:k, i]
            if kind == EXTRAS:
                out[name] = column
            else:
                out.setdefault(kind, {}).setdefault(name, {})[shape] = column
        if self.evaluation_points is not None:
            out["evaluation_points"] = [row[i] for row in self.evaluation_points[:k]]
        return out
