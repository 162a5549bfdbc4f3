"""Elementwise ops: arithmetic with PyTorch's promotion, unary math, comparisons.

Each op is a Node with the forward on arrays and the backward on Tensors. Binary ops take
two tensors, or a tensor and a Python scalar (kept as a scalar: no array is made for it).
"""
from __future__ import annotations

import math

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node, finish_op
from ._core import (NotDifferentiable, broadcast_shapes_checked, cast, check_same_device, is_scalar, promote,
                    scalar_for, sum_to)

_make = Tensor._make
_new = object.__new__
FLOAT = D.FLOAT


# --------------------------------------------------------------------------- binary ops
class BinaryOp(Node):
    """``forward(a, b)`` on two arrays, or on an array and ``scalar`` (``reverse`` when the
    scalar is the left operand). ``backward`` computes (grad_a, grad_b) from ``operands()``
    and ``finish`` keeps the tensor ones, summed back to their shapes."""
    int_to_float = False  # true division: int / int gives the default float dtype
    op_name = ""
    bool_op = None  # the logical function this op is on two bools (add: logical_or), if it allows them

    # whether backward reads the tensor operand when the other one is a Python scalar
    # (True, False, or "reverse": only when the scalar is on the left, as in 2 / x)
    scalar_needs_tensor = True

    def forward(self, backend, a, b=None, scalar=None, reverse=False):
        xp = backend.xp
        self.scalar = scalar
        if b is None:
            self.reverse = reverse
            needs = self.scalar_needs_tensor
            if needs is False or (needs == "reverse" and not reverse):
                self.saves_inputs = ()  # read by Node.apply: x * 3 keeps no reference to x
            return self.compute(xp, scalar, a) if reverse else self.compute(xp, a, scalar)
        self.shapes = (a.shape, b.shape)
        return self.compute(xp, a, b)

    def operands(self):
        saved = self.saved_tensors
        if self.scalar is None:
            return saved
        return (self.scalar, saved[0]) if self.reverse else (saved[0], self.scalar)

    def finish(self, ga, gb):
        if self.scalar is None:
            sa, sb = self.shapes
            return (None if ga is None else sum_to(ga, sa), None if gb is None else sum_to(gb, sb))
        return gb if self.reverse else ga

    def wants(self):
        """Which of (a, b) need a gradient."""
        if self.scalar is None:
            return self.next_edges[0] is not None, self.next_edges[1] is not None
        return (not self.reverse, self.reverse)


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


def fast_operator(cls, general, array_op, reverse=False):
    """``Tensor.__mul__`` and friends. Arithmetic on float tensors is most of what a training
    step runs, so the common case -- two tensors of one floating dtype on one device, or a
    float tensor and a Python float or int -- runs ``array_op`` on the arrays (what the op's
    compute does) and, when recording, keeps what BinaryOp.forward would keep and calls
    ``Node._record``: binary()'s promotion and Node.apply's generic plumbing are skipped. The
    node, saved tensors and values are those binary() gives; everything else (promotion,
    bools, ints, errors, other devices) goes to ``general``, the full operator. Only for the
    BinaryOps whose forward is plain ``compute`` (Add, Sub, Mul, Div)."""
    by_id = D._by_id  # array dtype id -> (dtype object, gradkit dtype), filled by dtype_of_array
    # when a scalar operand leaves backward nothing to read (BinaryOp.forward's narrowing)
    narrow_scalar = cls.scalar_needs_tensor is False
    narrow_forward = cls.scalar_needs_tensor == "reverse"

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
                    node.scalar, node.reverse = s, reverse  # what BinaryOp.forward keeps for a scalar
                    if narrow_scalar or (narrow_forward and not reverse):
                        node.saves_inputs = ()
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
                        node.scalar, node.shapes = None, (a.shape, b.shape)  # as BinaryOp.forward keeps them
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


class _Checks:
    @staticmethod
    def check(x, y, dt):
        pass

    @staticmethod
    def check_scalar(t, s, reverse):
        pass


class Add(_Checks, BinaryOp):
    op_name = "add"
    bool_op = "logical_or"

    def compute(self, xp, a, b):
        return a + b

    def backward(self, g):
        return self.finish(g, g)


