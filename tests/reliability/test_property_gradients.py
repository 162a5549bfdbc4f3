"""Property tests (hypothesis): random shapes, dims, slices and index arrays, each checked
against NumPy for the values and against central finite differences for the gradients
(float64, a random weighting of the outputs so that every output element counts).

Complements tests/ops/test_properties.py (which checks gradients against closed forms):
here the gradient of arbitrary compositions is checked numerically."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradkit as gk
from helpers import host

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


# ----------------------------------------------------------------------------- the checker
def fd_check(fn, arrays, device, *, eps=1e-6, rtol=1e-5, atol=1e-7, ref=None):
    """fn(*tensors) -> Tensor. Checks values against ref(*arrays) (NumPy) when given, and
    d/dx sum(fn(x) * W) against central differences for every element of every input."""
    xs = [gk.tensor(a, dtype=gk.float64, device=device, requires_grad=True) for a in arrays]
    out = fn(*xs)
    if ref is not None:
        np.testing.assert_allclose(host(out), np.asarray(ref(*arrays), dtype=np.float64), rtol=1e-12, atol=1e-12)
    weights = np.random.default_rng(7).uniform(0.5, 1.5, tuple(out.shape))
    w = gk.tensor(weights, dtype=gk.float64, device=device)
    if out.numel() == 0:
        return
    grads = gk.autograd.grad((out * w).sum(), xs, allow_unused=True)

    def objective(vals):
        with gk.no_grad():
            ts = [gk.tensor(v, dtype=gk.float64, device=device) for v in vals]
            return float((fn(*ts) * w).sum())

    for k, a in enumerate(arrays):
        a = np.asarray(a, dtype=np.float64)
        got = np.zeros(a.shape) if grads[k] is None else host(grads[k])
        assert got.shape == a.shape, (got.shape, a.shape)
        num = np.zeros(a.size)
        for i in range(a.size):
            plus, minus = [np.array(v, dtype=np.float64, copy=True) for v in arrays], \
                [np.array(v, dtype=np.float64, copy=True) for v in arrays]
            plus[k].reshape(-1)[i] += eps
            minus[k].reshape(-1)[i] -= eps
            num[i] = (objective(plus) - objective(minus)) / (2 * eps)
        np.testing.assert_allclose(got.reshape(-1), num, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {k} (shape {a.shape})")


def values(shape, seed, low=-1.5, high=1.5):
    return np.random.default_rng(seed).uniform(low, high, shape)


# ----------------------------------------------------------------------------- broadcasting
@st.composite
def broadcast_pair(draw):
    out = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    shapes = []
    for _ in range(2):
        drop = draw(st.integers(0, len(out)))
        shapes.append(tuple(1 if draw(st.booleans()) else s for s in out[drop:]))
    return shapes


BINARY = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "div": (lambda a, b: a / b, np.divide),
    "pow": (lambda a, b: a.abs() ** b, lambda a, b: np.abs(a) ** b),
    "maximum": (gk.maximum, np.maximum),
    "minimum": (gk.minimum, np.minimum),
    "atan2": (gk.atan2, np.arctan2),
    "where": (lambda a, b: gk.where(a > b, a * b, a - b), lambda a, b: np.where(a > b, a * b, a - b)),
    "where_broadcast_branches": (lambda a, b: gk.where(a > 0, a.exp(), b.sin()),
                                 lambda a, b: np.where(a > 0, np.exp(a), np.sin(b))),
    "clamp_min_tensor": (lambda a, b: gk.clamp(a, min=b), np.maximum),
    "clamp_max_tensor": (lambda a, b: a.clamp(max=b), np.minimum),
    "clamp_tensor_bounds": (lambda a, b: gk.clamp(a, b - 0.5, b * b + 0.5),
                            lambda a, b: np.minimum(np.maximum(a, b - 0.5), b * b + 0.5)),
    "clamp_crossed_bounds": (lambda a, b: gk.clamp(a * 2, b, -b),  # min > max wherever b > 0
                             lambda a, b: np.where(b > -b, -b, np.clip(a * 2, b, -b))),
    "chain": (lambda a, b: ((a * b).tanh() + a.exp() / (1 + b * b)).sigmoid(),
              lambda a, b: 1 / (1 + np.exp(-(np.tanh(a * b) + np.exp(a) / (1 + b * b))))),
}


@SETTINGS
@given(shapes=broadcast_pair(), op=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2 ** 16))
def test_broadcasting_binary_ops(device, shapes, op, seed):
    fn, ref = BINARY[op]
    a, b = values(shapes[0], seed), values(shapes[1], seed + 1)
    if op == "pow":
        a = np.where(np.abs(a) < 0.3, 0.7, a)  # |a| away from 0
    if op == "div":
        b = np.where(np.abs(b) < 0.3, 0.9, b)
    fd_check(fn, [a, b], device, ref=ref)


@st.composite
def shape_and_bounds(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=3)))
    lo = draw(st.one_of(st.none(), st.floats(-1.2, 1.2)))
    hi = draw(st.one_of(st.none(), st.floats(-1.2, 1.2))) if lo is not None else draw(st.floats(-1.2, 1.2))
    return shape, lo, hi


@SETTINGS
@given(case=shape_and_bounds(), seed=st.integers(0, 2 ** 16), form=st.sampled_from(["clamp", "method", "clip"]))
def test_clamp_scalar_bounds(device, case, seed, form):
    shape, lo, hi = case
    a = values(shape, seed)
    bounds = [b for b in (lo, hi) if b is not None]
    # away from the kinks at the bounds, where the derivative is one-sided
    a = np.where(np.min(np.abs(a[..., None] - np.array(bounds)), axis=-1) < 1e-3, a + 0.01, a) if bounds else a
    fn = {"clamp": lambda x: gk.clamp(x, lo, hi), "method": lambda x: x.clamp(min=lo, max=hi),
          "clip": lambda x: x.clip(lo, hi)}[form]

    def ref(v):
        out = v if lo is None else np.maximum(v, lo)
        out = out if hi is None else np.minimum(out, hi)
        return np.full_like(v, hi) if lo is not None and hi is not None and lo > hi else out

    fd_check(lambda x: fn(x) * x, [a], device, ref=lambda v: ref(v) * v)


# ----------------------------------------------------------------------------- reductions
@st.composite
def shape_dim_keepdim(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    nd = len(shape)
    if draw(st.booleans()):
        dim = draw(st.integers(-nd, nd - 1))
    else:
        dim = tuple(draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True)))
    return shape, dim, draw(st.booleans())


def _np_dim(dim, nd):
    return tuple(d % nd for d in dim) if isinstance(dim, tuple) else dim % nd


REDUCTIONS = {
    "sum": (lambda x, d, k: x.sum(d, keepdim=k), lambda a, d, k: a.sum(d, keepdims=k)),
    "mean": (lambda x, d, k: x.mean(d, keepdim=k), lambda a, d, k: a.mean(d, keepdims=k)),
    "prod": (lambda x, d, k: x.prod(d, keepdim=k) if isinstance(d, int) else x.prod(d[0], keepdim=k),
             lambda a, d, k: a.prod(d if isinstance(d, int) else d[0], keepdims=k)),
    "amax": (lambda x, d, k: x.amax(d, keepdim=k), lambda a, d, k: a.max(d, keepdims=k)),
    "amin": (lambda x, d, k: x.amin(d, keepdim=k), lambda a, d, k: a.min(d, keepdims=k)),
    "logsumexp": (lambda x, d, k: x.logsumexp(d, keepdim=k),
                  lambda a, d, k: np.log(np.exp(a).sum(d, keepdims=k))),
    "var": (lambda x, d, k: x.var(d, keepdim=k), lambda a, d, k: a.var(d, keepdims=k, ddof=1)),
    "std": (lambda x, d, k: x.std(d, keepdim=k, correction=0), lambda a, d, k: a.std(d, keepdims=k)),
    "norm": (lambda x, d, k: x.norm(dim=d, keepdim=k), lambda a, d, k: np.sqrt((a * a).sum(d, keepdims=k))),
    "max_dim": (lambda x, d, k: x.max(d if isinstance(d, int) else d[0], keepdim=k)[0],
                lambda a, d, k: a.max(d if isinstance(d, int) else d[0], keepdims=k)),
    "softmax": (lambda x, d, k: gk.nn.functional.softmax(x, d if isinstance(d, int) else d[0]),
                lambda a, d, k: np.exp(a) / np.exp(a).sum(d if isinstance(d, int) else d[0], keepdims=True)),
    "cumsum": (lambda x, d, k: x.cumsum(d if isinstance(d, int) else d[0]),
               lambda a, d, k: a.cumsum(d if isinstance(d, int) else d[0])),
}


@SETTINGS
@given(case=shape_dim_keepdim(), op=st.sampled_from(sorted(REDUCTIONS)), seed=st.integers(0, 2 ** 16))
def test_reductions_over_random_dims(device, case, op, seed):
    shape, dim, keepdim = case
    fn, ref = REDUCTIONS[op]
    nd = len(shape)
    a = values(shape, seed)
    if op in ("var", "std") and isinstance(dim, tuple) and np.prod([shape[d] for d in dim]) == 1:
        dim = tuple(range(nd))  # at least two elements reduced (a single one has no spread)
        if a.size == 1:
            return
    if op == "var" and isinstance(dim, int) and shape[dim] == 1:
        return  # n - 1 = 0: inf/nan, checked in the edge-semantics tests
    if op in ("std", "norm") and a.size == 1:
        a = a + 2.0  # away from the kink of sqrt at 0
    fd_check(lambda x: fn(x, dim, keepdim), [a], device, ref=lambda v: ref(v, _np_dim(dim, nd), keepdim))


# ----------------------------------------------------------------------------- basic indexing
@st.composite
def basic_key(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    key = []
    for size in shape:
        kind = draw(st.sampled_from(["int", "slice", "full", "none"]))
        if kind == "int":
            key.append(draw(st.integers(-size, size - 1)))
        elif kind == "slice":
            start = draw(st.one_of(st.none(), st.integers(-size - 2, size + 2)))
            stop = draw(st.one_of(st.none(), st.integers(-size - 2, size + 2)))
            step = draw(st.one_of(st.none(), st.integers(1, 3)))
            key.append(slice(start, stop, step))
        elif kind == "none":
            key.extend([None, slice(None)])
        else:
            key.append(slice(None))
    if draw(st.booleans()) and len(key) > 1:
        key = [Ellipsis] + key[len(key) // 2:]
    return shape, tuple(key)


@SETTINGS
@given(case=basic_key(), seed=st.integers(0, 2 ** 16))
def test_basic_indexing_random_slices(device, case, seed):
    shape, key = case
    fd_check(lambda x: x[key] * 2, [values(shape, seed)], device, ref=lambda a: a[key] * 2)


@SETTINGS
@given(case=basic_key(), seed=st.integers(0, 2 ** 16))
def test_setitem_with_random_slices(device, case, seed):
    """y = x.clone(); y[key] = v * 3: gradient 0 at the overwritten places of x, and v's
    gradient sums over the broadcast."""
    shape, key = case
    x0 = values(shape, seed)
    target = np.zeros(shape)[key].shape
    if 0 in target:
        return
    v0 = values(target[-1:] if target else (), seed + 1)

    def fn(x, v):
        y = x.clone()
        y[key] = v * 3
        return y * y

    def ref(x, v):
        y = x.copy()
        y[key] = v * 3
        return y * y

    fd_check(fn, [x0, v0], device, ref=ref)


# ----------------------------------------------------------------------------- advanced indexing
@st.composite
def index_case(draw):
    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 3))
    picks = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=6))  # duplicates likely
    mask = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
    return (n, m), picks, mask


@SETTINGS
@given(case=index_case(), seed=st.integers(0, 2 ** 16),
       kind=st.sampled_from(["rows", "cols", "pair", "mask", "row_mask", "index_select", "gather", "take"]))
def test_integer_arrays_with_duplicates_and_masks(device, case, seed, kind):
    (n, m), picks, mask_bits = case
    idx_np = np.array(picks, dtype=np.int64)
    mask_np = np.array(mask_bits, dtype=bool).reshape(n, m)
    idx = gk.tensor(idx_np, device=device)
    mask = gk.tensor(mask_np, device=device)
    cols_np = np.array([p % m for p in picks], dtype=np.int64)
    cols = gk.tensor(cols_np, device=device)
    gather_idx_np = (np.abs(idx_np) % m).reshape(-1, 1).repeat(2, 1)[:n] if len(picks) >= n else None
    fns = {
        "rows": (lambda x: x[idx], lambda a: a[idx_np]),
        "cols": (lambda x: x[:, cols], lambda a: a[:, cols_np]),
        "pair": (lambda x: x[idx, cols], lambda a: a[idx_np, cols_np]),
        "mask": (lambda x: x[mask], lambda a: a[mask_np]),
        "row_mask": (lambda x: x[mask[:, 0]], lambda a: a[mask_np[:, 0]]),
        "index_select": (lambda x: gk.index_select(x, 0, idx % n), lambda a: a[idx_np % n]),
        "take": (lambda x: gk.take(x, idx % (n * m)), lambda a: a.reshape(-1)[idx_np % (n * m)]),
    }
    if kind == "gather":
        if gather_idx_np is None:
            return
        gi = gk.tensor(gather_idx_np, device=device)
        fns["gather"] = (lambda x: gk.gather(x, 1, gi), lambda a: np.take_along_axis(a, gather_idx_np, 1))
    fn, ref = fns[kind]
    fd_check(lambda x: fn(x) * fn(x).tanh(), [values((n, m), seed)], device, ref=lambda a: ref(a) * np.tanh(ref(a)))


@SETTINGS
@given(case=index_case(), seed=st.integers(0, 2 ** 16))
def test_masked_and_indexed_writes_differentiate(device, case, seed):
    (n, m), picks, mask_bits = case
    mask_np = np.array(mask_bits, dtype=bool).reshape(n, m)
    mask = gk.tensor(mask_np, device=device)
    rows = sorted({p % n for p in picks})  # distinct rows: a write has one winner
    rows_t = gk.tensor(rows, device=device)

    def fn(x, v):
        y = x * 1.5
        y[mask] = v.sum() * 0.5
        y[rows_t] = y[rows_t] * v[: len(rows)].reshape(-1, 1) if len(rows) <= v.shape[0] else y[rows_t]
        return y.sin()

    def ref(x, v):
        y = x * 1.5
        y[mask_np] = v.sum() * 0.5
        if len(rows) <= v.shape[0]:
            y[rows] = y[rows] * v[: len(rows)].reshape(-1, 1)
        return np.sin(y)

    fd_check(fn, [values((n, m), seed), values((4,), seed + 1)], device, ref=ref)


@SETTINGS
@given(n=st.integers(1, 5), picks=st.lists(st.integers(0, 4), min_size=0, max_size=8), seed=st.integers(0, 99))
def test_index_add_style_accumulation_matches_bincount(device, n, picks, seed):
    """x[idx] with duplicate indices: the gradient of element j is the sum of the
    weights of every pick of j (np.bincount), never the last one only."""
    picks = [p % n for p in picks]
    x = gk.tensor(values((n,), seed), dtype=gk.float64, device=device, requires_grad=True)
    w = np.random.default_rng(seed).uniform(0.5, 1.5, len(picks))
    y = x[gk.tensor(picks, dtype=gk.int64, device=device)]
    (y * gk.tensor(w, dtype=gk.float64, device=device)).sum().backward()
    np.testing.assert_allclose(host(x.grad), np.bincount(np.array(picks, dtype=np.int64), weights=w, minlength=n),
                               rtol=1e-13, atol=1e-15)
