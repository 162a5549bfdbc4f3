"""``nn.utils.rnn``: batching sequences of different lengths: padded (``pad_sequence``,
``unpad_sequence``) and packed (``PackedSequence``, ``pack_padded_sequence``,
``pad_packed_sequence``, ``pack_sequence``), which the recurrent layers accept. All are made
of differentiable ops, so gradients flow back to each sequence.

A packed batch is PyTorch's layout: the sequences sorted longest first, then step after
step the rows of the sequences still running (``batch_sizes[t]`` of them) in ``data``.
"""
from __future__ import annotations

from typing import NamedTuple

from ..._tensor import Tensor

__all__ = ["pad_sequence", "unpad_sequence", "PackedSequence", "pack_padded_sequence", "pad_packed_sequence",
           "pack_sequence", "invert_permutation"]


def _as_sequences(sequences):
    if isinstance(sequences, Tensor):  # a padded batch given as is: its rows, as PyTorch unbinds it
        return list(sequences.unbind(0))
    sequences = list(sequences)
    for i, s in enumerate(sequences):
        if not isinstance(s, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(s).__name__}")
    return sequences


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stacks tensors of shapes (L_i, *) into one of shape (L_max, B, *) (or (B, L_max, *) with
    ``batch_first``), filling the missing steps with ``padding_value`` after each sequence
    (``padding_side='right'``) or before it ('left'). The result has the first sequence's
    dtype and device."""
    from ...ops.creation import full
    from ...ops.shape import cat, stack

    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    sequences = _as_sequences(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    first = sequences[0]
    if any(s.ndim == 0 for s in sequences):
        raise RuntimeError("pad_sequence: every sequence needs a first (time) dimension, but got a 0-d tensor")
    trailing = tuple(first.shape[1:])
    for s in sequences[1:]:
        shape = tuple(s.shape[1:])
        if len(shape) != len(trailing):
            raise RuntimeError(f"pad_sequence: every sequence must have the shape (L, {', '.join(map(str, trailing))})"
                               f" after its first dimension, but got one of shape {list(s.shape)}")
        for k, (a, b) in enumerate(zip(trailing, shape)):
            if a != b:
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                                   f"non-singleton dimension {k + 1}")
    dtype, device = first.dtype, first.device
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        if s.dtype is not dtype or s.device != device:
            s = s.to(device=device, dtype=dtype)
        missing = longest - s.shape[0]
        if missing:
            fill = full((missing,) + trailing, padding_value, dtype=dtype, device=device)
            s = cat([s, fill] if padding_side == "right" else [fill, s], 0)
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The inverse of ``pad_sequence`` (right padding): the list of each sequence's first
    ``lengths[i]`` steps."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    lengths = lengths.tolist() if isinstance(lengths, Tensor) else list(lengths)
    return [seq[:int(n)] for seq, n in zip(padded_sequences.unbind(0), lengths)]


class PackedSequence(NamedTuple):
    """Sequences of different lengths packed step after step (see the module docstring).
    ``batch_sizes`` is an int64 CPU tensor; ``sorted_indices`` and ``unsorted_indices``
    (None when the batch came sorted) take the original order to the sorted one and back."""
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def _with(self, data, indices_device=None):
        move = (lambda t: t if t is None or indices_device is None else t.to(indices_device))
        return PackedSequence(data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices))

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._with(data, data.device)

    def cpu(self, *args, **kwargs):
        return self.to("cpu")

    def cuda(self, *args, **kwargs):
        data = self.data.cuda(*args, **kwargs)
        return self._with(data, data.device)

    def double(self):
        return self._with(self.data.double())

    def float(self):
        return self._with(self.data.float())

    def half(self):
        return self._with(self.data.half())

    def long(self):
        return self._with(self.data.long())

    def int(self):
        return self._with(self.data.int())

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    from ...ops.creation import tensor

    order = permutation.tolist()
    inverse = [0] * len(order)
    for position, i in enumerate(order):
        inverse[i] = position
    return tensor(inverse, dtype=permutation.dtype, device=permutation.device)


def _lengths_list(lengths):
    if isinstance(lengths, Tensor):
        if lengths.device.type != "cpu":
            raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got 1D "
                               f"{lengths.device.type} {str(lengths.dtype).replace('gradkit.', '')} tensor")
        lengths = lengths.tolist()
    return [int(n) for n in lengths]


def _batch_sizes(lengths):
    """batch_sizes of sorted lengths (longest first): how many sequences run at each step."""
    sizes, k = [], len(lengths)
    for t in range(lengths[0]):
        while k and lengths[k - 1] <= t:
            k -= 1
        sizes.append(k)
    return sizes


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a padded batch (T, B, *) (or (B, T, *) with ``batch_first``) of sequences of
    the given ``lengths``. With ``enforce_sorted`` the lengths must decrease; otherwise the
    batch is sorted here and the permutation kept in the result."""
    from ...ops.creation import tensor
    from ...ops.indexing import index_select
    from ...ops.views import reshape

    lengths = _lengths_list(lengths)
    if enforce_sorted:
        if any(a < b for a, b in zip(lengths, lengths[1:])):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
        order = None
    else:
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    if lengths and min(lengths) <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    steps, batch = (input.shape[1], input.shape[0]) if batch_first else (input.shape[0], input.shape[1])
    if len(lengths) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} (batch_size="
                           f"{batch})")
    ranked = lengths if order is None else [lengths[i] for i in order]
    if ranked[0] > steps:
        raise RuntimeError(f"pack_padded_sequence: a length ({ranked[0]}) is larger than the padded input's {steps} "
                           f"steps")
    columns = list(range(batch)) if order is None else order
    sizes = _batch_sizes(ranked)
    # the packed rows as one gather from the flat (step, sequence) rows
    if batch_first:
        rows = [b * steps + t for t, k in enumerate(sizes) for b in columns[:k]]
    else:
        rows = [t * batch + b for t, k in enumerate(sizes) for b in columns[:k]]
    flat = reshape(input, (steps * batch,) + tuple(input.shape[2:]))
    index = tensor(rows, dtype=_int64(), device=input.device)
    data = index_select(flat, 0, index)
    sorted_indices = None if order is None else tensor(order, dtype=_int64(), device=input.device)
    return PackedSequence(data, tensor(sizes, dtype=_int64()), sorted_indices, invert_permutation(sorted_indices))


