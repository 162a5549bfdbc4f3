"""cummax, cummin, logcumsumexp, quantile, nanquantile, histc, isposinf and isneginf: values
recorded from PyTorch 2.13, float64 gradcheck and gradgradcheck on every device, PyTorch's
errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values, const

NAN, INF = math.nan, math.inf
RAGGED = [[1., 3, 2, 3, 0], [2, 2, NAN, 1, NAN]]


def test_cummax_cummin_values_ties_and_nans(device):
    x = const(RAGGED, device, dtype=gk.float32)
    values, indices = gk.cummax(x, 1)
    assert_values(values, [[1., 3, 3, 3, 3], [2, 2, NAN, NAN, NAN]], dtype=gk.float32)
    assert_values(indices, [[0, 1, 1, 3, 3], [0, 1, 2, 2, 4]], dtype=gk.int64)
    values, indices = gk.cummin(x, 1)
    assert_values(values, [[1., 1, 1, 1, 0], [2, 2, NAN, NAN, NAN]])
    assert_values(indices, [[0, 0, 0, 0, 4], [0, 1, 2, 2, 4]])
    out = x.cummax(0)
    assert_values(out.values, [[1., 3, 2, 3, 0], [2, 3, NAN, 3, NAN]])
    assert_values(out.indices, [[0, 0, 0, 0, 0], [1, 0, 1, 0, 1]])


def test_cummax_integer_bool_scalar_and_empty(device):
    values, indices = gk.cummax(gk.tensor([3, 1, 4, 4, 2], device=device), 0)
    assert_values(values, [3, 3, 4, 4, 4], dtype=gk.int64)
    assert_values(indices, [0, 0, 2, 3, 3])
    values, indices = gk.cummax(gk.tensor([True, False], device=device), 0)
    assert_values(values, [True, True], dtype=gk.bool)
    assert_values(indices, [0, 0])
    values, indices = gk.cummax(gk.tensor(3., device=device), 0)
    assert_values(values, 3.0)
    assert_values(indices, 0)
    values, indices = gk.cummin(gk.zeros(0, 3, device=device), 0)
    assert values.shape == indices.shape == (0, 3) and indices.dtype == gk.int64
    with pytest.raises(IndexError, match="Dimension out of range"):
        gk.cummax(gk.zeros(2, 3, device=device), 2)


def test_cummax_gradient_goes_to_the_chosen_element(device):
    a = const([1., 3, 3, 2], device, dtype=gk.float32, requires_grad=True)
    values, _ = a.cummax(0)
    values.backward(gk.tensor([1., 2, 3, 4], device=device))
    assert_values(a.grad, [1., 2, 7, 0])
    assert values.grad_fn.name() == "CummaxBackward0"


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cummax_cummin_grads(device, name, dim):
    x = rand64(3, 4, device=device, seed=1)
    check_grads(lambda t: getattr(gk, name)(t, dim).values, (x,))


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # NumPy's logaddexp of a NaN
def test_logcumsumexp_values(device):
    x = const(RAGGED, device, dtype=gk.float32)
    assert_values(gk.logcumsumexp(x, 1), [[1.0, 3.1269280910491943, 3.4076058864593506, 3.9175758361816406,
                                         3.937269926071167], [2.0, 2.6931471824645996, NAN, NAN, NAN]],
                  rtol=1e-6)
    assert_values(gk.logcumsumexp(const([-INF, INF, 1.], device), 0), [-INF, INF, INF])
    assert_values(gk.logcumsumexp(const([-INF, -INF, 1.], device), 0), [-INF, -INF, 1.])
    assert_values(gk.logcumsumexp(const(2., device), 0), 2.0)
    # a small element is not lost against a much larger one later in its slice
    assert_values(gk.logcumsumexp(const([-1000., 0.], device), 0), [-1000., 0.])
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        gk.logcumsumexp(gk.tensor([1, 2], device=device), 0)


def test_logcumsumexp_gradient_recorded(device):
    a = const([0.5, -1., 2, 1000.], device, requires_grad=True)
    gk.logcumsumexp(a, 0).sum().backward()
    assert_values(a.grad, [1.9928648683336803, 0.2215380970770438, 0.7855970345892758, 1.0])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_logcumsumexp_grads(device, dim):
    x = rand64(3, 4, device=device, seed=2, low=-2, high=2)
    check_grads(lambda t: gk.logcumsumexp(t, dim), (x,))


# quantile and nanquantile along dim 1 of QX at QS, per interpolation, recorded from PyTorch
QX = [[0., 1, 2, 3], [4, NAN, 1, 7], [3, 3, 1, 0]]
QS = [0.0, 0.25, 0.5, 0.9, 1.0]
QUANTILE = {
    "linear": [[0, NAN, 0], [0.75, NAN, 0.75], [1.5, NAN, 2], [2.7, NAN, 3], [3, NAN, 3]],
    "lower": [[0, NAN, 0], [0, NAN, 0], [1, NAN, 1], [2, NAN, 3], [3, NAN, 3]],
    "higher": [[0, NAN, 0], [1, NAN, 1], [2, NAN, 3], [3, NAN, 3], [3, NAN, 3]],
    "midpoint": [[0, NAN, 0], [0.5, NAN, 0.5], [1.5, NAN, 2], [2.5, NAN, 3], [3, NAN, 3]],
    "nearest": [[0, NAN, 0], [1, NAN, 1], [2, NAN, 3], [3, NAN, 3], [3, NAN, 3]],
}
NANQUANTILE = {
    "linear": [[0, 1, 0], [0.75, 2.5, 0.75], [1.5, 4, 2], [2.7, 6.4, 3], [3, 7, 3]],
    "lower": [[0, 1, 0], [0, 1, 0], [1, 4, 1], [2, 4, 3], [3, 7, 3]],
    "higher": [[0, 1, 0], [1, 4, 1], [2, 4, 3], [3, 7, 3], [3, 7, 3]],
    "midpoint": [[0, 1, 0], [0.5, 2.5, 0.5], [1.5, 4, 2], [2.5, 5.5, 3], [3, 7, 3]],
    "nearest": [[0, 1, 0], [1, 1, 1], [2, 4, 3], [3, 7, 3], [3, 7, 3]],
}


@pytest.mark.parametrize("interpolation", list(QUANTILE))
def test_quantile_interpolations(device, interpolation):
    x, q = const(QX, device), const(QS, device)
    assert_values(gk.quantile(x, q, dim=1, interpolation=interpolation), QUANTILE[interpolation], dtype=gk.float64)
    assert_values(gk.nanquantile(x, q, dim=1, interpolation=interpolation), NANQUANTILE[interpolation])
    assert_values(x.quantile(q, 1, interpolation=interpolation), QUANTILE[interpolation])


def test_quantile_shapes_and_scalars(device):
    x = const(QX, device)
    assert_values(gk.quantile(x[[0, 2]], 0.3), 1.0)
    assert_values(gk.quantile(x[[0, 2]], 0.3, keepdim=True), [[1.0]])
    assert gk.quantile(x, 0.5, dim=0, keepdim=True).shape == (1, 4)
    assert gk.quantile(x, const(QS, device), dim=0, keepdim=True).shape == (5, 1, 4)
    assert_values(gk.nanquantile(x, 0.4), 1.0)
    assert_values(gk.nanquantile(const([NAN, NAN], device, dtype=gk.float32), 0.5), NAN)
    # nearest rounds half to even
    assert_values(gk.quantile(const([0., 1, 2, 3], device, dtype=gk.float32), 0.5, interpolation="nearest"), 2.0)
    assert_values(gk.quantile(const([0., 1, 2, 3, 4], device, dtype=gk.float32),
                              const([0.125, 0.375, 0.625], device, dtype=gk.float32), interpolation="nearest"),
                  [0., 2, 2])
    assert gk.quantile(const([1., 2, 3], device, dtype=gk.float32), 0.3).dtype == gk.float32
    assert_values(gk.quantile(const(2., device, dtype=gk.float32), const([0.5, 0.1], device, dtype=gk.float32)),
                  [2., 2.])


@pytest.mark.parametrize("call,match", [
    (lambda x: gk.quantile(x, 1.5), r"quantile\(\) q must be in the range \[0, 1\] but got 1.5"),
    (lambda x: gk.quantile(x, -0.1), r"q must be in the range \[0, 1\] but got -0.1"),
    (lambda x: gk.quantile(x, gk.tensor([0.1, 2.], dtype=gk.float64, device=x.device)),
     r"quantile\(\) q values must be in the range \[0, 1\]"),
    (lambda x: gk.quantile(x, gk.tensor([[0.5]], dtype=gk.float64, device=x.device)),
     r"quantile\(\) q must be a scalar or 1D tensor"),
    (lambda x: gk.quantile(x, gk.tensor([0.5], device=x.device)), "q tensor must be same dtype as the input"),
    (lambda x: gk.quantile(gk.tensor([1, 2], device=x.device), 0.5), "input tensor must be either float or double"),
    (lambda x: gk.quantile(x, 0.5, interpolation="cubic"),
     "interpolation must be one of linear, lower, higher, midpoint or nearest, but got cubic"),
    (lambda x: gk.quantile(gk.zeros(0, device=x.device), 0.5), r"quantile\(\) input tensor must be non-empty"),
    (lambda x: gk.nanquantile(x, 2.0), r"nanquantile\(\) q must be in the range"),
])
def test_quantile_errors(device, call, match):
    with pytest.raises(RuntimeError, match=match):
        call(const(QX, device))


def test_quantile_gradient_recorded(device):
    y = const([[0.1, 0.9, 0.5, 0.3], [0.2, 0.8, 0.4, 0.6]], device, requires_grad=True)
    gk.quantile(y, const([0.3, 0.6], device), dim=1).sum().backward()
    assert_values(y.grad, [[0.1, 0.0, 0.8, 1.1], [0.1, 0.0, 1.1, 0.8]])


@pytest.mark.parametrize("interpolation", list(QUANTILE))
@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
def test_quantile_grads(device, name, interpolation):
    x = rand64(3, 5, device=device, seed=3)
    q = const([0.1, 0.5, 0.77], device)
    check_grads(lambda t: getattr(gk, name)(t, q, dim=1, interpolation=interpolation), (x,))
    check_grads(lambda t: getattr(gk, name)(t, 0.4, interpolation=interpolation), (x,))


def test_nanquantile_grads_skip_nans(device):
    x = rand64(2, 5, device=device, seed=4)
    mask = const([[0, 1, 0, 0, 0], [0, 0, 0, 1, 1]], device, dtype=gk.bool)
    check_grads(lambda t: gk.nanquantile(gk.where(mask, NAN, t), 0.6, dim=1), (x,))


HIST = [1., 2, 1, 4, 2.5, 0, -1, 7, NAN]


def test_histc_values(device):
    h = const(HIST, device, dtype=gk.float32)
    assert_values(gk.histc(h, bins=4, min=0, max=3), [1., 2, 1, 1], dtype=gk.float32)
    assert_values(gk.histc(h[:8], bins=5), [2., 3, 1, 1, 1])
    assert_values(gk.histc(const([2., 2.], device, dtype=gk.float32), bins=4), [0., 0, 2, 0])
    assert_values(h.histc(3, 1, 2), [2., 0, 1])
    # 0.3 * 10 rounds up to 3.0000000000000004 and 0.7 * 10 to 7.000000000000001: PyTorch bins
    # by that product, not by the edges
    assert_values(gk.histc(const([0.1, 0.2, 0.3, 0.7, 1.0], device), 10, 0, 1),
                  [0., 1, 1, 1, 0, 0, 0, 1, 0, 1], dtype=gk.float64)
    assert_values(gk.histc(const([0.1, 0.2, 0.3, 0.7, 1.0], device, dtype=gk.float32), 10, 0, 1),
                  [0., 1, 1, 1, 0, 0, 0, 1, 0, 1], dtype=gk.float32)
    assert_values(gk.histc(gk.zeros(0, device=device), 3), [0., 0, 0])


def test_histc_has_no_gradient_and_errors(device):
    h = const([1., 2.], device, dtype=gk.float32, requires_grad=True)
    assert not gk.histc(h, 2).requires_grad
    with pytest.raises(NotImplementedError, match="\"histogram_cpu\" not implemented for 'Long'"):
        gk.histc(gk.tensor([1, 2], device=device), 3)
    with pytest.raises(RuntimeError, match="torch.histc: max must be larger than min"):
        gk.histc(h, 3, 2, 1)
    with pytest.raises(RuntimeError, match="bins must be > 0, but got 0"):
        gk.histc(h, 0)
    with pytest.raises(RuntimeError, match=r"range of \[1, inf\] is not finite"):
        gk.histc(const([INF, 1.], device, dtype=gk.float32), 3)
    with pytest.raises(RuntimeError, match="is not finite"):
        gk.histc(const(HIST, device, dtype=gk.float32), 4)


def test_histc_kernel_matches_numpy_for_random_data(device):
    data = rand64(1000, device=device, seed=5, low=-3, high=3, requires_grad=False)
    counts = gk.histc(data, 13, -2, 2.5)
    expected, _ = np.histogram(host(data), bins=13, range=(-2, 2.5))
    np.testing.assert_array_equal(host(counts), expected)


def test_isposinf_isneginf(device):
    z = const([INF, -INF, NAN, 1.], device, dtype=gk.float32)
    assert_values(gk.isposinf(z), [True, False, False, False])
    assert_values(gk.isneginf(z), [False, True, False, False])
    assert_values(z.isposinf(), [True, False, False, False])
    assert_values(gk.isposinf(gk.tensor([1, 2], device=device)), [False, False])
    assert_values(gk.isneginf(gk.tensor([True], device=device)), [False])


def test_out_arguments(device):
    x = const(QX, device)
    out = gk.empty(3, dtype=gk.float64, device=device)
    assert gk.nanquantile(x, 0.5, dim=1, out=out) is out
    assert_values(out, [1.5, 4, 2])
    counts = gk.empty(2, device=device)
    gk.histc(const([1., 2, 2], device, dtype=gk.float32), 2, out=counts)
    assert_values(counts, [1., 2])
    flags = gk.empty(2, dtype=gk.bool, device=device)
    gk.isneginf(const([-INF, 1.], device), out=flags)
    assert_values(flags, [True, False])
