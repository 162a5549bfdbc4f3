"""``nn.functional``'s pointwise activations beyond relu/gelu/sigmoid/tanh (hardtanh, relu6,
hardswish, hardsigmoid, silu, mish, softplus, softsign, prelu, glu), re-exported by
``gradkit.nn.functional``.

``inplace=True`` writes the result into the input, as PyTorch does, and stays
differentiable: the input is cloned first when it requires grad, so the values that backward
needs are not the ones being overwritten.
"""
from __future__ import annotations

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dim
from ..ops.nn import activation as _A
from ..ops.select import clamp as _clamp, where as _where
from ..ops.unary import sigmoid as _sigmoid

__all__ = ["hardtanh", "relu6", "hardswish", "hardsigmoid", "silu", "mish", "softplus", "softsign", "prelu", "glu",
           "in_place"]

_TORCH_DTYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
                      "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                      "bool": "Bool"}


def _floating(input, op, kernel=None):
    """``input`` itself when it is a floating-point tensor; PyTorch's errors otherwise (a
    kernel that has no integer version raises NotImplementedError, naming the kernel)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dtype.category != D.FLOAT:
        where = "cuda" if input.device.type == "cuda" else "cpu"
        name = _TORCH_DTYPE_NAMES.get(input.dtype.name, input.dtype.name)
        raise NotImplementedError(f"\"{kernel or op}_{where}\" not implemented for '{name}'")
    return input


def in_place(input, fn):
    """Writes ``fn(input)`` into ``input`` and returns it, keeping backward correct: when the
    input requires grad, ``fn`` sees a clone (the ops it records save their inputs, which the
    write would otherwise change under them)."""
    source = input.clone() if input.requires_grad else input
    return input.copy_(fn(source))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """clamp(x, min_val, max_val); the gradient is 0 at the bounds, as in PyTorch."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if isinstance(input, Tensor) and input.dtype.category == D.INT:  # PyTorch truncates the bounds: ints stay ints
        min_val, max_val = int(min_val), int(max_val)
    if not isinstance(input, Tensor) or input.dtype.category != D.FLOAT:
        return input.clamp_(min_val, max_val) if inplace else _clamp(input, min_val, max_val)
    if inplace:
        return in_place(input, lambda x: _A.Hardtanh.apply(x, min_val=min_val, max_val=max_val))
    return _A.Hardtanh.apply(input, min_val=min_val, max_val=max_val)


def relu6(input, inplace=False):
    """min(max(x, 0), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6 (Howard et al., 2019, MobileNetV3)."""
    _floating(input, "hardswish")
    if inplace:
        return in_place(input, _A.Hardswish.apply)
    return _A.Hardswish.apply(input)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    _floating(input, "hardsigmoid")
    if inplace:
        return in_place(input, _A.Hardsigmoid.apply)
    return _A.Hardsigmoid.apply(input)


def _silu(x):
    return x * _sigmoid(x)


def silu(input, inplace=False):
    """x * sigmoid(x) (also called swish)."""
    _floating(input, "silu")
    return in_place(input, _silu) if inplace else _silu(input)


def _mish(x):
    return x * softplus(x).tanh()


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    _floating(input, "mish")
    return in_place(input, _mish) if inplace else _mish(input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""
    _floating(input, "softplus")
    bx = input * beta if beta != 1 else input
    soft = -_A.LogSigmoid.apply(-bx)
    if beta != 1:
        soft = soft / beta
    return _where(bx > threshold, input, soft)


def softsign(input):
    """x / (1 + |x|)."""
    return input / (1.0 + input.abs())


def prelu(input, weight):
    """x for x > 0, weight * x otherwise; ``weight`` has one entry, or one per channel
    (dim 1 of the input; a 1-D input has one channel)."""
    _floating(input, "prelu")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    count = weight.numel()
    if count == 1:
        if weight.ndim:  # the output has the input's shape, a 0-d one included
            weight = weight.reshape(())
    else:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.ndim >= 2 else 1
        if count != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{count} and channel size = {channels}.")
        if input.ndim >= 2:
            shape = [1] * input.ndim
            shape[1] = count
            weight = weight.reshape(shape)
    return _where(input > 0, input, input * weight)


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of ``input`` along ``dim``."""
    if not isinstance(input, Tensor):
        raise TypeError(f"glu(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.ndim, "glu")
    size = input.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}")
    _floating(input, "glu")
    a, b = input.chunk(2, d)
    return a * _sigmoid(b)
