"""The process's heap: kept during a computation, given back once the server is idle.

Numpy allocates and frees a temporary array for most operations. With glibc's defaults an array over 128 KiB is
mapped afresh from the kernel, or the heap's freed top is handed back to it, and the next operation faults the same
pages in again: a basin map of 40,000 runs, whose temporaries are 160-320 KiB each, then spends a third of its time
in page faults. Raising the two thresholds once (arrays up to 16 MiB come from the heap, up to 64 MiB of freed heap
is kept for reuse) removes that; the cost is memory the process keeps while it computes.

What it keeps must go back afterwards (issue 22: 74 MB idle, 454 MB idle after a load). Three things held it:

- glibc gives each thread that allocates an arena of its own, up to 8 per core, and memory freed in one arena
  serves only that arena: six worker threads each kept the high-water mark of their own requests. At most
  :data:`ARENAS` arenas (``M_ARENA_MAX``) share the freed memory between threads (the interpreter lock lets one
  thread allocate at a time anyway).
- Reference cycles (a computation's frames, tracebacks) keep their arrays until the cyclic collector runs.
- Freed heap stays mapped until ``malloc_trim``.

:func:`give_back` (called once no computation has run for a second) collects the cycles, then trims every
arena. Elsewhere than glibc the thresholds and the trim do nothing.

The cyclic collector, left at its defaults, also stalls everyone: a request with ``include: ["state"]`` builds
about a million small lists, and each full collection that this sets off walks every one of them (up to a second
with the interpreter lock held, measured with four such requests at once). Collecting the young generation after
:data:`GC_THRESHOLDS` (the first) new containers instead of 700 makes full collections rare; the idle
:func:`give_back` still collects everything.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 16 * 1024 * 1024
TRIM_THRESHOLD = 64 * 1024 * 1024
ARENAS = 2
GC_THRESHOLDS = (50_000, 20, 100)

_done = False


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def keep_freed_memory() -> bool:
    """Set the thresholds, the arena limit and the collector's thresholds (once per process, before the worker
    threads exist); True where glibc took them."""
    global _done
    if _done:
        return True
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        mallopt = _libc().mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    arenas = mallopt(M_ARENA_MAX, ARENAS)
    mapped = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    trimmed = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    _done = bool(arenas and mapped and trimmed)
    return _done


def give_back() -> bool:
    """Hand what a load left behind back to the kernel: collect reference cycles, then ``malloc_trim`` every arena.
    Called once the server is idle, so the memory :func:`keep_freed_memory` keeps during a computation does not
    stay after a load has passed."""
    gc.collect()
    try:
        return bool(_libc().malloc_trim(0))
    except (OSError, AttributeError):
        return False
