"""Runs optimizers on a surface: many trajectories per call, chunk by chunk.

Four parts, one home each:

* **The planner** (:func:`_plan`) groups a request's runs by what selects a code path (optimizer id, its
  boolean flags, the switch, the mini-batch size) and gives each group its stacked hyperparameters (a value
  shared by all its runs stays a Python float; values that differ become one entry per run) and, per phase, an
  ``(steps, runs)`` table of learning rates after the schedule.
* **The gradient source** (:class:`_Source`): analytic, numerical (central differences) or mini-batch gradients,
  plus Gaussian noise.
* **Lanes**, one stepping interface with two implementations: :class:`_FloatLanes` advance at most
  :data:`SCALAR_MAX_RUNS` runs of an elementwise rule as Python floats, one coordinate at a time (numpy spends
  about a microsecond per call whatever the size, ten times the arithmetic of one run); :class:`_ArrayLanes`
  advance ``n`` runs as coordinate-major ``(2, n)`` arrays, in place, through the same rule. A group of many
  runs is cut into blocks of at most :data:`BLOCK_RUNS` array lanes, whose arrays stay in the processor's cache
  and which advance side by side in threads (numpy releases the GIL while it computes).
* **One loop** (:meth:`Simulation._drive`) takes any lanes through a chunk's steps: phase start, gradient,
  step, record, settle tracking.

Randomness, the one seed scheme: every random stream is ``numpy.random.default_rng([seed, purpose, unit])``
with ``purpose`` :data:`NOISE`, :data:`BATCHES` or :data:`SEARCH` and ``unit`` the run's index in the request
when the request has at most :data:`PER_RUN_STREAMS` runs (so a lane's trajectory does not depend on which
other lanes share its request), else :data:`BLOCK_UNIT` + the block's index (basin maps and sweeps: each block
owns its streams, so blocks can advance in any order and the same request gives the same map).

Divergence: a run ends with status ``"diverged"`` at the first step whose point or loss is not finite, whose
gradient was not finite, or whose point lies more than :data:`DIVERGENCE_SPANS` domain spans from the
domain's centre (in either coordinate). Only the finite points before it are kept.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from .heap import keep_freed_memory
from .numeric import FLOAT_OPS, SCALAR_ERRORS, ArrayOps, for_floats, scalar
from .optimizers import OptimizerDef, hyper_namespace
from .schedules import Schedule
from .settings import settings
from .surfaces import Surface

keep_freed_memory()  # numpy's temporaries would otherwise be page-faulted in afresh at every operation

SCALAR_MAX_RUNS = 4
SETTLE_EVERY = 4  # steps between convergence checks (the resolution of settled_at)
PER_RUN_STREAMS = 1000  # up to this many runs, each run owns its random streams; above, each block does
BLOCK_UNIT = 2 ** 32  # stream units of blocks start here (run indices are below)
NOISE, BATCHES, SEARCH = 1, 2, 3  # the purposes of random streams
DIVERGENCE_SPANS = 100.0
BLOCK_RUNS = 20_000  # most runs of one block: a dozen (2, n) arrays of them fit in the L2/L3 caches
BLOCK_THREADS = min(4, os.cpu_count() or 1)  # blocks advance side by side: numpy releases the GIL while it computes


def stream(seed: int, purpose: int, unit: int) -> np.random.Generator:
    """The random stream of one run (``unit`` < :data:`BLOCK_UNIT`) or one block, for one purpose."""
    return np.random.default_rng([seed, purpose, unit])


@dataclass(frozen=True)
class Phase:
    """One optimizer with its hyperparameters and schedule, from step ``start`` on."""

    start: int
    optimizer: OptimizerDef
    hyper: dict
    schedule: Schedule = Schedule()


@dataclass(frozen=True)
class RunSpec:
    start: tuple[float, float]
    phases: tuple[Phase, ...]  # the first starts at 0; a switch adds a second
    label: str = ""
    batch_size: int | None = None  # this run's mini-batch size on a data-set surface (None: the request's)
    gradient: "GradientSpec | None" = None  # this run's gradient mode, h, noise and seed (None: the request's)
    objective: Surface | None = None  # the surface whose gradient this run follows (None: the request's)

    @property
    def uses_gradient(self) -> bool:
        return any(_needs_gradient(p.optimizer) for p in self.phases)


def _needs_gradient(opt: OptimizerDef) -> bool:
    return not opt.needs or "hessian" in opt.needs or "evaluate" in opt.needs or "emit" in opt.needs


@dataclass(frozen=True)
class GradientSpec:
    mode: str = "analytic"  # or "numerical": central differences with step h
    h: float = 1e-5
    noise: float = 0.0  # standard deviation of Gaussian noise added to each gradient coordinate
    seed: int = 0
    batch_size: int | None = None  # data-set surfaces: samples per gradient (None = the full batch)


@dataclass
class Chunk:
    """Steps ``offset .. offset + n - 1`` of every run, as arrays with a runs axis.

    Row ``k`` holds the point reached by step ``offset + k`` and what produced it. Run ``i`` has ``valid[i]``
    rows (fewer than ``n`` once it has ended); rows past that are meaningless. ``extras`` holds what rules emit
    per step (``proposals``/``accepted`` of random searches, ...), ``state`` the optimizer's state after each
    step (when asked for), ``evaluations`` how many extra surface evaluations each step made.
    """

    offset: int
    points: np.ndarray  # (n, R, 2)
    losses: np.ndarray  # (n, R)
    gradients: np.ndarray  # (n, R, 2): the gradient each step used (noise included); NaN where none
    lrs: np.ndarray  # (n, R)
    valid: np.ndarray  # (R,) int
    extras: dict = field(default_factory=dict)  # name -> (n, R, 2) or (n, R)
    state: dict = field(default_factory=dict)  # name -> (n, R, 2) or (n, R), NaN where the name does not apply
    evaluations: np.ndarray | None = None  # (n, R) int
    evaluation_points: list | None = None  # per row, per run: a list of points

    def run(self, i: int) -> dict:
        k = int(self.valid[i])
        out = {"points": self.points[:k, i], "losses": self.losses[:k, i], "gradients": self.gradients[:k, i],
               "lrs": self.lrs[:k, i]}
        for name, values in self.extras.items():
            if values.dtype != bool and np.isnan(values[:k, i]).all():
                continue
            out[name] = values[:k, i]
        if self.state:
            out["state"] = {}
            for key, values in self.state.items():  # a name two optimizers keep in other shapes has two slots
                name, column = key.split(_SHAPE_SLOT)[0], values[:k, i]
                if name not in out["state"] or not np.isnan(column).all():
                    out["state"][name] = column
        if self.evaluations is not None:
            out["evaluations"] = self.evaluations[:k, i]
            out["evaluation_points"] = [row[i] for row in self.evaluation_points[:k]]
        return out


# --- the planner ----------------------------------------------------------------------------------------------
@dataclass
class _PlannedPhase:
    start: int
    end: int
    optimizer: OptimizerDef
    hyper: dict  # name -> float/bool, or an (n,) array of per-run values (``betas`` split into beta1/beta2)
    lrs: np.ndarray  # (end - start, n), or (end - start, 1) when every run has the same
    names: np.ndarray | None  # (n_names, n) bool: which of state_names torch keeps for each run (None: all)
    state_names: tuple[str, ...] | None = None  # None: not declared, the state's fields that are not None


@dataclass
class _Group:
    runs: list[int]
    phases: list[_PlannedPhase]
    kind: str  # "float" or "array"
    batch_size: int | None
    lanes: list = field(default_factory=list)
    gradient: GradientSpec | None = None  # its runs' own gradient spec and objective (None: the simulation's)
    objective: Surface | None = None
    cols: np.ndarray = field(init=False)

    def __post_init__(self):
        self.cols = np.asarray(self.runs, dtype=int)

    @property
    def scalar(self) -> bool:
        return self.kind == "float"



def _stack(hypers: list[dict]) -> dict:
    """Hyperparameters of runs advanced together: a value shared by all stays a Python scalar, values that
    differ become an ``(n,)`` array."""
    spaces = [vars(hyper_namespace(h)) for h in hypers]
    out = {}
    for name, first in spaces[0].items():
        if all(s[name] == first for s in spaces):
            out[name] = first
        else:
            out[name] = np.array([s[name] for s in spaces], dtype=float)
    return out


def _lr_table(schedules: list[Schedule], hypers: list[dict], length: int) -> np.ndarray:
    tables: dict[tuple, np.ndarray] = {}
    cols = []
    for schedule, h in zip(schedules, hypers):
        key = (schedule, h.get("lr", 0.0))
        if key not in tables:
            tables[key] = schedule.learning_rates(key[1], length)
        cols.append(tables[key])
    return np.stack(cols, axis=1) if cols else np.empty((length, 0))


def _plan_phase(phase: Phase, end: int, steps: int, n: int, hypers: list[dict] | None = None,
                schedules: list[Schedule] | None = None):
    """``hypers``/``schedules``: one per run, or None where all ``n`` runs share ``phase``'s."""
    length = max(0, min(end, steps) - phase.start)
    opt = phase.optimizer
    if hypers is None and schedules is None:  # one set-up for every run: one column, broadcast over the runs
        known = tuple(opt.state_names(phase.hyper)) if opt.state_names is not None else None
        return _PlannedPhase(phase.start, min(end, steps), opt, _stack([phase.hyper]),
                             _lr_table([phase.schedule], [phase.hyper], length), None, known)
    else:
        hypers_ = hypers if hypers is not None else [phase.hyper] * n
        schedules = schedules if schedules is not None else [phase.schedule] * n
        lrs, hyper = _lr_table(schedules, hypers_, length), _stack(hypers_)
        per_run = list(range(n))
    names, known = None, None
    if opt.state_names is not None:
        distinct: dict[int, tuple] = {}
        rows = []
        for i in per_run:
            h = hypers_[i]
            if id(h) not in distinct:
                distinct[id(h)] = tuple(opt.state_names(h))
            rows.append(distinct[id(h)])
        known = tuple(dict.fromkeys(name for names_ in distinct.values() for name in names_))
        names = np.array([[name in r for r in rows] for name in known], dtype=bool).reshape(len(known), n)
    return _PlannedPhase(phase.start, min(end, steps), opt, hyper, lrs, names, known)


