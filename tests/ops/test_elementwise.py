"""Elementwise ops: forward values against NumPy, float64 gradcheck + gradgradcheck on every
device, operator/reflected/in-place forms, PyTorch's values at the kinks, comparisons and
logical ops."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values, const, grads_of, signed

# Ops whose backward is not itself differentiable (no gradgradcheck), with the reason.
# Every elementwise backward in gradkit is written with gradkit ops, so this list is empty;
# floor_divide has no derivative at all (as in PyTorch) and is tested for that separately.
FIRST_ORDER_ONLY: list[tuple[str, str]] = []
_FIRST_ORDER = {name for name, _ in FIRST_ORDER_ONLY}


# --------------------------------------------------------------------------- inputs
def _domain(kind, device, shape=(2, 3), seed=0):
    """Test inputs for a domain, chosen away from every kink and singularity."""
    if kind == "any":
        return rand64(*shape, device=device, seed=seed)
    if kind == "pos":
        return rand64(*shape, device=device, low=0.3, high=2.0, seed=seed)
    if kind == "unit":  # inside (-1, 1), away from the ends (asin, acos)
        return rand64(*shape, device=device, low=-0.8, high=0.8, seed=seed)
    if kind == "nonzero":  # |x| in [0.2, 1], both signs
        return signed(*shape, device=device, seed=seed)
    if kind == "frac":  # fractional part in [0.1, 0.4]: away from integers and halves
        base = rand64(*shape, device=device, low=0.1, high=0.4, requires_grad=False, seed=seed)
        offsets = const(np.arange(math.prod(shape)).reshape(shape) - 2.0, device)
        return (base + offsets).detach().requires_grad_()
    raise ValueError(kind)


# --------------------------------------------------------------------------- unary ops
# name, gradkit function, NumPy reference, input domain
UNARY = [
    ("neg", gk.neg, np.negative, "any"),
    ("abs", gk.abs, np.abs, "nonzero"),
    ("exp", gk.exp, np.exp, "any"),
    ("exp2", gk.exp2, np.exp2, "any"),
    ("expm1", gk.expm1, np.expm1, "any"),
    ("log", gk.log, np.log, "pos"),
    ("log2", gk.log2, np.log2, "pos"),
    ("log10", gk.log10, np.log10, "pos"),
    ("log1p", gk.log1p, np.log1p, "any"),
    ("sqrt", gk.sqrt, np.sqrt, "pos"),
    ("rsqrt", gk.rsqrt, lambda a: 1 / np.sqrt(a), "pos"),
    ("sin", gk.sin, np.sin, "any"),
    ("cos", gk.cos, np.cos, "any"),
    ("tan", gk.tan, np.tan, "any"),
    ("asin", gk.asin, np.arcsin, "unit"),
    ("acos", gk.acos, np.arccos, "unit"),
    ("atan", gk.atan, np.arctan, "any"),
    ("sinh", gk.sinh, np.sinh, "any"),
    ("cosh", gk.cosh, np.cosh, "any"),
    ("tanh", gk.tanh, np.tanh, "any"),
    ("sigmoid", gk.sigmoid, lambda a: 1 / (1 + np.exp(-a)), "any"),
    ("relu", gk.relu, lambda a: np.maximum(a, 0), "nonzero"),
    ("square", gk.square, np.square, "any"),
    ("reciprocal", gk.reciprocal, np.reciprocal, "nonzero"),
    ("sign", gk.sign, np.sign, "nonzero"),
    ("floor", gk.floor, np.floor, "frac"),
    ("ceil", gk.ceil, np.ceil, "frac"),
    ("round", gk.round, np.round, "frac"),
    ("trunc", gk.trunc, np.trunc, "frac"),
    ("frac", gk.frac, lambda a: a - np.trunc(a), "frac"),
]
UNARY_IDS = [u[0] for u in UNARY]
ZERO_GRAD = {"sign", "floor", "ceil", "round", "trunc"}


@pytest.mark.parametrize("name,fn,ref,dom", UNARY, ids=UNARY_IDS)
def test_unary_values(device, name, fn, ref, dom):
    x = _domain(dom, device)
    y = fn(x)
    assert_values(y, ref(host(x)), dtype=gk.float64)
    assert y.requires_grad and y.grad_fn is not None


@pytest.mark.parametrize("name,fn,ref,dom", UNARY, ids=UNARY_IDS)
def test_unary_grads(device, name, fn, ref, dom):
    x = _domain(dom, device)
    check_grads(fn, (x,), second_order=name not in _FIRST_ORDER)


@pytest.mark.parametrize("name", sorted(ZERO_GRAD))
def test_piecewise_constant_ops_have_zero_grad(device, name):
    x = _domain("frac", device)
    (g,) = grads_of(getattr(gk, name), x)
    assert_values(g, np.zeros((2, 3)))


@pytest.mark.parametrize("name,fn,ref,dom", UNARY, ids=UNARY_IDS)
def test_unary_method_matches_function(device, name, fn, ref, dom):
    x = _domain(dom, device, seed=3)
    assert_values(getattr(x, name)(), host(fn(x)))


@pytest.mark.parametrize("name", ["neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu",
                                  "square", "reciprocal", "rsqrt", "log1p"])
def test_unary_inplace_on_nonleaf(device, name):
    x = _domain("pos", device)
    ref = getattr(gk, name)

    def f(x):
        y = x * 1.0
        before = id(y)
        out = getattr(y, name + "_")()
        assert out is y and id(y) == before
        return y

    assert_values(f(x), host(ref(x)))
    check_grads(f, (x,))


@pytest.mark.parametrize("name,dtype,expected", [
    ("exp", gk.int64, gk.float32), ("sqrt", gk.int64, gk.float32), ("sigmoid", gk.int32, gk.float32),
    ("log", gk.bool, gk.float32), ("abs", gk.int64, gk.int64), ("neg", gk.int64, gk.int64),
    ("sign", gk.int64, gk.int64), ("relu", gk.int64, gk.int64), ("square", gk.int64, gk.int64),
    ("floor", gk.int64, gk.int64), ("round", gk.int32, gk.int32), ("reciprocal", gk.int64, gk.float32),
    ("exp", gk.float64, gk.float64),
])
def test_unary_dtype(device, name, dtype, expected):
    # verified against torch 2.13: int inputs of float-valued functions become float32
    x = gk.tensor([1, 2, 3], device=device).to(dtype)
    assert getattr(gk, name)(x).dtype == expected


def test_round_half_to_even_and_decimals(device):
    x = const([0.5, 1.5, 2.5, -0.5, -1.5], device)
    assert_values(gk.round(x), [0.0, 2.0, 2.0, -0.0, -2.0])
    y = const([1.2345, 2.5555], device)
    assert_values(gk.round(y, decimals=2), [1.23, 2.56], rtol=1e-12)


def test_sigmoid_saturates_without_nan(device):
    x = const([-1000.0, -30.0, 0.0, 30.0, 1000.0], device, dtype=gk.float32)
    assert_values(gk.sigmoid(x), [0.0, 1 / (1 + np.exp(30.0)), 0.5, 1 / (1 + np.exp(-30.0)), 1.0], rtol=1e-6)


def test_relu_keeps_nan_and_negative_zero(device):
    # torch.relu(nan) is nan, torch.relu(-0.) is -0.
    y = host(gk.relu(const([math.nan, -0.0, -1.0, 2.0], device)))
    assert math.isnan(y[0]) and y[1] == 0 and math.copysign(1, y[1]) == -1.0
    assert y[2:].tolist() == [0.0, 2.0]


# --------------------------------------------------------------------------- binary ops
# name, function of (a, b), NumPy reference, domain of a, domain of b
BINARY = [
    ("add", lambda a, b: a + b, np.add, "any", "any"),
    ("sub", lambda a, b: a - b, np.subtract, "any", "any"),
    ("mul", lambda a, b: a * b, np.multiply, "any", "any"),
    ("div", lambda a, b: a / b, np.divide, "any", "nonzero"),
    ("pow", lambda a, b: a ** b, np.power, "pos", "any"),
    ("remainder", lambda a, b: a % b, np.mod, "any", "nonzero"),
    ("fmod", gk.fmod, np.fmod, "any", "nonzero"),
    ("atan2", gk.atan2, np.arctan2, "nonzero", "nonzero"),
    ("maximum", gk.maximum, np.maximum, "any", "any"),
    ("minimum", gk.minimum, np.minimum, "any", "any"),
    ("add_alpha", lambda a, b: gk.add(a, b, alpha=2.5), lambda a, b: a + 2.5 * b, "any", "any"),
    ("sub_alpha", lambda a, b: gk.sub(a, b, alpha=0.5), lambda a, b: a - 0.5 * b, "any", "any"),
    ("fmax", gk.fmax, np.fmax, "any", "any"),
    ("fmin", gk.fmin, np.fmin, "any", "any"),
    ("float_power", gk.float_power, np.float_power, "pos", "any"),
    ("max(a, b)", gk.max, np.maximum, "any", "any"),
    ("min(a, b)", lambda a, b: a.min(b), np.minimum, "any", "any"),
]
BINARY_IDS = [b[0] for b in BINARY]
SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((3,), ())]
SHAPE_IDS = ["same", "row", "outer", "0d-left", "0d-right"]


def _pair(dom_a, dom_b, sa, sb, device):
    a = _domain(dom_a, device, shape=sa, seed=1)
    b = _domain(dom_b, device, shape=sb, seed=2)
    return a, b


@pytest.mark.parametrize("sa,sb", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("name,fn,ref,da,db", BINARY, ids=BINARY_IDS)
def test_binary_values(device, name, fn, ref, da, db, sa, sb):
    a, b = _pair(da, db, sa, sb, device)
    assert_values(fn(a, b), ref(host(a), host(b)), dtype=gk.float64, rtol=1e-12)


@pytest.mark.parametrize("sa,sb", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("name,fn,ref,da,db", BINARY, ids=BINARY_IDS)
def test_binary_grads(device, name, fn, ref, da, db, sa, sb):
    a, b = _pair(da, db, sa, sb, device)
    check_grads(fn, (a, b), second_order=name not in _FIRST_ORDER)


@pytest.mark.parametrize("name,fn,ref,da,db", BINARY[:10], ids=BINARY_IDS[:10])
def test_binary_grad_one_side_only(device, name, fn, ref, da, db):
    """Only one operand requires grad: the other gets no .grad and the result is still right."""
    a, b = _pair(da, db, (2, 3), (3,), device)
    b.requires_grad_(False)
    check_grads(fn, (a, b))
    a2, b2 = _pair(da, db, (2, 3), (3,), device)
    a2.requires_grad_(False)
    check_grads(fn, (a2, b2))
    fn(a2, b2).sum().backward()
    assert a2.grad is None and b2.grad is not None and b2.grad.shape == b2.shape


# tensor-with-Python-scalar forms: (name, f(tensor), NumPy reference, domain)
SCALAR_FORMS = [
    ("x+s", lambda x: x + 0.7, lambda a: a + 0.7, "any"),
    ("s+x", lambda x: 0.7 + x, lambda a: 0.7 + a, "any"),
    ("x-s", lambda x: x - 2, lambda a: a - 2, "any"),
    ("s-x", lambda x: 2 - x, lambda a: 2 - a, "any"),
    ("x*s", lambda x: x * 1.5, lambda a: a * 1.5, "any"),
    ("s*x", lambda x: 3 * x, lambda a: 3 * a, "any"),
    ("x/s", lambda x: x / 4, lambda a: a / 4, "any"),
    ("s/x", lambda x: 1.5 / x, lambda a: 1.5 / a, "nonzero"),
    ("x**s", lambda x: x ** 1.7, lambda a: a ** 1.7, "pos"),
    ("x**2", lambda x: x ** 2, lambda a: a ** 2, "any"),
    ("x**-1", lambda x: x ** -1, lambda a: a ** -1.0, "nonzero"),
    ("s**x", lambda x: 1.7 ** x, lambda a: 1.7 ** a, "any"),
    ("x%s", lambda x: x % 0.3, lambda a: np.mod(a, 0.3), "any"),
    ("s%x", lambda x: 2.3 % x, lambda a: np.mod(2.3, a), "nonzero"),
    ("pow(x,s)", lambda x: gk.pow(x, 3), lambda a: a ** 3, "any"),
    ("atan2(x,s)", lambda x: gk.atan2(x, 0.5), lambda a: np.arctan2(a, 0.5), "any"),
    ("maximum(x,s)", lambda x: gk.clamp(x, min=0.1), lambda a: np.maximum(a, 0.1), "any"),
    ("-x", lambda x: -x, np.negative, "any"),
    ("abs(x)", lambda x: abs(x), np.abs, "nonzero"),
    ("+x", lambda x: +x * 1.0, lambda a: a, "any"),
]


@pytest.mark.parametrize("name,fn,ref,dom", SCALAR_FORMS, ids=[s[0] for s in SCALAR_FORMS])
def test_scalar_operand_forms(device, name, fn, ref, dom):
    x = _domain(dom, device, seed=4)
    assert_values(fn(x), ref(host(x)), dtype=gk.float64, rtol=1e-12)
    check_grads(fn, (x,))


def test_ndarray_operand_reaches_reflected_op():
    x = gk.tensor([1.0, 2.0])
    for y in (np.array([3.0, 4.0]) * x, np.array([3.0, 4.0]) + x, np.array([3.0, 4.0]) - x):
        assert isinstance(y, gk.Tensor)
    assert_values(np.array([3.0, 4.0]) - x, [2.0, 2.0])


def test_floor_divide_values_and_no_derivative(device):
    a = const([7.0, -7.0, 7.5, -7.5], device, requires_grad=True)
    b = const([2.0, 2.0, -2.0, 2.0], device)
    q = a // b
    assert_values(q, np.floor_divide(host(a), host(b)))
    assert_values(gk.floor_divide(a, 2), [3.0, -4.0, 3.0, -4.0])
    assert_values(7 // const([2.0, -2.0], device), [3.0, -4.0])
    assert q.requires_grad
    with pytest.raises(RuntimeError, match="derivative for 'floor_divide' is not implemented"):
        q.sum().backward()


def test_integer_division_and_remainder_follow_python(device):
    a = gk.tensor([7, -7, 7, -7], device=device)
    b = gk.tensor([2, 2, -2, -2], device=device)
    assert_values(a // b, np.floor_divide([7, -7, 7, -7], [2, 2, -2, -2]), dtype=gk.int64)
    assert_values(a % b, np.mod([7, -7, 7, -7], [2, 2, -2, -2]), dtype=gk.int64)
    assert_values(gk.fmod(a, b), np.fmod([7, -7, 7, -7], [2, 2, -2, -2]), dtype=gk.int64)
    assert_values(gk.div(a, b, rounding_mode="trunc"), [3, -3, -3, 3], dtype=gk.int64)
    assert_values(gk.div(a, b, rounding_mode="floor"), [3, -4, -4, 3], dtype=gk.int64)
    assert_values(5 % gk.tensor([3, -3], device=device), [2, -1], dtype=gk.int64)
    assert_values(gk.div(const([7.0, -7.0], device), 2, rounding_mode="trunc"), [3.0, -3.0])


def test_integer_division_by_zero_raises(device):
    a = gk.tensor([1, 2], device=device)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        a // 0
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        a % gk.tensor([1, 0], device=device)


def test_float_division_by_zero_gives_inf_nan(device):
    y = host(const([1.0, -1.0, 0.0], device) / 0.0)
    assert y[0] == math.inf and y[1] == -math.inf and math.isnan(y[2])


# --------------------------------------------------------------------------- in-place forms
INPLACE = [
    ("+=", lambda y, b: y.__iadd__(b), np.add, "any"),
    ("-=", lambda y, b: y.__isub__(b), np.subtract, "any"),
    ("*=", lambda y, b: y.__imul__(b), np.multiply, "any"),
    ("/=", lambda y, b: y.__itruediv__(b), np.divide, "nonzero"),
    ("**=", lambda y, b: y.__ipow__(b), np.power, "any"),
    ("%=", lambda y, b: y.__imod__(b), np.mod, "nonzero"),
    ("add_", lambda y, b: y.add_(b), np.add, "any"),
    ("add_alpha", lambda y, b: y.add_(b, alpha=2.0), lambda a, b: a + 2 * b, "any"),
    ("sub_", lambda y, b: y.sub_(b), np.subtract, "any"),
    ("mul_", lambda y, b: y.mul_(b), np.multiply, "any"),
    ("div_", lambda y, b: y.div_(b), np.divide, "nonzero"),
    ("pow_", lambda y, b: y.pow_(b), np.power, "any"),
    ("maximum_", lambda y, b: y.maximum_(b), np.maximum, "any"),
    ("minimum_", lambda y, b: y.minimum_(b), np.minimum, "any"),
]


@pytest.mark.parametrize("name,op,ref,db", INPLACE, ids=[i[0] for i in INPLACE])
def test_inplace_binary_on_nonleaf(device, name, op, ref, db):
    """y op= b on a non-leaf y: same object, new values, gradients to both y's inputs and b."""
    a = _domain("pos", device, shape=(2, 3), seed=5)
    b = _domain(db, device, shape=(3,), seed=6)

    def f(a, b):
        y = a * 1.0
        before, version = id(y), y._version_number
        out = op(y, b)
        assert out is y and id(y) == before and y._version_number > version
        return y

    assert_values(f(a, b), ref(host(a), host(b)), rtol=1e-12)
    check_grads(f, (a, b))


