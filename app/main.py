"""The application factory: assembles routers, static files and pages. No logic of its own."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .api import errors, health, lessons, maps, optimizers, pages, runs, stream, surfaces
from .api.middleware import Guard
from .api.schemas import ERROR_RESPONSES
from .settings import settings
from .surfaces import all_surfaces

log = logging.getLogger("slopes")


@asynccontextmanager
async def lifespan(app: FastAPI):
    await anyio.to_thread.run_sync(all_surfaces)  # polish every surface's minima once, off the loop
    yield


def create_app() -> FastAPI:
    app = FastAPI(title="Slopes", version="0.1.0", lifespan=lifespan, responses=ERROR_RESPONSES,
                  description="Optimizer trajectories on 2-D surfaces, exactly as torch.optim computes them.")
    for module in (health, surfaces, optimizers, stream, runs, maps, lessons, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")

    app.add_exception_handler(RequestValidationError, errors.validation_error)
    app.add_exception_handler(StarletteHTTPException, errors.http_error)
    app.add_exception_handler(Exception, errors.internal_error)
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # JSON answers and plotly.js
    app.add_middleware(Guard, max_body=settings.max_body)
    return app


app = create_app()
