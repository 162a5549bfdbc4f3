"""nn's gradient ops (gradkit.ops.nn): each hot op's gradient is one op, whose forward is a
backend kernel and whose backward is made of ops. For each: float64 first- and second-order
finite-difference checks of the op itself, and the first derivative recorded with
create_graph=True (the op recorded) equal to the plain one (the kernel alone)."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
import gradkit.nn.functional as F
from gradkit.autograd import gradcheck
from gradkit.ops.nn import (CrossEntropyGrad, GeluGrad, LinearGradBias, LinearGradInput, LinearGradWeight,
                            LogSoftmaxGrad, NLLPickGrad, ReluGrad, SoftmaxGrad)
from helpers import check_grads, host, rand64


def _same_bits(a, b):
    a, b = host(a), host(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True) and \
        np.array_equal(np.signbit(a), np.signbit(b))


def _away_from_zero(device, *shape, seed):
    """Values in [-1, -0.2] and [0.2, 1] (relu's kink at 0 out of the differences' reach)."""
    t = rand64(*shape, device=device, low=0.2, high=1.0, requires_grad=False, seed=seed)
    sign = rand64(*shape, device=device, requires_grad=False, seed=seed + 1).sign()
    return t * gk.where(sign == 0, 1.0, sign)


# ----------------------------------------------------------------------------- the ops themselves
def test_relu_grad_checks(device):
    y = F.relu(_away_from_zero(device, 3, 4, seed=0))
    g = rand64(3, 4, device=device, seed=2)
    check_grads(lambda g: ReluGrad.run(y, g), (g,))


def test_gelu_grad_checks(device):
    x = rand64(3, 4, device=device, low=-3.0, high=3.0, seed=0)
    g = rand64(3, 4, device=device, seed=1)
    check_grads(GeluGrad.run, (x, g))


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (4,), (1, 4)], ids=["2d", "3d", "1d", "one-row"])
def test_linear_grad_ops_check(device, shape):
    out_f, in_f = 5, shape[-1]
    g = rand64(*shape[:-1], out_f, device=device, seed=0)
    x = rand64(*shape, device=device, seed=1)
    w = rand64(out_f, in_f, device=device, seed=2)
    check_grads(LinearGradInput.run, (g, w))
    check_grads(LinearGradWeight.run, (g, x))
    check_grads(LinearGradBias.run, (g,))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_grad_ops_check(device, dim):
    x = rand64(3, 4, device=device, seed=0)
    g = rand64(3, 4, device=device, seed=1)
    # the output y as an input of its own: the ops are checked in y and g over all of R^n
    y = F.log_softmax(x, dim).detach().requires_grad_()
    check_grads(lambda y, g: LogSoftmaxGrad.run(y, g, {"axis": dim}), (y, g))
    y = F.softmax(x, dim).detach().requires_grad_()
    check_grads(lambda y, g: SoftmaxGrad.run(y, g, {"axis": dim}), (y, g))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("targets", [[0, 2, 1, 2], [0, -100, 1, 2]], ids=["all-valid", "ignored"])
def test_cross_entropy_grad_checks(device, reduction, targets):
    x = rand64(4, 3, device=device, seed=0)
    t = gk.tensor(targets, device=device)
    g = rand64(*((4,) if reduction == "none" else ()), device=device, seed=1)

    def grad(x, g):
        (gx,) = gk.autograd.grad(F.cross_entropy(x, t, reduction=reduction), x, g, create_graph=True)
        assert type(gx.grad_fn) is CrossEntropyGrad
        return gx

    # the op's value, then its derivatives in the logits and in the loss's gradient
    assert gradcheck(lambda x: F.cross_entropy(x, t, reduction=reduction), (x,))
    check_grads(grad, (x, g))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_pick_grad_checks(device, reduction, weighted):
    lp = rand64(4, 3, device=device, seed=0)
    t = gk.tensor([0, 2, -100, 1], device=device)
    w = rand64(3, device=device, low=0.5, high=1.5, requires_grad=False, seed=1) if weighted else None
    g = rand64(*((4,) if reduction == "none" else ()), device=device, seed=2)

    def grad(lp, g):
        (glp,) = gk.autograd.grad(F.nll_loss(lp, t, w, reduction=reduction), lp, g, create_graph=True)
        assert type(glp.grad_fn) is NLLPickGrad
        return glp

    check_grads(grad, (lp, g))


def test_third_derivative_of_cross_entropy(device):
    # the gradient op's backward is made of ops (softmax on the logits' edge): a third order exists
    x = rand64(3, 4, device=device, seed=0)
    t = gk.tensor([1, 0, 3], device=device)

    def second(x):
        (g,) = gk.autograd.grad(F.cross_entropy(x, t), x, create_graph=True)
        (h,) = gk.autograd.grad((g * g).sum(), x, create_graph=True)
        return h

    assert gradcheck(second, (x,))


# ----------------------------------------------------------------------------- recorded == plain
def _plain_and_recorded(out, inputs, g):
    plain = gk.autograd.grad(out, inputs, g, retain_graph=True)
    recorded = gk.autograd.grad(out, inputs, g, create_graph=True)
    return plain, recorded


@pytest.mark.parametrize("dtype", [gk.float32, gk.float64])
def test_relu_recorded_gradient_is_the_plain_one(device, dtype):
    gk.manual_seed(0)
    x = gk.randn(64, 96, dtype=dtype, device=device, requires_grad=True)  # above the NumPy bit trick's size
    g = gk.randn(64, 96, dtype=dtype, device=device)
    (p,), (r,) = _plain_and_recorded(F.relu(x), (x,), g)
    assert _same_bits(p, r) and type(r.grad_fn) is ReluGrad and p.grad_fn is None
    assert r.grad_fn.name() == "ThresholdBackwardBackward0"


@pytest.mark.parametrize("dtype", [gk.float32, gk.float64])
def test_gelu_recorded_gradient_is_the_plain_one(device, dtype):
    gk.manual_seed(0)
    x = gk.randn(6, 5, dtype=dtype, device=device, requires_grad=True) * 3.0
    g = gk.randn(6, 5, dtype=dtype, device=device)
    (p,), (r,) = _plain_and_recorded(F.gelu(x), (x,), g)
    assert _same_bits(p, r) and type(r.grad_fn) is GeluGrad


@pytest.mark.parametrize("shape", [(16, 8), (1, 8), (2, 3, 8), (8,)], ids=["2d", "one-row", "3d", "1d"])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_recorded_gradients_are_the_plain_ones(device, shape, bias):
    gk.manual_seed(0)
    x = gk.randn(*shape, device=device, requires_grad=True)
    w = gk.randn(5, 8, device=device, requires_grad=True)
    b = gk.randn(5, device=device, requires_grad=True) if bias else None
    out = F.linear(x, w, b)
    g = gk.randn(*out.shape, device=device, requires_grad=True)  # so that the bias's gradient is recorded too
    inputs = (x, w, b) if bias else (x, w)
    plain, recorded = _plain_and_recorded(out, inputs, g)
    for p, r, op in zip(plain, recorded, (LinearGradInput, LinearGradWeight, LinearGradBias)):
        assert _same_bits(p, r) and type(r.grad_fn) is op


@pytest.mark.parametrize("fn, op", [(F.log_softmax, LogSoftmaxGrad), (F.softmax, SoftmaxGrad)])
@pytest.mark.parametrize("dim", [0, 1])
def test_softmax_recorded_gradients_are_the_plain_ones(device, fn, op, dim):
    gk.manual_seed(0)
    x = gk.randn(6, 5, dtype=gk.float64, device=device, requires_grad=True)
    g = gk.randn(6, 5, dtype=gk.float64, device=device)
    (p,), (r,) = _plain_and_recorded(fn(x, dim), (x,), g)
    assert _same_bits(p, r) and type(r.grad_fn) is op


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("targets", [[0, 2, 4, 1, 2, 3], [0, -100, 4, 1, -100, 3]], ids=["all-valid", "ignored"])
def test_cross_entropy_recorded_gradient_is_the_plain_one(device, reduction, targets):
    gk.manual_seed(0)
    x = gk.randn(6, 5, device=device, requires_grad=True)
    t = gk.tensor(targets, device=device)
    out = F.cross_entropy(x, t, reduction=reduction)
    g = gk.randn(6, device=device) if reduction == "none" else None
    (p,), (r,) = _plain_and_recorded(out, (x,), g)
    assert _same_bits(p, r) and type(r.grad_fn) is CrossEntropyGrad


def test_cross_entropy_allows_changing_the_logits_after_the_loss():
    # as in PyTorch (log_softmax keeps its output, not its input): the gradient uses the forward's values
    x = gk.randn(4, 3, requires_grad=True)
    logits = x * 1.0
    t = gk.tensor([0, 2, 1, 2])
    loss = F.cross_entropy(logits, t)
    (expected,) = gk.autograd.grad(F.cross_entropy(x * 1.0, t), x)
    with gk.no_grad():
        logits.add_(5.0)
    loss.backward()
    assert _same_bits(x.grad, expected)


def test_gradient_ops_refuse_a_changed_saved_output():
    x = gk.randn(3, 4, requires_grad=True)
    y = F.relu(x)
    with gk.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# ----------------------------------------------------------------------------- NumPy kernels
@pytest.mark.parametrize("rows", [(16,), (1,), (2, 3)], ids=["batch", "one-row", "3d"])
def test_numpy_linear_grad_kernels_match_the_portable_ones(rows):
    from gradkit.backends import Backend

    backend = gk.device("cpu").backend
    rng = np.random.default_rng(0)
    g = rng.standard_normal((*rows, 5)).astype(np.float32)
    x = rng.standard_normal((*rows, 7)).astype(np.float32)
    w = rng.standard_normal((5, 7)).astype(np.float32)
    for name, args in (("linear_grad_input", (g, w)), ("linear_grad_weight", (g, x))):
        fast, portable = getattr(backend, name)(*args), getattr(Backend, name)(backend, *args)
        assert fast.dtype == portable.dtype and np.array_equal(fast, portable), name
    # the bias gradient's column sums are a BLAS product with ones (backends/_numpy_sums.py):
    # the same sums, added in another order
    fast, portable = backend.linear_grad_bias(g), Backend.linear_grad_bias(backend, g)
    assert fast.dtype == portable.dtype and fast.shape == portable.shape
    np.testing.assert_allclose(fast, portable, rtol=1e-6, atol=1e-6)
