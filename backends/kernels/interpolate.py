"""Interpolation kernels: resampling of the spatial dims of an (N, C, *spatial) array.

Every mode PyTorch's ``interpolate`` offers is linear in the input and separable: along one
axis, output position i is a weighted sum of a few input positions. So a resize is one small
(out, in) weight matrix per axis, kept in sparse form (each row's few source positions and
weights) and applied as that many gathers along the axis; its gradient is the same walk with
the transposed matrices. The matrices are built on the device with the index arithmetic of
PyTorch's CPU kernels (in float32 for float32 inputs where PyTorch computes in float32, so the
nearest source indices agree exactly).
"""
from __future__ import annotations

import math

_MAP_CACHE_SIZE = 64  # axis geometries whose maps a backend keeps

# The cubic convolution constant: -0.75 in PyTorch's plain bicubic (as OpenCV), -0.5 (Keys,
# as PIL) in its antialiased one.
_CUBIC_A = -0.75
_CUBIC_A_ANTIALIAS = -0.5


def _cubic(x, a, xp):
    """The cubic convolution kernel at |x| (a piecewise cubic, zero from 2 on)."""
    x = xp.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return xp.where(x < 1, near, xp.where(x < 2, far, xp.zeros_like(x)))


def _triangle(x, xp):
    x = xp.abs(x)
    return xp.where(x < 1, 1 - x, xp.zeros_like(x))


