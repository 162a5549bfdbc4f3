"""logit, erf and erfinv: values against reference values (the standard library's
statistics.NormalDist and math.erf, which match PyTorch's to the last bits), float64
gradient checks of first and second order on every device, PyTorch's behaviour at the
edges, and the gradkit.special names."""
from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

_NORMAL = statistics.NormalDist()


def erfinv_reference(p: float) -> float:
    """erfinv from the normal quantile, each range computed where it loses nothing: the
    Maclaurin series near 0, the quantile of (1 - |p|) / 2 (exact for |p| >= 1/2) near 1."""
    s, a = math.copysign(1.0, p), abs(p)
    if a < 0.05:
        c = math.sqrt(math.pi) / 2 * a
        return s * (c + c ** 3 / 3 + 7 * c ** 5 / 30 + 127 * c ** 7 / 630 + 4369 * c ** 9 / 22680
                    + 34807 * c ** 11 / 178200)
    if a >= 0.5:
        return -s * _NORMAL.inv_cdf((1.0 - a) / 2) / math.sqrt(2)
    return s * _NORMAL.inv_cdf(0.5 + a / 2) / math.sqrt(2)


def _ulps(got, expected, dtype):
    return np.abs(got - expected) / np.spacing(np.abs(expected).astype(dtype)).astype(np.float64)


def _probabilities(dtype):
    rng = np.random.default_rng(0)
    ps = np.concatenate([rng.uniform(-1, 1, 400), 1 - 10.0 ** -rng.uniform(1, 15.9, 100), rng.uniform(0, 1e-3, 50),
                         [0.0, 0.5, 0.9, 0.99, -0.999999]]).astype(dtype)
    return ps[np.abs(ps) < 1]


@pytest.mark.parametrize("dtype,gdtype,limit", [(np.float64, gk.float64, 6), (np.float32, gk.float32, 1)])
def test_erfinv_values_within_a_few_ulp(dtype, gdtype, limit, device):
    ps = _probabilities(dtype)
    got = host(gk.erfinv(gk.tensor(ps, dtype=gdtype, device=device))).astype(np.float64)
    expected = np.array([erfinv_reference(float(p)) for p in ps])
    assert _ulps(got, expected, dtype).max() <= limit


def test_erfinv_inverts_erf():
    ps = _probabilities(np.float64)
    ys = host(gk.erfinv(gk.tensor(ps, dtype=gk.float64)))
    # erf(erfinv(p)) is p to within erf's slope times an ulp or two of erfinv(p)
    back = np.array([math.erf(y) for y in ys])
    slope = 2 / math.sqrt(math.pi) * np.exp(-ys * ys)
    assert np.all(np.abs(back - ps) <= slope * 3 * np.spacing(np.abs(ys)) + np.spacing(np.abs(ps)))


def test_erfinv_edges(device):
    x = gk.tensor([1.0, -1.0, 1.5, -2.0, math.nan, 0.0, -0.0], dtype=gk.float64, device=device)
    y = host(gk.erfinv(x))
    assert y[0] == math.inf and y[1] == -math.inf
    assert np.isnan(y[2:5]).all()
    assert y[5] == 0.0 and math.copysign(1.0, y[6]) == -1.0


def test_erf_values(device):
    xs = np.linspace(-5, 5, 201)
    got = host(gk.erf(gk.tensor(xs, dtype=gk.float64, device=device)))
    np.testing.assert_allclose(got, [math.erf(v) for v in xs], rtol=0, atol=4e-15)


@pytest.mark.parametrize("dtype", [gk.float32, gk.float64])
def test_erf_edges(device, dtype):
    # NaN stays NaN (PyTorch's erf(nan) is nan); the infinities give +-1
    x = gk.tensor([math.nan, math.inf, -math.inf, 0.0, -0.0], dtype=dtype, device=device)
    y = host(gk.erf(x))
    assert np.isnan(y[0]) and y[1] == 1.0 and y[2] == -1.0
    assert y[3] == 0.0 and math.copysign(1.0, y[4]) == -1.0


def _logit_reference(p, eps=None):
    if eps is not None:
        p = min(max(p, eps), 1 - eps)
    return math.log(p / (1 - p))


