"""Indexing: reads (basic and advanced, with gradients that accumulate over duplicate
indices), writes (in place, keeping id(), recorded when gradients flow), and the index ops
(index_select, gather, masked_fill, take, ...). Values against NumPy (or PyTorch's rule where
it differs from NumPy), float64 gradcheck + gradgradcheck on every device."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values, const

# Index ops whose backward is not itself differentiable, with the reason. None: getitem's
# backward is IndexAdd (a scatter-add), whose backward is getitem again.
FIRST_ORDER_ONLY: list[tuple[str, str]] = []
_FIRST_ORDER = {name for name, _ in FIRST_ORDER_ONLY}

SHAPE = (3, 4, 2)
_BASE = np.random.default_rng(0).uniform(-1, 1, SHAPE)
MASK_3x4 = np.array([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 1]], dtype=bool)
MASK_FULL = _BASE > 0


def L(values, device):
    return gk.tensor(values, dtype=gk.int64, device=device)


def B(values, device):
    return gk.tensor(np.asarray(values).tolist(), dtype=gk.bool, device=device)


# (id, key builder for a device, NumPy reference of the (3, 4, 2) host array)
KEYS = [
    ("int", lambda d: 1, lambda a: a[1]),
    ("negative int", lambda d: -1, lambda a: a[-1]),
    ("ints", lambda d: (1, -2), lambda a: a[1, -2]),
    ("all ints", lambda d: (0, 1, 1), lambda a: a[0, 1, 1]),
    ("slice", lambda d: slice(1, None), lambda a: a[1:]),
    ("slices with step", lambda d: (slice(None, None, 2), slice(1, 3)), lambda a: a[::2, 1:3]),
    ("negative slice", lambda d: (slice(-2, None), -1), lambda a: a[-2:, -1]),
    ("None", lambda d: (None, 1), lambda a: a[None, 1]),
    ("None in the middle", lambda d: (slice(None), None, 0), lambda a: a[:, None, 0]),
    ("Ellipsis", lambda d: (Ellipsis, 1), lambda a: a[..., 1]),
    ("Ellipsis in the middle", lambda d: (0, Ellipsis, 1), lambda a: a[0, ..., 1]),
    ("Ellipsis and None", lambda d: (Ellipsis, None), lambda a: a[..., None]),
    ("int tensor", lambda d: L([0, 2, 0], d), lambda a: a[[0, 2, 0]]),
    ("2-D int tensor", lambda d: L([[0, 1], [2, 2]], d), lambda a: a[np.array([[0, 1], [2, 2]])]),
    ("negative int tensor", lambda d: L([-1, -3], d), lambda a: a[[-1, -3]]),
    ("list", lambda d: [0, 2, 2], lambda a: a[[0, 2, 2]]),
    ("range", lambda d: range(1, 3), lambda a: a[1:3]),
    ("range on dim 1", lambda d: (slice(None), range(0, 4, 2)), lambda a: a[:, [0, 2]]),
    ("bool mask dim 0", lambda d: B([True, False, True], d), lambda a: a[[0, 2]]),
    ("bool list", lambda d: [True, False, True], lambda a: a[[0, 2]]),
    ("2-D bool mask", lambda d: B(MASK_3x4, d), lambda a: a[MASK_3x4]),
    ("full bool mask", lambda d: B(MASK_FULL, d), lambda a: a[MASK_FULL]),
    ("mask after slice", lambda d: (slice(None), B([True, False, True, False], d)), lambda a: a[:, [0, 2]]),
    ("x[[0,1], y]", lambda d: ([0, 1], L([2, 3], d)), lambda a: a[[0, 1], [2, 3]]),
    ("x[:, idx]", lambda d: (slice(None), L([3, 0, 3], d)), lambda a: a[:, [3, 0, 3]]),
    ("x[idx, :, idx2]", lambda d: (L([0, 2], d), slice(None), L([1, 1], d)), lambda a: a[[0, 2], :, [1, 1]]),
    ("x[idx, :, idx2] broadcast", lambda d: (L([[0], [2]], d), slice(None), L([1, 0, 1], d)),
     lambda a: a[np.array([[0], [2]]), :, np.array([1, 0, 1])]),
    ("adjacent arrays", lambda d: (slice(None), L([0, 1], d), L([1, 1], d)), lambda a: a[:, [0, 1], [1, 1]]),
    ("array then int", lambda d: (L([0, 1, 1], d), 2), lambda a: a[[0, 1, 1], 2]),
    # PyTorch applies ints first: x[1, :, idx] is x[1][:, idx] (NumPy would put idx's dim first)
    ("int, slice, array", lambda d: (1, slice(None), L([0, 0], d)), lambda a: a[1][:, [0, 0]]),
    ("int, slice, mask", lambda d: (1, slice(None), B([False, True], d)), lambda a: a[1][:, [1]]),
    ("None, int, array", lambda d: (None, 1, L([0, 2], d)), lambda a: a[None, 1][:, [0, 2]]),
    ("array, int, array", lambda d: (L([0, 2], d), 1, L([1, 0], d)), lambda a: a[:, 1][[0, 2], [1, 0]]),
    ("duplicates", lambda d: (L([1, 1, 1], d),), lambda a: a[[1, 1, 1]]),
    ("None before array", lambda d: (None, L([0, 0], d), slice(None)), lambda a: a[None, [0, 0], :]),
    ("Ellipsis then array", lambda d: (Ellipsis, L([1, 1, 0], d)), lambda a: a[..., [1, 1, 0]]),
    ("mask and int", lambda d: (B([True, False, True], d), 1), lambda a: a[[0, 2], 1]),
    ("mask and array", lambda d: (B([True, False, True], d), L([3, 3], d)), lambda a: a[[0, 2], [3, 3]]),
    ("0-d int tensor", lambda d: L(2, d), lambda a: a[2]),
    ("empty index", lambda d: L([], d), lambda a: a[np.array([], dtype=np.int64)]),
    ("all-false mask", lambda d: B([False, False, False], d), lambda a: a[np.zeros(3, dtype=bool)]),
]
KEY_IDS = [k[0] for k in KEYS]


@pytest.mark.parametrize("name,key,ref", KEYS, ids=KEY_IDS)
def test_getitem_values(device, name, key, ref):
    x = const(_BASE, device)
    out = x[key(device)]
    assert_values(out, ref(_BASE))


@pytest.mark.parametrize("name,key,ref", KEYS, ids=KEY_IDS)
def test_getitem_grads(device, name, key, ref):
    x = const(_BASE, device, requires_grad=True)
    k = key(device)
    if 0 in ref(_BASE).shape:  # nothing selected: the gradient is all zeros
        x[k].sum().backward()
        assert_values(x.grad, np.zeros(SHAPE))
        return
    check_grads(lambda x: x[k], (x,), second_order=name not in _FIRST_ORDER)


def _np_index_add_grad(key_ref, weight_shape_ref):
    """The gradient of sum(x[key] * w) by NumPy: w scatter-added at the key."""
    idx = np.arange(np.prod(SHAPE)).reshape(SHAPE)
    picked = key_ref(idx)
    w = (np.arange(picked.size).reshape(picked.shape) % 5) - 2.0
    g = np.zeros(np.prod(SHAPE))
    np.add.at(g, picked.reshape(-1), w.reshape(-1))
    return w, g.reshape(SHAPE)


@pytest.mark.parametrize("name,key,ref", KEYS, ids=KEY_IDS)
def test_getitem_grad_accumulates_duplicates(device, name, key, ref):
    """The exact gradient of sum(x[key] * w): duplicates add up (a fancy-index += would not)."""
    w, expected = _np_index_add_grad(ref, None)
    x = const(_BASE, device, requires_grad=True)
    (x[key(device)] * const(w, device)).sum().backward()
    assert_values(x.grad, expected)


def test_duplicate_indices_accumulate_explicitly(device):
    x = const(np.zeros((3, 2)), device, requires_grad=True)
    x[[1, 1, 1]].sum().backward()
    assert_values(x.grad, [[0, 0], [3, 3], [0, 0]])
    x.grad = None
    x[L([0, 0, 2], device), L([1, 1, 0], device)].sum().backward()
    assert_values(x.grad, [[0, 2], [0, 0], [1, 0]])
    x.grad = None
    x[:, [1, 1]].sum().backward()
    assert_values(x.grad, [[0, 2], [0, 2], [0, 2]])


def test_basic_index_is_a_view_advanced_is_a_copy(device):
    x = gk.zeros(3, 4, device=device)
    x[1].fill_(1.0)
    x[:, 2].fill_(2.0)
    assert_values(x, [[0, 0, 2, 0], [1, 1, 2, 1], [0, 0, 2, 0]])
    x[[0]].fill_(9.0)  # advanced: a copy
    x[x > 5].fill_(9.0)
    assert host(x).max() == 2.0
    v = x[0, 1]
    v.fill_(5.0)  # a 0-d view writes through too
    assert host(x)[0, 1] == 5.0


@pytest.mark.parametrize("key,exc,match", [
    (lambda d: 3, IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
    (lambda d: (0, -5), IndexError, "index -5 is out of bounds for dimension 1 with size 4"),
    (lambda d: L([0, 7], d), IndexError, "index 7 is out of bounds for dimension 0 with size 3"),
    (lambda d: (slice(None), [4]), IndexError, "out of bounds for dimension 1 with size 4"),
    (lambda d: (0, 0, 0, 0), IndexError, "too many indices"),
    (lambda d: const([0.0], d), IndexError, "tensors used as indices must be long, int, byte or bool"),
    (lambda d: B([True, False], d), IndexError, "The shape of the mask"),
    (lambda d: (Ellipsis, 0, Ellipsis), IndexError, "single ellipsis"),
])
def test_getitem_errors(device, key, exc, match):
    x = gk.zeros(*SHAPE, device=device)
    with pytest.raises(exc, match=match):
        x[key(device)]


# --------------------------------------------------------------------------- writes
WRITES = [
    ("X[1,2]=9", lambda x, d: x.__setitem__((1, 2), 9), lambda a: a.__setitem__((1, 2), 9)),
    ("X[0:2,:]=12", lambda x, d: x.__setitem__((slice(0, 2), slice(None)), 12),
     lambda a: a.__setitem__(slice(0, 2), 12)),
    ("X[:]=X+1", lambda x, d: x.__setitem__(slice(None), x + 1), lambda a: a.__setitem__(slice(None), a + 1)),
    ("X[mask]=0", lambda x, d: x.__setitem__(x > 0, 0.0), lambda a: a.__setitem__(a > 0, 0.0)),
    ("X[idx,idx2]=v", lambda x, d: x.__setitem__((L([0, 2], d), L([1, 3], d)), const([5.0, 6.0], d)),
     lambda a: a.__setitem__(([0, 2], [1, 3]), [5.0, 6.0])),
    ("X[:,idx]=column", lambda x, d: x.__setitem__((slice(None), L([1, 3], d)), const([[5.0], [6.0], [7.0]], d)),
     lambda a: a.__setitem__((slice(None), [1, 3]), [[5.0], [6.0], [7.0]])),
    ("X[list]=s", lambda x, d: x.__setitem__([0, 2], 3.0), lambda a: a.__setitem__([0, 2], 3.0)),
    ("X[1]=row", lambda x, d: x.__setitem__(1, const([1.0, 2.0, 3.0, 4.0], d)),
     lambda a: a.__setitem__(1, [1.0, 2.0, 3.0, 4.0])),
    ("X[...,0]=-1", lambda x, d: x.__setitem__((Ellipsis, 0), -1), lambda a: a.__setitem__((Ellipsis, 0), -1)),
    ("X[None,0]=-1", lambda x, d: x.__setitem__((None, 0), -1), lambda a: a.__setitem__(0, -1)),
    ("X[0]=int tensor", lambda x, d: x.__setitem__(0, gk.tensor([1, 2, 3, 4], device=d)),
     lambda a: a.__setitem__(0, [1, 2, 3, 4])),
    ("X[1,idx]=v", lambda x, d: x.__setitem__((1, L([0, 3], d)), const([8.0, 9.0], d)),
     lambda a: a.__setitem__((1, [0, 3]), [8.0, 9.0])),
    ("X[2-D mask]=v", lambda x, d: x.__setitem__(B(MASK_3x4, d), const(2.0, d)),
     lambda a: a.__setitem__(MASK_3x4, 2.0)),
    ("X+=Y", lambda x, d: x.__iadd__(x * 2), lambda a: a.__iadd__(a * 2)),
    ("X-=1", lambda x, d: x.__isub__(1), lambda a: a.__isub__(1)),
    ("X*=row", lambda x, d: x.__imul__(const([1.0, 2.0, 3.0, 4.0], d)), lambda a: a.__imul__([1.0, 2.0, 3.0, 4.0])),
    ("X/=2", lambda x, d: x.__itruediv__(2), lambda a: a.__itruediv__(2)),
    ("X[:,0]+=1", lambda x, d: x.__setitem__((slice(None), 0), x[:, 0].__iadd__(1.0)),
     lambda a: a.__setitem__((slice(None), 0), a[:, 0] + 1.0)),
]


@pytest.mark.parametrize("name,write,ref", WRITES, ids=[w[0] for w in WRITES])
def test_writes_keep_identity(device, name, write, ref):
    start = _BASE.reshape(4, 3, 2)[:, :, 0].T.copy()  # a (3, 4) block
    x = const(start, device)
    expected = start.copy()
    ref(expected)
    ident, version = id(x), x._version_number
    write(x, device)
    assert id(x) == ident and x._version_number > version
    assert x.dtype == gk.float64
    assert_values(x, expected)


def test_d2l_memory_saving_writes_keep_identity(device):
    """D2L 2.1.6: Z[:] = X + Y and X += Y write into the existing tensors."""
    X = gk.arange(12, dtype=gk.float32, device=device).reshape(3, 4)
    Y = gk.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]], device=device)
    Z = gk.zeros_like(Y)
    before = id(Z)
    Z[:] = X + Y
    assert id(Z) == before
    assert_values(Z, host(X) + host(Y))
    before = id(X)
    X += Y
    assert id(X) == before
    assert_values(X, host(Z))
    X[1, 2] = 9
    X[0:2, :] = 12
    assert_values(X, [[12] * 4, [12] * 4, list(host(Z)[2])])


def test_writes_into_integer_tensor(device):
    # torch 2.13: ints, slices and masks cast the value (copy_); an integer-array key
    # (index_put_) refuses a float source
    t = gk.tensor([1, 2, 3], device=device)
    t[0] = 2.7  # truncated toward zero, as in PyTorch
    t[1:] = gk.tensor([7, 8], device=device)
    assert_values(t, [2, 7, 8], dtype=gk.int64)
    t[0] = const(5.5, device)
    t[1:2] = const([6.9], device)
    t[B([False, False, True], device)] = const(-1.5, device)
    assert_values(t, [5, 6, -1], dtype=gk.int64)
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
        t[[0]] = const([1.5], device)


def test_write_drops_leading_unit_dims_of_value(device):
    # torch 2.13: x[0] = tensor([[5.]]) works for x of shape (3, 1)
    x = gk.zeros(3, 1, dtype=gk.float64, device=device)
    x[0] = const([[5.0]], device)
    x[1:] = gk.ones(1, 2, 1, dtype=gk.float64, device=device)
    assert_values(x, [[5.0], [1.0], [1.0]])
    v = const([2.0], device, requires_grad=True)
    y = gk.zeros(3, dtype=gk.float64, device=device)
    y[1] = v * 3
    y.sum().backward()
    assert_values(v.grad, [3.0])


def test_write_shape_mismatch(device):
    x = gk.zeros(3, 4, device=device)
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[0] = gk.ones(3, device=device)


def test_write_into_leaf_requiring_grad_raises(device):
    x = rand64(3, 4, device=device)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x[0] = 1.0
    with gk.no_grad():
        x[0] = 1.0
    assert_values(x[0], np.ones(4))


# setitem on a non-leaf: gradient flows to the old tensor (zero where overwritten) and the value
SETITEM_GRAD = [
    ("int", lambda d: 1, (4,)),
    ("int pair", lambda d: (1, 2), ()),
    ("slice", lambda d: (slice(0, 2), slice(None)), (2, 4)),
    ("column broadcast", lambda d: (slice(None), 1), (1,)),
    ("array pair", lambda d: (L([0, 2], d), L([1, 3], d)), (2,)),
    ("x[:, idx]", lambda d: (slice(None), L([3, 0], d)), (3, 2)),
    ("bool mask", lambda d: B(MASK_3x4, d), (8,)),
    ("mask broadcast value", lambda d: B(MASK_3x4, d), ()),
    ("Ellipsis", lambda d: (Ellipsis, 0), (3,)),
    # (no duplicate indices in writes: which write wins is unspecified, and the value's
    # gradient, as PyTorch computes it, counts each duplicate)
    ("int, slice, array", lambda d: (1, slice(None), L([1, 0], d)), (), (3, 4, 2)),
]


@pytest.mark.parametrize("name,key,vshape,ashape", [s if len(s) == 4 else s + ((3, 4),) for s in SETITEM_GRAD],
                         ids=[s[0] for s in SETITEM_GRAD])
def test_setitem_on_nonleaf_grads(device, name, key, vshape, ashape):
    a = rand64(*ashape, device=device, seed=1)
    v = rand64(*vshape, device=device, seed=2)
    k = key(device)

    def f(a, v):
        y = a * 2.0
        ident = id(y)
        y[k] = v * 1.5
        assert id(y) == ident and y.grad_fn is not None
        return y * a  # a is used again after the write

    expected = 2.0 * host(a)
    expected[tuple(host(t) if isinstance(t, gk.Tensor) else t for t in (k if isinstance(k, tuple) else (k,)))] = \
        1.5 * host(v)
    assert_values(f(a, v), expected * host(a))
    check_grads(f, (a, v))


def test_setitem_nonleaf_with_constant_value_zeroes_grad(device):
    a = const(np.ones((2, 3)), device, requires_grad=True)
    y = a * 3.0
    y[0, 1] = 5.0
    y[1] = 0.0
    y.sum().backward()
    assert_values(a.grad, [[3.0, 0.0, 3.0], [0.0, 0.0, 0.0]])


def test_value_requiring_grad_written_into_plain_tensor(device):
    """x does not require grad but the value does: x joins the graph (torch: CopySlices)."""
    v = const([1.0, 2.0], device, requires_grad=True)
    x = gk.zeros(3, 2, dtype=gk.float64, device=device)
    x[1] = v * 3
    assert x.requires_grad and not x.is_leaf
    (x * const([[1.0, 1.0], [2.0, 5.0], [1.0, 1.0]], device)).sum().backward()
    assert_values(v.grad, [6.0, 15.0])


def test_inplace_add_through_index_on_nonleaf(device):
    """y[:, 0] += b (getitem, iadd on the view, setitem) gives both y's input and b their grads."""
    a = rand64(3, 4, device=device, seed=3)
    b = rand64(3, device=device, seed=4)

    def f(a, b):
        y = a * 1.0
        y[:, 0] += b
        return y

    expected = host(a).copy()
    expected[:, 0] += host(b)
    assert_values(f(a, b), expected)
    check_grads(f, (a, b))


