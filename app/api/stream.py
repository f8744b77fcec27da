"""WebSocket /api/runs/ws: trajectories streamed chunk by chunk.

Frames (every one carries the request's ``id``)::

    {"type": "start", "id", "surface", "start", "steps", "runs": [{"optimizer", "label", "params", ...}]}
    {"type": "chunk", "id", "offset": k, "runs": [{"points", "losses", "lrs", "gradients", "test_losses"?, "state"?}]}
    {"type": "end",   "id", "runs": [{"status", "steps_run", "diverged_at"}]}
    {"type": "error", "id", "detail": [...]}

``offset`` is the index of the chunk's first point; the first chunk starts with
the start point.

A request may carry ``"lanes": [i, ...]`` (indices into its ``optimizers``): only
those runs are computed and sent, in that order, each exactly as the whole request
computes it (its own random streams); every frame then carries ``"lanes"``. The page
asks for the lane a slider moves and keeps the others it has. Each field concatenated over the chunks equals the same field
of the ``POST /api/runs`` answer (``lrs`` and ``gradients`` have one entry per
step, so the first chunk has one fewer of them than points). A new request
replaces the one in flight: the old one stops computing after its current
chunk, and none of its chunks are sent once the new one has arrived.
"""
from __future__ import annotations

import asyncio
import logging
import time

import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from ..engine import Interrupted, Simulation, start_points, state_lists
from ..services.costs import estimate_run
from ..services.errors import Refused, Stopped
from ..services.planning import plan_runs
from ..services.runs import step_extras
from ..settings import settings
from .compute import compute, lane_of, next_key, stopping
from .fairness import holding, let_go
from .errors import Busy, frame
from .serialize import array, dumps
from .sockets import accept, parse_message, receive_message, send

router = APIRouter(prefix="/api/runs", tags=["runs"])
log = logging.getLogger("slopes.stream")


class _Inbox:
    """The latest unanswered message; a newer one overwrites it (a dragged slider queues nothing)."""

    def __init__(self):
        self.message: str | None = None
        self.arrived = asyncio.Event()
        self.closed = False  # the client has gone: the run being served stops at once

    def put(self, message: str):
        self.message = message
        self.arrived.set()

    def take(self) -> str | None:
        message, self.message = self.message, None
        self.arrived.clear()
        return message


@router.websocket("/ws")
async def runs_socket(ws: WebSocket):
    if not await accept(ws):
        return
    inbox = _Inbox()

    async def receive():
        while True:
            message = await receive_message(ws)
            if message is None:
                inbox.closed = True
                return
            inbox.put(message)

    receiver = asyncio.create_task(receive())
    try:
        while True:
            waiter = asyncio.create_task(inbox.arrived.wait())
            done, _ = await asyncio.wait({waiter, receiver}, return_when=asyncio.FIRST_COMPLETED)
            if receiver in done:  # the client left (or sent something unreadable)
                waiter.cancel()
                break
            message = inbox.take()
            if message is not None:
                await _serve(ws, message, inbox)
    except WebSocketDisconnect:
        pass
    finally:
        receiver.cancel()


async def _serve(ws: WebSocket, message: str, inbox: _Inbox):
    with holding():  # light until found heavy: heavy computations step aside meanwhile
        await _serve_held(ws, message, inbox)


