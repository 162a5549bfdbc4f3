"""nn.init.orthogonal_, dirac_ and trunc_normal_: PyTorch's semantics. dirac_ is deterministic
(values recorded from PyTorch 2.13.0: the positions of its ones); the random ones are checked
for their distribution's properties, shapes and errors."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import gradkit
import gradkit.nn as nn
from helpers import host

DIRAC_2D_GROUPS2 = [[0, 0, 1, 1], [1, 1, 1, 1], [2, 2, 1, 1], [3, 0, 1, 1], [4, 1, 1, 1], [5, 2, 1, 1]]
DIRAC_1D = [[0, 0, 2], [1, 1, 2]]
DIRAC_3D = [[0, 0, 0, 1, 1], [1, 1, 0, 1, 1]]


# ----------------------------------------------------------------------------- dirac_
@pytest.mark.parametrize("shape,groups,ones", [
    ((6, 4, 3, 3), 2, DIRAC_2D_GROUPS2),
    ((2, 3, 4), 1, DIRAC_1D),
    ((3, 2, 1, 2, 3), 1, DIRAC_3D),
])
def test_dirac_matches_torch(device, shape, groups, ones):
    w = gradkit.full(shape, 7.0, device=device)
    assert nn.init.dirac_(w, groups) is w
    expected = np.zeros(shape, dtype=np.float32)
    expected[tuple(np.array(ones).T)] = 1.0
    np.testing.assert_array_equal(host(w), expected)


def test_dirac_errors_match_torch():
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions are supported"):
        nn.init.dirac_(gradkit.empty(3, 3))
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        nn.init.dirac_(gradkit.empty(5, 2, 3), groups=2)


def test_dirac_on_a_parameter():
    conv_weight = nn.Parameter(gradkit.empty(2, 2, 3))
    nn.init.dirac_(conv_weight)
    assert conv_weight.requires_grad and conv_weight.grad_fn is None
    assert float(conv_weight.detach().sum()) == 2.0


# ----------------------------------------------------------------------------- orthogonal_
@pytest.mark.parametrize("shape", [(4, 4), (3, 7), (7, 3), (6, 2, 3), (2, 3, 2, 2)])
def test_orthogonal_is_semi_orthogonal(device, shape):
    w = gradkit.empty(*shape, device=device, dtype=gradkit.float64)
    assert nn.init.orthogonal_(w, gain=1.5) is w
    assert tuple(w.shape) == shape
    flat = host(w).reshape(shape[0], -1)
    rows, cols = flat.shape
    # the rows (rows <= cols) or the columns (rows > cols) are orthonormal, times the gain
    gram = flat @ flat.T if rows <= cols else flat.T @ flat
    np.testing.assert_allclose(gram, 1.5 ** 2 * np.eye(min(rows, cols)), atol=1e-12)


def test_orthogonal_float32_on_a_parameter():
    w = nn.Parameter(gradkit.empty(5, 5))
    nn.init.orthogonal_(w)
    assert w.dtype == gradkit.float32 and w.requires_grad and w.grad_fn is None
    np.testing.assert_allclose(host(w) @ host(w).T, np.eye(5), atol=1e-5)


def test_orthogonal_is_uniform_over_orthogonal_matrices():
    # Haar measure: every entry has mean 0 and variance 1/n, and so does the diagonal (a QR
    # without the sign correction would make R's diagonal, and so Q's, lean to one sign)
    gradkit.manual_seed(0)
    draws = np.stack([host(nn.init.orthogonal_(gradkit.empty(3, 3, dtype=gradkit.float64))) for _ in range(600)])
    assert np.abs(draws.mean(0)).max() < 0.09  # 5 standard errors of a mean of 600 draws with variance 1/3
    np.testing.assert_allclose(draws.var(0), np.full((3, 3), 1 / 3), atol=0.07)


def test_orthogonal_follows_the_seed():
    gradkit.manual_seed(3)
    a = host(nn.init.orthogonal_(gradkit.empty(4, 6)))
    gradkit.manual_seed(3)
    b = host(nn.init.orthogonal_(gradkit.empty(4, 6)))
    np.testing.assert_array_equal(a, b)


def test_orthogonal_errors_and_empty_tensors_match_torch():
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        nn.init.orthogonal_(gradkit.empty(4))
    empty = gradkit.empty(0, 3)
    assert nn.init.orthogonal_(empty) is empty


# ----------------------------------------------------------------------------- trunc_normal_
def _phi(x):
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _Phi(x):
    return (1 + math.erf(x / math.sqrt(2))) / 2


def _truncated_moments(mean, std, a, b):
    alpha, beta = (a - mean) / std, (b - mean) / std
    z = _Phi(beta) - _Phi(alpha)
    m = mean + std * (_phi(alpha) - _phi(beta)) / z
    var = std ** 2 * (1 + (alpha * _phi(alpha) - beta * _phi(beta)) / z - ((_phi(alpha) - _phi(beta)) / z) ** 2)
    return m, math.sqrt(var)


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (1.0, 2.0, -1.0, 3.0), (0.0, 1.0, -0.5, 2.0),
                                          (0.0, 0.02, -0.04, 0.04)])
def test_trunc_normal_has_the_truncated_moments(device, mean, std, a, b):
    gradkit.manual_seed(1)
    w = gradkit.empty(100_000, dtype=gradkit.float64, device=device)
    assert nn.init.trunc_normal_(w, mean, std, a, b) is w
    values = host(w)
    assert values.min() >= a and values.max() <= b
    m, s = _truncated_moments(mean, std, a, b)
    assert abs(values.mean() - m) < 5 * s / math.sqrt(values.size)
    assert abs(values.std() - s) < 0.01 * s


def test_trunc_normal_far_in_the_tail_warns_and_stays_in_bounds():
    # a window 4 to 5 standard deviations out: PyTorch warns; a rejection sampler would
    # need ~30000 draws per value, the inverse CDF needs one
    gradkit.manual_seed(2)
    w = gradkit.empty(20_000, dtype=gradkit.float64)
    with pytest.warns(UserWarning, match=r"mean is more than 2 std from \[a, b\] in nn.init.trunc_normal_"):
        nn.init.trunc_normal_(w, 0.0, 1.0, 4.0, 5.0)
    values = host(w)
    assert values.min() >= 4.0 and values.max() <= 5.0
    m, s = _truncated_moments(0.0, 1.0, 4.0, 5.0)
    assert abs(values.mean() - m) < 5 * s / math.sqrt(values.size)


def test_trunc_normal_float32_parameter_no_warning():
    w = nn.Parameter(gradkit.empty(64, 32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.init.trunc_normal_(w, std=0.02)
    assert w.dtype == gradkit.float32 and w.requires_grad and w.grad_fn is None
    assert np.abs(host(w)).max() <= 2.0
    assert abs(host(w).std() - 0.02) < 0.003
