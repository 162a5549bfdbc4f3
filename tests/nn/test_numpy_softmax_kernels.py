"""The NumPy backend's softmax-family kernels (backends/_numpy_softmax.py, take_rows) and the
short paths of view and randint give what the portable kernels and the general paths give,
bit for bit: recorded PyTorch values and printed training runs depend on those bits."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from gradkit.backends import Backend

SHAPES = [(32, 27), (2048, 65), (7, 1), (1, 9), (3, 4, 5), (5,), (2, 0), (0, 3), (4, 130)]


def _same_bits(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _logits(rng, shape, dtype, scale):
    a = (rng.standard_normal(shape) * scale).astype(dtype)
    flat = a.reshape(-1)
    flat[::7] = 0.0  # ties of +0. and -0. at a row's maximum
    flat[1::11] = -0.0
    return a


def _both(name, backend, a, axis):
    """The NumPy kernel's and the portable kernel's result, or the exception each raised."""
    out = []
    for call in (lambda: getattr(backend, name)(a, axis), lambda: getattr(Backend, name)(backend, a, axis)):
        try:
            with np.errstate(all="ignore"):
                out.append(call())
        except Exception as error:  # noqa: BLE001 - the two must fail alike
            out.append(type(error))
    return out


@pytest.mark.parametrize("name", ["log_softmax", "softmax"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_numpy_softmax_kernels_match_the_portable_ones(name, dtype):
    backend = gk.device("cpu").backend
    rng = np.random.default_rng(0)
    for shape in SHAPES:
        for scale in (1.0, 40.0, 1e4):
            a = _logits(rng, shape, dtype, scale)
            views = [a]
            if a.ndim == 2 and a.shape[1] > 1:
                views += [a[:, ::2], np.asfortranarray(a)]  # not C-ordered: the reduction's path
            for x in views:
                for axis in range(-x.ndim, x.ndim):
                    fast, portable = _both(name, backend, x, axis)
                    if isinstance(portable, type):
                        assert fast is portable
                    else:
                        assert _same_bits(fast, portable), (shape, scale, axis)


@pytest.mark.parametrize("name", ["log_softmax", "softmax"])
def test_numpy_softmax_kernels_on_nan_and_infinite_rows(name):
    backend = gk.device("cpu").backend
    a = np.array([[np.nan, 1, 2], [np.inf, 1, 0], [-np.inf, -np.inf, -np.inf], [0.0, -0.0, -200.0],
                  [-0.0, 0.0, -200.0], [3.0, 3.0, 3.0], [-0.0, -1e30, 5.0]], dtype=np.float32)
    fast, portable = _both(name, backend, a, 1)
    assert np.array_equal(fast, portable, equal_nan=True)
    assert np.array_equal(np.signbit(fast[3:]), np.signbit(portable[3:]))


@pytest.mark.parametrize("per_row", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_cross_entropy_backward_matches_the_portable_one(per_row, dtype):
    backend = gk.device("cpu").backend
    rng = np.random.default_rng(1)
    for n, c in [(32, 27), (5, 1), (64, 65)]:
        logp = backend.log_softmax((rng.standard_normal((n, c)) * 3).astype(dtype), 1)
        target = rng.integers(0, c, n)
        g = rng.standard_normal(n).astype(dtype) if per_row else np.asarray(0.75, dtype=dtype)
        for row_weight in (1.0, 1.0 / n):
            fast = backend.cross_entropy_backward(None, g, logp, target, row_weight)
            portable = Backend.cross_entropy_backward(backend, None, g, logp, target, row_weight)
            assert _same_bits(fast, portable)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("g", [1.0, 0.75, 3e-39, -2.0, 0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan])
def test_numpy_cross_entropy_backward_of_special_values_matches_the_portable_one(dtype, g):
    """The one-pass-fewer path (a 0-d gradient whose s = g * -row_weight is finite and
    negative) and the others, with NaN, infinite and tied logits, probabilities that
    underflow to 0 and repeated targets: the portable kernel's bits."""
    backend = gk.device("cpu").backend
    rng = np.random.default_rng(5)
    x = _logits(rng, (32, 27), dtype, 3.0)
    x[0, 3], x[1, :] = np.nan, -np.nan  # a NaN among numbers, a row of NaNs
    x[2, 5], x[3, 7], x[4, 0] = np.inf, -np.inf, -300.0  # p = NaN row, p = 0, p underflows
    logp = backend.log_softmax(x, 1)
    target = rng.integers(0, 27, 32)
    target[:6] = [3, 0, 5, 7, 1, 3]
    for row_weight in (1.0, 1.0 / 32):
        gd = np.asarray(g, dtype=dtype)
        fast = backend.cross_entropy_backward(None, gd, logp, target, row_weight)
        portable = Backend.cross_entropy_backward(backend, None, gd, logp, target, row_weight)
        assert _same_bits(fast, portable)


def test_numpy_take_rows_of_a_strided_array():
    backend = gk.device("cpu").backend
    rng = np.random.default_rng(2)
    a = rng.standard_normal((6, 10)).astype(np.float32)[:, ::2]
    idx = rng.integers(0, 5, 6)
    assert _same_bits(backend.take_rows(a, idx), Backend.take_rows(backend, a, idx))


def test_view_of_plain_ints_matches_the_parsed_sizes():
    x = gk.randn(4, 3, 5, requires_grad=True)
    for short, parsed in [(x.view(4, -1), x.view((4, -1))), (x.view(60), x.view(gk.Size([60]))),
                          (x.view(2, 2, 15), x.view([2, 2, 15]))]:
        assert short.shape == parsed.shape and short.grad_fn.name() == parsed.grad_fn.name()
        assert short._base is x and short.data_ptr() == x.data_ptr()
    x.view(4, -1).sum().backward()
    assert x.grad.shape == x.shape
    with pytest.raises(RuntimeError, match="invalid for input of size 60"):
        x.view(7, -1)
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        x.view(-1, -1)
    with pytest.raises(RuntimeError, match="Use .reshape"):
        x.transpose(0, 1).view(60)
    with pytest.raises(TypeError):
        x.view(4.0, 15)


def test_randint_of_plain_sizes_draws_as_the_general_path():
    gk.manual_seed(5)
    short = gk.randint(0, 100, (3, 4))
    gk.manual_seed(5)
    general = gk.randint(0, 100, [3, 4])  # a list: the general parse
    assert short.dtype is general.dtype is gk.int64
    assert short.tolist() == general.tolist()
    g = gk.Generator().manual_seed(7)
    assert gk.randint(3, 9, (0,), generator=g).shape == (0,)
    assert gk.randint(10, (2,)).dtype is gk.int64
    with pytest.raises(RuntimeError, match="negative dimension"):
        gk.randint(0, 5, (2, -1))
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        gk.randint(0, 5, (2,), requires_grad=True)
