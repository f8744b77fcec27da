"""Keep freed memory in the process: numpy allocates and frees a temporary array for most operations.

With glibc's defaults an array over 128 KiB is mapped afresh from the kernel, or the heap's freed top is handed
back to it, and the next operation faults the same pages in again: a basin map of 40,000 runs, whose
temporaries are 160-320 KiB each, then spends a third of its time in page faults. Raising the two thresholds
once (arrays up to 16 MiB come from the heap, up to 64 MiB of freed heap is kept for reuse) removes that;
the cost is memory the process keeps rather than returns. Elsewhere than glibc this does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 16 * 1024 * 1024
TRIM_THRESHOLD = 64 * 1024 * 1024

_done = False


def keep_freed_memory() -> bool:
    """Set the thresholds (once per process); True where glibc took them."""
    global _done
    if _done:
        return True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    mapped = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    trimmed = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    _done = bool(mapped and trimmed)
    return _done


def give_back() -> bool:
    """Hand freed heap back to the kernel (glibc's ``malloc_trim``, every arena): called once the server is idle,
    so the memory :func:`keep_freed_memory` keeps during a computation does not stay after a load has passed."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):
        return False
