"""Matrix products: matmul (1-D, 2-D, batched with broadcasting), mm, mv, dot, outer, bmm
and friends. Forward values against NumPy, float64 gradcheck + gradgradcheck on every device."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values

# Products whose backward is not itself differentiable, with the reason. None: MatMul's
# backward is written with matmul, unsqueeze, sum_to and mT.
FIRST_ORDER_ONLY: list[tuple[str, str]] = []
_FIRST_ORDER = {name for name, _ in FIRST_ORDER_ONLY}

# (id, shape of a, shape of b) for a @ b, NumPy's matmul rules
MATMUL_SHAPES = [
    ("1-D @ 1-D", (3,), (3,)),
    ("1-D @ 2-D", (3,), (3, 2)),
    ("2-D @ 1-D", (2, 3), (3,)),
    ("2-D @ 2-D", (2, 3), (3, 4)),
    ("3-D @ 1-D", (2, 2, 3), (3,)),
    ("1-D @ 3-D", (3,), (2, 3, 4)),
    ("3-D @ 2-D", (2, 2, 3), (3, 4)),
    ("4-D @ 2-D", (2, 3, 2, 3), (3, 4)),
    ("2-D @ 3-D", (2, 3), (2, 3, 4)),
    ("3-D @ 3-D", (2, 2, 3), (2, 3, 4)),
    ("batch broadcast 4-D @ 3-D", (2, 1, 2, 3), (3, 3, 2)),
    ("batch broadcast size-1 dims", (1, 2, 2, 3), (2, 3, 1)),
]


@pytest.mark.parametrize("name,sa,sb", MATMUL_SHAPES, ids=[m[0] for m in MATMUL_SHAPES])
def test_matmul_values(device, name, sa, sb):
    a, b = rand64(*sa, device=device, seed=0), rand64(*sb, device=device, seed=1)
    expected = np.matmul(host(a), host(b))
    for out in (a @ b, gk.matmul(a, b), a.matmul(b)):
        assert_values(out, expected, dtype=gk.float64, rtol=1e-12)


@pytest.mark.parametrize("name,sa,sb", MATMUL_SHAPES, ids=[m[0] for m in MATMUL_SHAPES])
def test_matmul_grads(device, name, sa, sb):
    a, b = rand64(*sa, device=device, seed=2), rand64(*sb, device=device, seed=3)
    check_grads(lambda a, b: a @ b, (a, b), second_order=name not in _FIRST_ORDER)


def test_matmul_grad_one_side(device):
    a = rand64(2, 3, device=device, seed=4)
    b = rand64(3, 2, device=device, seed=5, requires_grad=False)
    (a @ b).sum().backward()
    assert_values(a.grad, np.ones((2, 2)) @ host(b).T)
    assert b.grad is None


# (id, f, NumPy reference, shapes of the inputs)
PRODUCTS = [
    ("mm", gk.mm, np.matmul, [(2, 3), (3, 2)]),
    ("Tensor.mm", lambda a, b: a.mm(b), np.matmul, [(2, 3), (3, 4)]),
    ("mv", gk.mv, np.matmul, [(2, 3), (3,)]),
    ("Tensor.mv", lambda a, b: a.mv(b), np.matmul, [(3, 3), (3,)]),
    ("dot", gk.dot, np.dot, [(3,), (3,)]),
    ("Tensor.dot", lambda a, b: a.dot(b), np.dot, [(4,), (4,)]),
    ("inner", gk.inner, np.inner, [(3,), (3,)]),
    ("outer", gk.outer, np.outer, [(3,), (2,)]),
    ("Tensor.outer", lambda a, b: a.outer(b), np.outer, [(2,), (3,)]),
    ("ger", gk.ger, np.outer, [(2,), (2,)]),
    ("bmm", gk.bmm, np.matmul, [(2, 2, 3), (2, 3, 2)]),
    ("Tensor.bmm", lambda a, b: a.bmm(b), np.matmul, [(3, 1, 2), (3, 2, 2)]),
    ("addmm", lambda c, a, b: gk.addmm(c, a, b), lambda c, a, b: c + a @ b, [(2,), (2, 3), (3, 2)]),
    ("addmm beta alpha", lambda c, a, b: gk.addmm(c, a, b, beta=0.5, alpha=2.0),
     lambda c, a, b: 0.5 * c + 2.0 * (a @ b), [(2, 2), (2, 3), (3, 2)]),
    ("tensordot", lambda a, b: gk.tensordot(a, b, dims=1), lambda a, b: np.tensordot(a, b, axes=1),
     [(2, 3), (3, 2)]),
    ("tensordot dims lists", lambda a, b: gk.tensordot(a, b, dims=([0, 2], [1, 0])),
     lambda a, b: np.tensordot(a, b, axes=([0, 2], [1, 0])), [(2, 3, 2), (2, 2, 3)]),
    ("trace", gk.trace, np.trace, [(3, 3)]),
    ("diag of vector", lambda v: gk.diag(v), np.diag, [(3,)]),
    ("diag of matrix", lambda m: gk.diag(m, 1), lambda m: np.diag(m, 1), [(3, 4)]),
    ("rmatmul with ndarray", lambda b: np.arange(6.0).reshape(2, 3) @ b, lambda b: np.arange(6.0).reshape(2, 3) @ b,
     [(3, 2)]),
]


@pytest.mark.parametrize("name,fn,ref,shapes", PRODUCTS, ids=[p[0] for p in PRODUCTS])
def test_product_values(device, name, fn, ref, shapes):
    if name == "rmatmul with ndarray" and device != "cpu":
        pytest.skip("a NumPy array operand is a host array: only the CPU accepts it")
    xs = [rand64(*s, device=device, seed=10 + i) for i, s in enumerate(shapes)]
    assert_values(fn(*xs), ref(*[host(x) for x in xs]), dtype=gk.float64, rtol=1e-12)


@pytest.mark.parametrize("name,fn,ref,shapes", PRODUCTS, ids=[p[0] for p in PRODUCTS])
def test_product_grads(device, name, fn, ref, shapes):
    if name == "rmatmul with ndarray" and device != "cpu":
        pytest.skip("a NumPy array operand is a host array: only the CPU accepts it")
    xs = [rand64(*s, device=device, seed=20 + i) for i, s in enumerate(shapes)]
    check_grads(fn, tuple(xs), second_order=name not in _FIRST_ORDER)


def test_integer_matmul(device):
    a = gk.tensor([[1, 2], [3, 4]], device=device)
    out = a @ a
    assert_values(out, [[7, 10], [15, 22]], dtype=gk.int64)
    assert_values(gk.dot(gk.tensor([1, 2], device=device), gk.tensor([3, 4], device=device)), 11, dtype=gk.int64)


def test_empty_inner_dimension(device):
    out = gk.ones(2, 0, device=device) @ gk.ones(0, 3, device=device)
    assert_values(out, np.zeros((2, 3), dtype=np.float32))


def test_float32_matmul_stays_float32(device):
    a = gk.ones(2, 3, device=device, requires_grad=True)
    out = a @ gk.ones(3, device=device)
    assert out.dtype == gk.float32
    out.sum().backward()
    assert a.grad.dtype == gk.float32


@pytest.mark.parametrize("call,match", [
    (lambda d: gk.ones(2, 3, device=d) @ gk.ones(2, 3, device=d), "mat1 and mat2 shapes cannot be multiplied"),
    (lambda d: gk.ones(3, device=d) @ gk.ones(4, device=d), "inconsistent tensor size"),
    (lambda d: gk.tensor(1.0, device=d) @ gk.ones(1, device=d), "both arguments to matmul need to be at least 1D"),
    (lambda d: gk.ones(2, 3, device=d) @ gk.ones(3, 2, dtype=gk.float64, device=d),
     "expected m1 and m2 to have the same dtype"),
    (lambda d: gk.ones(2, 3, device=d) @ gk.ones(3, 2, dtype=gk.int64, device=d),
     "expected m1 and m2 to have the same dtype"),
    (lambda d: gk.ones(2, 2, 3, device=d) @ gk.ones(3, 3, 2, device=d), "must match"),
    (lambda d: gk.mm(gk.ones(3, device=d), gk.ones(3, 2, device=d)), "self must be a matrix"),
    (lambda d: gk.mv(gk.ones(2, 3, device=d), gk.ones(2, device=d)), "size mismatch"),
    (lambda d: gk.dot(gk.ones(2, 2, device=d), gk.ones(2, device=d)), "1D tensors expected"),
    (lambda d: gk.dot(gk.ones(2, device=d), gk.ones(3, device=d)), "inconsistent tensor size"),
    (lambda d: gk.bmm(gk.ones(2, 2, device=d), gk.ones(2, 2, device=d)), "batch1 must be a 3D tensor"),
    (lambda d: gk.bmm(gk.ones(2, 2, 3, device=d), gk.ones(3, 3, 2, device=d)), "bmm"),
    (lambda d: gk.outer(gk.ones(2, 2, device=d), gk.ones(2, device=d)), "outer"),
])
def test_product_errors(device, call, match):
    with pytest.raises(RuntimeError, match=match):
        call(device)


def test_matmul_inplace_on_nonleaf(device):
    a = rand64(2, 2, device=device, seed=30)
    b = rand64(2, 2, device=device, seed=31)

    def f(a, b):
        y = a * 1.0
        y @= b
        return y

    assert_values(f(a, b), host(a) @ host(b), rtol=1e-12)
    check_grads(f, (a, b))
