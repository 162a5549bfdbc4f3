"""Result dtypes follow PyTorch's type promotion. Every row of PROMOTION was checked against
torch 2.13 (the lambdas run unchanged with ``m = torch``)."""
from __future__ import annotations

import pytest

import gradkit as gk


def _t(m, d, values, dtype):
    return m.tensor(values, dtype=getattr(m, dtype), device=d)


# (description, f(module, device) -> tensor, expected dtype name)
PROMOTION = [
    ("int64 / int64", lambda m, d: _t(m, d, [1, 2], "int64") / _t(m, d, [2, 2], "int64"), "float32"),
    ("int64 * 2.5", lambda m, d: _t(m, d, [1, 2], "int64") * 2.5, "float32"),
    ("2.5 * int64", lambda m, d: 2.5 * _t(m, d, [1, 2], "int64"), "float32"),
    ("float32 + int64", lambda m, d: _t(m, d, [1.0], "float32") + _t(m, d, [1], "int64"), "float32"),
    ("float32 + float64 0-d", lambda m, d: _t(m, d, [1.0], "float32") + _t(m, d, 1.0, "float64"), "float32"),
    ("float32 + float64 1-d", lambda m, d: _t(m, d, [1.0], "float32") + _t(m, d, [1.0], "float64"), "float64"),
    ("int64 + python int", lambda m, d: _t(m, d, [1, 2], "int64") + 3, "int64"),
    ("int32 + python int", lambda m, d: _t(m, d, [1, 2], "int32") + 3, "int32"),
    ("int32 + python float", lambda m, d: _t(m, d, [1, 2], "int32") + 1.5, "float32"),
    ("int32 + python bool", lambda m, d: _t(m, d, [1, 2], "int32") + True, "int32"),
    ("float64 + python float", lambda m, d: _t(m, d, [1.0], "float64") + 1.5, "float64"),
    ("int8 * python int", lambda m, d: _t(m, d, [1], "int8") * 100, "int8"),
    ("uint8 + int8", lambda m, d: _t(m, d, [1], "uint8") + _t(m, d, [1], "int8"), "int16"),
    ("uint8 + int16", lambda m, d: _t(m, d, [1], "uint8") + _t(m, d, [1], "int16"), "int16"),
    ("uint8 + uint8", lambda m, d: _t(m, d, [1], "uint8") + _t(m, d, [1], "uint8"), "uint8"),
    ("uint8 + bool", lambda m, d: _t(m, d, [1], "uint8") + _t(m, d, [True], "bool"), "uint8"),
    ("int8 + int16", lambda m, d: _t(m, d, [1], "int8") + _t(m, d, [1], "int16"), "int16"),
    ("int32 + int64 0-d", lambda m, d: _t(m, d, [1], "int32") + _t(m, d, 1, "int64"), "int32"),
    ("int32 + int64", lambda m, d: _t(m, d, [1], "int32") + _t(m, d, [1], "int64"), "int64"),
    ("int64 + float64 0-d", lambda m, d: _t(m, d, [1], "int64") + _t(m, d, 1.0, "float64"), "float64"),
    ("float64 0-d * int64", lambda m, d: _t(m, d, 2.0, "float64") * _t(m, d, [1, 2], "int64"), "float64"),
    ("float32 0-d * float64 0-d", lambda m, d: _t(m, d, 2.0, "float32") * _t(m, d, 1.0, "float64"), "float64"),
    ("bool + 1", lambda m, d: _t(m, d, [True], "bool") + 1, "int64"),
    ("bool + 1.5", lambda m, d: _t(m, d, [True], "bool") + 1.5, "float32"),
    ("bool * 2.5", lambda m, d: _t(m, d, [True], "bool") * 2.5, "float32"),
    ("bool + bool", lambda m, d: _t(m, d, [True], "bool") + _t(m, d, [True], "bool"), "bool"),
    ("bool & bool", lambda m, d: _t(m, d, [True], "bool") & _t(m, d, [False], "bool"), "bool"),
    ("int64 ** 2", lambda m, d: _t(m, d, [2, 3], "int64") ** 2, "int64"),
    ("int64 ** 0.5", lambda m, d: _t(m, d, [2, 3], "int64") ** 0.5, "float32"),
    ("2 ** int64", lambda m, d: 2 ** _t(m, d, [2, 3], "int64"), "int64"),
    ("2.0 ** int64", lambda m, d: 2.0 ** _t(m, d, [2, 3], "int64"), "float32"),
    ("1 / int64", lambda m, d: 1 / _t(m, d, [2, 4], "int64"), "float32"),
    ("1 - int64", lambda m, d: 1 - _t(m, d, [2, 4], "int64"), "int64"),
    ("int64 // int64", lambda m, d: _t(m, d, [7], "int64") // _t(m, d, [2], "int64"), "int64"),
    ("int64 % int64", lambda m, d: _t(m, d, [7], "int64") % _t(m, d, [2], "int64"), "int64"),
    ("float32 // 2", lambda m, d: _t(m, d, [7.0], "float32") // 2, "float32"),
    ("div int trunc", lambda m, d: m.div(_t(m, d, [7], "int64"), 2, rounding_mode="trunc"), "int64"),
    ("div int floor", lambda m, d: m.div(_t(m, d, [7], "int64"), 2, rounding_mode="floor"), "int64"),
    ("atan2 int int", lambda m, d: m.atan2(_t(m, d, [1], "int64"), _t(m, d, [1], "int64")), "float32"),
    ("maximum int64 float32", lambda m, d: m.maximum(_t(m, d, [1], "int64"), _t(m, d, [2.0], "float32")), "float32"),
    ("int64 == float32", lambda m, d: _t(m, d, [1], "int64") == _t(m, d, [1.0], "float32"), "bool"),
    ("float32 < 1.5", lambda m, d: _t(m, d, [1.0], "float32") < 1.5, "bool"),
    ("float64 >= float64", lambda m, d: _t(m, d, [1.0], "float64") >= _t(m, d, [1.0], "float64"), "bool"),
    ("isnan", lambda m, d: m.isnan(_t(m, d, [1.0], "float32")), "bool"),
    ("logical_and float int", lambda m, d: m.logical_and(_t(m, d, [1.0], "float32"), _t(m, d, [1], "int64")), "bool"),
    ("int64.sqrt()", lambda m, d: _t(m, d, [4], "int64").sqrt(), "float32"),
    ("int64.exp()", lambda m, d: _t(m, d, [4], "int64").exp(), "float32"),
    ("int64.abs()", lambda m, d: _t(m, d, [-4], "int64").abs(), "int64"),
    ("-int64", lambda m, d: -_t(m, d, [4], "int64"), "int64"),
    ("int64.sign()", lambda m, d: _t(m, d, [4], "int64").sign(), "int64"),
    ("int64.relu()", lambda m, d: _t(m, d, [4], "int64").relu(), "int64"),
    ("int64.clamp(0.5, 2.5)", lambda m, d: _t(m, d, [1, 5], "int64").clamp(0.5, 2.5), "float32"),
    ("int64.clamp(2, 3)", lambda m, d: _t(m, d, [1, 5], "int64").clamp(2, 3), "int64"),
    ("where(c, int64, 0.5)", lambda m, d: m.where(_t(m, d, [True], "bool"), _t(m, d, [1], "int64"), 0.5), "float32"),
    ("where(c, float32, float64)",
     lambda m, d: m.where(_t(m, d, [True], "bool"), _t(m, d, [1.0], "float32"), _t(m, d, [1.0], "float64")),
     "float64"),
    ("where(c, 1.0, 0)", lambda m, d: m.where(_t(m, d, [True], "bool"), 1.0, 0), "float32"),
    ("where(c, 1, 0)", lambda m, d: m.where(_t(m, d, [True], "bool"), 1, 0), "int64"),
    ("bool.sum()", lambda m, d: _t(m, d, [True, False, True], "bool").sum(), "int64"),
    ("int32.sum()", lambda m, d: _t(m, d, [1, 2], "int32").sum(), "int64"),
    ("int32.prod()", lambda m, d: _t(m, d, [1, 2], "int32").prod(), "int64"),
    ("int32.cumsum(0)", lambda m, d: _t(m, d, [1, 2], "int32").cumsum(0), "int64"),
    ("bool.cumsum(0)", lambda m, d: _t(m, d, [True, False], "bool").cumsum(0), "int64"),
    ("float32.sum()", lambda m, d: _t(m, d, [1.0, 2.0], "float32").sum(), "float32"),
    ("int64.sum(dtype=float32)", lambda m, d: _t(m, d, [1, 2], "int64").sum(dtype=m.float32), "float32"),
    ("int64.mean(dtype=float64)", lambda m, d: _t(m, d, [1, 2], "int64").mean(dtype=m.float64), "float64"),
    ("int64.max()", lambda m, d: _t(m, d, [1, 2], "int64").max(), "int64"),
    ("int64.amax(0)", lambda m, d: _t(m, d, [1, 2], "int64").amax(0), "int64"),
    ("float32.argmax()", lambda m, d: _t(m, d, [1.0, 2.0], "float32").argmax(), "int64"),
    ("int32.argmin(0)", lambda m, d: _t(m, d, [1, 2], "int32").argmin(0), "int64"),
    ("max(dim).indices", lambda m, d: _t(m, d, [[1.0, 2.0]], "float32").max(1).indices, "int64"),
    ("bool.all()", lambda m, d: _t(m, d, [1.0, 2.0], "float32").all(), "bool"),
    ("int64.any(0)", lambda m, d: _t(m, d, [0, 2], "int64").any(0), "bool"),
    ("cat int64 float32", lambda m, d: m.cat([_t(m, d, [1], "int64"), _t(m, d, [1.0], "float32")]), "float32"),
    ("stack int32 int64", lambda m, d: m.stack([_t(m, d, [1], "int32"), _t(m, d, [1], "int64")]), "int64"),
    ("int64 @ int64", lambda m, d: _t(m, d, [[1, 2]], "int64") @ _t(m, d, [[1], [2]], "int64"), "int64"),
    ("tensor of ints", lambda m, d: m.tensor([1, 2], device=d), "int64"),
    ("tensor of floats", lambda m, d: m.tensor([1.0, 2], device=d), "float32"),
    ("tensor of bools", lambda m, d: m.tensor([True], device=d), "bool"),
    ("arange(3)", lambda m, d: m.arange(3, device=d), "int64"),
    ("arange(3.0)", lambda m, d: m.arange(3.0, device=d), "float32"),
    ("zeros default", lambda m, d: m.zeros(2, device=d), "float32"),
    ("int64.float()", lambda m, d: _t(m, d, [1], "int64").float(), "float32"),
    ("float32.long()", lambda m, d: _t(m, d, [1.5], "float32").long(), "int64"),
    ("float32.to(float64)", lambda m, d: _t(m, d, [1.5], "float32").to(m.float64), "float64"),
]
HALF = [
    ("float16 + float32 0-d", lambda m, d: _t(m, d, [1.0], "float16") + _t(m, d, 1.0, "float32"), "float16"),
    ("float16 + float32", lambda m, d: _t(m, d, [1.0], "float16") + _t(m, d, [1.0], "float32"), "float32"),
    ("float16 * 2.5", lambda m, d: _t(m, d, [1.0], "float16") * 2.5, "float16"),
    ("int64 + float16 0-d", lambda m, d: _t(m, d, [1], "int64") + _t(m, d, 1.0, "float16"), "float16"),
]
# with set_default_dtype(float64) (torch 2.13 gives the same)
DEFAULT_FLOAT64 = [
    ("int64 / int64", lambda m, d: _t(m, d, [1, 2], "int64") / _t(m, d, [2, 2], "int64"), "float64"),
    ("int64 * 2.5", lambda m, d: _t(m, d, [1, 2], "int64") * 2.5, "float64"),
    ("float32 * 2.5", lambda m, d: _t(m, d, [1.0], "float32") * 2.5, "float32"),
    ("int64.sqrt()", lambda m, d: _t(m, d, [4], "int64").sqrt(), "float64"),
    ("tensor of floats", lambda m, d: m.tensor([1.0, 2], device=d), "float64"),
    ("zeros", lambda m, d: m.zeros(2, device=d), "float64"),
]


@pytest.mark.parametrize("name,fn,expected", PROMOTION, ids=[p[0] for p in PROMOTION])
def test_result_dtype(device, name, fn, expected):
    out = fn(gk, device)
    assert out.dtype == getattr(gk, expected), (name, out.dtype)
    assert out.device == gk.device(device) or str(out.device).startswith(device)


@pytest.mark.parametrize("name,fn,expected", HALF, ids=[p[0] for p in HALF])
def test_result_dtype_float16(device, name, fn, expected):
    if device == "strict":
        pytest.skip("array_api_strict has no float16")
    assert fn(gk, device).dtype == getattr(gk, expected)


@pytest.mark.parametrize("name,fn,expected", DEFAULT_FLOAT64, ids=[p[0] for p in DEFAULT_FLOAT64])
def test_result_dtype_with_default_float64(device, name, fn, expected):
    gk.set_default_dtype(gk.float64)  # restored by the autouse fixture in conftest
    assert fn(gk, device).dtype == getattr(gk, expected)


@pytest.mark.parametrize("a,b,expected", [
    ("uint8", "int8", "int16"), ("int8", "uint8", "int16"), ("uint8", "int32", "int32"), ("bool", "int8", "int8"),
    ("int16", "float16", "float16"), ("int64", "float32", "float32"), ("float16", "float64", "float64"),
    ("bool", "bool", "bool"), ("int32", "int32", "int32"),
])
def test_promote_types_table(a, b, expected):
    assert gk.promote_types(getattr(gk, a), getattr(gk, b)) == getattr(gk, expected)
    assert gk.promote_types(getattr(gk, b), getattr(gk, a)) == getattr(gk, expected)


@pytest.mark.parametrize("values,expected", [([1, 2], [0.5, 1.0]), ([3, 4], [1.5, 2.0])])
def test_int_true_division_values(device, values, expected):
    out = gk.tensor(values, device=device) / gk.tensor([2, 2], device=device)
    assert out.tolist() == expected


def test_integer_arithmetic_stays_exact(device):
    big = 2 ** 40 + 1
    out = gk.tensor([big], device=device) * 3 + 1
    assert out.dtype == gk.int64 and out.tolist() == [3 * big + 1]


def test_float_tensor_requires_grad_only(device):
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        gk.tensor([1, 2], device=device).requires_grad_()


def test_float32_grad_stays_float32_through_mixed_ops(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = (x * gk.tensor([1, 2], device=device) + gk.tensor(1.0, dtype=gk.float64, device=device)).sum()
    assert y.dtype == gk.float32
    y.backward()
    assert x.grad.dtype == gk.float32 and x.grad.tolist() == [1.0, 2.0]


def test_float64_operand_grad_is_cast_back(device):
    # float32 [n] + float64 [n] -> float64; each input's grad keeps its own dtype
    a = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    b = gk.tensor([3.0, 4.0], dtype=gk.float64, device=device, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == gk.float32 and b.grad.dtype == gk.float64
    assert a.grad.tolist() == [3.0, 4.0] and b.grad.tolist() == [1.0, 2.0]
