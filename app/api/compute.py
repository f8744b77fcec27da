"""Computation off the event loop, in bounded pools of worker threads shared fairly; work nobody waits for stops.

Every computation's cost is estimated before it runs (:mod:`app.services.costs`, seconds of one worker's CPU):

- **Lanes.** Work estimated under ``light_request_ms`` (a slider's run, a page's stream, a grid) runs in the
  *light* pool (``light_threads``), which heavy work never holds. Heavy run requests and streams go to the
  *runs* pool (``compute_threads``), basin maps and sweeps to the *maps* pool (``map_threads``).
- **Sharing.** Heavy work steps aside for light work chunk by chunk, and one heavy thread per pool computes at a
  time, in admission order (:mod:`.fairness`).
- **Admission and deadlines.** A heavy request is refused at once (503 with ``Retry-After``) when the heavy work
  admitted to its pool before it, with its own, would not end within ``request_deadline_seconds`` (at the rate
  the pool has been getting through its estimates lately), or when ``max_queue`` requests wait already; one
  still running at its deadline stops there (503).
- :func:`compute` runs a function in a pool; :func:`compute_for` does it for an HTTP request, with admission,
  the deadline, and a stop when the client leaves or the server begins to shut down.
"""
from __future__ import annotations

import asyncio
import itertools
import math
import signal
import threading
import time
from functools import partial

import anyio
from starlette.requests import Request

from ..heap import give_back
from ..services.costs import Cost
from ..services.errors import Stopped
from ..settings import settings
from .errors import Busy, ClientGone
from .fairness import GATE, STOPPING, in_turn, let_go, paced

POOLS = ("light", "runs", "maps")
_limiters: dict[str, anyio.CapacityLimiter] = {}
_outstanding = {pool: 0 for pool in POOLS}  # HTTP computations holding or waiting for a thread of each pool
COUNTS = {"stopped": 0, "refused_busy": 0, "deadline": 0}  # ended early (client gone, shutdown); 503s
_keys = itertools.count()  # the order of heavy work: admission, or a stream's start


def threads(pool: str) -> int:
    return {"light": settings.light_threads, "maps": settings.map_threads}.get(pool, settings.compute_threads)


def limiter(pool: str = "runs") -> anyio.CapacityLimiter:
    if pool not in _limiters:
        _limiters[pool] = anyio.CapacityLimiter(threads(pool))
    return _limiters[pool]


def stopping() -> bool:
    return STOPPING.is_set()


def next_key() -> int:
    return next(_keys)


class Work:
    """One admitted heavy computation: its estimate, its place in line, and since when it has run."""

    def __init__(self, pool: str, cost: Cost | None):
        self.pool, self.seconds = pool, (cost.seconds if cost is not None else 0.0)
        self.key = next_key()
        self.started: float | None = None

    def remaining(self, now: float) -> float:
        if self.started is None:
            return self.seconds
        return max(0.1 * self.seconds, self.seconds - (now - self.started) * RATE[self.pool])


_admitted: dict[str, dict[int, Work]] = {pool: {} for pool in POOLS}
# estimated seconds a pool gets through per second of wall time, lately (1: as measured on a quiet machine; less
# when other processes, light work or the estimates' errors slow it down)
RATE = {pool: 1.0 for pool in POOLS}


def _learn_rate(work: Work) -> None:
    """After heavy work ends: fold how fast it went (its estimate over its time) into its pool's :data:`RATE`."""
    if work.started is None or work.seconds < 0.5 or work.pool == "light":
        return
    took = max(1e-3, time.monotonic() - work.started)
    RATE[work.pool] = min(4.0, max(0.05, 0.7 * RATE[work.pool] + 0.3 * work.seconds / took))


def expected_wait(pool: str) -> float:
    """Seconds a heavy request admitted to ``pool`` now would wait for the work admitted before it."""
    now = time.monotonic()
    return sum(w.remaining(now) for w in _admitted[pool].values()) / RATE[pool]


