"""no_grad / enable_grad / set_grad_enabled / inference_mode as context managers and as
decorators, backward() inside no_grad, and grad mode per thread."""
from __future__ import annotations

import threading

import numpy as np
import pytest

import gradkit as gk
from helpers import host


def leaf(device):
    return gk.tensor([1.0, 2.0], device=device, requires_grad=True)


def test_no_grad_context(device):
    a = leaf(device)
    with gk.no_grad():
        assert not gk.is_grad_enabled()
        y = a * 2
    assert gk.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf


def test_enable_grad_inside_no_grad(device):
    a = leaf(device)
    with gk.no_grad():
        with gk.enable_grad():
            y = a * 2
        z = a * 2
    assert y.requires_grad and y.grad_fn is not None
    assert not z.requires_grad


def test_set_grad_enabled_context_and_function(device):
    a = leaf(device)
    with gk.set_grad_enabled(False):
        assert not (a * 2).requires_grad
    assert gk.is_grad_enabled()
    with gk.set_grad_enabled(True):
        assert (a * 2).requires_grad
    gk.set_grad_enabled(False)  # as a plain call it takes effect at once
    try:
        assert not gk.is_grad_enabled() and not (a * 2).requires_grad
    finally:
        gk.set_grad_enabled(True)
    assert gk.is_grad_enabled()


def test_inference_mode(device):
    a = leaf(device)
    with gk.inference_mode():
        assert not gk.is_grad_enabled() and gk.is_inference_mode_enabled()
        assert not (a * 2).requires_grad
        with gk.inference_mode(False):
            assert gk.is_grad_enabled() and not gk.is_inference_mode_enabled()
    assert gk.is_grad_enabled() and not gk.is_inference_mode_enabled()


def test_decorators_with_and_without_parentheses(device):
    a = leaf(device)

    @gk.no_grad()
    def f1():
        return a * 2

    @gk.no_grad
    def f2():
        return a * 2

    @gk.inference_mode()
    def f3():
        return a * 2

    @gk.inference_mode
    def f4():
        return a * 2

    @gk.set_grad_enabled(False)
    def f5():
        return a * 2

    for f in (f1, f2, f3, f4, f5):
        assert not f().requires_grad, f
        assert gk.is_grad_enabled()
    assert f2.__name__ == "f2"

    @gk.enable_grad()
    def g1():
        return a * 2

    @gk.enable_grad
    def g2():
        return a * 2

    @gk.inference_mode(False)
    def g3():
        return a * 2

    with gk.no_grad():
        assert all(g().requires_grad for g in (g1, g2, g3))
        assert not gk.is_grad_enabled()


def test_decorated_generator_runs_under_the_mode():
    @gk.no_grad()
    def gen():
        received = yield gk.is_grad_enabled()
        yield (received, gk.is_grad_enabled())

    it = gen()
    assert next(it) is False
    assert gk.is_grad_enabled()  # the caller keeps its own mode between steps
    assert it.send("x") == ("x", False)
    assert gk.is_grad_enabled()


def test_mode_restored_after_exception():
    with pytest.raises(ValueError):
        with gk.no_grad():
            raise ValueError
    assert gk.is_grad_enabled()

    @gk.no_grad()
    def boom():
        raise KeyError

    with pytest.raises(KeyError):
        boom()
    assert gk.is_grad_enabled()


def test_one_instance_entered_twice():
    """PyTorch's no_grad leaves grad mode off after this; gradkit restores it (a stack)."""
    ctx = gk.no_grad()
    with ctx:
        with ctx:
            assert not gk.is_grad_enabled()
        assert not gk.is_grad_enabled()
    assert gk.is_grad_enabled()


def test_backward_inside_no_grad(device):
    """d2l-en calls loss.backward() inside no_grad."""
    a = leaf(device)
    loss = (a * a).sum()
    with gk.no_grad():
        loss.backward()
        assert not gk.is_grad_enabled()
    np.testing.assert_array_equal(host(a.grad), [2.0, 4.0])


def test_create_graph_inside_no_grad(device):
    a = leaf(device)
    y = (a ** 3).sum()
    with gk.no_grad():
        (g,) = gk.autograd.grad(y, a, create_graph=True)
        assert not gk.is_grad_enabled()
    assert g.requires_grad  # as in PyTorch: create_graph records whatever the ambient mode
    (gg,) = gk.autograd.grad(g.sum(), a)
    np.testing.assert_array_equal(host(gg), [6.0, 12.0])


def test_grad_mode_is_per_thread(device):
    a = leaf(device)
    entered, checked = threading.Event(), threading.Event()
    seen = {}

    def no_grad_thread():
        with gk.no_grad():
            entered.set()
            checked.wait(5)
            seen["no_grad"] = (gk.is_grad_enabled(), (a * 2).requires_grad)

    def other_thread():
        entered.wait(5)
        seen["other"] = (gk.is_grad_enabled(), (a * 2).requires_grad)
        checked.set()

    threads = [threading.Thread(target=no_grad_thread), threading.Thread(target=other_thread)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"no_grad": (False, False), "other": (True, True)}


def test_new_thread_starts_with_grad_enabled():
    seen = []
    with gk.no_grad():
        t = threading.Thread(target=lambda: seen.append(gk.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_backward_in_a_thread(device):
    a = leaf(device)
    errors = []

    def work():
        try:
            (a * 3).sum().backward()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert not errors
    np.testing.assert_array_equal(host(a.grad), [3.0, 3.0])
