"""Pooling kernels: max, average and adaptive pooling over the trailing ``len(kernel)`` axes of
an array (any leading axes: batch and channels, or channels alone), and their gradients.

Every window kernel walks the (few) offsets of the window: at each offset one strided slice of
the padded input lines up that element of every window, so a pass costs one elementwise op per
offset on arrays of the output's size, with no gather and no window copy. Gradients run the
same walk backwards, adding into strided slices of a zero array. Indices of max pooling are
PyTorch's: the flat position of the maximum within its (unpadded) plane.

Adaptive windows vary in size; average pooling over them is linear and separable, one matrix
per axis, and max pooling takes, per offset, the element at ``min(start + offset, end - 1)``
(a repeat of the window's last element never changes the maximum or which one is first).
"""
from __future__ import annotations

import functools
import itertools
import math


def window_geometry(in_size, kernel, stride, padding, dilation, out_size):
    """Per axis: (left pad, right pad) that the walk needs, right pad covering windows that
    ceil_mode lets run past the padded end (or cut short where the last window ends early)."""
    pads = []
    for n, k, s, p, d, o in zip(in_size, kernel, stride, padding, dilation, out_size):
        reach = (o - 1) * s + d * (k - 1) + 1  # positions the windows span, from the left pad on
        pads.append((p, reach - n - p))
    return pads


@functools.lru_cache(maxsize=256)
def window_keys(kernel, stride, dilation, out_size):
    """(key of the strided view of the padded input, offset per axis) for every window
    offset, in PyTorch's window order (last axis fastest); made once per geometry."""
    return tuple(((...,) + tuple(slice(o * d, o * d + s * (n - 1) + 1, s)
                                 for o, d, s, n in zip(offset, dilation, stride, out_size)), offset)
                 for offset in itertools.product(*[range(k) for k in kernel]))


@functools.lru_cache(maxsize=256)
def window_counts(n, k, s, p, o, include_pad):
    """How many elements each of the ``o`` windows along one axis averages over (PyTorch's
    rule: a window is clipped to the padded end; without count_include_pad, to the input)."""
    counts = []
    for i in range(o):
        start = i * s - p
        end = min(start + k, n + p)
        if not include_pad:
            start, end = max(start, 0), min(end, n)
        counts.append(end - start)
    return tuple(counts)