def _plan(runs_phases: list[tuple[Phase, ...]] | None, first: tuple[Phase, ...], members: list[int], steps: int,
          batch_size, first_hypers=None):
    """One group's phases for runs ``members``: ``runs_phases`` gives each run's phases (their optimizers and
    flags equal ``first``'s), or None when every run shares ``first``; ``first_hypers`` gives each run its own
    first-phase hyperparameters (sweeps)."""
    n = len(members)
    phases = []
    for k, phase in enumerate(first):
        end = first[k + 1].start if k + 1 < len(first) else steps
        if runs_phases is None:
            hypers = first_hypers if k == 0 else None
            phases.append(_plan_phase(phase, end, steps, n, hypers, None))
        else:
            specs = [p[k] for p in runs_phases]
            phases.append(_plan_phase(phase, end, steps, n, [s.hyper for s in specs], [s.schedule for s in specs]))
    elementwise = all(p.optimizer.elementwise and p.optimizer.step is not None and not p.optimizer.needs
                      for p in phases)
    kind = "float" if n <= SCALAR_MAX_RUNS and elementwise and batch_size is None else "array"
    return _Group(members, phases, kind, batch_size)


def _run_state_names(run: RunSpec) -> tuple[str, ...] | None:
    """The state names a run reports, its phases' in order; None when a phase's are not known in advance."""
    keys = [p.optimizer.state_keys(p.hyper) for p in run.phases]
    return None if any(k is None for k in keys) else tuple(dict.fromkeys(n for k in keys for n in k))


