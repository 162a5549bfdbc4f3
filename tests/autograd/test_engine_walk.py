"""The backward walk: leaves finished as soon as their gradient is complete (post-accumulate
hooks fire then, as data-parallel training needs), the walk pruned to what autograd.grad
and inputs= need, and the leaves finished before an error kept (as PyTorch 2.x does)."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
import gradkit.nn as nn
import gradkit.nn.functional as F
from gradkit.autograd import Function
from helpers import host


def _mlp(device):
    gk.manual_seed(0)
    net = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3)).to(device)
    x = gk.randn(7, 6, device=device)
    target = gk.tensor([0, 1, 2, 0, 1, 2, 0], device=device)
    return net, x, target


def test_last_layer_is_finished_before_the_first_layer_gradient_is_computed(device):
    net, x, target = _mlp(device)
    first, last = net[0], net[4]
    fired = []
    for name, p in last.named_parameters():
        p.register_post_accumulate_grad_hook(lambda p, name=name: fired.append(name))
    seen = {}

    def at_first_layer_output(g):  # runs before the first layer's backward computes its weight's gradient
        seen["last grads"] = [p.grad is not None for p in last.parameters()]
        seen["fired"] = list(fired)
        seen["first grad"] = first.weight.grad

    def at_first_weight(g):  # runs as the first weight's own gradient is finished
        seen["last grads at first weight"] = [p.grad is not None for p in last.parameters()]

    h = first(x)
    h.register_hook(at_first_layer_output)
    first.weight.register_hook(at_first_weight)
    loss = F.cross_entropy(net[4](net[3](net[2](net[1](h)))), target)
    loss.backward()
    assert seen["last grads"] == [True, True]
    assert sorted(seen["fired"]) == ["bias", "weight"]
    assert seen["first grad"] is None
    assert seen["last grads at first weight"] == [True, True]


def test_post_accumulate_hooks_fire_as_each_parameter_completes(device):
    """Data-parallel training registers a post-accumulate hook on every parameter and starts
    reducing there: each hook must fire when its parameter's gradient is complete, last
    layer first, before the first layer's gradient exists (PyTorch's order)."""
    net, x, target = _mlp(device)
    order = []
    for i in (0, 2, 4):
        for name, p in net[i].named_parameters():
            p.register_post_accumulate_grad_hook(
                lambda p, tag=f"{i}.{name}": order.append((tag, net[0].weight.grad is None, p.grad is not None)))
    F.cross_entropy(net(x), target).backward()
    # (within a layer the order follows the node's inputs: PyTorch's addmm has the bias first)
    assert [tag.split(".")[0] for tag, _, _ in order] == ["4", "4", "2", "2", "0", "0"]
    assert [first_missing for _, first_missing, _ in order[:4]] == [True] * 4
    assert all(has_grad for _, _, has_grad in order)


def test_a_shared_parameter_is_finished_after_its_last_use(device):
    w = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    other = gk.tensor([3.0, 4.0], device=device, requires_grad=True)
    fired = []
    w.register_post_accumulate_grad_hook(lambda p: fired.append(("w", host(p.grad).tolist())))
    other.register_post_accumulate_grad_hook(lambda p: fired.append(("other", host(p.grad).tolist())))
    y = (w * w).sum() * 2.0 + (w * other).sum()  # w feeds three edges, other one (newer: it runs first)
    y.backward()
    assert fired == [("other", [1.0, 2.0]), ("w", [3.0 + 4.0, 4.0 + 8.0])]


def test_leaves_complete_before_an_error_keep_their_gradients(device):
    class Boom(Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom")

    gk.manual_seed(0)
    l1, l2 = nn.Linear(4, 3).to(device), nn.Linear(3, 2).to(device)
    out = l2(Boom.apply(F.relu(l1(gk.randn(5, 4, device=device)))))
    with pytest.raises(ValueError, match="boom"):
        out.sum().backward()
    assert l2.weight.grad is not None and l2.bias.grad is not None  # as PyTorch
    assert l1.weight.grad is None


def test_autograd_grad_runs_only_what_leads_to_the_inputs(device):
    calls = []

    class Tracked(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0

        @staticmethod
        def backward(ctx, g):
            calls.append(1)
            return g * 2.0

    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    z = gk.tensor([3.0, 4.0], device=device, requires_grad=True)
    h = Tracked.apply(z)
    y = (x * 3.0).sum() + h.sum()
    (gx,) = gk.autograd.grad(y, x, retain_graph=True)
    assert host(gx).tolist() == [3.0, 3.0] and calls == []
    (gh,) = gk.autograd.grad(y, h, retain_graph=True)  # h's own node need not run either
    assert host(gh).tolist() == [1.0, 1.0] and calls == []
    y.backward(inputs=[z])
    assert calls == [1] and x.grad is None and host(z.grad).tolist() == [2.0, 2.0]


def test_a_graph_backwarded_again_finishes_leaves_each_time(device):
    w = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    fired = []
    w.register_post_accumulate_grad_hook(lambda p: fired.append(host(p.grad).tolist()))
    y = (w * w).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert fired == [[2.0, 4.0], [4.0, 8.0]]


def test_random_graphs_agree_with_autograd_grad_and_each_hook_fires_once():
    rng = np.random.default_rng(3)
    for _ in range(10):
        leaves = [gk.tensor(rng.standard_normal(3), dtype=gk.float64, requires_grad=True) for _ in range(3)]
        fired = []
        for i, t in enumerate(leaves):
            t.register_post_accumulate_grad_hook(lambda p, i=i: fired.append(i))
        pool = list(leaves)
        for _ in range(12):
            a, b = pool[rng.integers(len(pool))], pool[rng.integers(len(pool))]
            pool.append([a + b, a * b, a.sin() * b, a[1:].sum() - b][rng.integers(4)])
        out = sum(t.sum() for t in pool[3:])
        want = gk.autograd.grad(out, leaves, retain_graph=True, allow_unused=True, materialize_grads=True)
        out.backward()
        for t, g in zip(leaves, want):
            got = t.grad if t.grad is not None else gk.zeros_like(t)
            assert np.allclose(got.numpy(), g.numpy(), rtol=1e-12, atol=1e-12)
        assert sorted(fired) == [i for i, t in enumerate(leaves) if t.grad is not None]


def test_one_slow_path_flag_covers_anomaly_mode_and_checkpoint_capture():
    from gradkit.autograd import anomaly, node

    assert not node._anomaly_or_capture[0]
    with anomaly.capture_nodes():
        assert node._anomaly_or_capture[0] and not gk.is_anomaly_enabled()
    assert not node._anomaly_or_capture[0]
    with gk.autograd.set_detect_anomaly(True):
        assert node._anomaly_or_capture[0]
    assert not node._anomaly_or_capture[0]


def test_no_adoption_promise_and_no_injected_accumulator():
    from gradkit import _tensor
    from gradkit.autograd.node import AccumulateGrad, Node

    assert not hasattr(Node, "fresh_grads")
    assert not hasattr(_tensor, "_grad_accumulator")
    x = gk.ones(2, requires_grad=True)
    node, nr = x._edge()
    assert type(node) is AccumulateGrad and nr == 0 and x._edge() is x._edge() and node.variable is x


def test_a_custom_backward_sees_the_leaves_finished_before_it(device):
    seen = []

    class Look(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, g):
            seen.append((w2.grad is not None, w1.grad is None))
            return g

    w1 = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    w2 = gk.tensor([3.0, 4.0], device=device, requires_grad=True)
    (Look.apply(w1 * 2.0) * w2).sum().backward()
    assert seen == [(True, True)]


@pytest.mark.parametrize("inputs", [False, True])
def test_a_leaf_among_the_outputs_sums_its_gradients(device, inputs):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = x * 2.0
    gy = gk.tensor([1.0, 10.0], device=device)
    gx = gk.tensor([100.0, 1000.0], device=device)
    gk.autograd.backward([y, x], [gy, gx], inputs=[x] if inputs else None)
    assert host(x.grad).tolist() == [102.0, 1020.0]
    assert host(gx).tolist() == [100.0, 1000.0] and host(gy).tolist() == [1.0, 10.0]
