"""gradkit.distributions: PyTorch's API, values (checked against closed forms computed
with Python's math module), sampling statistics with fixed seeds, validation errors, and
float64 gradient checks of log_prob / entropy / cdf / rsample on every device."""
from __future__ import annotations

import math

import pytest

import gradkit
import gradkit.distributions as dist
from gradkit.distributions import Bernoulli, Categorical, Distribution, Multinomial, Normal, Uniform
from gradkit.distributions.utils import erf, lgamma, softplus

from helpers import check_grads, host

f64 = gradkit.float64


def t(data, device, dtype=None):
    return gradkit.tensor(data, dtype=dtype, device=device)


def close(a, b, tol=1e-5):
    a = host(a).tolist() if isinstance(a, gradkit.Tensor) else a
    b = host(b).tolist() if isinstance(b, gradkit.Tensor) else b
    a, b = (a if isinstance(a, list) else [a]), (b if isinstance(b, list) else [b])
    assert len(a) == len(b), (a, b)
    for x, y in zip(a, b):
        if isinstance(x, list):
            close(x, y, tol)
        elif math.isinf(y) or math.isnan(y):
            assert x == y or (math.isnan(x) and math.isnan(y)), (a, b)
        else:
            assert abs(x - y) <= tol * max(1.0, abs(y)), (a, b)


# --------------------------------------------------------------------------- imports and API
def test_import_paths_used_by_d2l():
    from gradkit.distributions import multinomial
    from gradkit.distributions.multinomial import Multinomial as M

    assert multinomial.Multinomial is M is dist.Multinomial
    names = dir(dist)
    for name in ("Distribution", "Normal", "Categorical", "Bernoulli", "Uniform", "Multinomial", "constraints"):
        assert name in names
    assert gradkit.distributions is dist  # gradkit.distributions loads lazily
    assert all(issubclass(c, Distribution) for c in (Normal, Categorical, Bernoulli, Uniform, Multinomial))


def test_distributions_import_no_numpy_in_sources():
    import pathlib

    root = pathlib.Path(dist.__file__).parent
    for path in root.glob("*.py"):
        text = path.read_text()
        assert "import numpy" not in text and "import cupy" not in text, path


# --------------------------------------------------------------------------- D2L's probability section
def test_d2l_zh_probability_section(device):
    from gradkit.distributions import multinomial

    gradkit.manual_seed(0)
    fair_probs = gradkit.ones([6], device=device) / 6
    one = multinomial.Multinomial(1, fair_probs).sample()
    assert one.shape == (6,) and one.dtype is gradkit.float32 and float(one.sum()) == 1.0
    assert sorted(host(one).tolist()) == [0, 0, 0, 0, 0, 1]
    ten = multinomial.Multinomial(10, fair_probs).sample()
    assert float(ten.sum()) == 10.0 and bool((ten >= 0).all())
    counts = multinomial.Multinomial(1000, fair_probs).sample()
    freq = host(counts / 1000)
    assert abs(freq.sum() - 1) < 1e-6 and (abs(freq - 1 / 6) < 0.06).all()
    counts = multinomial.Multinomial(10, fair_probs).sample((500,))
    assert counts.shape == (500, 6) and counts.device == fair_probs.device
    assert (host(counts.sum(1)) == 10).all()
    cum_counts = counts.cumsum(dim=0)
    estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
    col = estimates[:, 0].numpy() if device == "cpu" else estimates[:, 0].cpu().numpy()
    assert col.shape == (500,) and abs(col[-1] - 1 / 6) < 0.03


def test_d2l_en_probability_section(device):
    from gradkit.distributions.multinomial import Multinomial as M

    gradkit.manual_seed(1)
    fair_probs = gradkit.tensor([0.5, 0.5], device=device)
    c = M(100, fair_probs).sample()
    assert float(c.sum()) == 100
    c = M(10000, fair_probs).sample() / 10000
    assert abs(float(c[0]) - 0.5) < 0.03
    counts = M(1, fair_probs).sample((10000,))  # its time: python -m bench.timing_checks multinomial
    assert counts.shape == (10000, 2)
    cum_counts = counts.cumsum(dim=0)
    estimates = (cum_counts / cum_counts.sum(dim=1, keepdims=True)).cpu().numpy()
    assert abs(estimates[-1, 0] - 0.5) < 0.03


