"""nn.init (in place, under no_grad, returning the tensor) and nn.utils (gradient clipping)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit
from gradkit import nn
from helpers import host

from ._nnutil import close
from ._torch_ref import REF


def test_calculate_gain():
    assert nn.init.calculate_gain("linear") == 1 and nn.init.calculate_gain("sigmoid") == 1
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("leaky_relu") == pytest.approx(1.4141428569978354)  # PyTorch 2.13
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert nn.init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        nn.init.calculate_gain("swish")


def test_init_functions_fill_in_place(device):
    gradkit.manual_seed(0)
    lin = nn.Linear(200, 300, device=device)
    w = lin.weight
    assert nn.init.normal_(w, std=0.01) is w
    assert w.requires_grad and w.is_leaf and w.grad_fn is None
    assert abs(host(w).std() - 0.01) < 0.001 and abs(host(w).mean()) < 0.001
    assert nn.init.normal_(w, mean=3.0, std=0.5) is w
    assert abs(host(w).mean() - 3.0) < 0.02
    nn.init.uniform_(w, -0.5, 0.25)
    assert host(w).min() >= -0.5 and host(w).max() <= 0.25
    nn.init.zeros_(lin.bias)
    close(lin.bias, np.zeros(300))
    nn.init.ones_(lin.bias)
    close(lin.bias, np.ones(300))
    nn.init.constant_(lin.bias, 0.3)
    close(lin.bias, np.full(300, 0.3), rtol=1e-7)
    fan_in, fan_out = 200, 300
    nn.init.xavier_uniform_(w)
    a = math.sqrt(6 / (fan_in + fan_out))
    assert host(w).max() <= a and host(w).min() >= -a and host(w).max() > 0.9 * a
    nn.init.xavier_normal_(w, gain=2.0)
    assert abs(host(w).std() - 2 * math.sqrt(2 / (fan_in + fan_out))) < 0.01
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    bound = math.sqrt(2) * math.sqrt(3 / fan_in)
    assert host(w).max() <= bound and host(w).max() > 0.9 * bound
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(host(w).std() - math.sqrt(2 / fan_out)) < 0.005
    nn.init.trunc_normal_(w, std=1.0, a=-0.5, b=0.5)
    assert np.abs(host(w)).max() <= 0.5
    eye = gradkit.empty(2, 3, device=device)
    close(nn.init.eye_(eye), np.eye(2, 3))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(lin.bias)


def test_init_through_apply(device):
    def init_weights(m):
        if type(m) == nn.Linear:
            nn.init.normal_(m.weight, std=0.01)
            nn.init.zeros_(m.bias)

    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256, device=device), nn.ReLU(), nn.Linear(256, 10, device=device))
    assert net.apply(init_weights) is net
    assert abs(host(net[1].weight).std() - 0.01) < 0.001
    close(net[3].bias, np.zeros(10))


def _grads(device):
    p1 = gradkit.zeros(3, requires_grad=True, device=device)
    p2 = gradkit.zeros(2, 2, requires_grad=True, device=device)
    p1.grad = gradkit.tensor(REF["clip_grad1"], device=device)
    p2.grad = gradkit.tensor(REF["clip_grad2"], device=device)
    return p1, p2


def test_clip_grad_norm(device):
    p1, p2 = _grads(device)
    total = nn.utils.clip_grad_norm_([p1, p2], 1.0)
    assert isinstance(total, gradkit.Tensor) and total.ndim == 0
    close(total, REF["clip_total"], rtol=1e-6)
    close(p1.grad, REF["clip_g1"], rtol=1e-6)
    close(p2.grad, REF["clip_g2"], rtol=1e-6)
    p1, p2 = _grads(device)
    close(nn.utils.clip_grad_norm_((p for p in [p1, p2]), 2.0, norm_type="inf"), REF["clipinf_total"], rtol=1e-6)
    close(p1.grad, REF["clipinf_g1"], rtol=1e-6)
    p1, p2 = _grads(device)
    close(nn.utils.clip_grad_norm_([p1, p2], 100.0, norm_type=1), REF["clip1_total"], rtol=1e-6)
    close(p1.grad, REF["clip1_g1"], rtol=1e-6)  # under max_norm: unchanged
    close(nn.utils.clip_grad_norm_(p1, 1.0), 5.0, rtol=1e-6)  # a single tensor
    empty = nn.utils.clip_grad_norm_([gradkit.zeros(2, requires_grad=True)], 1.0)
    assert float(empty) == 0.0


def test_clip_grad_norm_nonfinite(device):
    p = gradkit.zeros(2, requires_grad=True, device=device)
    p.grad = gradkit.tensor([math.inf, 1.0], device=device)
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_clip_grad_value(device):
    p1, p2 = _grads(device)
    nn.utils.clip_grad_value_([p1, p2], 1.5)
    close(p1.grad, [1.5, 0.0, -1.5])
    close(p2.grad, [[1.0, 1.5], [-1.5, 1.0]])


def test_parameters_vector_roundtrip(device):
    net = nn.Sequential(nn.Linear(2, 3, device=device), nn.Linear(3, 1, device=device))
    vec = nn.utils.parameters_to_vector(net.parameters())
    assert vec.shape == (13,)
    nn.utils.vector_to_parameters(gradkit.arange(13.0, device=device), net.parameters())
    close(net[0].weight, np.arange(6.0).reshape(3, 2))
    close(net[1].bias, [12.0])


def test_clip_grad_norm_over_dtypes_matches_the_norm_of_the_norms(device):
    """The 2-norm path (one sum of squares per device and dtype) against PyTorch's
    definition: the norm of the gradients' norms, each gradient scaled by one factor."""
    p1 = gradkit.zeros(4, 3, requires_grad=True, device=device)
    p2 = gradkit.zeros(5, dtype=gradkit.float64, requires_grad=True, device=device)
    g1 = gradkit.arange(12, dtype=gradkit.float32, device=device).reshape(3, 4).t() * 0.5 - 2.0  # not contiguous
    g2 = gradkit.linspace(-3.0, 4.0, 5, dtype=gradkit.float64, device=device)
    p1.grad, p2.grad = g1, g2.clone()
    g1c = g1.clone()
    total = nn.utils.clip_grad_norm_([p1, p2], 0.5)
    want = (g1c.double().norm() ** 2 + g2.norm() ** 2).sqrt()
    close(total, float(want), rtol=1e-6)
    coef = 0.5 / (float(want) + 1e-6)
    close(p1.grad, (g1c * coef).tolist(), rtol=1e-6)
    close(p2.grad, (g2 * coef).tolist(), rtol=1e-12)


def test_numpy_sum_of_squares_matches_the_portable_one():
    import numpy as np

    from gradkit._device import resolve
    from gradkit.backends.base import Backend

    backend = resolve("cpu").backend
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64, np.float16):
        arrays = [rng.standard_normal(s).astype(dtype) for s in ((7, 5), (3,), (2, 3, 4))]
        arrays[0] = arrays[0].T  # not contiguous
        got = backend.sum_of_squares(arrays)
        assert got.shape == () and got.dtype == dtype
        want = Backend.sum_of_squares(backend, arrays)
        np.testing.assert_allclose(got, want, rtol=1e-3 if dtype == np.float16 else 1e-6)