def divergence_radius(surface: Surface) -> float:
    return DIVERGENCE_SPANS * surface.domain.span


def _evaluations(phases) -> int:
    """The most surface evaluations one step of any of ``phases`` may make (see
    :meth:`OptimizerDef.evaluations_per_step`)."""
    return max((p.optimizer.evaluations_per_step(p.hyper) for p in phases), default=1)


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
                 units: list[int] | None = None):
        """``record=False`` keeps only each run's latest point (basin maps of 10^5 starts): every chunk then
        has one row, the state after its last step, and divergence is detected at chunk ends.

        ``settle`` (a distance) tracks, for each run, the last step at which it moved farther than that (in
        either coordinate) from where it last settled: :meth:`settled_at`, checked every :data:`SETTLE_EVERY`
        steps and at each chunk's end. From then on the run stays within ``settle`` of that anchor in each
        coordinate, so within ``2 settle`` of its final point.

        ``record_state`` keeps the optimizer's state after every step (``Chunk.state``).

        ``units`` gives each run its random-stream unit (default: its index): a part of a request (some of its
        runs, by their indices in the whole request) then computes each run exactly as the whole request does.
        """
        if units is not None and len(units) != len(runs):
            raise ValueError("one stream unit per run")
        self.stream_units = None if units is None else [int(u) for u in units]
        if not 0 <= steps <= settings.max_steps:  # the same limit the API checks (SLOPES_MAX_STEPS)
            raise ValueError(f"steps must be in [0, {settings.max_steps}]")
        self.record = record
        self.record_state = record_state and record
        self.interrupt = Interrupt()  # set ``interrupt.test`` to stop in the middle of an expensive step
        self.evaluations_per_step = _evaluations([p for run in runs for p in run.phases])
        self.settle = settle
        self.surface = surface
        self.runs = runs
        self.steps = steps
        self.gradient = gradient
        self.t = 0
        self.center = np.array(surface.domain.center)
        self.radius = divergence_radius(surface)
        self.starts = np.array([run.start for run in runs], dtype=float).reshape(-1, 2)
        self._size(len(runs))
        groups = []
        if runs:
            by_key: dict[tuple, list[int]] = {}
            for i, run in enumerate(runs):
                key = tuple((p.start, p.optimizer.id, p.optimizer.structural(p.hyper)) for p in run.phases)
                source = (run.gradient, id(run.objective))  # the runs hold their objectives: ids stay unique
                by_key.setdefault((key, self._batch_size(run.batch_size), source), []).append(i)
            for (_, batch, _), members in by_key.items():
                group = _plan([runs[i].phases for i in members], runs[members[0]].phases, members, steps, batch)
                group.gradient, group.objective = runs[members[0]].gradient, runs[members[0]].objective
                groups.append(group)
        self.groups = groups
        for g in self.groups:
            self._make_lanes(g)
        self.state_names = [_run_state_names(run) for run in runs] if self.record_state else []

    def _size(self, n: int):
        self.n_runs = n
        self.steps_run = np.zeros(n, dtype=int)
        self.alive = np.ones(n, dtype=bool)  # cleared at divergence, the only way a run ends early
        self.settle_steps = np.zeros(n, dtype=int)

    @classmethod
    def batch(cls, surface: Surface, starts, phases: tuple[Phase, ...], steps: int,
              gradient: GradientSpec = GradientSpec(), hypers: list[dict] | None = None, record: bool = False,
              settle: float | None = None) -> "Simulation":
        """Many runs of one set-up, without a RunSpec each: every start of a basin map, or (``hypers``: one
        first-phase hyperparameter dict per run) every cell of a sweep."""
        starts = np.array(starts, dtype=float).reshape(-1, 2)
        n = len(starts)
        if hypers is not None and len(hypers) != n:
            raise ValueError("one hyperparameter set per start")
        sim = cls(surface, [], steps, gradient, record, settle)
        sim.evaluations_per_step = _evaluations(phases)
        sim.starts = starts
        sim._size(n)
        group = _plan(None, phases, list(range(n)), steps, sim._batch_size(None), hypers)
        group.kind = "array"  # maps and sweeps: array lanes whatever their size
        sim.groups = [group]
        sim._make_lanes(group)
        return sim

    def _batch_size(self, size: int | None) -> int | None:
        size = size if size is not None else self.gradient.batch_size
        return size if self.surface.batch_gradient is not None else None

    def _make_lanes(self, group: _Group):
        n = len(group.runs)
        starts = self.starts[group.cols]
        if group.kind == "float":
            group.lanes = [_FloatLanes(self, group, starts)]
            return
        per_run = self.n_runs <= PER_RUN_STREAMS
        count = 1 if per_run else max(1, -(-n // BLOCK_RUNS))
        bounds = np.linspace(0, n, count + 1).round().astype(int).tolist()
        group.lanes = [_ArrayLanes(self, group, lo, hi, starts[lo:hi], None if per_run else BLOCK_UNIT + b)
                       for b, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:]))]

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
        """Whole runs (see :func:`collect`); without ``chunks``, advances to the end first."""
        if chunks is None:
            chunks = [self.advance(self.steps - self.t)]
        return collect(self, chunks)

    # --- stepping ---------------------------------------------------------------
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
        if m == 0:
            return chunk
        uses_gradient = np.zeros(R, dtype=bool)
        lanes = [ln for g in self.groups for ln in g.lanes if self.alive[ln.cols].any()]
        for g in self.groups:
            uses_gradient[g.cols] = any(_needs_gradient(p.optimizer) for p in g.phases)
        if len(lanes) > 1 and not self.record:
            list(_block_pool().map(lambda ln: self._drive(ln, t0, t1, chunk), lanes))
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

    def _segments(self, phases: list[_PlannedPhase], t0: int, t1: int):
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

    def _assess(self, x, y, losses_out) -> np.ndarray:
        """Writes f(x, y) into ``losses_out``; returns where the point is fine: a finite loss within
        :data:`DIVERGENCE_SPANS` domain spans of the centre."""
        cx, cy = self.center
        with np.errstate(all="ignore"):
            losses_out[...] = self.surface.value(x, y, np)
            return np.isfinite(losses_out) & (np.abs(x - cx) <= self.radius) & (np.abs(y - cy) <= self.radius)


