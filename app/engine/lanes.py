"""Lanes: the runs of one group as they advance, behind one stepping protocol the loop drives.

Every lane answers ``enter(k)`` (phase ``k`` begins: fresh state), ``begin(a, b, lr_rows)`` (steps ``a..b-1`` of
that phase are next), ``gradient(j)`` and ``step(j)`` (step ``a + j``), ``record(row)`` (its row of the chunk
bound with ``bind``), ``settle(step, tolerance)`` and ``end(chunk, row)`` (the segment is over).

* :class:`FloatLanes` advance a handful of runs of an elementwise rule as Python floats, one coordinate at a
  time (such rules emit nothing and never explain: a simulation that explains its steps runs every group on
  arrays);
* :class:`ArrayLanes` advance ``n`` runs as coordinate-major ``(2, n)`` arrays, in place, through the same rule.

Both record what a step leaves besides its point the same way: the names and declared shapes of the state come
from :func:`state_shapes`, and every named value (extras, state, explained terms and quantities) is written by
:meth:`Chunk.put` (float lanes a run's rows of a segment at once, array lanes a row of all their runs).

A group of many runs is cut into blocks of at most :data:`BLOCK_RUNS` array lanes, whose arrays stay in the
processor's cache and which advance side by side in threads (numpy releases the GIL while it computes).
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..numeric import FLOAT_OPS, SCALAR_ERRORS, for_floats, scalar
from .context import StepContext
from .planner import Group, PlannedPhase
from .recording import EXTRAS, NUMBER, QUANTITIES, STATE, TERMS, VECTOR, Chunk
from .source import SEARCH, RunsRandom, Source, block_unit, per_run_streams, stream, units
from .specs import needs_gradient

BLOCK_RUNS = 20_000  # most runs of one block: a dozen (2, n) arrays of them fit in the L2/L3 caches


def make_lanes(sim, group: Group) -> list:
    """The lanes of ``group``: one set of float lanes, or array lanes in blocks."""
    starts = sim.starts[group.cols]
    if group.kind == "float":
        return [FloatLanes(sim, group, starts)]
    n = len(group.runs)
    per_run = per_run_streams(sim.n_runs)
    count = 1 if per_run else max(1, -(-n // BLOCK_RUNS))
    bounds = np.linspace(0, n, count + 1).round().astype(int).tolist()
    return [ArrayLanes(sim, group, lo, hi, starts[lo:hi], None if per_run else block_unit(b))
            for b, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:]))]


def _view(sim) -> SimpleNamespace:
    """What lanes read of their simulation (not the simulation itself: no reference cycle keeps arrays alive)."""
    return SimpleNamespace(record=sim.record, record_state=sim.record_state, explain=sim.explain, n_runs=sim.n_runs,
                           surface=sim.surface, gradient=sim.gradient, settle_steps=sim.settle_steps,
                           stream_units=sim.stream_units)


def _rows(hyper: dict, lo: int, hi: int) -> SimpleNamespace:
    """Runs lo..hi of a stacked namespace, per-run values as ``(1, n)`` rows (coordinate-major)."""
    return SimpleNamespace(**{k: (v[None, lo:hi] if isinstance(v, np.ndarray) else v) for k, v in hyper.items()})


def _column(hyper: dict, col: int) -> SimpleNamespace:
    """One run's hyperparameters as Python scalars."""
    return SimpleNamespace(**{k: (float(v[col]) if isinstance(v, np.ndarray) else v) for k, v in hyper.items()})


def state_shapes(phase: PlannedPhase, values: dict) -> list[tuple[int | None, str, str]]:
    """The state a phase reports, as ``(index in phase.names or None, name, shape)``: the names torch keeps
    (``state_names``; undeclared: the fields of ``values`` that are not None), each a number if the optimizer
    declares it one (``scalar_state``), else a vector."""
    scalars = phase.optimizer.scalar_state
    if phase.state_names is not None:
        return [(i, name, NUMBER if name in scalars else VECTOR) for i, name in enumerate(phase.state_names)]
    return [(None, name, NUMBER if name in scalars else VECTOR) for name, v in values.items() if v is not None]


