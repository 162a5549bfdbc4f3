"""The normalisation family's NumPy kernels (a mixin of NumpyBackend): batch and layer norm on
a C-contiguous float array seen as (N, C, L) (statistics over N and L, per-channel
parameters) or as (R, M) (statistics along each row, per-column parameters), in place where
the arithmetic allows. The per-channel and per-row sums of products are einsum contractions:
one pass, no product array; layer norm's sums along each row and over the rows are BLAS
matrix-vector products (backends/_numpy_sums.py). Other layouts and dtypes take the portable
kernels."""
from __future__ import annotations

import math

import numpy as np

from ._numpy_sums import column_sums, row_sums


def _layout(x, stat_axes):
    """'channels', 'rows' or None (the portable kernels) for x normalised over ``stat_axes``."""
    if type(x) is not np.ndarray or x.dtype.kind != "f" or not x.flags.c_contiguous or not x.size:
        return None
    nd = x.ndim
    if nd >= 2 and stat_axes == (0,) + tuple(range(2, nd)):
        return "channels"
    if stat_axes == tuple(range(nd - len(stat_axes), nd)):
        return "rows"
    return None


def _as3(x):
    return x.reshape(x.shape[0], x.shape[1], math.prod(x.shape[2:]))


def _column(v):
    """A per-channel vector (C,) broadcast over (N, C, L)."""
    return v.reshape(-1, 1)


class NumpyNormalization:
    def norm_forward(self, x, weight, bias, stat_axes, view, eps):
        layout = _layout(x, stat_axes)
        if layout is None:
            return super().norm_forward(x, weight, bias, stat_axes, view, eps)
        kind = x.dtype.type
        if layout == "channels":
            x3 = _as3(x)
            count = x3.shape[0] * x3.shape[2]
            mean = np.add.reduce(np.add.reduce(x3, axis=0), axis=1) / kind(count)
            out = x3 - _column(mean)
            var = np.einsum("ncl,ncl->c", out, out) / kind(count)
            invstd = kind(1.0) / np.sqrt(var + kind(eps))
            scale = invstd if weight is None else invstd * weight.reshape(-1)
            out *= _column(scale)
            if bias is not None:
                out += _column(bias.reshape(-1))
            keep = (1, -1) + (1,) * (x.ndim - 2)
            return out.reshape(x.shape), mean.reshape(keep), var.reshape(keep), invstd.reshape(keep)
        m = math.prod(x.shape[x.ndim - len(stat_axes):])
        rows = x.reshape(-1, m)
        mean = row_sums(rows) / kind(m)
        out = rows - mean[:, None]
        var = np.einsum("rm,rm->r", out, out) / kind(m)
        invstd = kind(1.0) / np.sqrt(var + kind(eps))
        out *= invstd[:, None]
        if weight is not None:
            out *= weight.reshape(-1)
        if bias is not None:
            out += bias.reshape(-1)
        keep = x.shape[:x.ndim - len(stat_axes)] + (1,) * len(stat_axes)
        return out.reshape(x.shape), mean.reshape(keep), var.reshape(keep), invstd.reshape(keep)

    def norm_backward(self, g, x, weight, mean, invstd, stat_axes, param_axes, view):
        layout = _layout(x, stat_axes)
        if layout is None or type(g) is not np.ndarray or g.dtype != x.dtype:
            return super().norm_backward(g, x, weight, mean, invstd, stat_axes, param_axes, view)
        g = np.ascontiguousarray(g)  # (a gradient through a transpose: one copy, then the kernel)
        kind = x.dtype.type
        if layout == "channels":
            x3, g3 = _as3(x), _as3(g)
            count = kind(x3.shape[0] * x3.shape[2])
            mean, invstd = mean.reshape(-1), invstd.reshape(-1)
            centered = x3 - _column(mean)
            gb = np.add.reduce(np.add.reduce(g3, axis=0), axis=1)
            dot = np.einsum("ncl,ncl->c", g3, centered)
            gw = None if weight is None else (dot * invstd).reshape(weight.shape)
            k = invstd if weight is None else invstd * weight.reshape(-1)
            # dx = k (g - gb / count - xhat * (dot * invstd) / count), xhat = centered * invstd
            dx = g3 * _column(k)
            centered *= _column(k * invstd * invstd * dot / count)
            dx -= centered
            dx -= _column(k * gb / count)
            return dx.reshape(x.shape), gw, gb
        m = math.prod(x.shape[x.ndim - len(stat_axes):])
        rows, grows = x.reshape(-1, m), g.reshape(-1, m)
        invstd = invstd.reshape(-1, 1)
        xhat = rows - mean.reshape(-1, 1)
        xhat *= invstd
        gb = column_sums(grows)
        gw = None if weight is None else np.einsum("rm,rm->m", grows, xhat).reshape(weight.shape)
        dxhat = grows if weight is None else grows * weight.reshape(-1)
        shift = row_sums(dxhat)[:, None] / kind(m)
        slope = np.einsum("rm,rm->r", dxhat, xhat)[:, None] / kind(m)
        dx = dxhat - shift
        xhat *= slope
        dx -= xhat
        dx *= invstd
        return dx.reshape(x.shape), gw, gb.reshape(x.shape[x.ndim - len(stat_axes):])