def test_write_through_view_of_nonleaf(device):
    """v = y[1]; v[2] = w: y's history records the write (torch: CopySlices), so a gets no
    gradient at [1, 2] and w gets it instead."""
    a = const(np.arange(12.0).reshape(3, 4) / 10, device, requires_grad=True)
    w = const(1.0, device, requires_grad=True)
    y = a * 1.0
    v = y[1]
    v[2] = w * 100.0
    assert host(y)[1, 2] == 100.0
    weight = const(np.arange(12.0).reshape(3, 4), device)
    (y * weight).sum().backward()
    expected = np.arange(12.0).reshape(3, 4)
    expected[1, 2] = 0.0
    assert_values(a.grad, expected)
    assert_values(w.grad, 600.0)


def test_saved_tensor_modified_by_setitem_raises(device):
    a = rand64(2, 3, device=device)
    y = a * 1.0
    z = y.exp()  # exp saves its output, sin saves its input
    s = y.sin()
    y[0, 0] = 1.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        s.sum().backward()
    assert z.requires_grad


# --------------------------------------------------------------------------- index ops
INDEX_OPS = [
    ("index_select dim 1 dups", lambda x, d: x.index_select(1, L([3, 0, 3], d)),
     lambda a: a[:, [3, 0, 3]]),
    ("index_select dim -1", lambda x, d: gk.index_select(x, -1, L([1], d)), lambda a: a[..., [1]]),
    ("index_select dim 0", lambda x, d: x.index_select(0, L([2, 2, 1], d)), lambda a: a[[2, 2, 1]]),
    ("gather dim 1", lambda x, d: x[:, :, 0].gather(1, L([[0, 0], [1, 3], [2, 2]], d)),
     lambda a: np.take_along_axis(a[:, :, 0], np.array([[0, 0], [1, 3], [2, 2]]), 1)),
    ("gather dim 0", lambda x, d: gk.gather(x[:, :, 1], 0, L([[0, 1, 2, 2], [0, 0, 0, 0]], d)),
     lambda a: np.take_along_axis(a[:, :, 1], np.array([[0, 1, 2, 2], [0, 0, 0, 0]]), 0)),
    ("gather 3-D dim -1", lambda x, d: x.gather(-1, L(np.zeros((3, 4, 2), dtype=int).tolist(), d)),
     lambda a: np.take_along_axis(a, np.zeros((3, 4, 2), dtype=int), -1)),
    ("take", lambda x, d: x.take(L([0, 23, 0, 5], d)), lambda a: a.reshape(-1)[[0, 23, 0, 5]]),
    ("take 2-D negative", lambda x, d: gk.take(x, L([[0, 11], [0, -1]], d)),
     lambda a: a.reshape(-1)[np.array([[0, 11], [0, -1]])]),
    ("take_along_dim", lambda x, d: gk.take_along_dim(x[:, :, 0], L([[0], [1], [3]], d), 1),
     lambda a: np.take_along_axis(a[:, :, 0], np.array([[0], [1], [3]]), 1)),
    ("masked_select", lambda x, d: x.masked_select(B(MASK_FULL, d)), lambda a: a[MASK_FULL]),
    ("masked_select broadcast", lambda x, d: gk.masked_select(x, B([False, True], d)),
     lambda a: a[:, :, [1]].reshape(-1)),
    ("masked_fill scalar", lambda x, d: x.masked_fill(B(MASK_FULL, d), 0.5), lambda a: np.where(MASK_FULL, 0.5, a)),
    ("masked_fill broadcast mask", lambda x, d: gk.masked_fill(x, B([True, False], d), -1.0),
     lambda a: np.where([True, False], -1.0, a)),
]


