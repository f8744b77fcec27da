"""Running a run request: the one path from a request to its runs, shared by ``POST /api/runs``, the WebSocket
(chunk by chunk), the exports, the CLI and the notebook.

A request is computed as a :class:`RunStream` of chunks. Each chunk's runs are shaped by one function,
:func:`run_part`; the WebSocket sends them as they come, and the POST answer is the same parts joined field by
field (:func:`join_parts`), so the chunks concatenated equal the whole answer by construction. Every optional
field (``test_losses``, ``proposals``/``accepted``, ``averaged``, ``evaluations``/``evaluation_points``,
``state``, ``terms``/``quantities``) travels in the chunks too.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..engine import Interrupted, Simulation, start_points, state_lists, step_dicts
from ..schemas import RunRequest
from ..settings import settings
from ..verdicts import Tracker
from .costs import estimate_run
from .errors import Refused, Stopped
from .planning import Plan, plan_runs

Stop = Callable[[], bool]
# the fields of a chunk's runs a compact stream may keep (the optional ones come only when the run has them)
COMPACT_FIELDS = ("points", "losses", "lrs", "gradients", "proposals", "accepted", "averaged", "evaluations",
                  "evaluation_points", "state", "terms", "quantities")
LIST_FIELDS = ("evaluation_points", "terms", "quantities")  # JSON lists, one entry per step


def array(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=float)


def _float32(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32)


def compact_option(option) -> tuple[tuple | None, Callable]:
    """The optional ``"compact": {"fields": [...], "float32": true}`` of a streamed request (the page's own
    economy: only the fields it draws, at float32 precision, about half the bytes; losses stay float64, since
    f - f* needs every digit): the fields kept (None: all) and the cast of points, lrs and gradients."""
    if option is None:
        return None, array
    if not isinstance(option, dict) or set(option) - {"fields", "float32"}:
        raise Refused(["compact"], "compact must be an object with 'fields' (a list) and 'float32' (true or false)")
    fields = option.get("fields")
    if fields is not None and (not isinstance(fields, list) or any(f not in COMPACT_FIELDS for f in fields)):
        raise Refused(["compact", "fields"], f"compact.fields must be a list of {', '.join(COMPACT_FIELDS)}")
    if not isinstance(option.get("float32", False), bool):
        raise Refused(["compact", "float32"], "compact.float32 must be true or false")
    return (tuple(fields) if fields is not None else None), (_float32 if option.get("float32") else array)


def lanes_option(option, n: int) -> list[int] | None:
    """The optional ``"lanes": [i, ...]`` of a streamed request: distinct indices into its ``optimizers`` (absent:
    all), the runs to compute, each exactly as the whole request computes it."""
    if option is None:
        return None
    if (not isinstance(option, list) or not option
            or any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n for i in option)):
        raise Refused(["lanes"], f"lanes must be a non-empty list of indices into optimizers (0 to {n - 1})")
    if len(set(option)) != len(option):
        raise Refused(["lanes"], "lanes must not repeat an index")
    return list(option)


def run_part(plan: Plan, sim: Simulation, i: int, part: dict, start=None, start_loss=None, cast=array) -> dict:
    """Run ``i``'s fields over one chunk (``part``: :meth:`Chunk.run`), as the API gives them; ``start`` and
    ``start_loss`` (the first chunk) put the start point first in ``points``, ``losses``, ``test_losses`` and
    ``averaged``. The one shaping of runs: every chunk frame holds these, and the POST answer is them joined."""
    points, losses = part["points"], part["losses"]
    if start is not None:
        points = np.concatenate([np.reshape(start, (1, 2)), points])
        losses = np.concatenate([[start_loss], losses])
    out = {"points": cast(points), "losses": array(losses), "lrs": cast(part["lrs"]),
           "gradients": cast(part["gradients"]) if plan.runs[i].uses_gradient else None}
    tests = plan.surface.test_losses(points)
    if tests is not None:
        out["test_losses"] = array(tests)
    extras = sim.extras_of(i)  # every step of the run has them, empty where they do not apply
    if "proposals" in extras:
        out["proposals"] = array(part["proposals"]).reshape(-1, 2)
        out["accepted"] = np.ascontiguousarray(part["accepted"], dtype=bool)
    if "averaged" in extras:
        averaged = array(part["averaged"]).reshape(-1, 2)
        out["averaged"] = averaged if start is None else np.concatenate([np.reshape(start, (1, 2)), averaged])
    if "evaluations" in extras:
        out["evaluations"] = np.ascontiguousarray(part["evaluations"], dtype=np.int64)
        out["evaluation_points"] = [array(pts).reshape(-1, 2) for pts in part["evaluation_points"]]
    steps = len(part["lrs"])
    if sim.record_state:
        out["state"] = state_lists([part.get("state", {})], [steps], sim.state_names[i])
    if sim.explain:
        out["terms"] = step_dicts([part.get("terms", {})], [steps])
        out["quantities"] = step_dicts([part.get("quantities", {})], [steps])
    return out


def end_part(status: str, steps_run: int, tracker: Tracker) -> dict:
    """How a run ended: its status, the steps it took, the step that diverged (None if none did), and its
    ``summary`` judged by its own objective (:mod:`app.verdicts`)."""
    return {"status": status, "steps_run": steps_run, "diverged_at": steps_run + 1 if status == "diverged" else None,
            "summary": tracker.summary(status, steps_run)}


def join_parts(parts: list[dict]) -> dict:
    """One run's chunk parts joined field by field: arrays concatenated, per-step lists extended, ``state`` name
    by name; a field absent from a chunk adds nothing there (as a client concatenating the chunks does)."""
    out = {}
    for name in dict.fromkeys(k for p in parts for k in p):
        present = [p[name] for p in parts if name in p]
        if name == "state":
            out[name] = {k: [v for s in present for v in s[k]] for k in present[0]}
        elif name in LIST_FIELDS:
            out[name] = [v for values in present for v in values]
        elif present[0] is None:
            out[name] = None
        else:
            out[name] = np.concatenate(present)
    return out


class RunStream:
    """A planned request computed chunk by chunk: :meth:`start_frame`, then :meth:`next_frame` until
    :attr:`done`, then :meth:`end_frame`. ``lanes`` computes only those runs (indices into the request, each with
    its own random streams as in the whole request); ``fields``/``cast`` are a compact stream's (see
    :func:`compact_option`); ``stop()`` is asked inside expensive steps (then :class:`Stopped`)."""

    def __init__(self, plan: Plan, lanes: list[int] | None = None, fields=None, cast=array, request_id=None,
                 stop: Stop | None = None):
        self.tag = {} if lanes is None else {"lanes": lanes}
        if lanes is not None:
            plan.runs, plan.echo = [plan.runs[i] for i in lanes], [plan.echo[i] for i in lanes]
            plan.cost = estimate_run(plan)  # a dragged lane alone: light work
        self.plan, self.fields, self.cast, self.request_id = plan, fields, cast, request_id
        self.sim = Simulation(plan.surface, plan.runs, plan.steps, plan.gradient, record_state=plan.include_state,
                              units=lanes, explain=plan.include_terms)
        self.sim.interrupt.test = stop
        self.starts, self.start_losses = start_points(self.sim)
        span = plan.surface.domain.span  # each run judged by its own objective, on the plotted domain's scale
        self.trackers = [Tracker(run.objective or plan.landscape, span, loss)
                         for run, loss in zip(plan.runs, self.start_losses)]
        self.offset = 0
        self.first = True
        self.last_points = [list(map(float, p)) for p in self.starts]

    @property
    def done(self) -> bool:
        """Every chunk has been made (the first one always is: it carries the starts)."""
        return not self.first and self.sim.done

    def start_frame(self) -> dict:
        plan = self.plan
        return {"type": "start", "id": self.request_id, "surface": plan.surface.id, "start": list(plan.start),
                "steps": plan.steps, "runs": plan.echo, **self.tag}

    def next_frame(self, steps: int | None = None) -> dict:
        """The next chunk frame: ``steps`` steps (as costly as that many one-evaluation steps; default: the
        first chunk's or the next chunk's size from the settings)."""
        if steps is None:
            steps = settings.ws_first_chunk_steps if self.first else settings.ws_chunk_steps
        size = self.sim.chunk_steps(steps)
        if self.plan.cost is not None:  # and about CHUNK_SECONDS of work at most: heavy work steps aside that often
            size = self.plan.cost.chunk_steps(size)
        try:
            chunk = self.sim.advance(size)
        except Interrupted:  # stopped inside an expensive step
            raise Stopped() from None
        runs = []
        for i in range(len(self.plan.runs)):
            first, steps = self.first, chunk.run(i)
            part = run_part(self.plan, self.sim, i, steps, self.starts[i] if first else None,
                            self.start_losses[i] if first else None, self.cast)
            if len(steps["points"]):
                self.last_points[i] = [float(c) for c in steps["points"][-1]]
            # the summary reads the float64 path (before a compact stream's cast), the start first
            points, losses = steps["points"], steps["losses"]
            if first:
                points = np.concatenate([self.starts[i:i + 1], points])
                losses = np.concatenate([self.start_losses[i:i + 1], losses])
            self.trackers[i].see(points, losses, part.get("test_losses"))
            # a compact frame keeps the fields asked for, and test_losses whenever the surface has a test landscape
            # (a per-run result the page cannot recompute, not a bulk field to economise on)
            runs.append(part if self.fields is None else
                        {k: v for k, v in part.items() if k in self.fields or k == "test_losses"})
        frame = {"type": "chunk", "id": self.request_id, "offset": self.offset, "runs": runs, **self.tag}
        self.offset += (1 if self.first else 0) + chunk.points.shape[0]
        self.first = False
        return frame

    def end_frame(self) -> dict:
        runs = [end_part(s, n, t) for s, n, t in zip(self.sim.status, self.sim.steps_run.tolist(), self.trackers)]
        if self.cast is not array:  # float32 paths: their last points exactly, for distances to a minimum
            for run, point in zip(runs, self.last_points):
                run["last_point"] = point
        return {"type": "end", "id": self.request_id, "runs": runs, **self.tag}


def run_plan(plan: Plan, stop: Stop | None = None) -> dict:
    """Every run of ``plan`` to its end, chunk by chunk, joined; ``stop()`` is asked between chunks and, when it
    says so, the work ends there with :class:`Stopped` (its client has left, the server is stopping)."""
    stream = RunStream(plan, stop=stop)
    chunks = []
    while not stream.done:
        if stop is not None and stop():
            raise Stopped()
        chunks.append(stream.next_frame(settings.ws_chunk_steps)["runs"])
    ends = stream.end_frame()["runs"]
    runs = [{**echo, **join_parts([c[i] for c in chunks]), **end}
            for i, (echo, end) in enumerate(zip(plan.echo, ends))]
    return {"surface": plan.surface.id, "start": list(plan.start), "steps": plan.steps, "runs": runs}


def run_request(request: RunRequest | dict | Plan, *, stop: Stop | None = None) -> dict:
    """What ``POST /api/runs`` answers for ``request`` (its body as a dict, a validated :class:`RunRequest`, or
    its :class:`Plan` already); trajectories as numpy arrays. Raises :class:`~app.services.errors.Refused`
    naming the field for bad input, :class:`~app.services.errors.Stopped` if ``stop()`` said so."""
    return run_plan(request if isinstance(request, Plan) else plan_runs(request), stop)


def open_stream(body: dict, request_id=None, stop: Stop | None = None) -> RunStream:
    """A streamed request (a run request plus the stream's own ``lanes`` and ``compact`` options) planned and
    ready to compute; refusals name the field."""
    body = dict(body)
    fields, cast = compact_option(body.pop("compact", None))
    lanes = body.pop("lanes", None)
    plan = plan_runs(body)
    return RunStream(plan, lanes_option(lanes, len(plan.runs)), fields, cast, request_id, stop)
