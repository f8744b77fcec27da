"""From a validated request body to engine objects; every refusal names its field."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..engine import GradientSpec, Phase, RunSpec
from ..formula import FormulaError
from ..formula.rules import RuleError
from ..optimizers import OPTIMIZERS, HyperparameterError, OptimizerDef, UnknownOptimizer, get_optimizer
from ..optimizers.custom import rule_optimizer
from ..schedules import Schedule, ScheduleError
from ..surfaces import (DATASET_IDS, DEFAULT_DOMAIN, SURFACE_IDS, Domain, Surface, UnknownSurface, custom_surface,
                        get_surface)
from ..schemas import DomainIn, OptimizerIn, RunRequest
from ..settings import settings
from .costs import Cost, check_budget, estimate_run
from .errors import Refused, validate
from .labels import fill, lane_fields, text_of


def formula_error(e: FormulaError) -> Refused:
    return Refused(["formula"], str(e), "formula", {"position": e.position, "reason": e.message})


def rule_error(e: RuleError, loc: list) -> Refused:
    """A bad rule: its message names the line and column (``"line 2, column 9: ..."``), repeated in ``ctx``."""
    return Refused([*loc, "rule"], str(e), "rule", {"line": e.line, "column": e.column, "reason": e.message})


def check_domain(domain: DomainIn | None) -> Domain | None:
    if domain is None:
        return None
    for axis in ("x", "y"):
        lo, hi = getattr(domain, axis)
        if not (abs(lo) <= 1e6 and abs(hi) <= 1e6):
            raise Refused(["domain", axis], f"domain.{axis} must lie within [-1e6, 1e6]")
        if not lo < hi:
            raise Refused(["domain", axis], f"domain.{axis} must be [min, max] with min < max")
    return Domain(tuple(domain.x), tuple(domain.y))


def surface_for(surface_id: str, formula: str | None, domain: DomainIn | None, find_points: bool = False,
                options=None) -> Surface:
    """An analytic surface by id, or a custom one from its formula; refusals name the field."""
    if surface_id == "custom":
        if not formula:
            raise Refused(["formula"], "surface 'custom' needs a formula in x and y", "formula")
        try:
            return custom_surface(formula, check_domain(domain) or DEFAULT_DOMAIN, find_points)
        except FormulaError as e:
            raise formula_error(e) from None
    penalties = (options.l1, options.l2) if options is not None else (0.0, 0.0)
    if any(penalties) and surface_id not in DATASET_IDS:
        raise Refused(["surface_options"], f"l1/l2 penalties apply to data-set surfaces "
                                                f"({', '.join(DATASET_IDS)}), not {surface_id}")
    try:
        surface = get_surface(surface_id, *penalties)
    except UnknownSurface:
        raise Refused(["surface"], f"unknown surface {surface_id!r}; expected one of "
                                        f"{list(SURFACE_IDS) + ['custom']}") from None
    if formula is not None:
        raise Refused(["formula"], "a formula is only read with surface 'custom'")
    if domain is not None:
        raise Refused(["domain"], "a domain is only read with surface 'custom'")
    return surface


@dataclass
class Plan:
    """A run request, checked and resolved: what the engine needs plus what the answer echoes."""

    surface: Surface
    start: tuple[float, float]
    steps: int
    gradient: GradientSpec
    runs: list[RunSpec]
    echo: list[dict]  # per run: optimizer, label, params, schedule, switch
    include_state: bool = False  # each run carries its optimizer state after every step
    include_terms: bool = False  # each run carries every step explained: terms and quantities
    landscape: Surface | None = None  # the surface with its stationary points (a custom formula's found): runs
    # without an objective of their own are judged by it
    cost: Cost | None = None  # the estimate (app.services.costs), within max_request_seconds

    def __post_init__(self):
        if self.landscape is None:
            self.landscape = self.surface


def gradient_spec(g, surface: Surface) -> GradientSpec:
    if g.batch_size is not None:
        if surface.batch_gradient is None:
            raise Refused(["gradient", "batch_size"], f"batch_size applies to data-set surfaces "
                                                          f"({', '.join(DATASET_IDS)}); {surface.id} has no data set")
        if g.mode == "numerical":
            raise Refused(["gradient", "mode"], "mini-batch gradients are analytic; use mode 'analytic'")
    return GradientSpec(mode=g.mode, h=g.h, noise=g.noise, seed=g.seed, batch_size=g.batch_size)


def start_point(surface: Surface, start: list[float] | None) -> tuple[float, float]:
    """The request's start, or the surface's default; refused when it is not [x, y], absurdly far from the
    domain, or a point where f is not finite (``1/x`` at 0): a run must begin somewhere it can be drawn."""
    if start is None:
        return tuple(surface.default_start)
    if len(start) != 2:
        raise Refused(["start"], f"start must be [x, y], got {len(start)} numbers")
    point = (float(start[0]), float(start[1]))
    limit = 1e3 * surface.domain.span + max(map(abs, surface.domain.center))
    if not all(math.isfinite(c) and abs(c) <= limit for c in point):
        raise Refused(["start"], f"start {list(point)} is absurdly far from the domain")
    with np.errstate(all="ignore"):
        value = float(np.asarray(surface.value(np.array([point[0]]), np.array([point[1]]), np), dtype=float).ravel()[0])
    if not math.isfinite(value):
        raise Refused(["start"], f"f is not finite at start {list(point)} (it is {value}); choose another start")
    return point


def global_minimum(surface: Surface) -> dict | None:
    """``{"point", "value"}`` of the surface's global minimum (the first listed, if several share the value), found
    as the surface finds its minima (cached with the surface); None where it has none (a loss falling forever)."""
    for m in surface.minima:
        if m.kind == "global":
            return {"point": list(m.point), "value": m.value}
    return None


def plan_runs(request: RunRequest | dict, own: dict[str, OptimizerDef] | None = None, budget: bool = True) -> Plan:
    """A run request (a validated :class:`RunRequest` or the dict a POST carries), resolved for the engine.
    ``own`` (notebooks) names optimizers of this process only: Python objects, by the ids the request gives them.
    ``budget=False``: its estimate is not checked here (the caller adds to it and checks it)."""
    request = validate(RunRequest, request)
    surface = surface_for(request.surface, request.formula, request.domain, options=request.surface_options)
    start = start_point(surface, request.start)
    gradient = gradient_spec(request.gradient, surface)
    # a custom formula's minima are found numerically once (the surface with its points is cached)
    landscape = surface_for("custom", request.formula, request.domain, True) if surface.id == "custom" else surface
    runs, echo = [], []
    for i, spec in enumerate(request.optimizers):
        phases, info = _phases(spec, i, request.steps, own)
        if spec.batch_size is not None:
            if surface.batch_gradient is None:
                raise Refused(["optimizers", i, "batch_size"], f"batch_size applies to data-set surfaces; "
                                                                   f"{surface.id} has no data set")
            info["batch_size"] = spec.batch_size
        lane_gradient = _lane_gradient(spec, i, gradient, surface)
        if spec.gradient is not None:
            info["gradient"] = {k: v for k, v in vars(lane_gradient or gradient).items() if k != "batch_size"}
        objective = _objective(spec, i, surface, request.surface_options)
        if objective is not None:
            info["objective"] = objective.id
            info["surface_options"] = objective.extra["surface_options"]
        info["minimum"] = global_minimum(objective or landscape)  # what this run is judged by
        _fill_labels(spec, i, info, phases, surface, lane_gradient or gradient, objective, request.surface_options)
        runs.append(RunSpec(start, tuple(phases), info["label"], spec.batch_size, lane_gradient, objective))
        echo.append(info)
    check_run_cost(runs, request.steps)
    plan = Plan(surface, start, request.steps, gradient, runs, echo, "state" in request.include,
                "terms" in request.include, landscape)
    plan.cost = estimate_run(plan)
    if budget:
        check_budget(plan.cost)
    return plan


def _lane_gradient(spec: OptimizerIn, i: int, gradient: GradientSpec, surface: Surface) -> GradientSpec | None:
    """The request's gradient spec with this lane's own fields over it; ``None`` when it changes nothing."""
    if spec.gradient is None:
        return None
    own = replace(gradient, **spec.gradient.model_dump(exclude_none=True))
    batched = (spec.batch_size or gradient.batch_size) is not None and surface.batch_gradient is not None
    if own.mode == "numerical" and batched:
        raise Refused(["optimizers", i, "gradient", "mode"], "mini-batch gradients are analytic; use mode "
                                                                  "'analytic'")
    return None if own == gradient else own


def _objective(spec: OptimizerIn, i: int, surface: Surface, options) -> Surface | None:
    """The data-set surface whose gradient this lane follows (same data set; the lane's penalties, else the
    request's), if not the request's own."""
    if spec.objective is None and spec.surface_options is None:
        return None
    loc = ["optimizers", i, "objective" if spec.objective is not None else "surface_options"]
    objective_id = spec.objective or surface.id
    if objective_id not in DATASET_IDS or surface.id not in DATASET_IDS:
        raise Refused(loc, f"{loc[-1]} applies on data-set surfaces ({', '.join(DATASET_IDS)})"
                                + (" and names one" if spec.objective is not None else ""))
    own = spec.surface_options or options
    penalties = (own.l1, own.l2) if own is not None else (0.0, 0.0)
    request_penalties = (options.l1, options.l2) if options is not None else (0.0, 0.0)
    if objective_id == surface.id and penalties == request_penalties:
        return None
    objective = get_surface(objective_id, *penalties)
    if objective.extra["dataset"] != surface.extra["dataset"]:
        raise Refused(loc, f"{spec.objective} is fitted to another data set than {surface.id}")
    return objective


def most_evaluations(phases) -> tuple[int, list]:
    """The most evaluations per step of any of ``phases`` and where (relative loc) the setting is."""
    best, where = 1, ["steps"]
    for k, ph in enumerate(phases):
        evals = ph.optimizer.evaluations_per_step(ph.hyper)
        if evals > best:
            name = ph.optimizer.evaluations_param(ph.hyper)
            at = ["rule"] if name == "rule" else ["params", name]  # a rule's cost is its own
            best, where = evals, [*(["switch"] if k else []), *at] if name else ["steps"]
    return best, where


def check_run_cost(runs: list[RunSpec], steps: int) -> None:
    """Lanes x steps x evaluations per step within ``max_run_evaluations``: an LBFGS lane with ``max_iter``
    1000 costs a thousand lanes of Adam. The refusal names the costliest setting (``steps`` when every
    optimizer evaluates once a step)."""
    costs = [most_evaluations(run.phases) for run in runs]
    total = steps * sum(evals for evals, _ in costs)
    if total <= settings.max_run_evaluations:
        return
    i = max(range(len(costs)), key=lambda k: costs[k][0])
    evals, where = costs[i]
    loc = ["optimizers", i, *where] if evals > 1 else ["steps"]
    raise Refused(loc, f"steps x lanes x surface evaluations per step = {total:,} is over the budget of "
                       f"{settings.max_run_evaluations:,} evaluations (this request evaluates up to {evals} times a "
                       f"step in its costliest lane); lower steps, lanes, max_iter or max_eval")


def _phases(spec: OptimizerIn, i: int, steps: int, own: dict | None = None):
    loc = ["optimizers", i]
    first = phase(spec.optimizer, spec.params, spec.schedule, 0, loc, spec.rule, own)
    phases = [first]
    info = {"optimizer": first.optimizer.id, "params": first.hyper, **_rule_echo(spec.rule),
            "schedule": first.schedule.as_dict(), "switch": None}
    if spec.switch is not None:
        sw = spec.switch
        second = phase(sw.optimizer, sw.params, sw.schedule, sw.at_step, [*loc, "switch"], sw.rule, own)
        phases.append(second)
        info["switch"] = {"at_step": sw.at_step, "optimizer": second.optimizer.id, "params": second.hyper,
                          **_rule_echo(sw.rule), "schedule": second.schedule.as_dict()}
    info["label"] = _default_label(first, info["switch"])  # a label the request gives replaces it (_fill_labels)
    return phases, info


def _rule_echo(rule: str | None) -> dict:
    return {"rule": rule} if rule is not None else {}


def resolve_optimizer(optimizer_id: str, loc: list, rule: str | None = None, own: dict | None = None):
    """The optimizer named ``optimizer_id`` (``"custom"``: the one of ``rule``; an id of ``own``: that one);
    refusals name the field."""
    if own and optimizer_id in own:
        return own[optimizer_id]
    if optimizer_id == "custom":
        if rule is None:
            raise Refused([*loc, "rule"], "optimizer 'custom' needs a rule: lines name = expression, one of them "
                                          "p = ... (see GET /api/rules)")
        try:
            return rule_optimizer(rule)
        except RuleError as e:
            raise rule_error(e, loc) from None
    if rule is not None:
        raise Refused([*loc, "rule"], "a rule is only read with optimizer 'custom'")
    try:
        return get_optimizer(optimizer_id)
    except UnknownOptimizer:
        raise Refused([*loc, "optimizer"], f"unknown optimizer {optimizer_id!r}; expected one of "
                                                f"{[*OPTIMIZERS, 'custom']}") from None


def phase(optimizer_id: str, params: dict, schedule, start: int, loc: list, rule: str | None = None,
          own: dict | None = None) -> Phase:
    opt = resolve_optimizer(optimizer_id, loc, rule, own)
    try:
        hyper = opt.validate(params)
    except RuleError as e:  # a name the rule reads that params does not give
        raise rule_error(e, loc) from None
    except HyperparameterError as e:
        raise Refused([*loc, "params", e.name], e.message) from None
    try:
        sched = Schedule.from_dict(schedule.model_dump() if schedule is not None else None)
    except ScheduleError as e:
        raise Refused([*loc, "schedule", e.name], e.message) from None
    if sched.type != "constant" and "lr" not in hyper:
        raise Refused([*loc, "schedule"], f"{opt.id} has no learning rate to schedule")
    if sched.type != "constant" and not getattr(opt, "schedulable", True):  # a Python object (notebooks)
        raise Refused([*loc, "schedule"], f"{opt.id}.update takes no lr keyword: a schedule cannot reach it")
    return Phase(start, opt, hyper, sched)


def _fill_labels(spec: OptimizerIn, i: int, info: dict, phases: list[Phase], surface: Surface,
                 gradient: GradientSpec, objective: Surface | None, options) -> None:
    """The lane's ``label`` (and ``labels``) with its fields filled from its values (:mod:`.labels`); the request's
    text kept as ``label_template`` when it had fields. A label that cannot be filled is refused at its field."""
    if spec.label is None and spec.labels is None:
        return
    names = {ph.optimizer.id: _names(ph.optimizer) for ph in phases}
    dataset = surface.extra.get("dataset") if surface.batch_gradient is not None else None
    batch = (spec.batch_size or gradient.batch_size or dataset["n"]) if dataset else None
    own = (objective.extra["surface_options"] if objective is not None
           else {"l1": options.l1, "l2": options.l2} if options is not None else {"l1": 0.0, "l2": 0.0})
    lane = {"noise": gradient.noise, "h": gradient.h, "seed": gradient.seed}
    templates = [("label", None, spec.label)] + [("labels", lang, text) for lang, text in
                                                 (spec.labels.model_dump().items() if spec.labels else ())]
    for key, lang, template in templates:
        if template is None:
            continue
        values = lane_fields(info, names, gradient=lane, batch=batch,
                             penalties=(own["l1"], own["l2"]) if dataset else None, language=lang or "en")
        text = fill(template, values)
        if key == "label":
            info["label"] = text
            if text != template:
                info["label_template"] = template
        else:
            info.setdefault("labels", {})[lang] = text


def _names(optimizer) -> dict:
    names = getattr(optimizer, "names", None)
    return names.as_dict() if names is not None else {"en": getattr(optimizer, "name", optimizer.id)}


def _default_label(phase: Phase, switch: dict | None) -> str:
    label = phase.optimizer.name
    if "lr" in phase.hyper:
        label += f" lr={text_of(phase.hyper['lr'])}"
    if switch:
        label += f" → {switch['optimizer']} @{switch['at_step']}"
    return label
