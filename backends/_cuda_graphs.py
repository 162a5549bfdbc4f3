"""CUDA graph capture on CuPy: ``Stream.begin_capture()`` / ``end_capture()`` give a
``cupy.cuda.Graph`` that ``launch`` replays. Allocations made while capturing come from a
stream-ordered pool (``cudaMallocAsync``): they become nodes of the graph, so the memory the
captured work reads and writes stays the graph's on every replay instead of returning to
CuPy's pool for others to reuse. A synchronous copy to the host is not allowed during
capture; gradkit's host syncs ask ``capturing()`` first.

Written against CuPy 14's API; not yet run on a GPU."""
from __future__ import annotations

_capturing = [0]  # captures in progress in this process


def capturing() -> bool:
    return _capturing[0] > 0


class Capture:
    """One capture on a side stream of device ``index``."""

    def __init__(self, backend, index: int, stream=None):
        cupy = backend._cupy
        self.cupy = cupy
        self.index = index
        with cupy.cuda.Device(index):
            self.stream = stream if stream is not None else cupy.cuda.Stream(non_blocking=True)
        self.graph = None
        self._allocator = None

    def begin(self):
        cupy = self.cupy
        self._device = cupy.cuda.Device(self.index)
        self._device.__enter__()
        # graph-owned memory for everything allocated while capturing
        self._allocator = cupy.cuda.using_allocator(cupy.cuda.MemoryAsyncPool().malloc)
        self._allocator.__enter__()
        self.stream.__enter__()
        self.stream.begin_capture()
        _capturing[0] += 1

    def end(self):
        try:
            self.graph = self.stream.end_capture()
        finally:
            _capturing[0] -= 1
            self.stream.__exit__(None, None, None)
            self._allocator.__exit__(None, None, None)
            self._device.__exit__(None, None, None)
        return self.graph

    def replay(self):
        with self.cupy.cuda.Device(self.index):
            self.graph.launch(self.stream)
