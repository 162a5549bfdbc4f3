"""The convolution kernels on NumPy: strided views instead of stacked slices, one BLAS product
per group over the whole batch chunk, and col2im as one strided add per kernel offset.

The portable kernels (kernels/conv.py) define the layouts: the column matrix is
(G, C/G * K, N * L), built here by copying one strided view of the padded input (the only
pass that reads the input K times), and the products' results are written straight into
their final layout (``out=``). Small images order the columns batch last (below). A 1x1
convolution with unit stride and no padding needs no columns: each sample's input is
already its column matrix. Depthwise convolutions skip the products altogether (below).
"""
from __future__ import annotations

import math

import numpy as np

from ._numpy_dtypes import BLAS_FLOATS
from .kernels.conv import batch_chunks, conv_output_size, interior, kernel_offsets, live_taps, padded_size, window

_as_strided = np.lib.stride_tricks.as_strided


def fast(*arrays):
    """Whether these arrays take the NumPy paths (non-empty ndarrays of a BLAS dtype)."""
    return all(type(a) is np.ndarray and a.dtype in BLAS_FLOATS and a.size for a in arrays)


# Below this many output positions per sample, a pointwise convolution's per-sample products
# are too thin for BLAS to run well: the batch is joined into one product instead.
_POINTWISE_MIN_POSITIONS = 256


def _pointwise(kernel, stride, padding, dilation):
    """A 1x1 kernel with unit stride and no padding: each sample's input is its columns."""
    return all(k == 1 for k in kernel) and all(s == 1 for s in stride) and not any(lo or hi for lo, hi in padding)


# Two orders of the column matrix's N * L columns, (n, positions) and (positions, n): the
# first suits large images, whose rows are long runs to copy; small images (ResNet's later
# stages, 8x8 down to 1x1; LeNet's 10x10) have rows of a few elements, and moving the batch
# last makes every copy and every col2im add run over whole (width x batch) blocks instead.
# The price is one transposing copy of the input and of the output, K times smaller than the
# columns.
_BATCH_LAST_BELOW_WIDTH = 12


def batch_last(out):
    """Whether the columns of a convolution with output size ``out`` are (positions, n)."""
    return out[-1] < _BATCH_LAST_BELOW_WIDTH


def _padded(x, padding, last):
    """x (N, C, *size) with zeros around its spatial dims, as (C, *padded, N) if ``last``, else
    (N, C, *padded) (x itself when there is no padding)."""
    size = x.shape[2:]
    if last:
        out = np.zeros((x.shape[1],) + padded_size(size, padding) + (x.shape[0],), dtype=x.dtype)
        out[(slice(None),) + interior(size, padding)] = np.moveaxis(x, 0, -1)
        return out
    if not any(lo or hi for lo, hi in padding):
        return x
    out = np.zeros(x.shape[:2] + padded_size(size, padding), dtype=x.dtype)
    out[(slice(None), slice(None)) + interior(size, padding)] = x
    return out


