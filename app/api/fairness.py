"""Light work first, heavy work in turn: how the worker threads share one interpreter.

Threads share one interpreter lock, so a separate pool for light work is not enough: four heavy threads beside a
light one would still take four fifths of the lock (and of the event loop's turns). So:

- **Holds.** Light work holds a :class:`Hold` while it is in flight: every HTTP request from its arrival to its
  answer (:class:`~app.api.middleware.Guard`; a request found heavy lets go, :func:`let_go`), each light
  computation, each light stream (:mod:`app.api.stream`).
- **Stepping aside.** Heavy work asks :meth:`LightFirst.step_aside` at each chunk's end (about
  :data:`~app.services.costs.CHUNK_SECONDS` of work; :func:`paced` puts it in a stop test) and waits there while a
  hold younger than :data:`HOLD_FOR` exists, at most :data:`MAX_PAUSE` at a time: light requests have the
  interpreter to themselves, and a flood of them slows heavy work without stopping it.
- **Turns.** One heavy thread per pool computes at a time, holding the pool's :class:`Baton` (also while it steps
  aside); the others wait in their admission order: first come, first served, so the admission's estimate of a
  wait holds and the first requests end first rather than all of them late. Light work meets at most one heavy
  thread per pool, and none while it steps aside.
"""
from __future__ import annotations

import collections
import contextlib
import contextvars
import math
import threading
import time

MAX_PAUSE = 0.05  # seconds a heavy thread waits for light work at one chunk before it goes on anyway (with
# chunks of about 20 ms, heavy work keeps a quarter of the time under a flood of light work)
HOLD_FOR = 1.0  # light work in flight longer than this (a slow client's download) no longer holds heavy work
STOPPING = threading.Event()  # set on SIGTERM / SIGINT: every computation ends at its next chunk


class Hold:
    """One light thing in flight."""

    __slots__ = ("at", "released")

    def __init__(self):
        self.at = time.monotonic()
        self.released = False


class Baton:
    """The turn of one heavy thread of a pool to compute; the others wait for it in the order of their ``key``
    (their admission: an earlier request goes first; a stream's chunks keep the place of its start)."""

    def __init__(self):
        self.changed = threading.Condition()
        self.waiting: list[float] = []
        self.holder: float | None = None

    def take(self, key: float) -> None:
        with self.changed:
            self.waiting.append(key)
            while self.holder is not None or min(self.waiting) != key:
                self.changed.wait()
            self.waiting.remove(key)
            self.holder = key

    def give(self) -> None:
        with self.changed:
            self.holder = None
            self.changed.notify_all()


BATONS = {"runs": Baton(), "maps": Baton()}


class LightFirst:
    """What light work is in flight, and heavy threads waiting for there to be none."""

    def __init__(self):
        self.changed = threading.Condition()
        self.holds: set[Hold] = set()
        self.paused = 0.0  # seconds heavy threads have waited, for /api/status
        self.latencies: collections.deque = collections.deque(maxlen=200)  # (finished at, seconds) of light work

    @property
    def light(self) -> int:
        return len(self.holds)

    def hold(self) -> Hold:
        token = Hold()
        with self.changed:
            self.holds.add(token)
        return token

    def release(self, token: Hold, record: bool = False) -> None:
        if token.released:
            return
        with self.changed:
            token.released = True
            self.holds.discard(token)
            if record:
                self.latencies.append((time.monotonic(), time.monotonic() - token.at))
            if not self.holds:
                self.changed.notify_all()

    def wait_for_light(self) -> None:
        """Wait while a hold younger than :data:`HOLD_FOR` exists, at most :data:`MAX_PAUSE`."""
        if not self.holds:
            return
        began = time.monotonic()
        with self.changed:
            while not STOPPING.is_set():
                now = time.monotonic()
                youngest = max((h.at for h in list(self.holds)), default=None)
                wait = 0.0 if youngest is None else min(youngest + HOLD_FOR - now, began + MAX_PAUSE - now)
                if wait <= 0:
                    break
                self.changed.wait(wait)
        self.paused += time.monotonic() - began

    def step_aside(self) -> None:
        """In a heavy worker thread, between chunks: wait while light work is in flight (keeping the pool's turn,
        so no other heavy thread computes meanwhile either)."""
        self.wait_for_light()

    def recent_p95(self, seconds: float = 10.0) -> float | None:
        """The 95th percentile of light computations' time (queue and work) over the last ``seconds``."""
        now = time.monotonic()
        recent = sorted(took for at, took in list(self.latencies) if now - at <= seconds)
        if len(recent) < 5:
            return None
        return recent[min(len(recent) - 1, math.ceil(0.95 * len(recent)) - 1)]


GATE = LightFirst()


def in_turn(pool: str, key: float, call):
    """``call()`` in a heavy worker thread of ``pool``, in its turn (see :class:`Baton`)."""
    baton = BATONS.get(pool)
    GATE.wait_for_light()
    if baton is None:
        return call()
    baton.take(key)
    try:
        return call()
    finally:
        baton.give()


REQUEST_HOLD: contextvars.ContextVar[Hold | None] = contextvars.ContextVar("slopes_request_hold", default=None)


@contextlib.contextmanager
def holding():
    """Light work in flight for the ``with`` block (an HTTP request, a socket's request); :func:`let_go` ends it
    early for a request found heavy."""
    token = GATE.hold()
    reset = REQUEST_HOLD.set(token)
    try:
        yield token
    finally:
        REQUEST_HOLD.reset(reset)
        GATE.release(token)


def let_go() -> None:
    token = REQUEST_HOLD.get()
    if token is not None:
        GATE.release(token)


def paced(stop=None):
    """A stop test for heavy work that first steps aside for light work."""
    def test() -> bool:
        GATE.step_aside()
        return bool(stop is not None and stop()) or STOPPING.is_set()

    return test