@pytest.mark.parametrize("eps", [None, 0.2])
def test_logit_values(eps, device):
    ps = [0.05, 0.2, 0.5, 0.7, 0.95]
    got = host(gk.logit(gk.tensor(ps, dtype=gk.float64, device=device), eps))
    np.testing.assert_allclose(got, [_logit_reference(p, eps) for p in ps], rtol=1e-14, atol=0)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log(0), 1/0: what PyTorch computes silently
def test_logit_outside_the_unit_interval(device):
    x = gk.tensor([-0.5, 0.0, 1.0, 1.5], dtype=gk.float64, device=device, requires_grad=True)
    y = gk.logit(x)
    values = host(y)
    assert np.isnan(values[[0, 3]]).all() and values[1] == -math.inf and values[2] == math.inf
    y.backward(gk.ones_like(y))
    # PyTorch's gradient: NaN outside [0, 1] when no eps is given
    assert np.isnan(host(x.grad)[[0, 3]]).all()


def test_logit_gradient_is_zero_where_eps_clamps(device):
    x = gk.tensor([0.05, 0.3, 0.6, 0.95], dtype=gk.float64, device=device, requires_grad=True)
    gk.logit(x, eps=0.1).sum().backward()
    expected = [0.0, 1 / (0.3 * 0.7), 1 / (0.6 * 0.4), 0.0]
    np.testing.assert_allclose(host(x.grad), expected, rtol=1e-14)


@pytest.mark.parametrize("name,low,high", [("erf", -2.0, 2.0), ("erfinv", -0.9, 0.9), ("logit", 0.1, 0.9)])
def test_gradients_first_and_second_order(name, low, high, device):
    x = rand64(2, 3, device=device, low=low, high=high, seed=1)
    check_grads(getattr(gk, name), (x,))


def test_logit_with_eps_gradients(device):
    x = rand64(2, 3, device=device, low=0.2, high=0.8, seed=2)
    check_grads(lambda t: gk.logit(t, eps=0.05), (x,))


def test_node_names_and_integer_inputs():
    x = gk.tensor([0.25], requires_grad=True)
    assert gk.logit(x).grad_fn.name() == "LogitBackward0"
    assert gk.erfinv(x).grad_fn.name() == "ErfinvBackward0"
    assert gk.erf(x).grad_fn.name() == "ErfBackward0"
    assert gk.erf(gk.tensor([0, 1])).dtype is gk.get_default_dtype()