# --- the gradient source ----------------------------------------------------------------------------------------
class _Source:
    """Gradients for one set of lanes: analytic, numerical or mini-batch, plus noise, from the lanes' streams."""

    def __init__(self, sim: Simulation, runs, unit: int | None, batch_size: int | None,
                 spec: GradientSpec | None = None, surface: Surface | None = None):
        """``spec`` and ``surface`` (a run's own gradient settings and objective) default to the simulation's."""
        spec, surface = spec or sim.gradient, surface or sim.surface
        self.surface, self.spec, self.n = surface, spec, len(runs)
        units = (_units(sim, runs) if unit is None else [unit]) if spec.noise or batch_size else []
        self.noise = [stream(spec.seed, NOISE, u) for u in units] if spec.noise else None
        self.batcher = (_Batcher(surface.extra["dataset"]["n"], batch_size,
                                 [stream(spec.seed, BATCHES, u) for u in units], len(runs))
                        if batch_size is not None else None)
        if spec.mode == "numerical":
            h, value = spec.h, surface.value

            def grad(x, y, xp):
                return ((value(x + h, y, xp) - value(x - h, y, xp)) / (2 * h),
                        (value(x, y + h, xp) - value(x, y - h, xp)) / (2 * h))
            self.exact = grad
        else:
            self.exact = surface.gradient

    def draw_noise(self, m: int) -> np.ndarray | None:
        """The next ``m`` steps' noise, ``(m, 2, n)``."""
        if self.noise is None:
            return None
        if len(self.noise) == 1 and self.n > 1:
            return self.noise[0].standard_normal((m, 2, self.n)) * self.spec.noise
        return np.stack([g.standard_normal((m, 2)) for g in self.noise], axis=2) * self.spec.noise

    def gradient(self, x, y):
        if self.batcher is not None:
            return self.surface.batch_gradient(x, y, self.batcher.next())
        return self.exact(x, y, np)