def test_multinomial_large_counts(device):
    # its time: python -m bench.timing_checks multinomial
    gradkit.manual_seed(2)
    probs = gradkit.tensor([0.1, 0.2, 0.3, 0.4], device=device)
    c = Multinomial(1_000_000, probs).sample((2,))
    freq = host(c) / 1_000_000
    assert (abs(freq - [0.1, 0.2, 0.3, 0.4]) < 0.005).all()
    assert (host(c.sum(-1)) == 1_000_000).all()


# --------------------------------------------------------------------------- Multinomial
def test_multinomial_shapes_and_batches(device):
    gradkit.manual_seed(3)
    probs = gradkit.tensor([[1.0, 0.0, 3.0], [0.0, 2.0, 2.0]], device=device)  # unnormalised weights
    m = Multinomial(7, probs)
    assert m.batch_shape == (2,) and m.event_shape == (3,) and m.param_shape == (2, 3)
    s = m.sample((4, 5))
    assert s.shape == (4, 5, 2, 3) and s.dtype is gradkit.float32
    h = host(s)
    assert (h.sum(-1) == 7).all()
    assert (h[..., 0, 1] == 0).all() and (h[..., 1, 0] == 0).all()  # zero-probability categories
    close(m.mean, [[1.75, 0.0, 5.25], [0.0, 3.5, 3.5]])
    close(m.probs, [[0.25, 0.0, 0.75], [0.0, 0.5, 0.5]])
    assert Multinomial(4, probs.to(f64)).sample().dtype is f64
    assert Multinomial(0, probs).sample().shape == (2, 3)


def test_multinomial_sample_statistics(device):
    gradkit.manual_seed(4)
    p = [0.1, 0.6, 0.3]
    counts = Multinomial(20, gradkit.tensor(p, device=device)).sample((4000,))
    h = host(counts)
    mean = h.mean(0)
    var = h.var(0)
    for k in range(3):
        assert abs(mean[k] - 20 * p[k]) < 0.15
        assert abs(var[k] - 20 * p[k] * (1 - p[k])) < 0.4
    # counts of different categories are negatively correlated: cov = -n p_i p_j
    cov01 = ((h[:, 0] - mean[0]) * (h[:, 1] - mean[1])).mean()
    assert abs(cov01 - (-20 * 0.1 * 0.6)) < 0.2


def test_multinomial_log_prob_matches_closed_form(device):
    p = [0.2, 0.5, 0.3]
    m = Multinomial(6, gradkit.tensor(p, device=device))
    x = [[1.0, 2.0, 3.0], [6.0, 0.0, 0.0]]
    expect = [math.lgamma(7) - sum(math.lgamma(v + 1) for v in row) + sum(v * math.log(q) for v, q in zip(row, p))
              for row in x]
    close(m.log_prob(t(x, device)), expect)
    # probs of zero with zero counts contribute nothing
    m0 = Multinomial(6, logits=t([0.0, -math.inf, 1.0], device))
    lp = m0.log_prob(t([3.0, 0.0, 3.0], device))
    q = [1 / (1 + math.e), 0, math.e / (1 + math.e)]
    close(lp, math.lgamma(7) - 2 * math.lgamma(4) + 3 * math.log(q[0]) + 3 * math.log(q[2]))


def test_multinomial_log_prob_gradients(device):
    probs = gradkit.tensor([0.2, 0.5, 0.3], dtype=f64, device=device).requires_grad_()
    value = t([1.0, 2.0, 3.0], device, f64)
    check_grads(lambda p: Multinomial(6, p).log_prob(value), [probs])
    logits = gradkit.tensor([[0.1, -0.4, 1.2], [0.0, 0.3, -0.2]], dtype=f64, device=device).requires_grad_()
    check_grads(lambda lg: Multinomial(6, logits=lg).log_prob(value), [logits])