def light_wait() -> float:
    """Seconds a light computation would wait now for a light thread: those in flight beyond the light threads,
    at the recent median light time each."""
    recent = sorted(took for _, took in list(GATE.latencies)[-50:])
    typical = recent[len(recent) // 2] if recent else 0.01
    return max(0, _running["light"] + 1 - threads("light")) * typical / threads("light")


def lane_of(cost: Cost | None, pool: str) -> str:
    return "light" if cost is not None and cost.light else pool


_running = {"n": 0, "light": 0, "trim": None}  # computations in flight (light ones too), the trim's timer
TRIM_AFTER = (1.0, 5.0)  # seconds of no computation after which freed memory is handed back (again: answers
# still being sent at the first are freed by the second)


async def compute(fn, *args, pool: str = "light", key: int | None = None, **kwargs):
    """Run ``fn`` in a worker thread of ``pool`` (the light pool unless the work is known to be heavy); the event
    loop keeps serving meanwhile. Heavy work computes in its turn (``key``: its place in line, see
    :class:`~app.api.fairness.Baton`). Once no computation has run for the seconds of :data:`TRIM_AFTER`, freed
    heap goes back to the kernel (:func:`~app.heap.give_back`)."""
    call = partial(fn, *args, **kwargs)
    light = pool == "light"
    turn = next_key() if key is None else key
    _running["n"] += 1
    _running["light"] += light
    token = GATE.hold() if light else None
    try:
        return await anyio.to_thread.run_sync(call if light else partial(in_turn, pool, turn, call),
                                              limiter=limiter(pool))
    finally:
        if token is not None:
            GATE.release(token, record=True)
        _running["n"] -= 1
        _running["light"] -= light
        if _running["n"] == 0:
            _schedule_trim()


def _schedule_trim(k: int = 0) -> None:
    loop = asyncio.get_running_loop()
    if _running["trim"] is not None:
        _running["trim"].cancel()
    delay = TRIM_AFTER[k] - (TRIM_AFTER[k - 1] if k else 0.0)
    _running["trim"] = loop.call_later(delay, _trim_if_idle, k)


def _trim_if_idle(k: int) -> None:
    _running["trim"] = None
    if _running["n"] == 0:  # collecting and trimming take milliseconds: a thread, so the loop never waits for them
        threading.Thread(target=give_back, name="slopes-trim", daemon=True).start()
        if k + 1 < len(TRIM_AFTER):
            _schedule_trim(k + 1)


def admit(pool: str, cost: Cost | None) -> Work:
    """Admission (see the module's text): a :class:`Busy` (503) when ``pool`` cannot take the work in time."""
    queue = settings.max_queue * (4 if pool == "light" else 1)
    if _outstanding[pool] >= threads(pool) + queue:
        COUNTS["refused_busy"] += 1
        raise Busy(pool)
    work = Work(pool, cost)
    if pool != "light":
        wait = expected_wait(pool)
        if wait + work.seconds > settings.request_deadline_seconds:
            COUNTS["refused_busy"] += 1
            raise Busy(pool, f"the server has about {wait:.0f} s of heavy work ahead of this request (about "
                             f"{work.seconds:.2g} s): it would not end within {settings.request_deadline_seconds} s; "
                             f"try again later or ask for less",
                       retry_after=max(1, math.ceil(wait + work.seconds - settings.request_deadline_seconds)))
    _admitted[pool][work.key] = work
    return work


async def compute_for(request: Request, fn, *args, pool: str = "runs", cost: Cost | None = None, **kwargs):
    """``fn(*args, stop=..., **kwargs)`` in a worker thread for an HTTP request, in the light lane when ``cost``
    says it is light. ``stop()`` turns true when the client has gone, the server is stopping or the request's
    deadline has passed; ``fn`` asks it between chunks and ends there (raising
    :class:`~app.services.errors.Stopped`). Refused at once with 503 when its lane cannot take it (see
    :func:`admit`)."""
    pool = lane_of(cost, pool)
    work = admit(pool, cost)
    if pool != "light":  # this request is heavy: it no longer holds heavy work back
        let_go()
    gone = threading.Event()
    deadline = time.monotonic() + settings.request_deadline_seconds

    def stop() -> bool:
        return gone.is_set() or STOPPING.is_set() or time.monotonic() > deadline

    def started(*a, **k):
        work.started = time.monotonic()
        return fn(*a, **k)

    _outstanding[pool] += 1
    task = asyncio.ensure_future(compute(started, *args, stop=stop if pool == "light" else paced(stop), pool=pool,
                                         key=work.key, **kwargs))
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        done, _ = await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            if isinstance(task.exception(), Stopped) and time.monotonic() > deadline and not STOPPING.is_set():
                COUNTS["deadline"] += 1
                raise Busy(pool, f"the request ran past its deadline of {settings.request_deadline_seconds} s "
                                 f"(the server is busy); try again later or ask for less")
            result = task.result()
            _learn_rate(work)  # (only from work that ran to its end)
            return result
        gone.set()  # the client left: the work ends at its next chunk; wait so its thread is free again
        await asyncio.wait({task})
        if not task.cancelled() and isinstance(task.exception(), Stopped):
            COUNTS["stopped"] += 1
        raise ClientGone()
    finally:
        gone.set()  # also when this request is cancelled (a forced shutdown): the thread stops too
        watcher.cancel()
        _outstanding[pool] -= 1
        _admitted[pool].pop(work.key, None)


async def _disconnected(request: Request) -> None:
    """Returns once the client has closed the connection (its body has been read already)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def busy() -> dict:
    return {pool: limiter(pool).borrowed_tokens for pool in POOLS}


def counts() -> dict:
    return {**COUNTS, "waiting": dict(_outstanding), "heavy_paused_seconds": round(GATE.paused, 3)}


def readiness() -> dict:
    """The queue as ``GET /readyz`` reports it, and whether a light request would wait within the target."""
    wait = light_wait()
    p95 = GATE.recent_p95()
    target = settings.light_target_ms / 1000
    ready = wait <= target and (p95 is None or p95 <= target) and not STOPPING.is_set()
    return {"status": "ready" if ready else "busy",
            "light": {"running": limiter("light").borrowed_tokens,
                      "waiting": max(0, _running["light"] - limiter("light").borrowed_tokens),
                      "expected_wait_ms": round(wait * 1000, 1),
                      "recent_p95_ms": None if p95 is None else round(p95 * 1000, 1),
                      "target_ms": settings.light_target_ms},
            "heavy": {pool: {"running": limiter(pool).borrowed_tokens, "admitted": len(_admitted[pool]),
                             "expected_wait_s": round(expected_wait(pool), 2), "rate": round(RATE[pool], 2)}
                      for pool in ("runs", "maps")},
            "stopping": STOPPING.is_set()}


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
