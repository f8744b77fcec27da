"""WebSocket /api/runs/ws: trajectories streamed chunk by chunk.

Frames (every one carries the request's ``id``)::

    {"type": "start", "id", "surface", "start", "steps", "runs": [{"optimizer", "label", "params", ...}]}
    {"type": "chunk", "id", "offset": k, "runs": [{"points", "losses", "lrs", "gradients", ...optional fields}]}
    {"type": "end",   "id", "runs": [{"status", "steps_run", "diverged_at"}]}
    {"type": "error", "id", "detail": [...]}

``offset`` is the index of the chunk's first point; the first chunk starts with
the start point. A chunk's runs are shaped by the same function as the POST answer's
(:func:`app.services.runs.run_part`), optional fields included (``test_losses``,
``proposals``/``accepted``, ``averaged``, ``evaluations``/``evaluation_points``,
``state``, ``terms``/``quantities``): this module only sends them.

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

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from ..services.errors import Refused, Stopped
from ..services.runs import RunStream, open_stream
from ..settings import settings
from .compute import compute, lane_of, next_key, stopping
from .errors import Busy, frame
from .fairness import holding, let_go
from .serialize import dumps
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
        # planning, the stream and its first (small) chunk in one worker hop, or the whole of a small request (a
        # dragged lane's); then the rest in batches of chunks, a hop each (a hop is cheap on a quiet machine, not
        # on a loaded one)
        stream, head, frames, state = await compute(_begin, body, request_id, replaced)
    except Refused as e:
        await send(ws, frame(e, request_id))
        return
    if replaced():
        return
    await ws.send_text(head)
    pool = lane_of(stream.plan.cost, "runs")  # the rest: in the light lane, or as heavy work in its turn
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
        frames, state = await compute(_batch, stream, replaced, pool=pool, key=key)
    await send(ws, stream.end_frame())


BATCH_SECONDS = 0.02  # a worker computes chunks for about this long before the event loop sends them


def _begin(body: dict, request_id, replaced):
    """In a worker: the stream, its start frame and its first batch of chunk frames, as JSON text."""
    stream = open_stream(body, request_id, lambda: stopping() or replaced())
    head = dumps(stream.start_frame()).decode()
    plan = stream.plan
    return (stream, head, *_batch(stream, replaced, first_only=not plan.cost.light))


def _batch(stream: RunStream, replaced, first_only: bool = False) -> tuple[list[str], str]:
    """In a worker: the next chunk frames (JSON text) for about :data:`BATCH_SECONDS`, and what follows them:
    ``"more"``, ``"done"``, ``"replaced"`` (a newer request or a closed socket: send nothing more) or
    ``"stopping"`` (the server is shutting down). ``first_only``: the first chunk alone (sent with the start
    frame, a quick first paint)."""
    frames, began = [], time.perf_counter()
    while not stream.done:
        if stopping():
            return frames, "stopping"
        try:
            chunk = stream.next_frame()
        except Stopped:  # stopped inside an expensive step
            return frames, "replaced" if replaced() else "stopping"
        if replaced():  # drop this chunk, compute nothing more
            return frames, "replaced"
        frames.append(dumps(chunk).decode())
        if (first_only or time.perf_counter() - began >= BATCH_SECONDS) and not stream.done:
            return frames, "more"
    return frames, "done"