class InterpolateKernels:
    xp = None  # the array-API namespace (set by the Backend)

    # -- the weight matrices ------------------------------------------------------------
    def resample_matrix(self, mode, in_size, out_size, scale, align_corners, antialias, dtype, device):
        """The (out_size, in_size) matrix of one axis's resampling. ``scale`` is the user's
        scale factor for this axis (or None: then in/out is used, as PyTorch does); ``device``
        is the array library's device (an input array's ``.device``)."""
        xp = self.xp
        # PyTorch computes source coordinates in the input's float type (float32 below double)
        cdt = xp.float64 if dtype == xp.float64 else xp.float32
        rows = xp.arange(out_size, dtype=cdt, device=device)
        cols = xp.arange(in_size, device=device)
        if mode in ("nearest", "nearest-exact"):
            return self._one_hot(self._nearest_index(mode, in_size, out_size, scale, device), cols, dtype)
        if mode == "area":  # adaptive average pooling: the window [floor(i*in/out), ceil((i+1)*in/out))
            i = xp.arange(out_size, device=device)[:, None]
            start = (i * in_size) // out_size
            stop = -((-(i + 1) * in_size) // out_size)
            inside = (cols[None, :] >= start) & (cols[None, :] < stop)
            return xp.astype(inside, dtype) / xp.astype(stop - start, dtype)
        step = self._coordinate_scale(in_size, out_size, scale, align_corners)
        if antialias:
            return xp.astype(self._antialias_matrix(mode, in_size, out_size, step, rows, cols, cdt), dtype)
        if align_corners:
            src = rows * step
        else:
            src = (rows + 0.5) * step - 0.5
        weights = xp.zeros((out_size, in_size), dtype=cdt, device=device)
        if mode == "bicubic":
            base = xp.floor(src)
            t = src - base
            base = xp.astype(base, xp.int64)
            for offset, w in ((-1, _cubic(t + 1, _CUBIC_A, xp)), (0, _cubic(t, _CUBIC_A, xp)),
                              (1, _cubic(1 - t, _CUBIC_A, xp)), (2, _cubic(2 - t, _CUBIC_A, xp))):
                index = xp.clip(base + offset, 0, in_size - 1)  # the border value repeats
                weights = weights + self._one_hot(index, cols, cdt) * w[:, None]
            return xp.astype(weights, dtype)
        # linear: src clamped at 0 from below, the pair (i0, i0 + 1) with i0 + 1 kept inside
        src = xp.clip(src, 0, None)
        base = xp.minimum(xp.astype(xp.floor(src), xp.int64), in_size - 1)
        lam = xp.clip(src - xp.astype(base, cdt), 0, 1)
        upper = base + xp.astype(base < in_size - 1, xp.int64)
        weights = self._one_hot(base, cols, cdt) * (1 - lam)[:, None] + self._one_hot(upper, cols, cdt) * lam[:, None]
        return xp.astype(weights, dtype)

    @staticmethod
    def _coordinate_scale(in_size, out_size, scale, align_corners):
        if align_corners:
            return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        return 1.0 / scale if scale is not None and scale > 0 else in_size / out_size

    def _nearest_index(self, mode, in_size, out_size, scale, dev):
        xp = self.xp
        i = xp.arange(out_size, device=dev)
        if mode == "nearest" and out_size == in_size:
            return i
        if mode == "nearest" and out_size == 2 * in_size:
            return i // 2
        # PyTorch's nearest index: floor in float32 arithmetic, whatever the input's dtype
        step = xp.asarray(1.0 / scale if scale is not None and scale > 0 else in_size / out_size,
                          dtype=xp.float32, device=dev)
        position = xp.astype(i, xp.float32) + (0.5 if mode == "nearest-exact" else 0.0)
        return xp.minimum(xp.astype(xp.floor(position * step), xp.int64), in_size - 1)

    def _one_hot(self, index, cols, dtype):
        return self.xp.astype(index[:, None] == cols[None, :], dtype)

    def _antialias_matrix(self, mode, in_size, out_size, step, rows, cols, cdt):
        """PyTorch's (and PIL's) antialiased weights: when downsampling, the filter is
        stretched by the scale so every input pixel contributes; each row is normalised to
        sum to one over the pixels inside the image."""
        xp = self.xp
        taps = 2 if mode == "bilinear" else 4
        support = taps * 0.5 * step if step >= 1.0 else taps * 0.5
        inv = 1.0 / step if step >= 1.0 else 1.0
        center = (rows + 0.5) * step
        # the window [xmin, xmin + xsize) of C's truncating casts of center -+ support + 0.5
        xmin = xp.clip(xp.astype(center - support + 0.5, xp.int64), 0, None)
        xmax = xp.minimum(xp.astype(center + support + 0.5, xp.int64), in_size)
        j = xp.astype(cols, cdt)[None, :]
        x = (j - center[:, None] + 0.5) * inv
        w = _triangle(x, xp) if mode == "bilinear" else _cubic(x, _CUBIC_A_ANTIALIAS, xp)
        inside = (cols[None, :] >= xmin[:, None]) & (cols[None, :] < xmax[:, None])
        w = xp.where(inside, w, xp.zeros_like(w))
        total = xp.sum(w, axis=1, keepdims=True)
        return xp.where(total != 0, w / xp.where(total != 0, total, xp.ones_like(total)), w)

    # -- the sparse maps ---------------------------------------------------------------
    def resample_map(self, mode, in_size, out_size, scale, align_corners, antialias, dtype, device):
        """One axis's resampling in the form ``resample`` applies: for each output position
        its (at most ``taps``) source positions and weights, and the same for the transposed
        map (each input position's outputs), zero weights padding the shorter rows. A dense
        product would cost in_size multiply-adds per output; this costs ``taps``. Maps are
        kept per geometry (a training loop resizes the same shapes at every step) and never
        written to."""
        key = (mode, in_size, out_size, scale, align_corners, antialias, dtype, device)
        cache = self.__dict__.setdefault("_resample_maps", {})
        try:
            return cache[key]
        except KeyError:
            pass
        except TypeError:  # a device object that cannot be a key: build the map each time
            return self._build_resample_map(*key)
        if len(cache) >= _MAP_CACHE_SIZE:
            del cache[next(iter(cache))]  # the oldest geometry
        cache[key] = found = self._build_resample_map(*key)
        return found

    def _build_resample_map(self, mode, in_size, out_size, scale, align_corners, antialias, dtype, device):
        matrix = self.resample_matrix(mode, in_size, out_size, scale, align_corners, antialias, dtype, device)
        width = self._window(mode, in_size, out_size, scale, align_corners, antialias)
        # a source pixel feeds the outputs whose windows (``width`` wide, ``step`` apart) cover it
        step = in_size / out_size if mode == "area" else \
            self._coordinate_scale(in_size, out_size, scale, align_corners and mode not in ("nearest", "nearest-exact"))
        width_t = out_size if step <= 0 else min(out_size, math.ceil(width / step) + 1)
        index, weight = self._nonzeros(matrix, width)
        if mode in ("nearest", "nearest-exact"):
            weight = None  # one source per output, weight one: a plain gather
        return (index, weight) + self._nonzeros(matrix.T, width_t)

    def _window(self, mode, in_size, out_size, scale, align_corners, antialias):
        """A bound on the number of source pixels one output reads."""
        if mode in ("nearest", "nearest-exact"):
            return 1
        if mode == "area":
            return min(in_size, math.ceil(in_size / out_size) + 1)
        taps = 2 if mode in ("linear", "bilinear", "trilinear") else 4
        if antialias:
            step = self._coordinate_scale(in_size, out_size, scale, align_corners)
            support = taps * 0.5 * step if step >= 1.0 else taps * 0.5
            taps = math.ceil(support) * 2 + 1
        return min(in_size, taps)

    def _nonzeros(self, matrix, taps):
        """(index, weight), each (rows, taps): every row's nonzero columns first, in column
        order, then zero-weight fillers. The sort keys are distinct (zero or not, then the
        column), so any sort gives this order."""
        xp = self.xp
        rows, cols = matrix.shape
        columns = xp.arange(cols, device=matrix.device)
        keys = xp.astype(matrix == 0, xp.int64) * cols + columns
        order = xp.argsort(keys, axis=1)[:, :taps]
        flat = order + xp.reshape(xp.arange(rows, device=matrix.device), (-1, 1)) * cols
        return order, xp.reshape(xp.take(xp.reshape(matrix, (-1,)), xp.reshape(flat, (-1,))), (rows, taps))

    # -- applying them ------------------------------------------------------------------
    def resample(self, x, maps):
        """``x`` (N, C, *spatial) with spatial axis k resampled by ``maps[k]`` (from
        ``resample_map``); a None map leaves its axis as it is."""
        for k, m in enumerate(maps):
            if m is not None:
                x = self._gather_axis(x, 2 + k, m[0], m[1])
        return x

    def resample_transposed(self, g, maps):
        """The gradient of ``resample`` in its input: each axis through its transposed map."""
        for k, m in enumerate(maps):
            if m is not None:
                g = self._gather_axis(g, 2 + k, m[2], m[3])
        return g

    def _gather_axis(self, x, axis, index, weight):
        """out[..., i, ...] = sum_t weight[i, t] * x[..., index[i, t], ...] along ``axis``
        (a None weight: one tap of weight one)."""
        xp = self.xp
        if weight is None:
            return xp.take(x, index[:, 0], axis=axis)
        shape = (-1,) + (1,) * (x.ndim - 1 - axis)  # the weights broadcast along the later axes
        out = None
        for t in range(index.shape[1]):
            term = xp.take(x, index[:, t], axis=axis) * xp.reshape(weight[:, t], shape)
            out = term if out is None else out + term
        return out
