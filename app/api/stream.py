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

import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from ..engine import Interrupted, Simulation, start_points, state_lists
from ..services.errors import Refused, Stopped
from ..services.planning import plan_runs
from ..services.runs import step_extras
from ..settings import settings
from .compute import compute, stopping
from .errors import frame
from .serialize import array
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
    request_id = None
    try:
        body, request_id = parse_message(message)
        fields, cast = _compact(body.pop("compact", None))
        lanes = body.pop("lanes", None)
        plan = await compute(plan_runs, body)
        lanes = _lanes(lanes, len(plan.runs))
    except Refused as e:
        await send(ws, frame(e, request_id))
        return

    tag = {} if lanes is None else {"lanes": lanes}
    if lanes is not None:
        plan.runs, plan.echo = [plan.runs[i] for i in lanes], [plan.echo[i] for i in lanes]
    sim = Simulation(plan.surface, plan.runs, plan.steps, plan.gradient, record_state=plan.include_state, units=lanes)
    sim.interrupt.test = lambda: stopping() or inbox.message is not None or inbox.closed
    await send(ws, {"type": "start", "id": request_id, "surface": plan.surface.id, "start": list(plan.start),
                    "steps": plan.steps, "runs": plan.echo, **tag})
    starts, start_losses = start_points(sim)
    first = True
    offset = 0
    last_points = [list(map(float, p)) for p in starts]
    while first or not sim.done:
        if stopping():
            await send(ws, frame(Stopped("the server is stopping"), request_id))
            await ws.close(code=1012, reason="server stopping")
            return
        size = sim.chunk_steps(settings.ws_first_chunk_steps if first else settings.ws_chunk_steps)
        try:
            chunk, tests = await compute(_advance, sim, size, starts if first else None)
        except Interrupted:  # stopped inside an expensive step: the checks below say why
            chunk = None
        if inbox.message is not None or inbox.closed:  # replaced or gone: drop this chunk, compute nothing more
            return
        if chunk is None:
            await send(ws, frame(Stopped("the server is stopping"), request_id))
            await ws.close(code=1012, reason="server stopping")
            return
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
                last_points[i] = [float(points[-1][0]), float(points[-1][1])]
        await send(ws, {"type": "chunk", "id": request_id, "offset": offset, "runs": runs, **tag})
        offset += (1 if first else 0) + chunk.points.shape[0]
        first = False
    end = [{"status": s, "steps_run": n, "diverged_at": n + 1 if s == "diverged" else None}
           for s, n in zip(sim.status, sim.steps_run.tolist())]
    if cast is not array:  # float32 paths: their last points exactly, for distances to a minimum
        for run, point in zip(end, last_points):
            run["last_point"] = point
    await send(ws, {"type": "end", "id": request_id, "runs": end, **tag})


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
