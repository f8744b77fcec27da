"""Computation off the event loop, in a bounded pool of worker threads."""
from __future__ import annotations

from functools import partial

import anyio

from ..settings import settings

_limiters: dict[str, anyio.CapacityLimiter] = {}


def limiter(pool: str = "runs") -> anyio.CapacityLimiter:
    """Two bounded pools: interactive runs and streams, and heavy maps (basins, sweeps), so a
    400 x 400 basin map never takes the threads that sliders and /healthz-adjacent work need."""
    if pool not in _limiters:
        _limiters[pool] = anyio.CapacityLimiter(settings.map_threads if pool == "maps" else settings.compute_threads)
    return _limiters[pool]


async def compute(fn, *args, pool: str = "runs", **kwargs):
    """Run ``fn`` in a worker thread of ``pool``; the event loop keeps serving other requests meanwhile."""
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=limiter(pool))
