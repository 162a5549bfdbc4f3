"""``cupy.cublas`` of the double: ``axpy`` only (what gradkit calls), with CuPy 14's checks
(``cupy/cublas.py``: two 1-D arrays of one size and dtype, float or complex; ``y`` updated in
place). Its signature is not in the recorded set (the recording covers the main namespaces)."""
from __future__ import annotations

from . import _core


def axpy(a, x, y):
    """y += a * x."""
    for v in (x, y):
        if type(v) is not _core.ndarray:
            raise _core.unsupported(v)
        _core.check_device(v, _core.current_device())
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError("x and y must be 1-D arrays")
    if x.size != y.size:
        raise ValueError("x and y must have the same size")
    if x.dtype != y.dtype:
        raise TypeError("x and y must have the same dtype")
    if x.dtype.char not in "fdFD":
        raise TypeError("invalid dtype")
    y._a += x.dtype.type(a) * x._a
