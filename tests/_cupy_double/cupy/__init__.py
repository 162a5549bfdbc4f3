"""A CuPy test double: NumPy behind CuPy's names, signatures and refusals, with several
devices. It lets the CUDA code path of gradkit run on machines without a GPU. It is NOT GPU
validation: no kernel runs on a GPU, timings mean nothing, and CUDA-only paths (RawKernel,
fuse) raise NotImplementedError. See ../README.md."""
from __future__ import annotations

import builtins as _builtins

import numpy as _numpy

from . import _core, _namespace, _signatures
from ._core import ndarray
from ._elementwise import ElementwiseKernel, RawKernel, RawModule, ReductionKernel, fuse
from . import cuda, random, linalg, fft, cublas  # noqa: E402

__version__ = _signatures.VERSION
IS_TEST_DOUBLE = True


def asarray(a, dtype=None, order=None, *, copy=None, blocking=False):
    return array(a, dtype=dtype, copy=False if copy is None else copy, order=order)


def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, *, blocking=False):
    device = _core.current_device()
    if type(obj) is ndarray:
        if copy is False or copy is None:
            if obj._dev != device:  # CuPy copies across devices (a peer memcpy)
                return _core.make(_numpy.array(obj._a, dtype=dtype, order=order or "K", ndmin=ndmin), device)
            result = obj._a.astype(dtype, copy=False) if dtype is not None else obj._a
            return obj if result is obj._a else _core.make(result, device)
        return _core.make(_numpy.array(obj._a, dtype=dtype, order=order or "K", ndmin=ndmin, copy=True), device)
    if type(obj) in (list, tuple) and any(type(o) is ndarray for o in obj):
        obj = [o._a if type(o) is ndarray else o for o in obj]
    # host data (lists, scalars, NumPy arrays): a host-to-device copy
    return _core.make(_numpy.array(obj, dtype=dtype, order=order or "K", ndmin=ndmin, copy=True), device)


def ascontiguousarray(a, dtype=None):
    if type(a) is _numpy.ndarray:
        raise _core.unsupported(a)
    device = _core.current_device()
    _core.check_device(a, device)
    result = _numpy.ascontiguousarray(a._a, dtype=dtype)
    return a if result is a._a else _core.make(result, device)


def asnumpy(a, stream=None, order="C", out=None, *, blocking=True):
    if type(a) is ndarray:
        return a.get(order=order, out=out)
    return _numpy.asarray(a, order=order)


def get_array_module(*args):
    import sys

    for a in args:
        if type(a) is ndarray:
            return sys.modules[__name__]
    return _numpy


def from_dlpack(array, *, device=None, copy=None):
    """CuPy imports CUDA memory; a producer on the CPU (DLPack device type 1) is refused
    with BufferError as CuPy refuses it, whatever the copy flag (the double's own arrays
    are taken as they are)."""
    if type(array) is ndarray:
        return array
    kind, index = array.__dlpack_device__()
    if kind != 2:
        raise BufferError(f"cupy.from_dlpack: the array's DLPack device type is {kind} (CPU memory); CuPy imports "
                          f"CUDA device memory only: copy it with cupy.asarray")
    raise BufferError("cupy.from_dlpack: the CuPy test double imports only its own arrays")


fromDlpack = from_dlpack


def diagonal(a, offset=0, axis1=0, axis2=1):
    """CuPy's diagonal: a writable view (NumPy's is read-only), same strides."""
    if type(a) is not ndarray:
        raise _core.unsupported(a)
    moved = _numpy.moveaxis(a._a, (axis1, axis2), (-2, -1))
    corner = moved[..., :, offset:] if offset >= 0 else moved[..., -offset:, :]
    length = _builtins.max(0, _builtins.min(corner.shape[-2], corner.shape[-1]))
    view = _numpy.lib.stride_tricks.as_strided(corner, corner.shape[:-2] + (length,),
                                              corner.strides[:-2] + (corner.strides[-2] + corner.strides[-1],))
    return _core.make(view, a._dev, a._root())


def _unsupported_cpu(name):
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"cupy.{name} is not implemented by the CuPy test double")
    return refuse


get_default_memory_pool = cuda.get_default_memory_pool
get_default_pinned_memory_pool = cuda.get_default_pinned_memory_pool


def is_available():
    return True


_OVERRIDES = {
    "asarray": asarray, "array": array, "ascontiguousarray": ascontiguousarray, "asnumpy": asnumpy,
    "get_array_module": get_array_module, "from_dlpack": from_dlpack, "fromDlpack": fromDlpack,
    "get_default_memory_pool": get_default_memory_pool, "is_available": is_available,
    "get_default_pinned_memory_pool": get_default_pinned_memory_pool, "fuse": fuse,
    "ElementwiseKernel": ElementwiseKernel, "RawKernel": RawKernel, "RawModule": RawModule,
    "ReductionKernel": ReductionKernel, "ndarray": ndarray, "cuda": cuda, "random": random, "linalg": linalg,
    "fft": fft, "ufunc": _namespace.ufunc, "diagonal": diagonal,
}
globals().update(_namespace.build("cupy", _numpy, _OVERRIDES))
__all__ = sorted(n for n in set(_signatures.namespace("cupy")["functions"]) | set(_signatures.namespace("cupy")["ufuncs"])
                 | set(_signatures.namespace("cupy")["other"]) if n in globals())
