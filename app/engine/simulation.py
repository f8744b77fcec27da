"""The simulation and its one loop: a set of runs on one surface, advanced chunk by chunk.

Divergence: a run ends with status ``"diverged"`` at the first step whose point or loss is not finite, whose
gradient was not finite, or whose point lies more than :data:`DIVERGENCE_SPANS` domain spans from the
domain's centre (in either coordinate). Only the finite points before it are kept.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..heap import keep_freed_memory
from ..settings import settings
from ..surfaces import Surface
from .lanes import make_lanes
from .planner import Group, PlannedPhase, group_runs, plan_group, run_state_names
from .recording import Chunk
from .results import collect
from .recording import EXTRAS
from .specs import GradientSpec, Phase, RunSpec, declared_extras, evaluations, needs_gradient

keep_freed_memory()  # numpy's temporaries would otherwise be page-faulted in afresh at every operation

SETTLE_EVERY = 4  # steps between convergence checks (the resolution of settled_at)
DIVERGENCE_SPANS = 100.0
BLOCK_THREADS = min(4, os.cpu_count() or 1)  # blocks advance side by side: numpy releases the GIL while it computes
_BLOCK_POOL = ThreadPoolExecutor(BLOCK_THREADS, thread_name_prefix="slopes-block")  # threads start on first use


def block_pool() -> ThreadPoolExecutor:
    return _BLOCK_POOL


def divergence_radius(surface: Surface) -> float:
    return DIVERGENCE_SPANS * surface.domain.span


class Interrupted(Exception):
    """``Simulation.interrupt`` said stop in the middle of a step (an optimizer evaluating many times per
    step, such as LBFGS): the simulation is left mid-step and must not be advanced again."""


class Interrupt:
    """A stop test asked from inside a step, at each extra evaluation, at most every ``every`` seconds:
    an expensive step (LBFGS with 10^4 evaluations) ends within that when its client leaves or the server
    stops. ``test`` is None (never) or a callable returning True to stop."""

    def __init__(self, every: float = 0.2):
        self.test = None
        self.every = every
        self._next = 0.0

    def check(self):
        if self.test is None:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.every
        if self.test():
            raise Interrupted()


class Simulation:
    """A set of runs on one surface, advanced in chunks of steps (for streaming) or all at once."""

    def __init__(self, surface: Surface, runs: list[RunSpec], steps: int, gradient: GradientSpec = GradientSpec(),
                 record: bool = True, settle: float | None = None, record_state: bool = False,
                 units: list[int] | None = None, explain: bool = False):
        """``record=False`` keeps only each run's latest point (basin maps of 10^5 starts): every chunk then
        has one row, the state after its last step, and divergence is detected at chunk ends.

        ``settle`` (a distance) tracks, for each run, the last step at which it moved farther than that (in
        either coordinate) from where it last settled: :meth:`settled_at`, checked every :data:`SETTLE_EVERY`
        steps and at each chunk's end. From then on the run stays within ``settle`` of that anchor in each
        coordinate, so within ``2 settle`` of its final point.

        ``record_state`` keeps the optimizer's state after every step, ``explain`` each step's terms and
        quantities (named series of :class:`Chunk`), which puts every run on array lanes.

        ``units`` gives each run its random-stream unit (default: its index): a part of a request (some of its
        runs, by their indices in the whole request) then computes each run exactly as the whole request does.
        """
        if units is not None and len(units) != len(runs):
            raise ValueError("one stream unit per run")
        if not 0 <= steps <= settings.max_steps:  # the same limit the API checks (SLOPES_MAX_STEPS)
            raise ValueError(f"steps must be in [0, {settings.max_steps}]")
        self.stream_units = None if units is None else [int(u) for u in units]
        self.record = record
        self.record_state = record_state and record
        self.explain = explain and record
        self.interrupt = Interrupt()  # set ``interrupt.test`` to stop in the middle of an expensive step
        self.evaluations_per_step = evaluations([p for run in runs for p in run.phases])
        self.extras = declared_extras([p for run in runs for p in run.phases])
        self.settle = settle
        self.surface = surface
        self.runs = runs
        self.steps = steps
        self.gradient = gradient
        self.t = 0
        self.center = np.array(surface.domain.center)
        self.radius = divergence_radius(surface)
        self.starts = np.array([run.start for run in runs], dtype=float).reshape(-1, 2)
        objectives: dict[int, tuple[Surface, list[int]]] = {}
        for i, run in enumerate(runs):
            if run.objective is not None:
                objectives.setdefault(id(run.objective), (run.objective, []))[1].append(i)
        self.objectives = [(surface, np.array(cols)) for surface, cols in objectives.values()]
        self._size(len(runs))
        self._set_groups(group_runs(runs, steps, self._batch_size, arrays=self.explain) if runs else [])
        self.state_names = [run_state_names(run) for run in runs] if self.record_state else []

    def _size(self, n: int):
        self.n_runs = n
        self.steps_run = np.zeros(n, dtype=int)
        self.alive = np.ones(n, dtype=bool)  # cleared at divergence, the only way a run ends early
        self.settle_steps = np.zeros(n, dtype=int)

    def _set_groups(self, groups: list[Group]):
        self.groups = groups
        for g in groups:
            g.lanes = make_lanes(self, g)

    @classmethod
    def batch(cls, surface: Surface, starts, phases: tuple[Phase, ...], steps: int,
              gradient: GradientSpec = GradientSpec(), hypers: list[dict] | None = None, record: bool = False,
              settle: float | None = None) -> "Simulation":
        """Many runs of one set-up, without a RunSpec each: every start of a basin map, or (``hypers``: one
        first-phase hyperparameter dict per run) every cell of a sweep. Always on array lanes."""
        starts = np.array(starts, dtype=float).reshape(-1, 2)
        n = len(starts)
        if hypers is not None and len(hypers) != n:
            raise ValueError("one hyperparameter set per start")
        sim = cls(surface, [], steps, gradient, record, settle)
        sim.evaluations_per_step = evaluations(phases)
        sim.extras = declared_extras(phases)
        sim.starts = starts
        sim.objectives = []
        sim._size(n)
        sim._set_groups([plan_group(None, phases, list(range(n)), steps, sim._batch_size(None), hypers,
                                    arrays=True)])
        return sim

    def extras_of(self, i: int) -> dict[str, str]:
        """What run ``i`` reports besides its points (see :func:`declared_extras`)."""
        return declared_extras(self.runs[i].phases) if self.runs else self.extras  # a batch: one set-up

    def _batch_size(self, size: int | None) -> int | None:
        size = size if size is not None else self.gradient.batch_size
        return size if self.surface.batch_gradient is not None else None

    @property
    def status(self) -> list[str]:
        """Per run: ``"ok"`` or ``"diverged"``."""
        return np.where(self.alive, "ok", "diverged").tolist()

    @property
    def done(self) -> bool:
        return self.t >= self.steps or not self.alive.any()

    def settled_at(self) -> np.ndarray:
        """Per run: the step after which it stayed within ``settle`` of one point (needs ``settle``)."""
        if self.settle is None:
            raise ValueError("settled_at needs a Simulation made with settle=...")
        return self.settle_steps.copy()

    def collect(self, chunks: list[Chunk] | None = None) -> list[dict]:
        """Whole runs (see :func:`~app.engine.results.collect`); without ``chunks``, advances to the end first."""
        if chunks is None:
            chunks = [self.advance(self.steps - self.t)]
        return collect(self, chunks)

    def chunk_steps(self, steps: int) -> int:
        """``steps`` of one-evaluation optimizers, as steps of this simulation of the same cost (at least
        one): the chunks between stop checks of a 1000-evaluation LBFGS are a thousandth as long."""
        return max(1, steps // self.evaluations_per_step)

    def advance(self, n: int) -> Chunk:
        """Advance every live run by up to ``n`` steps."""
        t0 = self.t
        t1 = min(self.steps, t0 + max(0, n))
        m, R = t1 - t0, self.n_runs
        rows = m if self.record else min(m, 1)
        chunk = Chunk(t0 if self.record else t1 - rows, np.full((rows, R, 2), np.nan), np.empty((rows, R)),
                      np.full((rows, R, 2), np.nan), np.empty((rows, R)), np.zeros(R, dtype=int))
        for name, form in self.extras.items():
            chunk.declare(EXTRAS, name, form)
        if "evaluations" in self.extras and self.record:
            chunk.keep_evaluation_points()
        if m == 0:
            return chunk
        uses_gradient = np.zeros(R, dtype=bool)
        lanes = [ln for g in self.groups for ln in g.lanes if self.alive[ln.cols].any()]
        for g in self.groups:
            uses_gradient[g.cols] = any(needs_gradient(p.optimizer) for p in g.phases)
        if len(lanes) > 1 and not self.record:
            list(block_pool().map(lambda ln: self._drive(ln, t0, t1, chunk), lanes))
        else:
            for ln in lanes:
                self._drive(ln, t0, t1, chunk)
        ok = self._assess(chunk.points[..., 0], chunk.points[..., 1], chunk.losses)
        gx, gy = chunk.gradients[..., 0], chunk.gradients[..., 1]
        ok &= (np.isfinite(gx) & np.isfinite(gy)) | ~uses_gradient
        bad = ~ok
        first_bad = np.where(bad.any(axis=0), bad.argmax(axis=0), rows)
        chunk.valid = np.where(self.alive, first_bad, 0)
        ended = self.alive & (first_bad < rows)
        advanced = chunk.valid if self.record else np.where(self.alive & ~ended, m, 0)
        self.steps_run += advanced
        self.alive &= ~ended
        self.t = t1
        return chunk

    @staticmethod
    def _segments(phases: list[PlannedPhase], t0: int, t1: int):
        """Split [t0, t1) at phase boundaries: (start, end, phase index)."""
        for k, p in enumerate(phases):
            a, b = max(t0, p.start), min(t1, p.end)
            if a < b:
                yield a, b, k

    def _drive(self, lanes, t0: int, t1: int, chunk: Chunk):
        """The one stepping loop: any lanes through steps t0..t1-1, into ``chunk``."""
        record, settle = self.record, self.settle
        lanes.bind(chunk, t0)
        for a, b, k in self._segments(lanes.phases, t0, t1):
            phase = lanes.phases[k]
            lanes.enter(k)
            lanes.begin(a, b, phase.lrs[a - phase.start:b - phase.start])
            with np.errstate(all="ignore"):
                for t in range(a, b):
                    j = t - a
                    lanes.gradient(j)
                    lanes.step(j)
                    if record:
                        lanes.record(t - t0)
                    if settle is not None and (t % SETTLE_EVERY == SETTLE_EVERY - 1 or t == b - 1):
                        lanes.settle(t + 1, settle)
            lanes.end(chunk, a - t0 if record else 0)

    def losses(self, x, y, out):
        """Each run's loss at ``x, y`` (``(..., R)``) into ``out``: the surface's, or the run's own objective's."""
        with np.errstate(all="ignore"):
            out[...] = self.surface.value(x, y, np)
            for surface, cols in self.objectives:
                out[..., cols] = surface.value(x[..., cols], y[..., cols], np)
        return out

    def _assess(self, x, y, losses_out) -> np.ndarray:
        """Writes each run's loss into ``losses_out``; returns where the point is fine: a finite loss within
        :data:`DIVERGENCE_SPANS` domain spans of the centre."""
        cx, cy = self.center
        self.losses(x, y, losses_out)
        with np.errstate(all="ignore"):
            return np.isfinite(losses_out) & (np.abs(x - cx) <= self.radius) & (np.abs(y - cy) <= self.radius)


def simulate(surface: Surface, runs: list[RunSpec], steps: int, gradient: GradientSpec = GradientSpec(),
             record_state: bool = False, explain: bool = False) -> list[dict]:
    """Every run to the end (what ``POST /api/runs`` returns per run, less labels and params)."""
    sim = Simulation(surface, runs, steps, gradient, record_state=record_state, explain=explain)
    return collect(sim, [sim.advance(steps)])
