"""GET /healthz (alive: answered on the event loop, never behind computation), GET /readyz (ready: a light
request would be answered within the target now), GET /api/status and GET /api/limits."""
import asyncio
import threading

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from ..settings import public_limits, settings
from .compute import busy, counts, readiness

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz():
    return {"status": "ok"}


@router.head("/healthz", include_in_schema=False)
async def healthz_head() -> Response:
    """Uptime monitors and ``curl -I`` ask with HEAD (it was a 405: "down")."""
    return Response(status_code=200, media_type="application/json")


@router.get("/readyz", responses={503: {"description": "a light request would wait longer than the target"}})
async def readyz():
    """Whether this server would answer a light request (a slider's run, a page's stream) within
    ``light_target_ms`` now: 200 with the queue, or 503 with the same report while light requests would wait
    longer (or the server is stopping). ``/healthz`` only says that the process is alive."""
    report = readiness()
    return JSONResponse(report, status_code=200 if report["status"] == "ready" else 503)


@router.head("/readyz", include_in_schema=False)
async def readyz_head() -> Response:
    return Response(status_code=200 if readiness()["status"] == "ready" else 503, media_type="application/json")


@router.get("/api/status")
async def status():
    """Live counts for operators and the load test: asyncio tasks, threads, busy compute threads."""
    return {"tasks": len(asyncio.all_tasks()), "threads": threading.active_count(), "busy": busy(), **counts()}


@router.get("/api/limits")
async def limits():
    """The limits this server enforces (the ``SLOPES_*`` settings), so a client never hard-codes them."""
    return public_limits(settings)
