"""In-place ops. The result is computed out of place and written into the tensor's
storage, so ``id(x)``, views and NumPy arrays sharing that storage all see it; the version
counter is bumped so that saved tensors notice. When recording, the tensor's history is
rebased onto the new node, as PyTorch does."""
from __future__ import annotations

import operator

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node, _anomaly_or_capture
from ._view_record import rebase_view
from ._table import Family

FAMILY = Family("inplace")

_make = Tensor._make


def check_inplace(x: Tensor, op: str):
    if is_grad_enabled_fast() and x._requires_grad:
        if x.grad_fn is None:
            raise RuntimeError(
                f"a leaf Variable that requires grad is being used in an in-place operation ({op}, shape "
                f"{list(x.shape)}). Wrap the update in 'with gradkit.no_grad():' or use an out-of-place op.")
        base = x._base
        if base is not None and base.grad_fn is None and base._requires_grad:
            raise RuntimeError(
                f"a view of a leaf Variable that requires grad is being used in an in-place operation ({op}).")


def _check_result(x: Tensor, result: Tensor, op: str):
    if result._data.shape != x._data.shape:
        raise RuntimeError(
            f"{op}: output with shape {list(x.shape)} doesn't match the broadcast shape {list(result.shape)}")
    rd, xd = result.dtype, x.dtype
    if rd is not xd and not D.can_cast(rd, xd):
        raise RuntimeError(f"{op}: result type {_kind(rd)} can't be cast to the desired output type {_kind(xd)}")


def _kind(dt):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}[dt.name]


def store(x: Tensor, array) -> None:
    """Writes ``array`` (broadcastable, any dtype) into x's storage."""
    backend = x._device.backend
    xp = backend.xp
    if array.dtype != x._data.dtype:
        array = xp.astype(array, x._data.dtype)
    writable(x)
    x._data[...] = array
    written(x)


def written(*tensors: Tensor) -> None:
    """What an in-place write does besides writing: each tensor's version moves (so graphs
    that saved it refuse to use it), and anomaly mode hears of it."""
    for x in tensors:
        x._version[0] += 1
        if _anomaly_or_capture[0]:
            note_inplace(x)


def note_inplace(x: Tensor) -> None:
    """Anomaly mode: remember the source line of this in-place write (autograd.anomaly)."""
    from ..autograd.anomaly import note_inplace as note

    note(x)


def writable(x: Tensor) -> None:
    """NumPy gives 0-d results as immutable scalars (np.float32, ...): before writing into
    one, give the tensor a 0-d array (nothing else can share a scalar's storage)."""
    if not hasattr(x._data, "__setitem__"):
        x._data = x._device.backend.xp.asarray(x._data)


def inplace(x: Tensor, compute, op: str):
    """Runs ``compute(x_before) -> Tensor`` and makes x hold the result, recording the
    change in the graph when gradients flow through it."""
    check_inplace(x, op)
    if not is_grad_enabled_fast():
        result = compute(x)
        _check_result(x, result, op)
        store(x, result._data)
        return x
    # the op may save its input for backward, and x's storage is about to change: give it
    # a snapshot that keeps x's place in the graph
    xp = x._device.backend.xp
    before = _make(xp.asarray(x._data, copy=True), x._device, x._requires_grad, x.grad_fn, x._output_nr)
    result = compute(before)
    _check_result(x, result, op)
    store(x, result._data)
    if result.grad_fn is not None:
        if result.dtype is not x.dtype:
            from ._core import cast

            result = cast(result, x.dtype)
        x.grad_fn = result.grad_fn
        x._output_nr = result._output_nr
        x._requires_grad = True
    elif x.grad_fn is not None:
        # overwritten by values that depend on nothing differentiable: history ends here
        x.grad_fn = None
        x._requires_grad = False
    if x._base is not None:
        rebase_view(x, result)
    return x


def write_into(out: Tensor, result: Tensor, op: str):
    """``out=``: the result's values land in out (its history is replaced by result's)."""
    if out._data.shape != result._data.shape:
        raise RuntimeError(f"{op}: expected out tensor to have shape {list(result.shape)}, got {list(out.shape)}")
    check_inplace(out, op)
    store(out, result._data)
    if result.grad_fn is not None and is_grad_enabled_fast():
        out.grad_fn = result.grad_fn
        out._output_nr = result._output_nr
        out._requires_grad = True
    return out


def fast_binary_inplace(x: Tensor, other, op_symbol: str, op: str, fn):
    """``x op= other`` outside recording: one in-place kernel on the array when dtypes and
    shapes allow it (the optimizer's hot path), else the general route, ``fn(x, other)``
    written into x."""
    if is_grad_enabled_fast() and (x._requires_grad or getattr(other, "_requires_grad", False)):
        return inplace(x, lambda before: fn(before, other), op)
    if isinstance(other, Tensor):
        if other._device is not x._device:
            from ._core import check_same_device

            check_same_device(op, x, other)
        od, xd = other._data, x._data
        # equal array dtype objects answer without gradkit dtype lookups (the optimizer's case)
        same = od.dtype is xd.dtype or other.dtype is x.dtype
        ok = (same or (other.dtype.category < x.dtype.category and op_symbol != "/")) and \
            not (op_symbol == "-" and x.dtype is D.bool_)  # bool - bool: Sub.check raises PyTorch's error
        if ok and (od.shape == xd.shape or len(od.shape) <= len(xd.shape) and _fits(od.shape, xd.shape)):
            if not same:
                od = x._device.backend.xp.astype(od, xd.dtype)
            writable(x)
            _IN_PLACE[op_symbol](x._data, od)
            x._version[0] += 1
            if _anomaly_or_capture[0]:
                note_inplace(x)
            return x
    elif isinstance(other, (int, float)) and not isinstance(other, bool):
        cat = D.scalar_dtype(other).category
        xd = x.dtype
        if cat <= xd.category and not (op_symbol == "/" and xd.category != D.FLOAT):
            writable(x)
            _IN_PLACE[op_symbol](x._data, float(other) if xd.category == D.FLOAT else other)
            x._version[0] += 1
            if _anomaly_or_capture[0]:
                note_inplace(x)
            return x
    return inplace(x, lambda before: fn(before, other), op)


