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
from .._table import Family


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


# gradkit.softmax / Tensor.softmax (and log_softmax): PyTorch's top-level entry points, where
# dim is required (nn.functional's versions keep their deprecated implicit dim)
def _softmax_entry(node, kernel_name):
    def entry(input, dim, dtype=None):
        from ... import _dtype as D
        from ..._tensor import _wrap_dim
        from .._core import cast
        from ..inplace import _kind

        if dtype is not None:
            input = cast(input, D.as_dtype(dtype))
        if input.dtype.category != D.FLOAT:
            raise NotImplementedError(f'"{kernel_name}" not implemented for \'{_kind(input.dtype)}\'')
        ndim = input._data.ndim
        d = _wrap_dim(dim, ndim, node.__name__.lower())
        if ndim == 0:
            return node.apply(input.reshape(1), dim=0).reshape(())
        return node.apply(input, dim=d)

    return entry


softmax = _softmax_entry(Softmax, "softmax_lastdim_kernel_impl")
softmax.__name__ = "softmax"
softmax.__doc__ = "exp(x) / sum(exp(x), dim), max-shifted; ``dtype`` casts the input first."
log_softmax = _softmax_entry(LogSoftmax, "log_softmax_lastdim_kernel_impl")
log_softmax.__name__ = "log_softmax"
log_softmax.__doc__ = "x - logsumexp(x, dim), max-shifted; ``dtype`` casts the input first."

FAMILY = Family("softmax")
FAMILY.export(softmax)
FAMILY.export(log_softmax)
