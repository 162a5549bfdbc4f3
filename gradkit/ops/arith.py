"""Binary arithmetic with PyTorch's type promotion, and the Python operators' fast path.

The family comes from ``TABLE``: one row per op gives its Node class, its function (with
promotion and argument checks), its Tensor method, its in-place variant and its export.
Binary ops take two tensors, or a tensor and a Python scalar (kept as a scalar: no array is
made for it).
"""
from __future__ import annotations

import math
import operator
from typing import Callable, NamedTuple

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node
from ._core import _out, broadcast_shapes_checked, cast, check_same_device, full_like_scalar, is_scalar, promote, \
    scalar_for, sum_to
from ._table import Family, class_name, op_class

_make = Tensor._make
_new = object.__new__
FLOAT = D.FLOAT
FAMILY = Family("arith")


class BinaryOp(Node):
    """``forward(a, b)`` on two arrays, or on an array and ``scalar`` (``reverse`` when the
    scalar is the left operand). The row's derivative computes the input gradients from
    ``operands()``; ``finish`` keeps the tensor ones, summed back to their shapes."""
    int_to_float = False  # true division: int / int gives the default float dtype
    op_name = ""
    bool_op = None  # the logical function this op is on two bools (add: logical_or), if it allows them

    # whether backward reads the tensor operand when the other one is a Python scalar
    # (True, False, or "reverse": only when the scalar is on the left, as in 2 / x)
    scalar_needs_tensor = True

    def forward(self, backend, a, b=None, scalar=None, reverse=False):
        if b is None:
            self.keep_scalar(scalar, reverse)
            return self.compute(backend.xp, scalar, a) if reverse else self.compute(backend.xp, a, scalar)
        self.keep_shapes(a, b)
        return self.compute(backend.xp, a, b)

    # what backward needs besides the saved tensors; fast_operator records through these too
    def keep_scalar(self, scalar, reverse):
        self.scalar, self.reverse = scalar, reverse
        needs = self.scalar_needs_tensor
        if needs is False or (needs == "reverse" and not reverse):
            self.saves_inputs = ()  # read by Node._record: x * 3 keeps no reference to x

    def keep_shapes(self, a, b):
        self.scalar, self.shapes = None, (a.shape, b.shape)

    def operands(self):
        saved = self.saved_tensors
        if self.scalar is None:
            return saved
        return (self.scalar, saved[0]) if self.reverse else (saved[0], self.scalar)

    def finish(self, ga, gb):
        if self.scalar is None:
            # an input that wants no gradient (a constant operand) costs no sum
            sa, sb = self.shapes
            edges = self.next_edges
            return (None if ga is None or edges[0] is None else sum_to(ga, sa),
                    None if gb is None or edges[1] is None else sum_to(gb, sb))
        return gb if self.reverse else ga

    def wants(self):
        """Which of (a, b) need a gradient."""
        if self.scalar is None:
            return self.next_edges[0] is not None, self.next_edges[1] is not None
        return (not self.reverse, self.reverse)

    @staticmethod
    def check(x, y, dt):
        pass

    @staticmethod
    def check_scalar(t, s, reverse):
        pass


