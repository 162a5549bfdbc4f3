"""Random numbers (gradkit/ops/random.py and the Tensor fill methods): seeding per device,
shapes and dtypes as in PyTorch, loose statistical checks with fixed seeds, errors, and the
backends' portable sampling defaults."""
from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

import gradkit
from gradkit.backends import Backend

from helpers import host

f32, f64, i64 = gradkit.float32, gradkit.float64, gradkit.int64


def draw_all(device):
    """One of every kind of draw, as host arrays."""
    w = gradkit.tensor([0.1, 0.0, 0.6, 0.3], device=device)
    x = gradkit.zeros(5, device=device)
    return [
        host(gradkit.rand(3, 2, device=device)),
        host(gradkit.randn(4, device=device)),
        host(gradkit.randint(0, 100, (6,), device=device)),
        host(gradkit.randperm(7, device=device)),
        host(gradkit.normal(1.0, 2.0, (3,), device=device)),
        host(gradkit.bernoulli(gradkit.full((8,), 0.5, device=device))),
        host(gradkit.multinomial(w, 5, replacement=True)),
        host(gradkit.multinomial(w, 3)),
        host(x.normal_()), host(x.uniform_(-1, 1)), host(x.random_(10)), host(x.bernoulli_(0.5)),
    ]


# --------------------------------------------------------------------------- seeding
def test_manual_seed_reproducible_per_device(device):
    gradkit.manual_seed(42)
    first = draw_all(device)
    gradkit.manual_seed(42)
    second = draw_all(device)
    for a, b in zip(first, second):
        assert a.dtype == b.dtype and (a == b).all()
    gradkit.manual_seed(43)
    other = draw_all(device)
    assert any((a != b).any() for a, b in zip(first[:5], other[:5]))


def test_draws_advance_the_generator(device):
    gradkit.manual_seed(0)
    a = host(gradkit.rand(10, device=device))
    b = host(gradkit.rand(10, device=device))
    assert (a != b).any()


def test_manual_seed_returns_generator_and_initial_seed():
    g = gradkit.manual_seed(7)
    assert isinstance(g, gradkit.Generator) and g is gradkit.default_generator
    assert gradkit.initial_seed() == 7
    gen = gradkit.Generator().manual_seed(5)
    assert gen.initial_seed() == 5
    s = gradkit.seed()
    assert gradkit.initial_seed() == s
    # generator= is accepted (gradkit draws from the per-device generators)
    assert gradkit.rand(2, generator=gen).shape == (2,)


