"""Ops that pick elements: clamp, where, maximum/minimum (and their NaN-ignoring fmax/fmin),
nan_to_num."""
from __future__ import annotations

import math

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.node import Node
from ._core import _out, broadcast_shapes_checked, cast, check_same_device, full_like_scalar, promote, scalar_for, \
    sum_to
from ._table import Family
from .arith import BinaryRow, generate, scalars_as_arrays

_make = Tensor._make
FLOAT = D.FLOAT
FAMILY = Family("select")


# --------------------------------------------------------------------------- maximum, minimum
def _d_pick(node, g):
    """Ties split the gradient evenly between the two inputs, as in PyTorch."""
    a, b = node.operands()
    wa, wb = node.wants()
    win = (a > b) if node.op_name == "maximum" else (a < b)
    tie = a == b
    half = g * 0.5
    ga = where(win, g, where(tie, half, 0.0)) if wa else None
    gb = where(win | tie, where(tie, half, 0.0), g) if wb else None
    return node.finish(ga, gb)


TABLE = (
    BinaryRow("maximum", _d_pick, lambda xp, a, b: xp.maximum(*scalars_as_arrays(xp, a, b)), bool_op="logical_or"),
    BinaryRow("minimum", _d_pick, lambda xp, a, b: xp.minimum(*scalars_as_arrays(xp, a, b)), bool_op="logical_and"),
)
(Maximum, maximum), (Minimum, minimum) = [generate(row, FAMILY) for row in TABLE]


def fmax(input, other):
    from .compare import isnan

    return where(isnan(other), input, where(isnan(input), other, maximum(input, other)))


def fmin(input, other):
    from .compare import isnan

    return where(isnan(other), input, where(isnan(input), other, minimum(input, other)))


FAMILY.export(fmax)
FAMILY.export(fmin)


# --------------------------------------------------------------------------- clamp
class ClampScalar(Node):
    saves_inputs = (0,)
    _backward_name = "ClampBackward1"

    def forward(self, backend, a, lo, hi):
        xp = backend.xp
        self.lo, self.hi = lo, hi
        if lo is not None and hi is not None and lo > hi:
            return xp.full_like(a, hi)  # PyTorch: every element becomes max (the standard's clip leaves it open)
        return xp.clip(a, lo, hi)

    def backward(self, g):
        (x,) = self.saved_tensors
        keep = None
        if self.lo is not None:
            keep = x >= self.lo
        if self.hi is not None:
            upper = x <= self.hi
            keep = upper if keep is None else keep & upper
        return where(keep, g, 0.0)


class ClampTensor(Node):
    """clamp with tensor bounds: the gradient goes to whichever of x, min, max is active."""
    saves_inputs = (0, 1, 2)
    _backward_name = "ClampBackward0"

    def forward(self, backend, a, lo, hi):
        xp = backend.xp
        self.shapes = (a.shape, lo.shape, hi.shape)
        return xp.minimum(xp.maximum(a, lo), hi)

    def backward(self, g):
        x, lo, hi = self.saved_tensors
        below = x < lo
        above = (x > hi) | (lo > hi)
        inside = ~below & ~above
        g_lo = where(below & ~(lo > hi), g, 0.0)
        return (sum_to(where(inside, g, 0.0), self.shapes[0]), sum_to(g_lo, self.shapes[1]),
                sum_to(where(above, g, 0.0), self.shapes[2]))


def clamp(input, min=None, max=None, *, out=None):
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        inf = math.inf
        lo = min if isinstance(min, Tensor) else full_like_scalar(input, -inf if min is None else float(min))
        hi = max if isinstance(max, Tensor) else full_like_scalar(input, inf if max is None else float(max))
        dt = promote(input, lo)
        dt = D.promote_types(dt, promote(input, hi)) if isinstance(max, Tensor) else dt
        input, lo, hi = cast(input, dt), cast(lo, dt), cast(hi, dt)
        check_same_device("clamp", input, lo, hi)
        return _out(ClampTensor.apply(input, lo, hi), out)
    dt = input.dtype
    for bound in (min, max):
        if bound is not None and D.scalar_dtype(bound).category > dt.category:
            dt = promote(input, bound)
    if dt is not input.dtype:
        input = cast(input, dt)
    lo = None if min is None else scalar_for(min, dt)
    hi = None if max is None else scalar_for(max, dt)
    return _out(ClampScalar.apply(input, lo=lo, hi=hi), out)


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


clip = clamp
FAMILY.export(clamp, "clip", inplace=True)
FAMILY.export(clamp_min, inplace=True)
FAMILY.export(clamp_max, inplace=True)


# --------------------------------------------------------------------------- where
class Where(Node):
    saves_inputs = (0,)

    def forward(self, backend, cond, a, b):
        xp = backend.xp
        self.shapes = (a.shape, b.shape)
        return xp.where(cond, a, b)

    def backward(self, g):
        (cond,) = self.saved_tensors
        sa, sb = self.shapes
        ga = sum_to(where(cond, g, 0.0), sa) if self.next_edges[1] is not None else None
        gb = sum_to(where(cond, 0.0, g), sb) if self.next_edges[2] is not None else None
        return None, ga, gb


def where(condition, input=None, other=None):
    """``where(cond, x, y)``: x where cond holds, else y; ``where(cond)`` is ``nonzero(as_tuple=True)``."""
    if input is None and other is None:
        from .indexing import nonzero

        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' must be Tensor, not {type(condition).__name__}")
    if condition.dtype is not D.bool_:
        condition = condition != 0
    ref = input if isinstance(input, Tensor) else other if isinstance(other, Tensor) else condition
    dt = promote(input, other) if (isinstance(input, Tensor) or isinstance(other, Tensor)) else \
        D.result_type([], [], [D.scalar_dtype(input), D.scalar_dtype(other)])
    a = cast(input, dt) if isinstance(input, Tensor) else _scalar_tensor(ref, input, dt)
    b = cast(other, dt) if isinstance(other, Tensor) else _scalar_tensor(ref, other, dt)
    check_same_device("where", condition, a, b)
    try:
        return Where.apply(condition, a, b)
    except ValueError:
        broadcast_shapes_checked("where", condition._data.shape, a._data.shape, b._data.shape)
        raise


def _scalar_tensor(ref, value, dt):
    backend = ref._device.backend
    return _make(backend.asarray(scalar_for(value, dt), backend.xp_dtype(dt.name), ref._device), ref._device)


# x.where(condition, y) takes its arguments in PyTorch's method order: bound by _tensor_methods
FAMILY.export(where, method=False)


# --------------------------------------------------------------------------- nan_to_num
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    from .compare import isnan

    xp = input._device.backend.xp
    if input.dtype.category != FLOAT:
        return input.clone()
    info = xp.finfo(input._data.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = where(isnan(input), nan, input)
    out = where(out == math.inf, posinf, out)
    return where(out == -math.inf, neginf, out)


FAMILY.export(nan_to_num, inplace=True)