def binary(cls, x, y):
    """Runs a BinaryOp on tensors and/or Python scalars with PyTorch's type promotion."""
    if isinstance(x, Tensor):
        if isinstance(y, Tensor):
            if x._device is not y._device:
                check_same_device(cls.op_name, x, y)
            dt = x.dtype
            if dt is not y.dtype or (cls.int_to_float and dt.category != FLOAT):
                dt = promote(x, y)
                if cls.int_to_float and dt.category != FLOAT:
                    dt = D.get_default_dtype()
                x, y = cast(x, dt), cast(y, dt)
            cls.check(x, y, dt)
            if dt is D.bool_ and cls.bool_op is not None:
                return _bool_binary(cls, x._data, y._data, x._device)
            try:
                return cls.apply(x, y)
            except ValueError:
                broadcast_shapes_checked(cls.op_name, x._data.shape, y._data.shape)
                raise
        tensor, scalar, reverse = x, y, False
    elif isinstance(y, Tensor):
        tensor, scalar, reverse = y, x, True
    else:
        raise TypeError(f"{cls.op_name}(): expected at least one Tensor, got {type(x).__name__} and {type(y).__name__}")
    kind = type(scalar)
    dt = tensor.dtype
    # fast path for the common case: a Python float or int that doesn't change the dtype
    if (kind is float and dt.category == FLOAT) or (kind is int and dt.category != D.BOOL and
                                                     (dt.category == FLOAT or not cls.int_to_float)):
        if kind is int and dt.category == FLOAT:
            scalar = float(scalar)
        cls.check_scalar(tensor, scalar, reverse)
        return cls.apply(tensor, scalar=scalar, reverse=reverse)
    if not is_scalar(scalar):
        raise TypeError(
            f"{cls.op_name}(): unsupported operand type {type(scalar).__name__} (expected a Tensor or a number)")
    if D.scalar_dtype(scalar).category > dt.category:
        dt = promote(tensor, scalar)
    if cls.int_to_float and dt.category != FLOAT:
        dt = D.get_default_dtype()
    if dt is not tensor.dtype:
        tensor = cast(tensor, dt)
    scalar = scalar_for(scalar, dt)
    cls.check_scalar(tensor, scalar, reverse)
    if dt is D.bool_ and cls.bool_op is not None:
        return _bool_binary(cls, tensor._data, scalar, tensor._device)
    return cls.apply(tensor, scalar=scalar, reverse=reverse)


def fast_operator(cls, general, reverse=False):
    """``Tensor.__mul__`` and friends. Arithmetic on float tensors is most of what a training
    step runs, so the common case -- two tensors of one floating dtype on one device, or a
    float tensor and a Python float or int -- skips binary()'s promotion and Node.apply's
    dispatch: it runs the row's Python operator on the arrays (what the op's forward
    computes) and records through the op's own ``keep_scalar``/``keep_shapes`` and
    ``Node._record``, so the node is the one binary() gives. Everything else (promotion,
    bools, ints, errors, other devices) goes to ``general``, the full operator. Only for rows
    whose kernel is a Python operator (add, sub, mul, div)."""
    array_op = cls.array_op
    by_id = D._by_id  # array dtype id -> (dtype object, gradkit dtype), filled by dtype_of_array

    def op(self, other):
        a = self._data
        dt = a.dtype
        hit = by_id.get(id(dt))
        if hit is not None and hit[1].category == FLOAT:
            kind = type(other)
            if kind is float or kind is int:
                s = float(other)
                out = array_op(s, a) if reverse else array_op(a, s)
                if self._requires_grad and is_grad_enabled_fast():
                    node = _new(cls)
                    node.keep_scalar(s, reverse)
                    return node._record((self,), out, self._device)
                return _make(out, self._device)
            if not reverse and (kind is Tensor or isinstance(other, Tensor)):
                b = other._data
                device = self._device
                if b.dtype is dt and other._device is device:
                    try:
                        out = array_op(a, b)
                    except ValueError:  # shapes that don't broadcast: the general path words the error
                        return general(self, other)
                    if (self._requires_grad or other._requires_grad) and is_grad_enabled_fast():
                        node = _new(cls)
                        node.keep_shapes(a, b)
                        return node._record((self, other), out, device)
                    return _make(out, device)
        return general(self, other)

    op.__name__ = general.__name__
    op.__doc__ = general.__doc__
    return op


def _bool_binary(cls, a, b, device):
    """+, *, maximum, minimum of bools are logical or/and, as in PyTorch (the array API has no
    arithmetic on bool arrays). Bool results carry no gradient, so no node is recorded."""
    xp = device.backend.xp
    if isinstance(b, bool):
        b = xp.full_like(a, b)
    return _make(getattr(xp, cls.bool_op)(a, b), device)


