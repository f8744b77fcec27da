"""Runs optimizers on a surface: many trajectories per call, chunk by chunk.

A request's runs are grouped by what selects a code path (optimizer id, its
boolean flags, the switch). Each group advances together:

* **arrays** (``N`` runs as an ``(N, 2)`` array; hyperparameters that differ
  between its runs become ``(N, 1)`` columns), or
* **floats**, for a group of at most :data:`SCALAR_MAX_RUNS` runs of an
  elementwise optimizer: numpy spends about a microsecond per call whatever the
  size, which for one run is ten times the arithmetic itself. The update rule
  is the same function either way (see :mod:`app.numeric`).

Divergence: a run ends with status ``"diverged"`` at the first step whose point
or loss is not finite, whose gradient was not finite, or whose point lies more
than :data:`DIVERGENCE_SPANS` domain spans from the domain's centre (in either
coordinate). Only the finite points before it are kept.

Gradient noise is seeded per run (``numpy.random.default_rng([seed, run])``), so
a lane's trajectory does not depend on which other lanes share its request.

Basin maps and sweeps (:meth:`Simulation.batch`, final point only) of the torch
optimizers take a third path built for 10^5 runs: the runs are cut into blocks
of :data:`BLOCK_RUNS` whose arrays stay in the processor's cache, each block
holds its points coordinate-major (``(2, n)``: the surface reads contiguous x
and y) and advances through the optimizer's ``update_inplace`` with
preallocated scratch, so a step allocates nothing but the surface's own
temporaries. The results equal the array path's bit for bit.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

from .heap import keep_freed_memory
from .numeric import SCALAR_ERRORS, scalar
from .optimizers import OptimizerDef, hyper_namespace
from .optimizers.base import own_arrays
from .schedules import Schedule
from .surfaces import Surface

keep_freed_memory()  # numpy's temporaries would otherwise be page-faulted in afresh at every operation

SCALAR_MAX_RUNS = 4
SETTLE_EVERY = 4  # steps between convergence checks of a basin map (its steps_to_converge resolution)
SHARED_STREAM_RUNS = 1000  # above this many runs (basin maps) one noise stream serves the whole request
SHARED_STREAM = 2 ** 32 - 1  # the seed-sequence key of that shared stream (no run has this index)
DIVERGENCE_SPANS = 100.0
BLOCK_RUNS = 20_000  # most runs of one in-place block: a dozen (2, n) arrays of them fit in the L2/L3 caches
BLOCK_THREADS = min(4, os.cpu_count() or 1)  # blocks advance side by side: numpy releases the GIL while it computes
MAX_STEPS = 20_000


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
    gradient: "GradientSpec | None" = None  # this run's gradient mode, h and noise (None: the request's)
    objective: Surface | None = None  # the surface whose gradient this run follows (None: the request's)

    @property
    def uses_gradient(self) -> bool:
        return any(_needs_gradient(p.optimizer) for p in self.phases)


def _needs_gradient(opt: OptimizerDef) -> bool:
    return not opt.needs or "hessian" in opt.needs


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

    Row ``k`` holds the point reached by step ``offset + k`` and what produced it.
    Run ``i`` has ``valid[i]`` rows (fewer than ``n`` once it has ended); rows past
    that are meaningless.
    """

    offset: int
    points: np.ndarray  # (n, R, 2)
    losses: np.ndarray  # (n, R)
    gradients: np.ndarray  # (n, R, 2): the gradient each step used (noise included); NaN where none
    lrs: np.ndarray  # (n, R)
    valid: np.ndarray  # (R,) int
    proposals: np.ndarray | None = None  # (n, R, 2) for random searches, NaN elsewhere
    accepted: np.ndarray | None = None  # (n, R)

    def run(self, i: int) -> dict:
        k = int(self.valid[i])
        out = {"points": self.points[:k, i], "losses": self.losses[:k, i], "gradients": self.gradients[:k, i],
               "lrs": self.lrs[:k, i]}
        if self.proposals is not None and not np.isnan(self.proposals[:k, i]).all():
            out["proposals"], out["accepted"] = self.proposals[:k, i], self.accepted[:k, i]
        return out