def _int64():
    from ... import _dtype

    return _dtype.int64


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The inverse of ``pack_padded_sequence``: (padded batch, lengths), in the batch's
    original order, padded with ``padding_value`` to ``total_length`` steps (the longest
    sequence's length by default)."""
    from ...ops.creation import full, tensor
    from ...ops.indexing import index_select
    from ...ops.shape import cat
    from ...ops.views import reshape

    data, batch_sizes, sorted_indices, unsorted_indices = sequence
    sizes = [int(b) for b in batch_sizes.tolist()]
    steps, batch = len(sizes), sizes[0]
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {steps}")
        steps = total_length
    # row of data for (step t, sorted sequence b); the padding row (appended last) elsewhere
    pad_row = data.shape[0]
    where = [[pad_row] * batch for _ in range(steps)]
    row = 0
    for t, k in enumerate(sizes):
        for b in range(k):
            where[t][b] = row
            row += 1
    columns = list(range(batch)) if unsorted_indices is None else unsorted_indices.tolist()
    if batch_first:
        rows = [where[t][b] for b in columns for t in range(steps)]
    else:
        rows = [where[t][b] for t in range(steps) for b in columns]
    trailing = tuple(data.shape[1:])
    filler = full((1,) + trailing, padding_value, dtype=data.dtype, device=data.device)
    source = cat([data, filler], 0)
    padded = index_select(source, 0, tensor(rows, dtype=_int64(), device=data.device))
    padded = reshape(padded, ((batch, steps) if batch_first else (steps, batch)) + trailing)
    lengths = [sum(1 for k in sizes if k > b) for b in range(batch)]
    lengths = tensor([lengths[b] for b in columns], dtype=_int64())
    return padded, lengths


def pack_sequence(sequences, enforce_sorted=True):
    """Packs a list of tensors (L_i, *) (longest first unless ``enforce_sorted=False``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)