def test_methods_inplace_and_special_namespace():
    x = gk.tensor([0.25, 0.5], dtype=gk.float64)
    for name in ("logit", "erf", "erfinv"):
        np.testing.assert_array_equal(host(getattr(x, name)()), host(getattr(gk.special, name)(x)))
        y = x.clone()
        assert getattr(y, name + "_")() is y
        np.testing.assert_array_equal(host(y), host(getattr(gk, name)(x)))
    np.testing.assert_array_equal(host(gk.special.expit(x)), host(gk.sigmoid(x)))
    z = x.clone()
    z.logit_(0.3)
    np.testing.assert_array_equal(host(z), host(gk.logit(x, eps=0.3)))


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_hot_gradients_are_ops_recorded_under_create_graph(name):
    x = gk.tensor([0.3, -0.7], dtype=gk.float64, requires_grad=True)
    (g,) = gk.autograd.grad(getattr(x, name)().sum(), x, create_graph=True)
    assert g.grad_fn.name() == f"{name.capitalize()}BackwardBackward0"
    (plain,) = gk.autograd.grad(getattr(x, name)().sum(), x)
    assert plain.grad_fn is None
    np.testing.assert_array_equal(host(g), host(plain))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_erf_matches_portable_bit_for_bit(dtype):
    """NumPy's blocked erf does the portable kernel's operations in the same order."""
    from gradkit.backends import get_backend
    from gradkit.backends.kernels.special import SpecialKernels

    backend = get_backend("cpu")
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.standard_normal(70000) * 1.5, rng.uniform(-7, 7, 5000),
                        [math.nan, math.inf, -math.inf, 0.0, -0.0, 2.0, -2.0, 4.0, 6.0]]).astype(dtype)
    for a in (x, x[::3], x[:12].reshape(3, 4).T, x[5:6].reshape(()), x[:0]):
        got, expected = backend.erf(a), SpecialKernels.erf(backend, a)
        assert got.dtype == a.dtype and got.shape == a.shape
        np.testing.assert_array_equal(got, expected)
        numbers = ~np.isnan(expected)  # (a NaN's sign bit means nothing)
        assert np.array_equal(np.signbit(got[numbers]), np.signbit(expected[numbers]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_gelu_and_its_gradient_match_portable_bit_for_bit(dtype):
    """NumPy's blocked GELU (which keeps Phi(x) for the gradient) and its gradient do the
    portable kernels' operations in the same order, with or without the kept Phi(x); the
    float32 gradient takes exp2 where the portable kernel takes exp, so it agrees to an ulp or
    two of its two terms' size (the sum itself cancels near x = -0.75), plus the rounding of
    each exponent (about x^2 / 2 float32 ulps of the density, either way)."""
    from gradkit.backends import get_backend
    from gradkit.backends.kernels.activation import ActivationKernels

    backend = get_backend("cpu")
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.standard_normal(70000) * 2.0, rng.uniform(-9, 9, 5000),
                        [math.inf, -math.inf, 0.0, -0.0, 2.0 ** 0.5 * 2.0, -3.0]]).astype(dtype)
    g = rng.standard_normal(x.size).astype(dtype)
    for a, ga in ((x, g), (x[::3], g[::3]), (x[:12].reshape(3, 4).T, g[:12].reshape(4, 3)), (x[:0], g[:0])):
        (out, cdf), (ref_out, ref_cdf) = backend.gelu_and_cdf(a), ActivationKernels.gelu_and_cdf(backend, a)
        assert out.dtype == a.dtype and out.shape == a.shape
        np.testing.assert_array_equal(out, ref_out)
        np.testing.assert_array_equal(cdf, ref_cdf)
        expected = ActivationKernels.gelu_backward(backend, a, ga)
        if dtype == np.float64:
            np.testing.assert_array_equal(backend.gelu_backward(a, ga, cdf), expected)
            np.testing.assert_array_equal(backend.gelu_backward(a, ga), expected)
            continue
        x64, g64 = a.astype(np.float64), ga.astype(np.float64)
        with np.errstate(invalid="ignore"):  # (inf * 0 at the infinities, which the test leaves out)
            size = np.abs(g64) * (ref_cdf + np.abs(x64) * np.exp(-0.5 * x64 * x64) / math.sqrt(2 * math.pi))
        for got in (backend.gelu_backward(a, ga, cdf), backend.gelu_backward(a, ga)):
            finite = np.isfinite(expected)
            np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
            ulps = np.abs(got[finite] - expected[finite]) / np.spacing(size[finite].astype(dtype))
            assert np.all(ulps <= 2 + x64[finite] ** 2)


