"""gradkit.tensor from nested Python sequences: rows of one Python number type take a one-pass
path (a text corpus cut into windows is millions of ints); the dtypes, values and errors are
those of the element-by-element path, as in PyTorch."""
from __future__ import annotations

import pytest

import gradkit as gk
from helpers import host


@pytest.mark.parametrize("data, dtype", [
    ([[1, 2, 3], [4, 5, 6]], gk.int64),
    ([(1, 2), (3, 4)], gk.int64),
    ([[True, False], [False, True]], gk.bool),
    ([[1.5, 2.0], [3.0, -1.0]], gk.float32),
    ([[1, 2.5], [3, 4]], gk.float32),       # mixed int/float rows: the element path
    ([[1, True], [0, False]], gk.int64),    # mixed int/bool rows
    ([[1, 2], [3.5, 4]], gk.float32),       # one float row, one int row
    ([[gk.tensor(1), 2], [3, 4]], gk.int64),  # a 0-d tensor inside a row
])
def test_nested_rows_dtype_and_values(device, data, dtype):
    t = gk.tensor(data, device=device)
    assert t.dtype == dtype and tuple(t.shape) == (len(data), len(data[0]))
    want = [[float(v) for v in row] for row in data]
    assert host(t).astype(float).tolist() == want


def test_a_float_row_follows_the_default_dtype():
    saved = gk.get_default_dtype()
    try:
        gk.set_default_dtype(gk.float64)
        assert gk.tensor([[1.0, 2.0]]).dtype == gk.float64
    finally:
        gk.set_default_dtype(saved)


def test_corpus_windows():
    corpus = list(range(28)) * 50
    windows = gk.tensor([corpus[i:i + 5] for i in range(len(corpus) - 4)])
    assert tuple(windows.shape) == (1396, 5) and windows.dtype == gk.int64
    assert windows[3].tolist() == [3, 4, 5, 6, 7] and windows[-1].tolist() == corpus[-5:]


def test_errors_are_unchanged():
    with pytest.raises(ValueError, match=r"expected sequence of length 2 at dim 1 \(got 1\)"):
        gk.tensor([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="value cannot be converted to type int64 without overflow: nan"):
        gk.tensor([[1.0, float("nan")]], dtype=gk.int64)
    assert gk.tensor([[1.7, -2.2]], dtype=gk.int32).tolist() == [[1, -2]]
    with pytest.raises(TypeError, match="invalid data type 'str'"):
        gk.tensor([["a", "b"]])
