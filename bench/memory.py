"""Peak memory of a training run, measured in the worker process that runs it.

Two numbers, both over the same span (the run, after imports and after the data set is made):

- traced: the peak of ``tracemalloc`` — every Python object and every NumPy array buffer
  (NumPy reports its data allocations to tracemalloc), so it counts exactly what the
  training allocates on the host: parameters, activations, saved tensors, gradients and the
  engine's graph. It is deterministic and independent of the interpreter's and the libraries'
  own footprint, which is why the memory target uses it. PyTorch's C++ allocator is
  invisible to tracemalloc, so PyTorch reports RSS only.
- rss: the peak resident set size of the process (``ru_maxrss``), whole process: the
  interpreter and the imported libraries (~30 MB for NumPy, several hundred for PyTorch) are
  included, which at this model size outweigh the training itself. Shown for context.
"""
from __future__ import annotations

import gc
import os
import resource
import sys
import tracemalloc

from .stats import na, summarize

MiB = 1024.0 * 1024.0


def peak_rss_bytes():
    """Peak resident set size of this process so far (``ru_maxrss``: KiB on Linux, bytes on
    macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def current_rss_bytes():
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def profile(run, traced=True):
    """Runs ``run()`` once and returns its peak traced memory and the process's peak RSS."""
    gc.collect()
    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
    run()
    out = {}
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out["memory.traced"] = summarize([(peak - base) / MiB], "MiB")
    else:
        out["memory.traced"] = na("untraced (own allocator)")
    out["memory.rss"] = summarize([peak_rss_bytes() / MiB], "MiB")
    return out
