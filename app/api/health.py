"""GET /healthz (answered on the event loop, never behind computation) and GET /api/status."""
import asyncio
import threading

from fastapi import APIRouter

from .compute import limiter

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz():
    return {"status": "ok"}


@router.get("/api/status")
async def status():
    """Live counts for operators and the load test: asyncio tasks, threads, busy compute threads."""
    return {"tasks": len(asyncio.all_tasks()), "threads": threading.active_count(),
            "busy": {"runs": limiter("runs").borrowed_tokens, "maps": limiter("maps").borrowed_tokens}}
