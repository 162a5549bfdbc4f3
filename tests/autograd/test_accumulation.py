"""``.grad``: None before backward, accumulated across calls, reset in place or to None,
and never sharing storage with another tensor's gradient or with the caller's
``gradient=`` argument (each case checked against PyTorch 2.13's behaviour)."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import host


def leaf(values, device, dtype=None):
    return gk.tensor(values, dtype=dtype or gk.float32, device=device, requires_grad=True)


def test_grad_is_none_before_backward(device):
    x = leaf([1.0, 2.0], device)
    assert x.grad is None
    y = (x * x).sum()
    assert x.grad is None  # the forward pass alone doesn't touch .grad
    y.backward()
    assert x.grad is not None and x.grad.device == x.device


def test_grads_accumulate_across_backward_calls(device):
    x = leaf([1.0, 2.0, 3.0], device)
    (x * x).sum().backward()
    (3 * x).sum().backward()
    np.testing.assert_allclose(host(x.grad), [5.0, 7.0, 9.0])
    first = x.grad
    (x * 0 + x).sum().backward()
    assert x.grad is first  # accumulated into the same tensor, as PyTorch does
    np.testing.assert_allclose(host(x.grad), [6.0, 8.0, 10.0])


def test_grad_zero_resets_in_place(device):
    x = leaf([1.0, 2.0], device)
    (x * 2).sum().backward()
    g = x.grad
    x.grad.zero_()
    assert x.grad is g
    np.testing.assert_array_equal(host(g), [0.0, 0.0])
    (x * 3).sum().backward()
    assert x.grad is g
    np.testing.assert_array_equal(host(g), [3.0, 3.0])


def test_setting_grad_to_none_starts_afresh(device):
    """Optimizer.zero_grad(set_to_none=True): the old tensor is left alone."""
    x = leaf([1.0, 2.0], device)
    (x * 2).sum().backward()
    old = x.grad
    x.grad = None
    assert x.grad is None
    (x * 3).sum().backward()
    assert x.grad is not old
    np.testing.assert_array_equal(host(old), [2.0, 2.0])
    np.testing.assert_array_equal(host(x.grad), [3.0, 3.0])


def test_grad_setter_checks_shape_and_type(device):
    x = leaf([1.0, 2.0], device)
    x.grad = gk.ones(2, device=device)
    np.testing.assert_array_equal(host(x.grad), [1.0, 1.0])
    with pytest.raises(RuntimeError, match="different size"):
        x.grad = gk.ones(3, device=device)
    with pytest.raises(TypeError):
        x.grad = [1.0, 2.0]


def test_grads_of_add_operands_do_not_alias(device):
    a, b = leaf([1.0, 2.0], device), leaf([3.0, 4.0], device)
    (a + b).sum().backward()
    a.grad.zero_()
    np.testing.assert_array_equal(host(b.grad), [1.0, 1.0])
    b.grad.add_(5)
    np.testing.assert_array_equal(host(a.grad), [0.0, 0.0])


def test_grads_of_a_scalar_sum_do_not_alias(device):
    a, b = leaf(2.0, device), leaf(3.0, device)
    (a + b).backward()
    a.grad.zero_()
    assert b.grad.item() == 1.0


@pytest.mark.parametrize("path", ["reshape", "view", "expand", "sum", "sub", "getitem", "t"])
def test_grads_through_pass_through_ops_do_not_alias(device, path):
    """Views, expand, sum and subtraction hand the same gradient to both sides."""
    a, b = leaf([[1.0, 2.0]], device), leaf([[3.0, 4.0]], device)
    y = {
        "reshape": lambda: (a.reshape(2) + b.reshape(2)).sum(),
        "view": lambda: (a.view(-1) + b.view(2)).sum(),
        "expand": lambda: (a.expand(3, 2) + b.expand(3, 2)).sum(),
        "sum": lambda: a.sum() + b.sum(),
        "sub": lambda: (a - b).sum(),
        "getitem": lambda: (a[0] + b[0]).sum(),
        "t": lambda: (a.t() + b.t()).sum(),
    }[path]()
    y.backward()
    gb = host(b.grad).copy()
    a.grad.zero_()
    np.testing.assert_array_equal(host(b.grad), gb)
    a.grad.add_(100)
    np.testing.assert_array_equal(host(b.grad), gb)


def test_user_gradient_is_never_modified(device):
    g = gk.tensor([1.0, 1.0], device=device)
    a = leaf([1.0, 2.0], device)
    (a + 0).backward(g)  # add passes g straight through to the leaf
    (a + 0).backward(g)
    np.testing.assert_array_equal(host(g), [1.0, 1.0])
    np.testing.assert_array_equal(host(a.grad), [2.0, 2.0])
    a.grad.mul_(10)
    np.testing.assert_array_equal(host(g), [1.0, 1.0])


def test_backward_of_a_leaf_copies_the_gradient(device):
    g = gk.tensor([1.0, 2.0], device=device)
    a = leaf([1.0, 2.0], device)
    a.backward(g)
    a.grad.zero_()
    np.testing.assert_array_equal(host(g), [1.0, 2.0])


def test_gradient_seen_by_a_hook_is_not_adopted(device):
    """A hook may keep the gradient it sees (or return one it keeps): accumulation must not
    write into it (PyTorch copies when someone else holds the gradient)."""
    x = leaf([1.0, 1.0], device)
    seen = []
    x.register_hook(lambda g: seen.append(g))
    (x * 2).sum().backward()
    (x * 2).sum().backward()
    np.testing.assert_array_equal(host(seen[0]), [2.0, 2.0])
    np.testing.assert_array_equal(host(x.grad), [4.0, 4.0])

    keep = gk.full((2,), 7.0, device=device)
    y = leaf([1.0, 1.0], device)
    y.register_hook(lambda g: keep)
    (y * 2).sum().backward()
    (y * 2).sum().backward()
    np.testing.assert_array_equal(host(keep), [7.0, 7.0])
    np.testing.assert_array_equal(host(y.grad), [14.0, 14.0])


def test_grad_keeps_leaf_dtype(device):
    x = leaf([1.0, 2.0], device, dtype=gk.float64)
    (x * 2).sum().backward()
    assert x.grad.dtype == gk.float64


# -- backward(gradient=...) -----------------------------------------------------------------
def test_non_scalar_backward_with_gradient(device):
    x = leaf([1.0, 2.0, 3.0], device)
    y = x * x
    y.backward(gk.tensor([1.0, 0.5, 0.0], device=device))
    np.testing.assert_allclose(host(x.grad), [2.0, 2.0, 0.0])


def test_gradient_on_another_device_raises(device):
    if device == "cpu":
        pytest.skip("needs two devices")
    x = leaf([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="device|cpu"):
        (x * 3).backward(gk.ones(2, device="cpu"))


def test_non_scalar_backward_without_gradient_raises(device):
    x = leaf([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()


def test_one_element_output_needs_no_gradient(device):
    x = leaf([3.0], device)
    (x * x).backward()  # numel 1: allowed in PyTorch too
    np.testing.assert_allclose(host(x.grad), [6.0])


def test_gradient_shape_mismatch_raises(device):
    x = leaf([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(gk.ones(3, device=device))


def test_backward_on_a_tensor_without_history_raises(device):
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        gk.ones(2, device=device).sum().backward()


def test_autograd_backward_with_several_roots(device):
    x = leaf([1.0, 2.0], device)
    gk.autograd.backward([(x * x).sum(), x * 3], [None, gk.tensor([1.0, 2.0], device=device)])
    np.testing.assert_allclose(host(x.grad), [5.0, 10.0])


# -- retain_graph -----------------------------------------------------------------------------
def test_second_backward_through_freed_graph_raises(device):
    x = leaf([1.0, 2.0], device)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


@pytest.mark.parametrize("op", ["exp", "tanh", "sigmoid", "mul_scalar", "matmul"])
def test_freed_graph_error_for_saved_outputs_and_inputs(device, op):
    x = leaf([[1.0, 2.0], [0.5, -1.0]], device)
    y = {"exp": lambda: x.exp(), "tanh": lambda: x.tanh(), "sigmoid": lambda: x.sigmoid(),
         "mul_scalar": lambda: x * 3.0 * x, "matmul": lambda: x @ x}[op]().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward(device):
    x = leaf([1.0, 2.0], device)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(host(x.grad), [4.0, 8.0])
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


@pytest.mark.parametrize("build", ["sum", "add", "reshape_sum", "neg"])
def test_graph_that_saved_nothing_can_be_backwarded_twice(device, build):
    """As in PyTorch: freeing only drops saved tensors, so a graph that saved none runs again."""
    x = leaf([1.0, 2.0], device)
    y = {"sum": lambda: x.sum(), "add": lambda: (x + 1).sum(), "reshape_sum": lambda: x.reshape(2, 1).sum(),
         "neg": lambda: (-x).sum()}[build]()
    y.backward()
    y.backward()
    sign = -1.0 if build == "neg" else 1.0
    np.testing.assert_allclose(host(x.grad), [2.0 * sign, 2.0 * sign])


def test_sgd_pattern_keeps_the_parameter_a_leaf(device):
    """d2l's ``sgd``: ``param -= lr * param.grad / batch_size; param.grad.zero_()`` in no_grad."""
    w = leaf([1.0, -2.0, 3.0], device)
    wid, data = id(w), w._data
    for _ in range(3):
        loss = (w * w).sum()
        loss.backward()
        with gk.no_grad():
            w -= 0.1 * w.grad / 2
            w.grad.zero_()
    assert id(w) == wid and w._data is data  # updated in place: same tensor, same storage
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    np.testing.assert_allclose(host(w), np.array([1.0, -2.0, 3.0]) * 0.9 ** 3, rtol=1e-6)
    np.testing.assert_array_equal(host(w.grad), [0.0, 0.0, 0.0])
    (w * 2).sum().backward()  # still differentiable after the updates
    np.testing.assert_array_equal(host(w.grad), [2.0, 2.0, 2.0])


