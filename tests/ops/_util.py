"""Small builders shared by the op tests (on top of tests/helpers.py)."""
from __future__ import annotations

import numpy as np

import gradkit as gk
from helpers import host, rand64


def signed(*shape, device, low=0.2, high=1.0, seed=0, requires_grad=True):
    """float64 values with |x| in [low, high] and alternating signs: away from the kink at 0."""
    mags = rand64(*shape, device=device, low=low, high=high, requires_grad=False, seed=seed)
    signs = np.where(np.arange(mags.numel()).reshape(shape) % 2 == 0, 1.0, -1.0) if shape else np.array(-1.0)
    out = mags * gk.tensor(signs, dtype=gk.float64, device=device)
    return out.detach().requires_grad_(requires_grad)


def const(values, device, dtype=gk.float64, requires_grad=False):
    t = gk.tensor(values, dtype=dtype, device=device)
    return t.requires_grad_() if requires_grad else t


def assert_values(t, expected, *, dtype=None, rtol=1e-7, atol=1e-10):
    """Forward values (and dtype, when given) of a gradkit tensor against a NumPy expectation."""
    assert isinstance(t, gk.Tensor), type(t)
    expected = np.asarray(expected)
    got = host(t)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if dtype is not None:
        assert t.dtype == dtype, (t.dtype, dtype)
    if expected.dtype == bool or got.dtype == bool:
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)


def grads_of(fn, *tensors, weight=None):
    """Gradients of sum(fn(*tensors) * weight) with respect to each tensor (None stays None)."""
    out = fn(*tensors)
    if weight is not None:
        out = out * weight
    out.sum().backward()
    for k, t in enumerate(tensors):
        assert t.grad is None or t.grad.shape == t.shape, f"input {k}: gradient {t.grad.shape}, input {t.shape}"
    return [t.grad for t in tensors]