def _run(code):
    env = {k: v for k, v in os.environ.items() if k != "GRADKIT_DEVICE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_fresh_processes_start_from_the_same_seed_and_late_backends_get_seeded():
    # as in PyTorch, an unseeded process always starts from the same default seed
    code = "import gradkit; print(gradkit.rand(3).tolist())"
    assert _run(code) == _run(code)
    # manual_seed before a device is first used seeds that device's generator when it loads
    late = "import gradkit; gradkit.manual_seed(9); print(gradkit.rand(3, device='strict').tolist())"
    early = ("import gradkit; gradkit.rand(1, device='strict'); gradkit.manual_seed(9); "
             "print(gradkit.rand(3, device='strict').tolist())")
    assert _run(late) == _run(early)


# --------------------------------------------------------------------------- rand, randn, randint, randperm
def test_rand_randn_shapes_and_dtypes(device):
    assert gradkit.rand(2, 3, device=device).shape == (2, 3)
    assert gradkit.rand((2, 3), device=device).shape == (2, 3)
    assert gradkit.rand(size=(4,), device=device).shape == (4,)
    assert gradkit.randn((), device=device).shape == ()
    assert gradkit.randn(0, 3, device=device).shape == (0, 3)
    assert gradkit.rand(2, device=device).dtype is f32 and gradkit.randn(2, device=device).dtype is f32
    assert gradkit.rand(2, dtype=f64, device=device).dtype is f64
    if device != "strict":  # the array API standard has no float16
        assert gradkit.rand(3, dtype=gradkit.float16, device=device).dtype is gradkit.float16
    r = gradkit.randn(3, device=device, requires_grad=True)
    assert r.requires_grad and r.is_leaf
    gradkit.set_default_dtype(f64)
    assert gradkit.rand(2, device=device).dtype is f64
    with pytest.raises(NotImplementedError):
        gradkit.rand(2, dtype=i64, device=device)
    with pytest.raises(RuntimeError):  # NotImplementedError is a RuntimeError, as PyTorch's is
        gradkit.randn(2, dtype=i64, device=device)


def test_rand_statistics(device):
    gradkit.manual_seed(1)
    for dt in (f32, f64) + ((gradkit.float16,) if device != "strict" else ()):
        u = host(gradkit.rand(40000, dtype=dt, device=device)).astype("float64")
        assert u.min() >= 0 and u.max() < 1
        assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    z = host(gradkit.randn(40000, device=device))
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02
    assert abs((abs(z) < 1).mean() - 0.6827) < 0.01


def test_randint(device):
    gradkit.manual_seed(2)
    a = gradkit.randint(10, (3,), device=device)
    b = gradkit.randint(3, 10, (2, 2), device=device)
    c = gradkit.randint(10, size=(5,), device=device)
    d = gradkit.randint(low=-5, high=5, size=(1000,), device=device)
    for x in (a, b, c, d):
        assert x.dtype is i64
    assert a.shape == (3,) and b.shape == (2, 2) and c.shape == (5,)
    hb, hd = host(b), host(d)
    assert hb.min() >= 3 and hb.max() < 10
    assert hd.min() == -5 and hd.max() == 4  # both ends reached in 1000 draws, high excluded
    assert gradkit.randint(0, 10, (3,), dtype=f32, device=device).dtype is f32
    x = gradkit.zeros(4, dtype=gradkit.int32, device=device)
    assert gradkit.randint_like(x, 5).dtype is gradkit.int32 and gradkit.randint_like(x, 2, 5).shape == (4,)
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to'"):
        gradkit.randint(5, 3, (2,), device=device)
    with pytest.raises(TypeError):
        gradkit.randint(5)


def test_randperm(device):
    gradkit.manual_seed(3)
    p = gradkit.randperm(50, device=device)
    assert p.dtype is i64 and sorted(host(p).tolist()) == list(range(50))
    assert gradkit.randperm(0, device=device).shape == (0,)
    assert gradkit.randperm(5, dtype=f64, device=device).dtype is f64
    # every position is uniform over the values
    firsts = [int(gradkit.randperm(4, device=device)[0]) for _ in range(800)]
    for v in range(4):
        assert abs(firsts.count(v) / 800 - 0.25) < 0.06


def test_rand_like_randn_like(device):
    x = gradkit.zeros(2, 3, dtype=f64, device=device)
    for fn in (gradkit.rand_like, gradkit.randn_like):
        y = fn(x)
        assert y.shape == (2, 3) and y.dtype is f64 and y.device == x.device
        assert fn(x, dtype=f32).dtype is f32
    with pytest.raises(NotImplementedError):
        gradkit.rand_like(gradkit.zeros(2, dtype=i64, device=device))


# --------------------------------------------------------------------------- normal
def test_normal_forms(device):
    gradkit.manual_seed(4)
    a = gradkit.normal(0, 0.01, (2, 1), device=device)
    assert a.shape == (2, 1) and a.dtype is f32 and float(a.abs().max()) < 0.1
    b = gradkit.normal(0, 1, size=(3,), device=device)
    assert b.shape == (3,)
    assert gradkit.normal(2.0, 3.0, (2,), dtype=f64, device=device).dtype is f64
    mean = gradkit.tensor([[0.0], [100.0]], device=device)
    std = gradkit.tensor([1e-3, 1e-3, 1e-3], device=device)
    c = gradkit.normal(mean, std)
    assert c.shape == (2, 3) and not c.requires_grad
    assert (abs(host(c) - host(mean)) < 0.01).all()
    assert gradkit.normal(mean, 1.0).shape == (2, 1)
    assert gradkit.normal(0.0, std).shape == (3,)
    m = gradkit.zeros(3, device=device, requires_grad=True)
    assert not gradkit.normal(m, 1.0).requires_grad  # samples carry no graph
    assert gradkit.normal(0.0, 1.0, (2,), device=device, requires_grad=True).requires_grad


def test_normal_statistics(device):
    gradkit.manual_seed(5)
    x = host(gradkit.normal(2.0, 3.0, (40000,), device=device))
    assert abs(x.mean() - 2) < 0.06 and abs(x.std() - 3) < 0.05
    y = host(gradkit.normal(gradkit.full((40000,), -1.0, device=device), gradkit.full((40000,), 0.5, device=device)))
    assert abs(y.mean() + 1) < 0.01 and abs(y.std() - 0.5) < 0.01


def test_normal_errors(device):
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0"):
        gradkit.normal(0, -1, (2,), device=device)
    with pytest.raises(RuntimeError, match="normal expects all elements of std >= 0.0"):
        gradkit.normal(gradkit.zeros(2, device=device), -gradkit.ones(2, device=device))
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0"):
        gradkit.normal(gradkit.zeros(2, device=device), -1.0)
    with pytest.raises(TypeError):
        gradkit.normal(0.0, 1.0)
    with pytest.raises(NotImplementedError):
        gradkit.normal(gradkit.zeros(2, dtype=i64, device=device), gradkit.ones(2, device=device))


# --------------------------------------------------------------------------- bernoulli
def test_bernoulli(device):
    gradkit.manual_seed(6)
    p = gradkit.tensor([0.0, 0.3, 1.0], dtype=f64, device=device)
    s = gradkit.bernoulli(p.expand(20000, 3))
    assert s.dtype is f64 and s.shape == (20000, 3)
    h = host(s)
    assert set(h.ravel().tolist()) <= {0.0, 1.0}
    assert (h[:, 0] == 0).all() and (h[:, 2] == 1).all() and abs(h[:, 1].mean() - 0.3) < 0.015
    half = gradkit.bernoulli(gradkit.zeros(10000, device=device), 0.5)  # the (input, p) form
    assert half.dtype is f32 and abs(float(half.mean()) - 0.5) < 0.03
    assert p.bernoulli().dtype is f64
    if device != "strict":  # the array API standard has no float16
        tiny = gradkit.full((200000,), 1e-4, dtype=gradkit.float16, device=device)
        assert gradkit.bernoulli(tiny).dtype is gradkit.float16
        assert float(gradkit.bernoulli(tiny).to(f32).sum()) < 80  # about 20; not half's 1/2048 grid
    q = gradkit.tensor([0.5], device=device, requires_grad=True)
    assert not gradkit.bernoulli(q).requires_grad


def test_bernoulli_errors(device):
    with pytest.raises(RuntimeError, match="0 <= p <= 1|p_in >= 0"):
        gradkit.bernoulli(gradkit.tensor([1.5], device=device))
    with pytest.raises(RuntimeError, match="not implemented for 'int64'"):
        gradkit.bernoulli(gradkit.tensor([1, 0], device=device))


# --------------------------------------------------------------------------- multinomial
def test_multinomial_with_replacement(device):
    gradkit.manual_seed(7)
    w = gradkit.tensor([1.0, 0.0, 6.0, 3.0], device=device)  # unnormalised weights
    s = gradkit.multinomial(w, 20000, replacement=True)
    assert s.dtype is i64 and s.shape == (20000,)
    h = host(s)
    assert (h != 1).all()
    for k, p in ((0, 0.1), (2, 0.6), (3, 0.3)):
        assert abs((h == k).mean() - p) < 0.015
    rows = gradkit.tensor([[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]], dtype=f64, device=device)
    r = host(gradkit.multinomial(rows, 1000, True))
    assert r.shape == (2, 1000) and (r[0] == 2).all() and set(r[1].tolist()) == {0, 1}
    assert abs((r[1] == 0).mean() - 0.5) < 0.06
    assert w.multinomial(3, replacement=True).shape == (3,)
    assert gradkit.multinomial(gradkit.tensor([0.0, 1.0], device=device), 5, True).shape == (5,)
    assert gradkit.multinomial(gradkit.ones(0, 3, device=device), 2, True).shape == (0, 2)


def test_multinomial_without_replacement(device):
    gradkit.manual_seed(8)
    w = gradkit.tensor([0.5, 0.3, 0.2], device=device)
    p = host(gradkit.multinomial(w, 3))
    assert sorted(p.tolist()) == [0, 1, 2]
    rows = gradkit.tensor([[0.5, 0.3, 0.2]] * 6000, device=device)
    draws = host(gradkit.multinomial(rows, 2))
    assert draws.shape == (6000, 2) and (draws[:, 0] != draws[:, 1]).all()
    assert abs((draws[:, 0] == 0).mean() - 0.5) < 0.02
    # second draw: P(2nd = 0) = 0.3 * 0.5/0.7 + 0.2 * 0.5/0.8
    assert abs((draws[:, 1] == 0).mean() - (0.3 * 0.5 / 0.7 + 0.2 * 0.5 / 0.8)) < 0.02
    # zero weights come only after the positive ones are used up (PyTorch's CPU behaviour)
    z = host(gradkit.multinomial(gradkit.tensor([[0.0, 0.0, 1.0], [0.0, 5.0, 0.0]], device=device), 3))
    assert z[0, 0] == 2 and z[1, 0] == 1 and sorted(z[0].tolist()) == [0, 1, 2]


def test_multinomial_errors(device):
    ones = gradkit.ones(3, device=device)
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        gradkit.multinomial(ones, 4)
    with pytest.raises(RuntimeError, match="cannot sample n_sample <= 0 samples"):
        gradkit.multinomial(ones, 0)
    with pytest.raises(RuntimeError, match="probability tensor contains either `inf`, `nan` or element < 0"):
        gradkit.multinomial(gradkit.tensor([-1.0, 2.0], device=device), 1)
    with pytest.raises(RuntimeError, match="probability tensor contains"):
        gradkit.multinomial(gradkit.tensor([math.nan, 1.0], device=device), 1)
    with pytest.raises(RuntimeError, match="sum of probabilities <= 0"):
        gradkit.multinomial(gradkit.zeros(2, device=device), 1, True)
    with pytest.raises(RuntimeError, match="prob_dist must be 1 or 2 dim"):
        gradkit.multinomial(gradkit.ones(2, 2, 2, device=device), 1)
    with pytest.raises(RuntimeError, match="multinomial only supports floating-point dtypes"):
        gradkit.multinomial(gradkit.tensor([1, 2], device=device), 1)


# --------------------------------------------------------------------------- Tensor fill methods
def test_tensor_fill_methods(device):
    gradkit.manual_seed(9)
    x = gradkit.empty(20000, device=device)
    v = x._version[0]
    assert x.normal_(3.0, 0.5) is x
    assert x._version[0] > v
    h = host(x)
    assert abs(h.mean() - 3) < 0.02 and abs(h.std() - 0.5) < 0.02
    x.uniform_(-2.0, 4.0)
    h = host(x)
    assert h.min() >= -2 and h.max() < 4 and abs(h.mean() - 1) < 0.05
    x.bernoulli_(0.25)
    h = host(x)
    assert set(h.tolist()) <= {0.0, 1.0} and abs(h.mean() - 0.25) < 0.02
    x.bernoulli_(gradkit.full((20000,), 0.75, device=device))
    assert abs(float(x.mean()) - 0.75) < 0.02
    x.random_(5)
    h = host(x)
    assert set(h.tolist()) == {0.0, 1.0, 2.0, 3.0, 4.0}
    x.random_(2, 4)
    assert set(host(x).tolist()) == {2.0, 3.0}
    x.exponential_(2.0)
    assert abs(float(x.mean()) - 0.5) < 0.02 and float(x.min()) >= 0
    assert x.dtype is f32
    d = gradkit.zeros(5, dtype=f64, device=device).uniform_()
    assert d.dtype is f64
    i = gradkit.zeros(1000, dtype=i64, device=device).random_(0, 3)
    assert i.dtype is i64 and set(host(i).tolist()) == {0, 1, 2}


def test_random_full_range(device):
    gradkit.manual_seed(10)
    f = gradkit.zeros(1000, device=device).random_()
    assert f.dtype is f32 and float(f.min()) >= 0 and float(f.max()) <= 2 ** 24 and float(f.max()) > 2 ** 20
    assert bool((f == f.floor()).all())
    u = gradkit.zeros(1000, dtype=gradkit.uint8, device=device).random_()
    assert int(u.max()) > 200
    b = gradkit.zeros(100, dtype=gradkit.bool, device=device).random_()
    assert bool(b.any()) and not bool(b.all())


def test_fill_methods_respect_autograd_rules(device):
    w = gradkit.zeros(3, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.normal_()
    with gradkit.no_grad():
        w.normal_(0, 0.01)
        w.uniform_(-0.1, 0.1)
    assert w.requires_grad and w.is_leaf
    with pytest.raises(RuntimeError):
        gradkit.zeros(2, dtype=i64, device=device).normal_()


# --------------------------------------------------------------------------- the backends' sampling extras
@pytest.fixture
def backend(device):
    return gradkit.device(device).backend


def test_backend_categorical_default(device, backend):
    gradkit.manual_seed(11)
    dev = gradkit.device(device)
    xp = backend.xp
    w = backend.asarray([[0.0, 1.0, 3.0, 0.0], [2.0, 0.0, 0.0, 2.0]], xp.float64, dev)
    idx = Backend.categorical(backend, w, 4000, dev)
    h = backend.to_host(idx)
    assert h.shape == (2, 4000) and str(h.dtype) == "int64"
    assert set(h[0].tolist()) == {1, 2} and set(h[1].tolist()) == {0, 3}
    assert abs((h[0] == 2).mean() - 0.75) < 0.03 and abs((h[1] == 0).mean() - 0.5) < 0.03


def test_backend_multinomial_counts_default_and_override_agree(device, backend):
    dev = gradkit.device(device)
    xp = backend.xp
    probs = backend.asarray([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], xp.float64, dev)
    gradkit.manual_seed(12)
    for counts in (Backend.multinomial_counts(backend, 40, probs, 3000, dev),
                   backend.multinomial_counts(40, probs, 3000, dev)):
        h = backend.to_host(counts)
        assert h.shape == (3000, 2, 3) and str(h.dtype) == "int64"
        assert (h.sum(-1) == 40).all() and (h[:, 1, 0] == 40).all()
        m = h[:, 0].mean(0)
        assert abs(m[0] - 8) < 0.15 and abs(m[1] - 12) < 0.2 and abs(m[2] - 20) < 0.2
        v = h[:, 0].var(0)
        assert abs(v[2] - 40 * 0.25) < 0.8
    assert backend.to_host(Backend.multinomial_counts(backend, 0, probs, 2, dev)).shape == (2, 2, 3)
    assert backend.to_host(Backend.multinomial_counts(backend, 5, probs, 0, dev)).shape == (0, 2, 3)


def test_backend_permutation_default(device, backend):
    gradkit.manual_seed(13)
    dev = gradkit.device(device)
    p = backend.to_host(Backend.permutation(backend, 30, dev))
    assert sorted(p.tolist()) == list(range(30)) and str(p.dtype) == "int64"