class Sub(_Checks, BinaryOp):
    op_name = "sub"

    def compute(self, xp, a, b):
        return a - b

    @staticmethod
    def check(x, y, dt):
        if dt is D.bool_:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                               "Use the `^` or `logical_xor()` operator instead.")

    def backward(self, g):
        wa, wb = self.wants()
        return self.finish(g if wa else None, -g if wb else None)


class Mul(_Checks, BinaryOp):
    op_name = "mul"
    bool_op = "logical_and"
    saves_inputs = (0, 1)
    scalar_needs_tensor = False
    fresh_grads = True

    def compute(self, xp, a, b):
        return a * b

    def backward(self, g):
        if self.scalar is not None:
            return g * self.scalar
        a, b = self.operands()
        wa, wb = self.wants()
        return self.finish(g * b if wa else None, g * a if wb else None)


class Div(_Checks, BinaryOp):
    op_name = "div"
    int_to_float = True
    saves_inputs = (0, 1)
    scalar_needs_tensor = "reverse"
    fresh_grads = True

    def compute(self, xp, a, b):
        return a / b

    def backward(self, g):
        if self.scalar is not None and not self.reverse:
            return g / self.scalar
        a, b = self.operands()
        wa, wb = self.wants()
        ga = g / b if wa else None
        gb = -g * a / (b * b) if wb else None
        return self.finish(ga, gb)


class FloorDivide(_Checks, BinaryOp):
    op_name = "floor_divide"

    def compute(self, xp, a, b):
        return a // b

    @staticmethod
    def check(x, y, dt):
        if dt.category != FLOAT and bool((y == 0).any()):
            raise RuntimeError("ZeroDivisionError: integer floor_divide by zero")

    @staticmethod
    def check_scalar(t, s, reverse):
        if not reverse and s == 0 and t.dtype.category != FLOAT:
            raise RuntimeError("ZeroDivisionError: integer floor_divide by zero")

    def backward(self, g):
        raise RuntimeError("the derivative for 'floor_divide' is not implemented")


class Remainder(_Checks, BinaryOp):
    """Python's modulo: the result takes the divisor's sign. d/da = 1, d/db = -floor(a/b)."""
    op_name = "remainder"
    saves_inputs = (0, 1)
    fresh_grads = False

    def compute(self, xp, a, b):
        if isinstance(a, (int, float)):
            a = xp.full_like(b, a)
        elif isinstance(b, (int, float)):
            b = xp.full_like(a, b)
        if xp.isdtype(a.dtype, "real floating"):
            r = a - xp.floor(a / b) * b
            return r
        return xp.remainder(a, b)

    @staticmethod
    def check(x, y, dt):
        if dt.category != FLOAT and bool((y == 0).any()):
            raise RuntimeError("ZeroDivisionError: integer remainder by zero")

    @staticmethod
    def check_scalar(t, s, reverse):
        if not reverse and s == 0 and t.dtype.category != FLOAT:
            raise RuntimeError("ZeroDivisionError: integer remainder by zero")

    def backward(self, g):
        a, b = self.operands()
        wa, wb = self.wants()
        gb = None
        if wb:
            gb = -g * floor(a / b).detach()
        return self.finish(g if wa else None, gb)


class Pow(_Checks, BinaryOp):
    op_name = "pow"
    saves_inputs = (0, 1)
    fresh_grads = True

    def forward(self, backend, a, b=None, scalar=None, reverse=False):
        # PyTorch's nodes: x ** 2 PowBackward0, x ** y PowBackward1, 2 ** x PowBackward2
        if b is not None:
            self._backward_name = "PowBackward1"
        elif reverse:
            self._backward_name = "PowBackward2"
        return super().forward(backend, a, b, scalar, reverse)

    def compute(self, xp, a, b):
        return a ** b

    @staticmethod
    def check_scalar(t, s, reverse):
        if not reverse and t.dtype.category == D.INT and s < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")

    def backward(self, g):
        a, b = self.operands()
        wa, wb = self.wants()
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
                gb = g * where((a == 0) & (b >= 0), 0.0, a ** b * log(a))
            else:
                if a > 0:
                    gb = g * (a ** b) * math.log(a)
                elif a == 0:  # PyTorch: 0 where b >= 0, else the result times log(0)
                    gb = g * where(b >= 0, 0.0, a ** b * -math.inf)
                else:  # the log of a negative base: nan, as in PyTorch
                    gb = g * (a ** b) * math.nan
        return self.finish(ga, gb)


