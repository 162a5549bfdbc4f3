"""Page-locked ("pinned") host memory: ``Tensor.pin_memory()``, ``Tensor.is_pinned()``, the
asynchronous copy ``tensor.to("cuda", non_blocking=True)`` makes from pinned memory, and
``DataLoader(pin_memory=True)``'s batches.

Without CUDA there is no pinned memory, as in PyTorch without an accelerator:
``pin_memory()`` raises RuntimeError, ``is_pinned()`` is False, a loader asked to pin warns
once per pass and yields ordinary batches. Written against CuPy 14's pinned memory pool;
not yet run on a GPU."""
from __future__ import annotations

import warnings

from ._tensor import Tensor


def _cuda_backend():
    """The CUDA backend where CUDA works, else None (without importing cupy when it cannot)."""
    from . import cuda

    if not cuda.is_available():
        return None
    from .backends import get_backend

    return get_backend("cuda")


def pin_memory(self: Tensor, device=None) -> Tensor:
    """A copy of this CPU tensor in pinned host memory (itself when already pinned)."""
    backend = _cuda_backend()
    if backend is None:
        raise RuntimeError("Cannot access accelerator device when none is available.")
    if self._device.type != "cpu":
        raise RuntimeError(f"cannot pin '{self.type()}' only dense CPU tensors can be pinned")
    if is_pinned(self):
        return self
    from .backends import _cuda_streams

    array = _cuda_streams.pinned_empty(backend, self._data.shape, self._data.dtype.name)
    array[...] = self._data
    out = Tensor._make(array, self._device)
    out._requires_grad = False
    return out


def is_pinned(self: Tensor, device=None) -> bool:
    if self._device.type != "cpu":
        return False
    from . import cuda

    backend = cuda._created_backend()  # nothing can be pinned before CUDA starts
    if backend is None:
        return False
    from .backends import _cuda_streams

    return _cuda_streams.is_pinned_array(backend, self._data)


def to_cuda_non_blocking(t: Tensor, dst):
    """``t`` (a CPU tensor that needs no gradient) on ``dst`` by an asynchronous copy on the
    current stream when its memory is pinned; None when the ordinary copy must do."""
    if not is_pinned(t):
        return None
    from . import cuda
    from .backends import _cuda_streams

    backend = dst.backend
    array = cuda._device_call(lambda b: _cuda_streams.to_device_async(b, t._data, dst.index or 0), backend)
    return Tensor._make(array, dst)


def pin_batch(data):
    """Every CPU tensor in a batch (nested in dicts, lists, tuples) pinned."""
    if isinstance(data, Tensor):
        return pin_memory(data) if data._device.type == "cpu" else data
    if isinstance(data, dict):
        return type(data)((k, pin_batch(v)) for k, v in data.items())
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(pin_batch(d) for d in data))
    if isinstance(data, (list, tuple)):
        return type(data)(pin_batch(d) for d in data)
    return data


class PinningIter:
    """A loader's iterator whose batches come out in pinned memory."""

    def __init__(self, inner):
        self._inner = inner

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._inner)

    def __next__(self):
        return pin_batch(next(self._inner))

    def __getattr__(self, name):
        return getattr(self._inner, name)


def pinning(iterator):
    """``DataLoader(pin_memory=True)``'s iterator: pinned batches where CUDA works, else the
    batches as they are, with PyTorch's warning."""
    if _cuda_backend() is None:
        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned memory "
                      "won't be used.", UserWarning, stacklevel=3)
        return iterator
    return PinningIter(iterator)


Tensor.pin_memory = pin_memory
Tensor.is_pinned = is_pinned