def fast_scaled_inplace(x: Tensor, other, alpha, op_symbol: str, op: str, compute):
    """``x.add_(other, alpha=a)`` / ``x.sub_(other, alpha=a)`` outside recording: one axpy
    kernel on the arrays (no scaled temporary) when other matches x's device, dtype and shape
    and x is floating, else the general route."""
    if isinstance(other, Tensor) and isinstance(alpha, (int, float)) and not isinstance(alpha, bool) and \
            (not is_grad_enabled_fast() or not (x._requires_grad or other._requires_grad)) and \
            other._device is x._device and other.dtype is x.dtype and x.dtype.category == D.FLOAT and \
            other._data.shape == x._data.shape:
        if x._requires_grad and x.grad_fn is None and is_grad_enabled_fast():
            check_inplace(x, op)
        writable(x)
        x._device.backend.axpy_(x._data, float(alpha) if op_symbol == "+" else -float(alpha), other._data)
        written(x)
        return x
    return inplace(x, compute, op)


def _fits(small, big):
    lead = len(big) - len(small)
    return all(s == 1 or s == big[i + lead] for i, s in enumerate(small))


# the arrays' own in-place operators (each returns the array it wrote)
_IN_PLACE = {"+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv}


class Fill(Node):
    """x filled with a value (a Python scalar, or a one-element tensor ``v``): no gradient
    reaches x's old values; ``v`` gets the sum of the incoming gradient."""
    _backward_name = "FillBackward0"

    def forward(self, backend, a, v=None, scalar=0):
        xp = backend.xp
        out = xp.full_like(a, scalar)
        return out if v is None else out + xp.astype(xp.reshape(v, ()), a.dtype)

    def backward(self, g):
        from .creation import zeros_like

        ga = zeros_like(g) if self.next_edges[0] is not None else None
        if len(self.next_edges) == 1:
            return ga
        return ga, (g.sum() if self.next_edges[1] is not None else None)


class Zero(Fill):
    _backward_name = "ZeroBackward0"


def zero_(x: Tensor) -> Tensor:
    check_inplace(x, "zero_")
    if x._requires_grad and is_grad_enabled_fast():  # a non-leaf (leaves were refused): record it
        return inplace(x, lambda old: Zero.apply(old), "zero_")
    writable(x)
    xp = x._device.backend.xp
    x._data[...] = xp.zeros((), dtype=x._data.dtype, device=x._data.device) if hasattr(x._data, "device") else 0
    x._version[0] += 1
    if _anomaly_or_capture[0]:
        note_inplace(x)
    return x


FAMILY.export(zero_, export=False)


def fill_(x: Tensor, value) -> Tensor:
    check_inplace(x, "fill_")
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dims")
        if is_grad_enabled_fast() and (value._requires_grad or x._requires_grad):
            from ._core import check_same_device

            check_same_device("fill_", x, value)
            return inplace(x, lambda old: Fill.apply(old, value), "fill_")
        value = value.item()
    from ._core import scalar_for

    xd = x.dtype
    if isinstance(value, float) and xd.category != D.FLOAT:
        value = int(value)
    if x._requires_grad and is_grad_enabled_fast():  # a non-leaf (leaves were refused): record it
        return inplace(x, lambda old: Fill.apply(old, scalar=value), "fill_")
    writable(x)
    x._data[...] = scalar_for(value, xd)
    x._version[0] += 1
    if _anomaly_or_capture[0]:
        note_inplace(x)
    return x


FAMILY.export(fill_, export=False)


def fill_diagonal_(x: Tensor, fill_value, wrap=False) -> Tensor:
    """Writes ``fill_value`` on the main diagonal (all indices equal); a tall matrix with
    ``wrap`` starts the diagonal again every ``columns + 1`` elements, as PyTorch does."""
    from . import creation

    shape = tuple(x.shape)
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    if len(shape) == 2 and wrap and shape[0] > shape[1] + 1:
        rows, cols = shape
        flat = creation.arange(0, rows * cols, cols + 1, device=x.device)
        index = (flat // cols, flat % cols)
    else:
        diagonal = creation.arange(min(shape), device=x.device)
        index = (diagonal,) * len(shape)
    x[index] = fill_value
    return x


FAMILY.export(fill_diagonal_, export=False)


def copy_(x: Tensor, src, non_blocking=False) -> Tensor:
    from ._core import cast, check_same_device

    if not isinstance(src, Tensor):
        from .creation import tensor

        src = tensor(src, device=x.device)
    if src._device is not x._device:
        src = src.to(x.device)
    check_same_device("copy_", x, src)
    try:
        target = src.expand(x.shape) if src._data.shape != x._data.shape else src
    except RuntimeError:
        raise RuntimeError(f"copy_: the source of shape {list(src.shape)} can't be broadcast to the destination shape "
                           f"{list(x.shape)}") from None

    def compute(old):
        return cast(target, x.dtype)

    if not is_grad_enabled_fast() or not (x._requires_grad or src._requires_grad):
        check_inplace(x, "copy_")
        store(x, target._data)
        return x
    return inplace(x, compute, "copy_")


FAMILY.export(copy_, export=False)