class _Batcher:
    """Mini-batches as torch's ``DataLoader(shuffle=True, drop_last=False)`` draws them: each epoch a new
    permutation of the data set (one per run), cut into consecutive batches, the last one shorter."""

    def __init__(self, n: int, batch_size: int, generators, runs: int):
        self.n, self.k, self.generators, self.runs = n, min(batch_size, n), generators, runs
        self.perms = None
        self.pos = n

    def next(self) -> np.ndarray:
        if self.pos >= self.n:
            if len(self.generators) == self.runs:
                self.perms = np.stack([g.permutation(self.n) for g in self.generators])
            else:
                self.perms = self.generators[0].permuted(np.tile(np.arange(self.n), (self.runs, 1)), axis=1)
            self.pos = 0
        idx = self.perms[:, self.pos:self.pos + self.k]
        self.pos += self.k
        return idx


class _RunsRandom:
    """Uniform draws for a search rule: ``uniform(k)`` gives ``(k, n)``, each run's k numbers from its stream."""

    def __init__(self, generators, n: int):
        self.generators, self.n = generators, n

    def uniform(self, k: int) -> np.ndarray:
        if len(self.generators) == 1 and self.n > 1:
            return self.generators[0].random((k, self.n))
        return np.stack([g.random(k) for g in self.generators], axis=1)


# --- lanes --------------------------------------------------------------------------------------------------------
def _settings(sim: Simulation) -> SimpleNamespace:
    """What lanes read of their simulation (not the simulation itself: no reference cycle keeps arrays alive)."""
    return SimpleNamespace(record=sim.record, record_state=sim.record_state, n_runs=sim.n_runs, surface=sim.surface,
                           gradient=sim.gradient, settle_steps=sim.settle_steps, stream_units=sim.stream_units)


def _units(sim, runs) -> list[int]:
    """The random-stream units of runs (indices in ``sim``): their indices, or the ones the simulation was given."""
    runs = np.asarray(runs).tolist()
    return runs if sim.stream_units is None else [sim.stream_units[r] for r in runs]


def _rows(hyper: dict, lo: int, hi: int) -> SimpleNamespace:
    """Runs lo..hi of a stacked namespace, per-run values as ``(1, n)`` rows (coordinate-major)."""
    return SimpleNamespace(**{k: (v[None, lo:hi] if isinstance(v, np.ndarray) else v) for k, v in hyper.items()})


def _column(hyper: dict, col: int) -> SimpleNamespace:
    """One run's hyperparameters as Python scalars."""
    return SimpleNamespace(**{k: (float(v[col]) if isinstance(v, np.ndarray) else v) for k, v in hyper.items()})


