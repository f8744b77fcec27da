"""WebSocket /api/maps/ws: basin maps and sweeps over one socket, the newest request replacing the one in flight
(the page's map client asks here: a dragged slider's maps follow it without a connection per map).

A message is a ``POST /api/basins`` or ``POST /api/sweeps`` body plus ``"kind": "basins" | "sweeps"`` and an
optional ``"id"``. Frames (every one carries that id)::

    {"type": "progress", "id", "done", "total"}       every PROGRESS_EVERY s while a map computes
    {"type": "result", "id", "kind", ...the POST answer}
    {"type": "error", "id", "detail": [...]}          a refusal (the POST's 422 detail); the socket stays open

A message that arrives while another is computed replaces it: the old one stops at its next chunk and nothing
more of it is sent (no progress, no result). ``{"kind": "cancel"}`` only stops the one in flight (no answer).

Each message's map is estimated and run as its POST's is (:mod:`.compute`): a light one (a dragged lane's coarse
map) in the light lane, a heavy one admitted to the maps pool, in its turn, stepping aside for light work, stopped
at its deadline; a pool that cannot take it answers an error frame (``type: "unavailable"``), the socket open.
"""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, WebSocket

from .. import services
from ..services.errors import Refused, Stopped
from .compute import compute, compute_admitted
from .errors import Busy, frame
from .fairness import holding
from .serialize import dumps
from .sockets import Inbox, accept, parse_message, send, serve_latest

router = APIRouter(prefix="/api/maps", tags=["maps"])
PROGRESS_EVERY = 0.1  # seconds between progress frames
KINDS = {"basins": services.basins, "sweeps": services.sweeps}


@router.websocket("/ws")
async def maps_socket(ws: WebSocket):
    if await accept(ws):
        await serve_latest(ws, _serve)


def _answer(fn, body: dict, request_id, kind: str, **kwargs) -> str:
    """In a worker: the map and its result frame as JSON text (a 400 x 400 map's is megabytes)."""
    return dumps({"type": "result", "id": request_id, "kind": kind, **fn(body, **kwargs)}).decode()


async def _serve(ws: WebSocket, message: str, inbox: Inbox):
    with holding():  # light until found heavy: heavy computations step aside meanwhile
        await _serve_held(ws, message, inbox)


async def _serve_held(ws: WebSocket, message: str, inbox: Inbox):
    request_id = None
    try:
        body, request_id = parse_message(message)
        kind = body.pop("kind", None)
        if kind == "cancel":  # the one in flight has stopped already: this message replaced it
            return
        if kind not in KINDS:
            raise Refused(["kind"], f"kind must be one of {sorted(KINDS)}", "kind")
        cost = await compute(services.maps.map_cost, kind, body)  # the checks and the estimate: an error at once
    except Refused as e:
        await send(ws, frame(e, request_id))
        return
    if inbox.replaced():
        return
    latest = {"done": 0, "total": body.get("steps") if isinstance(body.get("steps"), int) else 0}

    def report(done, total):
        latest["done"], latest["total"] = done, total

    # as a POST's: in the light lane (a dragged lane's coarse map), or admitted as heavy work of the maps pool
    task = asyncio.ensure_future(compute_admitted(_answer, KINDS[kind], body, request_id, kind, report=report,
                                                  pool="maps", cost=cost, stop=inbox.replaced))
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=PROGRESS_EVERY)
            if not task.done() and not inbox.replaced():
                await send(ws, {"type": "progress", "id": request_id, **latest})
        text = task.result()
    except (Refused, Busy) as e:  # refused (a 422's detail), or busy: its queue is full, or past its deadline
        if not inbox.replaced():
            await send(ws, frame(e, request_id))
        return
    except Stopped:
        if inbox.replaced():  # a newer request (or the client left): nothing more of this one
            return
        await send(ws, frame(Stopped("the server is stopping"), request_id))
        await ws.close(code=1012, reason="server stopping")
        return
    finally:
        if not task.done():  # the socket failed while sending progress: the computation stops at its next chunk
            inbox.closed = True
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
    if not inbox.replaced():
        await ws.send_text(text)
