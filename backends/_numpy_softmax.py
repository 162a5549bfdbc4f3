"""NumPy's softmax, log_softmax and cross-entropy gradient: the portable kernels' values, bit
for bit, with a cheaper row maximum and fewer temporaries.

``np.maximum.reduce`` along a short last axis (a character model's few dozen classes, an
attention row) costs several times what ``argmax`` and one gather of the maxima cost. The
maximum is exact in any order, so the shifted logits, and every later value, are the
reduction's; the sum stays ``np.add.reduce``, whose order sets the rounding.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ._numpy_dtypes import BLAS_FLOATS

_NEG_INF = -math.inf


@functools.lru_cache(maxsize=64)
def row_starts(n, c):
    """The flat index of each row's first element in a C-ordered (n, c) array, made once per
    shape (read-only: shared)."""
    starts = np.arange(0, n * c, c)
    starts.flags.writeable = False
    return starts


def max_keepdims(a, axis):
    """``np.maximum.reduce(a, axis, keepdims=True)``; a NaN in a row gives that row NaN."""
    # of tied maxima argmax takes the first: only +0. and -0. tie with different bits, and
    # then the row's sum holds two exp(0) = 1, so no output shows which was taken
    ndim = a.ndim
    if (axis == ndim - 1 or axis == -1) and ndim and a.size and a.flags.c_contiguous:
        if ndim == 2:  # (a classifier's logits: the usual case, with the fewest calls)
            n, c = a.shape
            picks = a.argmax(1)
            picks += row_starts(n, c)
            return a.ravel().take(picks)[:, None]
        c = a.shape[-1]
        n = a.size // c
        picks = a.reshape(n, c).argmax(1)
        picks += row_starts(n, c)
        return a.ravel().take(picks).reshape(a.shape[:-1] + (1,))
    return np.maximum.reduce(a, axis=axis, keepdims=True)


class NumpySoftmax:
    def log_softmax(self, a, axis):
        if type(a) is not np.ndarray or a.dtype.kind != "f":
            return super().log_softmax(a, axis)
        shifted = a - max_keepdims(a, axis)
        total = np.add.reduce(np.exp(shifted), axis=axis, keepdims=True)
        np.log(total, out=total)
        return np.subtract(shifted, total, out=shifted)

    def softmax(self, a, axis):
        if type(a) is not np.ndarray or a.dtype.kind != "f":
            return super().softmax(a, axis)
        e = np.subtract(a, max_keepdims(a, axis))
        np.exp(e, out=e)
        return np.divide(e, np.add.reduce(e, axis=axis, keepdims=True), out=e)

    def cross_entropy_backward(self, logits, g, logp, target, row_weight, valid=None):
        if valid is not None or type(logp) is not np.ndarray or g.dtype != logp.dtype:
            return super().cross_entropy_backward(logits, g, logp, target, row_weight, valid)
        # the portable kernel's every-target-counts form, 0 - p * s then + s at each target,
        # written into the one fresh array exp(logp) gives
        if g.ndim == 0 and logp.ndim == 2 and logp.flags.c_contiguous and logp.dtype in BLAS_FLOATS:
            # (loss.backward(): g is 1, and the Python float -row_weight is s, which NumPy
            # rounds into the logits' dtype as it rounds g * -row_weight; no 0-d arithmetic)
            s = -row_weight if float(g) == 1.0 else g * -row_weight
            if _NEG_INF < s < 0:
                return _cross_entropy_backward_negative_s(self, logp, target, s)
        s = g * -row_weight
        out = self.exp(logp)
        np.multiply(out, s if s.ndim == 0 else s.reshape(-1, 1), out=out)
        np.subtract(0.0, out, out=out)
        return self.add_rows(out, target, s)


def _cross_entropy_backward_negative_s(backend, logp, target, s):
    """cross_entropy_backward's 0 - p * s, + s at each row's target, for one finite s < 0,
    in one pass fewer: p * -s. 0 - x and -x differ only where x is +0. or NaN; p * s is
    never +0. here (p >= +0., s < 0), and a NaN p comes out of p * -s as out of 0 - p * s,
    its sign kept (the negation is s's, not the product's)."""
    n, c = logp.shape
    out = backend.exp(logp)
    np.multiply(out, -s, out=out)
    out.ravel()[row_starts(n, c) + target] += s  # (a view: the adds land in out; each target once)
    return out
