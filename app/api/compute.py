"""Computation off the event loop, in a bounded pool of worker threads."""
from __future__ import annotations

from functools import partial

import anyio

from ..settings import settings

_limiter: anyio.CapacityLimiter | None = None


def limiter() -> anyio.CapacityLimiter:
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(settings.compute_threads)
    return _limiter


async def compute(fn, *args, **kwargs):
    """Run ``fn`` in a worker thread; the event loop keeps serving other requests meanwhile."""
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=limiter())
