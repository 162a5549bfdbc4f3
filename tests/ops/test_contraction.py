"""einsum, baddbmm, addcmul, addcdiv, lerp, cdist and dist: values against NumPy's einsum or
literals recorded from PyTorch, error messages as PyTorch words them, and float64 gradcheck +
gradgradcheck on every device."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values, const

# (equation, operand shapes): explicit and implicit outputs, ellipses, traces and diagonals,
# batch labels, outer products, size-1 broadcasting and three operands
EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iji->j", [(2, 3, 2)]),
    ("ij->ji", [(2, 3)]),
    ("ba", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(3,), (2,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("...ij,...jk", [(2, 3), (3, 2)]),
    ("i...->...", [(2, 3, 4)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("ij,ij->i", [(3, 1), (3, 4)]),
    ("ijk,ikj->i", [(2, 3, 4), (2, 4, 3)]),
    ("Ab,bA", [(2, 3), (3, 2)]),
]


def _operands(shapes, device):
    return [rand64(*shape, device=device, seed=k) for k, shape in enumerate(shapes)]


@pytest.mark.parametrize("equation,shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_values_and_grads(device, equation, shapes):
    operands = _operands(shapes, device)
    expected = np.einsum(equation, *[host(t) for t in operands])
    assert_values(gk.einsum(equation, *operands), expected, dtype=gk.float64, rtol=1e-12)
    assert_values(gk.einsum(equation, operands), expected, rtol=1e-12)
    check_grads(lambda *ts: gk.einsum(equation, *ts), operands)


def test_einsum_spaces_and_implicit_uppercase_first(device):
    a = const(np.arange(6.0).reshape(2, 3), device)
    b = const(np.arange(6.0).reshape(3, 2), device)
    # recorded from PyTorch: torch.einsum('Ba,aB', ...) and torch.einsum('bA', ...)
    assert_values(gk.einsum("Ba, aB", a, b), 50.0)
    assert_values(gk.einsum("bA", a), [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]])


def test_einsum_ellipsis_that_covers_no_dims(device):
    # accepted by PyTorch, in the inputs and in the output (shapes recorded from PyTorch)
    x = const(np.ones((2, 3, 4)), device)
    y = const(np.ones((5, 2, 3, 4)), device)
    assert tuple(gk.einsum("...ijk, ...xijk -> ...xjk", x, y).shape) == (5, 3, 4)
    assert tuple(gk.einsum("...ij->...ji", x[0]).shape) == (4, 3)
    assert tuple(gk.einsum("ij->...ji", x[0]).shape) == (4, 3)


@pytest.mark.parametrize("equation,shapes,message", [
    ("ij,jk,k", [(2, 3), (3, 4)], "einsum(): fewer operands were provided than specified in the equation"),
    ("ijk,jk", [(2, 3), (3, 4)], "einsum(): the number of subscripts in the equation (3) does not match the "
                                  "number of dimensions (2) for operand 0 and no ellipsis was given"),
    ("ij,jk->iz", [(2, 3), (3, 4)], "einsum(): output subscript z does not appear in the equation for any input "
                                     "operand"),
    ("ii", [(2, 3)], "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"),
    ("ij,jk->ii", [(2, 3), (3, 4)], "einsum(): output subscript i appears more than once in the output"),
    ("ij,ij", [(2, 3), (3, 4)], "einsum(): subscript i has size 3 for operand 1 which does not broadcast with "
                                 "previously seen size 2"),
])
def test_einsum_errors_match_pytorch(device, equation, shapes, message):
    operands = [gk.ones(shape, device=device) for shape in shapes]
    with pytest.raises(RuntimeError) as info:
        gk.einsum(equation, *operands)
    assert str(info.value) == message


# -- the fused multiply-adds --------------------------------------------------------------
def _start_end_weight(device):
    return (const([1.0, 2.0, 3.0], device, gk.float32), const([10.0, -2.0, 0.5], device, gk.float32),
            const([0.3, 0.7, 1.5], device, gk.float32))


def test_lerp_addcmul_addcdiv_values(device):
    s, e, w = _start_end_weight(device)
    # recorded from PyTorch 2.13 (float32)
    assert_values(gk.lerp(s, e, 0.3), [3.700000047683716, 0.7999999523162842, 2.25], dtype=gk.float32, rtol=1e-6)
    assert_values(s.lerp(e, w), [3.700000047683716, -0.7999999523162842, -0.75], rtol=1e-6)
    assert_values(gk.addcmul(s, e, w, value=-0.5), [-0.5000000596046448, 2.700000047683716, 2.625], rtol=1e-6)
    assert_values(s.addcdiv(e, w, value=2), [67.66666412353516, -3.7142858505249023, 3.6666667461395264],
                  rtol=1e-6)


def test_inplace_variants_write_into_self(device):
    s, e, w = _start_end_weight(device)
    for name, args, kwargs, op in (("lerp_", (e, 0.3), {}, gk.lerp), ("addcmul_", (e, w), {"value": 2}, gk.addcmul),
                                    ("addcdiv_", (e, w), {"value": 2}, gk.addcdiv)):
        x = s.clone()
        expected = host(op(s, *args, **kwargs))
        assert getattr(x, name)(*args, **kwargs) is x
        assert_values(x, expected)


def test_fused_add_errors_match_pytorch(device):
    ints = gk.ones(2, dtype=gk.int64, device=device)
    with pytest.raises(RuntimeError, match=r"^Integer division with addcdiv is no longer supported"):
        gk.addcdiv(ints, ints, ints)
    with pytest.raises(RuntimeError, match=r"^expected dtype float for `end` but got dtype double$"):
        gk.lerp(gk.ones(2, device=device), gk.ones(2, dtype=gk.float64, device=device), 0.5)


@pytest.mark.parametrize("op", ["lerp_scalar", "lerp_tensor", "addcmul", "addcdiv"])
def test_fused_add_grads(device, op):
    a, b = rand64(2, 3, device=device, seed=0), rand64(3, device=device, seed=1)
    c = rand64(2, 1, device=device, seed=2, low=0.5, high=1.5)
    fn = {"lerp_scalar": lambda x, y, z: gk.lerp(x, y, 0.3),
          "lerp_tensor": lambda x, y, z: gk.lerp(x, y, z),
          "addcmul": lambda x, y, z: gk.addcmul(x, y, z, value=-0.7),
          "addcdiv": lambda x, y, z: gk.addcdiv(x, y, z, value=2)}[op]
    check_grads(fn, [a, b, c])


def test_baddbmm_values_and_grads(device):
    i = const(np.arange(8.0).reshape(2, 2, 2), device)
    # recorded from PyTorch: beta=0 ignores input, nan included
    assert_values(gk.baddbmm(i, i, i, beta=0.5, alpha=2),
                  [[[4.0, 6.5], [13.0, 23.5]], [[94.0, 112.5], [135.0, 161.5]]])
    nan = gk.full((2, 2, 2), math.nan, dtype=gk.float64, device=device)
    assert_values(gk.baddbmm(nan, i, i, beta=0), [[[2.0, 3.0], [6.0, 11.0]], [[46.0, 55.0], [66.0, 79.0]]])
    x, b1, b2 = rand64(3, 1, device=device, seed=0), rand64(2, 3, 4, device=device, seed=1), rand64(2, 4, 2,
                                                                                                  device=device, seed=2)
    check_grads(lambda x, b1, b2: gk.baddbmm(x, b1, b2, beta=0.5, alpha=-2), [x, b1, b2])
    assert_values(x.baddbmm(b1, b2), host(x) + host(b1) @ host(b2), rtol=1e-12)


# -- distances ---------------------------------------------------------------------------
# recorded from PyTorch: cdist(x, y, p) and the gradient of its sum with respect to x, where
# x's first row equals y's first row (a zero distance, whose gradient PyTorch defines as 0)
CDIST_RECORDED = {
    2.0: ([[0.0, 3.1622776601683795], [2.23606797749979, 3.605551275463989]],
          [[-0.9486832980505138, 0.31622776601683794], [-0.10748660072527122, 1.7264774853377596]]),
    1.0: ([[0.0, 4.0], [3.0, 5.0]], [[-1.0, 1.0], [0.0, 2.0]]),
    3.0: ([[0.0, 3.0365889718756622], [2.080083823051904, 3.2710663101885897]],
          [[-0.9760464552457488, 0.10844960613841653], [-0.14271572495229395, 1.765613036039817]]),
    0.5: ([[0.0, 7.464101615137754], [5.82842712474619, 9.898979485566358]],
          [[-1.5773502691896257, 2.732050807568877], [0.18946869098150598, 3.5236033621142733]]),
    0.0: ([[0.0, 2.0], [2.0, 2.0]], [[0.0, 0.0], [0.0, 0.0]]),
    math.inf: ([[0.0, 3.0], [2.0, 3.0]], [[-1.0, 0.0], [0.0, 2.0]]),
}


@pytest.mark.parametrize("p", list(CDIST_RECORDED), ids=str)
def test_cdist_matches_pytorch(device, p):
    x = const([[0.0, 0.0], [1.0, 2.0]], device, requires_grad=True)
    y = const([[0.0, 0.0], [3.0, -1.0]], device)
    values, grad = CDIST_RECORDED[p]
    out = gk.cdist(x, y, p=p)
    assert_values(out, values, dtype=gk.float64, rtol=1e-12)
    out.sum().backward()
    assert_values(x.grad, grad, rtol=1e-12)


@pytest.mark.parametrize("p", [2.0, 1.5, 3.0])
def test_cdist_grads_batched(device, p):
    x1, x2 = rand64(2, 3, 4, device=device, seed=0), rand64(1, 2, 4, device=device, seed=1)
    assert gk.cdist(x1, x2, p).shape == (2, 3, 2)
    check_grads(lambda a, b: gk.cdist(a, b, p), [x1, x2])


def test_cdist_errors_match_pytorch(device):
    with pytest.raises(RuntimeError, match=r"^cdist only supports at least 2D tensors, X1 got: 1D$"):
        gk.cdist(gk.ones(3, device=device), gk.ones(2, 3, device=device))
    with pytest.raises(RuntimeError, match=r"^X1 and X2 must have the same number of columns. X1: 3 X2: 4$"):
        gk.cdist(gk.ones(2, 3, device=device), gk.ones(2, 4, device=device))


def test_dist_matches_pytorch(device):
    s = const([1.0, 2.0, 3.0], device, gk.float32)
    e = const([10.0, -2.0, 0.5], device, gk.float32)
    # recorded from PyTorch 2.13
    for p, expected in ((2, 10.161200523376465), (1, 15.5), (math.inf, 9.0), (3.0, 9.316420555114746)):
        assert_values(gk.dist(s, e, p), expected, dtype=gk.float32, rtol=1e-6)
    a, b = rand64(2, 3, device=device, seed=0), rand64(3, device=device, seed=1)
    check_grads(lambda a, b: a.dist(b, 3.0), [a, b])


# -- the existing products checked against PyTorch ------------------------------------------------
def test_tensordot_matches_pytorch(device):
    a = gk.arange(24.0, device=device).reshape(2, 3, 4)
    b = gk.arange(24.0, device=device).reshape(4, 3, 2)
    # recorded from PyTorch 2.13
    assert_values(gk.tensordot(a, b, dims=([1, 2], [1, 0])), [[880.0, 946.0], [2464.0, 2674.0]])
    assert gk.tensordot(a, b, dims=0).shape == (2, 3, 4, 4, 3, 2)
    assert gk.tensordot(a, b, dims=1).shape == (2, 3, 3, 2)
    assert gk.tensordot(a, b, dims=[[-1], [0]]).shape == (2, 3, 3, 2)
    for dims, message in ((([1], [1, 2]), "both dimension lists should have same length"),
                          (([0], [0]), "contracted dimensions need to match, but first has size 2 in dim 0 and "
                                       "second has size 4 in dim 0"),
                          (-1, "tensordot expects dims >= 0, but got dims=-1")):
        with pytest.raises(RuntimeError) as info:
            gk.tensordot(a, b, dims=dims)
        assert str(info.value) == message
    x, y = rand64(2, 3, 4, device=device, seed=0), rand64(4, 3, 2, device=device, seed=1)
    check_grads(lambda x, y: gk.tensordot(x, y, dims=([1, 2], [1, 0])), [x, y])


def test_addmm_with_beta_zero_ignores_input(device):
    nan = gk.full((2, 2), math.nan, device=device)
    eye = gk.eye(2, device=device)
    # recorded from PyTorch 2.13
    assert_values(gk.addmm(nan, eye, eye, beta=0), [[1.0, 0.0], [0.0, 1.0]])
    x, m1, m2 = rand64(2, 1, device=device, seed=0), rand64(2, 3, device=device, seed=1), rand64(3, 2, device=device,
                                                                                                seed=2)
    check_grads(lambda x, m1, m2: gk.addmm(x, m1, m2, beta=0.5, alpha=-2), [x, m1, m2])


def test_einsum_sublist_format_matches_pytorch(device):
    a = gk.arange(6.0, device=device).reshape(2, 3)
    b = gk.arange(12.0, device=device).reshape(3, 4)
    # recorded from PyTorch 2.13
    product = [[20.0, 23.0, 26.0, 29.0], [56.0, 68.0, 80.0, 92.0]]
    assert_values(gk.einsum(a, [0, 1], b, [1, 2], [0, 2]), product)
    assert_values(gk.einsum(a, [0, 1], b, [1, 2]), product)
    assert_values(gk.einsum(a, [Ellipsis, 1], [1]), [3.0, 5.0, 7.0])
    with pytest.raises(RuntimeError, match=r"^einsum\(\): subscript in subscript list is not within the valid range "
                                           r"\[0, 52\)$"):
        gk.einsum(a, [0, 60])
