"""``nn.utils.rnn``: batching sequences of different lengths (``pad_sequence``,
``unpad_sequence``). Both are made of differentiable ops, so gradients flow back to each
sequence."""
from __future__ import annotations

from ..._tensor import Tensor

__all__ = ["pad_sequence", "unpad_sequence"]


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