def track_settle(points, anchor, settle_step, step: int, tolerance: float, scratch) -> None:
    """Coordinate-major ``(2, n)`` views: runs that moved farther than ``tolerance`` (in either coordinate)
    from their anchor settle anew here (anchor := point, settle_step := step)."""
    away = np.subtract(points, anchor, out=scratch)
    np.abs(away, out=away)
    moved = np.maximum(away[0], away[1], out=away[0]) > tolerance
    np.copyto(anchor, points, where=moved)
    np.copyto(settle_step, step, where=moved)


class FloatLanes:
    """A handful of runs of an elementwise rule as Python floats, one coordinate at a time."""

    def __init__(self, sim, group: Group, starts: np.ndarray):
        self.sim, self.phases = _view(sim), group.phases
        self.cols = group.cols
        self.points = starts.tolist()
        self.source = Source(group.objective or sim.surface, group.gradient or sim.gradient,
                             units(group.runs, sim.stream_units), None, len(group.runs))
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
        if self.record_state:
            self.snaps = [[] for _ in range(n)]  # per run, per step: the state's (name, shape, value)

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
                self.snaps[c].append(self._snap(sx, sy))

    def _snap(self, sx, sy) -> list:
        x, y = vars(sx), vars(sy)
        return [(i, name, shape, x[name] if shape == NUMBER else (x[name], y[name]))
                for i, name, shape in state_shapes(self.phases[self.phase], x) if x.get(name) is not None]

    def bind(self, chunk: Chunk, t0: int):
        pass

    def record(self, row: int):
        pass  # kept per run in step, written at the segment's end

    def settle(self, step: int, tolerance: float):
        P = np.array(self.points, dtype=float).T
        if self.anchor is None:
            self.anchor, self.settle_step = P.copy(), np.zeros(P.shape[1], dtype=int)
        track_settle(P, self.anchor, self.settle_step, step, tolerance, np.empty_like(P))
        self.sim.settle_steps[self.cols] = self.settle_step

    def end(self, chunk: Chunk, row: int):
        record = self.sim.record
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
            if self.record_state:
                self._record_state(chunk, slice(row, row + m), c, col)

    def _record_state(self, chunk: Chunk, rows: slice, c: int, col: int):
        """Run ``c``'s state over the segment, one name at a time (empty where torch does not keep it)."""
        names = self.phases[self.phase].names
        columns: dict = {}
        for j, snap in enumerate(self.snaps[c]):
            for i, name, shape, value in snap:
                if names is not None and i is not None and not names[i, c]:
                    continue
                if (name, shape) not in columns:
                    columns[name, shape] = np.full((2, len(self.snaps[c])) if shape == VECTOR else len(self.snaps[c]),
                                                   np.nan)
                columns[name, shape][..., j] = value
        for (name, shape), values in columns.items():
            chunk.put(STATE, name, rows, col, values, shape)


