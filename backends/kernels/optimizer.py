"""Optimizer kernels: in-place parameter updates.
"""
from __future__ import annotations


class OptimizerKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def axpy_(self, y, alpha: float, x) -> None:
        """``y += alpha * x`` in place, for ``x`` and ``y`` of one shape and floating dtype
        (an optimizer's update)."""
        y += alpha * x
