"""The planner: a request's runs grouped by what selects a code path, each group with its stacked
hyperparameters and learning-rate tables.

Runs share a group when they share the optimizer of each phase, its code-path flags (booleans, choices, loop
counts: :meth:`OptimizerDef.structural`), the switch step, the mini-batch size, and their gradient settings and
objective. In a group a hyperparameter shared by every run stays a Python float; values that differ become one
entry per run. Each phase gets an ``(steps, runs)`` table of learning rates after the schedule (one column when
every run has the same).

A group of at most :data:`SCALAR_MAX_RUNS` runs of an elementwise rule advances as Python floats (numpy spends
about a microsecond per call whatever the size, ten times the arithmetic of one run); every other group, and
every group of a simulation that explains its steps (floats never explain), on arrays.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..optimizers import OptimizerDef, hyper_namespace
from ..schedules import Schedule
from ..surfaces import Surface
from .specs import GradientSpec, Phase, RunSpec

SCALAR_MAX_RUNS = 4


@dataclass
class PlannedPhase:
    start: int
    end: int
    optimizer: OptimizerDef
    hyper: dict  # name -> float/bool, or an (n,) array of per-run values (``betas`` split into beta1/beta2)
    lrs: np.ndarray  # (end - start, n), or (end - start, 1) when every run has the same
    names: np.ndarray | None  # (n_names, n) bool: which of state_names torch keeps for each run (None: all)
    state_names: tuple[str, ...] | None = None  # None: not declared, the state's fields that are not None


@dataclass
class Group:
    runs: list[int]
    phases: list[PlannedPhase]
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


def stack(hypers: list[dict]) -> dict:
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


def lr_table(schedules: list[Schedule], hypers: list[dict], length: int) -> np.ndarray:
    tables: dict[tuple, np.ndarray] = {}
    cols = []
    for schedule, h in zip(schedules, hypers):
        key = (schedule, h.get("lr", 0.0))
        if key not in tables:
            tables[key] = schedule.learning_rates(key[1], length)
        cols.append(tables[key])
    return np.stack(cols, axis=1) if cols else np.empty((length, 0))


def plan_phase(phase: Phase, end: int, steps: int, n: int, hypers: list[dict] | None = None,
               schedules: list[Schedule] | None = None) -> PlannedPhase:
    """``hypers``/``schedules``: one per run, or None where all ``n`` runs share ``phase``'s."""
    length = max(0, min(end, steps) - phase.start)
    opt = phase.optimizer
    if hypers is None and schedules is None:  # one set-up for every run: one column, broadcast over the runs
        known = tuple(opt.state_names(phase.hyper)) if opt.state_names is not None else None
        return PlannedPhase(phase.start, min(end, steps), opt, stack([phase.hyper]),
                            lr_table([phase.schedule], [phase.hyper], length), None, known)
    hypers = hypers if hypers is not None else [phase.hyper] * n
    schedules = schedules if schedules is not None else [phase.schedule] * n
    lrs, hyper = lr_table(schedules, hypers, length), stack(hypers)
    names, known = None, None
    if opt.state_names is not None:
        distinct: dict[int, tuple] = {}
        rows = []
        for h in hypers:
            if id(h) not in distinct:
                distinct[id(h)] = tuple(opt.state_names(h))
            rows.append(distinct[id(h)])
        known = tuple(dict.fromkeys(name for names_ in distinct.values() for name in names_))
        names = np.array([[name in r for r in rows] for name in known], dtype=bool).reshape(len(known), n)
    return PlannedPhase(phase.start, min(end, steps), opt, hyper, lrs, names, known)


def plan_group(runs_phases: list[tuple[Phase, ...]] | None, first: tuple[Phase, ...], members: list[int],
               steps: int, batch_size: int | None, first_hypers: list[dict] | None = None,
               arrays: bool = False) -> Group:
    """One group's phases for runs ``members``: ``runs_phases`` gives each run's phases (their optimizers and
    flags equal ``first``'s), or None when every run shares ``first``; ``first_hypers`` gives each run its own
    first-phase hyperparameters (sweeps). ``arrays``: array lanes whatever the group's size."""
    n = len(members)
    phases = []
    for k, phase in enumerate(first):
        end = first[k + 1].start if k + 1 < len(first) else steps
        if runs_phases is None:
            phases.append(plan_phase(phase, end, steps, n, first_hypers if k == 0 else None, None))
        else:
            specs = [p[k] for p in runs_phases]
            phases.append(plan_phase(phase, end, steps, n, [s.hyper for s in specs], [s.schedule for s in specs]))
    elementwise = all(p.optimizer.elementwise and not p.optimizer.needs
                      for p in phases)
    floats = not arrays and n <= SCALAR_MAX_RUNS and elementwise and batch_size is None
    return Group(members, phases, "float" if floats else "array", batch_size)


def group_runs(runs: list[RunSpec], steps: int, batch_size_of, arrays: bool = False) -> list[Group]:
    """The groups of ``runs``; ``batch_size_of(run.batch_size)`` gives a run's effective mini-batch size."""
    by_key: dict[tuple, list[int]] = {}
    for i, run in enumerate(runs):
        path = tuple((p.start, p.optimizer.id, p.optimizer.structural(p.hyper)) for p in run.phases)
        source = (run.gradient, id(run.objective))  # the runs hold their objectives: ids stay unique
        by_key.setdefault((path, batch_size_of(run.batch_size), source), []).append(i)
    groups = []
    for (_, batch, _), members in by_key.items():
        lead = runs[members[0]]
        group = plan_group([runs[i].phases for i in members], lead.phases, members, steps, batch, arrays=arrays)
        group.gradient, group.objective = lead.gradient, lead.objective
        groups.append(group)
    return groups


def run_state_names(run: RunSpec) -> tuple[str, ...] | None:
    """The state names a run reports, its phases' in order; None when a phase's are not known in advance."""
    keys = [p.optimizer.state_keys(p.hyper) for p in run.phases]
    return None if any(k is None for k in keys) else tuple(dict.fromkeys(n for k in keys for n in k))