async def _serve_held(ws: WebSocket, message: str, inbox: _Inbox):
    request_id = None
    replaced = lambda: inbox.message is not None or inbox.closed  # noqa: E731  (a newer request, or the client left)
    try:
        body, request_id = parse_message(message)
        fields, cast = _compact(body.pop("compact", None))
        lanes = body.pop("lanes", None)
        # planning, the simulation and its first (small) chunk in one worker hop, or the whole of a small request
        # (a dragged lane's); then the rest in batches of chunks, a hop each (a hop is cheap on a quiet machine, not
        # on a loaded one)
        run, head, frames, state = await compute(_begin, body, lanes, fields, cast, request_id, replaced)
    except Refused as e:
        await send(ws, frame(e, request_id))
        return
    if replaced():
        return
    await ws.send_text(head)
    pool = lane_of(run.plan.cost, "runs")  # the rest: in the light lane, or as heavy work that steps aside for it
    key = next_key()  # a heavy stream's place in line, for all its chunks
    if pool != "light":
        let_go()
    deadline = time.monotonic() + settings.request_deadline_seconds
    while True:
        for text in frames:
            await asyncio.sleep(0)  # the receiver may take a newer request first
            if replaced():  # replaced or gone: nothing more of this request is sent
                return
            await ws.send_text(text)
        if state == "replaced" or replaced():
            return
        if state == "stopping":
            await send(ws, frame(Stopped("the server is stopping"), request_id))
            await ws.close(code=1012, reason="server stopping")
            return
        if state == "done":
            break
        if time.monotonic() > deadline:
            await send(ws, frame(Busy("runs", f"the request ran past its deadline of {settings.request_deadline_seconds}"
                                              f" s (the server is busy); ask again or ask for less"), request_id))
            return
        frames, state = await compute(run.batch, pool=pool, key=key)
    await send(ws, run.end_frame())


BATCH_SECONDS = 0.02  # a worker computes chunks for about this long before the event loop sends them


def _begin(body: dict, lanes, fields, cast, request_id, replaced):
    """In a worker: the plan, the stream, its start frame and its first batch of chunk frames."""
    plan = plan_runs(body)
    lanes = _lanes(lanes, len(plan.runs))
    run = _Run(plan, lanes, fields, cast, request_id, replaced)
    head = dumps({"type": "start", "id": request_id, "surface": plan.surface.id, "start": list(plan.start),
                  "steps": plan.steps, "runs": plan.echo, **run.tag}).decode()
    return (run, head, *run.batch(first_only=not plan.cost.light))


class _Run:
    """One request's stream: its simulation and where its frames have got to. Chunks are computed and written as
    JSON in worker threads, a batch of about :data:`BATCH_SECONDS` at a time; the event loop only sends them."""

    def __init__(self, plan, lanes, fields, cast, request_id, replaced):
        self.tag = {} if lanes is None else {"lanes": lanes}
        if lanes is not None:
            plan.runs, plan.echo = [plan.runs[i] for i in lanes], [plan.echo[i] for i in lanes]
            plan.cost = estimate_run(plan)  # a dragged lane alone: light work
        self.plan, self.fields, self.cast, self.request_id, self.replaced = plan, fields, cast, request_id, replaced
        self.sim = Simulation(plan.surface, plan.runs, plan.steps, plan.gradient, record_state=plan.include_state,
                              units=lanes)
        self.sim.interrupt.test = lambda: stopping() or replaced()
        self.starts, self.start_losses = start_points(self.sim)
        self.first = True
        self.offset = 0
        self.last_points = [list(map(float, p)) for p in self.starts]

    def batch(self, first_only: bool = False) -> tuple[list[str], str]:
        """The next chunk frames (JSON text), and what follows them: ``"more"``, ``"done"``, ``"replaced"`` (a
        newer request or a closed socket: send nothing more) or ``"stopping"`` (the server is shutting down).
        ``first_only``: the first chunk alone (sent with the start frame, a quick first paint)."""
        sim, frames, began = self.sim, [], time.perf_counter()
        while self.first or not sim.done:
            if stopping():
                return frames, "stopping"
            size = self.plan.cost.chunk_steps(sim.chunk_steps(settings.ws_first_chunk_steps if self.first
                                                              else settings.ws_chunk_steps))
            try:
                chunk, tests = _advance(sim, size, self.starts if self.first else None)
            except Interrupted:  # stopped inside an expensive step
                return frames, "replaced" if self.replaced() else "stopping"
            if self.replaced():  # drop this chunk, compute nothing more
                return frames, "replaced"
            frames.append(dumps(self._chunk_frame(chunk, tests)).decode())
            if (first_only or time.perf_counter() - began >= BATCH_SECONDS) and not sim.done:
                return frames, "more"
        return frames, "done"

    def _chunk_frame(self, chunk, tests) -> dict:
        plan, sim, first, cast, fields = self.plan, self.sim, self.first, self.cast, self.fields
        starts, start_losses = self.starts, self.start_losses
        runs = []
        for i, run in enumerate(plan.runs):
            part = chunk.run(i)
            points, losses = part["points"], part["losses"]
            if first:
                points = np.concatenate([starts[i:i + 1], points])
                losses = np.concatenate([start_losses[i:i + 1], losses])
            out = {"points": cast(points), "losses": array(losses), "lrs": cast(part["lrs"]),
                   "gradients": cast(part["gradients"]) if run.uses_gradient else None,
                   **step_extras(part, starts[i] if first else None)}
            if tests is not None:
                out["test_losses"] = array(tests[i])
            if plan.include_state:
                out["state"] = state_lists([part.get("state", {})], [len(part["lrs"])], sim.state_names[i])
            # a compact frame keeps the fields asked for, and test_losses whenever the surface has a test landscape
            # (a per-run result the page cannot recompute, not a bulk field to economise on)
            runs.append(out if fields is None else {k: v for k, v in out.items() if k in fields or k == "test_losses"})
            if len(points):
                self.last_points[i] = [float(points[-1][0]), float(points[-1][1])]
        out = {"type": "chunk", "id": self.request_id, "offset": self.offset, "runs": runs, **self.tag}
        self.offset += (1 if first else 0) + chunk.points.shape[0]
        self.first = False
        return out

    def end_frame(self) -> dict:
        sim = self.sim
        end = [{"status": s, "steps_run": n, "diverged_at": n + 1 if s == "diverged" else None}
               for s, n in zip(sim.status, sim.steps_run.tolist())]
        if self.cast is not array:  # float32 paths: their last points exactly, for distances to a minimum
            for run, point in zip(end, self.last_points):
                run["last_point"] = point
        return {"type": "end", "id": self.request_id, "runs": end, **self.tag}


