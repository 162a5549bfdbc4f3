"""Reduction kernels (NumPy overrides them: its xp.sum/max/min are Python wrappers worth a
measurable share of a small array's reduction; the override calls the ufunc's reduce).
"""
from __future__ import annotations


class ReductionKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def reduce_sum(self, a, axis=None, keepdims=False):
        return self.xp.sum(a, axis=axis, keepdims=keepdims)

    def reduce_max(self, a, axis=None, keepdims=False):
        return self.xp.max(a, axis=axis, keepdims=keepdims)

    def reduce_min(self, a, axis=None, keepdims=False):
        return self.xp.min(a, axis=axis, keepdims=keepdims)

    def cumsum(self, array, axis):
        return self.xp.cumulative_sum(array, axis=axis)

    def sum_of_squares(self, arrays):
        """The sum of the squares of every element of ``arrays`` (real, of one dtype and
        device) as a 0-d array: the squared 2-norm of them all taken as one vector (gradient
        clipping's total norm)."""
        xp = self.xp
        total = None
        for a in arrays:
            flat = xp.reshape(a, (-1,))
            part = xp.sum(flat * flat)
            total = part if total is None else total + part
        return total

    def cumulative_extreme(self, array, axis, largest):
        """Running max (``largest``) or min along ``axis`` and the index each value came from.
        Ties and NaNs take the latest index and a NaN stays once seen, as PyTorch's cummax and
        cummin do. The array API has no running max, so the scan steps along the axis."""
        xp = self.xp
        moved = xp.moveaxis(array, axis, 0)
        n = moved.shape[0]
        if n == 0:
            return array, xp.zeros(array.shape, dtype=xp.int64, device=array.device)
        floating = xp.isdtype(array.dtype, "real floating")
        current = moved[0, ...]
        where_from = xp.zeros(current.shape, dtype=xp.int64, device=array.device)
        values, indices = [current], [where_from]
        for i in range(1, n):
            x = moved[i, ...]
            take = (x >= current) if largest else (x <= current)
            if floating:
                take = take | xp.isnan(x)
            current = xp.where(take, x, current)
            where_from = xp.where(take, xp.asarray(i, dtype=xp.int64, device=array.device), where_from)
            values.append(current)
            indices.append(where_from)
        return xp.moveaxis(xp.stack(values), 0, axis), xp.moveaxis(xp.stack(indices), 0, axis)

    def logcumsumexp(self, array, axis):
        """log(cumsum(exp(x))) as a running logaddexp, so no element underflows against a
        larger one elsewhere in its slice."""
        xp = self.xp
        moved = xp.moveaxis(array, axis, 0)
        if moved.shape[0] == 0:
            return array
        current = moved[0, ...]
        out = [current]
        for i in range(1, moved.shape[0]):
            current = xp.logaddexp(current, moved[i, ...])
            out.append(current)
        return xp.moveaxis(xp.stack(out), 0, axis)

    def histogram_counts(self, array, low, high, bins):
        """Counts of ``array``'s elements in ``bins`` equal bins from ``low`` to ``high`` (the
        last bin holds its right edge; elements outside and NaNs are left out). An element's
        bin is (x - low) * bins / (high - low) rounded down, in the array's dtype, as PyTorch's
        histc computes it; counted by sorting the bins, not with a one-hot."""
        xp = self.xp
        flat = xp.reshape(array, (-1,))
        low = xp.asarray(low, dtype=array.dtype, device=array.device)
        high = xp.asarray(high, dtype=array.dtype, device=array.device)
        flat = flat[(flat >= low) & (flat <= high)]
        pos = xp.astype(xp.floor((flat - low) * bins / (high - low)), xp.int64)
        pos = xp.sort(xp.clip(pos, 0, bins - 1))
        bounds = xp.searchsorted(pos, xp.arange(bins + 1, dtype=xp.int64, device=array.device))
        return xp.astype(bounds[1:] - bounds[:-1], array.dtype)
