"""detach, detach_, requires_grad(_), is_leaf, grad_fn names, retain_grad, and the
warning for ``.grad`` on a non-leaf, as PyTorch 2.13 has them."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gradkit as gk
from helpers import host


def leaf(values, device):
    return gk.tensor(values, device=device, requires_grad=True)


def test_detach_shares_storage_and_version(device):
    a = leaf([1.0, 2.0, 3.0], device)
    b = a * 2
    d = b.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    v0 = b._version_number
    d.add_(1)
    np.testing.assert_array_equal(host(b), [3.0, 5.0, 7.0])  # same storage
    assert b._version_number == v0 + 1 and d._version_number == b._version_number
    b.mul_(2)
    np.testing.assert_array_equal(host(d), [6.0, 10.0, 14.0])


def test_inplace_on_detached_invalidates_saved_tensor(device):
    a = leaf([1.0, 2.0, 3.0], device)
    b = a * 2
    c = b * b  # saves b
    b.detach().add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()


def test_detach_of_leaf_allows_inplace(device):
    a = leaf([1.0, 2.0], device)
    a.detach().zero_()  # not a leaf that requires grad: allowed, and changes a
    np.testing.assert_array_equal(host(a), [0.0, 0.0])


def test_detach_cuts_the_graph(device):
    x = leaf([1.0, 2.0, 3.0], device)
    y = x * x
    u = y.detach()
    (u * x).sum().backward()
    np.testing.assert_array_equal(host(x.grad), host(u))


def test_detach_in_place(device):
    a = leaf([1.0, 2.0], device)
    b = a * 2
    assert b.detach_() is b
    assert b.is_leaf and not b.requires_grad and b.grad_fn is None
    a.detach_()
    assert a.is_leaf and not a.requires_grad
    c = leaf([1.0, 2.0], device) * 2
    with pytest.raises(RuntimeError, match="Can't detach views in-place"):
        c[:1].detach_()


def test_requires_grad_on_integer_tensors_raises(device):
    t = gk.tensor([1, 2], device=device)
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        t.requires_grad_()
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        t.requires_grad = True
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        gk.tensor([1, 2], device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        gk.tensor([True, False], device=device).requires_grad_()
    assert t.requires_grad_(False) is t and not t.requires_grad


def test_requires_grad_on_a_non_leaf(device):
    b = leaf([1.0, 2.0], device) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        b.requires_grad = False
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        b.requires_grad_(False)
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        b.requires_grad = True  # the setter refuses both ways, as in PyTorch
    assert b.requires_grad_() is b and b.requires_grad  # requires_grad_(True) is a no-op


def test_requires_grad_toggle_on_leaf(device):
    t = gk.ones(2, device=device)
    assert not t.requires_grad
    t.requires_grad = True
    assert t.requires_grad and t.is_leaf
    assert (t * 2).requires_grad
    t.requires_grad_(False)
    assert not (t * 2).requires_grad


def test_is_leaf(device):
    a = leaf([1.0], device)
    c = gk.ones(1, device=device)
    assert a.is_leaf and c.is_leaf
    assert not (a * 2).is_leaf
    assert (c * 2).is_leaf and not (c * 2).requires_grad  # no history without an input that requires grad
    with gk.no_grad():
        z = a * 2
    assert z.is_leaf and not z.requires_grad


@pytest.mark.parametrize("build, name", [
    (lambda a: a * 2, "MulBackward0"),
    (lambda a: a + 1, "AddBackward0"),
    (lambda a: a - 1, "SubBackward0"),
    (lambda a: a / 2, "DivBackward0"),
    (lambda a: -a, "NegBackward0"),
    (lambda a: a ** 2, "PowBackward0"),
    (lambda a: a.exp(), "ExpBackward0"),
    (lambda a: a.log(), "LogBackward0"),
    (lambda a: a.tanh(), "TanhBackward0"),
    (lambda a: a.sigmoid(), "SigmoidBackward0"),
    (lambda a: a.relu(), "ReluBackward0"),
    (lambda a: a.sum(), "SumBackward0"),
    (lambda a: a.reshape(3, 1), "ViewBackward0"),
    (lambda a: a.view(1, 3), "ViewBackward0"),
    (lambda a: a.unsqueeze(0).expand(2, 3), "ExpandBackward0"),
    (lambda a: a.clone(), "CloneBackward0"),
])
def test_grad_fn_names(device, build, name):
    a = leaf([1.0, 2.0, 3.0], device)
    y = build(a)
    assert y.grad_fn.name() == name
    assert f"grad_fn=<{name}>" in repr(y)


def test_repr_of_leaf_and_detached(device):
    a = leaf([1.0, 2.0], device)
    assert "requires_grad=True" in repr(a) and "grad_fn" not in repr(a)
    assert "requires_grad" not in repr(a.detach())


def test_next_functions_reach_the_leaf_accumulator(device):
    a = leaf([1.0, 2.0], device)
    b = leaf([3.0, 4.0], device)
    y = a * b
    names = [fn.name() for fn, _ in y.grad_fn.next_functions]
    assert names == ["AccumulateGrad", "AccumulateGrad"]
    assert y.grad_fn.next_functions[0][0].variable is a


def test_retain_grad_on_non_leaf(device):
    a = leaf([1.0, 1.0, 1.0], device)
    b = a * 2
    b.retain_grad()
    b.retain_grad()  # twice: still one hook
    assert b.retains_grad and not a.retains_grad
    c = (b * b).sum()
    c.backward(retain_graph=True)
    np.testing.assert_array_equal(host(b.grad), [4.0, 4.0, 4.0])
    c.backward()
    np.testing.assert_array_equal(host(b.grad), [8.0, 8.0, 8.0])
    np.testing.assert_array_equal(host(a.grad), [16.0, 16.0, 16.0])


def test_retain_grad_errors_and_leaves(device):
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
        gk.ones(2, device=device).retain_grad()
    a = leaf([1.0], device)
    a.retain_grad()  # a leaf keeps its grad anyway
    assert not a.retains_grad


def test_retained_grad_does_not_alias_leaf_grad(device):
    a = leaf([1.0, 2.0], device)
    b = a + 0  # add passes the gradient through unchanged
    b.retain_grad()
    b.sum().backward()
    b.grad.zero_()
    np.testing.assert_array_equal(host(a.grad), [1.0, 1.0])


def test_grad_of_non_leaf_warns(device):
    b = leaf([1.0, 2.0], device) * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert b.grad is None
    b.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert b.grad is None  # retains grad: no warning
