"""The base of gradient ops: an op that is another op's gradient, whose forward is a backend
kernel and whose backward is made of ops again.

``run`` is how a backward calls one, and the one place where a gradient op runs without
``Node.apply``: in a plain ``backward()`` grad mode is off, so nothing would be recorded, and
the op is its kernel on the arrays (no node made, no recording checks: the training step
calls a dozen of these). With ``create_graph=True`` it is ``Node.apply``, so the op is
recorded like any other.
"""
from __future__ import annotations

from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node

_make = Tensor._make


class GradientOp(Node):
    """The op is the backend kernel named ``kernel``, called with the arrays of the op's one
    or two inputs and the keyword ``params``: constants of the op (not inputs of the graph),
    kept as ``self.params`` for its backward."""
    kernel: str

    def forward(self, backend, *arrays, **params):
        self.params = params
        return getattr(backend, self.kernel)(*arrays, **params)

    @classmethod
    def run(cls, a, b=None, params=None):
        """The op on the tensors ``a`` (and ``b``), with the constants ``params`` (a dict; a
        dict rather than keywords, which would make one at every call of the ops that have none)."""
        if is_grad_enabled_fast():
            if params is None:
                return cls.apply(a) if b is None else cls.apply(a, b)
            return cls.apply(a, **params) if b is None else cls.apply(a, b, **params)
        device = a._device
        kernel = getattr(device.backend, cls.kernel)
        if params is None:
            return _make(kernel(a._data) if b is None else kernel(a._data, b._data), device)
        return _make(kernel(a._data, **params) if b is None else kernel(a._data, b._data, **params), device)


class PiecewiseLinearGrad(GradientOp):
    """A gradient op ``g * s(x)`` whose slope ``s`` is piecewise constant in the saved ``x``
    (relu, hardsigmoid, hardtanh): linear in g, so its gradient in g is the op itself on the
    incoming gradient; in x it is zero wherever it exists."""
    saves_inputs = (0,)

    def backward(self, u):
        (x,) = self.saved_tensors
        return None, type(self).run(x, u, self.params or None)


class KernelOp(Node):
    """An op whose forward is the backend kernel ``kernel`` on its one input, and whose
    gradient is the gradient op ``grad`` on what it saved (its output where ``saves_output``,
    else its input) and the incoming gradient."""
    kernel: str
    grad: type  # a GradientOp subclass
    saves_inputs = (0,)

    def forward(self, backend, a):
        return getattr(backend, self.kernel)(a)

    def backward(self, g):
        return self.grad.run(self.saved_output if self.saves_output else self.saved_tensors[0], g)
