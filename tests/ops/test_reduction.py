"""Reductions: dim/axis as int, negative int, list, tuple; keepdim/keepdims; forward values
against NumPy; float64 gradcheck + gradgradcheck on every device; PyTorch's tie rules."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values, const, grads_of

# Reductions whose backward is not itself differentiable, with the reason. None: every
# reduction's backward is built from gradkit ops (Sum -> expand, MaxMinDim -> one-hot mask, ...).
FIRST_ORDER_ONLY: list[tuple[str, str]] = []
_FIRST_ORDER = {name for name, _ in FIRST_ORDER_ONLY}

SHAPE = (2, 3, 4)


def _lse(a, axis, keepdims=False):
    return np.log(np.exp(a).sum(axis=axis, keepdims=keepdims))


def _pnorm(a, p, axis=None, keepdims=False):
    if p == math.inf:
        return np.abs(a).max(axis=axis, keepdims=keepdims)
    return (np.abs(a) ** p).sum(axis=axis, keepdims=keepdims) ** (1 / p)


# (id, f(x), NumPy reference of the host array)
REDUCTIONS = [
    ("sum", lambda x: x.sum(), lambda a: a.sum()),
    ("sum(1)", lambda x: x.sum(1), lambda a: a.sum(1)),
    ("sum(-1)", lambda x: gk.sum(x, -1), lambda a: a.sum(-1)),
    ("sum([0,2])", lambda x: x.sum([0, 2]), lambda a: a.sum((0, 2))),
    ("sum((0,-1),keepdim)", lambda x: x.sum((0, -1), keepdim=True), lambda a: a.sum((0, 2), keepdims=True)),
    ("sum(dim=1,keepdim)", lambda x: gk.sum(x, dim=1, keepdim=True), lambda a: a.sum(1, keepdims=True)),
    ("sum(axis,keepdims)", lambda x: x.sum(axis=1, keepdims=True), lambda a: a.sum(1, keepdims=True)),
    ("sum(axis=(0,1))", lambda x: gk.sum(x, axis=(0, 1)), lambda a: a.sum((0, 1))),
    ("mean", lambda x: x.mean(), lambda a: a.mean()),
    ("mean(1)", lambda x: x.mean(1), lambda a: a.mean(1)),
    ("mean([0,2],keepdim)", lambda x: gk.mean(x, [0, 2], keepdim=True), lambda a: a.mean((0, 2), keepdims=True)),
    ("mean(axis=-1)", lambda x: x.mean(axis=-1), lambda a: a.mean(-1)),
    ("prod", lambda x: x.prod(), lambda a: a.prod()),
    ("prod(1)", lambda x: x.prod(1), lambda a: a.prod(1)),
    ("prod(-1,keepdim)", lambda x: gk.prod(x, -1, keepdim=True), lambda a: a.prod(-1, keepdims=True)),
    ("max", lambda x: x.max(), lambda a: a.max()),
    ("min", lambda x: gk.min(x), lambda a: a.min()),
    ("max(1).values", lambda x: x.max(1).values, lambda a: a.max(1)),
    ("max(-1,keepdim)[0]", lambda x: gk.max(x, dim=-1, keepdim=True)[0], lambda a: a.max(-1, keepdims=True)),
    ("min(0).values", lambda x: x.min(0).values, lambda a: a.min(0)),
    ("min(axis=2)[0]", lambda x: x.min(axis=2)[0], lambda a: a.min(2)),
    ("amax", lambda x: x.amax(), lambda a: a.max()),
    ("amax(1)", lambda x: gk.amax(x, 1), lambda a: a.max(1)),
    ("amax((0,2))", lambda x: x.amax((0, 2)), lambda a: a.max((0, 2))),
    ("amin(-1,keepdim)", lambda x: x.amin(-1, keepdim=True), lambda a: a.min(-1, keepdims=True)),
    ("amin([0,1])", lambda x: gk.amin(x, [0, 1]), lambda a: a.min((0, 1))),
    ("var", lambda x: x.var(), lambda a: a.var(ddof=1)),
    ("var(1)", lambda x: x.var(1), lambda a: a.var(1, ddof=1)),
    ("var(1,unbiased=False)", lambda x: gk.var(x, 1, unbiased=False), lambda a: a.var(1)),
    ("var((0,2),correction=0,keepdim)", lambda x: x.var((0, 2), correction=0, keepdim=True),
     lambda a: a.var((0, 2), keepdims=True)),
    ("var(axis=-1,keepdims)", lambda x: x.var(axis=-1, keepdims=True), lambda a: a.var(-1, ddof=1, keepdims=True)),
    ("std", lambda x: x.std(), lambda a: a.std(ddof=1)),
    ("std(-1)", lambda x: gk.std(x, -1), lambda a: a.std(-1, ddof=1)),
    ("std([0,1],keepdim)", lambda x: x.std([0, 1], keepdim=True), lambda a: a.std((0, 1), ddof=1, keepdims=True)),
    ("std(1,unbiased=False)", lambda x: x.std(1, unbiased=False), lambda a: a.std(1)),
    ("std(1,correction=2)", lambda x: x.std(dim=1, correction=2), lambda a: a.std(1, ddof=2)),
    ("norm", lambda x: x.norm(), lambda a: np.sqrt((a ** 2).sum())),
    ("norm(p=1)", lambda x: x.norm(p=1), lambda a: np.abs(a).sum()),
    ("norm(p=inf)", lambda x: gk.norm(x, p=math.inf), lambda a: np.abs(a).max()),
    ("norm(p=fro)", lambda x: x.norm(p="fro"), lambda a: np.sqrt((a ** 2).sum())),
    ("norm(dim=1)", lambda x: x.norm(dim=1), lambda a: _pnorm(a, 2, 1)),
    ("norm(p=1,dim=-1,keepdim)", lambda x: x.norm(1, dim=-1, keepdim=True), lambda a: _pnorm(a, 1, -1, True)),
    ("norm(p=inf,dim=2)", lambda x: x.norm(p=math.inf, dim=2), lambda a: _pnorm(a, math.inf, 2)),
    ("norm(p=fro,dim=(1,2))", lambda x: gk.norm(x, p="fro", dim=(1, 2)), lambda a: _pnorm(a, 2, (1, 2))),
    ("norm(p=3,dim=0)", lambda x: x.norm(p=3, dim=0), lambda a: _pnorm(a, 3, 0)),
    ("logsumexp(1)", lambda x: x.logsumexp(1), lambda a: _lse(a, 1)),
    ("logsumexp((0,2),keepdim)", lambda x: gk.logsumexp(x, (0, 2), keepdim=True), lambda a: _lse(a, (0, 2), True)),
    ("logsumexp(dim=-1)", lambda x: gk.logsumexp(x, dim=-1), lambda a: _lse(a, -1)),
    ("cumsum(0)", lambda x: x.cumsum(0), lambda a: np.cumsum(a, 0)),
    ("cumsum(dim=-1)", lambda x: gk.cumsum(x, dim=-1), lambda a: np.cumsum(a, -1)),
    ("cumprod(1)", lambda x: x.cumprod(1), lambda a: np.cumprod(a, 1)),
]
IDS = [r[0] for r in REDUCTIONS]


@pytest.mark.parametrize("name,fn,ref", REDUCTIONS, ids=IDS)
def test_reduction_values(device, name, fn, ref):
    x = rand64(*SHAPE, device=device, seed=0)
    out = fn(x)
    assert out.dtype == gk.float64
    assert_values(out, ref(host(x)), rtol=1e-10)


@pytest.mark.parametrize("name,fn,ref", REDUCTIONS, ids=IDS)
def test_reduction_grads(device, name, fn, ref):
    x = rand64(2, 3, 2, device=device, seed=1)
    check_grads(fn, (x,), second_order=name not in _FIRST_ORDER)


# --------------------------------------------------------------------------- indices
INDEXED = [
    ("max(1)", lambda x: x.max(1), lambda a: (a.max(1), a.argmax(1))),
    ("max(-1,keepdim)", lambda x: x.max(-1, keepdim=True),
     lambda a: (a.max(-1, keepdims=True), a.argmax(-1, keepdims=True))),
    ("min(0)", lambda x: gk.min(x, 0), lambda a: (a.min(0), a.argmin(0))),
    ("min(dim=2,keepdim)", lambda x: x.min(dim=2, keepdim=True),
     lambda a: (a.min(2, keepdims=True), a.argmin(2, keepdims=True))),
]


@pytest.mark.parametrize("name,fn,ref", INDEXED, ids=[i[0] for i in INDEXED])
def test_max_min_dim_values_and_indices(device, name, fn, ref):
    x = rand64(*SHAPE, device=device, seed=2)
    out = fn(x)
    values, indices = out
    assert out.values is values and out.indices is indices
    ev, ei = ref(host(x))
    assert_values(values, ev)
    assert_values(indices, ei, dtype=gk.int64)
    assert values.requires_grad and not indices.requires_grad


ARGS = [
    ("argmax()", lambda x: x.argmax(), lambda a: a.argmax()),
    ("argmin()", lambda x: gk.argmin(x), lambda a: a.argmin()),
    ("argmax(1)", lambda x: x.argmax(1), lambda a: a.argmax(1)),
    ("argmax(dim=-1,keepdim)", lambda x: gk.argmax(x, dim=-1, keepdim=True), lambda a: a.argmax(-1, keepdims=True)),
    ("argmin(0)", lambda x: x.argmin(0), lambda a: a.argmin(0)),
    ("argmax(keepdim)", lambda x: x.argmax(keepdim=True), lambda a: a.argmax(keepdims=True).reshape(1, 1, 1)),
    ("argmin(axis=2)", lambda x: x.argmin(axis=2), lambda a: a.argmin(2)),
]


@pytest.mark.parametrize("name,fn,ref", ARGS, ids=[a[0] for a in ARGS])
def test_argmax_argmin(device, name, fn, ref):
    x = rand64(*SHAPE, device=device, seed=3)
    out = fn(x)
    assert out.dtype == gk.int64 and not out.requires_grad
    assert_values(out, ref(host(x)))


def test_argmax_first_occurrence_on_ties(device):
    x = const([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], device)
    assert host(x.argmax(1)).tolist() == [1, 0]
    assert host(x.max(1).indices).tolist() == [1, 0]
    assert host(x.argmax()).tolist() == 1
    assert host(x.argmin(1)).tolist() == [0, 2]


# --------------------------------------------------------------------------- PyTorch's tie rules
# expected gradients produced by torch 2.13 on the same inputs
TIES = [
    ("max() splits ties evenly", lambda x: x.max(), [[1.0, 3.0, 3.0], [3.0, 0.0, 2.0]],
     [[0.0, 1 / 3, 1 / 3], [1 / 3, 0.0, 0.0]]),
    ("min() splits ties evenly", lambda x: x.min(), [[1.0, 0.0, 3.0], [0.0, 0.0, 2.0]],
     [[0.0, 1 / 3, 0.0], [1 / 3, 1 / 3, 0.0]]),
    ("max(dim) gives the grad to the returned index", lambda x: x.max(1)[0], [[1.0, 3.0, 3.0], [3.0, 0.0, 3.0]],
     [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
    ("min(dim) gives the grad to the returned index", lambda x: x.min(0).values, [[1.0, 0.0, 3.0], [1.0, 0.0, 2.0]],
     [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
    ("amax(dim) splits ties", lambda x: x.amax(1), [[1.0, 3.0, 3.0], [3.0, 0.0, 3.0]],
     [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]]),
    ("amin(dims) splits ties", lambda x: x.amin((0, 1)), [[1.0, 0.0, 3.0], [0.0, 0.0, 2.0]],
     [[0.0, 1 / 3, 0.0], [1 / 3, 1 / 3, 0.0]]),
    ("prod with one zero", lambda x: x.prod(), [[0.0, 2.0, 3.0]], [[6.0, 0.0, 0.0]]),
    ("prod with two zeros", lambda x: x.prod(), [[0.0, 0.0, 3.0]], [[0.0, 0.0, 0.0]]),
    ("prod(dim) with zeros", lambda x: x.prod(1), [[0.0, 2.0, 3.0], [0.0, 0.0, 1.0]],
     [[6.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
    ("norm at zero", lambda x: x.norm(), [[0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0]]),
    ("norm(p=1) at zero", lambda x: x.norm(p=1), [[0.0, 1.0, -2.0]], [[0.0, 1.0, -1.0]]),
    ("norm(p=inf) ties", lambda x: x.norm(p=math.inf), [[0.0, 2.0, -2.0]], [[0.0, 0.5, -0.5]]),
    ("norm(p=3) at zero", lambda x: x.norm(p=3, dim=1), [[0.0, 0.0], [3.0, 0.0]], [[0.0, 0.0], [1.0, 0.0]]),
    ("norm(dim) of a zero row", lambda x: x.norm(dim=1), [[0.0, 0.0], [3.0, 4.0]], [[0.0, 0.0], [0.6, 0.8]]),
    ("std of a constant", lambda x: x.std(), [[1.0, 1.0]], [[0.0, 0.0]]),
    ("std(dim) of a constant row", lambda x: x.std(1), [[1.0, 1.0], [1.0, 3.0]],
     [[0.0, 0.0], [-math.sqrt(0.5), math.sqrt(0.5)]]),
    ("var of a constant", lambda x: x.var(), [[1.0, 1.0]], [[0.0, 0.0]]),
    ("logsumexp with -inf", lambda x: x.logsumexp(1), [[-math.inf, 0.0]], [[0.0, 1.0]]),
]


@pytest.mark.parametrize("name,fn,x,expected", TIES, ids=[t[0] for t in TIES])
def test_grad_at_ties_and_kinks_matches_torch(device, name, fn, x, expected):
    t = const(x, device, requires_grad=True)
    (g,) = grads_of(fn, t)
    assert_values(g, expected, rtol=1e-12)


def test_std_of_constant_is_second_order_finite(device):
    # torch 2.13 gives zeros (up to rounding) for this second derivative
    x = const([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]], device, requires_grad=True)
    (g,) = gk.autograd.grad(x.std(1).sum(), x, create_graph=True)
    (gg,) = gk.autograd.grad(g.pow(2).sum(), x)
    assert_values(gg, np.zeros((2, 3)), atol=1e-12)


# --------------------------------------------------------------------------- dtypes, ints, bools
def test_integer_and_bool_reductions(device):
    i = gk.tensor([[1, 2, 3], [4, 5, 6]], device=device)
    b = gk.tensor([[True, False, True], [True, True, True]], device=device)
    assert_values(i.sum(0), [5, 7, 9], dtype=gk.int64)
    assert_values(i.prod(1), [6, 120], dtype=gk.int64)
    assert_values(i.max(), 6, dtype=gk.int64)
    assert_values(i.amin(1), [1, 4], dtype=gk.int64)
    assert_values(i.cumsum(1), [[1, 3, 6], [4, 9, 15]], dtype=gk.int64)
    assert_values(b.sum(), 5, dtype=gk.int64)
    assert_values(b.sum(1), [2, 3], dtype=gk.int64)
    assert_values(i.sum(0, dtype=gk.float32), [5.0, 7.0, 9.0], dtype=gk.float32)
    assert_values(i.mean(dtype=gk.float64), 3.5, dtype=gk.float64)
    assert_values(gk.count_nonzero(gk.tensor([[0, 1], [2, 0]], device=device), dim=0), [1, 1])


@pytest.mark.parametrize("op", ["mean", "var", "std", "norm"])
def test_float_only_reductions_reject_integers(device, op):
    with pytest.raises(RuntimeError, match="floating point"):
        getattr(gk.tensor([1, 2, 3], device=device), op)()


ALL_ANY = [
    ("all", lambda x: x.all(), lambda a: a.all()),
    ("any", lambda x: gk.any(x), lambda a: a.any()),
    ("all(1)", lambda x: x.all(1), lambda a: a.all(1)),
    ("any(dim=0,keepdim)", lambda x: x.any(dim=0, keepdim=True), lambda a: a.any(0, keepdims=True)),
    ("all((0,1))", lambda x: gk.all(x, (0, 1)), lambda a: a.all((0, 1))),
    ("any(axis=-1,keepdims)", lambda x: x.any(axis=-1, keepdims=True), lambda a: a.any(-1, keepdims=True)),
]


@pytest.mark.parametrize("name,fn,ref", ALL_ANY, ids=[a[0] for a in ALL_ANY])
@pytest.mark.parametrize("kind", ["bool", "float", "int"])
def test_all_any(device, name, fn, ref, kind):
    base = np.array([[[1, 0], [1, 1], [0, 0]], [[1, 1], [1, 1], [0, 1]]])
    if kind == "bool":
        x = const(base.astype(bool).tolist(), device, dtype=gk.bool)
    elif kind == "float":
        x = const((base * 2.5).tolist(), device)
    else:
        x = gk.tensor((base * -3).tolist(), device=device)
    out = fn(x)
    assert out.dtype == gk.bool
    assert_values(out, ref(base != 0))


# --------------------------------------------------------------------------- special shapes
ZERO_D = [
    ("sum(0)", lambda x: x.sum(0)), ("sum(-1,keepdim)", lambda x: x.sum(-1, keepdim=True)),
    ("mean(0)", lambda x: x.mean(0)), ("prod(0)", lambda x: x.prod(0)), ("amax(0)", lambda x: x.amax(0)),
    ("max(0)[0]", lambda x: x.max(0)[0]), ("norm(dim=0)", lambda x: x.norm(dim=0)),
    ("logsumexp(0)", lambda x: x.logsumexp(0)), ("cumsum(0)", lambda x: x.cumsum(0)),
    ("cumprod(0)", lambda x: x.cumprod(0)),
]


@pytest.mark.parametrize("name,fn", ZERO_D, ids=[z[0] for z in ZERO_D])
def test_zero_dim_tensor_accepts_dim_0(device, name, fn):
    # torch 2.13: each returns the 0-d value itself, with gradient 1
    x = const(3.0, device, requires_grad=True)
    out = fn(x)
    assert tuple(out.shape) == ()
    assert_values(out, 3.0)
    out.backward()
    assert_values(x.grad, 1.0)


def test_zero_dim_argmax_all_std(device):
    x = const(3.0, device)
    assert_values(x.argmax(0), 0, dtype=gk.int64)
    assert_values(x.max(0).indices, 0)
    assert_values((x > 0).all(0), True)
    assert_values(x.std(0, correction=0), 0.0)
    with pytest.raises(IndexError):
        x.sum(1)


def test_empty_reductions(device):
    e = gk.zeros(0, 3, dtype=gk.float64, device=device)
    assert_values(e.sum(0), [0.0, 0.0, 0.0])
    assert_values(e.prod(0), [1.0, 1.0, 1.0])
    assert np.isnan(host(e.mean(0))).all()
    assert_values(e.sum(1), np.zeros(0))
    with pytest.raises((RuntimeError, IndexError)):
        e.max()
    with pytest.raises(IndexError):
        e.amax(0)


def test_reduction_dim_errors(device):
    x = gk.ones(2, 3, device=device)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.sum(2)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.max(-3)
    with pytest.raises(RuntimeError, match="appears multiple times"):
        x.sum((1, -1))
    with pytest.raises(TypeError):
        x.sum(dim=1, axis=1)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_var_std_with_too_few_elements_is_nan(device):
    x = const([[1.0], [2.0]], device)
    assert np.isnan(host(x.var(1))).all()
    assert np.isnan(host(x.std(1))).all()
    assert_values(x.var(1, correction=0), [0.0, 0.0])


def test_var_mean_std_mean_aminmax(device):
    x = rand64(*SHAPE, device=device, seed=4, requires_grad=False)
    a = host(x)
    v, m = gk.var_mean(x, 1)
    assert_values(v, a.var(1, ddof=1))
    assert_values(m, a.mean(1))
    s, m = gk.std_mean(x, dim=(0, 2), correction=0)
    assert_values(s, a.std((0, 2)))
    assert_values(m, a.mean((0, 2)))
    lo, hi = gk.aminmax(x, dim=1)
    assert_values(lo, a.min(1))
    assert_values(hi, a.max(1))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_logsumexp_is_stable_for_large_inputs(device):
    x = const([[1000.0, 1000.0], [-1000.0, -1000.0]], device)
    assert_values(x.logsumexp(1), [1000 + math.log(2), -1000 + math.log(2)], rtol=1e-12)
    x = const([[-math.inf, -math.inf]], device)
    assert_values(x.logsumexp(1), [-math.inf])


def test_nansum_nanmean(device):
    x = const([1.0, math.nan, 2.0], device)
    assert_values(gk.nansum(x), 3.0)
    assert_values(gk.nanmean(x), 1.5)


def test_sum_of_broadcast_gradient_shapes(device):
    """keepdim=False and keepdim=True backward give the input's shape."""
    x = rand64(*SHAPE, device=device, seed=5)
    for fn in (lambda x: x.sum((0, 2)), lambda x: x.mean(1, keepdim=True), lambda x: x.amax(-1)):
        x.grad = None
        fn(x).sum().backward()
        assert tuple(x.grad.shape) == SHAPE
