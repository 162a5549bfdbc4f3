"""Helpers shared by the distributions (PyTorch's ``torch.distributions.utils``), and the
special functions they need that are not in the array API standard (erf, lgamma).

Everything here is written with gradkit ops, or as a gradkit op whose forward uses only
standard functions of the backend namespace ``xp``, so it runs on every device and is
differentiable (to second order: each backward is itself made of gradkit ops).
"""
from __future__ import annotations

import math
from functools import update_wrapper
from numbers import Number

from .. import _dtype as D
from .._size import Size
from .._tensor import Tensor
from ..autograd import enable_grad
from ..ops import unary as E
from ..ops.unary import erf  # noqa: F401  (the distributions' erf is gradkit.erf)
from ..ops.creation import tensor as _tensor
from ..ops.shape import broadcast_tensors

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits"]

euler_constant = 0.57721566490153286060


def _is_number(v) -> bool:
    return isinstance(v, Number) and not isinstance(v, Tensor)


def broadcast_all(*values):
    """Tensors broadcast together; Python numbers become tensors of the first tensor's
    dtype and device (the default dtype when all are numbers)."""
    if not all(isinstance(v, Tensor) or _is_number(v) for v in values):
        raise ValueError("Input arguments must all be instances of Number, gradkit.Tensor or objects implementing "
                         "__torch_function__.")
    if not all(isinstance(v, Tensor) for v in values):
        options = dict(dtype=D.get_default_dtype())
        for v in values:
            if isinstance(v, Tensor):
                options = dict(dtype=v.dtype, device=v.device)
                break
        values = [v if isinstance(v, Tensor) else _tensor(v, **options) for v in values]
    return tuple(broadcast_tensors(*values))


def _finfo(t: Tensor):
    backend = t._device.backend
    return backend.xp.finfo(t._data.dtype)


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities clamped into [eps, 1 - eps] (eps of their dtype), so logs stay finite."""
    eps = float(_finfo(probs).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """log(p) per category, or the log-odds log(p) - log(1 - p) when ``is_binary``."""
    ps = clamp_probs(probs)
    if is_binary:
        return ps.log() - (-ps).log1p()
    return ps.log()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """sigmoid(logits) when ``is_binary``, else softmax over the last dimension."""
    if is_binary:
        return logits.sigmoid()
    return (logits - logits.logsumexp(dim=-1, keepdim=True)).exp()


class lazy_property:
    """A property computed on first access (with gradient recording on) and then stored on
    the instance, as PyTorch's ``lazy_property``: ``Categorical(probs=p).logits``."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def _sum_rightmost(value: Tensor, dim: int) -> Tensor:
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


# --------------------------------------------------------------------------- special functions
# Lanczos approximation (g = 7, 9 terms): relative error ~1e-15 for Re(z) > 0.5
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)


def _lgamma_lanczos(z: Tensor) -> Tensor:
    """log Gamma(z) for z >= 0.5 (float64 tensor), written with gradkit ops so it is
    differentiable (its derivative approximates digamma to the same accuracy)."""
    zm1 = z - 1.0
    series = _LANCZOS[0]
    for i in range(1, len(_LANCZOS)):
        series = series + _LANCZOS[i] / (zm1 + float(i))
    t = zm1 + (_LANCZOS_G + 0.5)
    return 0.5 * math.log(2 * math.pi) + (zm1 + 0.5) * t.log() - t + series.log()


def lgamma(input: Tensor) -> Tensor:
    """log|Gamma(x)| for x > 0 (computed in float64, returned in the input's floating dtype;
    integers become the default float). Uses lgamma(x) = lgamma(x + 1) - log(x) below 0.5."""
    dt = input.dtype if input.dtype.category == D.FLOAT else D.get_default_dtype()
    x = input.to(D.float64)
    small = x < 0.5
    # each branch sees only inputs it is valid for, so neither gives inf/nan gradients
    x_small = E.where(small, x, 0.25)
    x_large = E.where(small, 1.0, x)
    out = E.where(small, _lgamma_lanczos(x_small + 1.0) - x_small.log(), _lgamma_lanczos(x_large))
    return out.to(dt)


def softplus(x: Tensor) -> Tensor:
    """log(1 + exp(x)) without overflow, with the exact derivative sigmoid(x) everywhere
    (the two branches are evaluated only where they are used)."""
    pos = x > 0
    xp = E.where(pos, x, 0.0)
    xn = E.where(pos, 0.0, x)
    return E.where(pos, xp + (-xp).exp().log1p(), xn.exp().log1p())


def _as_size(sample_shape):
    """A sample shape as a Size (an int n means (n,))."""
    if isinstance(sample_shape, int) and not isinstance(sample_shape, bool):
        return Size((sample_shape,))
    return Size(sample_shape)
