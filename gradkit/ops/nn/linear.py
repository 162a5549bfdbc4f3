"""The linear layer's op, y = x @ W^T (+ b), and its three gradient ops.

Each gradient is an op whose forward is a backend kernel and whose backward is made of the
other ones (Chainer's LinearGradWeight is the model):
    LinearGradInput(g, W) = g @ W:     d/dg = Linear(u, W),   d/dW = LinearGradWeight(g, u)
    LinearGradWeight(g, x) = g^T @ x:  d/dg = Linear(x, u),   d/dx = LinearGradInput(g, u)
    LinearGradBias(g) = sum of g over its leading dims:  d/dg = u expanded to g's shape
"""
from __future__ import annotations

from ...autograd.node import Node
from .._gradient import GradientOp


class Linear(Node):
    """y = x @ W^T (+ b); x is (..., in), W (out, in), b (out,)."""
    saves_inputs = (0, 1)
    _backward_name = "AddmmBackward0"

    def forward(self, backend, x, w, b=None):
        if x.ndim != 2:  # PyTorch's names for the node of a linear layer
            self._backward_name = "ViewBackward0" if b is not None else \
                "SqueezeBackward4" if x.ndim == 1 else "UnsafeViewBackward0"
            y = backend.matmul_nt(x, w) if x.ndim > 1 else backend.xp.matmul(w, x)
        else:
            if b is None:
                self._backward_name = "MmBackward0"
            y = backend.matmul_nt(x, w)  # the backend's fastest form of x @ W^T
        if b is not None:
            y += b  # y is the product just made: the bias goes in without another array
        return y

    def backward(self, g):
        x, w = self.saved_tensors
        edges = self.next_edges
        gx = LinearGradInput.run(g, w) if edges[0] is not None else None
        gw = LinearGradWeight.run(g, x) if edges[1] is not None else None
        if len(edges) > 2:
            return gx, gw, LinearGradBias.run(g) if edges[2] is not None else None
        return gx, gw


class LinearGradInput(GradientOp):
    """g @ W: the gradient of x @ W^T in x."""
    saves_inputs = (0, 1)
    _backward_name = "MmBackward0"

    kernel = "linear_grad_input"

    def backward(self, u):
        g, w = self.saved_tensors
        return (Linear.apply(u, w) if self.next_edges[0] is not None else None,
                LinearGradWeight.run(g, u) if self.next_edges[1] is not None else None)


class LinearGradWeight(GradientOp):
    """g^T @ x over every leading dim: the gradient of x @ W^T in W."""
    saves_inputs = (0, 1)
    _backward_name = "MmBackward0"

    kernel = "linear_grad_weight"

    def backward(self, u):
        g, x = self.saved_tensors
        return (Linear.apply(x, u) if self.next_edges[0] is not None else None,
                LinearGradInput.run(g, u) if self.next_edges[1] is not None else None)


class LinearGradBias(GradientOp):
    """g summed over every leading dim: the gradient of x @ W^T + b in b."""
    _backward_name = "SumBackward1"

    kernel = "linear_grad_bias"

    def forward(self, backend, g):
        self.shape = g.shape  # for the backward, which expands back to it
        return backend.linear_grad_bias(g)

    def backward(self, u):
        return u.expand(self.shape)