@pytest.mark.parametrize("name,op,ref,db", INPLACE[:6], ids=[i[0] for i in INPLACE[:6]])
def test_inplace_binary_with_scalar_and_no_grad(device, name, op, ref, db):
    x = _domain("pos", device).detach()
    expected = ref(host(x), 1.5)
    before = id(x)
    op(x, 1.5)
    assert id(x) == before
    assert_values(x, expected, rtol=1e-12)


def test_inplace_on_leaf_requiring_grad_raises(device):
    x = rand64(2, 3, device=device)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x += 1.0
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.mul_(2.0)
    with gk.no_grad():
        x += 1.0  # allowed outside grad mode
    assert x.requires_grad and x.is_leaf


def test_inplace_integer_tensor_cannot_hold_float_result(device):
    x = gk.tensor([1, 2, 3], device=device)
    with pytest.raises(RuntimeError, match="can't be cast"):
        x += 2.5
    x *= 2
    assert_values(x, [2, 4, 6], dtype=gk.int64)
    with pytest.raises(RuntimeError, match="can't be cast"):
        x /= 2


def test_inplace_broadcast_must_fit_target(device):
    x = gk.zeros(3, dtype=gk.float64, device=device)
    with pytest.raises(RuntimeError):
        x += gk.ones(2, 3, dtype=gk.float64, device=device)