def test_sgd_pattern_with_every_update_form(device):
    w = leaf([1.0, 2.0], device)
    (w * w).sum().backward()
    with gk.no_grad():
        w.sub_(0.5 * w.grad)
        w.mul_(2.0)
        w[0] = 5.0
        w.add_(gk.ones(2, device=device))
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(host(w), [6.0, 1.0])


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "matmul", "maximum", "minimum", "where", "cat", "stack",
                                "pow", "atan2", "same_twice", "index", "broadcast"])
def test_no_two_leaves_share_a_gradient(device, op):
    a = leaf([[1.0, 2.0], [3.0, 4.0]], device)
    b = leaf([[0.5, 2.0], [3.0, 1.0]], device)
    y = {
        "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
        "matmul": lambda: a @ b, "maximum": lambda: gk.maximum(a, b), "minimum": lambda: gk.minimum(a, b),
        "where": lambda: gk.where(a > 2, a, b), "cat": lambda: gk.cat([a, b]), "stack": lambda: gk.stack([a, b]),
        "pow": lambda: a ** b, "atan2": lambda: gk.atan2(a, b), "same_twice": lambda: a * a + b * b,
        "index": lambda: a[0] + b[1], "broadcast": lambda: a + b[0],
    }[op]()
    y.sum().backward()
    ga, gb = host(a.grad).copy(), host(b.grad).copy()
    a.grad.add_(1000)
    np.testing.assert_array_equal(host(b.grad), gb)
    b.grad.zero_()
    np.testing.assert_array_equal(host(a.grad), ga + 1000)


