"""POST /api/basins, WebSocket /api/basins/ws (with progress), POST /api/sweeps."""
from __future__ import annotations

import asyncio
import threading

from fastapi import APIRouter, Request, Response, WebSocket, WebSocketDisconnect

from .. import services
from ..services.errors import Refused, Stopped
from .compute import compute, compute_for, lane_of, stopping
from .fairness import paced
from .errors import frame
from ..schemas import BasinRequest, BasinResponse, SweepRequest, SweepResponse
from .serialize import dumps
from .sockets import accept, parse_message, receive_message, send
from .bodies import JSONRoute

router = APIRouter(prefix="/api", tags=["maps"], route_class=JSONRoute)
PROGRESS_EVERY = 0.1  # seconds between progress frames
BUSY = {503: {"description": "busy or stopping; see Retry-After"}}


def _json(fn, body, stop) -> bytes:
    """``fn``'s answer as JSON, written in the worker (a 400 x 400 map's is megabytes)."""
    return dumps(fn(body, stop=stop))


def json_answer(content: bytes) -> Response:
    return Response(content, media_type="application/json")


@router.post("/basins", response_model=BasinResponse, responses=BUSY)
async def post_basins(body: BasinRequest, request: Request):
    """Which minimum each start of an n x n grid ends at: -1 none, -2 diverged."""
    cost = await compute(services.maps.map_cost, "basins", body)  # the checks and the estimate: a 422 at once
    return json_answer(await compute_for(request, _json, services.basins, body, pool="maps", cost=cost))


@router.post("/sweeps", response_model=SweepResponse, responses=BUSY)
async def post_sweeps(body: SweepRequest, request: Request):
    """One optimizer's final loss, divergence and convergence over a grid of one or two hyperparameters."""
    cost = await compute(services.maps.map_cost, "sweeps", body)
    return json_answer(await compute_for(request, _json, services.sweeps, body, pool="maps", cost=cost))


@router.websocket("/basins/ws")
async def basins_socket(ws: WebSocket):
    """Send a basins request; receive ``{"type": "progress", "done", "total"}`` frames, then
    ``{"type": "result", ...the POST answer}``, or ``{"type": "error", "detail"}``."""
    if not await accept(ws):
        return
    try:
        while True:
            message = await receive_message(ws)
            if message is None:
                return
            request_id = None
            try:
                body, request_id = parse_message(message)
                plan = await compute(services.maps.plan_basins, body)
            except Refused as e:
                await send(ws, frame(e, request_id))
                continue
            latest = {"done": 0, "total": plan[0].steps}
            gone = threading.Event()

            def report(done, total):
                latest["done"] = done

            pool = lane_of(plan[-1], "maps")
            stop = lambda: gone.is_set() or stopping()  # noqa: E731
            task = asyncio.ensure_future(compute(services.basins, plan[0], report=report, pool=pool,
                                                 stop=stop if pool == "light" else paced(stop)))
            try:
                while not task.done():
                    await asyncio.wait({task}, timeout=PROGRESS_EVERY)
                    if not task.done():
                        await send(ws, {"type": "progress", "id": request_id, **latest})
            except BaseException:
                gone.set()  # a client that left stops the computation at the next chunk
                raise
            try:
                result = task.result()
            except Stopped:
                await send(ws, frame(Stopped("the server is stopping"), request_id))
                await ws.close(code=1012, reason="server stopping")
                return
            await send(ws, {"type": "result", "id": request_id, **result})
    except WebSocketDisconnect:
        pass
