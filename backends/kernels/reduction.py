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
