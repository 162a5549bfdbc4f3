"""Convolution kernels: unfold (im2col), fold (col2im), and the convolution with its input
and weight gradients, each made of unfold/fold and one matrix product per group.

Shapes: N batch, C input channels, O output channels, G groups, K the number of kernel
offsets (the product of the kernel's sizes), L the number of output positions. Every kernel
works for 1, 2 or 3 (any number of) spatial dims. ``padding`` is one (before, after) pair per
spatial dim: PyTorch's "same" padding of an even kernel pads one more after than before, and
pairs carry that without padding the input separately.

The convolution's column matrix is laid out (G, C/G * K, N * L): the batch joins the output
positions, so one product per group covers the whole batch and the weight gradient is one
product too (no per-sample results to sum). It is built in batch chunks of at most
``COLUMN_BYTES_LIMIT``, so a large batch does not multiply memory by the kernel area.
"""
from __future__ import annotations

import itertools
import math

COLUMN_BYTES_LIMIT = 256 << 20


def conv_output_size(size, kernel_size, stride, padding, dilation):
    """The output's spatial sizes of a convolution of an input of spatial ``size``."""
    return tuple((n + lo + hi - d * (k - 1) - 1) // s + 1
                 for n, k, s, (lo, hi), d in zip(size, kernel_size, stride, padding, dilation))


def live_taps(size, kernel_size, stride, padding, dilation):
    """Where some kernel offsets read only padding for every output position (a 3x3 kernel
    with padding 1 on a 1x1 input: all but the centre), the same convolution without them:
    ``(taps, padding)``, the slices of the kernel's spatial dims that are kept and the padding
    that gives the same output positions with the kept taps alone. None where every tap reads
    the input somewhere (or where dropping taps would need negative padding). The dropped taps
    only ever multiply zeros, so the result is the same but for a NaN or inf weight at a
    dropped tap, whose 0 * inf is not formed."""
    out = conv_output_size(size, kernel_size, stride, padding, dilation)
    taps, new_padding, trimmed = [], [], False
    for n, k, s, (lo, hi), d, q in zip(size, kernel_size, stride, padding, dilation, out):
        live = [t for t in range(k) if _reads_input(t * d - lo, s, q, n)]
        if not live or (live[0] == 0 and live[-1] == k - 1):
            taps.append(slice(None))
            new_padding.append((lo, hi))
            continue
        first, last = live[0], live[-1]
        new_lo = lo - first * d
        new_hi = (q - 1) * s + d * (last - first) + 1 - n - new_lo  # the least that keeps q outputs
        if new_lo < 0 or new_hi < 0:
            return None
        taps.append(slice(first, last + 1))
        new_padding.append((new_lo, new_hi))
        trimmed = True
    return (tuple(taps), tuple(new_padding)) if trimmed else None


