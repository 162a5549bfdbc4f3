"""Small helpers shared by the nn tests."""
from __future__ import annotations

import numpy as np

import gradkit
from helpers import host


def t64(values, device, requires_grad=False):
    t = gradkit.tensor(values, dtype=gradkit.float64, device=device)
    return t.requires_grad_() if requires_grad else t


def close(t, expected, rtol=1e-10, atol=1e-12):
    got = host(t) if isinstance(t, gradkit.Tensor) else np.asarray(t)
    expected = np.asarray(expected, dtype=float)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)


def leaf(t):
    return t.detach().requires_grad_()