@dataclass
class _Group:
    runs: list[int]
    phases: list[tuple[int, OptimizerDef, SimpleNamespace, np.ndarray]]  # start, optimizer, hp, lr table
    scalar: bool
    points: np.ndarray | None  # None on the in-place path: each block holds its own
    state: Any = None
    phase_index: int = -1
    noise: list = field(default_factory=list)  # per-run generators
    settle_anchor: Any = None
    settle_step: Any = None
    search_rng: Any = None  # random searches' generators, made once so chunks continue one stream
    batch_size: int | None = None  # mini-batch size on a data-set surface; None: full batch
    batcher: Any = None  # its sampler
    blocks: list["_Block"] | None = None  # the in-place path (final-only batches of torch optimizers)
    gradient: GradientSpec | None = None  # its runs' own gradient spec and objective (None: the simulation's)
    objective: Surface | None = None
    cols: np.ndarray = field(init=False)  # ``runs`` as an index array

    def __post_init__(self):
        self.cols = np.asarray(self.runs, dtype=int)


@dataclass
class _Block:
    """Runs ``lo:hi`` of an in-place group, coordinate-major: ``points[0]`` holds their x, ``points[1]`` their y.

    ``hyper[k]`` is phase ``k``'s hyperparameters for these runs (per-run values as ``(1, n)`` rows); ``work``
    is the optimizer's three scratch arrays; ``noise`` and ``batcher`` are this block's own random streams,
    so blocks can advance in any order.
    """

    lo: int
    hi: int
    points: np.ndarray  # (2, n)
    grad: np.ndarray  # (2, n): the gradient of the latest step (noise included)
    work: tuple[np.ndarray, np.ndarray, np.ndarray]
    hyper: list[SimpleNamespace]
    noise: Any = None
    batcher: Any = None
    state: Any = None
    phase_index: int = -1
    anchor: np.ndarray | None = None  # settle tracking: where each run last settled, and the step
    settle_step: np.ndarray | None = None


def divergence_radius(surface: Surface) -> float:
    return DIVERGENCE_SPANS * surface.domain.span


