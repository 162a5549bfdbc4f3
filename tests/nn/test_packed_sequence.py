"""nn.utils.rnn's packed batches: PackedSequence, pack_padded_sequence, pad_packed_sequence
and pack_sequence, with PyTorch's values (recorded from PyTorch 2.13.0 for the batches
below), errors and gradients, and the recurrent layers taking and giving packed batches."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit
import gradkit.nn as nn
from gradkit.nn.utils.rnn import (PackedSequence, invert_permutation, pack_padded_sequence, pack_sequence,
                                  pad_packed_sequence)
from helpers import check_grads, host, rand64


def _ints(t):
    return None if t is None else host(t).tolist()


def test_pack_sequence_unsorted_matches_torch(device):
    seqs = [gradkit.tensor([1.0, 2], device=device), gradkit.tensor([3.0, 4, 5], device=device)]
    packed = pack_sequence(seqs, enforce_sorted=False)
    assert isinstance(packed, PackedSequence) and isinstance(packed, tuple)
    assert host(packed.data).tolist() == [3.0, 1.0, 4.0, 2.0, 5.0]
    assert _ints(packed.batch_sizes) == [2, 2, 1] and packed.batch_sizes.dtype == gradkit.int64
    assert packed.batch_sizes.device.type == "cpu"
    assert _ints(packed.sorted_indices) == [1, 0] and _ints(packed.unsorted_indices) == [1, 0]
    padded, lengths = pad_packed_sequence(packed, batch_first=True, padding_value=-1, total_length=4)
    assert host(padded).tolist() == [[1.0, 2.0, -1.0, -1.0], [3.0, 4.0, 5.0, -1.0]]
    assert _ints(lengths) == [2, 3] and lengths.dtype == gradkit.int64


def test_pack_padded_ties_keep_order_as_torch(device):
    y = gradkit.arange(12.0, device=device).reshape(3, 4).T.reshape(4, 3)
    packed = pack_padded_sequence(y, gradkit.tensor([2, 4, 2]), enforce_sorted=False)
    assert host(packed.data).tolist() == [4.0, 0.0, 8.0, 5.0, 1.0, 9.0, 6.0, 7.0]
    assert _ints(packed.batch_sizes) == [3, 3, 1, 1]
    assert _ints(packed.sorted_indices) == [1, 0, 2] and _ints(packed.unsorted_indices) == [1, 0, 2]
    padded, lengths = pad_packed_sequence(packed)
    assert host(padded).tolist() == [[0.0, 4.0, 8.0], [1.0, 5.0, 9.0], [0.0, 6.0, 0.0], [0.0, 7.0, 0.0]]
    assert _ints(lengths) == [2, 4, 2]


def test_sorted_batch_has_no_permutation(device):
    x = gradkit.zeros(3, 2, 1, device=device)
    packed = pack_padded_sequence(x, [3, 2])
    assert packed.sorted_indices is None and packed.unsorted_indices is None
    assert tuple(packed.data.shape) == (5, 1) and _ints(packed.batch_sizes) == [2, 2, 1]


def test_round_trip_batch_first(device):
    x = rand64(3, 4, 2, device=device, requires_grad=False)
    lengths = [4, 1, 3]
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    padded, got = pad_packed_sequence(packed, batch_first=True)
    assert _ints(got) == lengths
    want = host(x).copy()
    for b, n in enumerate(lengths):
        want[b, n:] = 0.0
    np.testing.assert_array_equal(host(padded), want)


def test_gradients_flow_through_packing(device):
    lengths = [2, 3, 1]

    def fn(x):
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        return pad_packed_sequence(packed, padding_value=0.5)[0] * 2.0

    check_grads(fn, [rand64(3, 3, 2, device=device)])


def test_invert_permutation():
    p = gradkit.tensor([2, 0, 1])
    assert _ints(invert_permutation(p)) == [1, 2, 0]
    assert invert_permutation(None) is None


def test_packed_sequence_conversions():
    packed = pack_sequence([gradkit.tensor([1.0, 2.0]), gradkit.tensor([3.0])])
    assert packed.double().data.dtype == gradkit.float64
    assert packed.to(gradkit.float64).data.dtype == gradkit.float64
    assert packed.to("cpu") is packed and not packed.is_cuda
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    assert sorted_indices is None and unsorted_indices is None and _ints(batch_sizes) == [2, 1]


def test_errors_match_torch():
    x = gradkit.zeros(3, 2, 1)
    with pytest.raises(RuntimeError) as info:
        pack_padded_sequence(x, [2, 3])
    assert str(info.value) == (
        "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
        "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do "
        "not need ONNX exportability.")
    with pytest.raises(RuntimeError, match="^Length of all samples has to be greater than 0, but found an element in "
                                           "'lengths' that is <= 0$"):
        pack_padded_sequence(x, [3, 0])
    with pytest.raises(RuntimeError, match=r"^Expected `len\(lengths\)` to be equal to batch_size, but got 3 "
                                           r"\(batch_size=2\)$"):
        pack_padded_sequence(x, [3, 2, 1])
    with pytest.raises(ValueError, match="^Expected total_length to be at least the length of the longest sequence in "
                                         "input, but got total_length=2 and max sequence length being 3$"):
        pad_packed_sequence(pack_padded_sequence(x, [3, 2]), total_length=2)
    # PyTorch reads past the input here; gradkit refuses
    with pytest.raises(RuntimeError, match="larger than the padded input's 3 steps"):
        pack_padded_sequence(x, [4, 2])


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_layers_take_and_give_packed_batches(device, kind):
    m = getattr(nn, kind)(2, 3, bidirectional=True).to(device)
    seqs = [gradkit.randn(n, 2, device=device) for n in (2, 4, 3)]
    packed = pack_sequence(seqs, enforce_sorted=False)
    out, state = m(packed)
    h_n = state[0] if kind == "LSTM" else state
    assert isinstance(out, PackedSequence) and tuple(out.data.shape) == (9, 6)
    assert out.batch_sizes is packed.batch_sizes and out.sorted_indices is packed.sorted_indices
    assert tuple(h_n.shape) == (2, 3, 3)
    # each sequence alone gives the same output and final state as in the packed batch
    padded, lengths = pad_packed_sequence(out)
    for b, s in enumerate(seqs):
        alone, alone_state = m(s.unsqueeze(1))
        alone_h = alone_state[0] if kind == "LSTM" else alone_state
        np.testing.assert_allclose(host(padded[: s.shape[0], b]), host(alone[:, 0]), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(host(h_n[:, b]), host(alone_h[:, 0]), rtol=1e-5, atol=1e-6)
