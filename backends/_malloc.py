"""Keeps the C allocator from handing large blocks back to the OS after every op (glibc only).

glibc serves a block above a dynamic threshold with a fresh ``mmap`` and returns freed memory
above another threshold to the OS. An op on a few hundred KiB to a few MiB of data then pays
a page fault for every 4 KiB it writes, every time, which can dominate an elementwise op
on 10^5 to 10^6 float32 elements. Setting the thresholds (which also turns their dynamic adjustment off) makes blocks up
to 32 MiB come from the heap and keeps up to 128 MiB of freed heap for reuse, as a caching
allocator does. It is process-wide and applied once, when the CPU backend is first made;
``GRADKIT_MALLOC_TUNING=0`` leaves malloc as it is. Nothing happens on other C libraries.

Kept free of gradkit imports: the benchmark's hand-written NumPy limit applies it too.
"""
from __future__ import annotations

import ctypes
import os

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # glibc's largest allowed value on 64-bit
TRIM_THRESHOLD = 128 << 20

_applied = None


def keep_freed_memory() -> bool:
    """Sets the thresholds once per process; True when they are in effect."""
    global _applied
    if _applied is None:
        _applied = _apply()
    return _applied


def _apply() -> bool:
    if os.environ.get("GRADKIT_MALLOC_TUNING", "1") == "0":
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"):
            return False
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (AttributeError, OSError, ValueError):  # no confstr name, no dlopen, no mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
