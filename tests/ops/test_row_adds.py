"""The NumPy backend's scatter-add of whole rows (getitem's and embedding's gradient):
repeated rows accumulate in the indices' order, as a sequential np.add.at (and PyTorch's
accumulation) adds them, whichever way the rows are added; signed zeros and negative
indices as an add gives them."""
from __future__ import annotations

import numpy as np
import pytest

from gradkit._device import resolve

CASES = {  # rows of the table, row length, the row indices
    "embedding_batch": (3000, 64, lambda rng: rng.integers(0, 3000, 1500)),  # short runs: the passes
    "passes_then_add_at": (2000, 32, lambda rng: np.concatenate([rng.permutation(2000), np.full(300, 7)])),
    "distinct": (3000, 16, lambda rng: rng.permutation(3000)[:2000]),
    "small_table": (7, 3, lambda rng: rng.integers(0, 7, 200)),  # long runs: np.add.at
    "small_table_long_rows": (65, 64, lambda rng: rng.integers(0, 65, 1000)),  # long runs: one reduction
    "one_row": (4, 16, lambda rng: np.zeros(500, dtype=np.int64)),
    "negative": (40, 5, lambda rng: rng.integers(-40, 40, 60)),
    "vector_rows": (300, 1, lambda rng: rng.integers(0, 300, 100)),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("trailing", [(), (2,)])
def test_index_add_of_rows_matches_add_at(name, trailing):
    n_rows, row, make = CASES[name]
    rng = np.random.default_rng(1)
    rows = make(rng)
    values = rng.standard_normal((rows.size, row) + trailing).astype(np.float32)
    backend = resolve("cpu").backend
    got = backend.index_add((n_rows, row) + trailing, np.float32, resolve("cpu"), (rows,), values)
    want = np.zeros((n_rows, row) + trailing, dtype=np.float32)
    np.add.at(want, rows, values)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", list(CASES))
def test_index_add_of_rows_at_a_two_dim_index_matches_add_at(name):
    # x[idx] with idx (B, T): the gradient's values come as (B, T, row), every way of adding
    n_rows, row, make = CASES[name]
    rng = np.random.default_rng(2)
    rows = make(rng)
    rows = rows[:rows.size - rows.size % 4].reshape(-1, 4)
    values = rng.standard_normal(rows.shape + (row,)).astype(np.float32)
    backend = resolve("cpu").backend
    got = backend.index_add((n_rows, row), np.float32, resolve("cpu"), (rows,), values)
    want = np.zeros((n_rows, row), dtype=np.float32)
    np.add.at(want, rows, values)
    np.testing.assert_array_equal(got, want)


def test_index_add_of_rows_gives_positive_zeros_and_leaves_values_alone():
    backend = resolve("cpu").backend
    rows = np.array([3, 1, 3, 0])
    values = np.array([[-0.0, 1.0], [-0.0, -0.0], [-0.0, 2.0], [5.0, -0.0]], dtype=np.float32)
    kept = values.copy()
    got = backend.index_add((5, 2), np.float32, resolve("cpu"), (rows,), values)
    assert not np.signbit(got).any()  # 0 + -0 is +0, as PyTorch's accumulation into zeros gives
    np.testing.assert_array_equal(got, [[5, 0], [0, 0], [0, 0], [0, 3], [0, 0]])
    np.testing.assert_array_equal(values, kept)
    np.testing.assert_array_equal(np.signbit(values), np.signbit(kept))


@pytest.mark.parametrize("shape, k", [((32, 27), 2), ((6, 5, 4), 2), ((4, 3, 5), 3)])
def test_index_add_of_several_index_arrays_matches_add_at(shape, k):
    """A pick (one index array per leading dim, of one shape: logprobs[arange(n), Yb]'s
    gradient) goes through the same row add, on the flat index of each picked row."""
    rng = np.random.default_rng(2)
    key = tuple(rng.integers(-n, n, 40) for n in shape[:k])
    values = rng.standard_normal((40,) + shape[k:]).astype(np.float32)
    backend = resolve("cpu").backend
    got = backend.index_add(shape, np.float32, resolve("cpu"), key, values)
    want = np.zeros(shape, dtype=np.float32)
    np.add.at(want, key, values)
    np.testing.assert_array_equal(got, want)


def test_int64_index_tensors_take_the_short_path_with_the_general_results(device):
    """x[idx] and x[i, j] with int64 index tensors (getitem's short path) against the same
    indices as lists (the general path): values, gradients, negative indices and errors."""
    import gradkit

    x = gradkit.arange(15, dtype=gradkit.float64, device=device).reshape(5, 3).requires_grad_()
    idx = gradkit.tensor([4, -1, 0, 4], device=device)
    rows, cols = gradkit.tensor([0, 2, 2, -5], device=device), gradkit.tensor([1, -1, 2, 1], device=device)
    for fast, general in ((lambda: x[idx], lambda: x[[4, -1, 0, 4]]),
                          (lambda: x[rows, cols], lambda: x[[0, 2, 2, -5], [1, -1, 2, 1]]),
                          (lambda: x[idx.reshape(2, 2)], lambda: x[[[4, -1], [0, 4]]])):
        got, want = fast(), general()
        assert got.tolist() == want.tolist() and got.grad_fn.name() == want.grad_fn.name()
        w = gradkit.arange(got.numel(), dtype=gradkit.float64, device=device).reshape(got.shape)
        (g_fast,) = gradkit.autograd.grad((got * w).sum(), x)
        (g_general,) = gradkit.autograd.grad((want * w).sum(), x)
        assert g_fast.tolist() == g_general.tolist()
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 5"):
        x[gradkit.tensor([0, 5], device=device)]
    with pytest.raises(IndexError, match="index -4 is out of bounds for dimension 1 with size 3"):
        x[rows, gradkit.tensor([0, 0, -4, 0], device=device)]


def test_runs_of_negative_zeros_sum_to_positive_zero():
    """The one-reduction way (a small table, long rows, many repeats) gives 0 + -0 + ... = +0,
    as adding into zeros does."""
    backend = resolve("cpu").backend
    rng = np.random.default_rng(3)
    rows = rng.integers(0, 8, 600)
    values = rng.standard_normal((600, 64)).astype(np.float32)
    values[rows == 3] = -0.0
    got = backend.index_add((8, 64), np.float32, resolve("cpu"), (rows,), values)
    want = np.zeros((8, 64), dtype=np.float32)
    np.add.at(want, rows, values)
    np.testing.assert_array_equal(got, want)
    assert not np.signbit(got[3]).any()


def _bits(a):
    return a.view(np.uint32 if a.dtype == np.float32 else np.uint64)


@pytest.mark.parametrize("n_rows, row, key_shape", [
    (27, 10, (32, 3)),  # a character model's embedding table from a batch of contexts: the position table
    (10000, 8, (50,)),  # a few rows of a big table: positions made from the rows
    (30, 1, (70,)),  # rows of one element
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_index_adds_give_add_at_bits_with_nan_signed_zeros_and_negative_rows(n_rows, row, key_shape, dtype):
    rng = np.random.default_rng(4)
    rows = rng.integers(-n_rows, n_rows, key_shape)
    rows.reshape(-1)[:4] = [2, -n_rows + 2, 2, 0]  # one row from both ends, repeated
    values = rng.standard_normal(key_shape + (row,)).astype(dtype)
    flat = values.reshape(-1, row)
    flat[0, 0] = np.nan
    flat[1, :] = -0.0  # row 2: NaN, then -0s, then -0s added to it
    flat[2, :] = -0.0
    flat[3, 0] = -np.nan
    flat[5:9] = -0.0
    kept = values.copy()
    backend = resolve("cpu").backend
    got = backend.index_add((n_rows, row), dtype, resolve("cpu"), (rows,), values)
    want = np.zeros((n_rows, row), dtype=dtype)
    np.add.at(want, rows.reshape(-1), values.reshape(-1, row))
    np.testing.assert_array_equal(_bits(got), _bits(want))
    np.testing.assert_array_equal(_bits(values), _bits(kept))


def test_getitem_backward_with_and_without_create_graph_agree():
    """A plain backward runs the index add's kernel without a node; create_graph records the
    op (differentiable again): the same gradient."""
    import gradkit

    C = gradkit.randn(27, 10, dtype=gradkit.float64, requires_grad=True)
    Xb = gradkit.tensor([[1, 5, 1], [26, -1, 0]])
    w = gradkit.randn(2, 3, 10, dtype=gradkit.float64, requires_grad=True)
    (plain,) = gradkit.autograd.grad((C[Xb] * w).sum(), C)
    (recorded,) = gradkit.autograd.grad((C[Xb] * w).sum(), C, create_graph=True)
    assert plain.grad_fn is None and recorded.grad_fn is not None
    assert plain.tolist() == recorded.tolist()
    (again,) = gradkit.autograd.grad((recorded * C.detach()).sum(), w)  # through the recorded index add
    assert again.tolist() == C.detach()[Xb].tolist()
