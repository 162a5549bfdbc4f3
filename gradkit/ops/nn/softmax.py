"""softmax and log_softmax along one dim, each with its gradient op.

Both forwards are max-shifted (the backend's kernels), so large logits neither overflow nor
lose precision. The gradients are ops whose forward is a kernel on the op's output y:
LogSoftmaxGrad(y, g) = g - exp(y) * sum(g), SoftmaxGrad(y, g) = y * (g - sum(g * y)). Their
own backwards are written with ops, and y is the op's output as a tensor of the graph, so
every order is differentiable.
"""
from __future__ import annotations

from ...autograd.node import Node
from .._gradient import GradientOp


class LogSoftmax(Node):
    saves_output = True

    def forward(self, backend, a, dim):
        self.dim = dim
        return backend.log_softmax(a, dim)

    def backward(self, g):
        return LogSoftmaxGrad.run(self.saved_output, g, {"axis": self.dim})


class Softmax(Node):
    """``known``: the softmax of the input, where a fused op computed it already (the
    cross-entropy's gradient, differentiated again): the node then only joins the graph."""
    saves_output = True

    def forward(self, backend, a, dim, known=None):
        self.dim = dim
        return backend.softmax(a, dim) if known is None else known

    def backward(self, g):
        return SoftmaxGrad.run(self.saved_output, g, {"axis": self.dim})


class LogSoftmaxGrad(GradientOp):
    """log_softmax's gradient g - exp(y) * sum(g, dim), from its output y."""
    saves_inputs = (0, 1)
    _backward_name = "LogSoftmaxBackwardDataBackward0"

    kernel = "log_softmax_backward"

    def backward(self, u):
        y, g = self.saved_tensors
        dim = self.params["axis"]
        p = y.exp()
        gy = gg = None
        if self.next_edges[0] is not None:  # out = g - p * S (S = sum(g)): d/dy = -u * p * S
            gy = -(u * p) * g.sum(dim, keepdim=True)
        if self.next_edges[1] is not None:  # d/dg: u - sum(u * p)
            gg = u - (u * p).sum(dim, keepdim=True)
        return gy, gg


class SoftmaxGrad(GradientOp):
    """softmax's gradient y * (g - sum(g * y, dim)), from its output y."""
    saves_inputs = (0, 1)
    _backward_name = "SoftmaxBackwardDataBackward0"

    kernel = "softmax_backward"

    def backward(self, u):
        y, g = self.saved_tensors
        dim = self.params["axis"]
        gy = gg = None
        if self.next_edges[0] is not None:  # out = y * g - y * s (s = sum(g * y)): d/dy
            gy = u * (g - (g * y).sum(dim, keepdim=True)) - g * (u * y).sum(dim, keepdim=True)
        if self.next_edges[1] is not None:  # d/dg is symmetric: the op itself, on u
            gg = SoftmaxGrad.run(y, u, {"axis": dim})
        return gy, gg
