"""The convolution kernels on NumPy: strided views instead of stacked slices, one BLAS product
per group over the whole batch chunk, and col2im as one strided add per kernel offset.

The portable kernels (kernels/conv.py) define the layouts: the column matrix is
(G, C/G * K, N * L), built here by copying one strided view of the padded input (so the
copy is the only pass that reads the input K times), and the products' results are written
straight into their final layout where NumPy allows it (``out=``). A 1x1 convolution with
unit stride and no padding needs no columns at all: its input is already the column
matrix of each sample.
"""
from __future__ import annotations

import math

import numpy as np

from .kernels.conv import batch_chunks, conv_output_size, kernel_offsets, padded_size, window

_as_strided = np.lib.stride_tricks.as_strided
FAST_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def fast(*arrays):
    """Whether these arrays take the NumPy paths (non-empty ndarrays of a BLAS dtype)."""
    return all(type(a) is np.ndarray and a.dtype in FAST_DTYPES and a.size for a in arrays)


# Below this many output positions per sample, a pointwise convolution's per-sample products
# are too thin for BLAS to run well: the batch is joined into one product instead.
_POINTWISE_MIN_POSITIONS = 256


def _pointwise(kernel, stride, padding, dilation):
    """A 1x1 kernel with unit stride and no padding: each sample's input is its columns."""
    return all(k == 1 for k in kernel) and all(s == 1 for s in stride) and not any(lo or hi for lo, hi in padding)


def _padded(x, padding):
    """x (N, C, *size) with zeros around its spatial dims (x itself without padding)."""
    if not any(lo or hi for lo, hi in padding):
        return x
    size = x.shape[2:]
    out = np.zeros(x.shape[:2] + padded_size(size, padding), dtype=x.dtype)
    out[(slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(size, padding))] = x
    return out


def columns(x, kernel, stride, padding, dilation, out, groups):
    """The column matrix (G, C/G * K, N * L) of x (N, C, *size): one copy of a strided view."""
    n, c = x.shape[:2]
    xpad = _padded(x, padding)
    st = xpad.strides
    spatial = st[2:]
    view = _as_strided(xpad, (c,) + tuple(kernel) + (n,) + out,
                       (st[1],) + tuple(s * d for s, d in zip(spatial, dilation)) + (st[0],)
                       + tuple(s * k for s, k in zip(spatial, stride)), writeable=False)
    return view.reshape(groups, c // groups * math.prod(kernel), n * math.prod(out))


def grouped_rows(g, groups):
    """g (N, O, *out) as the contiguous (G, O/G, N * L)."""
    n, o = g.shape[:2]
    rows = np.empty((o, n) + g.shape[2:], dtype=g.dtype)
    np.copyto(rows, np.swapaxes(g, 0, 1))
    return rows.reshape(groups, o // groups, n * math.prod(g.shape[2:]))


def _chunks(n, per_item_elements, dtype):
    return batch_chunks(n, per_item_elements * dtype.itemsize)


def conv(x, w, b, stride, padding, dilation, groups):
    n, c = x.shape[:2]
    o = w.shape[0]
    kernel = w.shape[2:]
    out = conv_output_size(x.shape[2:], kernel, stride, padding, dilation)
    length = math.prod(out)
    if groups == 1 and length >= _POINTWISE_MIN_POSITIONS and _pointwise(kernel, stride, padding, dilation):
        y = np.matmul(w.reshape(o, c), x.reshape(n, c, length))
        if b is not None:
            y += b.reshape(o, 1)
        return y.reshape((n, o) + out)
    y = np.empty((n, o) + out, dtype=x.dtype)
    wg = w.reshape(groups, o // groups, w.shape[1] * math.prod(kernel))
    bias = None if b is None else b.reshape(o, 1, 1)
    for lo, hi in _chunks(n, c * math.prod(kernel) * length, x.dtype):
        m = hi - lo
        cols = columns(x[lo:hi], kernel, stride, padding, dilation, out, groups)
        # the product is (O, N, L): written into y's (N, O, L) order, the bias added on the way
        product = np.matmul(wg, cols).reshape(o, m, length)
        dst = np.swapaxes(y[lo:hi].reshape(m, o, length), 0, 1)
        if bias is None:
            np.copyto(dst, product)
        else:
            np.add(product, bias, out=dst)
    return y


def conv_grad_input(g, w, input_size, stride, padding, dilation, groups):
    n, o = g.shape[:2]
    c = w.shape[1] * groups
    kernel = w.shape[2:]
    out = g.shape[2:]
    length = math.prod(out)
    input_size = tuple(input_size)
    if groups == 1 and length >= _POINTWISE_MIN_POSITIONS and _pointwise(kernel, stride, padding, dilation) and \
            input_size == out:
        return np.matmul(w.reshape(o, c).T, g.reshape(n, o, length)).reshape((n, c) + input_size)
    wt = np.swapaxes(w.reshape(groups, o // groups, w.shape[1] * math.prod(kernel)), 1, 2)
    gx = np.empty((n, c) + input_size, dtype=g.dtype)
    inner = tuple(slice(lo, lo + size) for size, (lo, _) in zip(input_size, padding))
    for lo, hi in _chunks(n, c * math.prod(kernel) * length, g.dtype):
        m = hi - lo
        gcols = np.matmul(wt, grouped_rows(g[lo:hi], groups)).reshape((c,) + tuple(kernel) + (m,) + out)
        padded = np.zeros((c, m) + padded_size(input_size, padding), dtype=g.dtype)
        for off in kernel_offsets(kernel):
            dst = padded[(slice(None), slice(None)) + window(off, dilation, stride, out)]
            dst += gcols[(slice(None),) + off]
        np.copyto(gx[lo:hi], np.swapaxes(padded[(slice(None), slice(None)) + inner], 0, 1))
    return gx


def conv_grad_weight(g, x, kernel_size, stride, padding, dilation, groups):
    n, o = g.shape[:2]
    c = x.shape[1]
    kernel = tuple(kernel_size)
    out = g.shape[2:]
    length = math.prod(out)
    if groups == 1 and _pointwise(kernel, stride, padding, dilation):
        gw = np.matmul(grouped_rows(g, 1)[0], np.swapaxes(x, 0, 1).reshape(c, n * length).T)
        return gw.reshape((o, c) + kernel)
    gw = None
    for lo, hi in _chunks(n, c * math.prod(kernel) * length, x.dtype):
        cols = columns(x[lo:hi], kernel, stride, padding, dilation, out, groups)
        part = np.matmul(grouped_rows(g[lo:hi], groups), np.swapaxes(cols, 1, 2))
        if gw is None:
            gw = part
        else:
            gw += part
    return gw.reshape((o, c // groups) + kernel)


def conv_grad_bias(g):
    # the batch first: adding whole (O, L) planes runs faster than one reduction over both axes
    n, o = g.shape[:2]
    return np.add.reduce(np.add.reduce(g.reshape(n, o, math.prod(g.shape[2:])), axis=0), axis=1)
