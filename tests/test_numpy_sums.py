"""The NumPy backend's sums along one axis as BLAS products with ones (backends/_numpy_sums.py):
the sums add.reduce gives up to rounding, NaN and inf carried, and add.reduce itself for what
BLAS does not take (float16, integers, non-contiguous matrices)."""
from __future__ import annotations

import numpy as np
import pytest

from gradkit.backends import _numpy_sums as S


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.float64, 1e-13)])
@pytest.mark.parametrize("shape", [(2048, 128), (16, 256), (1, 7), (7, 1), (0, 5), (5, 0)])
def test_sums_agree_with_add_reduce(dtype, rtol, shape):
    rng = np.random.default_rng(0)
    m = (rng.standard_normal(shape) * 3 + 1).astype(dtype)
    for got, want in ((S.row_sums(m), np.add.reduce(m, axis=1)), (S.column_sums(m), np.add.reduce(m, axis=0))):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * np.sqrt(max(shape)) * 10)


def test_nan_and_inf_reach_their_sums():
    m = np.ones((4, 6), np.float32)
    m[1, 2], m[3, 0] = np.nan, np.inf
    rows, cols = S.row_sums(m), S.column_sums(m)
    assert np.isnan(rows[1]) and rows[3] == np.inf and rows[0] == 6 and rows[2] == 6
    assert np.isnan(cols[2]) and cols[0] == np.inf and cols[1] == 4


@pytest.mark.parametrize("m", [np.arange(12, dtype=np.float16).reshape(3, 4), np.arange(12).reshape(3, 4),
                               np.arange(24, dtype=np.float32).reshape(4, 6)[:, ::2]])
def test_what_blas_does_not_take_is_add_reduce(m):
    assert np.array_equal(S.row_sums(m), np.add.reduce(m, axis=1))
    assert np.array_equal(S.column_sums(m), np.add.reduce(m, axis=0))
    assert S.row_sums(m).dtype == m.dtype


def test_the_shared_ones_cannot_be_written():
    S.row_sums(np.ones((2, 9), np.float32))
    with pytest.raises(ValueError):
        S._ones(9, np.dtype(np.float32))[0] = 2.0
