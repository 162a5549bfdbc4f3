"""The unary math family (exp, log, trig, rounding, ..., logit, erf, erfinv).

Every op comes from a row of ``TABLE``: its kernel, its derivative, what backward reads
(the input or the output), its dtype rule, PyTorch's node name where it differs, aliases,
and whether ``x.name_()`` exists. From the row come the Node class, the function, the Tensor
method, the in-place variant and gradkit's export; adding an op is one row, its derivative
and its tests.

A derivative is one definition. Most are written with gradkit ops: plain backward runs
them without recording, ``create_graph=True`` records them. The hot ones (tanh, sigmoid)
give a gradient op instead, a Node whose forward is a backend kernel and whose own backward
is written with ops (Chainer's ReLUGrad2): plain backward runs one kernel.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.node import Node
from ._core import cast
from ._gradient import GradientOp
from .nn.activation import relu
from ._table import Family, class_name, op_class
from .select import where

FLOAT = D.FLOAT
FAMILY = Family("unary")


class UnaryOp(Node):
    float_only = True  # int inputs are promoted to the default float dtype (exp, log, ...)
    op_name = ""

    def forward(self, backend, a):
        return self.compute(backend.xp, a)

    @property
    def saved_input(self):
        return self.saved_tensors[0]


class BackendUnaryOp(UnaryOp):
    """A unary op whose forward is a backend kernel (named by ``kernel``), for ops a device
    computes its own way (exp rounded as PyTorch rounds it there, erf, erfinv)."""
    kernel = ""

    def forward(self, backend, a):
        return getattr(backend, self.kernel)(a)


class ParamUnaryOp(UnaryOp):
    """A unary op with keyword parameters (logit's eps): forward keeps them on the node for
    the derivative, and passes them to the kernel."""

    def forward(self, backend, a, **params):
        self.__dict__.update(params)
        return self.compute(backend.xp, a, **params)


def unary(cls, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{cls.op_name}(): argument 'input' must be Tensor, not {type(x).__name__}")
    if cls.float_only and x.dtype.category != FLOAT:
        x = cast(x, D.get_default_dtype())
    return cls.apply(x)


def _zero_derivative(node, g):
    return g * 0.0


def _unary(name, compute, backward=None, saves_input=False, saves_output=False, float_only=True, grad_fn=None,
           base=None):
    """A UnaryOp class: ``compute(xp, a)`` on arrays, or the name of a backend kernel;
    ``backward(node, g)`` written with gradkit ops (zero where None: piecewise-constant ops)."""
    attrs = {"op_name": name, "float_only": float_only, "saves_inputs": (0,) if saves_input else (),
             "saves_output": saves_output, "backward": backward or _zero_derivative}
    if isinstance(compute, str):
        base, attrs["kernel"] = BackendUnaryOp, compute
    else:
        base, attrs["compute"] = base or UnaryOp, staticmethod(compute)
    return op_class(base, class_name(name), attrs, grad_fn)


# --------------------------------------------------------------------------- gradient ops
class TanhBackward(GradientOp):
    """tanh's gradient g * (1 - y^2), from tanh's output y."""
    kernel = "tanh_backward"
    saves_inputs = (0, 1)
    _backward_name = "TanhBackwardBackward0"

    def backward(self, gg):
        y, g = self.saved_tensors
        gy = -2.0 * gg * g * y if self.next_edges[0] is not None else None
        return gy, (gg * (1.0 - y * y) if self.next_edges[1] is not None else None)


class SigmoidBackward(GradientOp):
    """sigmoid's gradient g * y * (1 - y), from sigmoid's output y."""
    kernel = "sigmoid_backward"
    saves_inputs = (0, 1)
    _backward_name = "SigmoidBackwardBackward0"

    def backward(self, gg):
        y, g = self.saved_tensors
        gy = gg * g * (1.0 - 2.0 * y) if self.next_edges[0] is not None else None
        return gy, (gg * y * (1.0 - y) if self.next_edges[1] is not None else None)


# --------------------------------------------------------------------------- the table
class UnaryRow(NamedTuple):
    """One unary op. ``kernel(xp, a)`` on arrays, or the name of a backend kernel;
    ``derivative(node, g)`` gives the input's gradient (``node.saved_input`` or
    ``node.saved_output``, per ``saves``); ``dtype``: "float" (integers become the default
    float dtype), "same" (any dtype), "int_identity" (integers and bools come back as a
    copy: rounding), "bool_identity" (bools come back as a copy: sign)."""
    name: str
    kernel: object
    derivative: Callable = None
    saves: str = None  # "input", "output" or None
    dtype: str = "float"
    aliases: tuple = ()
    inplace: bool = True
    grad_fn: str = None  # PyTorch's node name where it is not <Name>Backward0
    function: Callable = None  # function(cls) -> the public function, where it has parameters
    params: bool = False  # the kernel takes keyword parameters (kept on the node)


def _generate(row: UnaryRow):
    base = ParamUnaryOp if row.params else None
    cls = _unary(row.name, row.kernel, row.derivative, saves_input=row.saves == "input",
                 saves_output=row.saves == "output", float_only=row.dtype == "float", grad_fn=row.grad_fn,
                 base=base)
    fn = row.function(cls) if row.function is not None else _function(cls, row)
    FAMILY.rows.append(row)
    FAMILY.export(fn, *row.aliases, inplace=row.inplace)
    return cls, fn


def _function(cls, row):
    if row.dtype in ("float", "same"):
        def fn(input):
            return unary(cls, input)
    else:
        # rounding an integer, or the sign of a bool, is the value itself
        keep = (D.INT, D.BOOL) if row.dtype == "int_identity" else (D.BOOL,)

        def fn(input):
            if isinstance(input, Tensor) and input.dtype.category in keep:
                return input.clone()
            return unary(cls, input)
    fn.__name__ = fn.__qualname__ = row.name
    fn.__doc__ = f"{row.name}(input): elementwise."
    return fn


_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0


def _logit_kernel(xp, a, eps=None):
    if eps is not None:
        a = xp.clip(a, eps, 1.0 - eps)
    return xp.log(a / (1.0 - a))


def _d_logit(node, g):
    # PyTorch: NaN outside [0, 1] without eps; with eps, 0 where the input was clamped
    x = node.saved_input
    eps = node.eps
    if eps is None:
        return where((x < 0.0) | (x > 1.0), math.nan, g / (x * (1.0 - x)))
    return where((x < eps) | (x > 1.0 - eps), 0.0, g / (x * (1.0 - x)))


def _logit_function(cls):
    def logit(input, eps=None):
        """log(p / (1 - p)); with ``eps``, p is clamped to [eps, 1 - eps] first."""
        if not isinstance(input, Tensor):
            raise TypeError(f"logit(): argument 'input' must be Tensor, not {type(input).__name__}")
        if input.dtype.category != FLOAT:
            input = cast(input, D.get_default_dtype())
        return cls.apply(input, eps=None if eps is None else float(eps))

    return logit


def _round_function(cls):
    def round(input, *, decimals=0):
        """Rounds half to even; with ``decimals``, at that decimal place."""
        if isinstance(input, Tensor) and input.dtype.category != FLOAT:
            return input.clone()
        if decimals:
            scale = 10.0 ** decimals
            return unary(cls, input * scale) / scale
        return unary(cls, input)

    return round


TABLE = (
    UnaryRow("neg", lambda xp, a: -a, lambda n, g: -g, dtype="same", aliases=("negative",)),
    # rounded as PyTorch rounds it on the device (Backend.exp)
    UnaryRow("exp", "exp", lambda n, g: g * n.saved_output, "output"),
    UnaryRow("exp2", lambda xp, a: 2.0 ** a, lambda n, g: g * n.saved_output * _LN2, "output"),
    UnaryRow("expm1", lambda xp, a: xp.expm1(a), lambda n, g: g * (n.saved_output + 1.0), "output"),
    UnaryRow("log", lambda xp, a: xp.log(a), lambda n, g: g / n.saved_input, "input"),
    UnaryRow("log2", lambda xp, a: xp.log2(a), lambda n, g: g / (n.saved_input * _LN2), "input"),
    UnaryRow("log10", lambda xp, a: xp.log10(a), lambda n, g: g / (n.saved_input * _LN10), "input"),
    UnaryRow("log1p", lambda xp, a: xp.log1p(a), lambda n, g: g / (n.saved_input + 1.0), "input",
             grad_fn="Log1PBackward0"),
    UnaryRow("sqrt", lambda xp, a: xp.sqrt(a), lambda n, g: g / (2.0 * n.saved_output), "output"),
    UnaryRow("rsqrt", lambda xp, a: 1.0 / xp.sqrt(a), lambda n, g: g * (-0.5) * n.saved_output ** 3, "output"),
    UnaryRow("sin", lambda xp, a: xp.sin(a), lambda n, g: g * n.saved_input.cos(), "input"),
    UnaryRow("cos", lambda xp, a: xp.cos(a), lambda n, g: -g * n.saved_input.sin(), "input"),
    UnaryRow("tan", lambda xp, a: xp.tan(a), lambda n, g: g * (1.0 + n.saved_output ** 2), "output"),
    UnaryRow("asin", lambda xp, a: xp.asin(a), lambda n, g: g * (1.0 - n.saved_input ** 2).rsqrt(), "input",
             aliases=("arcsin",)),
    UnaryRow("acos", lambda xp, a: xp.acos(a), lambda n, g: -g * (1.0 - n.saved_input ** 2).rsqrt(), "input",
             aliases=("arccos",)),
    UnaryRow("atan", lambda xp, a: xp.atan(a), lambda n, g: g / (1.0 + n.saved_input ** 2), "input",
             aliases=("arctan",)),
    UnaryRow("sinh", lambda xp, a: xp.sinh(a), lambda n, g: g * n.saved_input.cosh(), "input"),
    UnaryRow("cosh", lambda xp, a: xp.cosh(a), lambda n, g: g * n.saved_input.sinh(), "input"),
    UnaryRow("tanh", lambda xp, a: xp.tanh(a), lambda n, g: TanhBackward.run(n.saved_output, g), "output"),
    UnaryRow("sigmoid", "sigmoid", lambda n, g: SigmoidBackward.run(n.saved_output, g), "output"),
    UnaryRow("abs", lambda xp, a: xp.abs(a), lambda n, g: g * n.saved_input.sign(), "input", dtype="same",
             aliases=("absolute",)),
    UnaryRow("square", lambda xp, a: a * a, lambda n, g: g * (2.0 * n.saved_input), "input", dtype="same",
             grad_fn="PowBackward0"),
    UnaryRow("reciprocal", lambda xp, a: 1.0 / a, lambda n, g: -g * n.saved_output ** 2, "output"),
    # piecewise-constant functions: zero gradient almost everywhere, as in PyTorch
    UnaryRow("sign", lambda xp, a: xp.sign(a), dtype="bool_identity"),
    UnaryRow("floor", lambda xp, a: xp.floor(a), dtype="int_identity"),
    UnaryRow("ceil", lambda xp, a: xp.ceil(a), dtype="int_identity"),
    UnaryRow("trunc", lambda xp, a: xp.trunc(a), dtype="int_identity", aliases=("fix",)),
    UnaryRow("round", lambda xp, a: xp.round(a), dtype="int_identity", function=_round_function),
    UnaryRow("frac", lambda xp, a: a - xp.trunc(a), lambda n, g: g * 1.0),
    UnaryRow("logit", _logit_kernel, _d_logit, "input", function=_logit_function, params=True),
    UnaryRow("erf", "erf", lambda n, g: g * ((-(n.saved_input * n.saved_input)).exp() * _TWO_OVER_SQRT_PI),
             "input"),
    UnaryRow("erfinv", "erfinv", lambda n, g: g * ((n.saved_output * n.saved_output).exp() * _SQRT_PI_OVER_TWO),
             "output"),
)

((Neg, neg), (Exp, exp), (Exp2, exp2), (Expm1, expm1), (Log, log), (Log2, log2), (Log10, log10), (Log1p, log1p),
 (Sqrt, sqrt), (Rsqrt, rsqrt), (Sin, sin), (Cos, cos), (Tan, tan), (Asin, asin), (Acos, acos), (Atan, atan),
 (Sinh, sinh), (Cosh, cosh), (Tanh, tanh), (Sigmoid, sigmoid), (Abs, abs), (Square, square),
 (Reciprocal, reciprocal), (Sign, sign), (Floor, floor), (Ceil, ceil), (Trunc, trunc), (Round, round), (Frac, frac),
 (Logit, logit), (Erf, erf), (Erfinv, erfinv)) = [_generate(row) for row in TABLE]
negative, arcsin, arccos, arctan, absolute, fix = neg, asin, acos, atan, abs, trunc


def positive(input):
    return input


FAMILY.export(positive)


# relu is a layer's op with a gradient op of its own (ops/nn/activation); exported with the family
FAMILY.export(relu, inplace=True)
