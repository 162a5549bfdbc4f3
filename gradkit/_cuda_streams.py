"""``gradkit.cuda``'s streams and events: ``Stream``, ``Event``, the ``stream()`` context,
``current_stream``, ``default_stream`` and ``set_stream``, as torch.cuda's, over CuPy's.

Without CUDA, making a Stream or an Event raises RuntimeError saying why (as torch.cuda's
do where CUDA cannot start), and ``stream(None)`` is a context that does nothing (so
``with gradkit.cuda.stream(s if use_cuda else None):`` runs anywhere)."""
from __future__ import annotations

from . import cuda as _cuda


def _backend_and_index(device):
    backend = _cuda._backend()
    index = _cuda._index(device) if device is not None else backend.current_device_index()
    return backend, index


def _ops():
    from .backends import _cuda_streams

    return _cuda_streams


class Stream:
    """A CUDA stream on ``device`` (the current one by default); a lower ``priority`` runs
    first (0 is the default, negative numbers are higher priorities)."""

    def __init__(self, device=None, priority: int = 0, **kwargs):
        if "_handle" in kwargs:  # a wrapper around a stream CuPy already has
            self._backend, self._index, self._stream = kwargs["_backend"], kwargs["_index"], kwargs["_handle"]
            self.priority = kwargs.get("_priority", 0)
            return
        self._backend, self._index = _backend_and_index(device)
        self.priority = priority
        self._stream = _cuda._device_call(lambda b: _ops().new_stream(b, self._index, priority), self._backend)

    @property
    def device(self):
        from ._device import Device

        return Device("cuda", self._index)

    @property
    def device_index(self) -> int:
        return self._index

    @property
    def cuda_stream(self) -> int:
        return int(self._stream.ptr)

    def query(self) -> bool:
        """True when all work queued on the stream has finished."""
        return bool(self._stream.done)

    def synchronize(self) -> None:
        _cuda._device_call(lambda b: self._stream.synchronize(), self._backend)

    def wait_event(self, event) -> None:
        self._stream.wait_event(event._event)

    def wait_stream(self, stream) -> None:
        """Work queued on this stream from now on waits for the work queued on ``stream`` so far."""
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        if event is None:
            event = Event()
        event.record(self)
        return event

    def __eq__(self, other):
        return isinstance(other, Stream) and self.cuda_stream == other.cuda_stream and self._index == other._index

    def __hash__(self):
        return hash((self.cuda_stream, self._index))

    def __repr__(self):
        return f"<gradkit.cuda.Stream device=cuda:{self._index} cuda_stream={hex(self.cuda_stream)}>"


class Event:
    """A CUDA event: ``record`` it on a stream, then ``query``/``synchronize``/``wait`` on it,
    or time the work between two with ``elapsed_time`` (milliseconds; both need
    ``enable_timing=True``)."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False, interprocess: bool = False):
        self._backend = _cuda._backend()
        self.enable_timing = enable_timing
        self._recorded = False
        self._event = _cuda._device_call(lambda b: _ops().new_event(b, enable_timing, blocking, interprocess),
                                         self._backend)

    def record(self, stream=None) -> None:
        if stream is None:
            stream = current_stream()
        self._event.record(stream._stream)
        self._recorded = True

    def wait(self, stream=None) -> None:
        if stream is None:
            stream = current_stream()
        stream.wait_event(self)

    def query(self) -> bool:
        return bool(self._event.done)

    def synchronize(self) -> None:
        _cuda._device_call(lambda b: self._event.synchronize(), self._backend)

    def elapsed_time(self, end_event) -> float:
        """Milliseconds between this event and ``end_event`` (both recorded and complete)."""
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if not (self._recorded and end_event._recorded):
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return _cuda._device_call(lambda b: _ops().elapsed_ms(b, self._event, end_event._event), self._backend)

    def __repr__(self):
        return f"<gradkit.cuda.Event {'recorded' if self._recorded else 'uninitialized'}>"


def current_stream(device=None) -> Stream:
    backend, index = _backend_and_index(device)
    handle = _cuda._device_call(lambda b: _ops().current_stream(b, index), backend)
    return Stream(_backend=backend, _index=index, _handle=handle)


def default_stream(device=None) -> Stream:
    backend, index = _backend_and_index(device)
    handle = _ops().default_stream(backend, index)
    return Stream(_backend=backend, _index=index, _handle=handle)


class StreamContext:
    """``with stream(s):`` queues the block's CUDA work on ``s`` (and makes its device
    current); ``s=None`` does nothing."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        s = self.stream
        if s is None:
            return None
        self._device = _ops().enter_stream(s._backend, s._stream, s._index)
        return s

    def __exit__(self, exc_type, exc_value, traceback):
        s = self.stream
        if s is None:
            return False
        _ops().exit_stream(s._stream, self._device)
        return False


def stream(stream) -> StreamContext:
    return StreamContext(stream)


def set_stream(stream) -> None:
    """Makes ``stream`` current on its device (outside any ``with``)."""
    if stream is None:
        return
    stream._stream.use()


def priority_range():
    """(least, greatest) stream priority of the device (PyTorch's Stream.priority_range())."""
    backend = _cuda._backend()
    return _ops().stream_priority_range(backend)