# --------------------------------------------------------------------------- clamp, where
CLAMPS = [
    ("min-max", lambda x: gk.clamp(x, -0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5)),
    ("min", lambda x: x.clamp(min=-0.2), lambda a: np.maximum(a, -0.2)),
    ("max", lambda x: x.clamp(max=0.3), lambda a: np.minimum(a, 0.3)),
    ("clip", lambda x: x.clip(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5)),
    ("clamp_min", lambda x: x.clamp_min(0.1), lambda a: np.maximum(a, 0.1)),
    ("clamp_max", lambda x: gk.clamp_max(x, 0.1), lambda a: np.minimum(a, 0.1)),
    ("int-bounds", lambda x: x.clamp(0, 1), lambda a: np.clip(a, 0, 1)),
]


@pytest.mark.parametrize("name,fn,ref", CLAMPS, ids=[c[0] for c in CLAMPS])
def test_clamp_scalar_bounds(device, name, fn, ref):
    x = _domain("any", device, shape=(3, 4), seed=7)
    assert_values(fn(x), ref(host(x)), dtype=gk.float64)
    check_grads(fn, (x,))


def test_clamp_tensor_bounds(device):
    x = _domain("any", device, shape=(2, 3), seed=8)
    lo = rand64(3, device=device, low=-0.6, high=-0.1, seed=9)
    hi = rand64(2, 1, device=device, low=0.1, high=0.6, seed=10)
    assert_values(gk.clamp(x, lo, hi), np.minimum(np.maximum(host(x), host(lo)), host(hi)))
    check_grads(lambda x, lo, hi: gk.clamp(x, lo, hi), (x, lo, hi))
    check_grads(lambda x, lo: x.clamp(min=lo), (x, lo))
    check_grads(lambda x, hi: x.clamp(max=hi), (x, hi))
    # a tensor bound with a scalar bound
    check_grads(lambda x, lo: gk.clamp(x, lo, 0.4), (x, lo))


