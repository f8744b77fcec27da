"""The answer of ``POST /api/runs``: its size, estimated before it runs, the limit on it and what sending it costs.

A POST answer is held whole by the server until it is sent (a stream's chunks are not), so its size is bounded:
``max_answer_mb`` (megabytes of JSON, 10^6 bytes). The estimate counts the answer's numbers by what the request
asks, each at :data:`NUMBER` bytes (measured, ``cost_table.ANSWER``): per run its echo and summary, per point its
``[x, y]`` and loss (and test loss), per step its lr, gradient and what its optimizer emits (Schedule-Free's
averaged point, a search's proposals, LBFGS's evaluation points); with ``include: ["state"]`` each of the names
the optimizer's definition says torch keeps (``state_keys``: a number for its ``scalar_state``, else ``[x, y]``;
``null`` in the other phase of a switch); with ``include: ["terms"]`` the bytes of the terms and quantities the
run's own rule reports (a probe of a few steps of each distinct set-up, as the engine explains them). Against real
answers it is within 25 % for every optimizer (``tests/test_answers.py``), above them rather than below: the
``step`` counters it counts as full numbers, and it counts every step (a diverging run answers less) and every
evaluation LBFGS may make (one that meets its tolerances makes fewer).

Writing the JSON is in the measured step costs already (:mod:`.cost_table`); sending it (and compressing it, for a
client that takes gzip) adds ``bytes x`` the measured nanoseconds per byte, so admission and deadlines see it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import orjson

from ..engine import RunSpec, Simulation, step_dicts
from ..engine.planner import run_state_names
from ..engine.specs import declared_extras
from ..settings import settings
from . import cost_table as T
from .costs import Cost, check_budget
from .errors import Refused
from .planning import plan_runs

NUMBER = T.ANSWER["number_bytes"]  # a float in the JSON with its separator, on average
VECTOR = 2 * NUMBER + 2  # [x, y] and its separator
NULL = 5  # null and its separator
RUN_BYTES = 520  # a run's field names, status, steps_run, diverged_at and summary (its echo is counted as it is)
PROBE_STEPS = 8  # steps of the probe that says what an explained step reports (as many evaluations at most)
FORMS = {"vector": VECTOR, "number": NUMBER, "flag": 5.5, "count": 3}  # declared extras (engine.recording.FORMS)
STREAM_HINT = ("or ask the WebSocket /api/runs/ws, which sends the same runs in chunks and holds none of them "
               "whole")


@dataclass(frozen=True)
class AnswerSize:
    """An answer's estimated ``bytes`` of JSON: ``fixed`` whatever the steps, the rest in proportion to them;
    ``without_include``: the same request without ``include`` (None: it has none)."""

    bytes: float
    fixed: float
    steps: int
    without_include: float | None = None

    @property
    def per_step(self) -> float:
        return max(0.0, self.bytes - self.fixed) / max(1, self.steps)

    @property
    def mb(self) -> float:
        return self.bytes / 1e6


def _number(value) -> float:
    return len(orjson.dumps(value)) + 1 if isinstance(value, float) else NUMBER


def _phase_key(phase) -> tuple:
    """What decides the names an explained step reports: the rule, its structural hyperparameters and which
    numeric ones are zero (no weight decay: no decay term)."""
    hyper = tuple((k, v == 0 if isinstance(v, (int, float)) and not isinstance(v, bool) else repr(v))
                  for k, v in sorted(phase.hyper.items()))
    return id(phase.optimizer), hyper


def explained_bytes(plan) -> list[list[float]]:
    """Per run, per phase: the bytes of one step's ``terms`` and ``quantities``, as a probe of the phase's own
    rule from the run's start writes them, on average (a probe that diverges at once: none). One probe per set-up
    that reports the same names (:func:`_phase_key`): about a millisecond."""
    probes, index = [], {}
    for run in plan.runs:
        for phase in run.phases:
            key = _phase_key(phase)
            if key not in index:
                index[key] = len(probes)
                probes.append(RunSpec(run.start, (replace(phase, start=0),), gradient=run.gradient,
                                      batch_size=run.batch_size, objective=run.objective))
    sim = Simulation(plan.surface, probes, PROBE_STEPS, plan.gradient, explain=True)
    chunk = sim.advance(sim.chunk_steps(PROBE_STEPS))  # (one step of an LBFGS that evaluates 20 times a step)
    per_probe = []
    for j in range(len(probes)):
        part = chunk.run(j)
        n = len(part["lrs"])
        rows = [*step_dicts([part.get("terms", {})], [n]), *step_dicts([part.get("quantities", {})], [n])]
        per_probe.append(len(orjson.dumps(rows)) / n if n else 0.0)
    return [[per_probe[index[_phase_key(p)]] for p in run.phases] for run in plan.runs]


def _state_names(run) -> list[tuple[str, float]]:
    """The names ``include: ["state"]`` reports for a run and the bytes of one value of each: from the
    optimizers' definitions (the names torch keeps for these hyperparameters; else their labels)."""
    names = run_state_names(run)
    if names is None:
        names = tuple(dict.fromkeys(label.name for p in run.phases for label in p.optimizer.state_labels))
    scalars = {name for p in run.phases for name in p.optimizer.scalar_state}
    return [(name, NUMBER if name in scalars else VECTOR) for name in names]


