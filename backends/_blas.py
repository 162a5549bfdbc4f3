"""``y += alpha * x`` in one pass: the BLAS ``axpy`` of the OpenBLAS that NumPy's wheels ship.

NumPy has no fused multiply-add over arrays, so ``y += alpha * x`` reads ``x``, writes a
temporary, then reads it and ``y`` again and writes ``y``: nearly twice the memory traffic
of BLAS's one pass for an optimizer's update of a large weight (PyTorch's
``p.add_(g, alpha=-lr)`` is one pass too, with the same fused multiply-add rounding). NumPy
exposes no BLAS entry points, so the function is looked up in the OpenBLAS library its
wheels bundle (``numpy.libs`` on Linux and Windows, ``numpy/.dylibs`` on macOS; already
loaded by NumPy, so opening it again only takes another reference). Where there is none (a
NumPy built against another BLAS) or it gives a wrong answer on a probe, ``axpy_for`` answers
None and the caller keeps NumPy's two passes.

Kept free of gradkit imports: the benchmark's hand-written NumPy limit uses it too.
"""
from __future__ import annotations

import ctypes
import functools
import glob
import os

import numpy as np

# cblas names in the 64-bit-integer OpenBLAS builds NumPy's wheels ship: scipy-openblas
# (NumPy >= 2), then NumPy 1.x's own
_SYMBOLS = {
    "float32": ("scipy_cblas_saxpy64_", "cblas_saxpy64_"),
    "float64": ("scipy_cblas_daxpy64_", "cblas_daxpy64_"),
}
_C_SCALAR = {"float32": ctypes.c_float, "float64": ctypes.c_double}
# elements: below this the fixed cost of a call through ctypes outweighs the pass it saves
# (bench/ measures where the break-even lies)
AXPY_MIN_SIZE = 1 << 14


@functools.cache
def axpy_for(dtype):
    """The C function ``axpy(n, alpha, x_address, incx, y_address, incy)`` (cblas's
    signature: ``y[::incy][:n] += alpha * x[::incx][:n]``) for native arrays of ``dtype``
    (float32 or float64), or None."""
    dtype = np.dtype(dtype)
    if dtype.name not in _SYMBOLS or not dtype.isnative:
        return None
    for library in _bundled_openblas():
        for symbol in _SYMBOLS[dtype.name]:
            fn = getattr(library, symbol, None)
            if fn is None:
                continue
            fn.restype = None
            fn.argtypes = (ctypes.c_int64, _C_SCALAR[dtype.name], ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p,
                           ctypes.c_int64)
            if _gives_numpy_result(fn, dtype):
                return fn
    return None


def address(a):
    """Where a contiguous array's data starts, for the call: through the buffer protocol for
    a writable array (several times cheaper than building ``a.ctypes``), ``a.ctypes.data``
    for a read-only one (the buffer protocol refuses it)."""
    return ctypes.addressof(ctypes.c_char.from_buffer(a)) if a.flags.writeable else a.ctypes.data


@functools.cache
def _bundled_openblas():
    root = os.path.dirname(os.path.abspath(np.__file__))
    paths = glob.glob(os.path.join(root, os.pardir, "numpy.libs", "*openblas*")) + \
        glob.glob(os.path.join(root, ".dylibs", "*openblas*"))
    libraries = []
    for path in sorted(paths):
        try:
            libraries.append(ctypes.CDLL(path))
        except OSError:
            continue
    return tuple(libraries)


def _gives_numpy_result(axpy, dtype) -> bool:
    """One call on a small problem, compared with NumPy (a wrong symbol or calling convention
    shows here rather than in a user's weights)."""
    x = np.arange(1, 40, dtype=dtype)
    y = np.linspace(-3, 3, 41, dtype=dtype)
    expected = y.copy()
    expected[:39] += dtype.type(-0.5) * x
    try:
        axpy(39, -0.5, x.ctypes.data, 1, y.ctypes.data, 1)
    except (OSError, ctypes.ArgumentError):
        return False
    return bool(np.array_equal(y, expected))  # exact: -0.5 * x needs no rounding
