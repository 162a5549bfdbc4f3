"""Helpers for op tests: float64 inputs on a device, and gradient checks that report
which op failed."""
from __future__ import annotations

import gradkit
from gradkit.autograd import gradcheck, gradgradcheck


def rand64(*shape, device, low=-1.0, high=1.0, requires_grad=True, seed=None):
    if seed is not None:
        gradkit.manual_seed(seed)
    t = gradkit.rand(*shape, dtype=gradkit.float64, device=device) * (high - low) + low
    return t.detach().requires_grad_(requires_grad)


def check_grads(fn, inputs, *, second_order=True, atol=1e-5, rtol=1e-3, eps=1e-6):
    """First-order (and, unless the op is first-order only, second-order) finite-difference
    check in float64."""
    assert gradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)
    if second_order:
        assert gradgradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)


def host(t):
    """The values of a tensor as a NumPy array (through .cpu(), an explicit copy)."""
    return t.detach().cpu().numpy()