def test_multinomial_errors(device):
    ones = gradkit.ones(3, device=device)
    with pytest.raises(NotImplementedError, match="inhomogeneous total_count"):
        Multinomial(10.5, ones)
    with pytest.raises(ValueError, match=r"Expected parameter probs .* Simplex\(\)"):
        Multinomial(10, t([-1.0, 2.0], device))
    with pytest.raises(ValueError, match=r"within the support \(Multinomial"):
        Multinomial(5, ones).log_prob(t([1.0, 2.0, 3.0], device))
    with pytest.raises(ValueError, match="right-most size of value must match event_shape"):
        Multinomial(3, ones).log_prob(gradkit.ones(2, device=device))


# --------------------------------------------------------------------------- Categorical
def test_categorical_basics(device):
    c = Categorical(t([0.2, 0.5, 0.3], device))
    assert c.batch_shape == () and c.event_shape == () and c.param_shape == (3,)
    close(c.log_prob(t([0, 2, 1], device)), [math.log(0.2), math.log(0.3), math.log(0.5)])
    close(c.entropy(), -sum(q * math.log(q) for q in (0.2, 0.5, 0.3)))
    assert int(c.mode) == 1
    close(c.logits, [math.log(0.2), math.log(0.5), math.log(0.3)])
    lg = Categorical(logits=t([[1.0, 2.0, 3.0], [0.0, 0.0, -1.0]], device))
    z = [math.exp(1) + math.exp(2) + math.exp(3), 2 + math.exp(-1)]
    close(lg.probs, [[math.exp(1) / z[0], math.exp(2) / z[0], math.exp(3) / z[0]],
                     [1 / z[1], 1 / z[1], math.exp(-1) / z[1]]])
    close(lg.logits.exp().sum(-1), [1.0, 1.0])  # stored normalised
    assert lg.batch_shape == (2,)
    close(Categorical(t([0.5, 0.5, 0.0], device)).entropy(), math.log(2))  # 0 log 0 = 0
    e = c.enumerate_support()
    assert e.dtype is gradkit.int64 and host(e).tolist() == [0, 1, 2]
    assert Categorical(t([[1.0, 1.0]] * 3, device)).enumerate_support().shape == (2, 3)
    assert bool(c.mean.isnan().all()) and bool(c.variance.isnan().all())
    close(Categorical(t([1.0, 1.0], device)).perplexity(), 2.0)


def test_categorical_sample_shapes_and_frequencies(device):
    gradkit.manual_seed(5)
    c = Categorical(t([[0.1, 0.0, 0.9], [0.5, 0.5, 0.0]], device))
    s = c.sample((3000,))
    assert s.shape == (3000, 2) and s.dtype is gradkit.int64 and s.device == c.probs.device
    h = host(s)
    assert (h[:, 0] != 1).all() and (h[:, 1] != 2).all()
    assert abs((h[:, 0] == 2).mean() - 0.9) < 0.03 and abs((h[:, 1] == 0).mean() - 0.5) < 0.04
    assert Categorical(t([1.0, 2.0], device)).sample().shape == ()
    assert Categorical(t([1.0, 2.0], device)).sample((0,)).shape == (0,)


def test_categorical_gradients(device):
    value = t([0, 2, 1, 2], device)
    probs = gradkit.tensor([0.2, 0.5, 0.3], dtype=f64, device=device).requires_grad_()
    check_grads(lambda p: Categorical(p).log_prob(value), [probs])
    check_grads(lambda p: Categorical(p).entropy(), [probs])
    logits = gradkit.tensor([[0.3, -1.0, 2.0], [0.1, 0.2, 0.3]], dtype=f64, device=device).requires_grad_()
    check_grads(lambda lg: Categorical(logits=lg).log_prob(t([[2], [0]], device)), [logits])
    check_grads(lambda lg: Categorical(logits=lg).entropy(), [logits])
    check_grads(lambda lg: Categorical(logits=lg).probs, [logits])