def scalars_as_arrays(xp, a, b):
    """For kernels with no scalar form in the array API (atan2, maximum, ...): a Python
    scalar operand becomes an array like the other one."""
    if isinstance(a, (int, float, bool)):
        a = xp.full_like(b, a)
    elif isinstance(b, (int, float, bool)):
        b = xp.full_like(a, b)
    return a, b


# --------------------------------------------------------------------------- the table
class BinaryRow(NamedTuple):
    """One binary op. ``kernel(xp, a, b)`` runs on arrays (one may be a Python scalar), or
    ``symbol`` names the Python operator it is; ``derivative(node, g)`` is the node's
    backward, written with gradkit ops."""
    name: str
    derivative: Callable
    kernel: Callable = None
    symbol: str = None
    saves: bool = True  # backward reads the operands
    scalar_needs_tensor: object = True  # see BinaryOp
    int_to_float: bool = False
    bool_op: str = None
    check: Callable = None  # check(x, y, dtype) before the op (PyTorch's refusals)
    check_scalar: Callable = None  # check_scalar(tensor, scalar, reverse)
    alpha: bool = False  # takes ``alpha=`` (other is scaled first), as add and sub do
    out: bool = True  # takes ``out=``
    aliases: tuple = ()
    inplace: bool = True
    grad_fn: str = None  # PyTorch's node name where it is not <Name>Backward0
    node_names: tuple = None  # (tensor op tensor, tensor op scalar, scalar op tensor), as pow's


OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def generate(row: BinaryRow, family: Family = FAMILY):
    """The Node class and the function of a row, registered in ``family``."""
    attrs = {"op_name": row.name, "int_to_float": row.int_to_float, "bool_op": row.bool_op,
             "scalar_needs_tensor": row.scalar_needs_tensor, "backward": row.derivative}
    if row.saves:
        attrs["saves_inputs"] = (0, 1)
    if row.symbol is not None:
        array_op = attrs["array_op"] = staticmethod(OPERATORS[row.symbol])
        attrs["compute"] = staticmethod(lambda xp, a, b: array_op(a, b))
    else:
        attrs["compute"] = staticmethod(row.kernel)
    if row.check is not None:
        attrs["check"] = staticmethod(row.check)
    if row.check_scalar is not None:
        attrs["check_scalar"] = staticmethod(row.check_scalar)
    if row.node_names is not None:
        pair_name, scalar_name, reverse_name = row.node_names

        def forward(self, backend, a, b=None, scalar=None, reverse=False):
            self._backward_name = pair_name if b is not None else reverse_name if reverse else scalar_name
            return BinaryOp.forward(self, backend, a, b, scalar, reverse)

        attrs["forward"] = forward
    cls = op_class(BinaryOp, class_name(row.name), attrs, row.grad_fn)
    fn = _function(cls, row)
    family.rows.append(row)
    family.export(fn, *row.aliases, inplace=row.inplace, symbol=row.symbol)
    return cls, fn


def _function(cls, row):
    if row.alpha:
        def fn(input, other, *, alpha=1, out=None):
            if alpha != 1:
                other = mul(other, alpha)
            return _out(binary(cls, input, other), out)
    elif row.out:
        def fn(input, other, *, out=None):
            return _out(binary(cls, input, other), out)
    else:
        def fn(input, other):
            return binary(cls, input, other)
    fn.__name__ = fn.__qualname__ = row.name
    fn.__doc__ = f"{row.name}(input, other): elementwise, with PyTorch's type promotion."
    return fn


# --------------------------------------------------------------------------- derivatives
def _d_add(node, g):
    return node.finish(g, g)


def _d_sub(node, g):
    wa, wb = node.wants()
    return node.finish(g if wa else None, -g if wb else None)


def _d_mul(node, g):
    if node.scalar is not None:
        return g * node.scalar
    a, b = node.operands()
    wa, wb = node.wants()
    return node.finish(g * b if wa else None, g * a if wb else None)