@pytest.mark.parametrize("name,fn,ref", INDEX_OPS, ids=[i[0] for i in INDEX_OPS])
def test_index_op_values(device, name, fn, ref):
    x = const(_BASE, device)
    assert_values(fn(x, device), ref(_BASE))


@pytest.mark.parametrize("name,fn,ref", INDEX_OPS, ids=[i[0] for i in INDEX_OPS])
def test_index_op_grads(device, name, fn, ref):
    x = const(_BASE, device, requires_grad=True)
    check_grads(lambda x: fn(x, device), (x,))


def test_masked_fill_with_tensor_value_gets_grad(device):
    x = rand64(2, 3, device=device, seed=5)
    v = rand64(device=device, seed=6)
    mask = B([[True, False, True], [False, False, True]], device)
    out = x.masked_fill(mask, v)
    assert_values(out, np.where(host(mask), host(v), host(x)))
    check_grads(lambda x, v: x.masked_fill(mask, v), (x, v))
    with pytest.raises(RuntimeError, match="0-dimensional value tensor"):
        x.masked_fill(mask, rand64(2, device=device))
    with pytest.raises(RuntimeError, match="only supports boolean masks"):
        x.masked_fill(gk.tensor([1, 0, 1], device=device), 0.0)


def test_masked_fill_keeps_integer_dtype(device):
    out = gk.tensor([1, 2, 3], device=device).masked_fill(B([True, False, True], device), 7)
    assert_values(out, [7, 2, 7], dtype=gk.int64)


