"""Linear-layer kernels: the products of a linear layer in the form each library runs fastest.
"""
from __future__ import annotations


class LinearKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def matmul(self, a, b):
        """``a @ b`` with the array API's rules (stacks of matrices broadcast)."""
        return self.xp.matmul(a, b)

    def matmul_nt(self, a, b):
        """``a @ b^T`` for ``a`` (..., k) and 2-D ``b`` (n, k): a linear layer's product."""
        return self.xp.matmul(a, b.T)

    def linear_grad_input(self, g, w):
        """A linear layer's gradient in its input: g @ W, for g (..., out) and W (out, in)."""
        return self.xp.matmul(g, w)

    def linear_grad_weight(self, g, x):
        """A linear layer's gradient in its weight: g^T @ x over every leading dim, for g
        (..., out) and x (..., in), giving (out, in)."""
        xp = self.xp
        out_f, in_f = g.shape[-1], x.shape[-1]
        g2 = g if g.ndim == 2 else xp.reshape(g, (-1, out_f))
        x2 = x if x.ndim == 2 else xp.reshape(x, (-1, in_f))
        if g2.shape[0] == 1:  # one row: an outer product, which a broadcast multiply does faster than matmul
            return xp.reshape(g2, (out_f, 1)) * x2
        return xp.matmul(g2.T, x2)

    def linear_grad_bias(self, g):
        """A linear layer's gradient in its bias: g summed over every leading dim."""
        out_f = g.shape[-1]
        return self.reduce_sum(g if g.ndim == 2 else self.xp.reshape(g, (-1, out_f)), axis=0)