def _d_div(node, g):
    if node.scalar is not None and not node.reverse:
        return g / node.scalar
    a, b = node.operands()
    wa, wb = node.wants()
    return node.finish(g / b if wa else None, -g * a / (b * b) if wb else None)


def _d_floor_divide(node, g):
    raise RuntimeError("the derivative for 'floor_divide' is not implemented")


def _d_remainder(node, g):
    # Python's modulo: d/da = 1, d/db = -floor(a/b)
    a, b = node.operands()
    wa, wb = node.wants()
    return node.finish(g if wa else None, -g * (a / b).floor().detach() if wb else None)


def _d_pow(node, g):
    from .select import where

    a, b = node.operands()
    wa, wb = node.wants()
    ga = gb = None
    if wa:
        if isinstance(b, Tensor):
            # b * a**(b-1), with the PyTorch convention that the term is 0 where b == 0
            ga = g * where(b == 0, 0.0, b * a ** (b - 1))
        elif b == 0:
            ga = g * 0.0
        else:
            ga = g * (b * a ** (b - 1)) if b != 1 else g * 1.0
    if wb:
        # d(a**b)/db = a**b * log(a); PyTorch masks a == 0 (and b >= 0) to 0
        if isinstance(a, Tensor):
            gb = g * where((a == 0) & (b >= 0), 0.0, a ** b * a.log())
        elif a > 0:
            gb = g * (a ** b) * math.log(a)
        elif a == 0:  # PyTorch: 0 where b >= 0, else the result times log(0)
            gb = g * where(b >= 0, 0.0, a ** b * -math.inf)
        else:  # the log of a negative base: nan, as in PyTorch
            gb = g * (a ** b) * math.nan
    return node.finish(ga, gb)


def _d_atan2(node, g):
    from .select import where

    a, b = node.operands()
    wa, wb = node.wants()
    denom = a * a + b * b
    # PyTorch's gradient at the origin is 0 (1/denom masked where it is infinite)
    recip = where(denom == 0, 0.0, 1.0 / where(denom == 0, 1.0, denom))
    return node.finish(g * b * recip if wa else None, -g * a * recip if wb else None)


# --------------------------------------------------------------------------- kernels and checks
def _remainder_kernel(xp, a, b):
    a, b = scalars_as_arrays(xp, a, b)
    if xp.isdtype(a.dtype, "real floating"):
        return a - xp.floor(a / b) * b
    return xp.remainder(a, b)


def _atan2_kernel(xp, a, b):
    return xp.atan2(*scalars_as_arrays(xp, a, b))


def _no_bool_sub(x, y, dt):
    if dt is D.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")


def _no_int_zero_divisor(name):
    def check(x, y, dt):
        if dt.category != FLOAT and bool((y == 0).any()):
            raise RuntimeError(f"ZeroDivisionError: integer {name} by zero")

    def check_scalar(t, s, reverse):
        if not reverse and s == 0 and t.dtype.category != FLOAT:
            raise RuntimeError(f"ZeroDivisionError: integer {name} by zero")

    return check, check_scalar


# PyTorch's pow of a float tensor by a scalar exponent, rounded as PyTorch rounds it (CPU and
# CUDA kernels alike): squares and cubes by repeated multiplication ((x * x) * x), -2 as the
# reciprocal of the square, +-0.5 through sqrt. Other float32 exponents: PyTorch's CPU loop
# calls the double-precision pow and rounds once to float32, and so does this (NumPy's float32
# pow is off by one ulp in about one element in seven). PyTorch's vectorised loop over long
# contiguous runs uses SLEEF's powf instead, which differs from both in about 2% of elements
# by one ulp; PyTorch's own results for the same values then depend on layout (a strided
# tensor takes the scalar loop), and only a port of SLEEF would follow them.
_POW_SHORTCUTS = {
    3: lambda xp, a: a * a * a,
    -2: lambda xp, a: 1.0 / (a * a),
    0.5: lambda xp, a: xp.sqrt(a),
    -0.5: lambda xp, a: 1.0 / xp.sqrt(a),
}
_POW_NATIVE = (0, 1, 2, -1)  # x ** 2 is x * x, x ** -1 is 1 / x in every array library