def test_masked_fill_inplace_on_nonleaf(device):
    x = rand64(2, 3, device=device, seed=7)
    mask = B([[True, False, True], [False, False, True]], device)

    def f(x):
        y = x * 2.0
        y.masked_fill_(mask, 0.25)
        return y

    assert_values(f(x), np.where(host(mask), 0.25, 2 * host(x)))
    check_grads(f, (x,))


def test_scatter_add_grads(device):
    x = rand64(3, 4, device=device, seed=8)
    src = rand64(2, 4, device=device, seed=9)
    index = L([[0, 1, 0, 0], [0, 0, 2, 0]], device)
    out = x.scatter_add(0, index, src)
    expected = host(x).copy()
    for i in range(2):
        for j in range(4):
            expected[host(index)[i, j], j] += host(src)[i, j]
    assert_values(out, expected)
    check_grads(lambda x, s: x.scatter_add(0, index, s), (x, src))


def test_index_op_errors(device):
    x = gk.zeros(3, 4, device=device)
    with pytest.raises(RuntimeError, match="Expected dtype int32 or int64 for index"):
        x.index_select(0, const([0.0], device))
    with pytest.raises(IndexError, match="Index is supposed to be a vector"):
        x.index_select(0, L([[0]], device))
    with pytest.raises(RuntimeError, match="Index tensor must have the same number of dimensions"):
        x.gather(1, L([0, 1], device))
    with pytest.raises((RuntimeError, IndexError), match="out of bounds"):
        x.gather(1, L([[0], [4], [0]], device))
    with pytest.raises(IndexError, match="out of bounds"):
        x.take(L([12], device))


