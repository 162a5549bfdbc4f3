"""Order statistics and histograms: quantile, nanquantile (from a sort: the gradient
reaches the one or two elements each quantile interpolates between) and histc (counts: no
gradient, as in PyTorch); and isposinf/isneginf, the signed tests for infinity.
"""
from __future__ import annotations

import math

from .. import _dtype as D
from .._tensor import Tensor
from ._core import _out
from ._table import Family
from .inplace import _kind
from .reduction import one_dim

FAMILY = Family("statistics")

_make = Tensor._make
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(op, input, q, dim, keepdim, interpolation, ignore_nan):
    from .creation import tensor
    from .select import where
    from .sorting import sort

    if input.dtype not in (D.float32, D.float64):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    if input.numel() == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    scalar_q = not isinstance(q, Tensor)
    if scalar_q:
        if not 0 <= q <= 1:
            raise RuntimeError(f"{op}() q must be in the range [0, 1] but got {q}")
        q = tensor([q], dtype=input.dtype, device=input.device)
    else:
        if q._data.ndim > 1:
            raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor")
        scalar_q = q._data.ndim == 0
        q = q.reshape(-1)
        if bool(((q < 0) | (q > 1)).any()):
            raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest, but got "
                           f"{interpolation}")
    ndim = input._data.ndim
    if dim is None:
        x, d = input.reshape(-1), 0
        kept_shape = (1,) * ndim
    else:
        d = one_dim(op, ndim, dim)
        x = input if ndim else input.reshape(1)
        kept_shape = tuple(1 if i == d else s for i, s in enumerate(input.shape))
    # sorted along the last dim (NaNs sort last); one rank per slice and q, shape (..., Q)
    ordered = sort(x.movedim(d, -1), -1).values
    n = ordered.shape[-1]
    nans = ordered.detach().isnan()
    q = q.detach()
    if ignore_nan:
        valid = (~nans).sum(-1, keepdim=True).to(input.dtype)
        ranks = q * (valid - 1)
        ranks = where(valid == 0, float(n - 1), ranks)  # an all-NaN slice reads a NaN
    else:
        ranks = where(nans.any(-1, keepdim=True), float(n - 1), q * (n - 1))  # a NaN makes the result NaN
    if interpolation == "nearest":
        ranks = ranks.round()  # half to even, as PyTorch rounds
    below = ranks.floor().long()
    above = ranks.ceil().long()
    if interpolation in ("lower", "nearest"):
        out = ordered.gather(-1, below)
    elif interpolation == "higher":
        out = ordered.gather(-1, above)
    else:
        low, high = ordered.gather(-1, below), ordered.gather(-1, above)
        if interpolation == "midpoint":
            out = low + (high - low) * 0.5
        else:
            weight = ranks - below.to(input.dtype)
            # PyTorch's lerp: from the nearer end, so that a weight of 1 gives ``high`` exactly
            out = where(weight < 0.5, low + weight * (high - low), high - (high - low) * (1 - weight))
    out = out.movedim(-1, 0)  # q's dim first, as PyTorch orders it
    if keepdim:
        out = out.reshape((out.shape[0],) + kept_shape)
    if scalar_q:
        out = out.squeeze(0)
    return out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantiles of ``input`` (all elements, or along ``dim``); a 1-D ``q`` puts its
    dim first. A slice holding a NaN gives NaN."""
    return _out(_quantile("quantile", input, q, dim, keepdim, interpolation, ignore_nan=False), out)


FAMILY.export(quantile)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile() over the non-NaN elements of each slice (NaN where a slice has none)."""
    return _out(_quantile("nanquantile", input, q, dim, keepdim, interpolation, ignore_nan=True), out)


FAMILY.export(nanquantile)


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Counts in ``bins`` equal bins between ``min`` and ``max`` (the data's own range when
    both are equal); elements outside are ignored. Counts have no gradient."""
    if input.dtype.category != D.FLOAT:
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{_kind(input.dtype)}\'')
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if min > max:
        raise RuntimeError("torch.histc: max must be larger than min")
    lo, hi = float(min), float(max)
    if lo == hi and input.numel():
        lo, hi = float(input.detach().min()), float(input.detach().max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    backend = input._device.backend
    return _out(_make(backend.histogram_counts(input.detach()._data, lo, hi, bins), input._device), out)


FAMILY.export(histc)


def _infinite_of_sign(input, positive):
    xp = input._device.backend.xp
    data = input._data
    if input.dtype.category != D.FLOAT:  # integers and bools hold no infinity
        return _make(xp.zeros(data.shape, dtype=xp.bool, device=data.device), input._device)
    return _make(xp.isinf(data) & ((data > 0) if positive else (data < 0)), input._device)


# isinf's signed forms sit with the value tests of this module rather than in compare's
# table, whose rows are elementwise ops with derivatives
def isposinf(input, *, out=None):
    """True where ``input`` is +inf."""
    return _out(_infinite_of_sign(input, positive=True), out)


FAMILY.export(isposinf)


def isneginf(input, *, out=None):
    """True where ``input`` is -inf."""
    return _out(_infinite_of_sign(input, positive=False), out)


FAMILY.export(isneginf)
