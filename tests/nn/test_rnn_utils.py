"""nn.utils.rnn.pad_sequence and unpad_sequence: PyTorch's values (recorded from PyTorch
2.13.0 for the sequences below), dtypes, errors, and gradients back to every sequence."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit
import gradkit.nn as nn
from gradkit.nn.utils.rnn import pad_sequence, unpad_sequence
from helpers import check_grads, host

from ._nnutil import close

A, B, C = [[1.0, 2], [3, 4], [5, 6]], [[7.0, 8]], [[9.0, 10], [11, 12]]
PAD_RIGHT = [[[1.0, 2.0], [7.0, 8.0], [9.0, 10.0]], [[3.0, 4.0], [0.0, 0.0], [11.0, 12.0]],
             [[5.0, 6.0], [0.0, 0.0], [0.0, 0.0]]]
PAD_LEFT_BATCH_FIRST = [[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[-1.5, -1.5], [-1.5, -1.5], [7.0, 8.0]],
                        [[-1.5, -1.5], [9.0, 10.0], [11.0, 12.0]]]
PAD_INT = [[0, 1, 2], [0, -2, -2]]


def _seqs(device, dtype=gradkit.float32):
    return [gradkit.tensor(s, dtype=dtype, device=device) for s in (A, B, C)]


def test_pad_sequence_matches_torch(device):
    out = pad_sequence(_seqs(device))
    assert out.dtype == gradkit.float32 and tuple(out.shape) == (3, 3, 2)
    close(out, PAD_RIGHT, rtol=0, atol=0)
    out = pad_sequence(_seqs(device), batch_first=True, padding_value=-1.5, padding_side="left")
    close(out, PAD_LEFT_BATCH_FIRST, rtol=0, atol=0)
    # batch_first is the same batch, transposed
    close(pad_sequence(_seqs(device), batch_first=True), np.transpose(PAD_RIGHT, (1, 0, 2)), rtol=0, atol=0)


def test_pad_sequence_integer_padding_value_truncates_as_torch(device):
    out = pad_sequence([gradkit.arange(3, device=device), gradkit.arange(1, device=device)], batch_first=True,
                       padding_value=-2.7)
    assert out.dtype == gradkit.int64
    assert host(out).tolist() == PAD_INT


def test_pad_sequence_takes_the_first_sequences_dtype():
    f32, f64 = gradkit.ones(2, 3), gradkit.ones(1, 3, dtype=gradkit.float64)
    assert pad_sequence([f32, f64]).dtype == gradkit.float32
    assert pad_sequence([f64, f32]).dtype == gradkit.float64


def test_pad_sequence_of_a_tensor_and_a_tuple():
    a, b = gradkit.tensor([1.0, 2, 3]), gradkit.tensor([4.0, 5])
    close(pad_sequence((a, b)), [[1.0, 4.0], [2.0, 5.0], [3.0, 0.0]])
    # a tensor is taken as its rows, as PyTorch unbinds it
    close(pad_sequence(gradkit.ones(2, 3)), np.ones((3, 2)))


def test_pad_sequence_empty_sequence_is_padded(device):
    out = pad_sequence([gradkit.ones(0, 2, device=device), gradkit.ones(2, 2, device=device)], batch_first=True)
    close(out, [[[0.0, 0.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]]])


def test_pad_sequence_errors_match_torch():
    a, b = gradkit.tensor([1.0, 2, 3]), gradkit.tensor([4.0, 5])
    with pytest.raises(RuntimeError, match="received an empty list of sequences"):
        pad_sequence([])
    with pytest.raises(RuntimeError, match="Expected padding_side to be one of left or right, but got middle."):
        pad_sequence([a, b], padding_side="middle")
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of tensor b \(2\) at "
                                           r"non-singleton dimension 1"):
        pad_sequence([gradkit.ones(2, 3), gradkit.ones(1, 2)])
    with pytest.raises(TypeError, match="expected Tensor as element 1 in argument 0, but got int"):
        pad_sequence([a, 3])
    # PyTorch raises a RuntimeError here too (its message is about an internal slice)
    with pytest.raises(RuntimeError):
        pad_sequence([gradkit.tensor(1.0), gradkit.tensor(2.0)])
    with pytest.raises(RuntimeError):
        pad_sequence([gradkit.ones(2, 3), gradkit.ones(1, 3, 1)])


@pytest.mark.parametrize("batch_first,side", [(False, "right"), (True, "left")])
def test_pad_sequence_gradients(device, batch_first, side):
    seqs = [gradkit.tensor(s, dtype=gradkit.float64, device=device).requires_grad_() for s in (A, B, C)]
    check_grads(lambda *s: pad_sequence(list(s), batch_first=batch_first, padding_value=0.5, padding_side=side),
                tuple(seqs))
    out = pad_sequence(seqs, batch_first=batch_first, padding_side=side)
    (out * out).sum().backward()
    for s in seqs:
        close(s.grad, 2 * host(s))


def test_unpad_sequence_inverts_pad_sequence(device):
    seqs = _seqs(device)
    for batch_first in (False, True):
        padded = pad_sequence(seqs, batch_first=batch_first)
        back = unpad_sequence(padded, gradkit.tensor([3, 1, 2]), batch_first=batch_first)
        assert [host(s).tolist() for s in back] == [A, B, C]


def test_reached_as_nn_utils_rnn():
    assert nn.utils.rnn.pad_sequence is pad_sequence
