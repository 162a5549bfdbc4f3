"""Loss kernels: what a classifier's loss needs beyond elementwise arithmetic (picking each
row's target logit, adding at it, checking class indices).
"""
from __future__ import annotations


class LossKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def indices_in_range(self, idx, high) -> bool:
        """Whether every element of the integer array ``idx`` is in [0, high) (class targets)."""
        return idx.size == 0 or (int(self.reduce_min(idx)) >= 0 and int(self.reduce_max(idx)) < high)

    def take_rows(self, a, idx):
        """``a[i, idx[i]]`` for each row i of the 2-D ``a`` (a classifier's target logits)."""
        xp = self.xp
        n, c = a.shape
        rows = xp.arange(n, dtype=idx.dtype, device=idx.device)
        return xp.take(xp.reshape(a, (-1,)), rows * c + idx)

    def add_rows(self, a, idx, v):
        """``a`` with ``v`` (a scalar, or a vector of one value per row) added at ``a[i, idx[i]]``: a new
        array here; the NumPy backend adds in place and returns ``a``."""
        xp = self.xp
        n, c = a.shape
        hit = xp.reshape(idx, (n, 1)) == xp.arange(c, dtype=idx.dtype, device=idx.device)
        if getattr(v, "ndim", 0):
            v = xp.reshape(v, (n, 1))
        return xp.where(hit, a + v, a)
