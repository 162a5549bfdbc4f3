"""Shape ops: views, joins and splits. Forward values against NumPy, float64 gradcheck +
gradgradcheck on every device, view semantics (shared version counter and storage)."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values, const, grads_of

# Shape ops whose backward is not itself differentiable, with the reason. None: each
# backward is another shape op (reshape <-> reshape, expand <-> sum_to, cat <-> narrow, ...).
FIRST_ORDER_ONLY: list[tuple[str, str]] = []
_FIRST_ORDER = {name for name, _ in FIRST_ORDER_ONLY}

SHAPE = (2, 3, 4)


def _np_split(a, sizes, axis):
    return np.split(a, np.cumsum(sizes)[:-1], axis=axis)


# (id, f(x) on a (2, 3, 4) tensor -> tensor or tuple of tensors, NumPy reference)
SINGLE = [
    ("reshape(4,-1)", lambda x: x.reshape(4, -1), lambda a: a.reshape(4, -1)),
    ("reshape((-1,2))", lambda x: gk.reshape(x, (-1, 2)), lambda a: a.reshape(-1, 2)),
    ("reshape(same)", lambda x: x.reshape(2, 3, 4), lambda a: a),
    ("view(-1)", lambda x: x.view(-1), lambda a: a.reshape(-1)),
    ("view(2,12)", lambda x: x.view(2, 12), lambda a: a.reshape(2, 12)),
    ("view_as", lambda x: x.view_as(gk.zeros(6, 4)), lambda a: a.reshape(6, 4)),
    ("ravel", lambda x: x.ravel(), lambda a: a.ravel()),
    ("transpose(0,2)", lambda x: x.transpose(0, 2), lambda a: a.transpose(2, 1, 0)),
    ("transpose(-1,1)", lambda x: gk.transpose(x, -1, 1), lambda a: a.transpose(0, 2, 1)),
    ("swapaxes(0,1)", lambda x: x.swapaxes(0, 1), lambda a: a.swapaxes(0, 1)),
    ("permute(2,0,1)", lambda x: x.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1)),
    ("permute((1,2,0))", lambda x: gk.permute(x, (1, 2, 0)), lambda a: a.transpose(1, 2, 0)),
    ("permute(-1,0,1)", lambda x: x.permute(-1, 0, 1), lambda a: a.transpose(2, 0, 1)),
    ("mT", lambda x: x.mT, lambda a: a.swapaxes(-1, -2)),
    ("T (reversed dims)", lambda x: x.T, lambda a: a.T),
    ("movedim(0,-1)", lambda x: x.movedim(0, -1), lambda a: np.moveaxis(a, 0, -1)),
    ("squeeze()", lambda x: x.reshape(2, 1, 12).squeeze(), lambda a: a.reshape(2, 12)),
    ("squeeze(1)", lambda x: x.reshape(2, 1, 12, 1).squeeze(1), lambda a: a.reshape(2, 12, 1)),
    ("squeeze(0) no-op", lambda x: x.squeeze(0), lambda a: a),
    ("squeeze((0,2))", lambda x: x.reshape(1, 2, 1, 12).squeeze((0, 2)), lambda a: a.reshape(2, 12)),
    ("unsqueeze(-1)", lambda x: x.unsqueeze(-1), lambda a: a[..., None]),
    ("unsqueeze(0)", lambda x: gk.unsqueeze(x, 0), lambda a: a[None]),
    ("unsqueeze(2)", lambda x: x.unsqueeze(2), lambda a: a[:, :, None]),
    ("flatten()", lambda x: x.flatten(), lambda a: a.reshape(-1)),
    ("flatten(1)", lambda x: x.flatten(1), lambda a: a.reshape(2, 12)),
    ("flatten(0,1)", lambda x: gk.flatten(x, 0, 1), lambda a: a.reshape(6, 4)),
    ("unflatten(2,(2,2))", lambda x: x.unflatten(2, (2, 2)), lambda a: a.reshape(2, 3, 2, 2)),
    ("unflatten(-1,(2,-1))", lambda x: gk.unflatten(x, -1, (2, -1)), lambda a: a.reshape(2, 3, 2, 2)),
    ("expand", lambda x: x[:, :1, :].expand(2, 3, 4), lambda a: np.broadcast_to(a[:, :1], (2, 3, 4))),
    ("expand(-1,5,-1)", lambda x: x[:, :1, :].expand(-1, 5, -1), lambda a: np.broadcast_to(a[:, :1], (2, 5, 4))),
    ("expand(new dims)", lambda x: x.expand(2, 2, 3, 4), lambda a: np.broadcast_to(a, (2, 2, 3, 4))),
    ("expand_as", lambda x: x[:1].expand_as(gk.zeros(3, 3, 4)), lambda a: np.broadcast_to(a[:1], (3, 3, 4))),
    ("broadcast_to", lambda x: x[:1].broadcast_to((3, 3, 4)), lambda a: np.broadcast_to(a[:1], (3, 3, 4))),
    ("gk.broadcast_to", lambda x: gk.broadcast_to(x[0, 0], (2, 4)), lambda a: np.broadcast_to(a[0, 0], (2, 4))),
    ("narrow(2,1,2)", lambda x: x.narrow(2, 1, 2), lambda a: a[:, :, 1:3]),
    ("narrow(-2,-2,1)", lambda x: gk.narrow(x, -2, -2, 1), lambda a: a[:, 1:2]),
    ("clone", lambda x: x.clone(), lambda a: a.copy()),
    ("gk.clone", lambda x: gk.clone(x), lambda a: a.copy()),
    ("flip(0)", lambda x: x.flip(0), lambda a: a[::-1]),
    ("flip([0,2])", lambda x: x.flip([0, 2]), lambda a: a[::-1, :, ::-1]),
    ("gk.flip((1,))", lambda x: gk.flip(x, (1,)), lambda a: a[:, ::-1]),
    ("roll(1,2)", lambda x: x.roll(1, 2), lambda a: np.roll(a, 1, 2)),
    ("roll(-1) flat", lambda x: x.roll(-1), lambda a: np.roll(a, -1)),
    ("roll((1,2),(0,2))", lambda x: gk.roll(x, (1, 2), (0, 2)), lambda a: np.roll(a, (1, 2), (0, 2))),
    ("roll(-4,-1)", lambda x: x.roll(-4, -1), lambda a: np.roll(a, -4, -1)),
    ("repeat(1,2,1)", lambda x: x.repeat(1, 2, 1), lambda a: np.tile(a, (1, 2, 1))),
    ("repeat(2,1,1,2)", lambda x: x.repeat(2, 1, 1, 2), lambda a: np.tile(a, (2, 1, 1, 2))),
    ("tile((2,))", lambda x: x.tile((2,)), lambda a: np.tile(a, (1, 1, 2))),
    ("gk.tile((2,1,1,1))", lambda x: gk.tile(x, (2, 1, 1, 1)), lambda a: np.tile(a, (2, 1, 1, 1))),
    ("repeat_interleave(2,dim=1)", lambda x: x.repeat_interleave(2, dim=1), lambda a: np.repeat(a, 2, 1)),
    ("tril", lambda x: x.tril(), lambda a: np.tril(a)),
    ("triu(1)", lambda x: gk.triu(x, 1), lambda a: np.triu(a, 1)),
]
MULTI = [
    ("split(2,2)", lambda x: x.split(2, 2), lambda a: _np_split(a, [2, 2], 2)),
    ("split([1,2],1)", lambda x: x.split([1, 2], 1), lambda a: _np_split(a, [1, 2], 1)),
    ("gk.split(3,-1)", lambda x: gk.split(x, 3, -1), lambda a: _np_split(a, [3, 1], -1)),
    ("split(5,1) one piece", lambda x: x.split(5, 1), lambda a: [a]),
    ("chunk(2,2)", lambda x: x.chunk(2, 2), lambda a: _np_split(a, [2, 2], 2)),
    ("chunk(3,2)", lambda x: gk.chunk(x, 3, 2), lambda a: _np_split(a, [2, 2], 2)),
    ("chunk(2,1)", lambda x: x.chunk(2, 1), lambda a: _np_split(a, [2, 1], 1)),
    ("unbind(1)", lambda x: x.unbind(1), lambda a: [a[:, i] for i in range(3)]),
    ("gk.unbind", lambda x: gk.unbind(x), lambda a: [a[0], a[1]]),
    ("tensor_split(3,2)", lambda x: gk.tensor_split(x, 3, 2), lambda a: np.array_split(a, 3, 2)),
]


@pytest.mark.parametrize("name,fn,ref", SINGLE, ids=[s[0] for s in SINGLE])
def test_shape_op_values(device, name, fn, ref):
    x = rand64(*SHAPE, device=device, seed=0)
    out = fn(x)
    assert out.dtype == gk.float64
    assert_values(out, ref(host(x)))


@pytest.mark.parametrize("name,fn,ref", SINGLE, ids=[s[0] for s in SINGLE])
def test_shape_op_grads(device, name, fn, ref):
    x = rand64(*SHAPE, device=device, seed=1)
    check_grads(fn, (x,), second_order=name not in _FIRST_ORDER)


@pytest.mark.parametrize("name,fn,ref", MULTI, ids=[m[0] for m in MULTI])
def test_split_like_values(device, name, fn, ref):
    x = rand64(*SHAPE, device=device, seed=2)
    pieces = fn(x)
    expected = ref(host(x))
    assert isinstance(pieces, tuple) and len(pieces) == len(expected)
    for p, e in zip(pieces, expected):
        assert_values(p, e)


@pytest.mark.parametrize("name,fn,ref", MULTI, ids=[m[0] for m in MULTI])
def test_split_like_grads(device, name, fn, ref):
    x = rand64(*SHAPE, device=device, seed=3)
    check_grads(fn, (x,), second_order=name not in _FIRST_ORDER)


@pytest.mark.parametrize("pick", [0, -1])
def test_unused_pieces_get_zero_grad(device, pick):
    x = rand64(3, 4, device=device, seed=4)
    for pieces in (lambda x: x.chunk(2, 1), lambda x: x.unbind(0), lambda x: x.split([1, 3], 1)):
        x.grad = None
        (2 * pieces(x)[pick]).sum().backward()
        g = np.zeros((3, 4))
        idx = np.arange(12).reshape(3, 4)
        chosen = host(pieces(gk.tensor(idx, device=device))[pick]).reshape(-1)
        g.reshape(-1)[chosen] = 2.0
        assert_values(x.grad, g)


def test_matrix_transposes(device):
    m = rand64(3, 4, device=device, seed=5)
    for fn in (lambda m: m.t(), lambda m: gk.t(m), lambda m: m.T, lambda m: m.mT):
        assert_values(fn(m), host(m).T)
        check_grads(fn, (m,))
    v = rand64(3, device=device, seed=6)
    assert_values(v.t(), host(v))
    assert_values(v.T, host(v))
    with pytest.raises(RuntimeError, match="t\\(\\) expects a tensor with <= 2 dimensions"):
        rand64(2, 3, 4, device=device).t()
    with pytest.raises(RuntimeError, match="mT is only supported on matrices"):
        v.mT


# --------------------------------------------------------------------------- joins
JOINS = [
    ("cat dim 1", lambda a, b: gk.cat([a, b], 1), lambda a, b: np.concatenate([a, b], 1), (2, 3), (2, 2)),
    ("cat dim -2", lambda a, b: gk.cat((a, b), dim=-2), lambda a, b: np.concatenate([a, b], 0), (2, 3), (1, 3)),
    ("concat axis 0", lambda a, b: gk.concat([a, b], axis=0), lambda a, b: np.concatenate([a, b], 0), (2, 3), (2, 3)),
    ("cat three", lambda a, b: gk.cat([a, b, a], 0), lambda a, b: np.concatenate([a, b, a], 0), (1, 3), (2, 3)),
    ("stack", lambda a, b: gk.stack([a, b]), lambda a, b: np.stack([a, b]), (2, 3), (2, 3)),
    ("stack dim 1", lambda a, b: gk.stack([a, b], 1), lambda a, b: np.stack([a, b], 1), (2, 3), (2, 3)),
    ("stack dim -1", lambda a, b: gk.stack((a, b), dim=-1), lambda a, b: np.stack([a, b], -1), (2, 3), (2, 3)),
    ("hstack", lambda a, b: gk.hstack([a, b]), lambda a, b: np.hstack([a, b]), (2, 3), (2, 1)),
    ("vstack", lambda a, b: gk.vstack([a, b]), lambda a, b: np.vstack([a, b]), (3,), (2, 3)),
    ("cat with empty 1-D", lambda a, b: gk.cat([a, gk.zeros(0, dtype=gk.float64, device=a.device), b]),
     lambda a, b: np.concatenate([a, b]), (3,), (2,)),
]


@pytest.mark.parametrize("name,fn,ref,sa,sb", JOINS, ids=[j[0] for j in JOINS])
def test_joins(device, name, fn, ref, sa, sb):
    a = rand64(*sa, device=device, seed=7)
    b = rand64(*sb, device=device, seed=8)
    assert_values(fn(a, b), ref(host(a), host(b)))
    check_grads(fn, (a, b))


def test_cat_promotes_and_keeps_grad_of_the_float_input(device):
    a = gk.tensor([1, 2], device=device)
    b = const([0.5], device, requires_grad=True)
    out = gk.cat([a, b])
    assert out.dtype == gk.float64
    assert_values(out, [1.0, 2.0, 0.5])
    out.sum().backward()
    assert_values(b.grad, [1.0])


def test_join_errors(device):
    a, b = gk.ones(2, 3, device=device), gk.ones(2, 2, device=device)
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 0"):
        gk.cat([a, b])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        gk.stack([a, b])
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        gk.cat([a, gk.ones(3, device=device)])
    with pytest.raises(RuntimeError, match="zero-dimensional tensor"):
        gk.cat([gk.tensor(1.0, device=device)])
    with pytest.raises(TypeError):
        gk.cat(a)


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize("call,exc,match", [
    (lambda x: x.reshape(5, -1), RuntimeError, "is invalid for input of size 24"),
    (lambda x: x.view(-1, -1), RuntimeError, "only one dimension can be inferred"),
    (lambda x: x.permute(0, 1), RuntimeError, "number of dimensions"),
    (lambda x: x.permute(0, 1, 1), RuntimeError, "duplicate dims"),
    (lambda x: x.expand(2, 5, 4), RuntimeError, "The expanded size of the tensor \\(5\\) must match"),
    (lambda x: x.expand(3, 4), RuntimeError, "must be greater or equal to the number of dimensions"),
    (lambda x: x.squeeze(3), IndexError, "Dimension out of range"),
    (lambda x: x.unsqueeze(4), IndexError, "Dimension out of range"),
    (lambda x: x.transpose(0, 3), IndexError, "Dimension out of range"),
    (lambda x: x.flatten(2, 1), RuntimeError, "start_dim cannot come after end_dim"),
    (lambda x: x.split([1, 1], 1), RuntimeError, "split_with_sizes expects split_sizes to sum exactly to 3"),
    (lambda x: x.chunk(0), RuntimeError, "chunk expects `chunks` to be greater than 0"),
    (lambda x: x.narrow(1, 2, 2), RuntimeError, "exceeds dimension size"),
    (lambda x: x.repeat(2, 2), RuntimeError, "can not be smaller than number of dimensions"),
    (lambda x: x.unflatten(2, (3, -1)), RuntimeError,
     "unflatten: Provided sizes \\[3, -1\\] don't multiply up to the size of dim 2 \\(4\\)"),
])
def test_shape_errors(device, call, exc, match):
    x = gk.zeros(*SHAPE, device=device)
    with pytest.raises(exc, match=match):
        call(x)


# --------------------------------------------------------------------------- shapes and views
def test_size_and_shape(device):
    x = gk.zeros(*SHAPE, device=device)
    assert x.shape == (2, 3, 4) and isinstance(x.shape, gk.Size)
    assert x.reshape(-1, 4).shape == (6, 4)
    assert x.size(1) == 3 and x.size(-1) == 4 and x.size() == (2, 3, 4)
    assert x.mT.shape == (2, 4, 3) and x.dim() == 3 and x.numel() == 24
    assert x.expand(5, 2, 3, 4).shape == (5, 2, 3, 4)
    assert gk.broadcast_shapes((2, 1), (3,)) == (2, 3)
    a, b = gk.broadcast_tensors(gk.zeros(2, 1, device=device), gk.zeros(3, device=device))
    assert a.shape == b.shape == (2, 3)


VIEWS = [
    ("view", lambda x: x.view(-1)), ("reshape", lambda x: x.reshape(4, 3)), ("transpose", lambda x: x.t()),
    ("permute", lambda x: x.permute(1, 0)), ("unsqueeze", lambda x: x.unsqueeze(0)),
    ("squeeze", lambda x: x.unsqueeze(0).squeeze(0)), ("flatten", lambda x: x.flatten()),
    ("expand", lambda x: x.unsqueeze(0).expand(2, 3, 4)), ("basic index", lambda x: x[1:, ::2]),
    ("narrow", lambda x: x.narrow(1, 1, 2)), ("split", lambda x: x.split(2, 1)[1]),
    ("unbind", lambda x: x.unbind(0)[2]), ("detach", lambda x: x.detach()),
]


@pytest.mark.parametrize("name,make", VIEWS, ids=[v[0] for v in VIEWS])
def test_views_share_version_counter_with_base(device, name, make):
    x = gk.zeros(3, 4, device=device)
    v = make(x)
    before = v._version_number
    x.add_(1.0)
    assert v._version_number == x._version_number > before


@pytest.mark.parametrize("name,make", [v for v in VIEWS if v[0] in
                                       ("view", "reshape", "transpose", "basic index", "narrow", "unbind")],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_write_through_view_reaches_base(device, name, make):
    x = gk.zeros(3, 4, device=device)
    v = make(x)
    v.fill_(5.0)
    expected = np.zeros((3, 4))
    expected_view = make(gk.tensor(np.arange(12.0).reshape(3, 4), device=device))
    expected.reshape(-1)[host(expected_view).astype(int).reshape(-1)] = 5.0
    assert_values(x, expected.astype(np.float32))


def test_clone_does_not_share(device):
    x = gk.zeros(2, 2, device=device)
    c = x.clone()
    c.fill_(1.0)
    assert_values(x, np.zeros((2, 2), dtype=np.float32))
    assert c._version is not x._version and c._base is None


def test_expand_grad_sums_over_broadcast_dims(device):
    x = const([[1.0], [2.0]], device, requires_grad=True)
    (g,) = grads_of(lambda x: x.expand(2, 3) * const([1.0, 2.0, 3.0], device), x)
    assert_values(g, [[6.0], [6.0]])


def test_unbind_and_iteration_record_one_unbind_node(device):
    # as PyTorch: unbind's pieces, and a tensor's rows when iterated, share one UnbindBackward0
    x = rand64(3, 4, device=device, seed=5).requires_grad_()
    y = x * 2
    for pieces in (y.unbind(0), gk.unbind(y), list(y), tuple(iter(y))):
        assert [p.grad_fn.name() for p in pieces] == ["UnbindBackward0"] * 3
        assert len({id(p.grad_fn) for p in pieces}) == 1
        assert pieces[0].grad_fn.next_functions[0][0] is y.grad_fn
    rows = list(y)
    (rows[0] * 3 + rows[2]).sum().backward()
    assert_values(x.grad, np.array([[6.0] * 4, [0.0] * 4, [2.0] * 4]))
    assert gk.zeros(0, 2, device=device).unbind(0) == () and list(gk.zeros(0, 2, device=device)) == []