def test_categorical_errors(device):
    ones = gradkit.ones(3, device=device)
    with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified, but not both."):
        Categorical()
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        Categorical(probs=ones, logits=ones)
    with pytest.raises(ValueError, match="`probs` parameter must be at least one-dimensional."):
        Categorical(t(1.0, device))
    with pytest.raises(ValueError, match="`logits` parameter must be at least one-dimensional."):
        Categorical(logits=t(1.0, device))
    with pytest.raises(ValueError) as err:
        Categorical(t([0.5, -0.1, 0.6], device))
    assert str(err.value).startswith("Expected parameter probs (Tensor of shape (3,)) of distribution "
                                     "Categorical(probs: gradkit.Size([3])) to satisfy the constraint Simplex(), "
                                     "but found invalid values:\ntensor([ 0.5000, -0.1000,  0.6000]")
    with pytest.raises(ValueError, match=r"support \(IntegerInterval\(lower_bound=0, upper_bound=2\)\)"):
        Categorical(ones).log_prob(t(3, device))
    with pytest.raises(ValueError, match="support"):
        Categorical(ones).log_prob(t(1.5, device))
    assert float(Categorical(ones, validate_args=False).log_prob(t(1, device))) == \
        pytest.approx(-math.log(3), rel=1e-6)


# --------------------------------------------------------------------------- Normal
def test_normal_values(device):
    n = Normal(t([0.0, 1.0], device), t([1.0, 2.0], device))
    assert n.batch_shape == (2,) and n.event_shape == ()
    x = [[0.5], [-1.0]]
    expect = [[-(v - m) ** 2 / (2 * s * s) - math.log(s) - 0.5 * math.log(2 * math.pi) for m, s in ((0, 1), (1, 2))]
              for (v,) in x]
    lp = n.log_prob(t(x, device))
    assert lp.shape == (2, 2)
    close(lp, expect)
    close(n.entropy(), [0.5 + 0.5 * math.log(2 * math.pi) + math.log(s) for s in (1, 2)])
    close(n.cdf(t([0.3, 5.0], device)), [0.5 * (1 + math.erf(0.3 / math.sqrt(2))),
                                          0.5 * (1 + math.erf(4.0 / (2 * math.sqrt(2))))])
    close(n.mean, [0.0, 1.0])
    close(n.stddev, [1.0, 2.0])
    close(n.variance, [1.0, 4.0])
    close(n.mode, [0.0, 1.0])
    scalar = Normal(0.0, 1.0)
    assert scalar.batch_shape == () and scalar.loc.dtype is gradkit.float32
    assert Normal(1, 2).loc.dtype is gradkit.float32
    assert Normal(t([0.0], device, f64), 1.0).scale.dtype is f64  # numbers follow the tensor's dtype
    assert Normal(t([0.0], device, f64), 1.0).scale.device == t([0.0], device).device


def test_normal_sampling(device):
    gradkit.manual_seed(6)
    n = Normal(t([0.0, 10.0], device), t([1.0, 0.5], device))
    s = n.sample((20000,))
    assert s.shape == (20000, 2) and s.dtype is gradkit.float32 and not s.requires_grad
    h = host(s)
    assert abs(h[:, 0].mean()) < 0.03 and abs(h[:, 1].mean() - 10) < 0.02
    assert abs(h[:, 0].std() - 1) < 0.03 and abs(h[:, 1].std() - 0.5) < 0.02
    assert Normal(0.0, 1.0).sample().shape == ()
    assert Normal(0.0, 1.0).sample((3,)).shape == (3,)
    assert Normal(0.0, 1.0).sample(3).shape == (3,)  # an int means (n,)
    assert n.expand((4, 2)).sample().shape == (4, 2)


def test_normal_rsample_is_reparameterised(device):
    loc = gradkit.tensor([0.5, -1.0], dtype=f64, device=device).requires_grad_()
    scale = gradkit.tensor([1.5, 0.2], dtype=f64, device=device).requires_grad_()
    gradkit.manual_seed(7)
    s = Normal(loc, scale).rsample((3,))
    assert s.shape == (3, 2) and s.requires_grad
    s.sum().backward()
    eps = (s.detach() - loc.detach()) / scale.detach()
    close(loc.grad, [3.0, 3.0])
    close(scale.grad, host(eps.sum(0)).tolist())
    # the sample (not rsample) carries no graph
    assert not Normal(loc, scale).sample().requires_grad

    def draw(l, sc):
        gradkit.manual_seed(11)
        return Normal(l, sc).rsample((4,))

    check_grads(draw, [loc.detach().requires_grad_(), scale.detach().requires_grad_()])


