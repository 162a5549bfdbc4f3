"""Reductions. Every one takes ``dim`` or NumPy's ``axis`` (an int, list or tuple) and
``keepdim`` or NumPy's ``keepdims``."""
from __future__ import annotations

import builtins
import math
from collections import namedtuple

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node
from ._core import cast, named
from ._table import Family

FAMILY = Family("reduction")

_make = Tensor._make
FLOAT = D.FLOAT

_MISSING = object()


def normalize_dims(op, ndim, dim, axis=None):
    """A sorted tuple of non-negative axes, or None for all of them."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}(): got both 'dim' and its alias 'axis'")
        dim = axis
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return None
        axes = tuple(sorted({_wrap_dim(_as_int(d, op), ndim, op) for d in dim}))
        if len(axes) != len(dim):
            raise RuntimeError(f"{op}(): dim {list(dim)} appears multiple times in the list of dims")
    else:
        axes = (_wrap_dim(_as_int(dim, op), ndim, op),)
    # a 0-d tensor accepts dim 0 and -1 (as PyTorch does): there is no axis to reduce
    return axes if ndim else None


def one_dim(op, ndim, dim):
    """A single non-negative dim (0 for a 0-d tensor)."""
    return _wrap_dim(_as_int(dim, op), ndim, op)


def _as_int(d, op):
    if isinstance(d, Tensor):
        d = int(d)
    if not isinstance(d, int) or isinstance(d, bool):
        raise TypeError(f"{op}(): dim must be an int or a sequence of ints, got {type(d).__name__}")
    return d


def _keep(keepdim, keepdims):
    if keepdims is not None:
        return bool(keepdims)
    return bool(keepdim)


def _kept_shape(shape, axes):
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _with_kept_dims(node, g):
    """A reduction node's saved input, its saved output and the incoming gradient, the latter
    two with the reduced axes kept as size 1 so that they broadcast against the input."""
    (x,) = node.saved_tensors
    out = node.saved_output
    if not node.keepdim and x.ndim:
        shape = _kept_shape(x.shape, node.axes)
        g, out = g.reshape(shape), out.reshape(shape)
    return x, out, g


def _xp_axis(axes):
    return axes if axes is None or len(axes) != 1 else axes[0]


class Sum(Node):
    def forward(self, backend, a, axes, keepdim):
        if axes is not None and type(self) is Sum:
            self._backward_name = "SumBackward1"  # PyTorch's node for sum with dims
        self.shape = a.shape
        self.axes = axes
        self.keepdim = keepdim
        return backend.reduce_sum(a, axis=axes, keepdims=keepdim)

    def backward(self, g):
        if not is_grad_enabled_fast():  # no graph recorded: the same broadcast view, on the arrays
            xp = g._device.backend.xp
            ga = g._data
            if not self.keepdim and self.shape:
                ga = xp.reshape(ga, _kept_shape(self.shape, self.axes))
            return _make(xp.broadcast_to(ga, self.shape), g._device)
        if not self.keepdim and self.shape:
            g = g.reshape(_kept_shape(self.shape, self.axes))
        return g.expand(self.shape)


def _reduce_dtype(x, dtype):
    """sum/prod/cumsum of bool or int tensors accumulate in int64, as in PyTorch."""
    if dtype is not None:
        return D.as_dtype(dtype)
    dt = x.dtype
    return D.int64 if dt.category != FLOAT else dt


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None, out=None):
    """Sum over ``dim`` (all dims when None). Bool and integer inputs sum in int64."""
    if not isinstance(input, Tensor):
        return builtins.sum(input) if dim is None else builtins.sum(input, dim)
    axes = normalize_dims("sum", input._data.ndim, dim, axis)
    dt = _reduce_dtype(input, dtype)
    if dt is not input.dtype:
        input = cast(input, dt)
    return Sum.apply(input, axes=axes, keepdim=_keep(keepdim, keepdims))


FAMILY.export(sum)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    from .compare import isnan
    from .select import where

    return sum(where(isnan(input), 0.0, input), dim, keepdim, dtype=dtype)


FAMILY.export(nansum)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None, out=None):
    """Arithmetic mean; needs a floating dtype (or ``dtype=``), as in PyTorch."""
    if dtype is not None:
        input = cast(input, D.as_dtype(dtype))
    if input.dtype.category != FLOAT:
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
            f"Got: {input.dtype}")
    axes = normalize_dims("mean", input._data.ndim, dim, axis)
    return Mean.apply(input, axes=axes, keepdim=_keep(keepdim, keepdims))


FAMILY.export(mean)


class Mean(Sum):
    """Mean over axes; backward spreads g / count (an empty reduction gives nan, as in PyTorch)."""
    _backward_name = "MeanBackward0"

    def forward(self, backend, a, axes, keepdim):
        shape = a.shape
        self.count = math.prod(shape) if axes is None else math.prod(shape[i] for i in axes)
        if axes is not None:
            self._backward_name = "MeanBackward1"
        total = super().forward(backend, a, axes, keepdim)
        return total / self.count if self.count else total * math.nan

    def backward(self, g):
        return super().backward(g) / self.count


def nanmean(input, dim=None, keepdim=False):
    from .compare import isnan

    valid = ~isnan(input)
    return nansum(input, dim, keepdim) / sum(valid, dim, keepdim)


FAMILY.export(nanmean)


class Prod(Node):
    saves_inputs = (0,)
    saves_output = True

    def forward(self, backend, a, axes, keepdim):
        xp = backend.xp
        self.axes, self.keepdim = axes, keepdim
        return xp.prod(a, axis=_xp_axis(axes), keepdims=keepdim)

    def backward(self, g):
        from .select import where

        x, out, g = _with_kept_dims(self, g)
        # product of the other elements: out / x where x != 0; where x holds the single
        # zero of its slice, the product of the rest; zero where a slice has two zeros
        zero = x == 0
        nonzero_prod = where(zero, 1.0, x).prod(dim=self.axes, keepdim=True) if self.axes is not None else \
            where(zero, 1.0, x).prod().reshape(_kept_shape(x.shape, None))
        zeros = sum(zero, dim=self.axes, keepdim=True)
        others = where(zero, where(zeros == 1, nonzero_prod, 0.0), out / where(zero, 1.0, x))
        return g * others


def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    dt = _reduce_dtype(input, dtype)
    input = cast(input, dt)
    axes = normalize_dims("prod", input._data.ndim, dim, axis)
    return Prod.apply(input, axes=axes, keepdim=_keep(keepdim, keepdims))


FAMILY.export(prod)



class Extreme(Node):
    """amax/amin and full max/min: ties share the gradient evenly (PyTorch's rule)."""
    saves_inputs = (0,)
    saves_output = True

    def forward(self, backend, a, axes, keepdim, largest, nan_ties=False):
        xp = backend.xp
        # nan_ties: full max()/min() give the gradient to NaN elements when the result is NaN
        # (PyTorch's evenly_distribute_backward); amax/amin don't (0/0: NaN everywhere)
        self.nan_ties = nan_ties
        if a.size == 0 and (axes is None or builtins.any(a.shape[i] == 0 for i in axes)):
            # PyTorch: RuntimeError for a full reduction, IndexError for an empty reduction dim
            raise (RuntimeError if axes is None else IndexError)(
                f"{'max' if largest else 'min'}(): Expected reduction dim to be specified for input.numel() "
                f"== 0. Specify the reduction dim with the 'dim' argument (shape {list(a.shape)})")
        self.axes, self.keepdim = axes, keepdim
        return (xp.max if largest else xp.min)(a, axis=axes, keepdims=keepdim)

    def backward(self, g):
        x, out, g = _with_kept_dims(self, g)
        hit = x == out
        if self.nan_ties:
            hit = hit | (x.isnan() & out.isnan())
        count = sum(hit, dim=self.axes, keepdim=True) if self.axes is not None else \
            sum(hit).reshape(_kept_shape(x.shape, None))
        return g * hit / count


return_types = namedtuple("return_types", ["values", "indices"])


class MaxMinDim(Node):
    """max/min along one dim: values and indices; the gradient goes to the chosen index."""
    non_differentiable = (1,)

    def forward(self, backend, a, dim, keepdim, largest):
        xp = backend.xp
        if a.ndim and a.shape[dim] == 0:
            raise IndexError(f"{'max' if largest else 'min'}(): Expected reduction dim {dim} to have non-zero size.")
        self.dim, self.keepdim, self.shape = dim, keepdim, a.shape
        axis = dim if a.ndim else None
        values = (xp.max if largest else xp.min)(a, axis=axis, keepdims=keepdim)
        indices = (xp.argmax if largest else xp.argmin)(a, axis=axis, keepdims=keepdim)
        self.indices = indices
        return values, xp.astype(indices, xp.int64)

    def backward(self, g, g_indices=None):
        if g is None:
            return None
        if not self.shape:
            return g
        idx = _make(self.indices, g._device)
        if not self.keepdim:
            idx = idx.unsqueeze(self.dim)
            g = g.unsqueeze(self.dim)
        return g * one_hot_along(idx, self.shape, self.dim, g.dtype)


def one_hot_along(idx, shape, dim, dtype):
    """A mask of ``shape`` that is 1 where the position along ``dim`` equals ``idx``."""
    from .creation import arange

    n = shape[dim]
    pos = arange(n, device=idx.device).reshape(tuple(n if i == dim else 1 for i in range(len(shape))))
    return cast(pos == idx, dtype)


def _max_min(name, largest):
    def reduce(input, dim=_MISSING, keepdim=False, *, axis=None, keepdims=None, out=None):
        if isinstance(dim, Tensor):
            from .select import maximum, minimum

            return (maximum if largest else minimum)(input, dim)
        if dim is _MISSING and axis is None:
            return named(Extreme.apply(input, axes=None, keepdim=False, largest=largest, nan_ties=True),
                          "MaxBackward1" if largest else "MinBackward1")
        d = axis if dim is _MISSING else dim
        d = one_dim(name, input._data.ndim, d)
        values, indices = MaxMinDim.apply(input, dim=d, keepdim=_keep(keepdim, keepdims), largest=largest)
        named(values, "MaxBackward0" if largest else "MinBackward0")
        return return_types(values, indices)

    reduce.__name__ = name
    reduce.__doc__ = (f"{name}(input) -> the {name}imum (ties share the gradient); {name}(input, dim, keepdim) -> "
                      f"(values, indices) along dim; {name}(input, other) -> elementwise {name}imum.")
    return reduce


max = _max_min("max", True)
min = _max_min("min", False)
FAMILY.export(max)
FAMILY.export(min)


def amax(input, dim=(), keepdim=False, *, axis=None, keepdims=None):
    axes = normalize_dims("amax", input._data.ndim, dim if dim != () else None, axis)
    return named(Extreme.apply(input, axes=axes, keepdim=_keep(keepdim, keepdims), largest=True), "AmaxBackward0")


FAMILY.export(amax)


def amin(input, dim=(), keepdim=False, *, axis=None, keepdims=None):
    axes = normalize_dims("amin", input._data.ndim, dim if dim != () else None, axis)
    return named(Extreme.apply(input, axes=axes, keepdim=_keep(keepdim, keepdims), largest=False), "AminBackward0")


FAMILY.export(amin)


def aminmax(input, *, dim=None, keepdim=False):
    return amin(input, dim if dim is not None else (), keepdim), amax(input, dim if dim is not None else (), keepdim)


FAMILY.export(aminmax)


def _arg(name, fn_name):
    def arg(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
        xp = input._device.backend.xp
        d = axis if dim is None else dim
        keep = _keep(keepdim, keepdims)
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        if d is None:
            flat = xp.reshape(input._data, (-1,))
            out = getattr(xp, fn_name)(flat)
            if keep:
                out = xp.reshape(out, (1,) * input._data.ndim)
        else:
            axis_ = one_dim(name, input._data.ndim, d)
            out = getattr(xp, fn_name)(input._data, axis=axis_ if input._data.ndim else None, keepdims=keep)
        return _make(xp.astype(out, xp.int64), input._device)

    arg.__name__ = name
    return arg


argmax = _arg("argmax", "argmax")
argmin = _arg("argmin", "argmin")
FAMILY.export(argmax)
FAMILY.export(argmin)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """Variance with Bessel's correction by default (``correction=1``)."""
    dim, correction = _var_args(dim, unbiased, correction)
    if input.dtype.category != FLOAT:
        raise RuntimeError(f"std and var only support floating point and complex dtypes (got {input.dtype})")
    axes = normalize_dims("var", input._data.ndim, dim, axis)
    keep = _keep(keepdim, keepdims)
    shape = input._data.shape
    n = math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)
    centered = input - mean(input, axes, keepdim=True)
    total = sum(centered * centered, axes, keepdim=keep)
    # too few elements for the correction: 0/0 gives nan, as PyTorch returns
    return named(total / builtins.max(n - correction, 0), "VarBackward0")


FAMILY.export(var)


def _var_args(dim, unbiased, correction):
    if isinstance(dim, bool):  # var(x, False): the old positional 'unbiased'
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


class StdFromVar(Node):
    """std = sqrt(var), with PyTorch's gradient of 0 where the std is 0 (a constant slice),
    not sqrt's infinity times var's zero."""
    saves_output = True
    _backward_name = "StdBackward0"

    def forward(self, backend, v):
        xp = backend.xp
        return xp.sqrt(v)

    def backward(self, g):
        from .select import where

        out = self.saved_output
        zero = out == 0
        return where(zero, 0.0, g / (2.0 * where(zero, 1.0, out)))


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    return StdFromVar.apply(var(input, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims))


FAMILY.export(std)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, _var_args(dim, None, 0)[0], keepdim)


