"""Property tests (hypothesis): broadcasting, reductions over any dims, basic indexing keys.
Each checks forward values against NumPy and the gradient's values and shape."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradkit as gk
from helpers import host

from ._util import assert_values, const

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast together (some dims 1, some missing)."""
    out = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    shapes = []
    for _ in range(2):
        drop = draw(st.integers(0, len(out)))
        shape = [1 if draw(st.booleans()) else s for s in out[drop:]]
        shapes.append(tuple(shape))
    return shapes


def _values(shape, seed):
    return np.random.default_rng(seed).uniform(0.5, 1.5, shape)


@SETTINGS
@given(shapes=broadcast_pair(), op=st.sampled_from(["add", "sub", "mul", "div", "maximum", "clamp_min", "clamp_max"]))
def test_broadcast_binary(device, shapes, op):
    sa, sb = shapes
    a_np, b_np = _values(sa, 0), _values(sb, 1) + 0.01
    a, b = const(a_np, device, requires_grad=True), const(b_np, device, requires_grad=True)
    fn = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
          "div": lambda x, y: x / y, "maximum": gk.maximum, "clamp_min": lambda x, y: x.clamp(min=y),
          "clamp_max": lambda x, y: gk.clamp(x, max=y)}[op]
    ref = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "maximum": np.maximum,
           "clamp_min": np.maximum, "clamp_max": np.minimum}[op]
    out = fn(a, b)
    assert_values(out, ref(a_np, b_np), rtol=1e-12)
    out.sum().backward()
    assert a.grad.shape == sa and b.grad.shape == sb
    # d/da sum(a + b): each element of a appears prod(full) / prod(sa) times after broadcasting
    full = np.broadcast_shapes(sa, sb)
    copies_a, copies_b = np.prod(full) / np.prod(sa), np.prod(full) / np.prod(sb)
    if op in ("add", "sub"):
        assert_values(a.grad, np.full(sa, copies_a))
        assert_values(b.grad, np.full(sb, copies_b if op == "add" else -copies_b))
    if op in ("maximum", "clamp_min", "clamp_max"):
        # the input gets the gradient where it is the result, the other operand elsewhere
        a_wins = np.broadcast_to(a_np > b_np if op != "clamp_max" else a_np < b_np, full)
        assert_values(a.grad, _sum_to(a_wins.astype(float), sa))
        assert_values(b.grad, _sum_to((~a_wins).astype(float), sb))
    if op == "mul":
        assert_values(a.grad, np.broadcast_to(b_np, full).sum(axis=tuple(range(len(full) - len(sa))))
                      .sum(axis=tuple(i for i, s in enumerate(sa) if s == 1), keepdims=True).reshape(sa))


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead))) if lead else g
    return g.sum(axis=tuple(d for d, s in enumerate(shape) if s == 1), keepdims=True).reshape(shape)


@st.composite
def shape_and_dims(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=4)))
    n = len(shape)
    dims = draw(st.lists(st.integers(-n, n - 1), unique_by=lambda d: d % n, max_size=n))
    form = draw(st.sampled_from(["tuple", "list", "int"]))
    if form == "int" and len(dims) == 1:
        dim = dims[0]
    elif form == "list":
        dim = list(dims)
    else:
        dim = tuple(dims)
    return shape, dim, draw(st.booleans())


@SETTINGS
@given(case=shape_and_dims(), op=st.sampled_from(["sum", "mean", "amax", "amin", "prod", "logsumexp", "norm"]))
def test_reduction_over_any_dims(device, case, op):
    shape, dim, keepdim = case
    a_np = _values(shape, 2)
    x = const(a_np, device, requires_grad=True)
    if op == "logsumexp" and dim in ((), []):
        return  # an empty dim list means all dims for sum/mean; logsumexp needs a dim
    axes = None if dim in ((), []) else tuple(d % len(shape) for d in ([dim] if isinstance(dim, int) else dim))
    ref = {
        "sum": lambda a: a.sum(axis=axes, keepdims=keepdim), "mean": lambda a: a.mean(axis=axes, keepdims=keepdim),
        "amax": lambda a: a.max(axis=axes, keepdims=keepdim), "amin": lambda a: a.min(axis=axes, keepdims=keepdim),
        "prod": lambda a: a.prod(axis=axes, keepdims=keepdim),
        "logsumexp": lambda a: np.log(np.exp(a).sum(axis=axes, keepdims=keepdim)),
        "norm": lambda a: np.sqrt((a * a).sum(axis=axes, keepdims=keepdim)),
    }[op]
    if op == "prod":
        if not isinstance(dim, int):
            return  # torch's prod takes one dim
        out = x.prod(dim, keepdim=keepdim)
    elif op == "norm":
        out = x.norm(dim=dim, keepdim=keepdim)
    else:
        out = getattr(x, op)(dim, keepdim=keepdim)
    assert_values(out, ref(a_np), rtol=1e-12)
    out.sum().backward()
    assert x.grad.shape == shape
    if op == "sum":
        assert_values(x.grad, np.ones(shape))
    if op == "mean":
        count = a_np.size if axes is None else np.prod([shape[i] for i in axes])
        assert_values(x.grad, np.full(shape, 1.0 / count), rtol=1e-12)


@st.composite
def basic_key(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    key = []
    for size in shape:
        kind = draw(st.sampled_from(["int", "slice", "full", "none"]))
        if kind == "int":
            key.append(draw(st.integers(-size, size - 1)))
        elif kind == "slice":
            start = draw(st.one_of(st.none(), st.integers(-size, size)))
            stop = draw(st.one_of(st.none(), st.integers(-size, size)))
            step = draw(st.one_of(st.none(), st.integers(1, 3)))
            key.append(slice(start, stop, step))
        elif kind == "none":
            key += [None, slice(None)]
        else:
            key.append(slice(None))
    if draw(st.booleans()) and len(key) > 1:
        cut = draw(st.integers(0, len(key) - 1))
        rest = key[cut:]
        # replace the tail that only has full slices by an Ellipsis
        if all(k == slice(None) for k in rest):
            key = key[:cut] + [Ellipsis]
    return shape, tuple(key)


@SETTINGS
@given(case=basic_key())
def test_basic_indexing_matches_numpy(device, case):
    shape, key = case
    a_np = np.arange(float(np.prod(shape))).reshape(shape)
    x = const(a_np, device, requires_grad=True)
    out = x[key]
    expected = a_np[key]
    assert_values(out, expected)
    out.sum().backward()
    g = np.zeros(shape)
    g[key] += 1.0  # basic keys address each element at most once
    assert_values(x.grad, g)


@SETTINGS
@given(n=st.integers(1, 5), picks=st.lists(st.integers(-5, 4), min_size=0, max_size=6))
def test_integer_array_index_accumulates(device, n, picks):
    picks = [p for p in picks if -n <= p < n]
    x = const(np.arange(float(n)), device, requires_grad=True)
    idx = gk.tensor(picks, dtype=gk.int64, device=device)
    out = x[idx]
    assert_values(out, np.arange(float(n))[np.array(picks, dtype=np.int64)])
    out.sum().backward()
    g = np.zeros(n)
    np.add.at(g, np.array(picks, dtype=np.int64), 1.0)
    assert_values(x.grad, g)


@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3)])
def test_empty_tensors_through_ops(device, shape):
    x = gk.zeros(*shape, dtype=gk.float64, device=device, requires_grad=True)
    y = (x * 2 + 1).exp().sum()
    y.backward()
    assert host(y) == 0.0 and x.grad.shape == shape
