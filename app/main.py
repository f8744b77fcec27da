"""The application factory: assembles routers, static files and pages. No logic of its own."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .api import health, optimizers, runs, stream, surfaces
from .surfaces import all_surfaces

log = logging.getLogger("slopes")


@asynccontextmanager
async def lifespan(app: FastAPI):
    await anyio.to_thread.run_sync(all_surfaces)  # polish every surface's minima once, off the loop
    yield


def create_app() -> FastAPI:
    app = FastAPI(title="Slopes", version="0.1.0", lifespan=lifespan,
                  description="Optimizer trajectories on 2-D surfaces, exactly as torch.optim computes them.")
    for module in (health, surfaces, optimizers, stream, runs):
        app.include_router(module.router)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):  # never a traceback to the client
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    return app


app = create_app()