def test_normal_gradients(device):
    loc = gradkit.tensor([0.3, -0.7], dtype=f64, device=device).requires_grad_()
    scale = gradkit.tensor([0.8, 1.9], dtype=f64, device=device).requires_grad_()
    value = gradkit.tensor([[0.1, 0.4], [2.0, -1.0]], dtype=f64, device=device).requires_grad_()
    check_grads(lambda l, s, v: Normal(l, s).log_prob(v), [loc, scale, value])
    check_grads(lambda l, s, v: Normal(l, s).cdf(v), [loc, scale, value])
    check_grads(lambda s: Normal(0.0, s).entropy(), [scale])


def test_normal_errors(device):
    with pytest.raises(ValueError) as err:
        Normal(0.0, -1.0)
    assert str(err.value) == ("Expected parameter scale (Tensor of shape ()) of distribution Normal(loc: 0.0, scale: "
                              "-1.0) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid "
                              "values:\n-1.0")
    zeros = gradkit.zeros(3, device=device)
    with pytest.raises(ValueError, match="GreaterThan"):
        Normal(zeros, t([1.0, 0.0, 2.0], device))
    with pytest.raises(ValueError, match="scale"):
        Normal(zeros, t(float("nan"), device))
    with pytest.raises(ValueError, match="The value argument to log_prob must be a Tensor"):
        Normal(0.0, 1.0).log_prob(1.0)
    with pytest.raises(ValueError, match="Value is not broadcastable with batch_shape"):
        Normal(zeros, 1.0).log_prob(gradkit.zeros(4, device=device))
    with pytest.raises(ValueError, match="Input arguments must all be instances of Number"):
        Normal([0.0], 1.0)
    # validation can be switched off per instance and globally
    Normal(0.0, -1.0, validate_args=False)
    Distribution.set_default_validate_args(False)
    try:
        Normal(0.0, -1.0)
    finally:
        Distribution.set_default_validate_args(True)
    assert repr(Normal(gradkit.zeros(2), 1.0)) == "Normal(loc: gradkit.Size([2]), scale: gradkit.Size([2]))"


# --------------------------------------------------------------------------- Bernoulli
def test_bernoulli_values(device):
    b = Bernoulli(t([0.2, 0.5, 0.9], device))
    close(b.log_prob(t([1.0, 0.0, 0.0], device)), [math.log(0.2), math.log(0.5), math.log(0.1)])
    close(b.entropy(), [-(q * math.log(q) + (1 - q) * math.log(1 - q)) for q in (0.2, 0.5, 0.9)])
    close(b.logits, [math.log(0.2 / 0.8), 0.0, math.log(9)])
    close(b.mean, [0.2, 0.5, 0.9])
    close(b.variance, [0.16, 0.25, 0.09])
    close(b.mode, [0.0, math.nan, 1.0])
    bl = Bernoulli(logits=t([-3.0, 0.0, 40.0], device))
    close(bl.probs, [1 / (1 + math.exp(3)), 0.5, 1.0])
    close(bl.log_prob(t([1.0, 1.0, 0.0], device)), [-math.log1p(math.exp(3)), -math.log(2), -40.0])
    edge = Bernoulli(t([0.0, 1.0], device))  # clamped to [eps, 1 - eps]: finite log_prob
    lp = host(edge.log_prob(t([0.0, 1.0], device)))
    assert (abs(lp) < 1e-6).all()
    s = Bernoulli(0.3).sample((2,))
    assert s.dtype is gradkit.float32 and s.shape == (2,)
    assert Bernoulli(t([0.3], device, f64)).sample().dtype is f64
    assert host(Bernoulli(t([0.5, 0.5], device)).enumerate_support()).tolist() == [[0.0, 0.0], [1.0, 1.0]]


