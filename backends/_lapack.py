"""LAPACK's ``getrf`` (LU) and BLAS's ``trsm`` (triangular solve) from the OpenBLAS that
NumPy's wheels bundle (found as ``_blas`` finds ``axpy``): NumPy has neither routine itself,
and one library call per matrix replaces one NumPy expression per column. ``lapack_for``
answers None where the library or the symbol is missing or fails a probe against the
portable kernel; the linalg family then runs the portable code."""
from __future__ import annotations

import functools

import numpy as np

# CBLAS and LAPACKE constants
ROW_MAJOR, LEFT, UPPER, LOWER, NO_TRANS, NON_UNIT, UNIT = 101, 141, 121, 122, 111, 131, 132
_LAPACK_SYMBOLS = {
    "getrf": {"float32": "LAPACKE_sgetrf", "float64": "LAPACKE_dgetrf"},
    "trsm": {"float32": "cblas_strsm", "float64": "cblas_dtrsm"},
}


@functools.cache
def lapack_for(routine, dtype):
    """The bundled OpenBLAS's ``routine`` for float32 or float64 arrays (64-bit integers, as
    NumPy's wheels build it), or None where there is none or it fails a probe."""
    import ctypes

    from ._blas import _bundled_openblas

    dtype = np.dtype(dtype)
    name = _LAPACK_SYMBOLS[routine].get(dtype.name)
    if name is None or not dtype.isnative:
        return None
    i64, i32, ptr = ctypes.c_int64, ctypes.c_int, ctypes.c_void_p
    scalar = ctypes.c_float if dtype == np.float32 else ctypes.c_double
    if routine == "getrf":
        argtypes, restype = (i32, i64, i64, ptr, i64, ptr), i64
    else:
        argtypes, restype = (i32, i32, i32, i32, i32, i64, i64, scalar, ptr, i64, ptr, i64), None
    for library in _bundled_openblas():
        for symbol in (f"scipy_{name}64_", f"{name}64_"):
            fn = getattr(library, symbol, None)
            if fn is None:
                continue
            fn.argtypes, fn.restype = argtypes, restype
            if _agrees_with_portable(routine, fn, dtype):
                return fn
    return None


def _agrees_with_portable(routine, fn, dtype):
    """One call on a small problem against the portable kernel (a wrong symbol or calling
    convention shows here rather than in a user's result)."""
    import ctypes

    from .kernels.linalg import LinalgKernels

    class Portable(LinalgKernels):
        xp = np

    rng = np.random.default_rng(0)
    a = (rng.uniform(-1, 1, (4, 4)) + 4 * np.eye(4))[[2, 0, 3, 1]].astype(dtype)
    tolerance = 1e-4 if dtype == np.float32 else 1e-12
    try:
        if routine == "getrf":
            lu, pivots = a.copy(), np.empty(4, dtype=np.int64)
            fn(ROW_MAJOR, 4, 4, lu.ctypes.data, 4, pivots.ctypes.data)
            expected_lu, expected_pivots = Portable().linalg_lu(a)
            return bool(np.array_equal(pivots, expected_pivots) and np.allclose(lu, expected_lu, rtol=tolerance))
        b = rng.uniform(-1, 1, (4, 3)).astype(dtype)
        x = b.copy()
        fn(ROW_MAJOR, LEFT, UPPER, NO_TRANS, NON_UNIT, 4, 3, 1.0, a.ctypes.data, 4, x.ctypes.data, 3)
        return bool(np.allclose(x, np.linalg.solve(np.triu(a), b), rtol=tolerance))
    except (OSError, ctypes.ArgumentError):
        return False
