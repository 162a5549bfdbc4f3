"""The pooling family's NumPy kernels (a mixin of NumpyBackend): window views of the padded
input, max pooling as an in-place maximum chain with the first maxima found afterwards, the
scatters and gathers on one flat index. What they do not cover falls back to the portable
kernels (backends/kernels/pooling.py) through ``super()``."""
from __future__ import annotations

import itertools
import math

import numpy as np

from .kernels.pooling import window_geometry

# elements from which max pooling splits its input into stride phases (below, the few
# microseconds of splitting cost more than the strided reads they save)
_PHASES_MIN_SIZE = 1 << 15


class NumpyPooling:
    def _pool_accumulate(self, target, key, values):
        view = target[key]
        view += values  # a strided view of target: the adds land there, without a temporary

    def _window_views(self, x, kernel, stride, padding, dilation, out_size, fill):
        """For each window offset, in window order, the view of the padded input that lines up
        that element of every window. A strided view is read element by element, several
        times slower than a unit-stride one: with a stride > 1 the padded input is first
        split (one pass) into its stride phases, each contiguous, where every view has unit
        stride along its last axis."""
        d = len(kernel)
        lead, in_size = x.shape[:x.ndim - d], x.shape[x.ndim - d:]
        pads = window_geometry(in_size, kernel, stride, padding, dilation, out_size)
        if all(st == 1 for st in stride) or x.size < _PHASES_MIN_SIZE:
            padded = self._padded(x, pads, fill)
            return [padded[key] for key, _ in self._offsets(kernel, stride, dilation, out_size)]
        offsets = list(itertools.product(*[range(k) for k in kernel]))
        lengths = [-(-(n + lo + hi) // st) for n, (lo, hi), st in zip(in_size, pads, stride)]
        phases = np.full(tuple(stride) + lead + tuple(lengths), fill, dtype=x.dtype)
        for phase in itertools.product(*[range(st) for st in stride]):
            dst, src = [], []
            for r, n, (lo, _), st, length in zip(phase, in_size, pads, stride, lengths):
                q0 = max(-((r - lo) // st), 0)  # the first phase row at or after the left pad
                first = q0 * st + r - lo
                count = min(-(-(n - first) // st), length - q0) if first < n else 0
                dst.append(slice(q0, q0 + count))
                src.append(slice(first, first + st * (count - 1) + 1 if count else first, st))
            if all(sl.stop > sl.start for sl in dst):
                phases[phase + (...,) + tuple(dst)] = x[(...,) + tuple(src)]
        return [phases[tuple(o * dl % st for o, dl, st in zip(offset, dilation, stride)) + (...,) +
                       tuple(slice(o * dl // st, o * dl // st + n) for o, dl, st, n in zip(offset, dilation, stride,
                                                                                          out_size))]
                for offset in offsets]

    def max_pool(self, x, kernel, stride, padding, dilation, out_size, with_indices=True):
        # The maxima as a chain of in-place np.maximum over the window's offsets, then each
        # window's first maximum: one argmax over the windows copied side by side when they
        # are few, else a walk over the offsets (_first_maxima), lighter per offset than the
        # portable compare-and-select. np.maximum propagates NaN as PyTorch does; which NaN's
        # index PyTorch reports (the last) is the portable walk's business.
        d = len(kernel)
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min if x.dtype.kind in "iu" else None
        if fill is None:
            return super().max_pool(x, kernel, stride, padding, dilation, out_size, with_indices)
        in_size = x.shape[x.ndim - d:]
        if tuple(kernel) == in_size and not any(padding) and with_indices and x.size:
            # one window over the whole plane (global pooling): one argmax per plane
            planes = x.reshape(x.shape[:x.ndim - d] + (-1,))
            first = np.argmax(planes, axis=-1)[..., None]
            best = np.take_along_axis(planes, first, axis=-1)
            if x.dtype.kind != "f" or not np.isnan(np.add.reduce(best, axis=None)):
                return best.reshape(best.shape[:-1] + (1,) * d), first.reshape(first.shape[:-1] + (1,) * d)
        views = self._window_views(x, kernel, stride, padding, dilation, out_size, fill)
        best = views[0].copy()
        for view in views[1:]:
            np.maximum(best, view, out=best)
        if not with_indices:
            return best
        if x.dtype.kind == "f" and np.isnan(np.add.reduce(best, axis=None)):
            return super().max_pool(x, kernel, stride, padding, dilation, out_size, with_indices)
        if best.size * len(views) < _PHASES_MIN_SIZE:
            # small: the windows copied side by side and one argmax (the first maximum), in a
            # few calls where the walk below makes five per offset
            first = np.argmax(np.stack(views, axis=-1), axis=-1)
        else:
            first = self._first_maxima(views, best)
        plane_strides = [math.prod(in_size[a + 1:]) for a in range(d)]
        within = np.array([sum(o * dl * ps for o, dl, ps in zip(offset, dilation, plane_strides))
                           for _, offset in self._offsets(kernel, stride, dilation, out_size)], dtype=np.int64)
        base, _ = self._plane_positions(in_size, stride, padding, out_size, np.int64, "cpu")
        indices = within.take(first)
        indices += base
        return best, indices

    @staticmethod
    def _first_maxima(views, best):
        """The first offset whose view equals the maximum, per window."""
        small = np.uint8 if len(views) < 256 else np.int32
        first, step = np.zeros(best.shape, dtype=small), np.empty(best.shape, dtype=small)
        hit = np.empty(best.shape, dtype=bool)
        hit_as_int = hit.view(np.uint8)
        for o in range(len(views) - 1, -1, -1):
            # first = o where hit: as (first - o) * hit subtracted, three SIMD loops on bytes
            # (modular arithmetic is exact here), where putmask and where= run element by element
            np.equal(views[o], best, out=hit)
            np.subtract(first, small(o), out=step)
            np.multiply(step, hit_as_int, out=step)
            np.subtract(first, step, out=first)
        return first

    def max_pool_backward(self, g, indices, in_size, kernel, stride, padding, dilation):
        return self.plane_scatter_add(g, indices, tuple(in_size))

    def plane_scatter_add(self, g, indices, plane):
        # np.add.at on one flat index: NumPy's fast path for a 1-d target
        nd = len(plane)
        size = math.prod(plane)
        out = np.zeros(g.shape[:g.ndim - nd] + tuple(plane), dtype=g.dtype)
        np.add.at(out.reshape(-1), self._plane_flat_index(indices, nd, size), g.reshape(-1))
        return out

    def plane_gather(self, a, indices, nd):
        size = math.prod(a.shape[a.ndim - nd:])
        return a.reshape(-1)[self._plane_flat_index(indices, nd, size)].reshape(indices.shape)

    def max_unpool(self, x, indices, plane):
        nd = len(plane)
        out = np.zeros(x.shape[:x.ndim - nd] + tuple(plane), dtype=x.dtype)
        out.reshape(-1)[self._plane_flat_index(indices, nd, math.prod(plane))] = x.reshape(-1)
        return out

    def avg_pool(self, x, kernel, stride, padding, out_size, count_include_pad=True, divisor_override=None):
        d = len(kernel)
        area = math.prod(kernel)
        if x.dtype.kind == "f" and tuple(kernel) == x.shape[x.ndim - d:] and not any(padding) and not divisor_override:
            # global pooling: a sum over each contiguous plane, which einsum runs as one SIMD loop
            # (np.sum reduces each short row with a call of its own)
            flat = np.ascontiguousarray(x).reshape(-1, area)
            return (np.einsum("ij->i", flat) / x.dtype.type(area)).reshape(x.shape[:x.ndim - d] + (1,) * d)
        return super().avg_pool(x, kernel, stride, padding, out_size, count_include_pad, divisor_override)
