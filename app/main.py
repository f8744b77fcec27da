"""The application factory: assembles routers, static files and pages. No logic of its own."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from .api import (errors, health, lessons, maps, mapstream, optimizers, pages, rules, runs, schedules, stream,
                  surfaces, verdicts)
from .api.compute import watch_shutdown_signals
from .api.middleware import Guard
from .schemas import ERROR_RESPONSES
from .assets import STATIC_DIR
from .settings import known_variables, settings, unknown_variables
from .surfaces import all_surfaces

log = logging.getLogger("slopes")


def warn_unknown_settings(environ=None) -> list[str]:
    """A warning naming each ``SLOPES_*`` variable that is no setting (a typo), and the known ones."""
    unknown = unknown_variables(environ)
    if unknown:
        log.warning("ignored unknown setting%s %s; the known ones are %s", "s" if len(unknown) > 1 else "",
                    ", ".join(unknown), ", ".join(known_variables()))
    return unknown


@asynccontextmanager
async def lifespan(app: FastAPI):
    watch_shutdown_signals()  # SIGTERM: computations in flight end at their next chunk
    warn_unknown_settings()
    await anyio.to_thread.run_sync(all_surfaces)  # polish every surface's minima once, off the loop
    yield


class RevalidatedFiles(StaticFiles):
    """Static files with their validators (ETag, Last-Modified) and ``Cache-Control: no-cache``: a browser
    keeps them but asks each time (a 304 when unchanged), so a new release is never half-cached."""

    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        return response


def create_app() -> FastAPI:
    app = FastAPI(title="Slopes", version="0.1.0", lifespan=lifespan, responses=ERROR_RESPONSES,
                  docs_url=None, redoc_url=None,  # self-hosted in pages: no CDN
                  description="Optimizer trajectories on 2-D surfaces, exactly as torch.optim computes them.")
    for module in (health, surfaces, optimizers, schedules, rules, stream, runs, verdicts, maps, mapstream, lessons,
                   pages):
        app.include_router(module.router)
    app.mount("/static", RevalidatedFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs-assets", RevalidatedFiles(directory=pages.docs_assets()), name="docs-assets")
    errors.install(app)
    # JSON answers (the large POST answers and scripts compress in a worker): level 1, on the event loop, is a quarter
    # of level 9's time for 6 % more bytes (a 3 MB grid: 59 ms instead of 227)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    app.add_middleware(Guard, max_body=settings.max_body, max_message=settings.max_ws_message)
    return app


app = create_app()
