"""Shared plumbing for ops: device agreement, scalars, dtype promotion, broadcasting
gradients back to an input's shape."""
from __future__ import annotations

from numbers import Number

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node

_make = Tensor._make
FLOAT = D.FLOAT


def is_scalar(x) -> bool:
    return isinstance(x, Number) and not isinstance(x, Tensor)


def check_same_device(op: str, *tensors):
    device = tensors[0]._device
    for t in tensors[1:]:
        if t._device is not device:
            raise RuntimeError(
                f"Expected all tensors to be on the same device, but found at least two devices, {device} and "
                f"{t._device}! (when checking arguments for {op})")
    return device


def shape_arg(op, args, name="shape"):
    """A shape given as f(2, 3), f((2, 3)), f([2, 3]) or f(Size), as a tuple of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for a in args:
        if type(a) is not int:
            break
    else:  # plain ints (the usual call): nothing to convert or refuse
        return args
    out = []
    for a in args:
        if isinstance(a, Tensor):
            a = int(a)
        if not isinstance(a, int) or isinstance(a, bool):
            raise TypeError(f"{op}(): argument '{name}' must be a tuple of ints, but found element of type "
                            f"{type(a).__name__}")
        out.append(a)
    return tuple(out)


def expect_tensor(x, op: str, arg: str = "input") -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{arg}' must be Tensor, not {type(x).__name__}")
    return x


def scalar_for(value, dt: D.dtype):
    """A Python scalar of the kind the result dtype has, so that array-with-scalar
    operators stay within one kind (the array API leaves mixed kinds undefined)."""
    if dt.category == FLOAT:
        return float(value)
    if dt.category == D.INT:
        if isinstance(value, float):
            raise TypeError(f"cannot combine float scalar {value} with an integer result dtype {dt}")
        return int(value)
    return bool(value)


def cast(t: Tensor, dt: D.dtype) -> Tensor:
    """dtype conversion; differentiable between floating types."""
    if t.dtype is dt:
        return t
    if t._requires_grad and dt.category == FLOAT and t.dtype.category == FLOAT:
        return Cast.apply(t, dtype=dt)
    backend = t._device.backend
    out = _make(backend.xp.astype(t._data, backend.xp_dtype(dt.name)), t._device)
    return out


class Cast(Node):
    def forward(self, backend, a, dtype):
        xp = backend.xp
        self.src = D.dtype_of_array(a)
        return xp.astype(a, backend.xp_dtype(dtype.name))

    def backward(self, g):
        return cast(g, self.src)

    _backward_name = "ToCopyBackward0"


def full_like_scalar(ref: Tensor, value) -> Tensor:
    """A 0-d tensor holding a Python scalar (its own dtype, PyTorch's rules) on ref's device."""
    backend = ref._device.backend
    dt = D.scalar_dtype(value)
    return _make(backend.asarray(value, backend.xp_dtype(dt.name), ref._device), ref._device)


def _out(result: Tensor, out):
    """``out=``: the result written into ``out`` (returned), or the result itself."""
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"out= must be a Tensor, got {type(out).__name__}")
    from .inplace import write_into

    write_into(out, result, "out=")
    return out


def promote(x, y):
    """Result dtype of a binary op between tensors and/or Python scalars (PyTorch rules)."""
    dims, zeros, scalars = [], [], []
    for v in (x, y):
        if isinstance(v, Tensor):
            (dims if v._data.ndim else zeros).append(v.dtype)
        else:
            scalars.append(D.scalar_dtype(v))
    return D.result_type(dims, zeros, scalars)


def sum_to(g: Tensor, shape) -> Tensor:
    """Sums a broadcast gradient back to ``shape`` (the inverse of broadcasting)."""
    gshape = g._data.shape
    if gshape == shape:
        return g
    try:
        plan = _SUM_PLANS[gshape, shape]
    except KeyError:
        if len(_SUM_PLANS) >= _SUM_PLANS_KEPT:  # (shapes that change every step: keep the memory bounded)
            _SUM_PLANS.clear()
        plan = _SUM_PLANS[gshape, shape] = _sum_plan(gshape, tuple(shape))
    except TypeError:  # a shape given as a list
        plan = _sum_plan(gshape, tuple(shape))
    if plan is None:
        return g
    axes, lead, reshaped = plan
    if not is_grad_enabled_fast() and g.dtype in (D.float32, D.float64):
        # a plain backward: one reduction kernel, no ops to record
        device = g._device
        backend = device.backend
        out = backend.reduce_sum(g._data, axis=axes)
        return _make(backend.reshape(out, tuple(shape)) if reshaped else out, device)
    from .reduction import sum as _sum

    out = _sum(g, dim=axes, keepdim=True) if axes else g
    if lead:
        out = out.reshape(tuple(shape))
    return out


# (a gradient's shape, the shape to sum it to) -> sum_to's plan: a training step sums the same
# few shapes every step, and working out the axes costs more than the lookup
_SUM_PLANS = {}
_SUM_PLANS_KEPT = 4096


def _sum_plan(gshape, shape):
    """None where the shapes are one; else the axes to sum, the number of leading axes that
    ``shape`` lacks, and whether a sum without kept dims needs a reshape to ``shape`` (where
    ``shape`` has a 1 in a summed axis)."""
    if gshape == shape:
        return None
    lead = len(gshape) - len(shape)
    axes = _broadcast_axes(gshape, shape, lead)
    return axes, lead, len(gshape) - len(axes) != len(shape)


def _broadcast_axes(gshape, shape, lead):
    return tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)


def broadcast_shapes_checked(op, *shapes):
    ndim = max(len(s) for s in shapes)
    out = []
    for i in reversed(range(ndim)):  # from the last dim, so the first conflict reported is PyTorch's
        size = 1
        for s in shapes:
            k = i - (ndim - len(s))
            if k < 0:
                continue
            d = s[k]
            if d != 1:
                if size != 1 and size != d:
                    raise RuntimeError(
                        f"{op}: The size of tensor a ({size}) must match the "
                        f"size of tensor b ({d}) at non-singleton dimension {i}: shapes "
                        f"{' and '.join(str(list(s)) for s in shapes)} cannot be broadcast together")
                size = d
        out.append(size)
    return tuple(reversed(out))


class NotDifferentiable(Node):
    """Stands in the graph where PyTorch has no derivative (floor_divide, ...): the
    output requires grad, and backward says clearly which op has no derivative."""

    def backward(self, g):
        raise RuntimeError(f"the derivative for '{self.op}' is not implemented")


def grad_enabled():
    return is_grad_enabled_fast()


def named(out, name):
    """Gives ``out``'s node PyTorch's name for the call that made it (one Node class serves
    several calls: max() is MaxBackward1, amax() AmaxBackward0; x.unsqueeze(0) is
    UnsqueezeBackward0 though gradkit reshapes; scatter_add is an add)."""
    if out.grad_fn is not None:
        out.grad_fn._backward_name = name
    return out