class _ArrayLanes:
    """Runs ``lo:hi`` of a group as coordinate-major ``(2, n)`` arrays, advanced in place."""

    def __init__(self, sim: Simulation, group: _Group, lo: int, hi: int, starts: np.ndarray, unit: int | None):
        self.sim, self.phases, self.lo, self.hi = _settings(sim), group.phases, lo, hi
        self.cols = group.cols[lo:hi]
        n = hi - lo
        if n and np.array_equal(self.cols, np.arange(self.cols[0], self.cols[0] + n)):
            self.sel = slice(int(self.cols[0]), int(self.cols[0]) + n)  # basic indexing: views, no gather
        else:
            self.sel = self.cols
        self.P = np.ascontiguousarray(starts.T)
        self.G = np.zeros_like(self.P)
        self.source = _Source(sim, self.cols, unit, group.batch_size, group.gradient, group.objective)
        self.unit = unit
        self.hyper = [_rows(p.hyper, lo, hi) for p in group.phases]
        self.state, self.phase = None, -1
        self.anchor, self.scratch = None, None
        self.ops = _Context(self.P.shape, group.objective or sim.surface, self.source, sim.record, sim.interrupt)

    def enter(self, k: int):
        if self.phase == k:
            return
        opt = self.phases[k].optimizer
        if "rng" in opt.needs and getattr(self.ops, "rng", None) is None:
            units = _units(self.sim, self.cols) if self.unit is None else [self.unit]
            self.ops.rng = _RunsRandom([stream(self.sim.gradient.seed, SEARCH, u) for u in units],
                                       self.hi - self.lo)
        if opt.step is not None:
            self.state = opt.init_state(self.ops, self.P, self.hyper[k])
        else:  # a pure init/update pair on (N, 2) arrays
            self.state = opt.init(self.P.T, _cols(self.hyper[k]), _pure_ctx(self.ops))
        self.phase = k

    def begin(self, a: int, b: int, lr_rows: np.ndarray):
        self.a = a
        self.noise = self.source.draw_noise(b - a)
        rows = lr_rows[:, self.lo:self.hi] if lr_rows.shape[1] > 1 else lr_rows
        self.lrs = rows
        uniform = rows.shape[1] == 1 or bool((rows == rows[:, :1]).all())
        self.lr_list = rows[:, 0].tolist() if uniform else [r[None, :] for r in rows]
        opt = self.phases[self.phase].optimizer
        self.needs_grad = _needs_gradient(opt)
        self.rule, self.hp = opt.step, self.hyper[self.phase]
        self.counts = "evaluate" in opt.needs

    def gradient(self, j: int):
        if not self.needs_grad:
            self.G.fill(np.nan)
            return
        x, y = self.P
        self.G[0], self.G[1] = self.source.gradient(x, y)
        if self.noise is not None:
            self.G += self.noise[j]

    def step(self, j: int):
        lr = self.lr_list[j]
        if self.counts:
            self.ops.new_step(self.P)
        if self.ops.extras:
            self.ops.extras.clear()  # what a rule emits belongs to its step
        if self.rule is not None:
            P = self.rule(self.ops, self.state, self.P, self.G, self.hp, lr)
        else:
            opt = self.phases[self.phase].optimizer
            lr = lr.T if isinstance(lr, np.ndarray) else lr
            P, self.state = opt.update(self.G.T.copy(), self.state, self.P.T.copy(), _cols(self.hyper[self.phase]),
                                       lr, _pure_ctx(self.ops))
            P = P.T
        if P is not self.P:
            self.P[...] = P

    def record(self, row: int):
        chunk, cols = self.chunk, self.sel
        chunk.points[row, cols] = self.P.T
        chunk.gradients[row, cols] = self.G.T
        chunk.lrs[row, cols] = self.lrs[self._j(row)]
        self._record_extras(chunk, row)

    def _j(self, row: int) -> int:
        return row + self.t0 - self.a

    def _record_extras(self, chunk: Chunk, row: int):
        cols = self.cols
        rows = chunk.points.shape[0]
        for name, value in self.ops.extras.items():
            value = np.asarray(value)
            out = chunk.extras.get(name)
            if out is None:
                vector = value.ndim == 2 and value.shape[0] == 2
                shape = (rows, self.sim.n_runs, 2) if vector else (rows, self.sim.n_runs)
                out = chunk.extras[name] = (np.zeros(shape, dtype=bool) if value.dtype == bool
                                            else np.full(shape, np.nan))
            out[row, cols] = value.T if out.ndim == 3 else value.reshape(-1)
        if self.sim.record_state:
            self._record_state(chunk, row)
        if "evaluate" in self.phases[self.phase].optimizer.needs:
            if chunk.evaluations is None:
                chunk.evaluations = np.zeros(chunk.lrs.shape, dtype=int)
                chunk.evaluation_points = [[[] for _ in range(self.sim.n_runs)] for _ in range(rows)]
            chunk.evaluations[row, cols] = self.ops.evals
            if self.ops.eval_points is not None:
                for i, c in enumerate(cols.tolist()):
                    chunk.evaluation_points[row][c] = list(self.ops.eval_points[i])

    def _record_state(self, chunk: Chunk, row: int):
        phase = self.phases[self.phase]
        values = vars(self.state) if isinstance(self.state, SimpleNamespace) else self.state._asdict()
        names = phase.state_names if phase.state_names is not None else [k for k, v in values.items() if v is not None]
        for i, name in enumerate(names):
            value = values.get(name)
            if value is None:
                continue
            value = np.asarray(value, dtype=float)
            vector = value.ndim == 2 and value.shape[0] == 2
            out = state_slot(chunk, name, vector)
            v = value.T if vector else np.broadcast_to(value.reshape(-1), (len(self.cols),))
            if phase.names is not None:
                applies = phase.names[i, self.lo:self.hi]
                v = np.where(applies[:, None] if vector else applies, v, np.nan)
            out[row, self.cols] = v

    def settle(self, step: int, tolerance: float):
        if self.anchor is None:
            self.anchor, self.scratch = self.P.copy(), np.empty_like(self.P)
            self.settle_step = np.zeros(self.P.shape[1], dtype=int)
        _track_settle(self.P, self.anchor, self.settle_step, step, tolerance, self.scratch)

    def end(self, chunk: Chunk, row: int):
        if self.anchor is not None:
            self.sim.settle_steps[self.cols] = self.settle_step
        if not self.sim.record:
            cols = self.sel
            chunk.points[0, cols], chunk.gradients[0, cols] = self.P.T, self.G.T
            chunk.lrs[0, cols] = self.lrs[-1]
            self._record_extras(chunk, 0)

    def bind(self, chunk: Chunk, t0: int):
        """The chunk being filled, whose first row is step ``t0``."""
        self.chunk, self.t0 = chunk, t0


class _Context(ArrayOps):
    """The ops of a set of array lanes plus what rules may ask for (see :mod:`app.optimizers.base`): the
    surface's value and Hessian, extra evaluations (counted per step, their points kept when recording), a place
    to emit per-step outputs, and (for searches) ``rng``. It refers to nothing that refers back to it."""

    def __init__(self, shape, surface: Surface, source: _Source, keep_points: bool, interrupt: Interrupt | None = None):
        super().__init__(shape)
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


