"""Custom ``autograd.Function``: ctx.save_for_backward, needs_input_grad, non-tensor
arguments, several outputs, mark_non_differentiable, materialize_grads; gradcheck and
gradgradcheck on them, and gradcheck catching a wrong backward."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from gradkit.autograd import Function, GradcheckError, gradcheck, gradgradcheck
from helpers import host, rand64


class ScaledMul(Function):
    """k * x * y with a Python scalar k."""

    @staticmethod
    def forward(ctx, x, y, k):
        ctx.save_for_backward(x, y)
        ctx.k = k
        ctx.seen_needs = ctx.needs_input_grad
        return x * y * k

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = g * y * ctx.k if ctx.needs_input_grad[0] else None
        gy = g * x * ctx.k if ctx.needs_input_grad[1] else None
        return gx, gy, None


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2


class WrongCube(Function):
    """Backward off by a factor: gradcheck must say so."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x ** 2


class CubeFirstOrderOnly(Function):
    """Right first derivative, but detaches x, so its second derivative is wrong."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x.detach() ** 2


class ExpAndArgmax(Function):
    """Three outputs, the last an index marked non-differentiable."""

    @staticmethod
    def forward(ctx, x):
        e = x.exp()
        idx = x.argmax()
        ctx.save_for_backward(e)
        ctx.mark_non_differentiable(idx)
        return x * 2, e, idx

    @staticmethod
    def backward(ctx, g_double, g_exp, g_idx):
        (e,) = ctx.saved_tensors
        return g_double * 2 + g_exp * e


def test_forward_backward_and_ctx(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = gk.tensor([3.0, 4.0], device=device)
    z = ScaledMul.apply(x, y, 2.0)
    assert z.requires_grad and not z.is_leaf and z.grad_fn.name() == "ScaledMulBackward"
    assert z.grad_fn.seen_needs == (True, False, False)
    z.sum().backward()
    np.testing.assert_array_equal(host(x.grad), [6.0, 8.0])
    assert y.grad is None


def test_forward_runs_without_recording(device):
    class Peek(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.inner = (gk.is_grad_enabled(), (x * 2).requires_grad)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = gk.tensor([1.0], device=device, requires_grad=True)
    out = Peek.apply(x)
    assert out.grad_fn.inner == (False, False) and out.requires_grad


def test_no_graph_when_nothing_requires_grad(device):
    x = gk.tensor([1.0, 2.0], device=device)
    z = ScaledMul.apply(x, x, 1.0)
    assert not z.requires_grad and z.grad_fn is None
    xr = x.clone().requires_grad_()
    with gk.no_grad():
        z = ScaledMul.apply(xr, xr, 1.0)
    assert not z.requires_grad


def test_saved_tensors_freed_after_backward(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    s = ScaledMul.apply(x, x, 1.0).sum()
    s.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        s.backward()
    s2 = ScaledMul.apply(x, x, 1.0).sum()
    s2.backward(retain_graph=True)
    s2.backward()
    np.testing.assert_array_equal(host(x.grad), [2.0 + 4.0, 4.0 + 8.0])


def test_multiple_outputs_and_non_differentiable(device):
    x = gk.tensor([1.0, 2.0], dtype=gk.float64, device=device, requires_grad=True)
    d, e, idx = ExpAndArgmax.apply(x)
    assert d.requires_grad and e.requires_grad
    assert not idx.requires_grad and idx.item() == 1
    (d.sum() + e.sum()).backward()
    np.testing.assert_allclose(host(x.grad), 2 + np.exp([1.0, 2.0]), rtol=1e-12)
    x.grad = None
    d, e, idx = ExpAndArgmax.apply(x)
    d.sum().backward()  # e unused: its gradient arrives as zeros (materialize_grads)
    np.testing.assert_array_equal(host(x.grad), [2.0, 2.0])


def test_set_materialize_grads_false_passes_none(device):
    seen = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append(g2 is None)
            return g1 * 2 if g2 is None else g1 * 2 + g2 * 3

    x = gk.tensor([1.0, 1.0], device=device, requires_grad=True)
    a, _ = Two.apply(x)
    a.sum().backward()
    assert seen == [True]
    np.testing.assert_array_equal(host(x.grad), [2.0, 2.0])


def test_wrong_number_of_gradients_raises(device):
    class Short(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    x = gk.tensor([1.0], device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Short.apply(x, x).sum().backward()


def test_save_for_backward_rejects_non_tensors(device):
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3.0)
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(TypeError, match="save_for_backward can only save tensors"):
        Bad.apply(gk.tensor([1.0], device=device, requires_grad=True))


def test_function_output_feeds_ordinary_ops(device):
    x = rand64(3, device=device, seed=3)
    y = (Cube.apply(x) * x.exp()).sum()
    y.backward()
    xv = host(x)
    np.testing.assert_allclose(host(x.grad), (3 * xv ** 2 + xv ** 3) * np.exp(xv), rtol=1e-12)


# -- gradcheck / gradgradcheck ----------------------------------------------------------------
def test_gradcheck_and_gradgradcheck_pass(device):
    x, y = rand64(3, device=device, seed=1), rand64(3, device=device, seed=2)
    assert gradcheck(lambda a, b: ScaledMul.apply(a, b, 3.0), (x, y))
    assert gradgradcheck(lambda a, b: ScaledMul.apply(a, b, 3.0), (x, y))
    assert gradcheck(Cube.apply, (x,))
    assert gradgradcheck(Cube.apply, (x,))
    assert gradcheck(lambda a: ExpAndArgmax.apply(a)[:2], (x,))


def test_gradcheck_catches_a_wrong_backward(device):
    x = rand64(3, device=device, seed=4)
    assert gradcheck(WrongCube.apply, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradcheck(WrongCube.apply, (x,))
    assert issubclass(GradcheckError, RuntimeError)


def test_gradgradcheck_catches_a_wrong_double_backward(device):
    x = rand64(3, low=0.5, high=1.5, device=device, seed=5)
    assert gradcheck(CubeFirstOrderOnly.apply, (x,))
    assert gradgradcheck(CubeFirstOrderOnly.apply, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError):
        gradgradcheck(CubeFirstOrderOnly.apply, (x,))


def test_gradcheck_needs_an_input_that_requires_grad(device):
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(Cube.apply, (gk.ones(2, dtype=gk.float64, device=device),))


def test_gradcheck_warns_for_single_precision(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    with pytest.warns(UserWarning, match="double precision"):
        gradcheck(lambda a: a * 2, (x,), eps=1e-3, atol=1e-2, raise_exception=False)
