"""CuPy's streams, events and memory pool behind ``gradkit.cuda``'s Stream, Event and memory
statistics. Every function takes the CUDA backend (so CuPy is the one it loaded) and a device
index, and runs with that device current.

Written against CuPy 14's API (``cupy.cuda.Stream(non_blocking=, priority=)``,
``cupy.cuda.Event(block=, disable_timing=, interprocess=)``, ``get_elapsed_time``, the
default ``MemoryPool``); not yet run on a GPU."""
from __future__ import annotations


def new_stream(backend, index: int, priority: int = 0):
    cupy = backend._cupy
    with cupy.cuda.Device(index):
        # non-blocking with respect to the legacy default stream, as PyTorch's streams are
        return cupy.cuda.Stream(non_blocking=True, priority=priority)


def current_stream(backend, index: int):
    cupy = backend._cupy
    with cupy.cuda.Device(index):
        return cupy.cuda.get_current_stream()


def default_stream(backend, index: int):
    return backend._cupy.cuda.Stream.null


def stream_priority_range(backend):
    """(least, greatest) priority, as cudaDeviceGetStreamPriorityRange gives them."""
    runtime = backend._cupy.cuda.runtime
    least, greatest = runtime.deviceGetStreamPriorityRange()
    return least, greatest


def enter_stream(backend, stream, index: int):
    """Makes device ``index`` and ``stream`` current; returns what ``exit_stream`` restores."""
    device = backend._cupy.cuda.Device(index)
    device.__enter__()
    stream.__enter__()
    return device


def exit_stream(stream, device) -> None:
    stream.__exit__(None, None, None)
    device.__exit__(None, None, None)


def new_event(backend, enable_timing: bool, blocking: bool, interprocess: bool):
    return backend._cupy.cuda.Event(block=blocking, disable_timing=not enable_timing, interprocess=interprocess)


def elapsed_ms(backend, start, end) -> float:
    return float(backend._cupy.cuda.get_elapsed_time(start, end))


class PeakTracker:
    """Bytes in use and reserved by CuPy's default pool, with their peaks since the last reset.

    The pool keeps no peaks, so once a peak is asked for the tracker sits in front of the
    pool's allocator and reads its totals after each allocation (an extra call per
    allocation, paid only by processes that ask for peaks)."""

    def __init__(self, backend):
        self.backend = backend
        self.pool = backend._cupy.get_default_memory_pool()
        self.peak_used = {}
        self.peak_reserved = {}
        self.installed = False

    def _device(self):
        return self.backend._cupy.cuda.runtime.getDevice()

    def _malloc(self, size):
        memory = self.pool.malloc(size)
        index = self._device()
        used, reserved = self.pool.used_bytes(), self.pool.total_bytes()
        if used > self.peak_used.get(index, 0):
            self.peak_used[index] = used
        if reserved > self.peak_reserved.get(index, 0):
            self.peak_reserved[index] = reserved
        return memory

    def install(self):
        if not self.installed:
            self.backend._cupy.cuda.set_allocator(self._malloc)
            self.installed = True

    def current(self, index: int):
        with self.backend._cupy.cuda.Device(index):
            return self.pool.used_bytes(), self.pool.total_bytes()

    def peaks(self, index: int):
        self.install()
        used, reserved = self.current(index)
        peak_used = max(used, self.peak_used.get(index, 0))
        peak_reserved = max(reserved, self.peak_reserved.get(index, 0))
        self.peak_used[index], self.peak_reserved[index] = peak_used, peak_reserved
        return peak_used, peak_reserved

    def reset_peaks(self, index: int):
        self.install()
        self.peak_used[index], self.peak_reserved[index] = self.current(index)

    def empty_cache(self):
        self.pool.free_all_blocks()
        self.backend._cupy.get_default_pinned_memory_pool().free_all_blocks()

    def mem_get_info(self, index: int):
        cupy = self.backend._cupy
        with cupy.cuda.Device(index):
            free, total = cupy.cuda.runtime.memGetInfo()
        return int(free), int(total)


_trackers = {}


def tracker(backend) -> PeakTracker:
    found = _trackers.get(id(backend))
    if found is None:
        found = _trackers[id(backend)] = PeakTracker(backend)
    return found


def pinned_empty(backend, shape, dtype_name):
    """A NumPy array of ``shape`` in page-locked host memory (CuPy's pinned pool), so that a
    copy to the device can run asynchronously."""
    import numpy

    cupy = backend._cupy
    dtype = numpy.dtype(dtype_name)
    count = 1
    for s in shape:
        count *= s
    memory = cupy.cuda.alloc_pinned_memory(max(count * dtype.itemsize, 1))
    return numpy.frombuffer(memory, dtype, count).reshape(shape)


def is_pinned_array(backend, array) -> bool:
    """Whether a NumPy array's memory is page-locked (registered with CUDA)."""
    cupy = backend._cupy
    try:
        attributes = cupy.cuda.runtime.pointerGetAttributes(array.ctypes.data)
    except Exception:  # pointers CUDA never saw raise on some driver versions
        return False
    return getattr(attributes, "type", 0) == getattr(cupy.cuda.runtime, "memoryTypeHost", 1)  # cudaMemoryTypeHost


def to_device_async(backend, host_array, index: int):
    """Copies a (pinned) host array to the device on the current stream without waiting."""
    cupy = backend._cupy
    with cupy.cuda.Device(index):
        out = cupy.empty(host_array.shape, dtype=host_array.dtype)
        out.set(host_array, stream=cupy.cuda.get_current_stream())
    return out
