"""Computation off the event loop, in bounded pools of worker threads; work that nobody waits for stops.

- :func:`compute`: run a function in a worker thread of a pool (the event loop keeps serving).
- :func:`compute_for`: the same for an HTTP request: refused with 503 when the pool's queue is full,
  and stopped at its next chunk when the client leaves or the server begins to shut down."""
from __future__ import annotations

import asyncio
import signal
import threading
from functools import partial

import anyio
from starlette.requests import Request

from ..settings import settings
from ..services.errors import Stopped
from .errors import Busy, ClientGone

_limiters: dict[str, anyio.CapacityLimiter] = {}
_outstanding = {"runs": 0, "maps": 0}  # HTTP computations holding or waiting for a thread of each pool
COUNTS = {"stopped": 0, "refused_busy": 0}  # computations ended early (client gone, shutdown); 503s
STOPPING = threading.Event()  # set on SIGTERM / SIGINT: every computation ends at its next chunk


def limiter(pool: str = "runs") -> anyio.CapacityLimiter:
    """Two bounded pools: interactive runs and streams, and heavy maps (basins, sweeps), so a
    400 x 400 basin map never takes the threads that sliders and /healthz-adjacent work need."""
    if pool not in _limiters:
        _limiters[pool] = anyio.CapacityLimiter(settings.map_threads if pool == "maps" else settings.compute_threads)
    return _limiters[pool]


def stopping() -> bool:
    return STOPPING.is_set()


async def compute(fn, *args, pool: str = "runs", **kwargs):
    """Run ``fn`` in a worker thread of ``pool``; the event loop keeps serving other requests meanwhile."""
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=limiter(pool))


async def compute_for(request: Request, fn, *args, pool: str = "runs", **kwargs):
    """``fn(*args, stop=..., **kwargs)`` in a worker thread for an HTTP request. ``stop()`` turns true when
    the client has gone or the server is stopping; ``fn`` asks it between chunks and ends there
    (raising :class:`~app.services.errors.Stopped`). A pool whose threads are all busy and whose queue
    holds ``max_queue`` requests already answers 503 at once rather than after a long wait."""
    capacity = settings.map_threads if pool == "maps" else settings.compute_threads
    if _outstanding[pool] >= capacity + settings.max_queue:
        COUNTS["refused_busy"] += 1
        raise Busy(pool)
    gone = threading.Event()

    def stop() -> bool:
        return gone.is_set() or STOPPING.is_set()

    _outstanding[pool] += 1
    task = asyncio.ensure_future(compute(fn, *args, stop=stop, pool=pool, **kwargs))
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        done, _ = await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            return task.result()
        gone.set()  # the client left: the work ends at its next chunk; wait so its thread is free again
        await asyncio.wait({task})
        if not task.cancelled() and isinstance(task.exception(), Stopped):
            COUNTS["stopped"] += 1
        raise ClientGone()
    finally:
        gone.set()  # also when this request is cancelled (a forced shutdown): the thread stops too
        watcher.cancel()
        _outstanding[pool] -= 1


async def _disconnected(request: Request) -> None:
    """Returns once the client has closed the connection (its body has been read already)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def busy() -> dict:
    return {pool: limiter(pool).borrowed_tokens for pool in ("runs", "maps")}


def counts() -> dict:
    return {**COUNTS, "waiting": dict(_outstanding)}


def watch_shutdown_signals() -> None:
    """Chain SIGTERM / SIGINT so that, besides the server's own handling (stop accepting, close sockets),
    every computation in flight ends at its next chunk: a shutdown never waits for a 30 s basin map."""
    if threading.current_thread() is not threading.main_thread():
        return
    STOPPING.clear()
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if getattr(previous, "_slopes", False):
            continue

        def handler(signum, frame, previous=previous):
            STOPPING.set()
            if callable(previous):
                previous(signum, frame)
            elif previous == signal.SIG_DFL:
                signal.signal(signum, signal.SIG_DFL)
                signal.raise_signal(signum)

        handler._slopes = True
        signal.signal(sig, handler)
