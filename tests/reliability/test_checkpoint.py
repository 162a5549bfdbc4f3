"""utils.checkpoint: gradients equal the plain run (backward, autograd.grad, create_graph,
dropout with the same mask), nothing the segment's ops save stays alive between forward
and backward (counted on the graph), and misuse is caught."""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import gradkit as gk
import gradkit.nn as nn
from gradkit.autograd.node import AccumulateGrad
from gradkit.utils.checkpoint import CheckpointError, checkpoint, checkpoint_sequential
from helpers import host


def _mlp(device, seed=0):
    gk.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Dropout(0.3), nn.Linear(16, 16), nn.Sigmoid(),
                         nn.Linear(16, 16), nn.GELU()).to(dtype=gk.float64, device=device)


def _saved_arrays(root):
    """Arrays that the nodes of root's graph hold for backward (saved inputs and outputs)."""
    out, stack, seen = [], [root.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or type(node) is AccumulateGrad:
            continue
        seen.add(id(node))
        for t in getattr(node, "_saved", None) or ():
            if t is not None and t._data is not None:
                out.append(t._data)
        so = getattr(node, "_saved_output", None)
        if so is not None and so[0] is not None:
            out.append(so[0])
        stack.extend(e[0] for e in node.next_edges if e is not None)
    return out


def _grads(model, x, use_ckpt, seed=1):
    model.zero_grad()
    x.grad = None
    gk.manual_seed(seed)
    h = checkpoint(model, x, use_reentrant=False) if use_ckpt else model(x)
    loss = (h * h).sum()
    loss.backward()
    return [host(p.grad) for p in model.parameters()] + [host(x.grad)]


def test_gradients_equal_the_plain_run(device):
    model = _mlp(device)
    x = gk.randn(5, 4, dtype=gk.float64, device=device, requires_grad=True)
    for a, b in zip(_grads(model, x, False), _grads(model, x, True)):
        np.testing.assert_array_equal(a, b)  # dropout drew the same mask on recomputation


def test_use_reentrant_true_gives_the_same_gradients(device):
    model = _mlp(device)
    x = gk.randn(5, 4, dtype=gk.float64, device=device, requires_grad=True)
    plain = _grads(model, x, False)
    model.zero_grad()
    x.grad = None
    gk.manual_seed(1)
    (checkpoint(model, x, use_reentrant=True) ** 2).sum().backward()
    for a, b in zip(plain, [host(p.grad) for p in model.parameters()] + [host(x.grad)]):
        np.testing.assert_array_equal(a, b)


def test_autograd_grad_and_create_graph(device):
    model = _mlp(device)
    model.eval()
    x = gk.randn(3, 4, dtype=gk.float64, device=device, requires_grad=True)
    w = model[0].weight

    def second(use_ckpt):
        h = checkpoint(model, x) if use_ckpt else model(x)
        (g,) = gk.autograd.grad(h.pow(2).sum(), w, create_graph=True)
        (gg,) = gk.autograd.grad(g.pow(2).sum(), x)
        return host(g), host(gg)

    for a, b in zip(second(False), second(True)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_no_saved_arrays_between_forward_and_backward(device):
    """The memory saving, counted: a plain run holds every activation the ops saved; the
    checkpointed one only what the ops outside the segment saved."""
    model = _mlp(device)
    x = gk.randn(64, 4, dtype=gk.float64, device=device, requires_grad=True)
    plain = (model(x) ** 2).sum()
    ckpt = (checkpoint(model, x) ** 2).sum()
    n_plain, n_ckpt = len(_saved_arrays(plain)), len(_saved_arrays(ckpt))
    assert n_plain >= 8
    assert n_ckpt == 1  # the segment's output, saved by the square outside it
    bytes_plain = sum(a.size for a in _saved_arrays(plain))
    bytes_ckpt = sum(a.size for a in _saved_arrays(ckpt))
    assert bytes_ckpt * 5 < bytes_plain
    ckpt.backward()  # and backward still works
    assert model[0].weight.grad is not None


def test_activations_are_freed_after_the_segment(device):
    model = _mlp(device)
    x = gk.randn(8, 4, dtype=gk.float64, device=device, requires_grad=True)
    refs = []

    def segment(inp):
        h = model[0](inp)
        refs.append(weakref.ref(h._data))
        return model[1:](h)

    out = checkpoint(segment, x)
    gc.collect()
    assert refs[0]() is None  # the first layer's output is not kept for backward
    out.sum().backward()
    gc.collect()
    assert model[0].weight.grad is not None


def test_checkpoint_sequential_matches(device):
    model = _mlp(device)
    model.eval()
    x = gk.randn(5, 4, dtype=gk.float64, device=device, requires_grad=True)
    (model(x) ** 2).sum().backward()
    want = [host(p.grad) for p in model.parameters()]
    model.zero_grad()
    (checkpoint_sequential(model, 3, x, use_reentrant=False) ** 2).sum().backward()
    for a, p in zip(want, model.parameters()):
        np.testing.assert_allclose(a, host(p.grad), rtol=1e-12, atol=1e-14)


def test_nested_checkpoints(device):
    model = _mlp(device)
    model.eval()
    x = gk.randn(5, 4, dtype=gk.float64, device=device, requires_grad=True)

    def outer(inp):
        return model[4:](checkpoint(lambda h: model[:4](h), inp))

    (checkpoint(outer, x) ** 2).sum().backward()
    got = [host(p.grad) for p in model.parameters()]
    model.zero_grad()
    (model(x) ** 2).sum().backward()
    for a, p in zip(got, model.parameters()):
        np.testing.assert_allclose(a, host(p.grad), rtol=1e-12, atol=1e-14)


def test_multiple_outputs_kwargs_and_closures(device):
    a = gk.tensor([1.0, 2.0, 3.0], dtype=gk.float64, device=device, requires_grad=True)
    w = gk.tensor([0.5, -1.0, 2.0], dtype=gk.float64, device=device, requires_grad=True)  # closed over

    def f(x, scale=1.0):
        return (x * w).exp() * scale, (x.sin() * w).sum(), 7

    p, s, k = checkpoint(f, a, scale=2.0)
    assert k == 7
    (p.sum() + s).backward()
    got = host(a.grad), host(w.grad)
    a.grad = w.grad = None
    p, s, _ = f(a, scale=2.0)
    (p.sum() + s).backward()
    np.testing.assert_allclose(got[0], host(a.grad), rtol=1e-13)
    np.testing.assert_allclose(got[1], host(w.grad), rtol=1e-13)


def test_retain_graph_backward_twice(device):
    model = _mlp(device)
    model.eval()
    x = gk.randn(2, 4, dtype=gk.float64, device=device, requires_grad=True)
    loss = checkpoint(model, x).sum()
    loss.backward(retain_graph=True)
    first = host(x.grad).copy()
    loss.backward()
    np.testing.assert_allclose(host(x.grad), 2 * first)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        loss.backward()


def test_under_no_grad_it_just_runs(device):
    model = _mlp(device)
    with gk.no_grad():
        out = checkpoint(model, gk.randn(2, 4, dtype=gk.float64, device=device))
    assert out.grad_fn is None


def test_argument_changed_in_place_is_caught(device):
    x = gk.tensor([1.0, 2.0], dtype=gk.float64, device=device, requires_grad=True)
    h = x * 2  # a non-leaf argument
    out = checkpoint(lambda t: t.exp(), h)
    with gk.no_grad():
        h.add_(1)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*argument 0 of a checkpointed function"):
        out.sum().backward()


def test_a_function_that_records_different_ops_is_caught(device):
    calls = []

    def moody(t):
        calls.append(1)
        return t.exp() if len(calls) == 1 else t.sin().cos()

    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    out = checkpoint(moody, x)
    with pytest.raises(CheckpointError, match="different number"):
        out.sum().backward()


def test_bad_arguments():
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        checkpoint(lambda t, scale: t, gk.ones(1), use_reentrant=True, scale=2)
    with pytest.raises(ValueError, match="determinism_check"):
        checkpoint(lambda t: t, gk.ones(1), determinism_check="sometimes")
    with pytest.raises(ValueError, match="Unexpected keyword arguments"):
        checkpoint_sequential([lambda t: t], 1, gk.ones(1), bogus=1)


def test_no_reference_cycles(device):
    model = _mlp(device)
    x = gk.randn(3, 4, dtype=gk.float64, device=device, requires_grad=True)
    (checkpoint(model, x) ** 2).sum().backward()  # warm up
    gc.collect()
    gc.disable()
    try:
        model.zero_grad()
        (checkpoint(model, x) ** 2).sum().backward()
        assert gc.collect() == 0
    finally:
        gc.enable()
