"""Batch norm (training) and layer norm as one op each: every affine variant's first and
second derivatives, the NumPy kernels against the portable ones, the errors."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit
import gradkit.nn.functional as F
from helpers import check_grads, rand64


@pytest.mark.parametrize("affine", ["wb", "w", "b", ""])
def test_layer_norm_over_two_dims_gradients(device, affine):
    x = rand64(2, 3, 4, device=device, seed=0, low=-2, high=2)
    params = [rand64(3, 4, device=device, seed=s) for s, a in ((1, "w"), (2, "b")) if a in affine]

    def fn(x, *p):
        weight = p[0] if "w" in affine else None
        bias = p[-1] if "b" in affine else None
        return F.layer_norm(x, (3, 4), weight, bias, eps=1e-3)
    check_grads(fn, [x, *params])


@pytest.mark.parametrize("affine", ["w", "b"])
def test_batch_norm_2d_gradients(device, affine):
    x = rand64(2, 3, 2, 2, device=device, seed=0, low=-2, high=2)
    p = rand64(3, device=device, seed=1)

    def fn(x, p):
        return F.batch_norm(x, None, None, p if affine == "w" else None, p if affine == "b" else None,
                            training=True)
    check_grads(fn, [x, p])


def test_a_whole_input_layer_norm_has_parameter_gradients_of_its_shape(device):
    x = rand64(3, 4, device=device, seed=0)
    w, b = rand64(3, 4, device=device, seed=1), rand64(3, 4, device=device, seed=2)
    check_grads(lambda x, w, b: F.layer_norm(x, (3, 4), w, b), [x, w, b])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", ["channels", "rows", "strided"])
def test_numpy_kernels_agree_with_the_portable_ones(dtype, case):
    from gradkit.backends import get_backend
    from gradkit.backends.kernels.normalization import NormalizationKernels as Portable

    backend = get_backend("cpu")
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((6, 5, 7, 3)) * 3 + 2).astype(dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    if case == "channels":
        stat, param, view, shape = (0, 2, 3), (0, 2, 3), (1, 5, 1, 1), (5,)
    else:
        stat, param, view, shape = (2, 3), (0, 1), (7, 3), (7, 3)
    if case == "strided":
        x, g = x[:, ::2], g[:, ::2]
    w, b = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-11)
    for weight, bias in ((w, b), (None, None)):
        fast, slow = backend.norm_forward(x, weight, bias, stat, view, 1e-5), Portable.norm_forward(
            backend, x, weight, bias, stat, view, 1e-5)
        for a, e in zip(fast, slow):
            assert a.dtype == x.dtype and a.shape == e.shape
            np.testing.assert_allclose(a, e, **tol)
        mean, invstd = slow[1], slow[3]
        fast, slow = backend.norm_backward(g, x, weight, mean, invstd, stat, param, view), Portable.norm_backward(
            backend, g, x, weight, mean, invstd, stat, param, view)
        for a, e in zip(fast, slow):
            if e is None:
                assert a is None
            else:
                assert a.dtype == x.dtype and a.shape == e.shape
                np.testing.assert_allclose(a, e, **tol)


def test_numpy_layer_norm_backward_takes_a_gradient_through_a_transpose():
    from gradkit.backends import get_backend
    from gradkit.backends.kernels.normalization import NormalizationKernels as Portable

    backend = get_backend("cpu")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 6, 8)).astype(np.float32)
    g = rng.standard_normal((6, 4, 8)).astype(np.float32).swapaxes(0, 1)  # not C-ordered
    w = rng.standard_normal(8).astype(np.float32)
    _, mean, _, invstd = Portable.norm_forward(backend, x, w, None, (2,), (8,), 1e-5)
    fast = backend.norm_backward(g, x, w, mean, invstd, (2,), (0, 1), (8,))
    slow = Portable.norm_backward(backend, g, x, w, mean, invstd, (2,), (0, 1), (8,))
    for a, e in zip(fast, slow):
        if e is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-4)


def test_errors_name_the_op(device):
    x = gradkit.randn(4, 3, device=device)
    with pytest.raises(RuntimeError, match=r"layer_norm: mixed dtype: expected the weight in the input's dtype "
                                           r"gradkit.float32, got gradkit.float64"):
        F.layer_norm(x, (3,), gradkit.ones(3, dtype=gradkit.float64, device=device))
    with pytest.raises(RuntimeError, match="batch_norm: mixed dtype: expected the bias"):
        F.batch_norm(x, None, None, None, gradkit.ones(3, dtype=gradkit.float64, device=device), training=True)
    with pytest.raises(NotImplementedError, match="layer_norm: not implemented for an input of dtype gradkit.int64"):
        F.layer_norm(gradkit.ones(4, 3, dtype=gradkit.int64, device=device), (3,))
    other = "strict" if device == "cpu" else "cpu"
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device.*layer_norm"):
        F.layer_norm(x, (3,), gradkit.ones(3, device=other))


def test_the_graph_names_the_ops_and_frees_the_statistics(device):
    x = gradkit.randn(4, 3, device=device, requires_grad=True)
    y = F.layer_norm(x, (3,))
    z = F.batch_norm(x, None, None, training=True)
    assert y.grad_fn.name() == "NativeLayerNormBackward0" and z.grad_fn.name() == "NativeBatchNormBackward0"
    nodes = y.grad_fn, z.grad_fn
    (y.sum() + (z * z).sum()).backward()
    assert all(n._mean is None and n._invstd is None for n in nodes)


def test_a_half_input_takes_float32_parameters_as_pytorch(device):
    """Mixed precision: float32 weight and bias with a float16 input compute in float32 and
    give float16 (PyTorch's mixed-dtype layer and batch norm); the gradients keep each dtype."""
    if device == "strict":
        pytest.skip("the strict device has no float16")
    x = gradkit.randn(4, 3, device=device).half().requires_grad_()
    w = gradkit.ones(3, device=device, requires_grad=True)
    b = gradkit.zeros(3, device=device, requires_grad=True)
    for out in (F.layer_norm(x, (3,), w, b), F.batch_norm(x, None, None, w, b, training=True)):
        assert out.dtype == gradkit.float16
        gx, gw = gradkit.autograd.grad(out.float().sum(), (x, w))
        assert gx.dtype == gradkit.float16 and gw.dtype == gradkit.float32
    gradkit.testing.assert_close(F.layer_norm(x, (3,), w, b).float(), F.layer_norm(x.float(), (3,)),
                                 rtol=1e-3, atol=1e-3)
