"""How a run ended, judged by its own objective: the ``summary`` every run carries.

A run is judged by the loss it minimises: a lane's own ``objective`` or ``surface_options`` (L1/L2), else the
request's surface (a custom formula with its stationary points found). Its *minimum* is that objective's global
minimum nearest the run's final point (the run's ``minimum`` unless several share the lowest value, as
Himmelblau's four do) and ``f*`` its value.

A point is **at the minimum** when it lies within ``tolerance`` (:data:`TOLERANCE` x the domain's span) of a
global minimum, or when its excess loss ``f - f*`` is at most ``loss_tolerance`` (:data:`LOSS_TOLERANCE` x the
excess loss at the start): a loss whose minimum is a whole region (hinge loss: zero wherever every margin holds) is
reached anywhere in that region.

``reached_at`` is the first step from which every later point is at the minimum, provided the run then stayed
there for at least ``settle`` steps (:data:`SETTLE_FRACTION` of its steps, at least :data:`MIN_SETTLE`; fewer only
when the run has fewer): a Lion lane hopping ``lr`` across the origin has not reached it, even if its last step
lands on it.

The verdict, in this order:

- ``diverged``: the run stopped on a non-finite value or a point absurdly far away;
- ``reached``: ``reached_at`` is a step;
- ``no_steps``: the run took no step (``steps`` 0) and does not start at the minimum;
- ``moving``: its path over the last :data:`RECENT_FRACTION` of its steps is at least ``tolerance`` long (still
  travelling, hopping around the minimum, or following a loss that falls forever);
- ``stalled``: it has come to rest away from the minimum (a local minimum, a saddle, a plateau it barely crosses).

:class:`Tracker` reads a run chunk by chunk (the stream computes it as it sends), so ``POST /api/runs`` and the
stream's ``end`` frame carry the same summary. Texts of the verdicts in both languages: :data:`VERDICTS`.
"""
from __future__ import annotations

import math

import numpy as np

from .bilingual import Bilingual
from .surfaces import Surface

TOLERANCE = 1e-3  # x the domain's span: a point this close to a global minimum is at it
LOSS_TOLERANCE = 1e-6  # x the excess loss at the start: a point whose excess loss is this small is at the minimum
SETTLE_FRACTION = 0.02  # of the run's steps: how long it must have stayed at the minimum to have reached it
MIN_SETTLE = 2  # steps
RECENT_FRACTION = 0.1  # of the run's steps: the stretch whose path length tells moving from stalled

VERDICTS: dict[str, tuple[Bilingual, Bilingual]] = {
    "reached": (Bilingual("reached", "도달"), Bilingual(
        "At its own objective's minimum from reached_at to the end (within the tolerance, in distance or in excess "
        "loss), and it stayed there.",
        "reached_at부터 끝까지 자기 목적 함수의 최솟점에 있고(거리나 초과 손실이 허용 오차 안), "
        "그대로 머물렀습니다.")),
    "moving": (Bilingual("still moving", "아직 움직이는 중"), Bilingual(
        "Not at the minimum at the end, and its path over its last tenth of steps is longer than the tolerance: "
        "still travelling, hopping around the minimum, or following a loss that keeps falling.",
        "끝에서 최솟점에 있지 않고, 마지막 10% 스텝 동안의 경로가 허용 오차보다 깁니다: "
        "아직 가는 중이거나, 최솟점 주위를 오가거나, 계속 내려가는 손실을 따라가는 중입니다.")),
    "stalled": (Bilingual("stalled away from the minimum", "최솟점 밖에서 멈춤"), Bilingual(
        "Come to rest (its last tenth of steps moved less than the tolerance) away from its own objective's "
        "global minimum: a local minimum, a saddle, or a plateau it barely crosses.",
        "자기 목적 함수의 전역 최솟점이 아닌 곳에서 멈췄습니다"
        "(마지막 10% 스텝의 이동이 허용 오차보다 작음): 국소 최솟점, 안장점, 또는 거의 건너지 못하는 고원입니다.")),
    "diverged": (Bilingual("diverged", "발산"), Bilingual(
        "Stopped at diverged_at: a value that was not finite, or a point absurdly far outside the domain.",
        "diverged_at에서 멈췄습니다: 유한하지 않은 값이나 "
        "정의역에서 터무니없이 먼 점입니다.")),
    "no_steps": (Bilingual("no steps", "스텝 없음"), Bilingual(
        "The run took no step (steps 0) and does not start at the minimum.",
        "스텝을 하나도 밟지 않았고(steps 0) 최솟점에서 출발하지도 않았습니다.")),
}


def catalogue() -> list[dict]:
    """Every verdict with its name and description in both languages, and the tolerances the summary uses."""
    limits = {"tolerance": TOLERANCE, "loss_tolerance": LOSS_TOLERANCE, "settle_fraction": SETTLE_FRACTION,
              "min_settle": MIN_SETTLE, "recent_fraction": RECENT_FRACTION}
    return [{"verdict": key, "names": name.as_dict(), "descriptions": text.as_dict(), **limits}
            for key, (name, text) in VERDICTS.items()]