def _normal_cdf(x: float) -> float:
    """Phi(x) through the standard library's erfc: relative precision in both tails (the
    rounding of x / sqrt(2) moves it by up to 2 x^2 float64 ulps, far below float32's)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _gelu_inputs(dtype):
    """The whole real line: the bulk, both tails down to where x * Phi(x) underflows, tiny
    magnitudes, and the edges of the |x| <= 2 polynomial."""
    rng = np.random.default_rng(3)
    low = -13.0 if dtype == np.float32 else -30.0
    x = np.concatenate([rng.standard_normal(20000) * 1.5, rng.uniform(low, 8.0, 20000),
                        np.linspace(-2.2, 2.2, 4001), [2.0, -2.0],
                        -(10.0 ** rng.uniform(-30, 0, 500)), 10.0 ** rng.uniform(-30, 0, 500)])
    return np.unique(x.astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gelu_is_accurate_over_the_real_line(dtype):
    """x * Phi(x) and Phi(x) within a few ulps of the reference where x >= -1 and in both tails
    (|x| > 2, where they are evaluated relative to their size, however small); between -2 and
    -1, Phi = 1/2 + x * P(x^2) keeps the absolute precision of numbers near 1/2 (a few ulps of
    1/2, as PyTorch's 1/2 (1 + erf) does), which the bound there allows for. The gradient
    within a few ulps of its terms' size (the sum cancels near x = -0.75)."""
    from gradkit.backends import get_backend

    backend = get_backend("cpu")
    x = _gelu_inputs(dtype)
    y, cdf = backend.gelu_and_cdf(x)
    dx = backend.gelu_backward(x, np.ones_like(x), cdf)
    x64 = x.astype(np.float64)
    ref_cdf = np.array([_normal_cdf(v) for v in x64])
    ref_pdf = np.exp(-0.5 * x64 * x64) / math.sqrt(2 * math.pi)
    eps = float(np.finfo(dtype).eps)

    def ulps(got, ref):
        return np.abs(got.astype(np.float64) - ref) / np.spacing(np.abs(ref).astype(dtype)).astype(np.float64)

    bulk, tails, middle = x >= -1.0, np.abs(x) > 2.0, (x < -1.0) & (x >= -2.0)
    for got, ref in ((y, x64 * ref_cdf), (cdf, ref_cdf)):
        assert ulps(got, ref)[bulk & (x >= 0)].max() <= 2.5
        assert ulps(got, ref)[bulk & (x < 0)].max() <= 3.5
        # (float64's reference carries up to 2 x^2 ulps of its own in the far tail: x / sqrt(2) rounds twice)
        assert np.all(ulps(got, ref)[tails] <= (1.0 if dtype == np.float32 else 2.0 + 2.0 * x64[tails] ** 2))
        assert (np.abs(got[middle] - ref[middle]) / np.abs(ref[middle])).max() <= eps / ref_cdf[middle].min()
    terms = ref_cdf + np.abs(x64) * ref_pdf
    near = np.abs(x) <= 2.0
    assert ulps(dx, ref_cdf + x64 * ref_pdf)[near & (x >= 0)].max() <= 2.5
    assert (np.abs(dx - (ref_cdf + x64 * ref_pdf)) / terms)[near].max() <= 4 * eps
    # beyond, the density's exponent rounds: about x^2 / 2 ulps of it
    assert np.all((np.abs(dx - (ref_cdf + x64 * ref_pdf)) / terms)[~near] <= eps * (2 + x64[~near] ** 2))


@pytest.mark.parametrize("dtype", [gk.float32, gk.float64])
def test_gelu_edges(device, dtype):
    # NaN stays NaN, inf stays inf, -inf gives -inf * 0 = NaN (PyTorch's float64 kernel), -0. stays -0.
    x = gk.tensor([math.nan, math.inf, -math.inf, 0.0, -0.0, -1e-30, -40.0], dtype=dtype, device=device)
    y = host(gk.nn.functional.gelu(x))
    assert np.isnan(y[[0, 2]]).all() and y[1] == math.inf
    assert y[3] == 0.0 and math.copysign(1.0, y[4]) == -1.0 and y[5] == -0.5e-30
    assert y[6] == 0.0 and math.copysign(1.0, y[6]) == -1.0


def test_float16_gelu_and_its_gradient_go_through_float32():
    """PyTorch's CPU kernels compute half-precision GELU in float32 and round once: the forward
    and, from x rather than the rounded Phi(x) kept, the gradient."""
    x32 = np.linspace(-6, 4, 501).astype(np.float16).astype(np.float32)
    g32 = np.cos(np.arange(501.0)).astype(np.float16).astype(np.float32)
    x = gk.tensor(x32, dtype=gk.float16, requires_grad=True)
    y = gk.nn.functional.gelu(x)
    y.backward(gk.tensor(g32, dtype=gk.float16))
    ref = gk.tensor(x32, requires_grad=True)
    ref_y = gk.nn.functional.gelu(ref)
    ref_y.backward(gk.tensor(g32))
    np.testing.assert_array_equal(host(y), host(ref_y).astype(np.float16))
    np.testing.assert_array_equal(host(x.grad), host(ref.grad).astype(np.float16))


def test_gelu_frees_the_kept_cdf_with_its_graph():
    x = gk.randn(5, requires_grad=True, dtype=gk.float64)
    y = gk.nn.functional.gelu(x)
    node = y.grad_fn
    assert node._cdf is not None
    y.sum().backward()
    assert node._cdf is None
