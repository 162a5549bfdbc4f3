"""Tensor.register_hook (leaf and non-leaf), removable handles, retain_grad ordering and
register_post_accumulate_grad_hook, as in PyTorch 2.13."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import host


def leaf(device, values=(1.0, 1.0)):
    return gk.tensor(list(values), device=device, requires_grad=True)


def test_leaf_hook_sees_and_replaces_the_gradient(device):
    x = leaf(device)
    seen = []
    handle = x.register_hook(lambda g: seen.append(host(g).tolist()) or g * 3)
    (x * 2).sum().backward()
    assert seen == [[2.0, 2.0]]
    np.testing.assert_array_equal(host(x.grad), [6.0, 6.0])
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [2.0, 2.0])
    assert len(seen) == 1


def test_leaf_hook_registered_after_the_graph_was_built(device):
    x = leaf(device)
    y = x * 3
    x.register_hook(lambda g: g * 2)
    y.sum().backward()
    np.testing.assert_array_equal(host(x.grad), [6.0, 6.0])


def test_leaf_hook_runs_once_on_the_summed_gradient(device):
    x = leaf(device)
    seen = []
    x.register_hook(lambda g: seen.append(host(g).tolist()))
    (x * 2 + x * 3 + x).sum().backward()
    assert seen == [[6.0, 6.0]]


def test_hooks_run_in_registration_order(device):
    x = leaf(device)
    x.register_hook(lambda g: g * 2)
    x.register_hook(lambda g: g + 1)
    (x * 3).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [7.0, 7.0])
    y = leaf(device)
    h = y * 2
    h.register_hook(lambda g: g * 2)
    h.register_hook(lambda g: g + 1)
    (h * 3).sum().backward()
    np.testing.assert_array_equal(host(y.grad), [14.0, 14.0])


def test_non_leaf_hook_changes_what_flows_on(device):
    x = leaf(device)
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(host(g).tolist()) or g + 1)
    (y * y).sum().backward()
    assert seen == [[4.0, 4.0]]
    np.testing.assert_array_equal(host(x.grad), [10.0, 10.0])


def test_hook_returning_none_keeps_the_gradient(device):
    x = leaf(device)
    y = x * 2
    calls = []
    y.register_hook(lambda g: calls.append(1))
    y.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    assert calls == [1]
    np.testing.assert_array_equal(host(x.grad), [80.0, 80.0])


def test_non_leaf_hook_sees_the_sum_over_all_uses(device):
    x = leaf(device)
    y = x * 2
    y.register_hook(lambda g: g * 0)
    (y.exp() + y + 1).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [0.0, 0.0])


def test_removed_non_leaf_hook_does_not_run(device):
    x = leaf(device)
    y = x * 2
    calls = []
    handle = y.register_hook(lambda g: calls.append(1))
    handle.remove()
    handle.remove()  # twice is fine
    (y * y).sum().backward()
    assert calls == []


def test_handle_as_context_manager(device):
    x = leaf(device)
    with x.register_hook(lambda g: g * 100):
        pass
    (x * 1).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [1.0, 1.0])


def test_retain_grad_sees_the_gradient_after_other_hooks(device):
    x = leaf(device)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)  # registered later, but runs before retain_grad's copy
    (y * 1).sum().backward()
    np.testing.assert_array_equal(host(y.grad), [10.0, 10.0])
    np.testing.assert_array_equal(host(x.grad), [20.0, 20.0])


def test_hooks_apply_to_autograd_grad(device):
    x = leaf(device)
    x.register_hook(lambda g: g * 10)
    (g,) = gk.autograd.grad((x * 3).sum(), x)
    np.testing.assert_array_equal(host(g), [30.0, 30.0])
    y = leaf(device) * 2
    y.register_hook(lambda g: g * 10)
    (g,) = gk.autograd.grad((y * 3).sum(), y)
    np.testing.assert_array_equal(host(g), [30.0, 30.0])


def test_hook_on_tensor_without_grad_raises(device):
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        gk.ones(2, device=device).register_hook(lambda g: g)


def test_post_accumulate_grad_hook(device):
    x = leaf(device)
    seen = []
    handle = x.register_post_accumulate_grad_hook(lambda p: seen.append(host(p.grad).tolist()))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    assert seen == [[2.0, 2.0], [5.0, 5.0]]
    handle.remove()
    (x * 3).sum().backward()
    assert len(seen) == 2
    np.testing.assert_array_equal(host(x.grad), [8.0, 8.0])


def test_post_accumulate_grad_hook_can_step_and_clear(device):
    """The optimizer-in-backward pattern: update the parameter and drop its grad."""
    p = leaf(device, (1.0, 2.0))

    def step(param):
        with gk.no_grad():
            param -= 0.5 * param.grad
        param.grad = None

    p.register_post_accumulate_grad_hook(step)
    (p * p).sum().backward()
    assert p.grad is None
    np.testing.assert_array_equal(host(p), [0.0, 0.0])


def test_post_accumulate_grad_hook_rules(device):
    x = leaf(device)
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda p: None)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        gk.ones(2, device=device).register_post_accumulate_grad_hook(lambda p: None)
    x.register_post_accumulate_grad_hook(lambda p: p.grad)
    with pytest.raises(RuntimeError, match="should return None"):
        (x * 2).sum().backward()


def test_post_accumulate_grad_hook_not_run_by_autograd_grad(device):
    x = leaf(device)
    calls = []
    x.register_post_accumulate_grad_hook(lambda p: calls.append(1))
    gk.autograd.grad((x * 3).sum(), x)
    assert calls == [] and x.grad is None


def test_node_hook(device):
    x = leaf(device)
    y = x * 2
    seen = []
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: seen.append(host(grad_outputs[0]).tolist()))
    y.sum().backward()
    assert seen == [[1.0, 1.0]]
