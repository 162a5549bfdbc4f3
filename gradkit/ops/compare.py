"""Comparisons, logical and bitwise ops, NaN/inf tests, isclose/allclose/equal. None of
them is differentiable: they make plain tensors (no node).

Comparisons, logical and bitwise ops come from ``TABLE``: one row per op (its kind, the
array expression, aliases) gives the function, the Tensor method, ``x.name_()`` and the
export.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from .. import _dtype as D
from .._tensor import Tensor
from ._core import broadcast_shapes_checked, cast, check_same_device, full_like_scalar, is_scalar, promote, \
    scalar_for
from ._table import Family

_make = Tensor._make
FLOAT = D.FLOAT
FAMILY = Family("compare")


def _comparison(name, fn):
    def compare(input, other):
        if isinstance(input, Tensor) and isinstance(other, Tensor):
            if input._device is not other._device:
                check_same_device(name, input, other)
            if input.dtype is not other.dtype:
                dt = promote(input, other)
                input, other = cast(input, dt), cast(other, dt)
            a, b = input._data, other._data
            device = input._device
        elif isinstance(input, Tensor):
            if not is_scalar(other):
                return NotImplemented
            dt = promote(input, other)
            input = cast(input, dt)
            a, b, device = input._data, scalar_for(other, dt), input._device
        else:
            if not is_scalar(input):
                return NotImplemented
            dt = promote(input, other)
            other = cast(other, dt)
            a, b, device = scalar_for(input, dt), other._data, other._device
        try:
            return _make(fn(a, b), device)
        except ValueError:
            broadcast_shapes_checked(name, getattr(a, "shape", ()), getattr(b, "shape", ()))
            raise

    return compare


def _logical(name, fn_name):
    def logical(input, other):
        a, b = _bool_pair(name, input, other)
        xp = a._device.backend.xp
        return _make(getattr(xp, fn_name)(a._data, b._data), a._device)

    return logical


def _bool_pair(name, input, other):
    if not isinstance(input, Tensor):
        input = full_like_scalar(other, input)
    if not isinstance(other, Tensor):
        other = full_like_scalar(input, other)
    check_same_device(name, input, other)
    return cast(input, D.bool_), cast(other, D.bool_)


def _bitwise(name, op):
    def bitwise(input, other):
        if isinstance(input, Tensor) and input.dtype.category == FLOAT or \
                isinstance(other, Tensor) and other.dtype.category == FLOAT or isinstance(other, float):
            raise NotImplementedError(
                f"\"{name}\" not implemented for 'Float' (bitwise ops need bool or integer tensors)")
        x = input if isinstance(input, Tensor) else other
        dt = promote(input, other)
        a = cast(input, dt)._data if isinstance(input, Tensor) else scalar_for(input, dt)
        b = cast(other, dt)._data if isinstance(other, Tensor) else scalar_for(other, dt)
        if isinstance(input, Tensor) and isinstance(other, Tensor):
            check_same_device(name, input, other)
        return _make(op(a, b), x._device)

    return bitwise


class CompareRow(NamedTuple):
    """One binary op with a bool or integer result. ``kind``: "comparison" (promoted
    operands, ``expr(a, b)`` on arrays or scalars), "logical" (operands as bools, ``expr`` the
    array-API function's name), "bitwise" (bool or integer operands)."""
    name: str
    kind: str
    expr: object
    aliases: tuple = ()
    inplace: bool = True


_MAKERS: dict[str, Callable] = {"comparison": _comparison, "logical": _logical, "bitwise": _bitwise}

TABLE = (
    CompareRow("eq", "comparison", lambda a, b: a == b),
    CompareRow("ne", "comparison", lambda a, b: a != b, aliases=("not_equal",)),
    CompareRow("lt", "comparison", lambda a, b: a < b, aliases=("less",)),
    CompareRow("le", "comparison", lambda a, b: a <= b, aliases=("less_equal",)),
    CompareRow("gt", "comparison", lambda a, b: a > b, aliases=("greater",)),
    CompareRow("ge", "comparison", lambda a, b: a >= b, aliases=("greater_equal",)),
    CompareRow("logical_and", "logical", "logical_and"),
    CompareRow("logical_or", "logical", "logical_or"),
    CompareRow("logical_xor", "logical", "logical_xor"),
    CompareRow("bitwise_and", "bitwise", lambda a, b: a & b),
    CompareRow("bitwise_or", "bitwise", lambda a, b: a | b),
    CompareRow("bitwise_xor", "bitwise", lambda a, b: a ^ b),
)


def _generate(row: CompareRow):
    fn = _MAKERS[row.kind](row.name, row.expr)
    fn.__name__ = fn.__qualname__ = row.name
    fn.__doc__ = f"{row.name}(input, other): elementwise, a tensor of {'bools' if row.kind != 'bitwise' else 'bits'}."
    FAMILY.rows.append(row)
    FAMILY.export(fn, *row.aliases, inplace=row.inplace)
    return fn


eq, ne, lt, le, gt, ge, logical_and, logical_or, logical_xor, bitwise_and, bitwise_or, bitwise_xor = \
    [_generate(row) for row in TABLE]
less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne


# --------------------------------------------------------------------------- the unary ones
def logical_not(input):
    return _make(input._device.backend.xp.logical_not(cast(input, D.bool_)._data), input._device)


def bitwise_not(input):
    if input.dtype.category == FLOAT:
        raise NotImplementedError("\"bitwise_not\" not implemented for floating-point tensors")
    return _make(~input._data, input._device)


def isnan(input):
    return _make(input._device.backend.xp.isnan(input._data), input._device)


def isinf(input):
    return _make(input._device.backend.xp.isinf(input._data), input._device)


def isfinite(input):
    return _make(input._device.backend.xp.isfinite(input._data), input._device)


def _same_dtype(input, other):
    # PyTorch compares like with like: no promotion between float32 and float64 (or any pair)
    if isinstance(input, Tensor) and isinstance(other, Tensor) and input.dtype is not other.dtype:
        raise RuntimeError(f"{D.scalar_type_name(input.dtype)} did not match {D.scalar_type_name(other.dtype)}")


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    _same_dtype(input, other)
    diff = (input - other).abs()
    close = diff <= atol + rtol * other.abs()
    close = close | (input == other)
    if equal_nan:
        close = close | (isnan(input) & isnan(other))
    return close


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    if isinstance(input, Tensor) and input.dtype is D.bool_:  # booleans are close when equal
        _same_dtype(input, other)
        return bool((input == other).all())
    return bool(isclose(input, other, rtol, atol, equal_nan).all())  # (isclose checks the dtypes)


def equal(input, other) -> bool:
    return tuple(input.shape) == tuple(other.shape) and bool((input == other).all())


FAMILY.export(logical_not, inplace=True)
FAMILY.export(bitwise_not, inplace=True)
for _fn in (isnan, isinf, isfinite, isclose, allclose, equal):
    FAMILY.export(_fn)
