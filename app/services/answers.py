"""The answer of ``POST /api/runs``: its size, estimated before it runs, the limit on it, what sending it costs, and
its JSON, written chunk by chunk (:func:`answer_json`).

A POST answer's text is held by the server until it is sent (a stream's chunks are sent as they come), so its
size is bounded: ``max_answer_mb`` (megabytes of JSON, 10^6 bytes). The estimate counts the answer's numbers by what the request
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
from .costs import FIT_MARGIN, Cost, check_budget
from .errors import Refused, Stopped
from .planning import plan_runs
from .runs import RunStream

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

    def steps_within(self, limit: float) -> int:
        """The steps whose answer fits in ``limit`` bytes (1 % kept aside, as the time budget's advice)."""
        return math.floor(FIT_MARGIN * (limit - self.fixed) / self.per_step) if self.per_step > 0 else 0


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


def combined(sizes: list[AnswerSize], extra: float = 0.0) -> AnswerSize:
    """Several answers written as one (an HTML export's runs and its variants'), with ``extra`` bytes that do not
    grow with the steps (the export's page and scripts), per step of the first's steps."""
    first = sizes[0]
    total = extra + sum(s.bytes for s in sizes)
    fixed = extra + sum(s.fixed for s in sizes)
    without = None
    if any(s.without_include is not None for s in sizes):
        without = extra + sum(s.bytes if s.without_include is None else s.without_include for s in sizes)
    return AnswerSize(total, fixed, first.steps, without)


def csv_size(plan) -> AnswerSize:
    """The bytes of ``plan``'s CSV export (:func:`~app.services.exporting.export_csv`): a row per point of
    ``lane,optimizer,label,step,x,y,loss,lr,status`` (x, y and loss at :data:`NUMBER` bytes, the lr its text when
    constant, the label its longest language in UTF-8, the status as long as ``diverged``), the last row with no lr."""
    digits = 4.5  # the step's number, on average (a constant: the size stays in proportion to the steps)
    fixed = per_step = 0.0
    for i, (run, echo) in enumerate(zip(plan.runs, plan.echo)):
        labels = [echo.get("label") or "", *(echo.get("labels") or {}).values()]
        text = (len(str(i)) + len(str(echo.get("optimizer", "")).encode()) + max(len(str(t).encode()) for t in labels)
                + len("diverged") + 10)  # eight commas and the line's end
        phase = run.phases[0]
        lr = phase.hyper.get("lr") if phase.schedule.type == "constant" and len(run.phases) == 1 else None
        row = text + digits + 3 * (NUMBER - 1) + (_number(float(lr)) - 1 if isinstance(lr, (int, float)) else NUMBER - 1)
        fixed += row
        per_step += row
    return AnswerSize(fixed + 64 + per_step * plan.steps, fixed + 64, plan.steps)  # 64: the BOM and the header


def check_answer(size: AnswerSize, loc_prefix: tuple = (), export: str | None = None,
                 alone: AnswerSize | None = None, most: int | None = None) -> None:
    """Refuse (422) an answer estimated over ``max_answer_mb``, as :func:`~app.services.costs.check_budget` refuses
    a request over its time: naming ``include`` when it fits without, else ``steps``, saying how many fit.
    ``export`` (e.g. "HTML export") words it for an export, whose fields are under ``loc_prefix`` (``state``);
    ``alone``: the export without its ``view.variants``, named when it fits without them."""
    limit = settings.max_answer_mb * 1e6
    if size.bytes <= limit:
        return
    if export is None:
        about = (f"this answer would be about {size.mb:,.0f} MB of JSON, over the limit of "
                 f"{settings.max_answer_mb:,} MB for one POST answer")
        hint = f", {STREAM_HINT}"
    else:
        about = (f"this {export} would be about {size.mb:,.0f} MB, over the limit of {settings.max_answer_mb:,} MB "
                 f"for one export (max_answer_mb)")
        hint = ""
    fit = min(size.steps_within(limit), most if most is not None else size.steps)
    if size.without_include is not None and size.without_include <= limit:
        raise Refused([*loc_prefix, "include"], f"{about} with include (about {size.without_include / 1e6:,.0f} MB "
                                                f"without it); drop include, or lower steps (at most {fit:,} steps fit "
                                                f"with it){hint}", "budget")
    if alone is not None and alone.bytes <= limit:
        raise Refused([*loc_prefix, "view", "variants"], f"{about} with its variants (about {alone.mb:,.0f} MB "
                                                         f"without them); fewer variants, or lower steps (at most "
                                                         f"{fit:,} steps fit with them)", "budget")
    if fit >= 1:
        raise Refused([*loc_prefix, "steps"], f"{about}: at most {fit:,} steps fit; lower steps or the number of "
                                              f"lanes{hint}", "budget")
    raise Refused([*loc_prefix, "optimizers"], f"{about}, and not one step fits: fewer lanes{hint}", "budget")


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
    plan = plan_runs(request, budget=False)
    size = answer_size(plan)
    plan.cost = with_sending(plan.cost, size, compressed)
    # a refusal's "at most N steps" is what fits both limits
    most = min(size.steps_within(settings.max_answer_mb * 1e6), plan.cost.steps_within(settings.max_request_seconds))
    check_budget(plan.cost, most=most)  # (time first: a request too long even without include is told steps)
    check_answer(size, most=most)
    return plan


def _inner(text: bytes) -> bytes:
    """A JSON array's elements without its brackets (b"" for an empty one): a copy of its own size (orjson's
    answer holds at least 32 KB, which thousands of small chunk texts would keep)."""
    return text[1:-1]


def _listed(out: list, items: list[bytes], open_: bytes = b"[", close: bytes = b"]") -> None:
    """Append ``open_``, the non-empty ``items`` with commas between them, and ``close`` to ``out``."""
    out.append(open_)
    first = True
    for item in items:
        if item:
            if not first:
                out.append(b",")
            out.append(item)
            first = False
    out.append(close)


def _numpy(value) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)


