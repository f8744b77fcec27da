"""POST /api/basins, WebSocket /api/basins/ws (with progress), POST /api/sweeps."""
from __future__ import annotations

import asyncio
import json
import threading

import numpy as np
from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from ..maps import basin_map, sweep, with_values
from ..optimizers import HyperparameterError
from ..settings import settings
from .build import RequestError, _phase, check_domain, gradient_spec, surface_for
from .compute import compute
from .errors import finite_json
from .schemas import BasinRequest, BasinResponse, SweepRequest, SweepResponse
from .serialize import FastJSON, dumps
from .stream import receive_message

router = APIRouter(prefix="/api", tags=["maps"])
PROGRESS_EVERY = 0.1  # seconds between progress frames




def plan_basins(req: BasinRequest):
    if req.n * req.n * req.steps > settings.max_point_steps:
        raise RequestError(["steps"], f"n x n x steps = {req.n * req.n * req.steps:,} is over the budget of "
                                      f"{settings.max_point_steps:,} point-steps; lower n or steps")
    surface = surface_for(req.surface, req.formula, req.domain if req.surface == "custom" else None, True,
                          options=req.surface_options)
    domain = check_domain(req.domain)
    phases = [_phase(req.optimizer, req.params, req.schedule, 0, [])]
    if req.switch is not None:
        phases.append(_phase(req.switch.optimizer, req.switch.params, req.switch.schedule, req.switch.at_step,
                             ["switch"]))
    return surface, tuple(phases), domain, gradient_spec(req.gradient, surface)


def compute_basins(req: BasinRequest, progress=None) -> dict:
    surface, phases, domain, gradient = plan_basins(req)
    return basin_map(surface, phases, req.steps, req.n, domain, gradient, progress)


@router.post("/basins", response_model=BasinResponse)
async def post_basins(req: BasinRequest):
    """Which minimum each start of an n x n grid ends at: -1 none, -2 diverged."""
    return FastJSON(await compute(compute_basins, req, pool="maps"))


@router.websocket("/basins/ws")
async def basins_socket(ws: WebSocket):
    """Send a basins request; receive ``{"type": "progress", "done", "total"}`` frames, then
    ``{"type": "result", ...the POST answer}``, or ``{"type": "error", "detail"}``."""
    await ws.accept()
    try:
        while True:
            message = await receive_message(ws)
            if message is None:
                return
            try:
                req = BasinRequest.model_validate(json.loads(message))
                plan = await compute(plan_basins, req)
            except ValidationError as e:
                await ws.send_text(dumps({"type": "error", "detail": finite_json(json.loads(e.json(include_url=False)))}).decode())
                continue
            except (HTTPException, ValueError) as e:
                detail = e.detail if isinstance(e, HTTPException) else [{"loc": [], "msg": str(e), "type": "json"}]
                await ws.send_text(dumps({"type": "error", "detail": detail}).decode())
                continue
            surface, phases, domain, gradient = plan
            latest = {"done": 0}
            stop = threading.Event()

            def progress(done, total):
                latest["done"] = done
                return not stop.is_set()  # a client that left stops the computation at the next chunk

            task = asyncio.create_task(compute(basin_map, surface, phases, req.steps, req.n, domain, gradient,
                                               progress, pool="maps"))
            try:
                while not task.done():
                    await asyncio.wait({task}, timeout=PROGRESS_EVERY)
                    if not task.done():
                        await ws.send_text(dumps({"type": "progress", "done": latest["done"], "total": req.steps}).decode())
            except BaseException:
                stop.set()
                raise
            await ws.send_text(dumps({"type": "result", **task.result()}).decode())
    except WebSocketDisconnect:
        pass


def compute_sweep(req: SweepRequest) -> dict:
    surface = surface_for(req.surface, req.formula, req.domain, options=req.surface_options)
    first = _phase(req.optimizer, req.params, req.schedule, 0, [])
    opt = first.optimizer
    names = [p.name for p in opt.params if p.scale in ("linear", "log")] + (
        ["betas[0]", "betas[1]"] if any(p.name == "betas" for p in opt.params) else [])
    axes = []
    for key, axis in (("x", req.x), ("y", req.y)):
        if axis is None:
            continue
        if axis.param not in names:
            raise RequestError([key, "param"], f"{opt.id} has no sweepable parameter {axis.param!r}; expected one "
                                               f"of {names}")
        if axis.scale == "log" and not 0 < axis.min < axis.max:
            raise RequestError([key, "min"], "a log axis needs 0 < min < max")
        if not axis.min < axis.max:
            raise RequestError([key, "max"], "max must be greater than min")
        values = (np.geomspace if axis.scale == "log" else np.linspace)(axis.min, axis.max, axis.n)
        axes.append((axis.param, values))
    cells = int(np.prod([len(v) for _, v in axes]))
    if cells > settings.max_sweep_cells or cells * req.steps > settings.max_point_steps:
        raise RequestError(["steps"], f"{cells} cells x {req.steps} steps is over the budget "
                                      f"({settings.max_sweep_cells} cells, {settings.max_point_steps:,} point-steps)")
    start = tuple(req.start) if req.start else tuple(surface.default_start)
    if len(start) != 2:
        raise RequestError(["start"], "start must be [x, y]")

    def validate(hyper):
        try:
            return opt.validate(hyper)
        except HyperparameterError as e:
            for key, axis in (("x", req.x), ("y", req.y)):
                if axis and axis.param.split("[")[0] == e.name.split("[")[0]:
                    raise RequestError([key, "min" if _refused(opt, hyper, axis.param, axis.min) else "max"],
                                       e.message) from None
            raise RequestError(["params", e.name], e.message) from None

    return sweep(surface, start, (first,), req.steps, axes, validate, gradient_spec(req.gradient, surface))


def _refused(opt, hyper: dict, param: str, value: float) -> bool:
    """Whether ``opt`` refuses ``hyper`` with ``param`` set to ``value``."""
    try:
        opt.validate(with_values(hyper, {param: value}))
    except HyperparameterError:
        return True
    return False


@router.post("/sweeps", response_model=SweepResponse)
async def post_sweeps(req: SweepRequest):
    """One optimizer's final loss, divergence and convergence over a grid of one or two hyperparameters."""
    return FastJSON(await compute(compute_sweep, req, pool="maps"))