COMPACT_FIELDS = ("points", "losses", "lrs", "gradients")


def _lanes(option, n: int) -> list[int] | None:
    """The optional ``"lanes"`` of a socket request: distinct indices into its ``optimizers`` (absent: all)."""
    if option is None:
        return None
    if (not isinstance(option, list) or not option
            or any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n for i in option)):
        raise Refused(["lanes"], f"lanes must be a non-empty list of indices into optimizers (0 to {n - 1})")
    if len(set(option)) != len(option):
        raise Refused(["lanes"], "lanes must not repeat an index")
    return list(option)


def _compact(option):
    """The optional ``"compact": {"fields": [...], "float32": true}`` of a socket request (the page's own economy:
    only the fields it draws, at float32 precision, about half the bytes; losses stay float64, since f - f* needs
    every digit). Absent, frames are exact and whole."""
    if option is None:
        return None, array
    if not isinstance(option, dict) or set(option) - {"fields", "float32"}:
        raise Refused(["compact"], "compact must be an object with 'fields' (a list) and 'float32' (true or false)")
    fields = option.get("fields")
    if fields is not None and (not isinstance(fields, list) or any(f not in COMPACT_FIELDS for f in fields)):
        raise Refused(["compact", "fields"], f"compact.fields must be a list of {', '.join(COMPACT_FIELDS)}")
    if not isinstance(option.get("float32", False), bool):
        raise Refused(["compact", "float32"], "compact.float32 must be true or false")
    return fields, (_float32 if option.get("float32") else array)


def _float32(a):
    return np.ascontiguousarray(a, dtype=np.float32)


def _advance(sim: Simulation, size: int, starts=None):
    """The next chunk, and each run's test losses over it (surfaces with a test landscape; else ``None``);
    ``starts`` (the first chunk) puts the start points' test losses first."""
    chunk = sim.advance(size)
    if sim.surface.test_shift is None:
        return chunk, None
    tests = []
    for i in range(len(sim.runs)):
        points = chunk.run(i)["points"]
        tests.append(sim.surface.test_losses(points if starts is None else np.concatenate([starts[i:i + 1], points])))
    return chunk, tests
