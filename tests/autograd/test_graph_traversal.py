"""The engine's walk over the graph: Python control flow, very deep and deep-and-wide
graphs without recursion, each node's backward run once with its gradients summed, and
saved tensors freed after backward."""
from __future__ import annotations

import gc
import random
import sys
import weakref

import numpy as np
import pytest

import gradkit as gk
from helpers import host


def test_d2l_control_flow(device):
    """d2l's ``f(a)``: a while loop on the norm and an if on the sum; f is linear in a,
    so a.grad == f(a) / a."""

    def f(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b.sum() > 0:
            c = b
        else:
            c = 100 * b
        return c

    gk.manual_seed(0)
    for a in (gk.randn(size=(), device=device, requires_grad=True), gk.tensor(-0.3, device=device, requires_grad=True)):
        d = f(a)
        d.backward()
        assert bool(a.grad == d / a)
    a = gk.randn(size=(3,), device=device, requires_grad=True)
    d = f(a)
    d.sum().backward()
    assert bool((a.grad == d / a).all())


@pytest.mark.parametrize("n", [100_000])
def test_very_long_chain_on_cpu(n):
    x = gk.ones(1, device="cpu", requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.item() == 1.0
    del y  # freeing the chain doesn't recurse either
    gc.collect()


def _tight_recursion_limit(headroom=150):
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth + headroom


def test_long_chain_runs_without_recursion(device):
    """Under a recursion limit barely above the current depth, a 5,000-node chain still runs
    backward (and retains, re-runs and frees it): the walk is iterative."""
    x = gk.ones(2, device=device, requires_grad=True)
    y = x
    for i in range(5_000):
        y = y * 1.0 if i % 2 else y + 0.0
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(_tight_recursion_limit())
    try:
        y.sum().backward(retain_graph=True)
        (g,) = gk.autograd.grad(y.sum(), x, retain_graph=True)
        y.sum().backward()
    finally:
        sys.setrecursionlimit(old)
    np.testing.assert_array_equal(host(g), [1.0, 1.0])
    np.testing.assert_array_equal(host(x.grad), [2.0, 2.0])
    del y
    gc.collect()


def test_deep_and_wide_graph(device):
    """8 interleaved paths, each layer averaging neighbours, 600 layers deep: every node
    feeds two others. Averaging keeps the total, so d sum(last) / dx = sum of the weights."""
    width, depth = 8, 600
    x = gk.ones(2, dtype=gk.float64, device=device, requires_grad=True)
    layer = [x * float(j + 1) for j in range(width)]
    for _ in range(depth):
        layer = [(layer[j] + layer[(j + 1) % width]) * 0.5 for j in range(width)]
    total = layer[0]
    for t in layer[1:]:
        total = total + t
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(_tight_recursion_limit())
    try:
        total.sum().backward()
    finally:
        sys.setrecursionlimit(old)
    np.testing.assert_allclose(host(x.grad), [width * (width + 1) / 2] * 2, rtol=1e-12)


def test_each_backward_runs_once_with_summed_gradients(device):
    calls = []

    class Tap(gk.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            calls.append(host(g).tolist())
            return g

    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    t = Tap.apply(x)
    y = t * 2 + t * 3 + t.exp() * 0 + t  # four consumers of t
    y.sum().backward()
    assert calls == [[6.0, 6.0]]
    np.testing.assert_array_equal(host(x.grad), [6.0, 6.0])


def test_diamond_with_shared_leaf_paths(device):
    x = gk.tensor(2.0, dtype=gk.float64, device=device, requires_grad=True)
    a = x * x
    b = a.exp()
    c = a.sin()
    y = b * c + a
    y.backward()
    xv = 2.0
    expected = (np.exp(xv ** 2) * np.sin(xv ** 2) + np.exp(xv ** 2) * np.cos(xv ** 2) + 1) * 2 * xv
    assert x.grad.item() == pytest.approx(expected, rel=1e-12)


# -- freeing saved tensors -------------------------------------------------------------------
def test_saved_tensors_are_released_after_backward(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    h = x * 2
    y = h * h  # MulBackward0 saves h (twice)
    e = y.exp()  # ExpBackward0 saves its output
    s = e.sum()
    mul_node, exp_node = y.grad_fn, e.grad_fn
    assert mul_node._saved is not None and exp_node._saved_output is not None
    s.backward()
    assert mul_node._saved is None and exp_node._saved_output is None


def test_saved_arrays_are_freed_after_backward(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    h = x * 2
    s = (h * h).exp().sum()
    saved_input = weakref.ref(h)
    saved_output = weakref.ref(s.grad_fn.next_functions[0][0]._saved_output[0])
    del h
    gc.collect()
    assert saved_input() is not None and saved_output() is not None  # only the graph holds them now
    s.backward()
    gc.collect()
    assert saved_input() is None and saved_output() is None


def test_retain_graph_keeps_saved_tensors_until_the_last_backward(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    h = x * 2
    s = (h * h).sum()
    ref = weakref.ref(h)
    del h
    s.backward(retain_graph=True)
    gc.collect()
    assert ref() is not None
    s.backward()
    gc.collect()
    assert ref() is None
    np.testing.assert_array_equal(host(x.grad), [16.0, 32.0])


def test_graph_is_freed_when_outputs_go(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = (x * 2).exp()
    node = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert node() is None


# -- backward() runs nodes newest first; autograd.grad counts dependencies: they must agree --
def _random_graph(seed):
    rng = random.Random(seed)
    leaves = [gk.randn(3, dtype=gk.float64, requires_grad=True) for _ in range(3)]
    pool = list(leaves)
    for _ in range(30):
        a, b = rng.choice(pool), rng.choice(pool)
        kind = rng.randrange(5)
        if kind == 0:
            pool.append(a + b)
        elif kind == 1:
            pool.append(a * b)
        elif kind == 2:
            pool.append(a.sin())
        elif kind == 3:
            pool.append(a.sum() * b)  # a reduction broadcast back
        else:
            pool.append(a[1:].sum() - b)  # a view
    out = sum(t.sum() for t in rng.sample(pool[3:], 5))
    return leaves, out


@pytest.mark.parametrize("seed", range(12))
def test_backward_order_agrees_with_counted_dependencies(seed):
    leaves, out = _random_graph(seed)
    want = gk.autograd.grad(out, leaves, retain_graph=True, allow_unused=True, materialize_grads=True)
    out.backward()
    for leaf, g in zip(leaves, want):
        got = leaf.grad if leaf.grad is not None else gk.zeros_like(leaf)
        assert np.allclose(got.numpy(), g.numpy(), rtol=1e-12, atol=1e-12)


def test_a_view_refreshed_after_an_in_place_change_runs_in_order():
    x = gk.tensor([1.0, 2.0, 3.0], dtype=gk.float64, requires_grad=True)
    base = x.clone()
    v = base[1:]
    y1 = v * 2.0  # v before the change
    base.mul_(3.0)
    y2 = v * 5.0  # v's history is rebuilt now: its new node is newer than y1's
    (y1.sum() + y2.sum()).backward()
    assert x.grad.tolist() == [0.0, 17.0, 17.0]
