"""``cupy.cuda`` of the double: devices (several, with CuPy's context protocol), the runtime
calls gradkit makes, streams and events (bookkeeping only: NumPy runs eagerly), and the
memory pool (used bytes counted per device from the live arrays, as CuPy's pool reports
the current device's)."""
from __future__ import annotations

import types
import weakref

import numpy

from .. import _core, _signatures


class CUDARuntimeError(RuntimeError):
    def __init__(self, status, text):
        self.status = status
        super().__init__(f"{text}")


CUDARuntimeError.__module__ = "cupy_backends.cuda.api.runtime"


def _check_index(index):
    if not 0 <= index < _core.DEVICE_COUNT[0]:
        raise CUDARuntimeError(101, "cudaErrorInvalidDevice: invalid device ordinal")


class Device:
    """``cupy.cuda.Device(i)``: a context that makes device i current."""

    def __init__(self, device=None):
        if device is None:
            device = _core.current_device()
        elif isinstance(device, Device):
            device = device.id
        else:
            device = int(device)
        self.id = device
        self._previous = []

    def __enter__(self):
        _check_index(self.id)
        self._previous.append(_core.current_device())
        _core.set_current_device(self.id)
        return self

    def __exit__(self, *exc):
        _core.set_current_device(self._previous.pop())

    def use(self):
        _check_index(self.id)
        _core.set_current_device(self.id)

    def synchronize(self):
        _check_index(self.id)

    @property
    def compute_capability(self):
        return "90"

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(("Device", self.id))

    def __int__(self):
        return self.id

    def __repr__(self):
        return f"<CUDA Device {self.id}>"


def _get_device():
    return _core.current_device()


def _set_device(index):
    _check_index(index)
    _core.set_current_device(index)


def _mem_get_info():
    used = _used_bytes(_core.current_device())
    total = 16 << 30
    return total - used, total


def _used_bytes(device):
    return sum(a._a.nbytes for a in _core.live(device))


def _properties(index):
    _check_index(index)
    return {"name": b"CuPy test double (NumPy, not a GPU)", "totalGlobalMem": 16 << 30, "major": 9, "minor": 0,
            "multiProcessorCount": 132}


def _can_access_peer(a, b):
    return int(_core.PEER_ACCESS[0])


class PinnedMemoryPointer(bytearray):
    """Page-locked host memory (here: ordinary memory the double remembers as pinned); a
    bytearray, so ``numpy.frombuffer`` views it as it views CuPy's pointer."""

    def __init__(self, size):
        super().__init__(size)
        self.size = size
        self.ptr = numpy.frombuffer(self, numpy.uint8).ctypes.data if size else 0
        _pinned_ranges.append((self.ptr, self.ptr + size, weakref.ref(self)))


_pinned_ranges = []


def alloc_pinned_memory(size):
    return PinnedMemoryPointer(int(size))


class _PointerAttributes:
    def __init__(self, kind):
        self.type = kind


def _pointer_attributes(ptr):
    """cudaPointerGetAttributes: host memory registered with CUDA is type 1 (memoryTypeHost),
    other host memory type 0 (unregistered)."""
    for lo, hi, owner in _pinned_ranges:
        if lo <= ptr < hi and owner() is not None:
            return _PointerAttributes(1)
    return _PointerAttributes(0)


runtime = types.ModuleType("cupy.cuda.runtime")
runtime.CUDARuntimeError = CUDARuntimeError
runtime.getDevice = _get_device
runtime.setDevice = _set_device
runtime.getDeviceCount = lambda: _core.DEVICE_COUNT[0]
runtime.getDeviceProperties = _properties
runtime.memGetInfo = _mem_get_info
runtime.deviceCanAccessPeer = _can_access_peer
runtime.deviceSynchronize = lambda: None
runtime.runtimeGetVersion = lambda: 12080
runtime.driverGetVersion = lambda: 12080
runtime.is_hip = False
runtime.memoryTypeUnregistered, runtime.memoryTypeHost, runtime.memoryTypeDevice = 0, 1, 2
runtime.pointerGetAttributes = _pointer_attributes
for _name in _signatures.namespace("cupy.cuda.runtime")["functions"]:
    if not hasattr(runtime, _name):
        from .._namespace import not_in_double

        setattr(runtime, _name, not_in_double(f"cupy.cuda.runtime.{_name}"))


class MemoryPool:
    """CuPy's device memory pool: its numbers are the current device's."""

    def used_bytes(self):
        return _used_bytes(_core.current_device())

    def total_bytes(self):
        return _used_bytes(_core.current_device())

    def free_bytes(self):
        return 0

    def free_all_blocks(self, stream=None):
        pass

    def n_free_blocks(self):
        return 0

    def get_limit(self):
        return 0

    def set_limit(self, size=None, fraction=None):
        pass


class PinnedMemoryPool:
    def free_all_blocks(self):
        pass

    def n_free_blocks(self):
        return 0


_pool = MemoryPool()
_pinned_pool = PinnedMemoryPool()


def get_default_memory_pool():
    return _pool


def get_default_pinned_memory_pool():
    return _pinned_pool


class Stream:
    """A stream: work in the double runs at once, so a stream only records itself as the
    current one (``with stream:``), as code that passes streams around expects."""
    null = None

    def __init__(self, null=False, non_blocking=False, ptr=None, priority=None):
        self.ptr = 0 if null else id(self)
        self.device_id = _core.current_device()
        self._previous = []

    def __enter__(self):
        self._previous.append(get_current_stream())
        self.use()
        return self

    def __exit__(self, *exc):
        _current_stream[self.device_id] = self._previous.pop()

    def use(self):
        _current_stream[self.device_id] = self
        return self

    def synchronize(self):
        pass

    def record(self, event=None):
        event = event or Event()
        event.record(self)
        return event

    def wait_event(self, event):
        pass

    @property
    def done(self):
        return True

    def __eq__(self, other):
        return isinstance(other, Stream) and other.ptr == self.ptr

    def __hash__(self):
        return hash(self.ptr)


class ExternalStream(Stream):
    def __init__(self, ptr, device_id=-1):
        super().__init__()
        self.ptr = ptr


Stream.null = Stream(null=True)
_current_stream = {}


def get_current_stream(device_id=-1):
    device = _core.current_device() if device_id == -1 else device_id
    return _current_stream.get(device, Stream.null)


class Event:
    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self.done = True

    def record(self, stream=None):
        pass

    def synchronize(self):
        pass


def get_elapsed_time(start_event, end_event):
    return 0.0


def is_available():
    return True


def get_device_id():
    return _core.current_device()


import sys as _sys  # noqa: E402

_sys.modules["cupy.cuda.runtime"] = runtime
from . import device  # noqa: E402,F401
from . import compiler  # noqa: E402,F401