def test_clamp_inplace_on_nonleaf(device):
    x = _domain("any", device, shape=(2, 3), seed=11)

    def f(x):
        y = x * 2.0
        y.clamp_(-0.5, 0.5)
        return y

    assert_values(f(x), np.clip(2 * host(x), -0.5, 0.5))
    check_grads(f, (x,))


def test_clamp_min_above_max_gives_max(device):
    x = const([0.0, 0.5, 1.0], device)
    assert_values(x.clamp(0.8, 0.2), [0.2, 0.2, 0.2])
    assert_values(x.clamp(const([0.8], device), const([0.2], device)), [0.2, 0.2, 0.2])


def test_clamp_needs_a_bound(device):
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max'"):
        gk.clamp(gk.ones(2, device=device))


@pytest.mark.parametrize("form", ["tensors", "scalar-other", "scalar-input", "broadcast"])
def test_where(device, form):
    x = _domain("any", device, shape=(2, 3), seed=12)
    y = _domain("any", device, shape=(2, 3), seed=13)
    cond = const([[True, False, True], [False, False, True]], device, dtype=gk.bool)
    c, a, b = host(cond), host(x), host(y)
    if form == "tensors":
        fn, expected, inputs = (lambda x, y: gk.where(cond, x, y)), np.where(c, a, b), (x, y)
    elif form == "scalar-other":
        fn, expected, inputs = (lambda x: gk.where(cond, x, 0.5)), np.where(c, a, 0.5), (x,)
    elif form == "scalar-input":
        fn, expected, inputs = (lambda y: gk.where(cond, -1.0, y)), np.where(c, -1.0, b), (y,)
    else:
        row = rand64(3, device=device, seed=14)
        fn, expected, inputs = (lambda x, r: x.where(cond, r)), np.where(c, a, host(row)), (x, row)
    assert_values(fn(*inputs), expected)
    check_grads(fn, inputs)