def test_nonzero_and_argwhere(device):
    x = gk.tensor([[0, 1, 0], [2, 0, 3]], device=device)
    assert_values(gk.nonzero(x), [[0, 1], [1, 0], [1, 2]], dtype=gk.int64)
    rows, cols = x.nonzero(as_tuple=True)
    assert_values(rows, [0, 1, 1])
    assert_values(cols, [1, 0, 2])
    assert_values(gk.argwhere(x), [[0, 1], [1, 0], [1, 2]])


def test_iteration_and_index_with_python_int_tensors(device):
    x = const(np.arange(6.0).reshape(3, 2), device)
    rows = list(x)
    assert len(rows) == 3 and all(r.shape == (2,) for r in rows)
    assert_values(rows[2], [4.0, 5.0])
    i = gk.tensor(1, device=device)
    assert_values(x[i], [2.0, 3.0])
    assert_values(x[[i, 2]], [[2.0, 3.0], [4.0, 5.0]])


def test_fill_diagonal_matches_pytorch(device):
    """Recorded from PyTorch 2.13: the plain, wrapped-tall, cube and transposed cases, and errors."""
    x = gk.zeros(7, 3, device=device)
    assert x.fill_diagonal_(5, wrap=True) is x
    assert x.tolist() == [[5, 0, 0], [0, 5, 0], [0, 0, 5], [0, 0, 0], [5, 0, 0], [0, 5, 0], [0, 0, 5]]
    assert gk.zeros(7, 3, device=device).fill_diagonal_(5).tolist()[3:] == [[0, 0, 0]] * 4
    assert gk.zeros(2, 2, 2, device=device).fill_diagonal_(1).flatten().tolist() == [1, 0, 0, 0, 0, 0, 0, 1]
    t = gk.zeros(4, 6, device=device).t().fill_diagonal_(3)
    assert t.tolist() == [[3, 0, 0, 0], [0, 3, 0, 0], [0, 0, 3, 0], [0, 0, 0, 3]] + [[0] * 4] * 2
    with pytest.raises(RuntimeError, match="dimensions must larger than 1"):
        gk.zeros(3, device=device).fill_diagonal_(1)
    with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
        gk.zeros(2, 3, 3, device=device).fill_diagonal_(1)


