"""Module full backward hooks beyond the PyTorch parity programs (test_torch_parity.py):
handles, one firing per call, double backward, and the cases PyTorch warns about."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gradkit as gk
import gradkit.nn as nn
from helpers import host


def _lin(device):
    gk.manual_seed(0)
    return nn.Linear(3, 2).to(dtype=gk.float64, device=device)


def test_handles_remove_and_work_as_context_managers(device):
    lin, log = _lin(device), []
    x = gk.ones(1, 3, dtype=gk.float64, device=device, requires_grad=True)
    with lin.register_full_backward_hook(lambda m, gi, go: log.append("hook")), \
            lin.register_full_backward_pre_hook(lambda m, go: log.append("pre")):
        lin(x).sum().backward()
    lin(x).sum().backward()
    assert log == ["pre", "hook"]
    assert not lin._backward_hooks and not lin._backward_pre_hooks


def test_fires_once_per_call(device):
    lin, seen = _lin(device), []
    lin.register_full_backward_hook(lambda m, gi, go: seen.append(host(go[0]).tolist()))
    x = gk.ones(1, 3, dtype=gk.float64, device=device, requires_grad=True)
    (lin(x).sum() + 3 * lin(x * 2).sum()).backward()
    assert sorted(seen) == [[[1.0, 1.0]], [[3.0, 3.0]]]


def test_grad_input_matches_autograd_and_can_be_scaled(device):
    lin = _lin(device)
    x = gk.randn(4, 3, dtype=gk.float64, device=device, requires_grad=True)
    (want,) = gk.autograd.grad(lin(x).pow(2).sum(), x)
    got = []
    lin.register_full_backward_hook(lambda m, gi, go: got.append(gi[0]))
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0.5,))
    lin(x).pow(2).sum().backward()
    np.testing.assert_allclose(host(got[0]), host(want), rtol=1e-13)
    np.testing.assert_allclose(host(x.grad), 0.5 * host(want), rtol=1e-13)


def test_double_backward_through_a_hooked_module(device):
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).to(dtype=gk.float64, device=device)
    calls = []
    net[1].register_full_backward_hook(lambda m, gi, go: calls.append(1))
    x = gk.randn(2, 3, dtype=gk.float64, device=device, requires_grad=True)
    (g,) = gk.autograd.grad(net(x).sum(), x, create_graph=True)
    g.pow(2).sum().backward()
    plain = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).to(dtype=gk.float64, device=device)
    plain.load_state_dict(net.state_dict())
    (g2,) = gk.autograd.grad(plain(x).sum(), x, create_graph=True)
    (want,) = gk.autograd.grad(g2.pow(2).sum(), plain[0].weight)
    np.testing.assert_allclose(host(net[0].weight.grad), host(want), rtol=1e-12)
    assert len(calls) >= 1


def test_non_tensor_output_warns_and_skips(device):
    class Dicty(nn.Module):
        def forward(self, x):
            return {"y": x * 2}

    m = Dicty()
    m.register_full_backward_hook(lambda mod, gi, go: None)
    with pytest.warns(UserWarning, match="module output should be a Tensor or a tuple of Tensors"):
        out = m(gk.ones(2, device=device, requires_grad=True))
    out["y"].sum().backward()


def test_no_input_requires_grad_warns(device):
    lin, log = _lin(device), []
    lin.register_full_backward_hook(lambda m, gi, go: log.append(gi))
    with pytest.warns(UserWarning, match="Full backward hook is firing when gradients are computed with respect "
                                         "to module outputs since no inputs require gradients"):
        lin(gk.ones(1, 3, dtype=gk.float64, device=device)).sum().backward()
    assert log == [(None,)]


def test_under_no_grad_hooks_are_not_set_up(device):
    lin, log = _lin(device), []
    lin.register_full_backward_hook(lambda m, gi, go: log.append(1))
    with gk.no_grad():
        out = lin(gk.ones(1, 3, dtype=gk.float64, device=device, requires_grad=True))
    assert out.grad_fn is None and log == []


def test_outputs_share_storage_and_version_with_forward_results(device):
    lin = _lin(device)
    lin.register_full_backward_hook(lambda m, gi, go: None)
    x = gk.ones(1, 3, dtype=gk.float64, device=device, requires_grad=True)
    out = lin(x)
    assert out.grad_fn.name() == "BackwardHookFunctionBackward"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out.sum().backward()