class _FloatLanes:
    """At most :data:`SCALAR_MAX_RUNS` runs of an elementwise rule as Python floats, one coordinate at a time."""

    def __init__(self, sim: Simulation, group: _Group, starts: np.ndarray):
        self.sim, self.phases = _settings(sim), group.phases
        self.cols = group.cols
        self.points = starts.tolist()
        self.source = _Source(sim, group.runs, None, None, group.gradient, group.objective)
        self.hyper = [[_column(p.hyper, c) for c in range(len(self.cols))] for p in group.phases]
        self.states, self.phase = None, -1
        self.dead = [False] * len(self.points)
        self.anchor = None
        self.record_state = sim.record_state

    def enter(self, k: int):
        if self.phase == k:
            return
        init = self.phases[k].optimizer.init_state
        self.states = [(init(FLOAT_OPS, x, hp), init(FLOAT_OPS, y, hp))
                       for (x, y), hp in zip(self.points, self.hyper[k])]
        self.phase = k

    def begin(self, a: int, b: int, lr_rows: np.ndarray):
        noise = self.source.draw_noise(b - a)
        n = len(self.cols)
        self.out_p, self.out_g = [[] for _ in range(n)], [[] for _ in range(n)]
        self.lr_lists = [lr_rows[:, c if lr_rows.shape[1] > 1 else 0].tolist() for c in range(n)]
        noises = [noise[:, :, c].tolist() for c in range(n)] if noise is not None else [None] * n
        self.rule = for_floats(self.phases[self.phase].optimizer.step)  # the same rule, its ops inlined
        self.jobs = [(c, *self.states[c], self.hyper[self.phase][c], self.lr_lists[c], noises[c], self.out_p[c],
                      self.out_g[c]) for c in range(n) if not self.dead[c]]

    def gradient(self, j: int):
        pass  # each run's gradient is taken in step, where its point is at hand

    def step(self, j: int):
        rule, grad, points, ops = self.rule, self.source.exact, self.points, FLOAT_OPS
        for c, sx, sy, hp, lrs, noise, out_p, out_g in self.jobs:
            if self.dead[c]:
                continue
            x, y = points[c]
            gx = gy = float("nan")
            try:
                gx, gy = grad(x, y, scalar)
                if noise is not None:
                    ex, ey = noise[j]
                    gx, gy = gx + ex, gy + ey
                if gx != gx or gy != gy:
                    raise ValueError("gradient is not finite")
                lr = lrs[j]
                p = (rule(ops, sx, x, gx, hp, lr), rule(ops, sy, y, gy, hp, lr))
            except SCALAR_ERRORS:  # overflow etc.: this step's point is not finite, the run ends here
                p = (float("nan"), float("nan"))
                self.dead[c] = True
            points[c] = p
            out_p.append(p)
            out_g.append((gx, gy))
            if self.record_state:
                self._snap(c)

    def _snap(self, c: int):
        if not hasattr(self, "snaps"):
            self.snaps = [[] for _ in self.cols]
        sx, sy = self.states[c]
        scalars = self.phases[self.phase].optimizer.scalar_state
        snap = {}
        for name, vx in vars(sx).items():
            if vx is None:
                continue
            snap[name] = float(vx) if name in scalars else (float(vx), float(getattr(sy, name)))
        self.snaps[c].append(snap)

    def bind(self, chunk: Chunk, t0: int):
        pass

    def record(self, row: int):
        pass  # kept per run in begin/step, written at the segment's end

    def settle(self, step: int, tolerance: float):
        P = np.array(self.points, dtype=float).T
        if self.anchor is None:
            self.anchor, self.settle_step = P.copy(), np.zeros(P.shape[1], dtype=int)
        _track_settle(P, self.anchor, self.settle_step, step, tolerance, np.empty_like(P))
        self.sim.settle_steps[self.cols] = self.settle_step

    def end(self, chunk: Chunk, row: int):
        record = self.sim.record
        phase = self.phases[self.phase]
        for c, col in enumerate(self.cols.tolist()):
            m = len(self.out_p[c])
            if m == 0:
                continue
            if record:
                chunk.points[row:row + m, col] = self.out_p[c]
                chunk.gradients[row:row + m, col] = self.out_g[c]
                chunk.lrs[row:row + m, col] = self.lr_lists[c][:m]
            else:
                chunk.points[0, col], chunk.gradients[0, col] = self.out_p[c][-1], self.out_g[c][-1]
                chunk.lrs[0, col] = self.lr_lists[c][m - 1]
            if self.sim.record_state:
                self._write_state(chunk, row, c, col, phase)
        if hasattr(self, "snaps"):
            del self.snaps

    def _write_state(self, chunk: Chunk, row: int, c: int, col: int, phase: _PlannedPhase):
        for j, snap in enumerate(self.snaps[c]):
            for name, value in snap.items():
                if phase.state_names is not None and name not in phase.state_names:
                    continue
                if phase.names is not None and not phase.names[phase.state_names.index(name), c]:
                    continue
                out = state_slot(chunk, name, isinstance(value, tuple))
                out[row + j, col] = value


_SHAPE_SLOT = "\x00"  # joins a state name and its shape when two lanes keep that name in different shapes


def state_slot(chunk: Chunk, name: str, vector: bool) -> np.ndarray:
    """The chunk's array for state ``name``: ``(rows, runs, 2)`` for a vector, ``(rows, runs)`` for a number, NaN
    where it does not apply. LBFGS's ``d`` is a direction and Prodigy's a number: each shape has its own array,
    and :meth:`Chunk.run` gives a run the one that holds its values."""
    rows, runs = chunk.points.shape[:2]
    for key in (name, name + _SHAPE_SLOT + ("vector" if vector else "number")):
        out = chunk.state.get(key)
        if out is None:
            out = chunk.state[key] = np.full((rows, runs, 2) if vector else (rows, runs), np.nan)
        if (out.ndim == 3) == vector:
            return out
    raise AssertionError("unreachable: the second key always has the asked shape")


