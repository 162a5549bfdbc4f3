"""Sums along one axis of a C-contiguous float matrix as BLAS matrix-vector products with a
vector of ones. ``np.add.reduce`` runs its inner loop once per row when it sums along a short
last axis (a layer's width) or over the rows (a bias gradient over a batch), and those calls
cost several times the one BLAS pass over the matrix. The additions come in another order
than add.reduce's, so the sums round differently in the last place: kernels whose bits are
checked against PyTorch's recorded values (the softmax family) keep add.reduce."""
from __future__ import annotations

import functools

import numpy as np

from ._numpy_dtypes import BLAS_FLOATS



@functools.lru_cache(maxsize=64)
def _ones(n, dtype):
    """A vector of n ones, made once per length and dtype (read-only: shared)."""
    ones = np.ones(n, dtype=dtype)
    ones.flags.writeable = False
    return ones


def row_sums(rows):
    """The sum of each row of an (R, M) matrix, as (R,)."""
    if rows.dtype in BLAS_FLOATS and rows.flags.c_contiguous:
        return np.matmul(rows, _ones(rows.shape[1], rows.dtype))
    return np.add.reduce(rows, axis=1)


def column_sums(rows):
    """The sum of each column of an (R, M) matrix, as (M,)."""
    if rows.dtype in BLAS_FLOATS and rows.flags.c_contiguous:
        return np.matmul(_ones(rows.shape[0], rows.dtype), rows)
    return np.add.reduce(rows, axis=0)