def _reads_input(start, stride, count, size):
    """Whether the positions start, start + stride, ... (count of them) meet [0, size)."""
    first = -(start // stride) if start < 0 else 0  # the first output whose position is >= 0
    return first < count and start + first * stride < size


def batch_chunks(n, bytes_per_item):
    """(start, stop) ranges of the batch whose columns stay within ``COLUMN_BYTES_LIMIT`` bytes
    (one item at least, however large; one empty range for an empty batch)."""
    step = max(1, COLUMN_BYTES_LIMIT // max(bytes_per_item, 1))
    return [(i, min(i + step, n)) for i in range(0, n, step)] or [(0, 0)]


def kernel_offsets(kernel_size):
    """Every offset of the kernel, in C order (the order of the weight's kernel dims)."""
    return itertools.product(*[range(k) for k in kernel_size])


def window(offset, dilation, stride, out):
    """The slices of a padded input that kernel offset ``offset`` reads for every output
    position."""
    return tuple(slice(i * d, i * d + s * (o - 1) + 1, s) for i, d, s, o in zip(offset, dilation, stride, out))


def padded_size(size, padding):
    return tuple(n + lo + hi for n, (lo, hi) in zip(size, padding))


def interior(size, padding):
    """The slices of a padded array that hold the unpadded one."""
    return tuple(slice(lo, lo + n) for n, (lo, _) in zip(size, padding))


def item_bytes(xp, dtype):
    try:
        return xp.finfo(dtype).bits // 8
    except (TypeError, ValueError):
        return xp.iinfo(dtype).bits // 8


class ConvKernels:
    xp = None  # the array-API namespace (set by the Backend)

    # -- unfold and fold: (N, C, *size) <-> (N, C * K, L) ----------------------------------
    def unfold(self, x, kernel_size, dilation, padding, stride):
        """Every input window of a convolution as a column: (N, C, *size) -> (N, C * K, L)."""
        xp = self.xp
        n, c = x.shape[:2]
        out = conv_output_size(x.shape[2:], kernel_size, stride, padding, dilation)
        xpad = self._conv_pad(x, padding)
        windows = [xpad[(slice(None), slice(None)) + window(off, dilation, stride, out)]
                   for off in kernel_offsets(kernel_size)]
        return xp.reshape(xp.stack(windows, axis=2), (n, c * math.prod(kernel_size), math.prod(out)))

    def fold(self, cols, output_size, kernel_size, dilation, padding, stride):
        """unfold's adjoint: each column added back at its window, (N, C * K, L) -> (N, C, *size)."""
        xp = self.xp
        k = math.prod(kernel_size)
        n, c = cols.shape[0], cols.shape[1] // k
        out = conv_output_size(output_size, kernel_size, stride, padding, dilation)
        cols = xp.reshape(cols, (n, c, k) + out)
        padded = xp.zeros((n, c) + padded_size(output_size, padding), dtype=cols.dtype, device=cols.device)
        lead = (slice(None), slice(None))
        for i, off in enumerate(kernel_offsets(kernel_size)):
            key = lead + window(off, dilation, stride, out)
            padded[key] = padded[key] + cols[:, :, i, ...]
        return padded[lead + interior(output_size, padding)]

    # -- the convolution and its gradients --------------------------------------------------
    def conv(self, x, w, b, stride, padding, dilation, groups):
        """The convolution of x (N, C, *size) with w (O, C/G, *kernel), plus b (O,) if given."""
        xp = self.xp
        n, o = x.shape[0], w.shape[0]
        kernel = tuple(w.shape[2:])
        out = conv_output_size(x.shape[2:], kernel, stride, padding, dilation)
        wg = xp.reshape(w, (groups, o // groups, w.shape[1] * math.prod(kernel)))
        nd = len(out)
        parts = []
        for lo, hi in self._conv_chunks(x, kernel, out):
            cols = self._conv_columns(x[lo:hi, ...], kernel, stride, padding, dilation, out, groups)
            y = xp.reshape(xp.matmul(wg, cols), (o, hi - lo) + out)
            parts.append(xp.permute_dims(y, (1, 0) + tuple(range(2, nd + 2))))
        y = parts[0] if len(parts) == 1 else xp.concat(parts, axis=0)
        if b is not None:
            y = y + xp.reshape(b, (1, o) + (1,) * nd)
        return y

    def conv_grad_input(self, g, w, input_size, stride, padding, dilation, groups):
        """The convolution's gradient in its input (a transposed convolution of g with w):
        g (N, O, *out) -> (N, C, *input_size)."""
        xp = self.xp
        kernel = tuple(w.shape[2:])
        k = math.prod(kernel)
        c = w.shape[1] * groups
        out = tuple(g.shape[2:])
        wt = xp.matrix_transpose(xp.reshape(w, (groups, w.shape[0] // groups, w.shape[1] * k)))
        nd = len(out)
        lead = (slice(None), slice(None))
        parts = []
        for lo, hi in self._conv_chunks(g, kernel, out, channels=c):
            m = hi - lo
            gcols = xp.reshape(xp.matmul(wt, self._conv_rows(g[lo:hi, ...], groups)), (c, k, m) + out)
            padded = xp.zeros((c, m) + padded_size(input_size, padding), dtype=g.dtype, device=g.device)
            for i, off in enumerate(kernel_offsets(kernel)):
                key = lead + window(off, dilation, stride, out)
                padded[key] = padded[key] + gcols[:, i, ...]
            parts.append(xp.permute_dims(padded[lead + interior(input_size, padding)],
                                         (1, 0) + tuple(range(2, nd + 2))))
        return parts[0] if len(parts) == 1 else xp.concat(parts, axis=0)

    def conv_grad_weight(self, g, x, kernel_size, stride, padding, dilation, groups):
        """The convolution's gradient in its weight: g (N, O, *out), x (N, C, *size) ->
        (O, C/G, *kernel_size)."""
        xp = self.xp
        o, c = g.shape[1], x.shape[1]
        out = tuple(g.shape[2:])
        kernel_size = tuple(kernel_size)
        gw = None
        for lo, hi in self._conv_chunks(x, kernel_size, out):
            cols = self._conv_columns(x[lo:hi, ...], kernel_size, stride, padding, dilation, out, groups)
            part = xp.matmul(self._conv_rows(g[lo:hi, ...], groups), xp.matrix_transpose(cols))
            gw = part if gw is None else gw + part
        return xp.reshape(gw, (o, c // groups) + kernel_size)

    def conv_grad_bias(self, g):
        """The convolution's gradient in its bias: g summed over all dims but the channels."""
        return self.xp.sum(g, axis=(0,) + tuple(range(2, g.ndim)))

    # -- helpers ------------------------------------------------------------------------------
    def _conv_chunks(self, x, kernel, out, channels=None):
        per_item = (x.shape[1] if channels is None else channels) * math.prod(kernel) * math.prod(out)
        return batch_chunks(x.shape[0], per_item * item_bytes(self.xp, x.dtype))

    def _conv_pad(self, x, padding):
        """x (two leading dims, then the spatial ones) with zeros around its spatial dims."""
        if not any(lo or hi for lo, hi in padding):
            return x
        xp = self.xp
        size = tuple(x.shape[2:])
        out = xp.zeros(tuple(x.shape[:2]) + padded_size(size, padding), dtype=x.dtype, device=x.device)
        out[(slice(None), slice(None)) + interior(size, padding)] = x
        return out

    def _conv_columns(self, x, kernel, stride, padding, dilation, out, groups):
        """The column matrix (G, C/G * K, N * L) of x (N, C, *size)."""
        xp = self.xp
        n, c = x.shape[:2]
        xt = self._conv_pad(xp.permute_dims(x, (1, 0) + tuple(range(2, x.ndim))), padding)
        lead = (slice(None), slice(None))
        windows = [xt[lead + window(off, dilation, stride, out)] for off in kernel_offsets(kernel)]
        return xp.reshape(xp.stack(windows, axis=1), (groups, c // groups * math.prod(kernel), n * math.prod(out)))

    def _conv_rows(self, g, groups):
        """g (N, O, *out) as (G, O/G, N * L): the layout of the column matrix's products."""
        xp = self.xp
        o = g.shape[1]
        gt = xp.permute_dims(g, (1, 0) + tuple(range(2, g.ndim)))
        return xp.reshape(gt, (groups, o // groups, g.shape[0] * math.prod(g.shape[2:])))
