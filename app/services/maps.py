"""Basin maps and hyperparameter sweeps: many runs of one set-up, checked like a run request and stopped
between chunks when ``stop()`` says so."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..schemas import BasinRequest, SweepRequest
from ..engine import Interrupted
from ..maps import basin_map, sweep, with_values
from ..optimizers import HyperparameterError
from ..settings import settings
from .costs import Cost, check_budget, estimate_map
from .errors import Refused, Stopped, validate
from .planning import check_domain, gradient_spec, most_evaluations, phase, start_point, surface_for

Progress = Callable[[int, int], None]


def _progress(stop: Callable[[], bool] | None, report: Progress | None):
    """The engine's ``progress(done, total) -> keep going?`` from a stop test and a progress report."""
    state = {"stopped": False}

    def progress(done, total):
        if report is not None:
            report(done, total)
        if stop is not None and stop():
            state["stopped"] = True
            return False
        return True

    return progress, state


def plan_basins(req: BasinRequest | dict):
    req = validate(BasinRequest, req)
    if req.n * req.n * req.steps > settings.max_point_steps:
        raise Refused(["steps"], f"n x n x steps = {req.n * req.n * req.steps:,} is over the budget of "
                                 f"{settings.max_point_steps:,} point-steps; lower n or steps")
    surface = surface_for(req.surface, req.formula, req.domain if req.surface == "custom" else None, True,
                          options=req.surface_options)
    domain = check_domain(req.domain)
    phases = [phase(req.optimizer, req.params, req.schedule, 0, [], req.rule)]
    if req.switch is not None:
        phases.append(phase(req.switch.optimizer, req.switch.params, req.switch.schedule, req.switch.at_step,
                            ["switch"], req.switch.rule))
    check_map_cost(req.n * req.n, req.steps, phases, "n x n")
    gradient = gradient_spec(req.gradient, surface)
    cost = estimate_map(req.n * req.n, req.steps, phases, surface, gradient, "n")
    check_budget(cost)
    return req, surface, tuple(phases), domain, gradient, cost


def check_map_cost(cells: int, steps: int, phases, what: str) -> None:
    """cells x steps x evaluations per step within ``max_point_steps`` (an LBFGS cell evaluates up to
    ``max_eval`` times a step); the refusal names the setting that makes it costly."""
    evals, where = most_evaluations(phases)
    if evals > 1 and cells * steps * evals > settings.max_point_steps:
        raise Refused(where, f"{what} x steps x surface evaluations per step = {cells * steps * evals:,} is over "
                             f"the budget of {settings.max_point_steps:,} point-steps ({evals} evaluations a "
                             f"step); lower max_iter, max_eval, steps or the number of cells")


def map_cost(kind: str, req) -> Cost:
    """The estimate of a basin map (``kind`` ``"basins"``) or a sweep, refusing it (422) as its plan does."""
    return (plan_basins if kind == "basins" else plan_sweep)(req)[-1]


def basins(req: BasinRequest | dict, *, stop: Callable[[], bool] | None = None,
           report: Progress | None = None) -> dict:
    """The ``POST /api/basins`` answer (arrays as numpy arrays)."""
    req, surface, phases, domain, gradient, _ = plan_basins(req)
    progress, state = _progress(stop, report)
    try:
        out = basin_map(surface, phases, req.steps, req.n, domain, gradient, progress)
    except Interrupted:
        raise Stopped() from None
    if state["stopped"]:
        raise Stopped()
    return out


def plan_sweep(req: SweepRequest | dict):
    req = validate(SweepRequest, req)
    surface = surface_for(req.surface, req.formula, req.domain, options=req.surface_options)
    first = phase(req.optimizer, req.params, req.schedule, 0, [], req.rule)
    opt = first.optimizer
    names = [p.name for p in opt.params if p.scale in ("linear", "log")] + (
        ["betas[0]", "betas[1]"] if any(p.name == "betas" for p in opt.params) else [])
    axes = []
    for key, axis in (("x", req.x), ("y", req.y)):
        if axis is None:
            continue
        if axis.param not in names:
            raise Refused([key, "param"], f"{opt.id} has no sweepable parameter {axis.param!r}; expected one "
                                          f"of {names}")
        if axes and axes[0][0] == axis.param:
            raise Refused([key, "param"], f"x already sweeps {axis.param}: y needs another parameter (or leave y "
                                          f"out for a one-axis sweep)")
        if axis.scale == "log" and not 0 < axis.min < axis.max:
            raise Refused([key, "min"], "a log axis needs 0 < min < max")
        if not axis.min < axis.max:
            raise Refused([key, "max"], "max must be greater than min")
        values = (np.geomspace if axis.scale == "log" else np.linspace)(axis.min, axis.max, axis.n)
        axes.append((axis.param, values))
    cells = int(np.prod([len(v) for _, v in axes]))
    if cells > settings.max_sweep_cells or cells * req.steps > settings.max_point_steps:
        raise Refused(["steps"], f"{cells} cells x {req.steps} steps is over the budget "
                                 f"({settings.max_sweep_cells} cells, {settings.max_point_steps:,} point-steps)")
    check_map_cost(cells, req.steps, [first], "cells")
    start = start_point(surface, req.start)  # the same rules as a run's start

    def check(hyper):
        try:
            return opt.validate(hyper)
        except HyperparameterError as e:
            for key, axis in (("x", req.x), ("y", req.y)):
                if axis and axis.param.split("[")[0] == e.name.split("[")[0]:
                    raise Refused([key, "min" if _refused(opt, hyper, axis.param, axis.min) else "max"],
                                  e.message) from None
            raise Refused(["params", e.name], e.message) from None

    gradient = gradient_spec(req.gradient, surface)
    cost = estimate_map(cells, req.steps, [first], surface, gradient, "the number of cells", ("x", "n"))
    check_budget(cost)
    return req, surface, start, first, axes, check, gradient, cost


def sweeps(req: SweepRequest | dict, *, stop: Callable[[], bool] | None = None,
           report: Progress | None = None) -> dict:
    """The ``POST /api/sweeps`` answer (arrays as numpy arrays)."""
    req, surface, start, first, axes, check, gradient, _ = plan_sweep(req)
    progress, state = _progress(stop, report)
    try:
        out = sweep(surface, start, (first,), req.steps, axes, check, gradient, progress)
    except Interrupted:
        raise Stopped() from None
    if state["stopped"]:
        raise Stopped()
    return out


def _refused(opt, hyper: dict, param: str, value: float) -> bool:
    """Whether ``opt`` refuses ``hyper`` with ``param`` set to ``value``."""
    try:
        opt.validate(with_values(hyper, {param: value}))
    except HyperparameterError:
        return True
    return False
