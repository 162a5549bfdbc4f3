"""Scaled dot-product attention as one node, and its gradient as one node.

``Attention``'s forward is the backend's fused kernel (scores, mask, softmax, dropout, @ v);
it keeps the softmax for its backward, ``AttentionGrad``, whose forward is the fused backward
kernel. The mask (bool or additive float) and the dropout keep-mask are constants of the op,
not inputs of the graph. ``AttentionGrad``'s own backward differentiates the attention
formula written in gradkit ops twice (as the recurrent cells' gradients do): second orders
are rare, and one definition in ops keeps them right.
"""
from __future__ import annotations

from ..._tensor import Tensor
from ...autograd.grad_mode import is_grad_enabled_fast
from ...autograd.node import Node
from .recurrent import _second_order
from .softmax import Softmax

_make = Tensor._make


class Attention(Node):
    """softmax(q @ k^T * scale + mask) (* keep) @ v over equal leading axes."""
    saves_inputs = (0, 1, 2)
    _backward_name = "ScaledDotProductAttentionBackward0"

    def forward(self, backend, q, k, v, mask=None, scale=1.0, keep=None):
        out, self.p = backend.attention(q, k, v, mask, scale, keep)
        self.mask, self.scale, self.keep = mask, scale, keep
        return out

    def backward(self, g):
        q, k, v = self.saved_tensors
        return AttentionGrad.run(self, q, k, v, g)

    def release(self):
        # the softmax is saved like a tensor (batch x heads x L x S, the largest array of
        # the op): freed with the saved tensors once the graph is
        super().release()
        self.p = self.keep = None


class AttentionGrad(Node):
    """(dq, dk, dv) of ``Attention`` from its inputs and the output's gradient g."""
    saves_inputs = (0, 1, 2, 3)

    def forward(self, backend, q, k, v, g, p=None, mask=None, scale=1.0, keep=None):
        self.mask, self.scale, self.keep = mask, scale, keep
        if p is None:
            p = backend.attention(q, k, v, mask, scale, keep)[1]
        return backend.attention_backward(q, k, v, p, keep, g, scale)

    @classmethod
    def run(cls, op, q, k, v, g):
        if is_grad_enabled_fast():
            return cls.apply(q, k, v, g, p=op.p, mask=op.mask, scale=op.scale, keep=op.keep)
        device = g._device
        grads = device.backend.attention_backward(q._data, k._data, v._data, op.p, op.keep, g._data, op.scale)
        return tuple(_make(a, device) for a in grads)

    def backward(self, u_q, u_k, u_v):
        mask, scale, keep, device = self.mask, self.scale, self.keep, self.saved_tensors[0]._device

        def formula(q, k, v):
            return attention_formula(q, k, v, mask, scale, keep, device)

        return _second_order(self, formula, 3, (0, 1, 2), (u_q, u_k, u_v))


def attention_formula(q, k, v, mask, scale, keep, device):
    """The attention in gradkit ops (mask and keep: arrays on ``device``)."""
    from ..select import where

    s = (q @ k.transpose(-2, -1)) * scale
    if mask is not None:
        m = _make(mask, device)
        s = where(m, s, float("-inf")) if m.dtype.name == "bool" else s + m
    if mask is None:
        p = Softmax.apply(s, dim=s.ndim - 1)
    else:  # rows with every position masked give zeros (the kernel's rule)
        dead = (s == float("-inf")).all(-1, keepdim=True)
        p = where(dead, 0.0, Softmax.apply(where(dead, 0.0, s), dim=s.ndim - 1))
    if keep is not None:
        p = p * _make(keep, device)
    return p @ v