class _RunText:
    """One run's fields as JSON text, chunk by chunk, joined as :func:`~app.services.runs.join_parts` joins them:
    arrays and per-step lists concatenated, ``state`` name by name, a field that is None in its first chunk null."""

    def __init__(self):
        self.fields: dict[str, object] = {}  # name -> list of array texts, {state name: list}, or None

    def add(self, part: dict) -> None:
        for name, value in part.items():
            if name not in self.fields:
                self.fields[name] = (None if value is None else
                                     {k: [] for k in value} if name == "state" else [])
            into = self.fields[name]
            if into is None:
                continue
            if name == "state":
                for k, pieces in into.items():
                    pieces.append(_inner(_numpy(value[k])))
            else:
                into.append(_inner(_numpy(value)))

    def pieces(self) -> list[bytes]:
        """The fields as ``"name":value`` texts (pieces of them, to be joined once), and nothing more held."""
        out = []
        for name, value in self.fields.items():
            if out:
                out.append(b",")
            out.append(orjson.dumps(name) + b":")
            if value is None:
                out.append(b"null")
            elif isinstance(value, dict):
                out.append(b"{")
                for j, (k, texts) in enumerate(value.items()):
                    out.append((b"," if j else b"") + orjson.dumps(k) + b":")
                    _listed(out, texts)
                out.append(b"}")
            else:
                _listed(out, value)
        self.fields = {}
        return out


def answer_json(plan, stop=None, between=None) -> list[bytes]:
    """``plan``'s POST answer as JSON, exactly the bytes of ``dumps(run_plan(plan))`` (numpy arrays as orjson writes
    them), as many pieces (a chunk's field of a run, the commas and brackets between them) to be sent in order.
    Written chunk by chunk as the engine makes them, so the runs are never held whole as objects (a run's state as
    Python lists takes 2 to 3 times its JSON) and no piece of a large answer is a large block (a run's 4 MB of
    text, joined, would need new heap while its pieces' holes stay: twice the answer): at most the answer's text
    and one chunk. ``stop()`` is asked between chunks (:class:`~app.services.errors.Stopped`); ``between()`` after
    each run's pieces are put in order (heavy work steps aside there)."""
    stream = RunStream(plan, stop=stop)
    texts = [_RunText() for _ in plan.runs]
    while not stream.done:
        if stop is not None and stop():
            raise Stopped()
        for text, part in zip(texts, stream.next_frame(settings.ws_chunk_steps)["runs"]):
            text.add(part)
    ends = stream.end_frame()["runs"]
    head = orjson.dumps({"surface": plan.surface.id, "start": list(plan.start), "steps": plan.steps})
    pieces = [head[:-1] + b',"runs":[']
    for i, (echo, text, end) in enumerate(zip(plan.echo, texts, ends)):
        if set(echo) & set(text.fields) or set(end) & (set(echo) | set(text.fields)):
            raise ValueError("a run's echo, fields and end share a name")  # (they never do: a guard for edits)
        out = [b",{" if i else b"{"]
        for segment in ([_inner(orjson.dumps(echo))], text.pieces(), [_inner(_numpy(end))]):
            if any(segment):
                if len(out) > 1:
                    out.append(b",")
                out.extend(segment)
        out.append(b"}")
        pieces.extend(out)
        if between is not None:
            between()
    pieces.append(b"]}")
    return pieces