def columns(x, kernel, stride, padding, dilation, out, groups, last):
    """The column matrix (G, C/G * K, N * L) of x (N, C, *size), its columns in the order that
    ``last`` says: one copy of a strided view."""
    n, c = x.shape[:2]
    xpad = _padded(x, padding, last)
    st = xpad.strides
    if last:
        batch, spatial = st[-1], st[1:-1]
        channel = st[0]
    else:
        batch, spatial = st[0], st[2:]
        channel = st[1]
    windows = tuple(s * d for s, d in zip(spatial, dilation))
    positions = tuple(s * k for s, k in zip(spatial, stride))
    if last:
        view = _as_strided(xpad, (c,) + tuple(kernel) + out + (n,), (channel,) + windows + positions + (batch,),
                           writeable=False)
    else:
        view = _as_strided(xpad, (c,) + tuple(kernel) + (n,) + out, (channel,) + windows + (batch,) + positions,
                           writeable=False)
    return view.reshape(groups, c // groups * math.prod(kernel), n * math.prod(out))


def grouped_rows(g, groups, last):
    """g (N, O, *out) as the contiguous (G, O/G, N * L), its columns in the columns' order."""
    n, o = g.shape[:2]
    if last:
        rows = np.empty((o,) + g.shape[2:] + (n,), dtype=g.dtype)
        np.copyto(rows, np.moveaxis(g, 0, -1))
    else:
        rows = np.empty((o, n) + g.shape[2:], dtype=g.dtype)
        np.copyto(rows, np.swapaxes(g, 0, 1))
    return rows.reshape(groups, o // groups, n * math.prod(g.shape[2:]))


def _in_columns_order(y, last):
    """A (N, C, L) array as a view in the columns' order: (C, L, N) or (C, N, L)."""
    return np.moveaxis(y, 0, -1) if last else np.swapaxes(y, 0, 1)


def _chunks(n, per_item_elements, dtype):
    return batch_chunks(n, per_item_elements * dtype.itemsize)


# A depthwise convolution (one input channel per group, any number of outputs per group) is
# G matrix products of a handful of rows each, which NumPy's stacked matmul runs one small
# product at a time. A loop over the K kernel offsets of broadcast multiply-adds on strided
# windows of the input needs no column matrix and runs many times faster. The forward puts
# the batch last, (C, *padded, N), so that each window's rows are (width x batch) blocks,
# long enough for NumPy's inner loops, at the price of a transposing copy of the input and
# of the output; the gradients measured faster in the (N, C, ...) order.
def depthwise(w, groups):
    return groups > 1 and w.shape[1] == 1


def _per_channel(wk, trailing):
    """Weights (C, ...) of one kernel offset, shaped to broadcast over ``trailing`` more dims."""
    return wk.reshape(wk.shape + (1,) * trailing)


def depthwise_conv(x, w, b, stride, padding, dilation, groups):
    n, c = x.shape[:2]
    o = w.shape[0]
    m = o // c
    kernel = w.shape[2:]
    out = conv_output_size(x.shape[2:], kernel, stride, padding, dilation)
    nd = len(out)
    wk = w.reshape(c, m, math.prod(kernel))
    xpad = _padded(x, padding, True)  # (C, *padded, N)
    acc = np.empty((c, m) + out + (n,), dtype=x.dtype)
    step = np.empty_like(acc)
    for i, off in enumerate(kernel_offsets(kernel)):
        view = xpad[(slice(None),) + window(off, dilation, stride, out)][:, None]
        np.multiply(view, _per_channel(wk[:, :, i], nd + 1), out=acc if i == 0 else step)
        if i:
            acc += step
    if b is not None:
        acc += _per_channel(b.reshape(c, m), nd + 1)
    y = np.empty((n, o) + out, dtype=x.dtype)
    np.copyto(y, np.moveaxis(acc.reshape((o,) + out + (n,)), -1, 0))
    return y


def depthwise_grad_input(g, w, input_size, stride, padding, dilation, groups):
    n, o = g.shape[:2]
    c = groups
    m = o // c
    kernel = w.shape[2:]
    out = g.shape[2:]
    nd = len(out)
    reach = [d * (k - 1) for d, k in zip(dilation, kernel)]
    if m == 1 and all(s == 1 for s in stride) and \
            all(lo <= r and hi <= r and size + lo + hi - r == q
                for (lo, hi), r, size, q in zip(padding, reach, input_size, out)):
        # with unit stride, the transposed depthwise convolution is the depthwise convolution
        # of g with the flipped kernel, padded by what the forward's padding left of the reach
        flipped = w[(slice(None), slice(None)) + (slice(None, None, -1),) * nd]
        return depthwise_conv(g, flipped, None, stride, tuple((r - lo, r - hi) for (lo, hi), r in zip(padding, reach)),
                              dilation, groups)
    wk = w.reshape(c, m, math.prod(kernel))
    gm = g.reshape((n, c, m) + out)
    padded = np.zeros((n, c) + padded_size(input_size, padding), dtype=g.dtype)
    for i, off in enumerate(kernel_offsets(kernel)):
        dst = padded[(slice(None), slice(None)) + window(off, dilation, stride, out)]
        if m == 1:
            dst += gm[:, :, 0] * _per_channel(wk[:, 0, i], nd)
        else:
            dst += np.add.reduce(gm * _per_channel(wk[:, :, i], nd), axis=2)
    return np.ascontiguousarray(padded[(slice(None), slice(None)) + interior(input_size, padding)])


def depthwise_grad_weight(g, x, kernel_size, stride, padding, dilation, groups):
    # (the einsum reads strided windows of the (N, C, ...) input as they are: no copy, and
    # faster here than on batch-last windows)
    n, o = g.shape[:2]
    c = groups
    kernel = tuple(kernel_size)
    out = g.shape[2:]
    gm = g.reshape((n, c, o // c) + out)
    xpad = _padded(x, padding, False)
    gw = np.empty((c, o // c, math.prod(kernel)), dtype=g.dtype)
    spatial = "pqrstuvwxyz"[:len(out)]
    products = f"ncm{spatial},nc{spatial}->cm"
    for i, off in enumerate(kernel_offsets(kernel)):
        gw[:, :, i] = np.einsum(products, gm, xpad[(slice(None), slice(None)) + window(off, dilation, stride, out)])
    return gw.reshape((o, 1) + kernel)


def _kept(w, taps):
    """The weight's kernel offsets that ``taps`` keeps."""
    return w[(slice(None), slice(None)) + taps]


def conv(x, w, b, stride, padding, dilation, groups):
    n, c = x.shape[:2]
    o = w.shape[0]
    kernel = w.shape[2:]
    if depthwise(w, groups):
        return depthwise_conv(x, w, b, stride, padding, dilation, groups)
    trim = live_taps(x.shape[2:], kernel, stride, padding, dilation)
    if trim is not None:  # (ResNet's last stage: a 3x3 kernel on 1x1 inputs is its centre alone)
        taps, padding = trim
        return conv(x, _kept(w, taps), b, stride, padding, dilation, groups)
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
    last = batch_last(out)
    for lo, hi in _chunks(n, c * math.prod(kernel) * length, x.dtype):
        m = hi - lo
        cols = columns(x[lo:hi], kernel, stride, padding, dilation, out, groups, last)
        # the product is (O, N, L) or (O, L, N): written into y's (N, O, L) order, the bias
        # added on the way
        product = np.matmul(wg, cols).reshape((o, length, m) if last else (o, m, length))
        dst = _in_columns_order(y[lo:hi].reshape(m, o, length), last)
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
    if depthwise(w, groups):
        return depthwise_grad_input(g, w, input_size, stride, padding, dilation, groups)
    trim = live_taps(input_size, kernel, stride, padding, dilation)
    if trim is not None:  # the taps that read only padding add nothing to the input's gradient
        taps, padding = trim
        return conv_grad_input(g, _kept(w, taps), input_size, stride, padding, dilation, groups)
    if groups == 1 and length >= _POINTWISE_MIN_POSITIONS and _pointwise(kernel, stride, padding, dilation) and \
            input_size == out:
        return np.matmul(w.reshape(o, c).T, g.reshape(n, o, length)).reshape((n, c) + input_size)
    reach = [d * (k - 1) for d, k in zip(dilation, kernel)]
    if groups == 1 and all(s == 1 for s in stride) and o * math.prod(input_size) <= c * length and \
            all(lo <= r and hi <= r and size + lo + hi - r == q
                for (lo, hi), r, size, q in zip(padding, reach, input_size, out)):
        # with unit stride the input gradient is the convolution of g with the flipped,
        # transposed kernel: its product contracts over O * K, not O, which BLAS runs faster,
        # and its column matrix is no larger than the col2im one where O * (input size) is
        # at most C * (output size)
        flipped = np.swapaxes(w, 0, 1)[(slice(None), slice(None)) + (slice(None, None, -1),) * len(kernel)]
        return conv(g, flipped, None, stride, tuple((r - lo, r - hi) for (lo, hi), r in zip(padding, reach)),
                    dilation, 1)
    wt = np.swapaxes(w.reshape(groups, o // groups, w.shape[1] * math.prod(kernel)), 1, 2)
    gx = np.empty((n, c) + input_size, dtype=g.dtype)
    inner = interior(input_size, padding)
    last = batch_last(out)
    for lo, hi in _chunks(n, c * math.prod(kernel) * length, g.dtype):
        m = hi - lo
        gcols = np.matmul(wt, grouped_rows(g[lo:hi], groups, last))
        if last:  # (C, *kernel, *out, N) added into (C, *padded, N)
            gcols = gcols.reshape((c,) + tuple(kernel) + out + (m,))
            padded = np.zeros((c,) + padded_size(input_size, padding) + (m,), dtype=g.dtype)
            lead, crop = (slice(None),), (slice(None),) + inner
        else:  # (C, *kernel, N, *out) added into (C, N, *padded)
            gcols = gcols.reshape((c,) + tuple(kernel) + (m,) + out)
            padded = np.zeros((c, m) + padded_size(input_size, padding), dtype=g.dtype)
            lead, crop = (slice(None), slice(None)), (slice(None), slice(None)) + inner
        for off in kernel_offsets(kernel):
            dst = padded[lead + window(off, dilation, stride, out)]
            dst += gcols[(slice(None),) + off]
        result = padded[crop]
        np.copyto(gx[lo:hi], np.moveaxis(result, -1, 0) if last else np.swapaxes(result, 0, 1))
    return gx


def conv_grad_weight(g, x, kernel_size, stride, padding, dilation, groups):
    n, o = g.shape[:2]
    c = x.shape[1]
    kernel = tuple(kernel_size)
    out = g.shape[2:]
    length = math.prod(out)
    if groups > 1 and c == groups:
        return depthwise_grad_weight(g, x, kernel, stride, padding, dilation, groups)
    trim = live_taps(x.shape[2:], kernel, stride, padding, dilation)
    if trim is not None:  # the taps that read only padding get zeros
        taps, kept_padding = trim
        kept_kernel = tuple(len(range(k)[t]) for k, t in zip(kernel, taps))
        gw = np.zeros((o, c // groups) + kernel, dtype=g.dtype)
        gw[(slice(None), slice(None)) + taps] = conv_grad_weight(g, x, kept_kernel, stride, kept_padding, dilation,
                                                                 groups)
        return gw
    if groups == 1 and _pointwise(kernel, stride, padding, dilation) and x.shape[2:] == out:
        gw = np.matmul(grouped_rows(g, 1, False)[0], np.swapaxes(x, 0, 1).reshape(c, n * length).T)
        return gw.reshape((o, c) + kernel)
    gw = None
    last = batch_last(out)
    for lo, hi in _chunks(n, c * math.prod(kernel) * length, x.dtype):
        cols = columns(x[lo:hi], kernel, stride, padding, dilation, out, groups, last)
        part = np.matmul(grouped_rows(g[lo:hi], groups, last), np.swapaxes(cols, 1, 2))
        if gw is None:
            gw = part
        else:
            gw += part
    return gw.reshape((o, c // groups) + kernel)


def conv_grad_bias(g):
    # the batch first: adding whole (O, L) planes runs faster than one reduction over both axes
    n, o = g.shape[:2]
    return np.add.reduce(np.add.reduce(g.reshape(n, o, math.prod(g.shape[2:])), axis=0), axis=1)
