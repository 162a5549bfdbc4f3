"""Convolution: conv1d/2d/3d, conv_transpose1d/2d/3d, unfold/fold and their modules.

Values and gradients match PyTorch's, recorded in _conv_ref.py by make_conv_ref.py; gradients
pass float64 gradcheck and gradgradcheck on every device; the NumPy kernels agree with the
portable ones; modules have PyTorch's parameters, initialisation and repr; errors are
PyTorch's."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit
import gradkit.nn.functional as F
from gradkit import nn

from helpers import check_grads, host, rand64
from ._conv_ref import CASES, REF

f64 = gradkit.float64


def seq(shape, step, period, shift, device="cpu", dtype=f64):
    """make_conv_ref.seq: arange * step % period - shift."""
    n = math.prod(shape)
    return (gradkit.arange(n, dtype=f64, device=device) * step % period - shift).reshape(shape).to(dtype)


def output_weights(shape, device):
    n = math.prod(shape)
    return (gradkit.arange(n, dtype=f64, device=device) * 0.6180339887498949 % 1.0 + 0.5).reshape(shape)


def close(t, expected, rtol=1e-9, atol=1e-12):
    np.testing.assert_allclose(host(t), np.array(expected, dtype=np.float64), rtol=rtol, atol=atol)


def _inputs(name, device):
    fn, xs, ws, bias, kw = CASES[name]
    x = seq(xs, 0.37, 1.9, 0.95, device).requires_grad_()
    w = seq(ws, 0.23, 1.3, 0.65, device).requires_grad_()
    channels = ws[1] * kw.get("groups", 1) if fn.startswith("conv_transpose") else ws[0]
    b = seq((channels,), 0.5, 1.7, 0.4, device).requires_grad_() if bias else None
    return getattr(F, fn), x, w, b, kw


# ----------------------------------------------------------------------------- values
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_pytorch(device, name):
    fn, x, w, b, kw = _inputs(name, device)
    y = fn(x, w, b, **kw)
    ref = REF[name]
    assert list(y.shape) == ref["shape"]
    assert y.dtype == f64
    close(y, ref["out"])
    (y * output_weights(y.shape, device)).sum().backward()
    close(x.grad, ref["gx"])
    close(w.grad, ref["gw"])
    if b is not None:
        close(b.grad, ref["gb"])


def test_unfold_and_fold_match_pytorch(device):
    x = seq((2, 2, 5, 6), 0.37, 1.9, 0.95, device).requires_grad_()
    y = F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    assert list(y.shape) == REF["unfold"]["shape"] and y.grad_fn.name() == "Im2ColBackward0"
    close(y, REF["unfold"]["out"])
    (y * output_weights(y.shape, device)).sum().backward()
    close(x.grad, REF["unfold"]["gx"])
    c = seq((2, 12, 9), 0.37, 1.9, 0.95, device).requires_grad_()
    y = F.fold(c, (5, 6), (2, 3), padding=1, stride=2)
    assert list(y.shape) == REF["fold"]["shape"] and y.grad_fn.name() == "Col2ImBackward0"
    close(y, REF["fold"]["out"])
    (y * output_weights(y.shape, device)).sum().backward()
    close(c.grad, REF["fold"]["gx"])


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding,kernel", [((1, 2), (3, 3)), ("same", (2, 4))])
def test_padding_modes_match_pytorch(device, mode, padding, kernel):
    m = nn.Conv2d(2, 3, kernel, padding=padding, padding_mode=mode, dtype=f64, device=device)
    with gradkit.no_grad():
        m.weight.copy_(seq(tuple(m.weight.shape), 0.23, 1.3, 0.65, device))
        m.bias.copy_(seq(tuple(m.bias.shape), 0.5, 1.7, 0.4, device))
    x = seq((1, 2, 4, 5), 0.37, 1.9, 0.95, device).requires_grad_()
    y = m(x)
    ref = REF[f"mode_{mode}_{'same' if padding == 'same' else 'pad'}"]
    assert list(y.shape) == ref["shape"]
    close(y, ref["out"])
    (y * output_weights(y.shape, device)).sum().backward()
    close(x.grad, ref["gx"])
    close(m.weight.grad, ref["gw"])
    close(m.bias.grad, ref["gb"])


def test_float32_stays_float32(device):
    x = seq((2, 2, 4, 5), 0.37, 1.9, 0.95, device, gradkit.float32).requires_grad_()
    w = seq((3, 2, 3, 2), 0.23, 1.3, 0.65, device, gradkit.float32).requires_grad_()
    b = gradkit.zeros(3, device=device, requires_grad=True)
    y = F.conv2d(x, w, b, padding=1)
    assert y.dtype == gradkit.float32
    close(y, REF["conv2d_float32"], rtol=1e-5, atol=1e-6)
    y.sum().backward()
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == gradkit.float32
    t = F.conv_transpose2d(y, w.detach(), stride=2)
    assert t.dtype == gradkit.float32


def test_grad_fn_names(device):
    x = gradkit.ones(1, 2, 4, 4, device=device, requires_grad=True)
    w = gradkit.ones(3, 2, 2, 2, device=device)
    assert F.conv2d(x, w).grad_fn.name() == "ConvolutionBackward0"
    assert F.conv_transpose2d(x, gradkit.ones(2, 3, 2, 2, device=device)).grad_fn.name() == "ConvolutionBackward0"
    assert F.conv2d(x[0], w).grad_fn.name() == "SqueezeBackward1"  # unbatched: (C, H, W) -> (O, H', W')


def test_top_level_functions():
    for name in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"):
        assert getattr(gradkit, name) is getattr(F, name)


def test_empty_batch(device):
    x = gradkit.ones(0, 3, 5, 6, device=device, requires_grad=True)
    w = gradkit.ones(4, 3, 2, 2, device=device, requires_grad=True)
    y = F.conv2d(x, w, padding=1)
    assert tuple(y.shape) == (0, 4, 6, 7)
    y.sum().backward()
    assert tuple(x.grad.shape) == (0, 3, 5, 6) and float(w.grad.abs().sum()) == 0.0


def test_integer_convolution_as_pytorch_cpu():
    x = gradkit.arange(2 * 2 * 4 * 4).reshape(2, 2, 4, 4)
    w = gradkit.ones(3, 2, 2, 2, dtype=gradkit.int64)
    y = F.conv2d(x, w, stride=2)
    assert y.dtype == gradkit.int64
    assert y[0, 0].tolist() == [[84, 100], [148, 164]]


# ----------------------------------------------------------------------------- gradient checks
def _small(device, *shape, seed):
    gradkit.manual_seed(seed)
    return (gradkit.rand(*shape, dtype=f64, device=device) * 2 - 1).requires_grad_()


@pytest.mark.parametrize("kw", [{}, {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2)}, {"padding": "same"},
                                {"groups": 2, "padding": 1}])
def test_conv2d_grad_checks(device, kw):
    x = _small(device, 1, 2, 4, 5, seed=0)
    w = _small(device, 2, 2 // kw.get("groups", 1), 2, 3, seed=1)
    b = _small(device, 2, seed=2)
    check_grads(lambda x, w, b: F.conv2d(x, w, b, **kw), (x, w, b))


def test_conv1d_and_conv3d_grad_checks(device):
    check_grads(lambda x, w: F.conv1d(x, w, stride=2, padding=1), (_small(device, 2, 2, 6, seed=0),
                                                                    _small(device, 3, 2, 3, seed=1)))
    check_grads(lambda x, w: F.conv3d(x, w, padding=(1, 0, 0)), (_small(device, 1, 1, 2, 3, 3, seed=2),
                                                                  _small(device, 2, 1, 2, 2, 2, seed=3)))


@pytest.mark.parametrize("kw", [{"stride": 2, "padding": 1, "output_padding": 1}, {"groups": 2, "dilation": 2}])
def test_conv_transpose2d_grad_checks(device, kw):
    x = _small(device, 1, 2, 3, 3, seed=0)
    w = _small(device, 2, 2 // kw.get("groups", 1), 2, 2, seed=1)
    b = _small(device, 2 // kw.get("groups", 1) * kw.get("groups", 1), seed=2)
    check_grads(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw), (x, w, b))


def test_conv_transpose1d_grad_checks(device):
    check_grads(lambda x, w: F.conv_transpose1d(x, w, stride=2, output_padding=1),
                (_small(device, 2, 2, 3, seed=0), _small(device, 2, 3, 3, seed=1)))


def test_unfold_and_fold_grad_checks(device):
    check_grads(lambda x: F.unfold(x, 2, padding=1, stride=(1, 2)), (_small(device, 1, 2, 3, 4, seed=0),))
    check_grads(lambda c: F.fold(c, (3, 4), 2, padding=1, stride=(1, 2)), (_small(device, 1, 8, 12, seed=1),))


def test_third_derivative_of_a_convolution(device):
    # the gradient ops' own backwards are ops again: a third order differentiates them once more
    x = _small(device, 1, 1, 3, 3, seed=0)
    w = _small(device, 1, 1, 2, 2, seed=1)

    def grad_sum(x, w):
        y = F.conv2d(x, w) ** 2
        (gx,) = gradkit.autograd.grad(y.sum(), (x,), create_graph=True)
        return (gx * gx).sum()

    check_grads(grad_sum, (x, w), second_order=False)


# ----------------------------------------------------------------------------- NumPy against portable
_KERNEL_CASES = [  # x shape, w shape, stride, padding pairs, dilation, groups
    ((2, 3, 7, 9), (4, 3, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),  # padded
    ((2, 3, 7, 9), (4, 3, 3, 2), (1, 1), ((0, 1), (2, 1)), (2, 1), 1),  # asymmetric padding, dilated
    ((2, 4, 7, 5), (6, 2, 3, 3), (2, 1), ((1, 1), (0, 0)), (1, 1), 2),  # strided, groups
    ((2, 4, 3, 3), (4, 1, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 4),  # depthwise, narrow
    ((2, 3, 6, 7), (3, 1, 3, 2), (1, 1), ((2, 0), (1, 1)), (1, 2), 3),  # depthwise, asymmetric, dilated
    ((2, 3, 7, 6), (6, 1, 2, 3), (2, 1), ((1, 0), (1, 1)), (1, 1), 3),  # depthwise, two outputs each, strided
    ((2, 2, 9), (2, 1, 3), (1,), ((1, 1),), (1,), 2),  # depthwise 1-d
    ((2, 3, 4, 5), (5, 3, 1, 1), (1, 1), ((0, 0), (0, 0)), (1, 1), 1),  # pointwise, small images
    ((2, 3, 16, 17), (5, 3, 1, 1), (1, 1), ((0, 0), (0, 0)), (1, 1), 1),  # pointwise, per-sample products
    ((2, 3, 4, 5), (5, 3, 1, 1), (2, 2), ((0, 0), (0, 0)), (1, 1), 1),  # strided pointwise
    ((2, 3, 5, 18), (4, 3, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),  # wide
    ((2, 4, 5, 18), (4, 4, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),  # wide, input gradient by flipped kernel
    ((2, 4, 5, 6), (3, 4, 3, 2), (1, 1), ((1, 2), (0, 1)), (2, 1), 1),  # the same, asymmetric, dilated
    ((2, 4, 5, 35), (6, 2, 3, 2), (2, 2), ((1, 0), (0, 1)), (1, 2), 2),  # wide, strided, groups
    ((2, 2, 9), (3, 2, 3), (2,), ((2, 1),), (2,), 1),  # 1-d
    ((2, 2, 40), (3, 2, 3), (1,), ((1, 1),), (1,), 1),  # 1-d, wide
    ((1, 2, 3, 4, 4), (2, 2, 2, 3, 2), (1, 2, 1), ((1, 1), (0, 0), (1, 0)), (1, 1, 1), 1),  # 3-d
    # kernel offsets that read only padding (kernels.conv.live_taps): ResNet's last stage on 1x1
    # inputs, its strided 2x2 -> 1x1 step, one dim only, dilated, with groups
    ((3, 5, 1, 1), (4, 5, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),
    ((3, 4, 2, 2), (6, 4, 3, 3), (2, 2), ((1, 1), (1, 1)), (1, 1), 1),
    ((2, 3, 1, 6), (4, 3, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),
    ((2, 3, 2, 7), (4, 3, 3, 2), (1, 1), ((2, 2), (0, 1)), (2, 1), 1),
    ((2, 4, 1, 1), (6, 2, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 2),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batch_last", [False, True])
@pytest.mark.parametrize("case", range(len(_KERNEL_CASES)))
def test_numpy_kernels_match_the_portable_ones(monkeypatch, case, batch_last, dtype):
    from gradkit.backends import _numpy_conv
    from gradkit.backends.base import Backend
    from gradkit.backends.kernels.conv import conv_output_size

    # both orders of the column matrix's columns, whatever the image width picks
    monkeypatch.setattr(_numpy_conv, "_BATCH_LAST_BELOW_WIDTH", 10 ** 6 if batch_last else 0)

    backend = gradkit.ones(1)._device.backend  # NumPy's
    xs, ws, stride, padding, dilation, groups = _KERNEL_CASES[case]
    rng = np.random.default_rng(case)
    x = rng.standard_normal(xs).astype(dtype)
    w = rng.standard_normal(ws).astype(dtype)
    b = rng.standard_normal(ws[0]).astype(dtype)
    params = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    out = conv_output_size(xs[2:], ws[2:], stride, padding, dilation)
    g = rng.standard_normal((xs[0], ws[0]) + out).astype(dtype)
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype == "float32" else {"rtol": 1e-12, "atol": 1e-12}
    for kernel, args in (("conv", (x, w, b)), ("conv_grad_input", (g, w)), ("conv_grad_weight", (g, x)),
                         ("conv_grad_bias", (g,))):
        extra = {"conv_grad_input": {"input_size": xs[2:]}, "conv_grad_weight": {"kernel_size": ws[2:]}}
        kw = {} if kernel == "conv_grad_bias" else {**params, **extra.get(kernel, {})}
        fast = getattr(backend, kernel)(*args, **kw)
        portable = getattr(Backend, kernel)(backend, *args, **kw)
        assert fast.dtype == portable.dtype == np.dtype(dtype), kernel
        assert fast.shape == portable.shape, kernel
        np.testing.assert_allclose(fast, portable, **tol, err_msg=kernel)


@pytest.mark.parametrize("weight,groups,size", [((3, 2, 3, 3), 1, (9, 10)), ((3, 1, 3, 3), 3, (9, 10)),
                                                ((3, 2, 1, 1), 1, (5, 6))])
def test_transposed_convolution_with_output_padding_at_unit_stride(device, weight, groups, size):
    # output_padding below the dilation: the last rows and columns get nothing but the bias
    # (the convolution from that size has one more output position than the input has)
    x = _small(device, 1, 3, 4, 5, seed=0)
    w = _small(device, *weight, seed=1)
    channels = weight[1] * groups
    y = F.conv_transpose2d(x, w, gradkit.ones(channels, dtype=f64, device=device), dilation=2, output_padding=1,
                           groups=groups)
    assert tuple(y.shape) == (1, channels) + size
    with gradkit.no_grad():
        assert float((y[:, :, -1] - 1).abs().max()) == 0.0 and float((y[:, :, :, -1] - 1).abs().max()) == 0.0
    check_grads(lambda x, w: F.conv_transpose2d(x, w, dilation=2, output_padding=1, groups=groups), (x, w))


def test_columns_are_built_in_batch_chunks(monkeypatch, device):
    # a limit below one sample's columns: one sample per chunk, the same results
    from gradkit.backends.kernels import conv as conv_kernels

    x = _small(device, 3, 2, 5, 6, seed=0)
    w = _small(device, 3, 2, 3, 3, seed=1)
    whole = [F.conv2d(x, w, padding=1), F.conv_transpose2d(x, w.transpose(0, 1), padding=1)]
    expected = [t.detach() for t in whole] + list(gradkit.autograd.grad(whole[0].sum() + whole[1].sum(), (x, w)))
    monkeypatch.setattr(conv_kernels, "COLUMN_BYTES_LIMIT", 64)
    chunked = [F.conv2d(x, w, padding=1), F.conv_transpose2d(x, w.transpose(0, 1), padding=1)]
    got = [t.detach() for t in chunked] + list(gradkit.autograd.grad(chunked[0].sum() + chunked[1].sum(), (x, w)))
    for a, b in zip(expected, got, strict=True):
        np.testing.assert_allclose(host(a), host(b), rtol=1e-12, atol=1e-12)
    assert conv_kernels.batch_chunks(3, 2 * 9 * 30 * 8) == [(0, 1), (1, 2), (2, 3)]


# ----------------------------------------------------------------------------- modules
def test_module_reprs():
    assert repr(nn.Conv2d(3, 4, 3, padding="same", padding_mode="reflect")) == \
        "Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, padding_mode=reflect)"
    assert repr(nn.Conv2d(3, 4, (2, 3), stride=(1, 2), padding=(1, 0), dilation=2, bias=False,
                          padding_mode="replicate")) == \
        "Conv2d(3, 4, kernel_size=(2, 3), stride=(1, 2), padding=(1, 0), dilation=(2, 2), bias=False, " \
        "padding_mode=replicate)"
    assert repr(nn.Conv1d(2, 4, 3, padding="valid")) == "Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=valid)"
    assert repr(nn.Conv3d(2, 4, 3, stride=2, padding=1, groups=2)) == \
        "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1), groups=2)"
    assert repr(nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, output_padding=1, groups=2)) == \
        "ConvTranspose2d(2, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2)"
    assert repr(nn.ConvTranspose1d(2, 4, 3, dilation=2, bias=False)) == \
        "ConvTranspose1d(2, 4, kernel_size=(3,), stride=(1,), dilation=(2,), bias=False)"
    assert repr(nn.LazyConv2d(4, 3)) == "LazyConv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))"
    assert repr(nn.LazyConvTranspose2d(4, 3, stride=2)) == \
        "LazyConvTranspose2d(0, 4, kernel_size=(3, 3), stride=(2, 2))"
    assert repr(nn.Unfold(2, dilation=1, padding=1, stride=2)) == \
        "Unfold(kernel_size=2, dilation=1, padding=1, stride=2)"
    assert repr(nn.Fold((4, 5), 2)) == "Fold(output_size=(4, 5), kernel_size=2, dilation=1, padding=0, stride=1)"


def test_module_parameters_state_dict_and_init():
    m = nn.Conv2d(4, 6, (3, 2), groups=2)
    assert [(k, tuple(v.shape)) for k, v in m.state_dict().items()] == [("weight", (6, 2, 3, 2)), ("bias", (6,))]
    bound = 1 / math.sqrt(2 * 3 * 2)  # fan_in = in/groups * kernel area
    assert float(m.weight.detach().abs().max()) <= bound and float(m.bias.detach().abs().max()) <= bound
    assert float(m.weight.detach().abs().max()) > bound / 2  # spread over the interval, not a constant
    t = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert [(k, tuple(v.shape)) for k, v in t.state_dict().items()] == [("weight", (4, 3, 3, 3)), ("bias", (6,))]
    assert float(t.bias.detach().abs().max()) <= 1 / math.sqrt(3 * 9)
    assert nn.Conv1d(2, 3, 2, bias=False).bias is None
    assert [k for k, _ in nn.Conv1d(2, 3, 2, bias=False).named_parameters()] == ["weight"]
    assert m._reversed_padding_repeated_twice == [0, 0, 0, 0]
    assert nn.Conv2d(3, 4, (2, 4), padding="same")._reversed_padding_repeated_twice == [1, 2, 0, 1]
    assert nn.modules.conv.Conv2d is nn.Conv2d and nn.modules.fold.Unfold is nn.Unfold


def test_state_dict_round_trip_gives_the_same_outputs():
    a, b = nn.Conv2d(2, 3, 3, padding=1), nn.Conv2d(2, 3, 3, padding=1)
    b.load_state_dict(a.state_dict())
    x = gradkit.randn(1, 2, 5, 5)
    assert gradkit.equal(a(x), b(x))


def test_conv_module_shapes_and_unbatched_input():
    assert tuple(nn.Conv2d(3, 4, 3)(gradkit.randn(3, 5, 5)).shape) == (4, 3, 3)
    assert tuple(nn.Conv1d(3, 4, 3, stride=2)(gradkit.randn(2, 3, 9)).shape) == (2, 4, 4)
    assert tuple(nn.Conv3d(3, 4, 2, padding=1)(gradkit.randn(1, 3, 2, 3, 4)).shape) == (1, 4, 3, 4, 5)
    assert tuple(nn.ConvTranspose2d(3, 4, 3, stride=2)(gradkit.randn(3, 5, 5)).shape) == (4, 11, 11)


def test_conv_transpose_output_size():
    m = nn.ConvTranspose2d(3, 4, 3, stride=2)
    x = gradkit.randn(1, 3, 5, 5)
    assert tuple(m(x, output_size=(12, 12)).shape) == (1, 4, 12, 12)
    assert tuple(m(x, output_size=[1, 4, 11, 12]).shape) == (1, 4, 11, 12)
    with pytest.raises(ValueError, match=r"requested an output size of \(13, 13\), but valid sizes range from "
                                         r"\[11, 11\] to \[12, 12\] \(for an input of "):
        m(x, output_size=(13, 13))
    with pytest.raises(ValueError, match=r"^ConvTranspose2D: for 4D input, output_size must have 2 or 4 elements "
                                         r"\(got 1\)$"):
        m(x, output_size=(14,))


@pytest.mark.parametrize("cls,shape,in_dim,weight", [
    (nn.LazyConv1d, (2, 3, 7), 3, (4, 3, 3)), (nn.LazyConv2d, (3, 5, 5), 3, (4, 3, 3, 3)),
    (nn.LazyConv3d, (1, 3, 4, 4, 4), 3, (4, 3, 3, 3, 3)), (nn.LazyConvTranspose1d, (2, 6, 5), 6, (6, 2, 3)),
    (nn.LazyConvTranspose2d, (1, 6, 4, 4), 6, (6, 2, 3, 3)), (nn.LazyConvTranspose3d, (1, 6, 2, 2, 2), 6,
                                                              (6, 2, 3, 3, 3))])
def test_lazy_convolutions_materialise_on_first_call(cls, shape, in_dim, weight):
    groups = 2 if "Transpose" in cls.__name__ else 1
    m = cls(4, 3, groups=groups)
    assert isinstance(m.weight, nn.UninitializedParameter) and m.in_channels == 0
    params = list(m.parameters())
    y = m(gradkit.randn(*shape))
    assert type(m) is cls.cls_to_become and m.in_channels == in_dim
    assert tuple(m.weight.shape) == weight and tuple(m.bias.shape) == (4,)
    assert list(m.parameters())[0] is params[0]  # the same objects: an optimizer made before keeps them
    assert y.requires_grad


# ----------------------------------------------------------------------------- errors
def _raises(exc, message, fn):
    with pytest.raises(exc) as info:
        fn()
    assert str(info.value) == message


def test_functional_errors_are_pytorchs():
    x, w = gradkit.ones(2, 3, 5, 5), gradkit.ones(4, 3, 3, 3)
    _raises(RuntimeError, "Given groups=1, weight of size [4, 3, 3, 3], expected input[2, 4, 5, 5] to have 3 channels, "
                          "but got 4 channels instead", lambda: F.conv2d(gradkit.ones(2, 4, 5, 5), w))
    _raises(RuntimeError, "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size "
                          "[[5, 3, 3, 3]] instead", lambda: F.conv2d(gradkit.ones(2, 6, 5, 5), gradkit.ones(5, 3, 3, 3),
                                                                     groups=2))
    _raises(RuntimeError, "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't "
                          "be greater than actual input size", lambda: F.conv2d(gradkit.ones(2, 3, 2, 2), w))
    _raises(RuntimeError, "Calculated padded input size per channel: (1 x 1). Kernel size: (5 x 5). Kernel size can't "
                          "be greater than actual input size",
            lambda: F.conv2d(gradkit.ones(2, 3, 1, 1), w, dilation=2))
    _raises(RuntimeError, "padding='same' is not supported for strided convolutions",
            lambda: F.conv2d(x, w, stride=2, padding="same"))
    _raises(RuntimeError, "Invalid padding string: 'full'", lambda: F.conv2d(x, w, padding="full"))
    _raises(RuntimeError, "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 5]",
            lambda: F.conv2d(gradkit.ones(3, 5), w))
    _raises(RuntimeError, "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
                          "[1, 2, 3, 4]", lambda: F.conv1d(gradkit.ones(1, 2, 3, 4), gradkit.ones(3, 2, 2)))
    _raises(RuntimeError, "Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, but "
                          "got bias of size [5] instead", lambda: F.conv2d(x, w, gradkit.ones(5)))
    _raises(RuntimeError, "negative padding is not supported", lambda: F.conv2d(x, w, padding=-1))
    _raises(RuntimeError, "non-positive stride is not supported", lambda: F.conv2d(x, w, stride=0))
    _raises(RuntimeError, "non-positive dilation is not supported", lambda: F.conv2d(x, w, dilation=0))
    _raises(RuntimeError, "non-positive groups is not supported", lambda: F.conv2d(x, w, groups=0))
    _raises(RuntimeError, "expected stride to be a single integer value or a list of 2 values to match the "
                          "convolution dimensions, but got stride=[1, 2, 3]", lambda: F.conv2d(x, w, stride=(1, 2, 3)))
    _raises(RuntimeError, "weight should have at least three dimensions", lambda: F.conv2d(x, gradkit.ones(4)))
    _raises(RuntimeError, "Input type (torch.FloatTensor) and weight type (torch.DoubleTensor) should be the same or "
                          "input should be a MKLDNN tensor and weight is a dense tensor",
            lambda: F.conv2d(x, w.double()))
    _raises(RuntimeError, "Input type (float) and bias type (double) should be the same",
            lambda: F.conv2d(x, w, gradkit.ones(4, dtype=f64)))


def test_transposed_errors_are_pytorchs():
    w = gradkit.ones(3, 4, 3, 3)
    _raises(RuntimeError, "Given transposed=1, weight of size [3, 4, 3, 3], expected input[2, 4, 5, 5] to have 3 "
                          "channels, but got 4 channels instead",
            lambda: F.conv_transpose2d(gradkit.ones(2, 4, 5, 5), w))
    _raises(RuntimeError, "output padding must be smaller than either stride or dilation, but got "
                          "output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 "
                          "dilation_height: 1 dilation_width: 1",
            lambda: F.conv_transpose2d(gradkit.ones(2, 3, 5, 5), w, output_padding=1))
    _raises(RuntimeError, "output padding must be smaller than either stride or dilation, but got "
                          "output_padding_height: 0 output_padding_width: 1 stride_height: 1 stride_width: 1 "
                          "dilation_height: 1 dilation_width: 1",
            lambda: F.conv_transpose1d(gradkit.ones(2, 3, 5), gradkit.ones(3, 4, 3), output_padding=1))
    _raises(RuntimeError, "Given transposed=1, weight of size [3, 4, 3, 3], expected bias to be 1-dimensional with 4 "
                          "elements, but got bias of size [3] instead",
            lambda: F.conv_transpose2d(gradkit.ones(2, 3, 5, 5), w, gradkit.ones(3)))
    _raises(RuntimeError, "Given input size per channel: (1 x 1). Calculated output size per channel: (-1 x -1). "
                          "Output size is too small",
            lambda: F.conv_transpose2d(gradkit.ones(1, 3, 1, 1), w, padding=2))
    _raises(TypeError, "conv_transpose2d(): argument 'padding' must be tuple of ints, not str",
            lambda: F.conv_transpose2d(gradkit.ones(2, 3, 5, 5), w, padding="same"))
    assert tuple(F.conv_transpose2d(gradkit.ones(2, 3, 5, 5), w, dilation=2, output_padding=1).shape) == (2, 4, 10, 10)


def test_unfold_fold_errors_are_pytorchs():
    _raises(RuntimeError, "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                          "dimensions for input, but got: [1, 3, 5, 5, 5]",
            lambda: F.unfold(gradkit.ones(1, 3, 5, 5, 5), 2))
    _raises(RuntimeError, "Given input with spatial size (5, 5), kernel_size=(7, 7), dilation=(1, 1), padding=(0, 0), "
                          "calculated shape of the array of sliding blocks as (-1, -1), but its components must be at "
                          "least one.", lambda: F.unfold(gradkit.ones(1, 3, 5, 5), 7))
    _raises(RuntimeError, "padding should be non-negative, but got pad_height: -1 pad_width: -1",
            lambda: F.unfold(gradkit.ones(1, 3, 5, 5), 2, padding=-1))
    _raises(RuntimeError, "stride should be greater than zero, but got stride_height: 0 stride_width: 0",
            lambda: F.unfold(gradkit.ones(1, 3, 5, 5), 2, stride=0))
    _raises(RuntimeError, "It is expected kernel_size equals to 2, but got size 3",
            lambda: F.unfold(gradkit.ones(1, 3, 5, 5), (2, 2, 2)))
    _raises(NotImplementedError, "\"im2col_out_cpu\" not implemented for 'Long'",
            lambda: F.unfold(gradkit.ones(1, 3, 5, 5, dtype=gradkit.int64), 2))
    _raises(RuntimeError, "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got "
                          "input.size(1)=13 and kernel_size=(2, 2).",
            lambda: F.fold(gradkit.ones(1, 13, 16), (5, 5), 2))
    _raises(RuntimeError, "Given output_size=(5, 5), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), "
                          "stride=(1, 1), expected size of input's dimension 2 to match the calculated number of "
                          "sliding blocks 4 * 4 = 16, but got input.size(2)=15.",
            lambda: F.fold(gradkit.ones(1, 12, 15), (5, 5), 2))
    _raises(RuntimeError, "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                          "dimensions for input, but got: [1, 12, 16, 1]",
            lambda: F.fold(gradkit.ones(1, 12, 16, 1), (5, 5), 2))
    assert tuple(F.unfold(gradkit.ones(3, 5, 5), 2).shape) == (12, 16)
    assert tuple(F.fold(gradkit.ones(12, 16), (5, 5), 2).shape) == (3, 5, 5)


def test_module_errors_are_pytorchs():
    _raises(ValueError, "in_channels must be divisible by groups", lambda: nn.Conv2d(3, 4, 3, groups=2))
    _raises(ValueError, "out_channels must be divisible by groups", lambda: nn.Conv2d(4, 3, 3, groups=2))
    _raises(ValueError, "groups must be a positive integer", lambda: nn.Conv2d(4, 4, 3, groups=0))
    # (a set in the message, as PyTorch's: its order follows the string hashes of the process)
    with pytest.raises(ValueError, match=r"^Invalid padding string 'foo', should be one of "
                                         r"(\{'same', 'valid'\}|\{'valid', 'same'\})$"):
        nn.Conv2d(4, 4, 3, padding="foo")
    _raises(ValueError, "padding='same' is not supported for strided convolutions",
            lambda: nn.Conv2d(4, 4, 3, padding="same", stride=2))
    with pytest.raises(ValueError, match=r"^padding_mode must be one of \{.*\}, but got padding_mode='zero'$"):
        nn.Conv2d(4, 4, 3, padding_mode="zero")
    _raises(ValueError, 'Only "zeros" padding mode is supported for ConvTranspose2d',
            lambda: nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect"))
    with pytest.raises(RuntimeError, match=r"^Argument #4: Padding size should be less than the corresponding input "
                                           r"dimension, but got: padding \(5, 5\) at dimension"):
        nn.Conv2d(3, 4, 3, padding=5, padding_mode="reflect")(gradkit.ones(1, 3, 5, 5))


def test_kernel_offsets_that_read_only_padding_are_dropped_alike():
    from gradkit.backends.kernels.conv import live_taps

    # a 3x3 kernel with padding 1 on a 1x1 input: the centre alone, without padding
    assert live_taps((1, 1), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1)) == \
        ((slice(1, 2), slice(1, 2)), ((0, 0), (0, 0)))
    # stride 2 on 2x2: the lower-right 2x2 of the kernel reads the input
    assert live_taps((2, 2), (3, 3), (2, 2), ((1, 1), (1, 1)), (1, 1)) == \
        ((slice(1, 3), slice(1, 3)), ((0, 0), (0, 0)))
    # every offset reads the input somewhere: nothing to drop
    assert live_taps((2, 2), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1)) is None
    assert live_taps((1,), (3,), (1,), ((2, 2),), (1,)) is None


def test_dropped_kernel_offsets_keep_first_and_second_derivatives(device):
    x = rand64(2, 3, 1, 2, device=device, seed=0)
    w = rand64(4, 3, 3, 3, device=device, seed=1)
    b = rand64(4, device=device, seed=2)
    check_grads(lambda x, w, b: F.conv2d(x, w, b, padding=1), [x, w, b])
    check_grads(lambda x, w: F.conv2d(x, w, stride=2, padding=1), [rand64(2, 3, 2, 2, device=device, seed=3), w])
