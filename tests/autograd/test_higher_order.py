"""create_graph=True (gradients of gradients), ``autograd.grad`` and ``backward(inputs=)``."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit as gk
from helpers import host, rand64


def scalar(v, device):
    return gk.tensor(v, dtype=gk.float64, device=device, requires_grad=True)


def test_second_and_third_derivative_of_cube(device):
    x = scalar(2.0, device)
    y = x ** 3
    (g1,) = gk.autograd.grad(y, x, create_graph=True)
    assert g1.requires_grad and g1.grad_fn is not None
    (g2,) = gk.autograd.grad(g1, x, create_graph=True)
    (g3,) = gk.autograd.grad(g2, x)
    assert (g1.item(), g2.item(), g3.item()) == (12.0, 12.0, 6.0)
    assert not g3.requires_grad


def test_backward_with_create_graph_then_grad_of_grad(device):
    x = scalar(2.0, device)
    (x ** 3).backward(create_graph=True)
    g = x.grad
    assert g.requires_grad and g.item() == 12.0
    (g2,) = gk.autograd.grad(g, x)
    assert g2.item() == 12.0
    x.grad = None


def test_create_graph_accumulation_is_out_of_place(device):
    x = scalar(2.0, device)
    (x ** 3).backward(create_graph=True)
    first = x.grad
    (x ** 2).backward(create_graph=True)
    assert x.grad.item() == 16.0 and first.item() == 12.0  # the first grad is part of a graph: left alone
    (g2,) = gk.autograd.grad(x.grad, x)
    assert g2.item() == 12.0 + 2.0


@pytest.mark.parametrize("fn, d1, d2", [
    (lambda x: x.exp(), lambda v: math.exp(v), lambda v: math.exp(v)),
    (lambda x: x.tanh(), lambda v: 1 - math.tanh(v) ** 2, lambda v: -2 * math.tanh(v) * (1 - math.tanh(v) ** 2)),
    (lambda x: x.sigmoid(), lambda v: (s := 1 / (1 + math.exp(-v))) * (1 - s),
     lambda v: (s := 1 / (1 + math.exp(-v))) * (1 - s) * (1 - 2 * s)),
    (lambda x: x.log(), lambda v: 1 / v, lambda v: -1 / v ** 2),
    (lambda x: x.sin() * x, lambda v: math.cos(v) * v + math.sin(v), lambda v: -math.sin(v) * v + 2 * math.cos(v)),
], ids=["exp", "tanh", "sigmoid", "log", "x_sin_x"])
def test_grad_of_grad_elementwise(device, fn, d1, d2):
    values = [0.3, 0.8, 1.7]
    x = gk.tensor(values, dtype=gk.float64, device=device, requires_grad=True)
    (g,) = gk.autograd.grad(fn(x).sum(), x, create_graph=True)
    (gg,) = gk.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(host(g), [d1(v) for v in values], rtol=1e-12)
    np.testing.assert_allclose(host(gg), [d2(v) for v in values], rtol=1e-12)


def test_grad_of_grad_through_matmul(device):
    """f(W) = sum((W x)^2): df/dW = 2 (W x) x^T, and d/dW of sum(df/dW * C) = 2 C x x^T."""
    W = rand64(3, 2, device=device, seed=1)
    xv = rand64(2, 1, device=device, seed=2, requires_grad=False)
    C = rand64(3, 2, device=device, seed=3, requires_grad=False)
    (g,) = gk.autograd.grad(((W @ xv) ** 2).sum(), W, create_graph=True)
    np.testing.assert_allclose(host(g), 2 * host(W) @ host(xv) @ host(xv).T, rtol=1e-12)
    (gg,) = gk.autograd.grad((g * C).sum(), W)
    np.testing.assert_allclose(host(gg), 2 * host(C) @ host(xv) @ host(xv).T, rtol=1e-12)


def test_hessian_vector_product(device):
    x = rand64(4, device=device, seed=4)
    v = rand64(4, device=device, seed=5, requires_grad=False)
    f = (x ** 3).sum() + (x[0] * x[1])
    (g,) = gk.autograd.grad(f, x, create_graph=True)
    (hv,) = gk.autograd.grad(g, x, grad_outputs=v)
    H = np.diag(6 * host(x))
    H[0, 1] += 1
    H[1, 0] += 1
    np.testing.assert_allclose(host(hv), H @ host(v), rtol=1e-12)


# -- autograd.grad ------------------------------------------------------------------------
def test_grad_does_not_touch_dot_grad(device):
    x = scalar(3.0, device)
    (g,) = gk.autograd.grad(x * x, x)
    assert g.item() == 6.0 and x.grad is None and not g.requires_grad


def test_grad_with_grad_outputs_and_several_outputs(device):
    x = gk.tensor([1.0, 2.0], dtype=gk.float64, device=device, requires_grad=True)
    (g,) = gk.autograd.grad(x * x, x, grad_outputs=gk.tensor([1.0, 0.5], dtype=gk.float64, device=device))
    np.testing.assert_allclose(host(g), [2.0, 2.0])
    (g,) = gk.autograd.grad([(x * x).sum(), (x * 3).sum()], [x])
    np.testing.assert_allclose(host(g), [5.0, 7.0])


def test_grad_outputs_shape_mismatch(device):
    x = scalar(1.0, device)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        gk.autograd.grad(x * x, x, grad_outputs=gk.ones(2, dtype=gk.float64, device=device))


def test_grad_single_tensor_input_returns_a_tuple(device):
    x = scalar(1.0, device)
    out = gk.autograd.grad(x * 2, x)
    assert isinstance(out, tuple) and len(out) == 1


def test_grad_with_respect_to_non_leaf(device):
    x = scalar(2.0, device)
    h = x * 3
    y = h * h
    (gh,) = gk.autograd.grad(y, h, retain_graph=True)
    assert gh.item() == 12.0
    gh2, gx = gk.autograd.grad(y, [h, x])
    assert (gh2.item(), gx.item()) == (12.0, 36.0)
    assert x.grad is None


def test_grad_unused_input_raises_unless_allowed(device):
    x, z = scalar(2.0, device), scalar(5.0, device)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        gk.autograd.grad(x * 2, [x, z])
    gx, gz = gk.autograd.grad(x * 2, [x, z], allow_unused=True)
    assert gx.item() == 2.0 and gz is None


def test_grad_materialize_grads(device):
    x, z = scalar(2.0, device), scalar(5.0, device)
    gx, gz = gk.autograd.grad(x * 2, [x, z], materialize_grads=True)
    assert gx.item() == 2.0 and gz.item() == 0.0 and gz.shape == z.shape and gz.device == z.device
    with pytest.raises(ValueError, match="allow_unused"):
        gk.autograd.grad(x * 2, [x, z], allow_unused=False, materialize_grads=True)


def test_grad_input_that_does_not_require_grad(device):
    x = scalar(2.0, device)
    c = gk.tensor(1.0, device=device)
    with pytest.raises(RuntimeError, match="does not require grad"):
        gk.autograd.grad(x * c, [c])


def test_grad_retain_graph(device):
    x = scalar(2.0, device)
    y = x.exp()
    gk.autograd.grad(y, x, retain_graph=True)
    (g,) = gk.autograd.grad(y, x)
    assert g.item() == pytest.approx(math.exp(2.0))
    with pytest.raises(RuntimeError, match="second time"):
        gk.autograd.grad(y, x)


def test_grad_create_graph_retains_by_default(device):
    x = scalar(2.0, device)
    y = x.exp()
    gk.autograd.grad(y, x, create_graph=True)
    gk.autograd.grad(y, x)  # retain_graph defaults to create_graph


# -- backward(inputs=...) -----------------------------------------------------------------
def test_backward_inputs_only_accumulates_into_those(device):
    a, b = scalar(2.0, device), scalar(3.0, device)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 3.0 and b.grad is None
    (a * b).backward(inputs=b)
    assert a.grad.item() == 3.0 and b.grad.item() == 2.0


def test_backward_inputs_non_leaf(device):
    a, b = scalar(2.0, device), scalar(3.0, device)
    h = a * b
    (h * h).backward(inputs=[h])
    assert h.grad.item() == 12.0  # PyTorch accumulates into a non-leaf named in inputs=
    assert a.grad is None and b.grad is None

    a2, b2 = scalar(2.0, device), scalar(3.0, device)
    h2 = a2 * b2
    (h2 * h2).backward(inputs=[a2, h2])
    assert (h2.grad.item(), a2.grad.item(), b2.grad) == (12.0, 36.0, None)


def test_backward_inputs_non_leaf_that_retains_grad(device):
    a = scalar(2.0, device)
    h = a * 3
    h.retain_grad()
    (h * h).backward(inputs=[h])
    assert h.grad.item() == 12.0  # counted once


def test_backward_inputs_errors(device):
    a = scalar(2.0, device)
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (a * a).backward(inputs=[])
    with pytest.raises(RuntimeError, match="does not require grad"):
        (a * a).backward(inputs=[gk.tensor(1.0, device=device)])