class Atan2(_Checks, BinaryOp):
    op_name = "atan2"
    saves_inputs = (0, 1)
    fresh_grads = True
    int_to_float = True

    def compute(self, xp, a, b):
        if isinstance(a, float):
            a = xp.full_like(b, a)
        elif isinstance(b, float):
            b = xp.full_like(a, b)
        return xp.atan2(a, b)

    def backward(self, g):
        a, b = self.operands()
        wa, wb = self.wants()
        denom = a * a + b * b
        # PyTorch's gradient at the origin is 0 (1/denom masked where it is infinite)
        recip = where(denom == 0, 0.0, 1.0 / where(denom == 0, 1.0, denom))
        return self.finish(g * b * recip if wa else None, -g * a * recip if wb else None)


class Maximum(_Checks, BinaryOp):
    """Ties split the gradient evenly between the two inputs, as in PyTorch."""
    op_name = "maximum"
    bool_op = "logical_or"
    saves_inputs = (0, 1)
    fresh_grads = True
    pick = "maximum"

    def compute(self, xp, a, b):
        if isinstance(a, (int, float, bool)):
            a = xp.full_like(b, a)
        elif isinstance(b, (int, float, bool)):
            b = xp.full_like(a, b)
        return getattr(xp, self.pick)(a, b)

    def backward(self, g):
        a, b = self.operands()
        wa, wb = self.wants()
        win = (a > b) if self.pick == "maximum" else (a < b)
        tie = a == b
        half = g * 0.5
        ga = where(win, g, where(tie, half, 0.0)) if wa else None
        gb = where(win | tie, where(tie, half, 0.0), g) if wb else None
        return self.finish(ga, gb)


class Minimum(Maximum):
    op_name = "minimum"
    bool_op = "logical_and"
    pick = "minimum"


def add(input, other, *, alpha=1, out=None):
    if alpha != 1:
        other = mul(other, alpha)
    return _out(binary(Add, input, other), out)


def sub(input, other, *, alpha=1, out=None):
    if alpha != 1:
        other = mul(other, alpha)
    return _out(binary(Sub, input, other), out)


subtract = sub


def mul(input, other, *, out=None):
    return _out(binary(Mul, input, other), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return _out(binary(Div, input, other), out)
    if rounding_mode == "floor":
        return _out(binary(FloorDivide, input, other), out)
    if rounding_mode == "trunc":
        return _out(trunc(binary(Div, input, other)) if _is_float_op(input, other) else _trunc_int_div(input, other),
                    out)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


divide = div
true_divide = div


def _is_float_op(x, y):
    return promote(x, y).category == FLOAT if isinstance(x, Tensor) or isinstance(y, Tensor) else True


def _trunc_int_div(x, y):
    q = binary(Div, x, y)
    return cast(trunc(q), promote(x, y))


def floor_divide(input, other, *, out=None):
    return _out(binary(FloorDivide, input, other), out)


def remainder(input, other, *, out=None):
    return _out(binary(Remainder, input, other), out)


def fmod(input, other):
    """C-style remainder: the result takes the dividend's sign."""
    r = remainder(input, other)
    fix = (r != 0) & ((r < 0) != (as_tensor_like(input, r) < 0))
    return where(fix, r - other, r)


def pow(input, exponent, *, out=None):
    return _out(binary(Pow, input, exponent), out)


def float_power(input, exponent):
    return pow(cast(input, D.float64) if isinstance(input, Tensor) else float(input),
               cast(exponent, D.float64) if isinstance(exponent, Tensor) else exponent)


def atan2(input, other):
    return binary(Atan2, input, other)


arctan2 = atan2


def maximum(input, other, *, out=None):
    return _out(binary(Maximum, input, other), out)


def minimum(input, other, *, out=None):
    return _out(binary(Minimum, input, other), out)


def fmax(input, other):
    return where(isnan(other), input, where(isnan(input), other, maximum(input, other)))


def fmin(input, other):
    return where(isnan(other), input, where(isnan(input), other, minimum(input, other)))


def as_tensor_like(x, ref):
    if isinstance(x, Tensor):
        return x
    return full_like_scalar(ref, x)


def full_like_scalar(ref, value):
    backend = ref._device.backend
    dt = D.scalar_dtype(value)
    return _make(backend.asarray(value, backend.xp_dtype(dt.name), ref._device), ref._device)


def _out(result, out):
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"out= must be a Tensor, got {type(out).__name__}")
    from .inplace import write_into

    write_into(out, result, "out=")
    return out


