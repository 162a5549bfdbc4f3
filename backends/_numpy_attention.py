"""The attention family's NumPy kernels (a mixin of NumpyBackend): the same steps as the
portable ones (backends/kernels/attention.py), with the softmax and its gradient done in
place on the one (..., L, S) scores array, and the scale applied to the smaller of the
arrays it can go on. The rows' maxima and sums, along a short last axis where add.reduce and
maximum.reduce run an inner loop per row, are an argmax with one gather and BLAS products with
ones (the same maxima; sums in another order)."""
from __future__ import annotations

import numpy as np

from ._numpy_softmax import max_keepdims
from ._numpy_sums import row_sums


def _row_sums_keepdims(a):
    """The sums along the last axis of a C-contiguous (..., S) array, as (..., 1)."""
    return row_sums(a.reshape(-1, a.shape[-1])).reshape(a.shape[:-1] + (1,))


class NumpyAttention:
    def attention(self, q, k, v, mask, scale, keep):
        # scaling q (L x E) costs less than scaling the scores (L x S) whenever E < S
        if q.shape[-1] < k.shape[-2]:
            s = np.matmul(q * q.dtype.type(scale), k.swapaxes(-1, -2))
        else:
            s = np.matmul(q, k.swapaxes(-1, -2))
            s *= s.dtype.type(scale)
        if mask is not None:
            if mask.dtype == np.bool_:
                np.copyto(s, -np.inf, where=~mask)
            else:
                s += mask
        top = max_keepdims(s, -1)
        if mask is not None:
            # a row with every position masked attends to nothing (zeros, as PyTorch), not NaN
            top[top == -np.inf] = 0.0
        s -= top
        np.exp(s, out=s)
        total = _row_sums_keepdims(s)
        if mask is not None:
            total[total == 0.0] = 1.0
        s /= total
        return np.matmul(s if keep is None else s * keep, v), s

    def attention_backward(self, q, k, v, p, keep, g, scale):
        pd = p if keep is None else p * keep
        dv = np.matmul(pd.swapaxes(-1, -2), g)
        ds = np.matmul(g, v.swapaxes(-1, -2))
        if keep is not None:
            ds *= keep
        ds *= p
        ds -= p * _row_sums_keepdims(ds)  # p * (dp - sum(dp * p))
        dq = np.matmul(ds, k)
        dk = np.matmul(ds.swapaxes(-1, -2), q)
        if scale != 1.0:
            dq *= dq.dtype.type(scale)
            dk *= dk.dtype.type(scale)
        return dq, dk, dv