def _cols(hp: SimpleNamespace) -> SimpleNamespace:
    """``(1, n)`` rows as the ``(n, 1)`` columns of the pure ``(N, 2)`` interface."""
    return SimpleNamespace(**{k: (v.T if isinstance(v, np.ndarray) else v) for k, v in vars(hp).items()})


def _pure_ctx(o) -> SimpleNamespace:
    """The context a pure ``init/update`` pair reads, on ``(N, 2)`` arrays."""
    ctx = SimpleNamespace(xp=np, domain=o.domain)
    ctx.value = lambda p: o.value(p.T)
    ctx.hessian = lambda p: o.hessian(p.T)
    ctx.rng = getattr(o, "rng", None)
    ctx.emit = lambda name, v: o.emit(name, v.T if np.ndim(v) == 2 else v)
    ctx.evaluate = lambda p, mask=None: (lambda lg: (lg[0], lg[1].T))(o.evaluate(p.T, mask))
    ctx.value_and_grad = ctx.evaluate
    return ctx


_BLOCK_POOL = ThreadPoolExecutor(BLOCK_THREADS, thread_name_prefix="slopes-block")  # threads start on first use


def _block_pool() -> ThreadPoolExecutor:
    return _BLOCK_POOL


def _track_settle(points, anchor, settle_step, step: int, tolerance: float, scratch) -> None:
    """Coordinate-major ``(2, n)`` views: runs that moved farther than ``tolerance`` (in either coordinate)
    from their anchor settle anew here (anchor := point, settle_step := step)."""
    away = np.subtract(points, anchor, out=scratch)
    np.abs(away, out=away)
    moved = np.maximum(away[0], away[1], out=away[0]) > tolerance
    np.copyto(anchor, points, where=moved)
    np.copyto(settle_step, step, where=moved)


def simulate(surface: Surface, runs: list[RunSpec], steps: int, gradient: GradientSpec = GradientSpec(),
             record_state: bool = False) -> list[dict]:
    """Every run to the end (what ``POST /api/runs`` returns per run, less labels and params)."""
    sim = Simulation(surface, runs, steps, gradient, record_state=record_state)
    return collect(sim, [sim.advance(steps)])


def start_points(sim: Simulation) -> tuple[np.ndarray, np.ndarray]:
    """Every run's start, shape (R, 2), and the loss there, computed as the chunks compute losses."""
    starts = sim.starts
    with np.errstate(all="ignore"):
        losses = np.asarray(sim.surface.value(starts[:, 0], starts[:, 1], np), dtype=float) * np.ones(len(starts))
    return starts, losses


def collect(sim: Simulation, chunks: list[Chunk]) -> list[dict]:
    """Join chunks into whole runs: points (start first), losses, status, steps_run and per-step extras."""
    if not sim.record:
        raise ValueError("a final-only Simulation (record=False) keeps no trajectories to collect")
    starts, losses0 = start_points(sim)
    status, steps_run = sim.status, sim.steps_run.tolist()
    out = []
    for i in range(sim.n_runs):
        parts = [c.run(i) for c in chunks]
        result = {
            "points": np.concatenate([starts[i:i + 1]] + [p["points"] for p in parts]),
            "losses": np.concatenate([losses0[i:i + 1]] + [p["losses"] for p in parts]),
            "status": status[i],
            "steps_run": steps_run[i],
            "lrs": np.concatenate([p["lrs"] for p in parts]),
            "gradients": np.concatenate([p["gradients"] for p in parts]).reshape(-1, 2),
        }
        extras = {name for p in parts for name in p} - set(result) - {"state", "evaluation_points"}
        for name in sorted(extras):
            result[name] = np.concatenate([p[name] for p in parts if name in p])
        if any("evaluation_points" in p for p in parts):
            result["evaluation_points"] = [pts for p in parts for pts in p.get("evaluation_points", [])]
        if sim.record_state:
            result["state"] = state_lists([p.get("state", {}) for p in parts], [len(p["lrs"]) for p in parts],
                                          sim.state_names[i])
        out.append(result)
    return out


def state_lists(parts: list[dict], lengths: list[int], names: tuple[str, ...] | None) -> dict:
    """Chunks' state of one run (``Chunk.run(i)["state"]``, ``lengths[k]`` steps each) as JSON-ready lists: for
    each of ``names`` (``Simulation.state_names[i]``; None: every name recorded), one entry per step, ``[x, y]``
    for vectors, a number for scalars, None where the name does not apply (a name of the other phase, after a
    switch)."""
    if names is None:
        names = tuple(dict.fromkeys(name for p in parts for name, v in p.items() if not np.isnan(v).all()))
    out = {}
    for name in names:
        values = []
        for p, n in zip(parts, lengths):
            v = p.get(name)
            if v is None:
                values.extend([None] * n)
            elif v.ndim == 2:
                values.extend(None if np.isnan(r).all() else r.tolist() for r in v)
            else:
                values.extend(None if np.isnan(r) else float(r) for r in v)
        out[name] = values
    return out
