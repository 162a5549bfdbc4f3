"""The training step's fast paths give what the general code gives: the arithmetic
operators' shortcut (nodes, saved tensors, values), the fused cross-entropy node (the same
bits as log_softmax + nll_loss, forward, backward and double backward), the backward passes
on arrays when no graph is recorded, the backend kernels (relu, its gradient, axpy_,
matmul_nt) and the optimizer's in-place update."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
import gradkit.nn.functional as F
from gradkit.ops import arith as E
from helpers import assert_recording_matches_plain


def _np(t):
    return t.detach().cpu().numpy()


def _same_bits(a, b):
    a, b = _np(a), _np(b)
    return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True) and \
        np.array_equal(np.signbit(a), np.signbit(b))


@pytest.mark.parametrize("dtype", [gk.float32, gk.float64])
def test_operator_fast_path_matches_general_path(device, dtype):
    a = gk.randn(3, 4, dtype=dtype, device=device, requires_grad=True)
    b = gk.randn(4, dtype=dtype, device=device, requires_grad=True)
    cases = [
        (lambda: a + b, lambda: E.binary(E.Add, a, b)), (lambda: a - b, lambda: E.binary(E.Sub, a, b)),
        (lambda: a * b, lambda: E.binary(E.Mul, a, b)), (lambda: a / b, lambda: E.binary(E.Div, a, b)),
        (lambda: a * 3, lambda: E.binary(E.Mul, a, 3)), (lambda: 2.5 * a, lambda: E.binary(E.Mul, 2.5, a)),
        (lambda: a / 2.0, lambda: E.binary(E.Div, a, 2.0)), (lambda: 1.0 + a, lambda: E.binary(E.Add, 1.0, a)),
    ]
    for fast, general in cases:
        x, y = fast(), general()
        assert _same_bits(x, y)
        assert x.grad_fn.name() == y.grad_fn.name()
        assert x.grad_fn.saves_inputs == y.grad_fn.saves_inputs
        assert len(getattr(x.grad_fn, "_saved", ())) == len(getattr(y.grad_fn, "_saved", ()))
        assert [e is None for e in x.grad_fn.next_edges] == [e is None for e in y.grad_fn.next_edges]
        gx = gk.autograd.grad(x.sum(), (a, b), allow_unused=True)
        gy = gk.autograd.grad(y.sum(), (a, b), allow_unused=True)
        for p, q in zip(gx, gy):
            assert (p is None) == (q is None) and (p is None or _same_bits(p, q))


def test_operator_fast_path_keeps_errors_and_promotion():
    a = gk.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="must match the size"):
        a + gk.randn(4)
    assert (a * gk.ones(3, dtype=gk.float64)).dtype is gk.float64
    assert (gk.ones(3, dtype=gk.int64) * 2).dtype is gk.int64
    assert (gk.ones(3, dtype=gk.int64) / 2).dtype is gk.float32
    with gk.no_grad():
        assert (a * a).grad_fn is None


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore_index", [-100, 2])
@pytest.mark.parametrize("targets", [[0, 2, 4, 1, 2, 3], [0, -100, 4, 1, -100, 3]])
def test_fused_cross_entropy_matches_log_softmax_nll(device, reduction, ignore_index, targets):
    gk.manual_seed(0)
    x = gk.randn(6, 5, dtype=gk.float64, device=device, requires_grad=True)
    t = gk.tensor(targets, device=device)
    if device == "cpu" and any(v != ignore_index and not 0 <= v < 5 for v in targets):
        for loss in (lambda: F.cross_entropy(x, t, ignore_index=ignore_index),
                     lambda: F.nll_loss(F.log_softmax(x, 1), t, ignore_index=ignore_index)):
            with pytest.raises(IndexError, match="out of bounds"):
                loss()
        return
    fused = F.cross_entropy(x, t, reduction=reduction, ignore_index=ignore_index)
    assert fused.grad_fn.name() == "NllLossBackward0"
    composed = F.nll_loss(F.log_softmax(x, 1), t, reduction=reduction, ignore_index=ignore_index)
    assert _same_bits(fused, composed)
    g = gk.randn(*fused.shape, dtype=gk.float64, device=device) if reduction == "none" else None
    (ga,) = gk.autograd.grad(fused, x, g, retain_graph=True)
    (gb,) = gk.autograd.grad(composed, x, g, retain_graph=True)
    assert _same_bits(ga, gb)
    (ga,) = gk.autograd.grad(fused, x, g, create_graph=True)
    (gb,) = gk.autograd.grad(composed, x, g, create_graph=True)
    assert _same_bits(ga, gb)
    (ha,) = gk.autograd.grad((ga * ga).sum(), x)
    (hb,) = gk.autograd.grad((gb * gb).sum(), x)
    assert np.allclose(_np(ha), _np(hb), rtol=1e-12, atol=1e-15)


def test_fused_cross_entropy_gradchecks():
    x = gk.randn(4, 3, dtype=gk.float64, requires_grad=True)
    t = gk.tensor([0, 2, 1, 2])
    assert gk.autograd.gradcheck(lambda x: F.cross_entropy(x, t), (x,))
    assert_recording_matches_plain(lambda x: F.cross_entropy(x, t), (x,))
    assert gk.autograd.gradgradcheck(lambda x: F.cross_entropy(x, t), (x,))


def test_fused_cross_entropy_frees_and_refuses_a_second_backward():
    x = gk.randn(4, 3, requires_grad=True)
    loss = F.cross_entropy(x, gk.tensor([0, 2, 1, 2]))
    loss.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


@pytest.mark.parametrize("shape", [(4, 8), (64, 96)])  # below and above the bit trick's size threshold
def test_relu_and_linear_backward_on_arrays_match_the_recorded_ones(device, shape):
    gk.manual_seed(0)
    x = gk.randn(*shape, device=device, requires_grad=True)
    w = gk.randn(5, shape[1], device=device, requires_grad=True)
    b = gk.randn(5, device=device, requires_grad=True)
    g = gk.randn(shape[0], 5, device=device)
    out = F.linear(F.relu(x), w, b)
    plain = gk.autograd.grad(out, (x, w, b), g, retain_graph=True)
    recorded = gk.autograd.grad(out, (x, w, b), g, create_graph=True)
    for p, q in zip(plain, recorded):
        assert np.allclose(_np(p), _np(q), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layout", ["contiguous", "strided"])  # np.maximum where exact, else the bit trick
def test_numpy_relu_kernels_keep_nan_and_signed_zeros(layout):
    backend = gk.device("cpu").backend
    step = 1 if layout == "contiguous" else 2
    for dt in (np.float16, np.float32, np.float64):
        for n in (6, 1024, 1031):
            out_in = np.resize(np.array([-0.0, np.nan, 0.0, 2.0, -1.0, np.inf, -np.nan], dt), n * step)[::step]
            g = np.resize(np.array([np.inf, -3.0, np.nan, -2.0, -np.inf, 5.0, -0.0], dt), n * step)[::step]
            relu = backend.relu(out_in)
            ref = np.where(out_in < 0, np.zeros_like(out_in), out_in)
            assert relu.dtype == dt and np.array_equal(relu, ref, equal_nan=True)
            assert np.array_equal(np.signbit(relu), np.signbit(ref))
            back = backend.relu_backward(relu, g)
            ref = np.where(relu <= 0, np.zeros_like(g), g)
            assert back.dtype == dt and np.array_equal(back, ref, equal_nan=True)
            assert np.array_equal(np.signbit(back), np.signbit(ref))


@pytest.mark.parametrize("per_row", [False, True])
def test_numpy_row_kernels_match_the_portable_ones(per_row):
    from gradkit.backends import Backend

    backend = gk.device("cpu").backend
    rng = np.random.default_rng(0)
    a = rng.standard_normal((7, 5)).astype(np.float32)
    idx = rng.integers(0, 5, 7)
    v = rng.standard_normal(7).astype(np.float32) if per_row else np.float32(-0.25)
    assert np.array_equal(backend.take_rows(a, idx), Backend.take_rows(backend, a, idx))
    portable = Backend.add_rows(backend, a.copy(), idx, v)
    fast = backend.add_rows(a.copy(), idx, v)
    assert np.array_equal(fast.view(np.int32), portable.view(np.int32))


def _close_to_exact_axpy(got, y, alpha, x):
    """y + alpha * x rounded once (BLAS's fused multiply-add) or twice (NumPy's two passes):
    within the dtype's epsilon of the exact value, relative to the terms' size."""
    exact = y.astype(np.float64) + np.float64(x.dtype.type(alpha)) * x.astype(np.float64)
    bound = np.finfo(x.dtype).eps * (np.abs(y) + np.abs(alpha * x)).astype(np.float64)
    return bool(np.all(np.abs(got.astype(np.float64) - exact) <= bound))


def _without_blas(monkeypatch, blas):
    if not blas:  # as where NumPy brings no OpenBLAS: the scratch chunks
        from gradkit.backends import numpy_backend

        monkeypatch.setattr(numpy_backend, "axpy_for", lambda dtype: None)


@pytest.mark.parametrize("blas", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_axpy(dtype, blas, monkeypatch):
    _without_blas(monkeypatch, blas)
    backend = gk.device("cpu").backend
    rng = np.random.default_rng(0)
    # one NumPy expression, a BLAS call (or the scratch chunks), a read-only x, a strided y
    for n, readonly, strided in ((10, False, False), (200_000, False, False), (70_000, True, False),
                                 (70_000, False, True)):
        y = rng.standard_normal(2 * n if strided else n).astype(dtype)
        x = rng.standard_normal(n).astype(dtype)
        x.flags.writeable = not readonly
        target = y[::2] if strided else y
        before, untouched = target.copy(), y[1::2].copy() if strided else None
        backend.axpy_(target, -0.01, x)
        assert _close_to_exact_axpy(target, before, -0.01, x)
        if not blas:  # NumPy's two roundings, exactly
            assert np.array_equal(target, before + x * dtype(-0.01))
        if strided:
            assert np.array_equal(y[1::2], untouched)


@pytest.mark.parametrize("blas", [True, False])
def test_numpy_axpy_keeps_numpy_semantics_where_blas_would_not(blas, monkeypatch):
    _without_blas(monkeypatch, blas)
    backend = gk.device("cpu").backend
    n = 70_000
    # alpha 0: BLAS skips the product, NumPy's 0 * inf is NaN (as PyTorch's add_ with alpha=0)
    y, x = np.ones(n, np.float32), np.full(n, np.inf, np.float32)
    with np.errstate(invalid="ignore"):
        backend.axpy_(y, 0.0, x)
    assert np.isnan(y).all()
    # x and y overlapping, shifted by one element: NumPy buffers, a single pass would not
    buf = np.arange(n + 1, dtype=np.float32)
    want = buf[1:] + np.float32(2.0) * buf[:-1]
    backend.axpy_(buf[1:], 2.0, buf[:-1])
    assert np.array_equal(buf[1:], want)
    # a read-only y: NumPy's error, and y unchanged (BLAS would write into it)
    frozen = np.zeros(n, np.float32)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        backend.axpy_(frozen, 1.0, np.ones(n, np.float32))
    assert not frozen.any()
    # x broadcast over y's rows: NumPy's rule
    rows = np.zeros((2, n), np.float32)
    backend.axpy_(rows, 2.0, np.ones(n, np.float32))
    assert (rows == 2).all()
    # x is y: every element once
    z = np.arange(n, dtype=np.float32)
    backend.axpy_(z, 1.0, z)
    assert np.array_equal(z, 2 * np.arange(n, dtype=np.float32))


def test_blas_axpy_lookup():
    from gradkit.backends._blas import axpy_for

    assert axpy_for(np.float16) is None and axpy_for(np.dtype(">f4")) is None and axpy_for(np.int32) is None
    fn = axpy_for(np.float32)
    if fn is None:
        pytest.skip("this NumPy brings no OpenBLAS with a cblas axpy")
    y, x = np.zeros(5, np.float32), np.arange(5, dtype=np.float32)
    fn(4, 3.0, x.ctypes.data, 1, y.ctypes.data, 1)
    assert y.tolist() == [0, 3, 6, 9, 0]


def test_numpy_axpy_calls_blas_for_large_contiguous_arrays(monkeypatch):
    from gradkit.backends import _blas, numpy_backend

    if _blas.axpy_for(np.float32) is None:
        pytest.skip("this NumPy brings no OpenBLAS with a cblas axpy")
    calls = []

    def counting(dtype):
        fn = _blas.axpy_for(dtype)
        return lambda *args: (calls.append(args[0]), fn(*args))

    monkeypatch.setattr(numpy_backend, "axpy_for", counting)
    backend = gk.device("cpu").backend
    for n in (10, _blas.AXPY_MIN_SIZE - 1, _blas.AXPY_MIN_SIZE, 200_000):
        backend.axpy_(np.zeros(n, np.float32), 0.5, np.ones(n, np.float32))
    backend.axpy_(np.zeros((400, 400), np.float32).T, 0.5, np.ones((400, 400), np.float32))  # strided y
    assert calls == [_blas.AXPY_MIN_SIZE, 200_000]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_numpy_exp_matches_the_portable_one(dtype):
    from gradkit.backends import Backend

    backend = gk.device("cpu").backend
    top = 11 if dtype is np.float16 else 80  # within the range where e^a is finite
    a = np.random.default_rng(0).uniform(-top, top, 5000).astype(dtype)
    fast, portable = backend.exp(a), Backend.exp(backend, a)
    assert fast.dtype == portable.dtype == a.dtype
    assert np.array_equal(fast, portable)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.dtype(">i8")])
def test_numpy_indices_in_range_matches_the_portable_one(dtype):
    from gradkit.backends import Backend

    backend = gk.device("cpu").backend
    signed = np.dtype(dtype).kind == "i"
    cases = [[], [0], [9], [10], [0, 3, 9], [3, 10, 2], [[1, 2], [3, 4]]]
    if signed:
        cases += [[-1], [5, -100, 2], [np.iinfo(dtype).min, 0]]
    for values in cases:
        idx = np.array(values, dtype=dtype)
        want = Backend.indices_in_range(backend, idx, 10)
        assert backend.indices_in_range(idx, 10) is want == all(0 <= v < 10 for v in idx.ravel().tolist())


def test_numpy_ones_like_keeps_shape_dtype_and_gives_a_fresh_array():
    backend = gk.device("cpu").backend
    for a in (np.float32(2.5) * np.ones(()), np.zeros((), np.float16), np.zeros((2, 3), np.float64)):
        one = backend.ones_like(a)
        assert one.shape == a.shape and one.dtype == a.dtype and (one == 1).all() and one.flags.writeable
        assert backend.ones_like(a) is not one


def test_numpy_matmul_nt():
    backend = gk.device("cpu").backend
    rng = np.random.default_rng(0)
    for rows, inner in ((3, 7), (200, 7), (3, 256), (200, 256)):  # each branch: transposed product or not
        a = rng.standard_normal((rows, inner)).astype(np.float32)
        b = rng.standard_normal((64, inner)).astype(np.float32)
        got = backend.matmul_nt(a, b)
        assert got.flags.c_contiguous and np.allclose(got, a @ b.T, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("lead", [(4, 5), (2, 3, 4), (0, 3), (3, 0)])
def test_numpy_linear_products_of_stacked_rows(lead):
    # a stack of rows goes through one product over all its rows where it is one C-ordered
    # block (a transposed stack is not, and takes NumPy's stacked matmul)
    backend = gk.device("cpu").backend
    rng = np.random.default_rng(1)
    w = rng.standard_normal((6, 7)).astype(np.float32)
    for x in (rng.standard_normal((*lead, 7)).astype(np.float32),
              rng.standard_normal((lead[1], lead[0], *lead[2:], 7)).astype(np.float32).swapaxes(0, 1)):
        got = backend.matmul_nt(x, w)
        assert got.shape == (*lead, 6) and np.allclose(got, np.matmul(x, w.T), rtol=1e-5, atol=1e-5)
        g = rng.standard_normal((*lead, 6)).astype(np.float32)
        if not x.flags.c_contiguous:
            g = g.swapaxes(0, 1).copy().swapaxes(0, 1)
        got = backend.linear_grad_input(g, w)
        assert got.shape == (*lead, 7) and np.allclose(got, np.matmul(g, w), rtol=1e-5, atol=1e-5)


def test_sgd_step_is_p_minus_lr_times_grad(device):
    p = gk.nn.Parameter(gk.randn(300, 300, device=device))
    g = gk.randn(300, 300, device=device)
    before = _np(p).copy()
    version = p._version_number
    p.grad = g
    gk.optim.SGD([p], lr=0.1).step()
    assert _close_to_exact_axpy(_np(p), before, -0.1, _np(g))
    assert p._version_number == version + 1


def test_dtype_lookup_cache_is_safe_for_per_array_dtype_objects():
    for _ in range(3):
        assert gk.ones(2, device="strict").dtype is gk.float32
        assert gk.ones(2, dtype=gk.int64, device="strict").dtype is gk.int64
        assert gk.ones(2).dtype is gk.float32


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "exp", "log"])
def test_unary_backward_on_arrays_matches_the_recorded_one(device, name):
    x = (gk.rand(50, device=device) + 0.1).requires_grad_()
    g = gk.randn(50, device=device)
    y = getattr(gk, name)(x)
    (plain,) = gk.autograd.grad(y, x, g, retain_graph=True)
    (recorded,) = gk.autograd.grad(y, x, g, create_graph=True)
    assert _same_bits(plain, recorded)


def test_linear_backward_on_arrays_refuses_a_changed_weight_and_a_freed_graph():
    lin = gk.nn.Linear(3, 2)
    out = lin(gk.randn(4, 3, requires_grad=True)).sum()
    with gk.no_grad():
        lin.weight.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()
    out = lin(gk.randn(4, 3)).sum()
    out.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.backward()
