"""Activation ops: relu (with its gradient op), the exact GELU, logsigmoid.

* ``relu``: max(x, 0), keeping NaN and -0. as PyTorch does; the gradient at 0 is 0. Its
  gradient is the op ReluGrad(y, g): g where relu's output y is > 0, a kernel of the backend,
  and linear in g, so its own backward is ReluGrad again (and nothing for y, in which its
  derivative is zero wherever it exists).
* ``gelu`` (exact): x * Phi(x), Phi from the backend's fits (backends/kernels/special.py); its gradient is the op GeluGrad,
  ``g * (Phi(x) + x * phi(x))``, a backend kernel, given the Phi(x) the forward computed.
* ``logsigmoid``: min(x, 0) - log1p(exp(-|x|)), stable for any x; backward sigmoid(-x).
* ``dropout``: the scaled keep mask and the output from one kernel; the gradient g * mask.
* ``hardswish``, ``hardsigmoid``, ``hardtanh``: piecewise-linear, one kernel each way instead of
  a chain of clamps and products, with PyTorch's gradients at the kinks (hardtanh's is 0 at its
  bounds, where clamp's passes the gradient). Their gradient ops are linear in g; in x the
  derivative is 1/3 inside hardswish's curved part and zero for the others.
"""
from __future__ import annotations

import math

from ..._tensor import Tensor
from ...autograd.node import Node, raise_freed
from ..select import where as _where
from .._gradient import GradientOp, KernelOp, PiecewiseLinearGrad

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class ReluGrad(PiecewiseLinearGrad):
    """relu's gradient from its output y: ``g`` where y > 0 (or NaN), +0. elsewhere."""
    kernel = "relu_backward"
    _backward_name = "ThresholdBackwardBackward0"


class Relu(KernelOp):
    """max(x, 0) of a tensor of any real dtype."""
    kernel = "relu"
    grad = ReluGrad
    saves_inputs = ()
    saves_output = True


def relu(input):
    """max(x, 0); the gradient at 0 is 0."""
    if not isinstance(input, Tensor):
        raise TypeError(f"relu(): argument 'input' must be Tensor, not {type(input).__name__}")
    return Relu.apply(input)


class GeluGrad(GradientOp):
    """The exact GELU's gradient g * (Phi(x) + x * phi(x)), from its input x. Linear in g
    (its gradient in g is itself); in x, g * phi(x) * (2 - x^2)."""
    kernel = "gelu_backward"
    saves_inputs = (0, 1)
    _backward_name = "GeluBackwardBackward0"

    def backward(self, u):
        x, g = self.saved_tensors
        gx = gg = None
        if self.next_edges[0] is not None:
            gx = u * g * (_INV_SQRT_2PI * (-0.5 * (x * x)).exp()) * (2.0 - x * x)
        if self.next_edges[1] is not None:
            gg = GeluGrad.run(x, u, self.params or None)
        return gx, gg


class GeluExact(Node):
    """x * Phi(x); keeps Phi(x) for the gradient (an erf costs more than the rest of both passes)."""
    saves_inputs = (0,)
    _backward_name = "GeluBackward0"

    def forward(self, backend, a):
        out, self._cdf = backend.gelu_and_cdf(a)
        return out

    def backward(self, g):
        return GeluGrad.run(self.saved_tensors[0], g, {"cdf": self._cdf})

    def release(self):
        super().release()  # Phi(x) is saved like the input: freed with it
        self._cdf = None


class LogSigmoid(Node):
    saves_inputs = (0,)

    def forward(self, backend, a):
        xp = backend.xp
        return xp.clip(a, None, 0.0) - xp.log1p(xp.exp(-xp.abs(a)))

    def backward(self, g):
        (x,) = self.saved_tensors
        return g * (-x).sigmoid()


class HardswishGrad(GradientOp):
    """hardswish's gradient from its input x: g * (x / 3 + 1/2) on (-3, 3), g above. Linear in
    g (its gradient in g is itself); in x, g / 3 on (-3, 3)."""
    kernel = "hardswish_backward"
    saves_inputs = (0, 1)
    _backward_name = "HardswishBackwardBackward0"

    def backward(self, u):
        x, g = self.saved_tensors
        gx = gg = None
        if self.next_edges[0] is not None:
            gx = _where((x > -3.0) & (x < 3.0), u * g / 3.0, 0.0)
        if self.next_edges[1] is not None:
            gg = HardswishGrad.run(x, u)
        return gx, gg


class Hardswish(KernelOp):
    kernel = "hardswish"
    grad = HardswishGrad


class HardsigmoidGrad(PiecewiseLinearGrad):
    """hardsigmoid's gradient g / 6 on (-3, 3) from its input x."""
    kernel = "hardsigmoid_backward"
    _backward_name = "HardsigmoidBackwardBackward0"


class Hardsigmoid(KernelOp):
    kernel = "hardsigmoid"
    grad = HardsigmoidGrad


class Hardtanh(Node):
    """clamp(x, min_val, max_val) of a floating-point tensor, with hardtanh's gradient."""
    saves_inputs = (0,)

    def forward(self, backend, a, min_val, max_val):
        self.bounds = {"min_val": min_val, "max_val": max_val}
        return backend.xp.clip(a, min_val, max_val)

    def backward(self, g):
        (x,) = self.saved_tensors
        return HardtanhGrad.run(x, g, self.bounds)


class HardtanhGrad(PiecewiseLinearGrad):
    """hardtanh's gradient: g strictly between the bounds, from the input x."""
    kernel = "hardtanh_backward"
    _backward_name = "HardtanhBackwardBackward0"


class Dropout(Node):
    """Dropout of ``a`` from uniform draws ``u`` (a constant input): a * mask, the mask
    1 / keep_prob where u < keep_prob and 0 elsewhere, mask and output from the backend's one
    ``dropout`` kernel. The gradient is g * mask, an op on the saved mask (so differentiable
    again)."""
    _backward_name = "NativeDropoutBackward0"

    def forward(self, backend, a, u, keep_prob):
        out, self.mask = backend.dropout(a, u, keep_prob)
        return out

    def release(self):
        super().release()
        self.mask = None

    def backward(self, g):
        if self._released:
            raise_freed(self)
        return g * Tensor._make(self.mask, g._device), None