# --------------------------------------------------------------------------- unary ops
class UnaryOp(Node):
    float_only = True  # int inputs are promoted to the default float dtype (exp, log, ...)
    op_name = ""

    def forward(self, backend, a):
        return self.compute(backend.xp, a)


class BackendUnaryOp(UnaryOp):
    """A unary op whose forward is a backend kernel (named by ``kernel``), for ops a device
    computes its own way (exp rounded as PyTorch rounds it there)."""
    kernel = ""

    def forward(self, backend, a):
        return getattr(backend, self.kernel)(a)


def unary(cls, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{cls.op_name}(): argument 'input' must be Tensor, not {type(x).__name__}")
    if cls.float_only and x.dtype.category != FLOAT:
        x = cast(x, D.get_default_dtype())
    return cls.apply(x)


def _unary(name, compute, backward=None, saves_input=False, saves_output=False, float_only=True, fresh=True,
           array_backward=None):
    """A UnaryOp class. ``backward(self, g)`` is written with gradkit ops; ``array_backward(g,
    saved)``, where given, is the same arithmetic on the backend arrays (``saved``: the input
    or the output array, as saved), used when no graph is recorded (create_graph=False)."""
    attrs = {
        "op_name": name, "float_only": float_only, "fresh_grads": fresh,
        "saves_inputs": (0,) if saves_input else (), "saves_output": saves_output,
    }
    if isinstance(compute, str):  # the name of a backend kernel
        base, attrs["kernel"] = BackendUnaryOp, compute
    else:
        base, attrs["compute"] = UnaryOp, staticmethod(compute)
    if backward is None:
        backward = lambda self, g: g * 0.0  # noqa: E731
    if array_backward is not None:
        on_tensors = backward

        def backward(self, g):
            if is_grad_enabled_fast():
                return on_tensors(self, g)
            saved = self.saved_output_array() if saves_output else self.saved_tensors[0]._data
            return _make(array_backward(g._data, saved), g._device)

    attrs["backward"] = backward
    cls = type(name.capitalize().replace("_", ""), (base,), attrs)
    cls.__qualname__ = cls.__name__
    return cls


def _x(self):
    return self.saved_tensors[0]


Neg = _unary("neg", lambda xp, a: -a, lambda self, g: -g, float_only=False)
# rounded as PyTorch rounds it on the device (Backend.exp)
Exp = _unary("exp", "exp", lambda self, g: g * self.saved_output, saves_output=True,
             array_backward=lambda g, y: g * y)
Exp2 = _unary("exp2", lambda xp, a: 2.0 ** a, lambda self, g: g * self.saved_output * math.log(2.0),
              saves_output=True)
Expm1 = _unary("expm1", lambda xp, a: xp.expm1(a), lambda self, g: g * (self.saved_output + 1.0),
               saves_output=True)
Log = _unary("log", lambda xp, a: xp.log(a), lambda self, g: g / _x(self), saves_input=True,
             array_backward=lambda g, x: g / x)
Log2 = _unary("log2", lambda xp, a: xp.log2(a), lambda self, g: g / (_x(self) * math.log(2.0)), saves_input=True)
Log10 = _unary("log10", lambda xp, a: xp.log10(a), lambda self, g: g / (_x(self) * math.log(10.0)),
               saves_input=True)
Log1p = _unary("log1p", lambda xp, a: xp.log1p(a), lambda self, g: g / (_x(self) + 1.0), saves_input=True)
Sqrt = _unary("sqrt", lambda xp, a: xp.sqrt(a), lambda self, g: g / (2.0 * self.saved_output), saves_output=True)
Rsqrt = _unary("rsqrt", lambda xp, a: 1.0 / xp.sqrt(a),
               lambda self, g: g * (-0.5) * self.saved_output ** 3, saves_output=True)
Sin = _unary("sin", lambda xp, a: xp.sin(a), lambda self, g: g * cos(_x(self)), saves_input=True)
Cos = _unary("cos", lambda xp, a: xp.cos(a), lambda self, g: -g * sin(_x(self)), saves_input=True)
Tan = _unary("tan", lambda xp, a: xp.tan(a), lambda self, g: g * (1.0 + self.saved_output ** 2), saves_output=True)
Asin = _unary("asin", lambda xp, a: xp.asin(a), lambda self, g: g * rsqrt(1.0 - _x(self) ** 2), saves_input=True)
Acos = _unary("acos", lambda xp, a: xp.acos(a), lambda self, g: -g * rsqrt(1.0 - _x(self) ** 2), saves_input=True)
Atan = _unary("atan", lambda xp, a: xp.atan(a), lambda self, g: g / (1.0 + _x(self) ** 2), saves_input=True)
Sinh = _unary("sinh", lambda xp, a: xp.sinh(a), lambda self, g: g * cosh(_x(self)), saves_input=True)
Cosh = _unary("cosh", lambda xp, a: xp.cosh(a), lambda self, g: g * sinh(_x(self)), saves_input=True)
Tanh = _unary("tanh", lambda xp, a: xp.tanh(a), lambda self, g: g * (1.0 - self.saved_output ** 2),
              saves_output=True, array_backward=lambda g, y: g * (1.0 - y ** 2.0))


def _sigmoid(xp, a):
    # exp of a non-positive number only, so large |a| neither overflows nor warns
    e = xp.exp(-xp.abs(a))
    return xp.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


Sigmoid = _unary("sigmoid", _sigmoid, lambda self, g: g * self.saved_output * (1.0 - self.saved_output),
                 saves_output=True, array_backward=lambda g, y: g * y * (1.0 - y))


class Relu(UnaryOp):
    """max(x, 0), keeping NaN and -0. as PyTorch does; the gradient at 0 is 0."""
    op_name = "relu"
    float_only = False
    fresh_grads = True
    saves_output = True

    def forward(self, backend, a):
        return backend.relu(a)

    def backward(self, g):
        if not is_grad_enabled_fast():  # no graph recorded: the same rule on the arrays, by the backend
            return _make(g._device.backend.relu_backward(self.saved_output_array(), g._data), g._device)
        return where(self.saved_output <= 0, 0.0, g)


Abs = _unary("abs", lambda xp, a: xp.abs(a), lambda self, g: g * sign(_x(self)), saves_input=True, float_only=False)
Square = _unary("square", lambda xp, a: a * a, lambda self, g: g * (2.0 * _x(self)), saves_input=True,
                float_only=False)
Reciprocal = _unary("reciprocal", lambda xp, a: 1.0 / a, lambda self, g: -g * self.saved_output ** 2,
                    saves_output=True)
# piecewise-constant functions: zero gradient almost everywhere, as in PyTorch
Sign = _unary("sign", lambda xp, a: xp.sign(a), float_only=False)
Floor = _unary("floor", lambda xp, a: xp.floor(a), float_only=False)
Ceil = _unary("ceil", lambda xp, a: xp.ceil(a), float_only=False)
Trunc = _unary("trunc", lambda xp, a: xp.trunc(a), float_only=False)
Round = _unary("round", lambda xp, a: xp.round(a), float_only=False)
Frac = _unary("frac", lambda xp, a: a - xp.trunc(a), lambda self, g: g * 1.0)


def _relu_int_safe(x):
    return unary(Relu, x)


def neg(input):
    return unary(Neg, input)


negative = neg


def exp(input):
    return unary(Exp, input)


def exp2(input):
    return unary(Exp2, input)


def expm1(input):
    return unary(Expm1, input)


def log(input):
    return unary(Log, input)


def log2(input):
    return unary(Log2, input)


def log10(input):
    return unary(Log10, input)


def log1p(input):
    return unary(Log1p, input)


def sqrt(input):
    return unary(Sqrt, input)


def rsqrt(input):
    return unary(Rsqrt, input)


def sin(input):
    return unary(Sin, input)


def cos(input):
    return unary(Cos, input)


def tan(input):
    return unary(Tan, input)


def asin(input):
    return unary(Asin, input)


def acos(input):
    return unary(Acos, input)


def atan(input):
    return unary(Atan, input)


arcsin, arccos, arctan = asin, acos, atan


def sinh(input):
    return unary(Sinh, input)


def cosh(input):
    return unary(Cosh, input)


def tanh(input):
    return unary(Tanh, input)


def sigmoid(input):
    return unary(Sigmoid, input)


def relu(input):
    if isinstance(input, Tensor):  # Relu.apply, minus its generic dispatch (a layer of every MLP)
        device = input._device
        return finish_op(_new(Relu), (input,), device.backend.relu(input._data), device)
    return unary(Relu, input)


def abs(input):
    return unary(Abs, input)


absolute = abs


def square(input):
    return unary(Square, input)


def reciprocal(input):
    return unary(Reciprocal, input)


def sign(input):
    if input.dtype is D.bool_:
        return input.clone()
    return unary(Sign, input)


def floor(input):
    return input.clone() if input.dtype.category != FLOAT else unary(Floor, input)


def ceil(input):
    return input.clone() if input.dtype.category != FLOAT else unary(Ceil, input)


def trunc(input):
    return input.clone() if input.dtype.category != FLOAT else unary(Trunc, input)


fix = trunc


def round(input, *, decimals=0):
    if input.dtype.category != FLOAT:
        return input.clone()
    if decimals:
        scale = 10.0 ** decimals
        return unary(Round, input * scale) / scale
    return unary(Round, input)


def frac(input):
    return unary(Frac, input)


def positive(input):
    return input


# --------------------------------------------------------------------------- casting
class Cast(Node):
    def forward(self, backend, a, dtype):
        xp = backend.xp
        self.src = D.dtype_of_array(a)
        return xp.astype(a, getattr(xp, dtype.name))

    def backward(self, g):
        return cast(g, self.src)

    _backward_name = "ToCopyBackward0"


# --------------------------------------------------------------------------- clamp, where
class ClampScalar(Node):
    saves_inputs = (0,)
    fresh_grads = True
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
    fresh_grads = True
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


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


class Where(Node):
    fresh_grads = True
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


# --------------------------------------------------------------------------- comparisons & logic
def _compare(name, fn):
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

    compare.__name__ = name
    return compare


eq = _compare("eq", lambda a, b: a == b)
ne = _compare("ne", lambda a, b: a != b)
lt = _compare("lt", lambda a, b: a < b)
le = _compare("le", lambda a, b: a <= b)
gt = _compare("gt", lambda a, b: a > b)
ge = _compare("ge", lambda a, b: a >= b)
less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne


def _logical(name, fn_name):
    def logical(input, other):
        a, b = _bool_pair(name, input, other)
        xp = a._device.backend.xp
        return _make(getattr(xp, fn_name)(a._data, b._data), a._device)

    logical.__name__ = name
    return logical


def _bool_pair(name, input, other):
    if not isinstance(input, Tensor):
        input = full_like_scalar(other, input)
    if not isinstance(other, Tensor):
        other = full_like_scalar(input, other)
    check_same_device(name, input, other)
    return cast(input, D.bool_), cast(other, D.bool_)


logical_and = _logical("logical_and", "logical_and")
logical_or = _logical("logical_or", "logical_or")
logical_xor = _logical("logical_xor", "logical_xor")


def logical_not(input):
    return _make(input._device.backend.xp.logical_not(cast(input, D.bool_)._data), input._device)


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

    bitwise.__name__ = name
    return bitwise


bitwise_and = _bitwise("bitwise_and", lambda a, b: a & b)
bitwise_or = _bitwise("bitwise_or", lambda a, b: a | b)
bitwise_xor = _bitwise("bitwise_xor", lambda a, b: a ^ b)


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


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    diff = abs(input - other)
    close = diff <= atol + rtol * abs(other)
    close = close | (input == other)
    if equal_nan:
        close = close | (isnan(input) & isnan(other))
    return close


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other) -> bool:
    return tuple(input.shape) == tuple(other.shape) and bool((input == other).all())


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    xp = input._device.backend.xp
    if input.dtype.category != FLOAT:
        return input.clone()
    info = xp.finfo(input._data.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = where(isnan(input), nan, input)
    out = where(out == math.inf, posinf, out)
    return where(out == -math.inf, neginf, out)
