"""GET /healthz (answered on the event loop, never behind computation), GET /api/status and GET /api/limits."""
import asyncio
import threading

from fastapi import APIRouter, Response

from ..settings import public_limits, settings
from .compute import busy, counts

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz():
    return {"status": "ok"}


@router.head("/healthz", include_in_schema=False)
async def healthz_head() -> Response:
    """Uptime monitors and ``curl -I`` ask with HEAD (it was a 405: "down")."""
    return Response(status_code=200, media_type="application/json")


@router.get("/api/status")
async def status():
    """Live counts for operators and the load test: asyncio tasks, threads, busy compute threads."""
    return {"tasks": len(asyncio.all_tasks()), "threads": threading.active_count(), "busy": busy(), **counts()}


@router.get("/api/limits")
async def limits():
    """The limits this server enforces (the ``SLOPES_*`` settings), so a client never hard-codes them."""
    return public_limits(settings)