def test_where_promotion_and_single_argument_form(device):
    cond = gk.tensor([1, 0, 2], device=device) != 0
    out = gk.where(cond, gk.tensor([1, 2, 3], device=device), 0.5)
    assert_values(out, [1.0, 0.5, 3.0], dtype=gk.float32)
    xs = gk.where(cond > 0)
    assert len(xs) == 1 and host(xs[0]).tolist() == [0, 2]


def test_masked_where_grad_matches_torch(device):
    # torch: d/dx where(x > 0, x, y) = [1, 0], d/dy = [0, 1]
    x = const([1.0, -1.0], device, requires_grad=True)
    y = const([2.0, 0.5], device, requires_grad=True)
    gx, gy = grads_of(lambda x, y: gk.where(x > 0, x, y), x, y)
    assert_values(gx, [1.0, 0.0])
    assert_values(gy, [0.0, 1.0])


# --------------------------------------------------------------------------- kinks (PyTorch's values)
# Each expected gradient was produced by torch 2.13 on the same inputs.
KINKS = [
    ("relu'(0)=0", lambda x: x.relu(), [[-1.0, 0.0, 2.0]], [[0.0, 0.0, 1.0]]),
    ("abs'(0)=0", lambda x: x.abs(), [[-1.0, 0.0, 2.0]], [[-1.0, 0.0, 1.0]]),
    ("sign'=0", lambda x: x.sign(), [[-1.0, 0.0, 2.0]], [[0.0, 0.0, 0.0]]),
    ("sqrt'(0)=inf", lambda x: x.sqrt(), [[0.0, 4.0]], [[math.inf, 0.25]]),
    ("pow(x,0.5)'(0)=inf", lambda x: x ** 0.5, [[0.0, 4.0]], [[math.inf, 0.25]]),
    ("pow(x,0)'=0", lambda x: x ** 0, [[0.0, 2.0]], [[0.0, 0.0]]),
    ("pow(x,2)'(0)=0", lambda x: x ** 2.0, [[0.0, 2.0]], [[0.0, 4.0]]),
    ("pow(0,y)'=0", lambda y: 0.0 ** y, [[0.0, 2.0]], [[0.0, 0.0]]),
    ("clamp passes at bounds", lambda x: x.clamp(0.0, 1.0), [[-1.0, 0.0, 0.5, 1.0, 2.0]],
     [[0.0, 1.0, 1.0, 1.0, 0.0]]),
    ("clamp_min at bound", lambda x: x.clamp(min=0.0), [[-1.0, 0.0, 0.5]], [[0.0, 1.0, 1.0]]),
    ("clamp_max at bound", lambda x: x.clamp(max=0.0), [[-1.0, 0.0, 0.5]], [[1.0, 1.0, 0.0]]),
    ("maximum ties split", lambda a, b: gk.maximum(a, b), [[1.0, 2.0, 3.0], [1.0, 1.0, 4.0]],
     [[0.5, 1.0, 0.0], [0.5, 0.0, 1.0]]),
    ("minimum ties split", lambda a, b: gk.minimum(a, b), [[1.0, 2.0, 3.0], [1.0, 1.0, 4.0]],
     [[0.5, 0.0, 1.0], [0.5, 1.0, 0.0]]),
    ("pow(x,y) at x=0", lambda x, y: x ** y, [[0.0, 0.0, 2.0], [0.0, 2.0, 3.0]],
     [[0.0, 0.0, 12.0], [0.0, 0.0, 8 * math.log(2.0)]]),
    ("clamp tensor bounds at bounds", lambda x, lo, hi: x.clamp(lo, hi),
     [[-1.0, 0.0, 0.5, 1.0, 2.0, 0.5], [0.0, 0.0, 0.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 0.0]],
     [[0.0, 1.0, 1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0, 1.0]]),
    ("remainder grads", lambda a, b: a % b, [[7.5, -7.5], [2.0, 2.0]], [[1.0, 1.0], [-3.0, 4.0]]),
    ("fmod grads", lambda a, b: gk.fmod(a, b), [[7.5, -7.5], [2.0, 2.0]], [[1.0, 1.0], [-3.0, 3.0]]),
    ("frac'=1", lambda x: x.frac(), [[-1.5, 0.0, 2.25]], [[1.0, 1.0, 1.0]]),
    ("atan2 at the origin", lambda a, b: gk.atan2(a, b), [[0.0, 1.0], [0.0, 1.0]], [[0.0, 0.5], [0.0, -0.5]]),
    ("pow(negative scalar, y)' is nan", lambda y: (-2.0) ** y, [[2.0, 3.0]], [[math.nan, math.nan]]),
    ("clamp(min > max) gives max", lambda x: x.clamp(0.8, 0.2), [[0.0, 0.5, 1.0]], [[0.0, 0.0, 0.0]]),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name,fn,inputs,expected", KINKS, ids=[k[0] for k in KINKS])
def test_grad_at_kink_matches_torch(device, name, fn, inputs, expected):
    ts = [const(v, device, requires_grad=True) for v in inputs]
    grads = grads_of(fn, *ts)
    for g, e in zip(grads, expected):
        assert_values(g, e)


def test_maximum_tie_with_0d_tensor(device):
    x = const([1.0, 2.0, 0.0], device, requires_grad=True)
    s = const(1.0, device, requires_grad=True)
    gx, gs = grads_of(gk.maximum, x, s)
    assert_values(gx, [0.5, 1.0, 0.0])
    assert_values(gs, 1.5)


# --------------------------------------------------------------------------- comparisons, logic
COMPARISONS = [
    ("eq", gk.eq, lambda a, b: a == b, np.equal),
    ("ne", gk.ne, lambda a, b: a != b, np.not_equal),
    ("lt", gk.lt, lambda a, b: a < b, np.less),
    ("le", gk.le, lambda a, b: a <= b, np.less_equal),
    ("gt", gk.gt, lambda a, b: a > b, np.greater),
    ("ge", gk.ge, lambda a, b: a >= b, np.greater_equal),
]


@pytest.mark.parametrize("name,fn,op,ref", COMPARISONS, ids=[c[0] for c in COMPARISONS])
def test_comparisons(device, name, fn, op, ref):
    a = const([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], device, requires_grad=True)
    b = const([2.0, 2.0, 2.0], device)
    ha, hb = host(a), host(b)
    for out, expected in [
        (fn(a, b), ref(ha, hb)), (op(a, b), ref(ha, hb)), (getattr(a, name)(b), ref(ha, hb)),
        (op(a, 2), ref(ha, 2)), (op(2.0, a), ref(2.0, ha)),  # reflected: 2.0 < a is a > 2.0
        (op(gk.tensor([1, 2, 3], device=device), const([1.0, 2.5, 3.0], device)),
         ref(np.array([1, 2, 3]), np.array([1.0, 2.5, 3.0]))),
    ]:
        assert out.dtype == gk.bool
        assert not out.requires_grad and out.grad_fn is None
        assert_values(out, expected)


def test_comparison_broadcast_error(device):
    with pytest.raises(RuntimeError, match="must match"):
        gk.ones(2, 3, device=device) < gk.ones(2, device=device)


LOGICAL = [
    ("logical_and", gk.logical_and, np.logical_and),
    ("logical_or", gk.logical_or, np.logical_or),
    ("logical_xor", gk.logical_xor, np.logical_xor),
    ("&", lambda a, b: a & b, np.logical_and),
    ("|", lambda a, b: a | b, np.logical_or),
    ("^", lambda a, b: a ^ b, np.logical_xor),
]


@pytest.mark.parametrize("name,fn,ref", LOGICAL, ids=[n[0] for n in LOGICAL])
def test_logical_ops(device, name, fn, ref):
    a = const([True, True, False, False], device, dtype=gk.bool)
    b = const([True, False, True, False], device, dtype=gk.bool)
    out = fn(a, b)
    assert out.dtype == gk.bool
    assert_values(out, ref(host(a), host(b)))


def test_bool_arithmetic_is_logical(device):
    # torch: bool + bool is or, bool * bool is and, maximum/minimum likewise (all stay bool)
    a = const([True, True, False, False], device, dtype=gk.bool)
    b = const([True, False, True, False], device, dtype=gk.bool)
    for out, expected in [(a + b, [True, True, True, False]), (a * b, [True, False, False, False]),
                          (gk.maximum(a, b), [True, True, True, False]),
                          (gk.minimum(a, b), [True, False, False, False]),
                          (a + False, [True, True, False, False]), (True * a, [True, True, False, False])]:
        assert_values(out, expected, dtype=gk.bool)


def test_logical_not_invert_and_nonbool_inputs(device):
    a = const([True, False], device, dtype=gk.bool)
    assert_values(~a, [False, True])
    assert_values(gk.logical_not(a), [False, True])
    x = const([1.0, 0.0, -2.0], device)
    assert_values(gk.logical_not(x), [False, True, False])
    assert_values(gk.logical_and(x, gk.tensor([1, 1, 0], device=device)), [True, False, False])
    assert_values(gk.logical_or(x, 0), [True, False, True])


def test_bitwise_integers(device):
    a = gk.tensor([12, 10, -1], device=device)
    b = gk.tensor([10, 6, 3], device=device)
    assert_values(a & b, np.array([12, 10, -1]) & np.array([10, 6, 3]), dtype=gk.int64)
    assert_values(a | b, np.array([12, 10, -1]) | np.array([10, 6, 3]), dtype=gk.int64)
    assert_values(a ^ b, np.array([12, 10, -1]) ^ np.array([10, 6, 3]), dtype=gk.int64)
    assert_values(~a, ~np.array([12, 10, -1]), dtype=gk.int64)
    with pytest.raises(RuntimeError, match="not implemented for 'Float'"):
        const([1.0], device) & const([1.0], device)


def test_isnan_isinf_isfinite(device):
    x = const([1.0, math.nan, math.inf, -math.inf], device)
    assert_values(gk.isnan(x), [False, True, False, False])
    assert_values(x.isinf(), [False, False, True, True])
    assert_values(gk.isfinite(x), [True, False, False, False])
    assert_values(gk.nan_to_num(x, nan=0.0, posinf=9.0, neginf=-9.0), [1.0, 0.0, 9.0, -9.0])


def test_isclose_allclose_equal(device):
    a = const([1.0, 2.0, math.nan], device)
    b = const([1.0 + 1e-9, 2.1, math.nan], device)
    assert_values(gk.isclose(a, b), [True, False, False])
    assert_values(gk.isclose(a, b, equal_nan=True), [True, False, True])
    assert gk.allclose(a[:1], b[:1]) and not gk.allclose(a, b)
    assert gk.equal(a[:2], a[:2]) and not gk.equal(a[:2], b[:2])


# --------------------------------------------------------------------------- error paths
def test_binary_broadcast_error_names_op(device):
    with pytest.raises(RuntimeError, match="add.*must match"):
        gk.ones(2, 3, device=device) + gk.ones(4, device=device)


def test_bool_subtraction_raises(device):
    a = const([True, False], device, dtype=gk.bool)
    with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with two bool tensors"):
        a - a


def test_integer_negative_power_raises(device):
    with pytest.raises(RuntimeError, match="Integers to negative integer powers"):
        gk.tensor([2, 3], device=device) ** -1


def test_numpy_sigmoid_agrees_with_the_portable_kernel_without_warnings():
    """NumPy's sigmoid is PyTorch's 1 / (1 + e^-x): within a few units in the last place of the
    portable kernel's, exactly 0 where e^-x overflows (as PyTorch), and silent there."""
    import warnings

    from gradkit.backends import get_backend
    from gradkit.backends.kernels.activation import ActivationKernels

    backend = get_backend("cpu")
    for dtype in (np.float32, np.float64):
        x = np.concatenate([np.linspace(-30, 30, 20001), [-1000.0, 1000.0, 0.0, -0.0, np.inf, -np.inf,
                                                           np.nan]]).astype(dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = backend.sigmoid(x)
        expected = ActivationKernels.sigmoid(backend, x)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, expected, rtol=4 * np.finfo(dtype).eps, atol=0)
        assert got[-7] == 0.0 and got[-6] == 1.0 and got[-3] == 1.0 and got[-2] == 0.0 and np.isnan(got[-1])
        for scalar in (dtype(0.25), np.asarray(0.25, dtype)):  # a 0-d input, as NumPy gives 0-d results
            assert backend.sigmoid(scalar).shape == () and backend.sigmoid(scalar) == expected.dtype.type(
                ActivationKernels.sigmoid(backend, np.asarray(scalar)))


def test_add_and_sub_with_alpha_in_place(device):
    """Outside recording, x.add_(y, alpha=a) is one scaled add in place (the optimizer idiom);
    recorded, the same call keeps its gradient."""
    x, y = gk.arange(6.0, device=device).reshape(2, 3), gk.full((2, 3), 0.5, device=device)
    before = x._version[0]
    assert x.add_(y, alpha=-4) is x and x.tolist() == [[-2.0, -1.0, 0.0], [1.0, 2.0, 3.0]]
    assert x.sub_(y, alpha=2).tolist() == [[-3.0, -2.0, -1.0], [0.0, 1.0, 2.0]]
    assert x._version[0] == before + 2
    w = gk.ones(3, device=device, requires_grad=True)
    with gk.no_grad():
        w.add_(gk.ones(3, device=device), alpha=0.25)
    assert w.tolist() == [1.25] * 3 and w.grad_fn is None
    a = gk.ones(3, device=device, requires_grad=True)
    h = a * 1.0
    h.add_(a, alpha=3.0)
    h.sum().backward()
    assert a.grad.tolist() == [4.0] * 3
