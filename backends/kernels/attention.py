"""Attention kernels: scaled dot-product attention and its gradient, fused.

The forward is one pass over the scores of each (batch, head): ``q @ k^T * scale``, the mask
(bool: False drops the position; float: added), a max-shifted softmax along the keys, the
dropout keep-mask (already scaled by 1 / (1 - p)), and ``@ v``. It returns the softmax too:
the gradient reads it instead of recomputing the scores. The backward is the same steps in
reverse, with softmax's gradient ``p * (dp - sum(dp * p))`` done in place of a separate op.
"""
from __future__ import annotations


class AttentionKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def causal_mask(self, l, s, like):
        """(l, s) bool: True where key position j <= query position i (PyTorch's top-left triangle)."""
        xp = self.xp
        return xp.arange(l, device=like.device)[:, None] >= xp.arange(s, device=like.device)[None, :]

    def masked_softmax(self, s, mask, scale):
        """softmax(s * scale + mask) along the last axis: ``mask`` None, bool (False drops the
        position) or float (added), broadcast to ``s``; a row with every position dropped
        attends to nothing (zeros, as PyTorch), not NaN."""
        xp = self.xp
        s = s * scale
        if mask is None:
            return self.softmax(s, -1)
        if mask.dtype == xp.bool:
            s = xp.where(mask, s, xp.asarray(-float("inf"), dtype=s.dtype, device=s.device))
        else:
            s = s + mask
        top = self.reduce_max(s, axis=-1, keepdims=True)
        dead = top == -float("inf")
        e = xp.exp(s - xp.where(dead, xp.zeros_like(top), top))
        total = self.reduce_sum(e, axis=-1, keepdims=True)
        return e / xp.where(dead, xp.ones_like(total), total)

    def attention(self, q, k, v, mask, scale, keep):
        """(softmax(q @ k^T * scale + mask) * keep) @ v, and the softmax. q (..., L, E),
        k (..., S, E), v (..., S, Ev) with equal leading axes; mask and keep broadcast to
        (..., L, S); keep None: no dropout."""
        xp = self.xp
        p = self.masked_softmax(xp.matmul(q, xp.matrix_transpose(k)), mask, scale)
        return xp.matmul(p if keep is None else p * keep, v), p

    def attention_backward(self, q, k, v, p, keep, g, scale):
        """(dq, dk, dv) of ``attention`` from its softmax ``p`` and the output's gradient g."""
        xp = self.xp
        pd = p if keep is None else p * keep
        dv = xp.matmul(xp.matrix_transpose(pd), g)
        dp = xp.matmul(g, xp.matrix_transpose(v))
        if keep is not None:
            dp = dp * keep
        ds = p * (dp - self.reduce_sum(dp * p, axis=-1, keepdims=True))
        if scale != 1.0:
            ds = ds * scale
        return xp.matmul(ds, k), xp.matmul(xp.matrix_transpose(ds), q), dv
