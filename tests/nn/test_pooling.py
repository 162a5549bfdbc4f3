"""Pooling: max, average, adaptive and Lp pooling and max unpooling (functions, modules,
gradkit's top-level exports). PyTorch's values, indices and gradients (recorded, ties
included), float64 gradient checks to second order on every device, the NumPy kernels against
the portable ones, module reprs and PyTorch's refusals."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit
import gradkit.nn.functional as F
from gradkit import nn
from helpers import check_grads, host, rand64

from ._pooling_ref import RECORDED


def _input(shape, kind, device):
    """The inputs the recorded values were made from (exactly representable in float64 for
    "ties", so that windows hold equal maxima)."""
    a = gradkit.arange(math.prod(shape), dtype=gradkit.float64, device=device)
    if kind == "ties":
        a = (a * 7 % 11) * 0.25 - 1
    elif kind == "pos":
        a = a * 0.37 % 1.3 + 0.2
    else:
        a = a * 0.37 % 1.3 - 0.6
    return a.reshape(shape)


def _weights(n, device):
    return gradkit.arange(n, dtype=gradkit.float64, device=device) * 0.6180339887498949 % 1.0 + 0.5


def _close(t, expected, atol=1e-9):
    np.testing.assert_allclose(host(t).reshape(-1), np.asarray(expected, dtype=np.float64), rtol=1e-9, atol=atol)


# ----------------------------------------------------------------------------- PyTorch's values
POOL_CASES = sorted(name for name in RECORDED if not name.startswith("unpool"))
UNPOOL_CASES = sorted(name for name in RECORDED if name.startswith("unpool"))


@pytest.mark.parametrize("name", POOL_CASES)
def test_values_indices_and_gradients_match_pytorch(name, device):
    fn, shape, kind, kwargs, out_shape, values, indices, grad = RECORDED[name]
    x = _input(shape, kind, device).requires_grad_()
    out = getattr(F, fn)(x, **kwargs)
    if indices is not None:
        out, idx = out
        assert idx.dtype == gradkit.int64 and tuple(idx.shape) == out_shape
        assert host(idx).reshape(-1).tolist() == indices
    assert tuple(out.shape) == out_shape and out.dtype == gradkit.float64
    _close(out, values)
    (out * _weights(out.numel(), device).reshape(out.shape)).sum().backward()
    _close(x.grad, grad)


@pytest.mark.parametrize("name", UNPOOL_CASES)
def test_max_unpool_matches_pytorch(name, device):
    fn, shape, kind, kwargs, out_shape, values, _, grad = RECORDED[name]
    kwargs = dict(kwargs)
    pool = {"max_unpool1d": F.max_pool1d, "max_unpool2d": F.max_pool2d, "max_unpool3d": F.max_pool3d}[fn]
    y, idx = pool(_input(shape, kind, device), kwargs["kernel_size"], kwargs.get("stride"), return_indices=True)
    y = y.detach().requires_grad_()
    out = getattr(F, fn)(y, idx, **kwargs)
    assert tuple(out.shape) == out_shape
    _close(out, values)
    (out * _weights(out.numel(), device).reshape(out.shape)).sum().backward()
    _close(y.grad, grad)


def test_float32_keeps_its_dtype(device):
    x = _input((1, 2, 4, 5), "plain", device).float()
    for out in (F.max_pool2d(x, 2), F.avg_pool2d(x, 3, 1, 1), F.adaptive_avg_pool2d(x, (3, 2)),
                F.adaptive_max_pool2d(x, 2), F.lp_pool2d(x.abs(), 2, 2)):
        assert out.dtype == gradkit.float32
    _close(F.avg_pool2d(x, 2), host(F.avg_pool2d(x.double(), 2)).reshape(-1), atol=1e-6)


def test_integer_max_pool_and_truncating_avg_pool(device):
    x = gradkit.arange(16, device=device).reshape(1, 1, 4, 4) * 3
    assert host(F.max_pool2d(x, 2)).tolist() == [[[[15, 21], [39, 45]]]]
    # PyTorch's integer average divides the window's sum with truncation toward zero
    assert host(F.avg_pool2d(x, 3, 1, 1)).tolist() == [[[[3, 6, 8, 6], [9, 15, 18, 13], [17, 27, 30, 21],
                                                          [14, 22, 24, 16]]]]
    assert host(F.avg_pool2d(-x, 3, 1, 1))[0, 0, 0].tolist() == [-3, -6, -8, -6]


def test_nan_is_the_maximum(device):
    x = gradkit.tensor([[[1.0, float("nan"), 3.0, 2.0]]], device=device)
    out, idx = F.max_pool1d(x, 2, return_indices=True)
    assert math.isnan(host(out)[0, 0, 0]) and host(out)[0, 0, 1] == 3.0
    assert host(idx).tolist() == [[[1, 2]]]


# ----------------------------------------------------------------------------- gradient checks
GRAD_CASES = [
    pytest.param(lambda x: F.max_pool2d(x, 2), (1, 2, 4, 5), id="max2d"),
    pytest.param(lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), (1, 2, 4, 5), id="max2d_resnet_ceil"),
    pytest.param(lambda x: F.max_pool2d(x, (2, 2), 1, 1, dilation=(1, 2)), (2, 4, 5), id="max2d_dil_unbatched"),
    pytest.param(lambda x: F.max_pool1d(x, 3, 2, 1), (1, 2, 7), id="max1d"),
    pytest.param(lambda x: F.max_pool3d(x, 2, (1, 2, 2), 1), (1, 1, 2, 3, 4), id="max3d"),
    pytest.param(lambda x: F.avg_pool2d(x, 2), (1, 2, 4, 4), id="avg2d"),
    pytest.param(lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), (1, 2, 4, 5),
                 id="avg2d_excl_ceil"),
    pytest.param(lambda x: F.avg_pool2d(x, (2, 3), 1, 1, divisor_override=5), (1, 1, 4, 5), id="avg2d_divisor"),
    pytest.param(lambda x: F.avg_pool1d(x, 3, 2, 1, ceil_mode=True), (2, 7), id="avg1d_unbatched"),
    pytest.param(lambda x: F.avg_pool3d(x, 2, 1, 1, count_include_pad=False), (1, 1, 2, 3, 3), id="avg3d"),
    pytest.param(lambda x: F.adaptive_avg_pool1d(x, 3), (1, 2, 7), id="aavg1d"),
    pytest.param(lambda x: F.adaptive_avg_pool2d(x, (3, 2)), (1, 2, 4, 5), id="aavg2d"),
    pytest.param(lambda x: F.adaptive_avg_pool2d(x, 1), (2, 2, 4, 5), id="aavg2d_global"),
    pytest.param(lambda x: F.adaptive_avg_pool3d(x, (2, 1, 3)), (1, 1, 3, 2, 4), id="aavg3d"),
    pytest.param(lambda x: F.adaptive_max_pool1d(x, 3), (1, 2, 7), id="amax1d"),
    pytest.param(lambda x: F.adaptive_max_pool2d(x, (3, 2)), (1, 2, 4, 5), id="amax2d"),
    pytest.param(lambda x: F.adaptive_max_pool3d(x, (2, 1, 3)), (1, 3, 2, 4), id="amax3d_unbatched"),
]


@pytest.mark.parametrize("fn,shape", GRAD_CASES)
def test_gradcheck_and_gradgradcheck(fn, shape, device):
    # distinct values, so no window holds two maxima and finite differences see one derivative
    x = rand64(*shape, device=device, seed=3)
    check_grads(fn, (x,))


def test_lp_pool_gradcheck_positive(device):
    x = rand64(1, 2, 4, 4, device=device, low=0.5, high=1.5, seed=4)
    check_grads(lambda t: F.lp_pool2d(t, 2, 2), (x,))
    check_grads(lambda t: F.lp_pool1d(t, 3, 3, 2), (x[0],))
    check_grads(lambda t: F.lp_pool3d(t, 2, 2, 1), (x,))


def test_lp_pool_infinite_norms_are_max_pools(device):
    x = gradkit.tensor([[[1.0, -3.0, 2.0, 0.5]]], device=device)
    assert host(F.lp_pool1d(x, math.inf, 2)).tolist() == [[[3.0, 2.0]]]
    assert host(F.lp_pool2d(x, -math.inf, (1, 2))).tolist() == [[[1.0, 0.5]]]


def test_max_unpool_gradcheck(device):
    x = rand64(1, 2, 4, 4, device=device, seed=5)
    _, idx = F.max_pool2d(x.detach(), 2, return_indices=True)
    y = rand64(1, 2, 2, 2, device=device, seed=6)
    check_grads(lambda t: F.max_unpool2d(t, idx, 2, output_size=(5, 5)), (y,))
    _, idx3 = F.max_pool3d(x.detach(), 2, return_indices=True)
    check_grads(lambda t: F.max_unpool3d(t, idx3, 2), (rand64(1, 1, 2, 2, device=device, seed=9),))
    _, idx1 = F.max_pool1d(x.detach()[0], 3, 2, return_indices=True)
    check_grads(lambda t: F.max_unpool1d(t, idx1, 3, 2), (rand64(2, 4, 1, device=device, seed=7),))


def test_gradient_ops_chain_to_third_order(device):
    # the scatter's gradient is a gather, whose gradient is the scatter again
    x = rand64(1, 1, 5, 5, device=device, seed=8)
    y = F.max_pool2d(x, 3, 2, 1)
    g = gradkit.ones_like(y).requires_grad_()
    (gx,) = gradkit.autograd.grad(y, x, g, create_graph=True)
    v = gradkit.ones_like(gx).requires_grad_()
    (gathered,) = gradkit.autograd.grad(gx, g, v, create_graph=True)
    w = _weights(y.numel(), device).reshape(y.shape)
    (scattered,) = gradkit.autograd.grad((gathered * w).sum(), v)
    (expected,) = gradkit.autograd.grad(y, x, w)
    np.testing.assert_allclose(host(scattered), host(expected))


def test_grad_fn_names_are_pytorchs(device):
    def name(fn, *shape):
        return fn(gradkit.rand(*shape, device=device, requires_grad=True)).grad_fn.name()

    assert name(lambda t: F.max_pool2d(t, 2), 1, 1, 4, 4) == "MaxPool2DWithIndicesBackward0"
    assert name(lambda t: F.max_pool3d(t, 2), 1, 1, 4, 4, 4) == "MaxPool3DWithIndicesBackward0"
    assert name(lambda t: F.avg_pool2d(t, 2), 1, 4, 4) == "AvgPool2DBackward0"
    assert name(lambda t: F.avg_pool3d(t, 2), 1, 1, 4, 4, 4) == "AvgPool3DBackward0"
    assert name(lambda t: F.adaptive_avg_pool2d(t, 2), 1, 1, 4, 4) == "AdaptiveAvgPool2DBackward0"
    assert name(lambda t: F.adaptive_max_pool2d(t, 2), 1, 1, 4, 4) == "AdaptiveMaxPool2DBackward0"
    for fn in (lambda t: F.max_pool1d(t, 2), lambda t: F.avg_pool1d(t, 2), lambda t: F.adaptive_avg_pool1d(t, 2),
               lambda t: F.adaptive_max_pool1d(t, 2)):
        assert name(fn, 1, 1, 4) == "SqueezeBackward1"  # PyTorch runs them as 2-d pools


def test_indices_carry_no_gradient(device):
    x = gradkit.rand(1, 1, 4, 4, device=device, requires_grad=True)
    _, idx = F.max_pool2d(x, 2, return_indices=True)
    assert not idx.requires_grad and idx.grad_fn is None


def test_no_indices_without_grad_gives_the_same_maxima(device):
    x = _input((2, 2, 5, 5), "ties", device)
    with gradkit.no_grad():
        plain = F.max_pool2d(x.requires_grad_(), 3, 2, 1)
    np.testing.assert_array_equal(host(plain), host(F.max_pool2d(x.detach(), 3, 2, 1, return_indices=True)[0]))


# ----------------------------------------------------------------------------- NumPy kernels
def _backends():
    from gradkit.backends.base import Backend
    from gradkit.backends.numpy_backend import NumpyBackend

    class Portable(NumpyBackend):
        pass

    portable = Portable()
    for name in ("max_pool", "max_pool_backward", "avg_pool", "avg_pool_backward", "adaptive_avg_pool",
                 "adaptive_avg_pool_backward", "adaptive_max_pool", "plane_gather", "plane_scatter_add", "max_unpool",
                 "_pool_accumulate"):
        setattr(Portable, name, getattr(Backend, name))
    return NumpyBackend(), portable


KERNEL_CASES = [
    dict(kernel=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1), shape=(3, 2, 6, 8)),
    dict(kernel=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(1, 1), shape=(2, 3, 7, 8)),
    dict(kernel=(2, 3), stride=(1, 2), padding=(1, 0), dilation=(2, 1), shape=(2, 2, 6, 7)),
    dict(kernel=(3,), stride=(2,), padding=(1,), dilation=(1,), shape=(2, 3, 9)),
    dict(kernel=(2, 2, 2), stride=(2, 1, 2), padding=(1, 0, 1), dilation=(1, 1, 1), shape=(1, 2, 4, 5, 6)),
    dict(kernel=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1), shape=(2, 7, 7), ceil=True),
    # large enough for the NumPy kernels' stride phases and walk over the window offsets
    dict(kernel=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(1, 1), shape=(4, 8, 40, 41)),
    dict(kernel=(2, 3), stride=(3, 2), padding=(1, 1), dilation=(2, 1), shape=(4, 8, 41, 40), ceil=True),
    dict(kernel=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1), shape=(4, 8, 41, 41)),  # last row unread
]


@pytest.mark.parametrize("case", KERNEL_CASES)
def test_numpy_pooling_kernels_match_the_portable_ones(case):
    from gradkit.nn._functional_pooling import _out_size

    fast, portable = _backends()
    rng = np.random.default_rng(0)
    x = (np.round(rng.standard_normal(case["shape"]) * 2) / 2).astype(np.float32)  # many ties
    k, s, p, dl = case["kernel"], case["stride"], case["padding"], case["dilation"]
    d = len(k)
    out_size = tuple(_out_size(n, *a, case.get("ceil", False)) for n, a in zip(x.shape[-d:], zip(k, s, p, dl)))
    y1, i1 = fast.max_pool(x, k, s, p, dl, out_size)
    y2, i2 = portable.max_pool(x, k, s, p, dl, out_size)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(fast.max_pool(x, k, s, p, dl, out_size, False), y2)
    g = rng.standard_normal(y1.shape).astype(np.float32)
    np.testing.assert_allclose(fast.max_pool_backward(g, i1, x.shape[-d:], k, s, p, dl),
                               portable.max_pool_backward(g, i2, x.shape[-d:], k, s, p, dl), rtol=1e-6, atol=1e-6)
    for include in (True, False):
        a1 = fast.avg_pool(x, k, s, p, out_size, include, None)
        np.testing.assert_allclose(a1, portable.avg_pool(x, k, s, p, out_size, include, None), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(fast.avg_pool_backward(g, x.shape[-d:], k, s, p, include, None),
                                   portable.avg_pool_backward(g, x.shape[-d:], k, s, p, include, None), rtol=1e-5,
                                   atol=1e-6)
    plane = x.shape[-d:]
    np.testing.assert_allclose(fast.plane_scatter_add(g, i1, plane), portable.plane_scatter_add(g, i1, plane),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(fast.plane_gather(x, i1, d), portable.plane_gather(x, i1, d))
    np.testing.assert_array_equal(fast.max_unpool(y1, i1, plane), portable.max_unpool(y1, i1, plane))


@pytest.mark.parametrize("in_size,out_size", [((7, 5), (3, 2)), ((8, 8), (1, 1)), ((6, 4), (3, 4)), ((5,), (7,)),
                                              ((3, 4, 5), (1, 1, 1))])
def test_numpy_adaptive_kernels_match_the_portable_ones(in_size, out_size):
    fast, portable = _backends()
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3) + in_size)
    np.testing.assert_allclose(fast.adaptive_avg_pool(x, out_size), portable.adaptive_avg_pool(x, out_size))
    g = rng.standard_normal((2, 3) + out_size)
    np.testing.assert_allclose(fast.adaptive_avg_pool_backward(g, in_size),
                               portable.adaptive_avg_pool_backward(g, in_size))
    y1, i1 = fast.adaptive_max_pool(x, out_size)
    y2, i2 = portable.adaptive_max_pool(x, out_size)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(i1, i2)


# ----------------------------------------------------------------------------- modules
REPRS = [
    (lambda: nn.MaxPool1d(3), "MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)"),
    (lambda: nn.MaxPool2d(3, 2, 1), "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)"),
    (lambda: nn.MaxPool2d((2, 3), return_indices=True, ceil_mode=True),
     "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=True)"),
    (lambda: nn.MaxPool3d(2), "MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"),
    (lambda: nn.AvgPool1d(2), "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))"),
    (lambda: nn.AvgPool2d(2), "AvgPool2d(kernel_size=2, stride=2, padding=0)"),
    (lambda: nn.AvgPool2d((2, 3), 1, 1, True, False, 2), "AvgPool2d(kernel_size=(2, 3), stride=1, padding=1)"),
    (lambda: nn.AvgPool3d(2), "AvgPool3d(kernel_size=2, stride=2, padding=0)"),
    (lambda: nn.AdaptiveAvgPool1d(3), "AdaptiveAvgPool1d(output_size=3)"),
    (lambda: nn.AdaptiveAvgPool2d((1, None)), "AdaptiveAvgPool2d(output_size=(1, None))"),
    (lambda: nn.AdaptiveAvgPool3d(1), "AdaptiveAvgPool3d(output_size=1)"),
    (lambda: nn.AdaptiveMaxPool1d(2), "AdaptiveMaxPool1d(output_size=2)"),
    (lambda: nn.AdaptiveMaxPool2d(1, True), "AdaptiveMaxPool2d(output_size=1)"),
    (lambda: nn.MaxUnpool1d(2), "MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))"),
    (lambda: nn.MaxUnpool2d(2, 1), "MaxUnpool2d(kernel_size=(2, 2), stride=(1, 1), padding=(0, 0))"),
    (lambda: nn.MaxUnpool2d((2, 3)), "MaxUnpool2d(kernel_size=(2, 3), stride=(2, 3), padding=(0, 0))"),
    (lambda: nn.LPPool1d(2, 3), "LPPool1d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)"),
    (lambda: nn.LPPool2d(1.5, 2, 1, True), "LPPool2d(norm_type=1.5, kernel_size=2, stride=1, ceil_mode=True)"),
    (lambda: nn.AdaptiveMaxPool3d(2), "AdaptiveMaxPool3d(output_size=2)"),
    (lambda: nn.MaxUnpool3d(2), "MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))"),
    (lambda: nn.MaxUnpool3d((1, 2, 3), 1), "MaxUnpool3d(kernel_size=(1, 2, 3), stride=(1, 1, 1), padding=(0, 0, 0))"),
    (lambda: nn.LPPool3d(2, 2), "LPPool3d(norm_type=2, kernel_size=2, stride=None, ceil_mode=False)"),
    (lambda: nn.LPPool3d(1.5, (2, 2, 1), 1, True),
     "LPPool3d(norm_type=1.5, kernel_size=(2, 2, 1), stride=1, ceil_mode=True)"),
]


@pytest.mark.parametrize("make,expected", REPRS)
def test_module_repr_is_pytorchs(make, expected):
    module = make()
    assert repr(module) == expected
    assert not list(module.parameters()) and module.state_dict() == {}


def test_modules_call_their_functions(device):
    x = _input((1, 2, 4, 5), "ties", device)
    same = [(nn.MaxPool2d(3, 2, 1), F.max_pool2d(x, 3, 2, 1)), (nn.AvgPool2d(2, 1), F.avg_pool2d(x, 2, 1)),
            (nn.AdaptiveAvgPool2d(1), F.adaptive_avg_pool2d(x, 1)), (nn.LPPool2d(2, 2), F.lp_pool2d(x, 2, 2)),
            (nn.AdaptiveMaxPool2d((2, 3)), F.adaptive_max_pool2d(x, (2, 3))),
            (nn.MaxPool1d(2), F.max_pool1d(x[0], 2)), (nn.AvgPool1d(3, 2, 1), F.avg_pool1d(x[0], 3, 2, 1)),
            (nn.AdaptiveAvgPool1d(2), F.adaptive_avg_pool1d(x[0], 2)),
            (nn.AdaptiveMaxPool1d(2), F.adaptive_max_pool1d(x[0], 2))]
    for module, expected in same:
        inp = x[0] if "1d" in type(module).__name__ else x
        np.testing.assert_array_equal(host(module(inp)), host(expected))
    y, idx = nn.MaxPool2d(2, return_indices=True)(x)
    np.testing.assert_array_equal(host(nn.MaxUnpool2d(2)(y, idx, output_size=(4, 5))),
                                  host(F.max_unpool2d(y, idx, 2, output_size=(4, 5))))
    x3 = _input((1, 1, 2, 4, 4), "plain", device)
    np.testing.assert_array_equal(host(nn.MaxPool3d(2)(x3)), host(F.max_pool3d(x3, 2)))
    np.testing.assert_array_equal(host(nn.AvgPool3d(2)(x3)), host(F.avg_pool3d(x3, 2)))
    np.testing.assert_array_equal(host(nn.AdaptiveAvgPool3d(1)(x3)), host(F.adaptive_avg_pool3d(x3, 1)))
    np.testing.assert_array_equal(host(nn.AdaptiveMaxPool3d((1, 2, 3))(x3)), host(F.adaptive_max_pool3d(x3, (1, 2, 3))))
    np.testing.assert_array_equal(host(nn.LPPool3d(2, 2)(x3.abs())), host(F.lp_pool3d(x3.abs(), 2, 2)))
    y3, idx3 = F.max_pool3d(x3, 2, return_indices=True)
    np.testing.assert_array_equal(host(nn.MaxUnpool3d(2)(y3, idx3)), host(F.max_unpool3d(y3, idx3, 2)))


def test_module_paths():
    from gradkit.nn.modules import pooling

    assert pooling.MaxPool2d is nn.MaxPool2d and nn.modules.AvgPool2d is nn.AvgPool2d
    assert "max_pool2d" in F.__all__ and "MaxPool2d" in nn.__all__


# ----------------------------------------------------------------------------- top-level exports
def test_top_level_exports(device):
    x = _input((1, 2, 7), "ties", device)
    np.testing.assert_array_equal(host(gradkit.max_pool1d(x, 2)), host(F.max_pool1d(x, 2)))
    np.testing.assert_array_equal(host(gradkit.avg_pool1d(x, 3, 2)), host(F.avg_pool1d(x, 3, 2)))
    np.testing.assert_array_equal(host(gradkit.adaptive_avg_pool1d(x, 3)), host(F.adaptive_avg_pool1d(x, 3)))
    values, idx = gradkit.adaptive_max_pool1d(x, 3)  # a pair, as torch's
    np.testing.assert_array_equal(host(idx), host(F.adaptive_max_pool1d(x, 3, return_indices=True)[1]))
    values, idx = gradkit.max_pool1d_with_indices(x, 2)
    np.testing.assert_array_equal(host(idx), host(F.max_pool1d(x, 2, return_indices=True)[1]))
    x2 = x.reshape(1, 2, 7, 1).expand(1, 2, 7, 4)
    np.testing.assert_array_equal(host(gradkit.max_pool2d(x2, 2, padding=1)), host(F.max_pool2d(x2, 2, padding=1)))
    x3 = x2.unsqueeze(0)
    np.testing.assert_array_equal(host(gradkit.max_pool3d(x3, 2)), host(F.max_pool3d(x3, 2)))
    values, idx = F.max_pool2d_with_indices(x2, 2)
    assert idx.dtype == gradkit.int64


# ----------------------------------------------------------------------------- refusals
ERRORS = [
    (lambda x: F.max_pool2d(x, 3, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"),
    (lambda x: F.avg_pool2d(x, 3, padding=2), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"),
    (lambda x: F.max_pool2d(x[:, :, :2, :2], 3), RuntimeError,
     "Given input size: (2x2x2). Calculated output size: (2x0x0). Output size is too small"),
    (lambda x: F.max_pool2d(x[0, 0], 2), RuntimeError, "non-empty 3D or 4D (batch mode) tensor expected for input"),
    (lambda x: F.max_pool3d(x[0], 2), RuntimeError, "non-empty 4D or 5D (batch mode) tensor expected for input"),
    (lambda x: F.max_pool1d(x.unsqueeze(0), 2), RuntimeError,
     "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but "
     "got:[1, 1, 2, 5, 5]"),
    (lambda x: F.avg_pool1d(x, 2), RuntimeError,
     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for "
     "avg_pool1d)"),
    (lambda x: F.max_pool1d(x[0], 3, padding=2), RuntimeError,
     "max_pool1d() padding should be at most half of kernel size, but got padding=2 and kernel_size=3"),
    (lambda x: F.max_pool1d(x[0], 6), RuntimeError, "max_pool1d() Invalid computed output size: 0"),
    (lambda x: F.max_pool1d(x[0], (2, 2)), RuntimeError,
     "max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size 2"),
    (lambda x: F.max_pool1d(x[0], 2, stride=0), RuntimeError,
     "max_pool1d() stride must be greater than zero, but got 0"),
    (lambda x: F.avg_pool1d(x[0, :, 0], 6), RuntimeError,
     "Given input size: (2x1x5). Calculated output size: (2x1x0). Output size is too small"),
    (lambda x: F.avg_pool1d(x[0], (2, 2)), RuntimeError,
     "avg_pool1d() argument 'kernel_size' should contain one int (got 2)"),
    (lambda x: F.max_pool2d(x, (2, 2, 2)), RuntimeError,
     "max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    (lambda x: F.avg_pool3d(x.unsqueeze(0), (2, 2)), RuntimeError,
     "avg_pool3d: kernel_size must be a single int, or a tuple of three ints"),
    (lambda x: F.max_pool2d(x, 2, stride=(1, 1, 1)), RuntimeError,
     "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints"),
    (lambda x: F.max_pool2d(x, 2, padding=(1, 1, 1)), RuntimeError,
     "max_pool2d: padding must either be a single int, or a tuple of two ints"),
    (lambda x: F.max_pool2d(x, 2, dilation=(1, 1, 1)), RuntimeError,
     "max_pool2d: dilation must be either a single int, or a tuple of two ints"),
    (lambda x: F.max_pool2d(x, 0), RuntimeError, "stride should not be zero"),
    (lambda x: F.max_pool2d(x, 2, dilation=0), RuntimeError,
     "dilation should be greater than zero, but got dilationH: 0 dilationW: 0"),
    (lambda x: F.max_pool2d(x, 2, padding=-1), RuntimeError, "pad must be non-negative, but got pad: -1"),
    (lambda x: F.avg_pool2d(x, 2, divisor_override=0), RuntimeError, "divisor must be not zero"),
    (lambda x: F.avg_pool3d(x.unsqueeze(0)[:, :, :, :3, :4], 4), RuntimeError,
     "input image (T: 2 H: 3 W: 4) smaller than kernel size (kT: 4 kH: 4 kW: 4)"),
    (lambda x: F.adaptive_avg_pool2d(x, (2, 2, 2)), RuntimeError, "adaptive_avg_pool2d: output_size must be 2"),
    (lambda x: F.adaptive_max_pool2d(x, (2, 2, 2)), RuntimeError,
     "adaptive_max_pool2d(): internal error: output_size.size() must be 2"),
    (lambda x: F.adaptive_avg_pool1d(x[0], (2, 2)), RuntimeError,
     "adaptive_avg_pool1d() argument 'output_size' should contain one int (got 2)"),
    (lambda x: F.adaptive_avg_pool1d(x, 2), RuntimeError,
     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for "
     "adaptive_avg_pool1d)"),
    (lambda x: F.adaptive_avg_pool2d(x[0, 0], (2, 2)), ValueError, "Input dimension should be at least 3"),
    (lambda x: F.adaptive_avg_pool2d(x[0, 0], 2), RuntimeError,
     "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [5, 5]"),
    (lambda x: F.adaptive_max_pool2d(x[0, 0], 2), RuntimeError,
     "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [5, 5]"),
    (lambda x: F.adaptive_max_pool3d(x[0], 2), RuntimeError,
     "adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: [2, 5, 5]"),
    (lambda x: F.adaptive_max_pool3d(x, (2, 2)), RuntimeError,
     "adaptive_max_pool3d(): internal error: output_size.size() must be 3"),
    (lambda x: F.max_unpool3d(x[0], gradkit.zeros(2, 5, 5, dtype=gradkit.int64, device=x.device), 2), RuntimeError,
     "Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with 3 dimensions."),
    (lambda x: F.lp_pool2d(x, 2, (2, 2, 2)), ValueError, "too many values to unpack (expected 2)"),
    (lambda x: F.lp_pool2d(x, 2, (2,)), ValueError, "not enough values to unpack (expected 2, got 1)"),
    (lambda x: F.adaptive_max_pool2d(x.unsqueeze(0), 2), RuntimeError,
     "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [1, 1, 2, 5, 5]"),
    (lambda x: F.adaptive_avg_pool2d(x[:, :, :0], 2), RuntimeError,
     "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
     "[1, 2, 0, 5] with dimension 2 being empty"),
    (lambda x: F.adaptive_avg_pool2d(x.long(), 2), NotImplementedError,
     "\"adaptive_avg_pool2d\" not implemented for 'Long'"),
    (lambda x: F.max_pool2d(x > 0, 2), NotImplementedError, "\"max_pool2d\" not implemented for 'Bool'"),
    (lambda x: F.max_unpool2d(x, gradkit.zeros(1, 2, 5, 5, dtype=gradkit.int64, device=x.device), 2,
                              output_size=(3, 3)), ValueError,
     'invalid output_size "(3, 3)" (dim 0 must be between 8 and 12)'),
    (lambda x: F.max_unpool2d(x, gradkit.zeros(1, 2, 5, 5, dtype=gradkit.int64, device=x.device), 2,
                              output_size=(1, 2, 3)), ValueError,
     "output_size should be a sequence containing 2 or 4 elements, but it has a length of '3'"),
    (lambda x: F.max_unpool2d(x, gradkit.zeros(1, 2, 5, 5, dtype=gradkit.int32, device=x.device), 2), RuntimeError,
     "elements in indices should be type int64 but got: Int"),
    (lambda x: F.max_unpool2d(x[0, 0], gradkit.zeros(5, 5, dtype=gradkit.int64, device=x.device), 2), RuntimeError,
     "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with 2 dimensions."),
    (lambda x: F.max_unpool1d(x[0, :, :3, 0], gradkit.zeros(2, 4, dtype=gradkit.int64, device=x.device), 2),
     RuntimeError, "Expected shape of indices to be same as that of the input tensor ([2, 3, 1]) but got indices "
                   "tensor with shape: [2, 4, 1]"),
]


@pytest.mark.parametrize("call,exc,message", ERRORS)
def test_refusals_are_pytorchs(call, exc, message, device):
    x = _input((1, 2, 5, 5), "plain", device)
    with pytest.raises(exc) as info:
        call(x)
    assert str(info.value) == message


def test_unpool_checks_index_range_on_the_cpu():
    x = _input((1, 2, 5, 5), "plain", "cpu")
    with pytest.raises(RuntimeError, match=r"Found an invalid max index: 200 \(output volumes are of size 10x10\)"):
        F.max_unpool2d(x, gradkit.full((1, 2, 5, 5), 200, dtype=gradkit.int64), 2)
    with pytest.raises(RuntimeError, match=r"Found an invalid max index: -1 \(output volumes are of size 10x10\)"):
        F.max_unpool2d(x, gradkit.full((1, 2, 5, 5), -1, dtype=gradkit.int64), 2)


def test_empty_batch(device):
    out = F.max_pool2d(gradkit.rand(0, 1, 4, 4, device=device), 2)
    assert tuple(out.shape) == (0, 1, 2, 2)
    assert tuple(F.avg_pool2d(gradkit.rand(0, 1, 4, 4, device=device), 2).shape) == (0, 1, 2, 2)


def test_indices_changed_in_place_refuse_the_backward(device):
    x = gradkit.rand(1, 1, 4, 4, device=device, requires_grad=True)
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    idx.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_a_second_backward_needs_retain_graph(device):
    x = gradkit.rand(1, 1, 4, 4, device=device, requires_grad=True)
    y = F.max_pool2d(x, 2)
    g = gradkit.ones_like(y)
    y.backward(g, retain_graph=True)
    y.backward(g)
    with pytest.raises(RuntimeError, match=r"second time.*MaxPool2DWithIndicesBackward0"):
        y.backward(g)