def _pow_kernel(xp, a, b):
    # float16 is left to the library, which computes it in float32 as PyTorch does
    if type(b) in (int, float) and b not in _POW_NATIVE and not isinstance(a, (int, float)):
        single = a.dtype == xp.float32
        if single or a.dtype == xp.float64:
            shortcut = _POW_SHORTCUTS.get(b)
            if shortcut is not None:
                return shortcut(xp, a)
            if single:
                return xp.astype(xp.astype(a, xp.float64) ** b, xp.float32)
    return a ** b


def _no_negative_int_power(t, s, reverse):
    if not reverse and t.dtype.category == D.INT and s < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")


_floor_divide_checks = _no_int_zero_divisor("floor_divide")
_remainder_checks = _no_int_zero_divisor("remainder")

TABLE = (
    BinaryRow("add", _d_add, symbol="+", saves=False, bool_op="logical_or", alpha=True),
    BinaryRow("sub", _d_sub, symbol="-", saves=False, check=_no_bool_sub, alpha=True, aliases=("subtract",)),
    BinaryRow("mul", _d_mul, symbol="*", bool_op="logical_and", scalar_needs_tensor=False,
              aliases=("multiply",)),
    BinaryRow("div", _d_div, symbol="/", int_to_float=True, scalar_needs_tensor="reverse",
              aliases=("divide", "true_divide")),
    BinaryRow("floor_divide", _d_floor_divide, lambda xp, a, b: a // b, saves=False,
              check=_floor_divide_checks[0], check_scalar=_floor_divide_checks[1]),
    BinaryRow("remainder", _d_remainder, _remainder_kernel, check=_remainder_checks[0],
              check_scalar=_remainder_checks[1]),
    BinaryRow("pow", _d_pow, _pow_kernel, check_scalar=_no_negative_int_power,
              node_names=("PowBackward1", "PowBackward0", "PowBackward2")),
    BinaryRow("atan2", _d_atan2, _atan2_kernel, int_to_float=True, out=False, aliases=("arctan2",)),
)

(Add, add), (Sub, sub), (Mul, mul), (Div, _true_div), (FloorDivide, floor_divide), (Remainder, remainder), \
    (Pow, pow), (Atan2, atan2) = [generate(row) for row in TABLE]
subtract, multiply, arctan2 = sub, mul, atan2


# --------------------------------------------------------------------------- the hand-written rest
def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return _out(binary(Div, input, other), out)
    if rounding_mode == "floor":
        return _out(binary(FloorDivide, input, other), out)
    if rounding_mode == "trunc":
        if _is_float_op(input, other):
            return _out(binary(Div, input, other).trunc(), out)
        return _out(cast(binary(Div, input, other).trunc(), promote(input, other)), out)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


# div's rounding_mode= is its own signature: the row's function gives way to it
FAMILY.export(div, "divide", "true_divide", inplace=True, symbol="/")
divide = true_divide = div


def _is_float_op(x, y):
    return promote(x, y).category == FLOAT if isinstance(x, Tensor) or isinstance(y, Tensor) else True


def fmod(input, other):
    """C-style remainder: the result takes the dividend's sign."""
    from .select import where

    r = remainder(input, other)
    dividend = input if isinstance(input, Tensor) else full_like_scalar(r, input)
    fix = (r != 0) & ((r < 0) != (dividend < 0))
    return where(fix, r - other, r)


def float_power(input, exponent):
    return pow(cast(input, D.float64) if isinstance(input, Tensor) else float(input),
               cast(exponent, D.float64) if isinstance(exponent, Tensor) else exponent)


FAMILY.export(fmod, inplace=True)
FAMILY.export(float_power)
