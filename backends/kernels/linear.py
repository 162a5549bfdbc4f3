"""Linear-layer kernels: the products of a linear layer in the form each library runs fastest.
"""
from __future__ import annotations


class LinearKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def matmul_nt(self, a, b):
        """``a @ b^T`` for 2-D ``a`` (m, k) and ``b`` (n, k): a linear layer's product."""
        return self.xp.matmul(a, b.T)