def adaptive_bounds(n, o):
    """PyTorch's adaptive windows: window i covers [floor(i*n/o), ceil((i+1)*n/o))."""
    return [(i * n) // o for i in range(o)], [-((-(i + 1) * n) // o) for i in range(o)]


class PoolingKernels:
    xp = None  # the array-API namespace (set by the Backend)

    # -- primitives the walks use (NumPy adds in place) ----------------------------------
    def _pool_accumulate(self, target, key, values):
        """target[key] += values."""
        target[key] = target[key] + values

    def _padded(self, x, pads, fill):
        """x with ``pads`` (left, right) on its trailing axes; a right pad < 0 cuts the end."""
        xp = self.xp
        d = len(pads)
        lead = x.ndim - d
        if all(lo == 0 and hi == 0 for lo, hi in pads):
            return x
        if all(lo == 0 for lo, _ in pads) and all(hi <= 0 for _, hi in pads):
            return x[(...,) + tuple(slice(0, n + hi) for n, (_, hi) in zip(x.shape[lead:], pads))]
        shape = x.shape[:lead] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[lead:], pads))
        out = xp.full(shape, fill, dtype=x.dtype, device=x.device)
        dst = tuple(slice(lo, lo + min(n, n + hi)) for n, (lo, hi) in zip(x.shape[lead:], pads))
        src = tuple(slice(0, min(n, n + hi)) for n, (lo, hi) in zip(x.shape[lead:], pads))
        out[(...,) + dst] = x[(...,) + src]
        return out

    def _padded_zeros(self, shape, pads, dtype, device):
        """Zeros the size of the padded input (for a walk to add into), and the key that crops
        them back to the input."""
        d = len(pads)
        lead = len(shape) - d
        full = shape[:lead] + tuple(max(n + lo + hi, n + lo) for n, (lo, hi) in zip(shape[lead:], pads))
        crop = (...,) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(shape[lead:], pads))
        return self.xp.zeros(full, dtype=dtype, device=device), crop

    @staticmethod
    def _offsets(kernel, stride, dilation, out_size):
        return window_keys(tuple(kernel), tuple(stride), tuple(dilation), tuple(out_size))

    def _plane_positions(self, in_size, stride, padding, out_size, dtype, device):
        """The flat in-plane position of each window's first element (may lie in the pad)."""
        xp = self.xp
        d = len(in_size)
        plane_strides = [math.prod(in_size[a + 1:]) for a in range(d)]
        base = None
        for a in range(d):
            start = (xp.arange(out_size[a], dtype=dtype, device=device) * stride[a] - padding[a]) \
                * plane_strides[a]
            start = xp.reshape(start, tuple(out_size[a] if b == a else 1 for b in range(d)))
            base = start if base is None else base + start
        return base, plane_strides

    # -- max pooling ---------------------------------------------------------------------
    def max_pool(self, x, kernel, stride, padding, dilation, out_size, with_indices=True):
        """(max over each window, flat in-plane index of its first maximum); NaN wins, as in
        PyTorch. Without indices, the maxima only."""
        xp = self.xp
        d = len(kernel)
        in_size = x.shape[x.ndim - d:]
        floating = xp.isdtype(x.dtype, "real floating")
        fill = -math.inf if floating else xp.iinfo(x.dtype).min
        padded = self._padded(x, window_geometry(in_size, kernel, stride, padding, dilation, out_size), fill)
        best = arg = None
        plane_strides = [math.prod(in_size[a + 1:]) for a in range(d)]
        for key, offset in self._offsets(kernel, stride, dilation, out_size):
            view = padded[key]
            if best is None:
                best = view
                if with_indices:
                    arg = xp.zeros(view.shape, dtype=xp.int64, device=x.device)
                continue
            better = view > best
            if floating:
                better = better | xp.isnan(view)
            best = xp.where(better, view, best)
            if with_indices:
                flat = sum(o * dl * ps for o, dl, ps in zip(offset, dilation, plane_strides))
                arg = xp.where(better, xp.asarray(flat, dtype=xp.int64, device=x.device), arg)
        if best is not None and all(k == 1 for k in kernel):  # still a view of the input
            best = xp.asarray(best, copy=True)
        if not with_indices:
            return best
        base, _ = self._plane_positions(in_size, stride, padding, out_size, xp.int64, x.device)
        return best, arg + base

    def max_pool_backward(self, g, indices, in_size, kernel, stride, padding, dilation):
        """The gradient of max pooling: each window's gradient added at its maximum."""
        xp = self.xp
        out_size = g.shape[g.ndim - len(kernel):]
        pads = window_geometry(in_size, kernel, stride, padding, dilation, out_size)
        base, plane_strides = self._plane_positions(in_size, stride, padding, out_size, indices.dtype, g.device)
        within = indices - base  # the maximum's flat offset within its window
        out, crop = self._padded_zeros(g.shape[:g.ndim - len(kernel)] + tuple(in_size), pads, g.dtype, g.device)
        zero = xp.zeros((), dtype=g.dtype, device=g.device)
        for key, offset in self._offsets(kernel, stride, dilation, out_size):
            flat = sum(o * dl * ps for o, dl, ps in zip(offset, dilation, plane_strides))
            self._pool_accumulate(out, key, xp.where(within == flat, g, zero))
        return out[crop]

    # -- average pooling -------------------------------------------------------------------
    def _avg_divisor(self, in_size, kernel, stride, padding, out_size, count_include_pad, divisor_override, dtype,
                     device):
        """The divisor of each window: a number where all agree, else an array of the
        output's trailing shape."""
        if divisor_override:
            return divisor_override
        per_axis = [window_counts(n, k, s, p, o, count_include_pad)
                    for n, k, s, p, o in zip(in_size, kernel, stride, padding, out_size)]
        if all(min(c) == max(c) for c in per_axis):
            return math.prod(c[0] for c in per_axis)
        xp = self.xp
        d = len(per_axis)
        divisor = None
        for a, counts in enumerate(per_axis):
            axis = xp.reshape(xp.asarray(counts, dtype=dtype, device=device),
                              tuple(len(counts) if b == a else 1 for b in range(d)))
            divisor = axis if divisor is None else divisor * axis
        return divisor

    def avg_pool(self, x, kernel, stride, padding, out_size, count_include_pad=True, divisor_override=None):
        """The mean over each window (the window's sum over PyTorch's divisor)."""
        xp = self.xp
        d = len(kernel)
        in_size = x.shape[x.ndim - d:]
        divisor = self._avg_divisor(in_size, kernel, stride, padding, out_size, count_include_pad, divisor_override,
                                    x.dtype, x.device)
        if tuple(kernel) == tuple(in_size) and not any(padding) and tuple(out_size) == (1,) * d:
            # one window over the whole plane (global pooling)
            axes = tuple(range(x.ndim - d, x.ndim))
            return self._window_mean(xp.sum(x, axis=axes, keepdims=True, dtype=x.dtype), divisor)
        padded = self._padded(x, window_geometry(in_size, kernel, stride, padding, (1,) * d, out_size), 0)
        total = None
        for key, _ in self._offsets(kernel, stride, (1,) * d, out_size):
            total = padded[key] if total is None else total + padded[key]
        return self._window_mean(total, divisor)

    def _window_mean(self, total, divisor):
        xp = self.xp
        if xp.isdtype(total.dtype, "real floating"):
            return total / divisor
        # PyTorch divides an integer window's sum in C++, truncating toward zero
        quotient = xp.abs(total) // divisor
        return xp.astype(xp.where(total < 0, -quotient, quotient), total.dtype)

    def avg_pool_backward(self, g, in_size, kernel, stride, padding, count_include_pad=True, divisor_override=None):
        """The gradient of average pooling: each window's gradient over its divisor, spread
        over the window (the adjoint of avg_pool)."""
        xp = self.xp
        d = len(kernel)
        out_size = g.shape[g.ndim - d:]
        shape = g.shape[:g.ndim - d] + tuple(in_size)
        divisor = self._avg_divisor(in_size, kernel, stride, padding, out_size, count_include_pad, divisor_override,
                                    g.dtype, g.device)
        share = g / divisor
        if tuple(kernel) == tuple(in_size) and not any(padding) and tuple(out_size) == (1,) * d:
            return xp.asarray(xp.broadcast_to(share, shape), copy=True)
        pads = window_geometry(in_size, kernel, stride, padding, (1,) * d, out_size)
        out, crop = self._padded_zeros(shape, pads, g.dtype, g.device)
        for key, _ in self._offsets(kernel, stride, (1,) * d, out_size):
            self._pool_accumulate(out, key, share)
        return out[crop]

    # -- adaptive pooling -------------------------------------------------------------------
    def _adaptive_matrix(self, n, o, dtype, device):
        """(o, n): row i averages window i of an adaptive pooling along one axis."""
        xp = self.xp
        starts, ends = adaptive_bounds(n, o)
        pos = xp.reshape(xp.arange(n, device=device), (1, n))
        lo = xp.reshape(xp.asarray(starts, device=device), (o, 1))
        hi = xp.reshape(xp.asarray(ends, device=device), (o, 1))
        inside = xp.astype((pos >= lo) & (pos < hi), dtype)
        return inside / xp.astype(hi - lo, dtype)

    def _along_axes(self, x, matrices):
        """x with matrix m_a (new, old) applied along each of its trailing axes."""
        xp = self.xp
        d = len(matrices)
        for a, m in enumerate(matrices):
            if m is None:
                continue
            axis = x.ndim - d + a
            moved = xp.moveaxis(x, axis, -1)
            x = xp.moveaxis(xp.matmul(moved, m.T), -1, axis)
        return x

    def adaptive_avg_pool(self, x, out_size):
        xp = self.xp
        d = len(out_size)
        in_size = x.shape[x.ndim - d:]
        if all(n % o == 0 for n, o in zip(in_size, out_size)):
            kernel = tuple(n // o for n, o in zip(in_size, out_size))
            return self.avg_pool(x, kernel, kernel, (0,) * d, tuple(out_size))
        return self._along_axes(x, [None if n == o else self._adaptive_matrix(n, o, x.dtype, x.device)
                                    for n, o in zip(in_size, out_size)])

    def adaptive_avg_pool_backward(self, g, in_size):
        d = len(in_size)
        out_size = g.shape[g.ndim - d:]
        if all(n % o == 0 for n, o in zip(in_size, out_size)):
            kernel = tuple(n // o for n, o in zip(in_size, out_size))
            return self.avg_pool_backward(g, tuple(in_size), kernel, kernel, (0,) * d)
        return self._along_axes(g, [None if n == o else self._adaptive_matrix(n, o, g.dtype, g.device).T
                                    for n, o in zip(in_size, out_size)])

    def adaptive_max_pool(self, x, out_size):
        """(max over each adaptive window, flat in-plane index of its first maximum)."""
        xp = self.xp
        d = len(out_size)
        in_size = x.shape[x.ndim - d:]
        if all(n % o == 0 for n, o in zip(in_size, out_size)):  # equal windows side by side
            kernel = tuple(n // o for n, o in zip(in_size, out_size))
            return self.max_pool(x, kernel, kernel, (0,) * d, (1,) * d, tuple(out_size))
        plane_strides = [math.prod(in_size[a + 1:]) for a in range(d)]
        bounds = [adaptive_bounds(n, o) for n, o in zip(in_size, out_size)]
        longest = [max(e - s for s, e in zip(*b)) for b in bounds]
        floating = xp.isdtype(x.dtype, "real floating")
        best = arg = None
        for offset in itertools.product(*[range(k) for k in longest]):
            view, flat = x, None
            for a, ((starts, ends), o) in enumerate(zip(bounds, offset)):
                pos = xp.asarray([min(s + o, e - 1) for s, e in zip(starts, ends)], dtype=xp.int64, device=x.device)
                view = xp.take(view, pos, axis=x.ndim - d + a)
                term = xp.reshape(pos * plane_strides[a], tuple(pos.shape[0] if b == a else 1 for b in range(d)))
                flat = term if flat is None else flat + term
            if best is None:
                best, arg = view, xp.broadcast_to(flat, view.shape)
                continue
            better = view > best
            if floating:
                better = better | xp.isnan(view)
            best = xp.where(better, view, best)
            arg = xp.where(better, flat, arg)
        return best, xp.asarray(arg, copy=True)

    # -- scatter and gather by in-plane index (adaptive max pooling, max unpooling) ------------
    def _planes(self, a, nd):
        return self.xp.reshape(a, (math.prod(a.shape[:a.ndim - nd]), -1))

    def _plane_flat_index(self, indices, nd, size):
        """In-plane indices made positions in the flattened (..., *plane) array (for the
        libraries that scatter and gather on one flat index)."""
        xp = self.xp
        rows = math.prod(indices.shape[:indices.ndim - nd])
        starts = xp.reshape(xp.arange(0, rows * size, size, dtype=indices.dtype, device=indices.device), (-1, 1))
        return xp.reshape(xp.reshape(indices, (rows, -1)) + starts, (-1,))

    def plane_gather(self, a, indices, nd):
        """a[..., indices] per plane: ``a`` (..., *plane), ``indices`` (..., *out) holding flat
        in-plane positions; the result has the shape of ``indices``."""
        xp = self.xp
        taken = xp.take_along_axis(self._planes(a, nd), self._planes(indices, nd), axis=1)
        return xp.reshape(taken, indices.shape)

    def plane_scatter_add(self, g, indices, plane):
        """zeros (..., *plane) with each g added at its flat in-plane index (repeats add up)."""
        xp = self.xp
        nd = len(plane)
        lead = g.shape[:g.ndim - nd]
        rows, idx = self._planes(g, nd), self._planes(indices, nd)
        size = math.prod(plane)
        hits = xp.reshape(idx, (idx.shape[0], 1, -1)) == xp.reshape(xp.arange(size, dtype=idx.dtype, device=g.device),
                                                                       (1, size, 1))
        zero = xp.zeros((), dtype=g.dtype, device=g.device)
        summed = xp.sum(xp.where(hits, xp.reshape(rows, (rows.shape[0], 1, -1)), zero), axis=2)
        return xp.reshape(summed, lead + tuple(plane))

    def max_unpool(self, x, indices, plane):
        """zeros (..., *plane) with each x written at its flat in-plane index (where indices
        repeat, one of the writes wins, as in PyTorch)."""
        xp = self.xp
        nd = len(plane)
        lead = x.shape[:x.ndim - nd]
        rows, idx = self._planes(x, nd), self._planes(indices, nd)
        size = math.prod(plane)
        hits = xp.reshape(idx, (idx.shape[0], 1, -1)) == xp.reshape(xp.arange(size, dtype=idx.dtype, device=x.device),
                                                                       (1, size, 1))
        m = idx.shape[1]
        order = xp.where(hits, xp.reshape(xp.arange(1, m + 1, dtype=idx.dtype, device=x.device), (1, 1, m)),
                         xp.zeros((), dtype=idx.dtype, device=x.device))
        last = xp.max(order, axis=2) if m else xp.zeros((rows.shape[0], size), dtype=idx.dtype, device=x.device)
        chosen = xp.take_along_axis(rows, xp.where(last > 0, last - 1, 0), axis=1) if m else \
            xp.zeros(last.shape, dtype=x.dtype, device=x.device)
        out = xp.where(last > 0, chosen, xp.zeros((), dtype=x.dtype, device=x.device))
        return xp.reshape(out, lead + tuple(plane))