def test_fill_diagonal_gradients(device):
    check_grads(lambda a: (a * 1.0).fill_diagonal_(2.5), [rand64(3, 4, device=device)])


def test_full_converts_a_float_fill_as_pytorch(device):
    """bool takes the value's truth (so -inf is True: the causal-mask check builds a bool mask
    this way); an integer dtype refuses an infinite value."""
    assert gk.full((2,), float("-inf"), dtype=gk.bool, device=device).tolist() == [True, True]
    assert gk.full((2,), 0.0, dtype=gk.bool, device=device).tolist() == [False, False]
    assert gk.full((2,), 2.7, dtype=gk.int32, device=device).tolist() == [2, 2]
    with pytest.raises(RuntimeError, match="value cannot be converted to type int64_t without overflow"):
        gk.full((2,), float("inf"), dtype=gk.int64, device=device)


def test_numpy_row_gradient_sums_repeated_rows_as_add_at():
    """The gradient of x[rows] for whole rows (an embedding's) sums runs of sorted rows on
    NumPy; negative, repeated and multi-dimensional row indices land as np.add.at puts them."""
    from gradkit.backends import get_backend
    from gradkit.backends.kernels.indexing import add_at

    backend = get_backend("cpu")
    rng = np.random.default_rng(0)
    for key in (rng.integers(-7, 7, 300), rng.integers(0, 7, (6, 50)), np.array([3]), np.array([-1, 6, 6]),
                (rng.integers(0, 7, 40),)):
        rows = key[0] if isinstance(key, tuple) else key
        values = rng.standard_normal(rows.shape + (4, 5))
        expected = np.zeros((7, 4, 5))
        add_at(np, expected, key, values)
        np.testing.assert_allclose(backend.index_add((7, 4, 5), np.float64, None, key, values), expected,
                                   rtol=1e-12, atol=1e-12)