def settle_steps(steps_run: int) -> int:
    """How many steps a run must have stayed at the minimum to have reached it (fewer only in a shorter run)."""
    return min(steps_run, max(MIN_SETTLE, math.ceil(SETTLE_FRACTION * steps_run)))


def recent_steps(steps_run: int) -> int:
    """The stretch at the end of a run whose path length tells moving from stalled."""
    return max(1, math.ceil(RECENT_FRACTION * steps_run))


class Tracker:
    """One run's summary, read chunk by chunk: :meth:`see` each chunk's points and losses (the start first, in the
    first chunk), then :meth:`summary`. ``objective``: the surface the run is judged by (its listed minima);
    ``span``: the plotted domain's; ``start_loss``: f at the start, of the run's own objective."""

    def __init__(self, objective: Surface, span: float, start_loss: float):
        best = [m for m in objective.minima if m.kind == "global"]
        self.minima = list(objective.minima)
        self.best = np.array([m.point for m in best], dtype=float).reshape(-1, 2)
        self.f_star = best[0].value if best else None
        self.tolerance = TOLERANCE * span
        self.loss_tolerance = (None if self.f_star is None
                               else LOSS_TOLERANCE * max(float(start_loss) - self.f_star, 0.0))
        self.count = 0  # points seen
        self.last_away = -1  # index of the last point not at the minimum
        self.lengths: list[np.ndarray] = []  # step lengths, chunk by chunk
        self.last_point: np.ndarray | None = None
        self.last_loss = math.nan
        self.last_test: float | None = None

    def at_minimum(self, points: np.ndarray, losses: np.ndarray) -> np.ndarray:
        if self.f_star is None:
            return np.zeros(len(points), dtype=bool)
        gap = np.hypot(points[:, None, 0] - self.best[None, :, 0], points[:, None, 1] - self.best[None, :, 1])
        with np.errstate(invalid="ignore"):
            return (gap.min(axis=1) <= self.tolerance) | (losses - self.f_star <= self.loss_tolerance)

    def see(self, points, losses, test_losses=None) -> None:
        """The next points of the run (float64, the start first in the first chunk) and their losses."""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if not len(points):
            return
        losses = np.asarray(losses, dtype=float)
        away = np.flatnonzero(~self.at_minimum(points, losses))
        if len(away):
            self.last_away = self.count + int(away[-1])
        path = points if self.last_point is None else np.concatenate([self.last_point[None], points])
        self.lengths.append(np.hypot(*np.diff(path, axis=0).T))
        self.count += len(points)
        self.last_point, self.last_loss = points[-1].copy(), float(losses[-1])
        if test_losses is not None and len(test_losses):
            self.last_test = float(test_losses[-1])

    def summary(self, status: str, steps_run: int) -> dict:
        """The run's summary (see the module's docstring); every float finite or null."""
        point = self.last_point
        if point is None:  # never saw a point: nothing to judge
            return {"verdict": "no_steps", "reached_at": None, "final_point": None, "final_loss": None,
                    "final_test_loss": None, "excess_loss": None, "distance": None, "minimum": None,
                    "nearest": None, "tolerance": self.tolerance, "loss_tolerance": self.loss_tolerance}
        minimum, distance, excess = None, None, None
        if self.f_star is not None:
            gaps = np.hypot(*(self.best - point).T)
            k = int(np.argmin(gaps))
            minimum = {"point": [float(c) for c in self.best[k]], "value": float(self.f_star)}
            distance, excess = float(gaps[k]), finite(self.last_loss - self.f_star)
        nearest = None
        if self.minima:
            gaps = [math.hypot(point[0] - m.point[0], point[1] - m.point[1]) for m in self.minima]
            k = min(range(len(gaps)), key=gaps.__getitem__)
            m = self.minima[k]
            nearest = {"index": k, "point": list(m.point), "value": m.value, "kind": m.kind, "distance": gaps[k]}
        reached_at = None
        stayed = self.count - 1 - (self.last_away + 1)  # steps from the first point of the last stretch at it
        if status != "diverged" and self.last_away < self.count - 1 and stayed >= settle_steps(steps_run):
            reached_at = self.last_away + 1
        if status == "diverged":
            verdict = "diverged"
        elif reached_at is not None:
            verdict = "reached"
        elif steps_run == 0:
            verdict = "no_steps"
        else:
            lengths = np.concatenate(self.lengths)
            recent = float(lengths[-recent_steps(steps_run):].sum()) if len(lengths) else 0.0
            verdict = "moving" if recent >= self.tolerance else "stalled"
        return {"verdict": verdict, "reached_at": reached_at, "final_point": [float(c) for c in point],
                "final_loss": finite(self.last_loss), "final_test_loss": finite(self.last_test),
                "excess_loss": excess, "distance": distance, "minimum": minimum, "nearest": nearest,
                "tolerance": self.tolerance, "loss_tolerance": self.loss_tolerance}


def finite(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None