def test_bernoulli_sampling(device):
    gradkit.manual_seed(8)
    s = Bernoulli(t([0.0, 0.25, 1.0], device)).sample((8000,))
    h = host(s)
    assert s.shape == (8000, 3) and set(h.ravel().tolist()) <= {0.0, 1.0}
    assert (h[:, 0] == 0).all() and (h[:, 2] == 1).all() and abs(h[:, 1].mean() - 0.25) < 0.02


def test_bernoulli_gradients(device):
    value = t([1.0, 0.0, 1.0, 0.0], device, f64)
    probs = gradkit.tensor([0.2, 0.5, 0.7, 0.9], dtype=f64, device=device).requires_grad_()
    check_grads(lambda p: Bernoulli(p).log_prob(value), [probs])
    check_grads(lambda p: Bernoulli(p).entropy(), [probs])
    logits = gradkit.tensor([-2.0, 0.0, 0.5, 3.0], dtype=f64, device=device).requires_grad_()
    check_grads(lambda lg: Bernoulli(logits=lg).log_prob(value), [logits])
    check_grads(lambda lg: Bernoulli(logits=lg).entropy(), [logits])


def test_bernoulli_errors(device):
    with pytest.raises(ValueError, match=r"constraint Interval\(lower_bound=0.0, upper_bound=1.0\)"):
        Bernoulli(1.5)
    with pytest.raises(ValueError, match=r"Expected parameter probs \(Tensor of shape \(2,\)\)"):
        Bernoulli(t([0.5, -0.5], device))
    with pytest.raises(ValueError, match=r"support \(Boolean\(\)\)"):
        Bernoulli(t([0.3], device)).log_prob(t([2.0], device))
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        Bernoulli()


# --------------------------------------------------------------------------- Uniform
def test_uniform_values_and_sampling(device):
    u = Uniform(t([0.0, -1.0], device), t([2.0, 3.0], device))
    close(u.log_prob(t([1.0, 2.9], device)), [-math.log(2), -math.log(4)])
    outside = Uniform(t([0.0, -1.0], device), t([2.0, 3.0], device), validate_args=False)
    close(outside.log_prob(t([2.0, -1.5], device)), [-math.inf, -math.inf])  # high is excluded
    close(u.entropy(), [math.log(2), math.log(4)])
    close(u.cdf(t([0.5, 3.0], device)), [0.25, 1.0])
    close(u.icdf(t([0.25, 0.5], device)), [0.5, 1.0])
    close(u.mean, [1.0, 1.0])
    close(u.variance, [4 / 12, 16 / 12])
    close(u.stddev, [2 / math.sqrt(12), 4 / math.sqrt(12)])
    gradkit.manual_seed(9)
    s = u.sample((5000,))
    h = host(s)
    assert s.shape == (5000, 2) and (h[:, 0] >= 0).all() and (h[:, 0] < 2).all()
    assert (h[:, 1] >= -1).all() and (h[:, 1] < 3).all() and abs(h[:, 1].mean() - 1) < 0.06
    assert Uniform(0.0, 1.0).sample().shape == ()


def test_uniform_gradients(device):
    low = gradkit.tensor([0.0, -1.0], dtype=f64, device=device).requires_grad_()
    high = gradkit.tensor([2.0, 3.0], dtype=f64, device=device).requires_grad_()
    value = t([0.5, 1.5], device, f64)
    check_grads(lambda lo, hi: Uniform(lo, hi).log_prob(value), [low, high])
    check_grads(lambda lo, hi: Uniform(lo, hi).entropy(), [low, high])
    check_grads(lambda lo, hi: Uniform(lo, hi).cdf(value), [low, high])

    def draw(lo, hi):
        gradkit.manual_seed(12)
        return Uniform(lo, hi).rsample((3,))

    check_grads(draw, [low, high])