class Simulation:
    """A set of runs on one surface, advanced in chunks of steps (for streaming) or all at once."""

    def __init__(self, surface: Surface, runs: list[RunSpec], steps: int, gradient: GradientSpec = GradientSpec(),
                 record: bool = True, settle: float | None = None):
        """``record=False`` keeps only each run's latest point (basin maps of 10^5 starts): every chunk then
        has one row, the state after its last step, and divergence is detected at chunk ends.

        ``settle`` (a distance) tracks, for each run, the last step at which it moved farther than that (in
        either coordinate) from where it last settled: :meth:`settled_at`, checked every
        :data:`SETTLE_EVERY` steps (so the step is exact to that many). From then on the run stays within
        ``settle`` of that anchor in each coordinate, so within ``2 settle`` of its final point. Cheap enough for every step of a basin map.
        """
        if not 0 <= steps <= MAX_STEPS:
            raise ValueError(f"steps must be in [0, {MAX_STEPS}]")
        self.record = record
        self.settle = settle
        self.surface = surface
        self.runs = runs
        self.steps = steps
        self.gradient = gradient
        self.t = 0
        self._size(len(runs))
        self.center = np.array(surface.domain.center)
        self.radius = divergence_radius(surface)
        self.groups = self._make_groups() if runs else []

    def _size(self, n: int):
        self.n_runs = n
        self.steps_run = np.zeros(n, dtype=int)
        self.alive = np.ones(n, dtype=bool)  # cleared at divergence, the only way a run ends early

    @property
    def status(self) -> list[str]:
        """Per run: ``"ok"`` or ``"diverged"``."""
        return np.where(self.alive, "ok", "diverged").tolist()

    @classmethod
    def batch(cls, surface: Surface, starts, phases: tuple[Phase, ...], steps: int,
              gradient: GradientSpec = GradientSpec(), hypers: list[dict] | None = None, record: bool = False,
              settle: float | None = None) -> "Simulation":
        """Many runs of one set-up in one array, without a RunSpec each: every start of a basin map, or
        (``hypers``: one first-phase hyperparameter dict per run) every cell of a sweep."""
        starts = np.array(starts, dtype=float).reshape(-1, 2)
        sim = cls(surface, [], steps, gradient, record, settle)
        n = len(starts)
        sim._size(n)
        built = []
        for k, phase in enumerate(phases):
            end = phases[k + 1].start if k + 1 < len(phases) else steps
            length = max(0, min(end, steps) - phase.start)
            if k == 0 and hypers is not None:
                if len(hypers) != n:
                    raise ValueError("one hyperparameter set per start")
                hp = _stack_hyper(hypers)
                tables: dict[float, np.ndarray] = {}
                for h in hypers:
                    lr = h.get("lr", 0.0)
                    if lr not in tables:
                        tables[lr] = phase.schedule.learning_rates(lr, length)
                lrs = np.stack([tables[h.get("lr", 0.0)] for h in hypers], axis=1)
            else:
                hp = _stack_hyper([phase.hyper])
                lrs = phase.schedule.learning_rates(phase.hyper.get("lr", 0.0), length)[:, None]
            built.append((phase.start, phase.optimizer, hp, lrs))
        batch = gradient.batch_size if surface.batch_gradient is not None else None
        if not record and all(p.optimizer.update_inplace is not None for p in phases):
            # the in-place path: the blocks hold the points and their own random streams
            group = _Group(list(range(n)), built, False, None, batch_size=batch,
                           blocks=sim._make_blocks(starts, [hp for _, _, hp, _ in built], batch))
        else:
            noise = [np.random.default_rng([gradient.seed, SHARED_STREAM])] if gradient.noise else []
            group = _Group(list(range(n)), built, False, starts.copy(), noise=noise, batch_size=batch)
        sim.groups = [group]
        return sim

    def _make_blocks(self, starts: np.ndarray, hypers: list[SimpleNamespace], batch_size: int | None):
        n = len(starts)
        count = max(1, -(-n // BLOCK_RUNS))
        bounds = np.linspace(0, n, count + 1).round().astype(int)
        blocks = []
        for index, (lo, hi) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
            points = np.ascontiguousarray(starts[lo:hi].T)
            block = _Block(lo, hi, points, np.zeros_like(points), tuple(np.empty_like(points) for _ in range(3)),
                           [_block_hyper(hp, lo, hi) for hp in hypers])
            if self.gradient.noise:
                block.noise = np.random.default_rng([self.gradient.seed, SHARED_STREAM, index])
            if batch_size is not None:
                block.batcher = _Batcher(self.surface.extra["dataset"]["n"], batch_size,
                                         [np.random.default_rng([self.gradient.seed, 4099, index])], hi - lo)
            blocks.append(block)
        return blocks

    def settled_at(self) -> np.ndarray:
        """Per run: the step after which it stayed within ``settle`` of one point (needs ``settle``)."""
        out = np.zeros(self.n_runs, dtype=int)
        for g in self.groups:
            if g.settle_step is not None:
                out[g.cols] = g.settle_step
            for block in g.blocks or ():
                if block.settle_step is not None:
                    out[g.cols[block.lo:block.hi]] = block.settle_step
        return out

    # --- set-up -----------------------------------------------------------------
    def _make_groups(self) -> list[_Group]:
        by_key: dict[tuple, list[int]] = {}
        for i, run in enumerate(self.runs):
            key = tuple((p.start, p.optimizer.id, p.optimizer.structural(p.hyper)) for p in run.phases)
            source = (run.gradient, id(run.objective))  # the runs hold their objectives: ids stay unique
            by_key.setdefault((key, self._batch_size(run), source), []).append(i)
        groups = []
        for members in by_key.values():
            first = self.runs[members[0]]
            phases = []
            for k, phase in enumerate(first.phases):
                end = first.phases[k + 1].start if k + 1 < len(first.phases) else self.steps
                length = max(0, min(end, self.steps) - phase.start)
                specs = [self.runs[i].phases[k] for i in members]
                hp = _stack_hyper([s.hyper for s in specs])
                tables: dict[tuple, np.ndarray] = {}
                for s in specs:
                    key = (s.schedule, s.hyper.get("lr", 0.0))
                    if key not in tables:
                        tables[key] = s.schedule.learning_rates(key[1], length)
                lrs = np.stack([tables[(s.schedule, s.hyper.get("lr", 0.0))] for s in specs], axis=1)  # (length, N)
                phases.append((phase.start, phase.optimizer, hp, lrs))
            batch = self._batch_size(first)
            scalar_ok = len(members) <= SCALAR_MAX_RUNS and all(p[1].elementwise for p in phases) and batch is None
            points = np.array([self.runs[i].start for i in members], dtype=float)
            spec = first.gradient or self.gradient
            noise = []
            if spec.noise:
                noise = ([np.random.default_rng([spec.seed, i]) for i in members]
                         if self.n_runs <= SHARED_STREAM_RUNS else [np.random.default_rng([spec.seed, SHARED_STREAM])])
            groups.append(_Group(members, phases, scalar_ok, points, noise=noise, batch_size=batch,
                                 gradient=first.gradient, objective=first.objective))
        return groups

    @property
    def done(self) -> bool:
        return self.t >= self.steps or not self.alive.any()

    # --- stepping ---------------------------------------------------------------
    def advance(self, n: int) -> Chunk:
        """Advance every live run by up to ``n`` steps."""
        t0 = self.t
        t1 = min(self.steps, t0 + max(0, n))
        m, R = t1 - t0, self.n_runs
        rows = m if self.record else min(m, 1)
        chunk = Chunk(t0 if self.record else t1 - rows, np.empty((rows, R, 2)), np.empty((rows, R)), np.empty((rows, R, 2)),
                      np.empty((rows, R)), np.zeros(R, dtype=int))
        if m == 0:
            return chunk
        blocked = len(self.groups) == 1 and self.groups[0].blocks is not None
        ok = self._advance_blocks(self.groups[0], t0, t1, chunk) if blocked else self._advance_groups(t0, t1, chunk)
        bad = ~ok
        first_bad = np.where(bad.any(axis=0), bad.argmax(axis=0), rows)
        chunk.valid = np.where(self.alive, first_bad, 0)
        ended = self.alive & (first_bad < rows)
        advanced = chunk.valid if self.record else np.where(self.alive & ~ended, m, 0)
        self.steps_run += advanced
        self.alive &= ~ended
        self.t = t1
        return chunk

    def _advance_groups(self, t0: int, t1: int, chunk: Chunk) -> np.ndarray:
        """Every group through steps t0..t1-1 into ``chunk``; returns where each row is still fine."""
        rows, R = chunk.points.shape[:2]
        uses_gradient = np.zeros(R, dtype=bool)
        for group in self.groups:
            cols = group.cols
            if not self.alive[cols].any():
                continue
            whole = len(cols) == R  # one group holds every run, in order: write straight into the chunk
            pts = chunk.points if whole else np.empty((rows, len(cols), 2))
            grads = chunk.gradients if whole else np.empty((rows, len(cols), 2))
            lrs = chunk.lrs if whole else np.empty((rows, len(cols)))
            props, acc, grad_used = self._advance_group(group, t0, t1, pts, grads, lrs)
            uses_gradient[cols] = grad_used
            if not whole:
                chunk.points[:, cols], chunk.gradients[:, cols], chunk.lrs[:, cols] = pts, grads, lrs
            if props is not None:
                if chunk.proposals is None:
                    chunk.proposals = np.full((rows, R, 2), np.nan)
                    chunk.accepted = np.zeros((rows, R), dtype=bool)
                chunk.proposals[:, cols], chunk.accepted[:, cols] = props, acc
        if (~uses_gradient).any():
            chunk.gradients[:, ~uses_gradient] = np.nan
        ok = self._assess(chunk.points[..., 0], chunk.points[..., 1], chunk.losses)
        if uses_gradient.any():
            gx, gy = chunk.gradients[..., 0], chunk.gradients[..., 1]
            ok &= (np.isfinite(gx) & np.isfinite(gy)) | ~uses_gradient
        return ok

    def _assess(self, x, y, losses_out, gx=None, gy=None) -> np.ndarray:
        """Writes f(x, y) into ``losses_out``; returns where the point is fine: a finite loss (and gradient,
        when given) within :data:`DIVERGENCE_SPANS` domain spans of the centre."""
        cx, cy = self.center
        with np.errstate(all="ignore"):
            losses_out[...] = self.surface.value(x, y, np)
            ok = np.isfinite(losses_out) & (np.abs(x - cx) <= self.radius) & (np.abs(y - cy) <= self.radius)
            if gx is not None:
                ok &= np.isfinite(gx) & np.isfinite(gy)
        return ok

    def _segments(self, group: _Group, t0: int, t1: int):
        """Split [t0, t1) at the group's phase boundaries: (start, end, phase index)."""
        starts = [p[0] for p in group.phases] + [self.steps]
        for k in range(len(group.phases)):
            a, b = max(t0, starts[k]), min(t1, starts[k + 1])
            if a < b:
                yield a, b, k

    def _context(self, xp, phase_opt: OptimizerDef, group: _Group):
        surface = self.surface
        ctx = SimpleNamespace(xp=xp, domain=surface.domain)
        if "value" in phase_opt.needs:
            ctx.value = lambda p: np.asarray(surface.value(p[:, 0], p[:, 1], np), dtype=float) * np.ones(len(p))
        if "hessian" in phase_opt.needs:
            ctx.hessian = lambda p: tuple(np.broadcast_to(h, p[:, 0].shape)
                                          for h in surface.hessian(p[:, 0], p[:, 1], np))
        if "rng" in phase_opt.needs:
            if group.search_rng is None:
                group.search_rng = (_RunsRandom([np.random.default_rng([self.gradient.seed, i, 7919]) for i in group.runs])
                                    if self.n_runs <= SHARED_STREAM_RUNS
                                    else np.random.default_rng([self.gradient.seed, 7919]))
            ctx.rng = group.search_rng
        return ctx

    def _gradient_fn(self, group: _Group | None = None):
        """The gradient a group's runs follow: their objective's (default: the surface's), analytic or by central
        differences, as their gradient spec (default: the simulation's) says."""
        surface = group.objective if group is not None and group.objective is not None else self.surface
        spec = group.gradient if group is not None and group.gradient is not None else self.gradient
        if spec.mode == "numerical":
            h = spec.h
            value = surface.value

            def grad(x, y, xp):
                return ((value(x + h, y, xp) - value(x - h, y, xp)) / (2 * h),
                        (value(x, y + h, xp) - value(x, y - h, xp)) / (2 * h))
            return grad
        return surface.gradient

    def _batch_size(self, run: RunSpec) -> int | None:
        size = run.batch_size if run.batch_size is not None else self.gradient.batch_size
        return size if self.surface.batch_gradient is not None else None

    def _batcher(self, group: _Group) -> "_Batcher":
        if group.batcher is None:
            n = self.surface.extra["dataset"]["n"]
            seed = (group.gradient or self.gradient).seed
            gens = ([np.random.default_rng([seed, i, 4099]) for i in group.runs]
                    if self.n_runs <= SHARED_STREAM_RUNS else [np.random.default_rng([seed, 4099])])
            group.batcher = _Batcher(n, group.batch_size, gens, len(group.runs))
        return group.batcher

    def _noise(self, group: _Group, n: int) -> np.ndarray | None:
        sigma = (group.gradient or self.gradient).noise
        if not sigma:
            return None
        if len(group.noise) == 1 and len(group.runs) > 1:
            return group.noise[0].standard_normal((n, len(group.runs), 2)) * sigma
        return np.stack([g.standard_normal((n, 2)) for g in group.noise], axis=1) * sigma  # (n, N, 2)

    def _advance_group(self, group: _Group, t0: int, t1: int, pts, grads, lrs):
        """Fill ``pts``/``grads``/``lrs`` (rows t0..t1-1, this group's columns); returns search extras."""
        n = t1 - t0
        N = len(group.runs)
        uses_grad = any(_needs_gradient(p[1]) for p in group.phases)
        searches = any("rng" in p[1].needs for p in group.phases)
        props = np.full((len(pts), N, 2), np.nan) if searches else None
        acc = np.zeros((len(pts), N), dtype=bool) if searches else None
        noise = self._noise(group, n)
        grad_fn = self._gradient_fn(group)
        for a, b, k in self._segments(group, t0, t1):
            start, opt, hp, lr_table = group.phases[k]
            lr_rows = lr_table[a - start:b - start]
            if self.record:
                lrs[a - t0:b - t0] = lr_rows
            else:
                lrs[0] = lr_rows[-1]
            if group.scalar:
                self._advance_scalar(group, k, a, b, t0, pts, grads, noise, lr_rows, grad_fn)
            else:
                self._advance_arrays(group, k, a, b, t0, pts, grads, props, acc, noise, lr_rows, grad_fn)
        return props, acc, uses_grad

    def _advance_arrays(self, group, k, a, b, t0, pts, grads, props, acc, noise, lr_rows, grad_fn):
        start, opt, hp, _ = group.phases[k]
        ctx = self._context(np, opt, group)
        P = group.points
        if group.phase_index != k:
            group.state, group.phase_index = opt.init(P, hp, ctx), k
        state = group.state
        uniform_lr = bool((lr_rows == lr_rows[:, :1]).all())
        lr_list = lr_rows[:, 0].tolist() if uniform_lr else None
        needs_grad = _needs_gradient(opt)
        G = None
        with np.errstate(all="ignore"):
            record = self.record
            settle = self.settle
            if settle is not None:
                away = np.empty_like(P)
                if group.settle_anchor is None:
                    group.settle_anchor, group.settle_step = P.copy(), np.zeros(len(P), dtype=int)
            for t in range(a, b):
                row = t - t0 if record else 0
                if needs_grad:
                    if group.batch_size is not None:
                        gx, gy = (group.objective or self.surface).batch_gradient(P[:, 0], P[:, 1],
                                                                                  self._batcher(group).next())
                    else:
                        gx, gy = grad_fn(P[:, 0], P[:, 1], np)
                    G = np.empty_like(P)  # fresh each step: optimizer state may hold on to it (a first buffer)
                    G[:, 0], G[:, 1] = gx, gy
                    if noise is not None:
                        G += noise[t - t0]
                    grads[row] = G
                lr = lr_list[t - a] if uniform_lr else lr_rows[t - a][:, None]
                P, state = opt.update(G, state, P, hp, lr, ctx)
                pts[row] = P
                if settle is not None and (t % SETTLE_EVERY == SETTLE_EVERY - 1 or t == b - 1):
                    _track_settle(P.T, group.settle_anchor.T, group.settle_step, t + 1, settle, away.T)
                if props is not None:
                    props[row], acc[row] = state.proposal, state.accepted
        group.points, group.state = P, state

    def _advance_blocks(self, group: _Group, t0: int, t1: int, chunk: Chunk) -> np.ndarray:
        """The in-place path, every block (side by side) through steps t0..t1-1: the chunk's one row gets each
        run's latest point, gradient, lr and loss; returns where each run is still fine."""
        ok = np.empty((1, self.n_runs), dtype=bool)
        grad_fn = self._gradient_fn()

        def advance(block: _Block):
            for a, b, k in self._segments(group, t0, t1):
                start, opt, _, lr_table = group.phases[k]
                self._advance_block(block, opt, k, a, b, lr_table[a - start:b - start], grad_fn)
            lo, hi = block.lo, block.hi
            chunk.points[0, lo:hi], chunk.gradients[0, lo:hi] = block.points.T, block.grad.T
            x, y = block.points
            ok[0, lo:hi] = self._assess(x, y, chunk.losses[0, lo:hi], *block.grad)

        *_, (_, _, k) = self._segments(group, t0, t1)  # the phase of the chunk's last step
        start, _, _, lr_table = group.phases[k]
        chunk.lrs[0] = lr_table[t1 - 1 - start]
        if len(group.blocks) == 1:
            advance(group.blocks[0])
        else:
            list(_block_pool().map(advance, group.blocks))
        return ok

    def _advance_block(self, block: _Block, opt: OptimizerDef, k: int, a: int, b: int, lr_rows, grad_fn):
        P, G, hp = block.points, block.grad, block.hyper[k]
        x, y = P
        if block.phase_index != k:
            block.state, block.phase_index = own_arrays(opt.init(P, hp, SimpleNamespace(xp=np))), k
        state, update, work = block.state, opt.update_inplace, block.work
        uniform_lr = bool((lr_rows == lr_rows[:, :1]).all())
        lr_list = lr_rows[:, 0].tolist() if uniform_lr else None
        noise = (block.noise.standard_normal((b - a, 2, block.hi - block.lo)) * self.gradient.noise
                 if block.noise is not None else None)
        settle = self.settle
        if settle is not None and block.anchor is None:
            block.anchor, block.settle_step = P.copy(), np.zeros(P.shape[1], dtype=int)
        with np.errstate(all="ignore"):
            for t in range(a, b):
                if block.batcher is not None:
                    G[0], G[1] = self.surface.batch_gradient(x, y, block.batcher.next())
                else:
                    G[0], G[1] = grad_fn(x, y, np)
                if noise is not None:
                    G += noise[t - a]
                lr = lr_list[t - a] if uniform_lr else lr_rows[t - a, block.lo:block.hi][None, :]
                state = update(G, state, P, hp, lr, work)
                if settle is not None and (t % SETTLE_EVERY == SETTLE_EVERY - 1 or t == b - 1):
                    _track_settle(P, block.anchor, block.settle_step, t + 1, settle, work[0])
        block.state = state

    def _advance_scalar(self, group, k, a, b, t0, pts, grads, noise, lr_rows, grad_fn):
        start, opt, hp_all, _ = group.phases[k]
        ctx = SimpleNamespace(xp=scalar)
        update = opt.update
        if group.phase_index != k:
            group.state = []
            for col in range(len(group.runs)):
                hp = _column(hp_all, col)
                x, y = group.points[col].tolist()
                group.state.append((hp, opt.init(x, hp, ctx), opt.init(y, hp, ctx)))
            group.phase_index = k
        for col, i in enumerate(group.runs):
            if not self.alive[i]:
                continue
            hp, sx, sy = group.state[col]
            x, y = group.points[col].tolist()
            lr_list = lr_rows[:, col].tolist()
            eps = noise[a - t0:b - t0, col].tolist() if noise is not None else None
            out_p, out_g = [], []
            try:
                for j in range(b - a):
                    gx, gy = grad_fn(x, y, scalar)
                    if eps is not None:
                        gx, gy = gx + eps[j][0], gy + eps[j][1]
                    out_g.append((gx, gy))
                    lr = lr_list[j]
                    x, sx = update(gx, sx, x, hp, lr, ctx)
                    y, sy = update(gy, sy, y, hp, lr, ctx)
                    out_p.append((x, y))
            except SCALAR_ERRORS:  # overflow etc.: this step's point is not finite
                out_g.append((float("nan"),) * 2) if len(out_g) == len(out_p) else None
                out_p.append((float("nan"), float("nan")))
            m = len(out_p)
            if self.record:
                row = a - t0
                pts[row:row + m, col] = out_p
                grads[row:row + m, col] = out_g[:m]
            else:
                pts[0, col], grads[0, col] = out_p[-1], out_g[m - 1]
            group.points[col] = out_p[-1]
            group.state[col] = (hp, sx, sy)


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
    """One seeded generator per run, drawn row by row: a run's draws do not depend on its neighbours."""

    def __init__(self, generators):
        self.generators = generators

    def random(self, shape):
        if isinstance(shape, int):
            shape = (shape,)
        return np.stack([g.random(shape[1:]) for g in self.generators])


def _stack_hyper(hypers: list[dict]) -> SimpleNamespace:
    """Hyperparameters of runs advanced together: a value shared by all stays a Python scalar,
    values that differ become an ``(N, 1)`` column."""
    spaces = [vars(hyper_namespace(h)) for h in hypers]
    out = {}
    for name, first in spaces[0].items():
        values = [s[name] for s in spaces]
        if all(v == first for v in values):
            out[name] = first
        else:
            out[name] = np.array(values, dtype=float)[:, None]
    return SimpleNamespace(**out)


_BLOCK_POOL = ThreadPoolExecutor(BLOCK_THREADS, thread_name_prefix="slopes-block")  # threads start on first use


def _block_pool() -> ThreadPoolExecutor:
    return _BLOCK_POOL


def _block_hyper(hp: SimpleNamespace, lo: int, hi: int) -> SimpleNamespace:
    """Runs lo..hi of :func:`_stack_hyper`'s namespace, per-run values as ``(1, n)`` rows (coordinate-major)."""
    return SimpleNamespace(**{k: (v[lo:hi, 0][None, :] if isinstance(v, np.ndarray) else v)
                              for k, v in vars(hp).items()})


def _track_settle(points, anchor, settle_step, step: int, tolerance: float, scratch) -> None:
    """Coordinate-major ``(2, n)`` views: runs that moved farther than ``tolerance`` (in either coordinate)
    from their anchor settle anew here (anchor := point, settle_step := step)."""
    away = np.subtract(points, anchor, out=scratch)
    np.abs(away, out=away)
    moved = np.maximum(away[0], away[1], out=away[0]) > tolerance
    np.copyto(anchor, points, where=moved)
    np.copyto(settle_step, step, where=moved)


def _column(hp: SimpleNamespace, col: int) -> SimpleNamespace:
    """One run's hyperparameters as Python scalars."""
    return SimpleNamespace(**{k: (float(v[col, 0]) if isinstance(v, np.ndarray) else v) for k, v in vars(hp).items()})


def simulate(surface: Surface, runs: list[RunSpec], steps: int, gradient: GradientSpec = GradientSpec()) -> list[dict]:
    """Every run to the end (what ``POST /api/runs`` returns per run, less labels and params)."""
    sim = Simulation(surface, runs, steps, gradient)
    return collect(sim, [sim.advance(steps)])


def start_points(sim: Simulation) -> tuple[np.ndarray, np.ndarray]:
    """Every run's start, shape (R, 2), and the loss there, computed as the chunks compute losses."""
    starts = np.array([run.start for run in sim.runs], dtype=float).reshape(-1, 2)
    with np.errstate(all="ignore"):
        losses = np.asarray(sim.surface.value(starts[:, 0], starts[:, 1], np), dtype=float) * np.ones(len(starts))
    return starts, losses


def collect(sim: Simulation, chunks: list[Chunk]) -> list[dict]:
    """Join chunks into whole runs: points (start first), losses, status, steps_run and per-step extras."""
    starts, losses0 = start_points(sim)
    status, steps_run = sim.status, sim.steps_run.tolist()
    out = []
    for i in range(len(sim.runs)):
        parts = [c.run(i) for c in chunks]
        result = {
            "points": np.concatenate([starts[i:i + 1]] + [p["points"] for p in parts]),
            "losses": np.concatenate([losses0[i:i + 1]] + [p["losses"] for p in parts]),
            "status": status[i],
            "steps_run": steps_run[i],
            "lrs": np.concatenate([p["lrs"] for p in parts]),
            "gradients": np.concatenate([p["gradients"] for p in parts]).reshape(-1, 2),
        }
        if any("proposals" in p for p in parts):
            result["proposals"] = np.concatenate([p["proposals"] for p in parts if "proposals" in p])
            result["accepted"] = np.concatenate([p["accepted"] for p in parts if "accepted" in p])
        out.append(result)
    return out