FAMILY.export(var_mean, method=False)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, _var_args(dim, None, 0)[0], keepdim)


FAMILY.export(std_mean, method=False)


class Norm2(Node):
    """Euclidean norm; the gradient at the zero vector is 0, as in PyTorch."""
    _backward_name = "LinalgVectorNormBackward0"
    saves_inputs = (0,)
    saves_output = True

    def forward(self, backend, a, axes, keepdim):
        xp = backend.xp
        self.axes, self.keepdim = axes, keepdim
        return xp.sqrt(xp.sum(a * a, axis=axes, keepdims=keepdim))

    def backward(self, g):
        from .select import where

        x, out, g = _with_kept_dims(self, g)
        return g * where(out == 0, 0.0, x / where(out == 0, 1.0, out))


def norm(input, p="fro", dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
    """Vector p-norm over ``dim`` (all elements by default; 'fro' is the 2-norm of them)."""
    if dtype is not None:
        input = cast(input, D.as_dtype(dtype))
    if input.dtype.category != FLOAT:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {input.dtype}")
    axes = normalize_dims("norm", input._data.ndim, dim, axis)
    keep = _keep(keepdim, keepdims)
    if p is None or p == "fro" or p == 2:
        return Norm2.apply(input, axes=axes, keepdim=keep)
    if p == "nuc":
        raise NotImplementedError("norm(p='nuc') is not supported by gradkit")
    a = input.abs()
    if p == math.inf:
        return amax(a, axes if axes is not None else (), keep)
    if p == -math.inf:
        return amin(a, axes if axes is not None else (), keep)
    if p == 0:
        return sum(cast(a != 0, input.dtype), axes, keep)
    if p == 1:
        return sum(a, axes, keep)
    from .select import where

    total = sum(a ** p, axes, keep)
    zero = total == 0  # the gradient at a zero slice is 0, as in PyTorch (not inf * 0)
    return where(zero, 0.0, where(zero, 1.0, total) ** (1.0 / p))


FAMILY.export(norm)


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(x))) computed stably by shifting with the max."""
    from .compare import isinf
    from .select import where

    if input.dtype.category != FLOAT:
        input = cast(input, D.get_default_dtype())
    axes = normalize_dims("logsumexp", input._data.ndim, dim)
    shift = amax(input, axes if axes is not None else (), True).detach()
    shift = where(isinf(shift), 0.0, shift)
    out = (input - shift).exp().sum(axes, keepdim=True).log() + shift
    if not keepdim:
        out = out.squeeze(axes) if axes is not None else out.reshape(())
    return out


FAMILY.export(logsumexp)


class Cumsum(Node):
    def forward(self, backend, a, dim):
        self.dim = dim
        return backend.cumsum(a, dim)

    def backward(self, g):
        return g.flip(self.dim).cumsum(self.dim).flip(self.dim)


def cumsum(input, dim=None, *, dtype=None, axis=None):
    d = axis if dim is None else dim
    if d is None:
        raise TypeError("cumsum(): missing required argument 'dim'")
    dt = _reduce_dtype(input, dtype)
    input = cast(input, dt)
    if input._data.ndim == 0:
        return input.clone()
    d = one_dim("cumsum", input._data.ndim, d)
    return Cumsum.apply(input, dim=d)


FAMILY.export(cumsum, inplace=True)


def cumprod(input, dim, *, dtype=None):
    """Running product along ``dim`` (differentiable for inputs without zeros)."""
    dt = _reduce_dtype(input, dtype)
    input = cast(input, dt)
    d = one_dim("cumprod", input._data.ndim, dim)
    if input._data.ndim == 0:
        return input.clone()
    pieces = input.unbind(d)
    acc, outs = None, []
    for p in pieces:
        acc = p if acc is None else acc * p
        outs.append(acc)
    from .shape import stack

    return stack(outs, d)


FAMILY.export(cumprod)


def _all_any(name):
    def reduce(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
        xp = input._device.backend.xp
        axes = normalize_dims(name, input._data.ndim, dim, axis)
        data = input._data if input.dtype is D.bool_ else input._data != 0
        return _make(getattr(xp, name)(data, axis=axes, keepdims=_keep(keepdim, keepdims)), input._device)

    reduce.__name__ = name
    return reduce


all = _all_any("all")
any = _all_any("any")
FAMILY.export(all)
FAMILY.export(any)


def count_nonzero(input, dim=None):
    return sum(input != 0, dim)


FAMILY.export(count_nonzero)
