"""F.layer_norm and F.batch_norm as one node each (PyTorch's NativeLayerNormBackward0 and
NativeBatchNormBackward0): the node's name, values and running statistics against a NumPy
reference, and float64 first- and second-order gradient checks on each device, with and
without the affine parameters, in training and in eval mode."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit
import gradkit.nn.functional as F
from gradkit import nn
from helpers import check_grads, host, rand64


def _ref_norm(x, axes, eps=1e-5):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def test_node_names_are_pytorchs(device):
    x = rand64(3, 4, device=device, seed=1).requires_grad_()
    assert F.layer_norm(x, (4,)).grad_fn.name() == "NativeLayerNormBackward0"
    assert nn.LayerNorm(4, dtype=gradkit.float64, device=device)(x).grad_fn.name() == "NativeLayerNormBackward0"
    bn = nn.BatchNorm1d(4, dtype=gradkit.float64, device=device)
    assert bn(x).grad_fn.name() == "NativeBatchNormBackward0"
    assert bn.eval()(x).grad_fn.name() == "NativeBatchNormBackward0"
    assert F.batch_norm(x, None, None, training=True).grad_fn.name() == "NativeBatchNormBackward0"
    assert nn.BatchNorm1d(4, affine=False, dtype=gradkit.float64, device=device)(x.detach()).grad_fn is None


@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_values_and_grads(device, affine):
    x = rand64(2, 3, 4, device=device, seed=2)
    w = rand64(3, 4, device=device, seed=3) if affine else None
    b = rand64(3, 4, device=device, seed=4) if affine else None
    expected = _ref_norm(host(x), (1, 2))
    if affine:
        expected = expected * host(w) + host(b)
    np.testing.assert_allclose(host(F.layer_norm(x, (3, 4), w, b)), expected, rtol=1e-12, atol=1e-12)
    inputs = (x, w, b) if affine else (x,)
    check_grads(lambda *t: F.layer_norm(t[0], (3, 4), *t[1:], eps=1e-3), inputs)


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_values_grads_and_running_statistics(device, affine, training):
    x = rand64(4, 3, 5, device=device, seed=5)
    w = rand64(3, device=device, seed=6) if affine else None
    b = rand64(3, device=device, seed=7) if affine else None
    running_mean = rand64(3, device=device, seed=8)
    running_var = rand64(3, device=device, seed=9) + 0.5
    rm0, rv0 = host(running_mean).copy(), host(running_var).copy()
    out = F.batch_norm(x, running_mean, running_var, w, b, training=training, momentum=0.25)
    X = host(x)
    if training:
        expected = _ref_norm(X, (0, 2))
        np.testing.assert_allclose(host(running_mean), 0.75 * rm0 + 0.25 * X.mean(axis=(0, 2)), rtol=1e-12)
        np.testing.assert_allclose(host(running_var), 0.75 * rv0 + 0.25 * X.var(axis=(0, 2), ddof=1), rtol=1e-12)
    else:
        expected = (X - rm0[:, None]) / np.sqrt(rv0[:, None] + 1e-5)
        np.testing.assert_allclose(host(running_mean), rm0)
    if affine:
        expected = expected * host(w)[:, None] + host(b)[:, None]
    np.testing.assert_allclose(host(out), expected, rtol=1e-12, atol=1e-12)
    inputs = (x, w, b) if affine else (x,)

    def fn(*t):
        return F.batch_norm(t[0], running_mean.clone(), running_var.clone(), *t[1:], training=training, eps=1e-3)

    check_grads(fn, inputs)


def test_bias_without_weight_and_float32(device):
    x = rand64(3, 5, device=device, seed=10)
    b = rand64(5, device=device, seed=11)
    check_grads(lambda x, b: F.layer_norm(x, (5,), None, b), (x, b))
    x32 = x.detach().float().requires_grad_()
    y = F.layer_norm(x32, (5,))
    assert y.dtype is gradkit.float32 and y.grad_fn.name() == "NativeLayerNormBackward0"
    (y * gradkit.arange(5.0, device=device)).sum().backward()
    np.testing.assert_allclose(host(x32.grad).sum(axis=1), np.zeros(3), atol=1e-5)


def test_eval_batch_norm_without_statistics_is_refused(device):
    with pytest.raises(RuntimeError, match="running_mean and running_var"):
        F.batch_norm(rand64(3, 2, device=device, seed=12), None, None, training=False)
