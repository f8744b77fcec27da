"""What a request will cost, estimated before it runs, and the budget of one request.

A run request's cost is the sum over the groups of lanes the engine advances together (same optimizer in each
phase): steps x the optimizer's measured step cost for a group that size (with or without ``include``) x its
evaluations per step over the default's (LBFGS's ``max_iter``), plus what the surface adds to each evaluation
(a data set, a custom formula's gradient nodes), times the gradient's extras (numerical, noise, mini-batches).
A basin map or a sweep costs cells x steps x the optimizer's measured cost per cell-step. The tables are
:mod:`.cost_table`, measured by ``benchmarks/costs.py`` as CPU time: an estimate is seconds of one worker's CPU.

The server uses an estimate three ways: a request over ``max_request_seconds`` is refused (422) naming the
field to shrink; a request under ``light_request_ms`` runs in the light lane, which heavy work never blocks
(:mod:`app.api.compute`); and heavy work is cut into chunks of about :data:`CHUNK_SECONDS`, between which it
steps aside for light work.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..formula import compile_formula, size
from ..optimizers import get_optimizer
from ..settings import settings
from . import cost_table as T
from .errors import Refused

CHUNK_SECONDS = 0.02  # heavy work asks whether to step aside at least this often (and streams send a chunk)
FIT_MARGIN = 0.99  # a refusal's "at most N steps fit" keeps this share of the budget
OVERHEAD_SECONDS = 0.002  # planning, the start, the answer's frame: a request's cost beyond its steps
# an optimizer the table does not know: the costliest row but LBFGS's (whose cost is its evaluations)
_UNKNOWN_STEP = max((row for oid, row in T.STEP_US.items() if oid != "lbfgs"), key=lambda row: row[len(T.SIZES) - 1])
_WORST_SURFACE = max(T.SURFACE_US.values(), key=lambda row: row[1])


@dataclass(frozen=True)
class Cost:
    """An estimate: ``seconds`` of one worker's CPU for ``steps`` steps (``per_step`` each); ``other`` is what
    else a refusal over the budget suggests to lower (besides ``steps``)."""

    seconds: float
    steps: int
    other: str = "the number of lanes"
    without_include: float | None = None  # the same request without ``include`` (None: it has none)
    other_loc: tuple = ("optimizers",)  # the field to name when not even one step fits

    @property
    def per_step(self) -> float:
        return max(0.0, self.seconds - OVERHEAD_SECONDS) / max(1, self.steps)

    def steps_within(self, seconds: float) -> int:
        """The steps of this request that fit in ``seconds`` (1 % kept aside: the estimate is not exactly
        proportional to steps, and a refusal's advice must be admitted)."""
        return math.floor(FIT_MARGIN * (seconds - OVERHEAD_SECONDS) / self.per_step) if self.per_step > 0 else 0

    def chunk_steps(self, most: int, seconds: float = CHUNK_SECONDS) -> int:
        """Steps of about ``seconds`` of work (at least one, at most ``most``)."""
        return max(1, min(most, int(seconds / self.per_step) if self.per_step > 0 else most))

    @property
    def light(self) -> bool:
        return self.seconds * 1000 <= settings.light_request_ms

    def __add__(self, more: "Cost") -> "Cost":
        """Two requests' work as one (an export and its variants): steps of the longer."""
        return Cost(self.seconds + more.seconds, max(self.steps, more.steps), self.other, None, self.other_loc)


def _along(columns: tuple, n: int) -> float:
    """A measured row (one value per size in :data:`cost_table.SIZES`) at ``n`` lanes: linear between the sizes,
    extended past the last along the last two."""
    sizes = T.SIZES
    if n <= sizes[0]:
        return columns[0] * n / sizes[0]
    for k in range(1, len(sizes)):
        if n <= sizes[k]:
            a, b = sizes[k - 1], sizes[k]
            return columns[k - 1] + (columns[k] - columns[k - 1]) * (n - a) / (b - a)
    a, b = sizes[-2], sizes[-1]
    return columns[-1] + max(0.0, columns[-1] - columns[-2]) * (n - b) / (b - a)


def step_us(optimizer, n: int, include: bool) -> float:
    """Microseconds of one step of ``n`` lanes of one optimizer advanced together (its own surface's work aside);
    a custom rule's (``optimizer.rule``) as many times a measured rule's per node as it has nodes."""
    rule = getattr(optimizer, "rule", None)
    k = len(T.SIZES)
    if rule is not None:
        row, scale = T.RULE_NODE_US, rule.nodes
    else:
        row, scale = T.STEP_US.get(optimizer.id, _UNKNOWN_STEP), 1
    return scale * _along(row[k:] if include else row[:k], n)


def surface_us(surface, n: int) -> float:
    """What ``surface`` adds to one evaluation of ``n`` lanes beyond the quadratic bowl's."""
    if surface.id == "custom":
        per_node = T.CUSTOM_NODE_US
        nodes = sum(size(t) for t in compile_formula(surface.formula).gradient_trees)
        one, many = nodes * per_node[0], nodes * per_node[1]
    else:
        one, many = T.SURFACE_US.get(surface.id, _WORST_SURFACE)
    return n * one if n <= 4 else many  # up to 4 lanes of an elementwise rule evaluate one by one


def surface_cell_ns(surface) -> float:
    """What ``surface`` adds to one evaluation of one cell of a map beyond the quadratic bowl's, nanoseconds."""
    if surface.id == "custom":
        nodes = sum(size(t) for t in compile_formula(surface.formula).gradient_trees)
        return nodes * T.CUSTOM_NODE_US[1] / 32 * 1e3  # as 32 lanes pay it, per lane
    return T.SURFACE_CELL_NS.get(surface.id, max(T.SURFACE_CELL_NS.values()))


def _gradient_factor(gradient) -> float:
    out = 1.0
    if gradient is not None:
        if gradient.mode == "numerical":
            out *= T.MODIFIERS["numerical"]
        if gradient.noise:
            out *= T.MODIFIERS["noise"]
        if gradient.batch_size is not None:
            out *= T.MODIFIERS["batch"]
    return out


def _evaluations(phase) -> tuple[int, float]:
    """A phase's surface evaluations per step and their ratio to the optimizer's default (LBFGS's max_iter); a
    custom rule evaluates once a step and once per ``grad(...)`` (its own work is counted by its nodes)."""
    opt = phase.optimizer
    rule = getattr(opt, "rule", None)
    if rule is not None:
        return 1 + rule.grads, 1.0
    evals = opt.evaluations_per_step(phase.hyper)
    return evals, evals / max(1, opt.evaluations_per_step(opt.validate({})))


def estimate_run(plan) -> Cost:
    """The cost of a planned run request (:class:`app.services.planning.Plan`)."""
    groups: dict[tuple, list] = {}
    for run in plan.runs:
        key = (tuple((p.start, p.optimizer.id) for p in run.phases), run.batch_size, run.gradient, id(run.objective))
        groups.setdefault(key, []).append(run)
    seconds = {False: OVERHEAD_SECONDS, True: OVERHEAD_SECONDS}
    for runs in groups.values():
        n, phases = len(runs), runs[0].phases
        gradient = runs[0].gradient or plan.gradient
        if runs[0].batch_size is not None and gradient.batch_size is None:
            gradient = type(gradient)(**{**vars(gradient), "batch_size": runs[0].batch_size})
        factor = _gradient_factor(gradient)
        for k, phase in enumerate(phases):
            end = phases[k + 1].start if k + 1 < len(phases) else plan.steps
            steps = max(0, min(end, plan.steps) - phase.start)
            evals, ratio = max(_evaluations(run.phases[k]) for run in runs)
            for include in (False, True):
                per_step = step_us(phase.optimizer, n, include) * ratio + surface_us(plan.surface, n) * evals
                seconds[include] += steps * per_step * factor / 1e6
    # include: the measured cost of state after every step; terms explained cost about as much, both half again
    extras = [plan.include_state, getattr(plan, "include_terms", False)].count(True)
    if extras:
        extra = (seconds[True] - seconds[False]) * (1.0 if extras == 1 else 1.5)
        return Cost(seconds[False] + extra, plan.steps, without_include=seconds[False])
    return Cost(seconds[False], plan.steps)


def estimate_map(cells: int, steps: int, phases, surface, gradient=None, what: str = "n",
                 what_loc: tuple = ("n",)) -> Cost:
    """The cost of ``cells`` runs of one set-up (a basin map's starts, a sweep's cells) for ``steps`` steps: each
    cell's share and each step's fixed work (a sweep of 10 cells for a million steps is seconds, not a tenth)."""
    ns = 0.0
    for k, phase in enumerate(phases):
        end = phases[k + 1].start if k + 1 < len(phases) else steps
        length = max(0, min(end, steps) - phase.start)
        evals, ratio = _evaluations(phase)
        rule = getattr(phase.optimizer, "rule", None)
        per_cell = (rule.nodes * T.RULE_CELL_NS if rule is not None
                    else T.CELL_NS.get(phase.optimizer.id, T.CELL_NS["muon"]) * ratio)
        extra = surface_cell_ns(surface) * evals
        # each step's fixed work, whatever the cells (one lane's step): what a sweep of a few cells mostly costs
        fixed = (step_us(phase.optimizer, 1, False) * ratio + surface_us(surface, 1) * evals) * 1e3
        ns += length * (cells * (per_cell + extra) + fixed)
    return Cost(OVERHEAD_SECONDS + ns * _gradient_factor(gradient) / 1e9, steps, what, None, what_loc)


def check_budget(cost: Cost, loc_prefix: tuple = (), most: int | None = None) -> None:
    """Refuse (422) a request whose estimate is over ``max_request_seconds``, naming the field to shrink: ``include``
    when the request fits without it, else ``steps``, saying how many fit (at most ``most``: what another limit
    allows)."""
    budget = settings.max_request_seconds
    if cost.seconds <= budget:
        return
    about = f"this request would take about {cost.seconds:.3g} s of computation, over the budget of {budget} s"
    fit = min(cost.steps_within(budget), most if most is not None else cost.steps)
    if cost.without_include is not None and cost.without_include <= budget:
        with_it = f" (at most {fit:,} steps fit with it)" if fit >= 1 else ""
        raise Refused([*loc_prefix, "include"], f"{about} with include (about {cost.without_include:.2g} s "
                                                f"without it); drop include or lower steps{with_it}", "budget")
    if fit >= 1:
        raise Refused([*loc_prefix, "steps"], f"{about}: at most {fit:,} steps fit; lower steps or {cost.other}",
                      "budget")
    raise Refused([*loc_prefix, *cost.other_loc], f"{about}, and not one step fits: lower {cost.other}", "budget")
