"""``gradkit.cuda``'s memory statistics over CuPy's memory pool: ``max_memory_allocated``,
``memory_reserved``, ``max_memory_reserved``, ``reset_peak_memory_stats``, ``empty_cache``,
``memory_stats``, ``memory_summary``, ``mem_get_info``.

Before any CUDA work in the process the answers are those of a PyTorch that has not started
CUDA: zeros, an empty ``memory_stats()``, and nothing to reset or free; none of them imports
cupy then. ``mem_get_info`` asks the device itself, so it raises RuntimeError saying why
where CUDA cannot work. Peaks are tracked from the first question about a peak (or
``reset_peak_memory_stats``) on: CuPy's pool keeps none of its own."""
from __future__ import annotations

import collections
import warnings

from . import cuda as _cuda


def _tracked(device):
    """(tracker, device index), or None before any CUDA work."""
    backend = _cuda._created_backend()
    if backend is None:
        return None
    from .backends import _cuda_streams

    return _cuda_streams.tracker(backend), _cuda._index(device)


def _bytes(device, question):
    """``question(tracker, index)`` about the device's pool, with the device current; 0 without CUDA."""
    found = _tracked(device)
    if found is None:
        return 0
    tracker, index = found
    return _cuda._device_call(lambda b: question(tracker, index), tracker.backend)


def memory_reserved(device=None) -> int:
    """Bytes CuPy's pool holds on the device (in use or cached for reuse)."""
    return _bytes(device, lambda tracker, index: tracker.current(index)[1])


def max_memory_allocated(device=None) -> int:
    return _bytes(device, lambda tracker, index: tracker.peaks(index)[0])


def max_memory_reserved(device=None) -> int:
    return _bytes(device, lambda tracker, index: tracker.peaks(index)[1])


def reset_peak_memory_stats(device=None) -> None:
    found = _tracked(device)
    if found is not None:
        tracker, index = found
        _cuda._device_call(lambda b: tracker.reset_peaks(index), tracker.backend)


def reset_max_memory_allocated(device=None) -> None:
    warnings.warn("gradkit.cuda.reset_max_memory_allocated now calls gradkit.cuda.reset_peak_memory_stats, which "
                  "resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
    reset_peak_memory_stats(device)


def reset_max_memory_cached(device=None) -> None:
    warnings.warn("gradkit.cuda.reset_max_memory_cached now calls gradkit.cuda.reset_peak_memory_stats, which "
                  "resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
    reset_peak_memory_stats(device)


def empty_cache() -> None:
    """Returns the pool's unused cached blocks (device and pinned host) to the driver."""
    backend = _cuda._created_backend()
    if backend is not None:
        from .backends import _cuda_streams

        _cuda._device_call(lambda b: _cuda_streams.tracker(b).empty_cache(), backend)


def memory_stats(device=None) -> collections.OrderedDict:
    """PyTorch's keys for what CuPy's pool can tell: allocated and reserved bytes, current
    and peak (an empty dict before any CUDA work, as PyTorch's)."""
    found = _tracked(device)
    if found is None:
        return collections.OrderedDict()
    tracker, index = found
    used, reserved = _cuda._device_call(lambda b: tracker.current(index), tracker.backend)
    peak_used, peak_reserved = _cuda._device_call(lambda b: tracker.peaks(index), tracker.backend)
    stats = {"allocated_bytes.all.current": used, "allocated_bytes.all.peak": peak_used,
             "reserved_bytes.all.current": reserved, "reserved_bytes.all.peak": peak_reserved,
             "active_bytes.all.current": used, "active_bytes.all.peak": peak_used,
             "inactive_split_bytes.all.current": reserved - used}
    return collections.OrderedDict(sorted(stats.items()))


def memory_summary(device=None, abbreviated: bool = False) -> str:
    """A short table of the pool's current and peak bytes."""
    stats = memory_stats(device)

    def row(name, key):
        current, peak = stats.get(f"{key}.all.current", 0), stats.get(f"{key}.all.peak", 0)
        return f"| {name:<26}| {_size(current):>12} | {_size(peak):>12} |"

    index = "n/a" if not stats else _cuda._index(device)
    rule = "|" + "=" * 58 + "|"
    lines = [rule, f"| gradkit CUDA memory summary, device ID {index}".ljust(59) + "|", rule,
             f"| {'Metric':<26}| {'Cur Usage':>12} | {'Peak Usage':>12} |", rule,
             row("Allocated memory", "allocated_bytes"), row("Active memory", "active_bytes"),
             row("GPU reserved memory", "reserved_bytes"), rule]
    return "\n".join(lines) + "\n"


def _size(n: int) -> str:
    for unit in ("B  ", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B  " else f"{n:.2f} {unit}"
        n /= 1024
    return str(n)


def mem_get_info(device=None):
    """(free, total) bytes of the device, as the driver reports them."""
    backend = _cuda._backend()
    index = _cuda._index(device)
    from .backends import _cuda_streams

    return _cuda._device_call(lambda b: _cuda_streams.tracker(b).mem_get_info(index), backend)