def _run_bytes(plan, i: int, echo_bytes: int, explained: list[float] | None) -> tuple[float, float, float]:
    """Run ``i``'s bytes: fixed, per step without include, per step of its include."""
    run, steps = plan.runs[i], plan.steps
    point = VECTOR + NUMBER + (NUMBER if plan.surface.test_shift is not None else 0)
    fixed = echo_bytes + RUN_BYTES + point
    plain = included = 0.0
    names = _state_names(run) if plan.include_state else []
    for k, phase in enumerate(run.phases):
        end = run.phases[k + 1].start if k + 1 < len(run.phases) else steps
        share = max(0, min(end, steps) - phase.start) / max(1, steps)
        lr = phase.hyper.get("lr", 0.0) if phase.schedule.type == "constant" else None
        step = point + (_number(float(lr)) if isinstance(lr, (int, float)) else NUMBER)
        step += VECTOR if run.uses_gradient else 0
        for name, form in declared_extras(run.phases).items():
            step += FORMS.get(form, VECTOR)
            if name == "evaluations":  # and the points evaluated: at most the rule's evaluations per step
                step += 2 + VECTOR * max(p.optimizer.evaluations_per_step(p.hyper) for p in run.phases)
        plain += share * step
        if names:
            own = set(phase.optimizer.state_keys(phase.hyper) or [lb.name for lb in phase.optimizer.state_labels])
            included += share * sum(size if name in own else NULL for name, size in names)
        if explained is not None:
            included += share * explained[k]
    return fixed, plain, included


def answer_size(plan) -> AnswerSize:
    """The estimated size of ``plan``'s POST answer (see the module's text)."""
    explained = explained_bytes(plan) if plan.include_terms else None
    fixed = 60.0  # {"surface": .., "start": [..], "steps": .., "runs": [..]}
    plain = included = 0.0
    for i, echo in enumerate(plan.echo):
        f, p, inc = _run_bytes(plan, i, len(orjson.dumps(echo)), explained[i] if explained else None)
        fixed, plain, included = fixed + f, plain + p, included + inc
    base = fixed + plain * plan.steps
    has_include = plan.include_state or plan.include_terms
    return AnswerSize(base + included * plan.steps, fixed, plan.steps, base if has_include else None)


def send_seconds(size: AnswerSize, compressed: bool) -> float:
    """What sending an answer of ``size`` costs beyond writing its JSON: the bytes through the socket, and their
    compression when the client takes gzip (level 1, in the worker: :mod:`app.api.serialize`)."""
    ns = T.ANSWER["send_ns"] + (T.ANSWER["gzip_ns"] if compressed else 0.0)
    return size.bytes * ns / 1e9


def check_answer(size: AnswerSize, loc_prefix: tuple = ()) -> None:
    """Refuse (422) an answer estimated over ``max_answer_mb``, as :func:`~app.services.costs.check_budget` refuses
    a request over its time: naming ``include`` when it fits without, else ``steps``, saying how many fit."""
    limit = settings.max_answer_mb * 1e6
    if size.bytes <= limit:
        return
    about = (f"this answer would be about {size.mb:,.0f} MB of JSON, over the limit of {settings.max_answer_mb:,} MB "
             f"for one POST answer")
    if size.without_include is not None and size.without_include <= limit:
        raise Refused([*loc_prefix, "include"], f"{about} with include (about {size.without_include / 1e6:,.0f} MB "
                                                f"without it); drop include, lower steps, {STREAM_HINT}", "budget")
    fit = math.floor((limit - size.fixed) / size.per_step) if size.per_step > 0 else 0
    if fit >= 1:
        raise Refused([*loc_prefix, "steps"], f"{about}: at most {fit:,} steps fit; lower steps or the number of "
                                              f"lanes, {STREAM_HINT}", "budget")
    raise Refused([*loc_prefix, "optimizers"], f"{about}, and not one step fits: fewer lanes, {STREAM_HINT}",
                  "budget")


def with_sending(cost: Cost, size: AnswerSize, compressed: bool) -> Cost:
    """``cost`` with the answer's sending (and compression) added, with and without ``include``."""
    seconds = send_seconds(size, compressed)
    without = None
    if cost.without_include is not None and size.without_include is not None:
        without = cost.without_include + seconds * size.without_include / size.bytes
    return Cost(cost.seconds + seconds, cost.steps, cost.other, without, cost.other_loc)


def plan_answer(request, compressed: bool = False):
    """A run request planned for a POST answer (:func:`~app.services.planning.plan_runs`), its answer's size within
    ``max_answer_mb`` and its cost (with the answer's sending, compressed for a client that takes gzip) within the
    budget; refusals name the field."""
    plan = plan_runs(request)
    size = answer_size(plan)
    check_answer(size)
    plan.cost = with_sending(plan.cost, size, compressed)
    check_budget(plan.cost)
    return plan