def test_large_masked_write_through_a_view(device):
    # D2L's sequence_mask: X[~mask] = value on a reshaped view of attention scores. The
    # portable kernel once compared every position with every write, a 160000 x 160000 table
    # here; it now sorts the writes
    scores = gk.zeros(16, 100, 100, device=device) + 1.0
    X = scores.reshape(-1, 100)
    mask = gk.arange(100, device=device)[None, :] < gk.tensor([3, 2] * 800, device=device)[:, None]
    X[~mask] = -1e6
    expected = np.full((1600, 100), -1e6, dtype=np.float32)
    expected[0::2, :3] = expected[1::2, :2] = 1.0
    assert_values(scores, expected.reshape(16, 100, 100))


def test_integer_array_writes_unsorted_and_last_write_wins(device):
    x = gk.zeros(6, device=device)
    x[gk.tensor([4, 0, 2], device=device)] = gk.tensor([1.0, 2.0, 3.0], device=device)
    assert_values(x, np.array([2.0, 0, 3.0, 0, 1.0, 0], dtype=np.float32))
    if device.startswith("cuda"):
        return  # which of several writes to one place wins is unspecified on a GPU, as in PyTorch
    y = gk.zeros(2, 3, device=device)
    y[gk.tensor([1, 0, 1], device=device)] = gk.tensor([[1.0] * 3, [2.0] * 3, [3.0] * 3], device=device)
    assert_values(y, np.array([[2.0] * 3, [3.0] * 3], dtype=np.float32))