class ArrayLanes:
    """Runs ``lo:hi`` of a group as coordinate-major ``(2, n)`` arrays, advanced in place."""

    def __init__(self, sim, group: Group, lo: int, hi: int, starts: np.ndarray, unit: int | None):
        self.sim, self.phases, self.lo, self.hi = _view(sim), group.phases, lo, hi
        self.cols = group.cols[lo:hi]
        n = hi - lo
        if n and np.array_equal(self.cols, np.arange(self.cols[0], self.cols[0] + n)):
            self.sel = slice(int(self.cols[0]), int(self.cols[0]) + n)  # basic indexing: views, no gather
        else:
            self.sel = self.cols
        self.P = np.ascontiguousarray(starts.T)
        self.G = np.zeros_like(self.P)
        self.units = units(self.cols, sim.stream_units) if unit is None else [unit]
        self.source = Source(group.objective or sim.surface, group.gradient or sim.gradient, self.units,
                             group.batch_size, n)
        self.hyper = [_rows(p.hyper, lo, hi) for p in group.phases]
        self.state, self.phase = None, -1
        self.anchor, self.scratch = None, None
        explain = sim.explain and sim.record
        self.ops = StepContext(self.P.shape, group.objective or sim.surface, self.source, sim.record, sim.interrupt,
                               explaining=explain)
        self.before = np.empty_like(self.P) if explain else None  # the point before each step

    def enter(self, k: int):
        if self.phase == k:
            return
        opt = self.phases[k].optimizer
        if "rng" in opt.needs and self.ops.rng is None:
            self.ops.rng = RunsRandom([stream(self.sim.gradient.seed, SEARCH, u) for u in self.units],
                                      self.hi - self.lo)
        self.state = opt.init_state(self.ops, self.P, self.hyper[k])
        self.phase = k

    def begin(self, a: int, b: int, lr_rows: np.ndarray):
        self.a = a
        self.noise = self.source.draw_noise(b - a)
        rows = lr_rows[:, self.lo:self.hi] if lr_rows.shape[1] > 1 else lr_rows
        self.lrs = rows
        uniform = rows.shape[1] == 1 or bool((rows == rows[:, :1]).all())
        self.lr_list = rows[:, 0].tolist() if uniform else [r[None, :] for r in rows]
        phase = self.phases[self.phase]
        opt = phase.optimizer
        self.needs_grad = needs_gradient(opt)
        self.rule, self.hp = opt.step, self.hyper[self.phase]
        self.counts = "evaluate" in opt.needs
        self.state_shapes = state_shapes(phase, {}) if phase.state_names is not None else None

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
        if self.before is not None:
            np.copyto(self.before, self.P)
        P = self.rule(self.ops, self.state, self.P, self.G, self.hp, lr)
        if P is not self.P:
            self.P[...] = P

    def bind(self, chunk: Chunk, t0: int):
        """The chunk being filled, whose first row is step ``t0``."""
        self.chunk, self.t0 = chunk, t0

    def record(self, row: int):
        chunk, cols = self.chunk, self.sel
        chunk.points[row, cols] = self.P.T
        chunk.gradients[row, cols] = self.G.T
        chunk.lrs[row, cols] = self.lrs[row + self.t0 - self.a]
        self.record_named(chunk, row)

    def record_named(self, chunk: Chunk, row: int):
        """The one recorder of what a step leaves besides its point: extras, evaluations, state, and the
        explained terms and quantities (a step that reported no terms gets one, ``step``: the whole step)."""
        cols = self.sel
        for name, value in self.ops.extras.items():
            chunk.put(EXTRAS, name, row, cols, value)
        if self.counts:
            chunk.put(EXTRAS, "evaluations", row, cols, self.ops.evals)
            if self.ops.eval_points is not None:
                chunk.put_evaluation_points(row, cols, self.ops.eval_points)
        if self.sim.record_state:
            self._record_state(chunk, row)
        if self.before is not None:
            terms, quantities = self.ops.take_explained()
            for name, value in (terms or {"step": np.subtract(self.P, self.before)}).items():
                chunk.put(TERMS, name, row, cols, value, VECTOR)
            for name, value in quantities.items():
                chunk.put(QUANTITIES, name, row, cols, value)

    def _record_state(self, chunk: Chunk, row: int):
        """The state after the step, each name in the shape its optimizer declares (``scalar_state``: numbers;
        the rest: vectors), empty for the runs whose hyperparameters make torch not keep it."""
        values, phase = vars(self.state), self.phases[self.phase]
        for i, name, shape in self.state_shapes or state_shapes(phase, values):
            value = values.get(name)
            if value is None:
                continue
            applies = phase.names[i, self.lo:self.hi] if phase.names is not None and i is not None else None
            chunk.put(STATE, name, row, self.sel, value, shape, applies)

    def settle(self, step: int, tolerance: float):
        if self.anchor is None:
            self.anchor, self.scratch = self.P.copy(), np.empty_like(self.P)
            self.settle_step = np.zeros(self.P.shape[1], dtype=int)
        track_settle(self.P, self.anchor, self.settle_step, step, tolerance, self.scratch)

    def end(self, chunk: Chunk, row: int):
        if self.anchor is not None:
            self.sim.settle_steps[self.cols] = self.settle_step
        if not self.sim.record:
            cols = self.sel
            chunk.points[0, cols], chunk.gradients[0, cols] = self.P.T, self.G.T
            chunk.lrs[0, cols] = self.lrs[-1]
            self.record_named(chunk, 0)