def test_uniform_errors(device):
    with pytest.raises(ValueError, match=r"Expected parameter low .* LessThan\(upper_bound=0.0\)"):
        Uniform(1.0, 0.0)
    with pytest.raises(ValueError, match="Expected parameter low"):
        Uniform(t([0.0, 2.0], device), t([1.0, 2.0], device))
    with pytest.raises(ValueError, match=r"support \(Interval\(lower_bound=0.0, upper_bound=1.0\)\)"):
        Uniform(0.0, 1.0).log_prob(gradkit.tensor(2.0))
    with pytest.raises(ValueError, match="to be within the support"):
        Uniform(t([0.0], device), t([1.0], device)).log_prob(t([-0.5], device))


# --------------------------------------------------------------------------- special functions
def test_erf_lgamma_softplus_values(device):
    xs = [-7.0, -2.5, -1.0, -0.3, 0.0, 0.2, 1.9999, 2.0, 3.3, 6.0, 40.0]
    close(erf(t(xs, device, f64)), [math.erf(x) for x in xs], 1e-14)
    close(erf(t([0.5, math.inf, -math.inf], device)), [math.erf(0.5), 1.0, -1.0], 1e-6)
    assert bool(erf(t([math.nan], device)).isnan().all())
    zs = [0.01, 0.3, 0.5, 1.0, 2.0, 2.5, 10.0, 171.3, 1e5]
    close(lgamma(t(zs, device, f64)), [math.lgamma(z) for z in zs], 1e-13)
    assert lgamma(t([1, 5], device)).dtype is gradkit.float32
    xs = [-800.0, -3.0, 0.0, 2.0, 800.0]
    close(softplus(t(xs, device, f64)), [math.log1p(math.exp(-800)), math.log1p(math.exp(-3)), math.log(2),
                                         math.log1p(math.exp(2)), 800.0], 1e-14)


def test_special_function_gradients(device):
    x = gradkit.tensor([-2.5, -0.4, 0.0, 0.7, 2.2, 3.5], dtype=f64, device=device).requires_grad_()
    check_grads(erf, [x])
    check_grads(softplus, [x])
    z = gradkit.tensor([0.2, 0.9, 1.0, 3.5, 12.0], dtype=f64, device=device).requires_grad_()
    check_grads(lgamma, [z])
    # d/dz lgamma(z) = digamma(z): digamma(1) = -Euler's constant
    one = gradkit.tensor([1.0], dtype=f64, device=device).requires_grad_()
    lgamma(one).sum().backward()
    close(one.grad, [-0.5772156649015329], 1e-10)


# --------------------------------------------------------------------------- shared behaviour
def test_expand_and_sample_shapes(device):
    for d in (Normal(t([0.0, 1.0], device), 1.0), Bernoulli(t([0.1, 0.9], device)),
              Uniform(t([0.0, 1.0], device), 2.0), Categorical(t([[1.0, 2.0], [3.0, 4.0]], device))):
        e = d.expand((3, 2))
        assert e.batch_shape == (3, 2) and e.sample().shape == (3, 2) and e.sample((5,)).shape == (5, 3, 2)
    m = Multinomial(4, t([1.0, 1.0, 2.0], device)).expand((2,))
    assert m.batch_shape == (2,) and m.sample((3,)).shape == (3, 2, 3)


def test_lazy_probs_logits_keep_gradient_inside_no_grad(device):
    p = gradkit.tensor([0.3, 0.7], dtype=f64, device=device).requires_grad_()
    c = Categorical(p)
    with gradkit.no_grad():
        c.sample()
        logits = c.logits  # first computed here, with recording on (as PyTorch)
    assert logits.requires_grad


def test_sampling_reproducible_with_manual_seed(device):
    probs = t([0.2, 0.3, 0.5], device)
    out = []
    for _ in range(2):
        gradkit.manual_seed(1234)
        out.append((host(Multinomial(50, probs).sample((3,))), host(Categorical(probs).sample((7,))),
                    host(Normal(0.0, 1.0).sample((4,))) if device == "cpu" else None,
                    host(Bernoulli(probs).sample())))
    for a, b in zip(*out):
        assert (a is None and b is None) or (a == b).all()