# -- the leaf's AccumulateGrad: made once, kept by the leaf, written when complete -----------
def _accumulator(t):
    return (t * 2).grad_fn.next_functions[0][0]


def test_a_leaf_keeps_one_accumulate_grad_across_graphs(device):
    x = leaf([1.0, 2.0], device)
    first = _accumulator(x)
    assert first.name() == "AccumulateGrad" and first.variable is x
    (x * 3).sum().backward()
    assert _accumulator(x) is first


def test_leaf_and_accumulate_grad_make_no_reference_cycle(device):
    import gc
    import weakref

    gc.collect()
    x = leaf([1.0, 2.0], device)
    (x * x).sum().backward()
    ref = weakref.ref(x)
    acc = _accumulator(x)
    del x
    assert ref() is None  # freed by reference counting alone
    assert acc.variable is None
    assert gc.collect() == 0


def test_a_graph_may_outlive_its_leaf(device):
    seen = []
    x = leaf([1.0, 2.0], device)
    x.register_hook(lambda g: seen.append(host(g)))
    y = x * 2.0  # a scalar product saves nothing: the graph no longer holds x
    del x
    y.sum().backward()  # the leaf's gradient has nowhere to go, but its hooks still run
    assert len(seen) == 1 and np.array_equal(seen[0], [2.0, 2.0])


@pytest.mark.parametrize("uses", [1, 2, 3])
def test_a_leaf_used_several_times_gets_one_summed_gradient(device, uses):
    seen = []
    x = leaf([1.0, -2.0], device)
    x.register_hook(lambda g: seen.append(host(g)))
    y = x * 1.0
    for k in range(1, uses):
        y = y + x * float(k + 1)
    y.sum().backward()
    want = float(sum(range(1, uses + 1)))
    assert len(seen) == 1 and np.array_equal(seen[0], [want, want])
    assert np.array_equal(host(x.grad), [want, want])


def test_a_leaf_used_at_many_steps_sums_without_touching_the_parts(device):
    # the walk adds a leaf's later gradients into its own running sum in place: the first
    # gradient (here the same tensor that add's backward also hands the other operand, and
    # that a hook keeps) must stay as it was
    kept = []
    w = leaf([1.0, 2.0], device)
    h = leaf([0.5, 0.25], device)
    mid = h * 1.0
    mid.register_hook(lambda g: kept.append(g))
    y = w + mid
    for k in range(2, 6):
        y = y + w * float(k)
    y.sum().backward()
    assert np.array_equal(host(w.grad), [15.0, 15.0])
    assert np.array_equal(host(h.grad), [1.0, 1.0]) and np.array_equal(host(kept[0]), [1.0, 1.0])


def test_a_leaf_used_at_many_steps_keeps_a_differentiable_sum(device):
    w = leaf([1.0, 2.0], device)
    y = w * w
    for _ in range(4):
        y = y + w * w
    (g,) = gk.autograd.grad(y.sum(), w, create_graph=True)
    np.testing.assert_allclose(host(g), [10.0, 20.0])
    g.sum().backward()
    np.testing.assert_allclose(host(w.grad), [10.0, 10.0])


def test_a_removed_leaf_hook_stops_running(device):
    seen = []
    x = leaf([1.0, 2.0], device)
    handle = x.register_hook(lambda g: seen.append(1))
    (x * 2.0).sum().backward()
    handle.remove()
    (x * 2.0).sum().backward()
    assert seen == [1] and np.array_equal(host(x.grad), [4.0, 4.0])
