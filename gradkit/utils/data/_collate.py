"""``default_collate`` and ``default_convert``: how samples become a batch, as in PyTorch.

- tensors are stacked along a new first dimension;
- Python floats become a float64 tensor, ints an int64 tensor, bools a bool tensor;
- NumPy arrays and scalars become tensors (then are stacked);
- str and bytes are left as lists;
- dicts, namedtuples, lists are collated field by field; tuples become **lists**.
"""
from __future__ import annotations

import collections.abc
import copy

__all__ = ["default_collate", "default_convert", "move_to"]

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _tensor_type():
    from ..._tensor import Tensor

    return Tensor


def _is_numpy(obj) -> bool:
    # NumPy values are recognised by their type's module: this package never imports numpy.
    return type(obj).__module__ == "numpy"


def _numpy_text_kind(arr) -> bool:
    return getattr(getattr(arr, "dtype", None), "kind", "") in "SaUO"


def _stack(batch):
    """Stacks tensors of one shape; without autograd involvement it is one backend call."""
    Tensor = _tensor_type()
    first = batch[0]
    dev, shape, dt = first._device, first._data.shape, first._data.dtype
    plain = True
    for t in batch:
        if t._requires_grad or t._device is not dev or t._data.shape != shape or t._data.dtype != dt:
            plain = False
            break
    if plain:
        xp = dev.backend.xp
        return Tensor._make(xp.stack([t._data for t in batch], axis=0), dev)
    from ...ops.shape import stack

    return stack(list(batch), 0)


def default_collate(batch):
    """Puts a list of samples together into a batch (see the module docstring)."""
    Tensor = _tensor_type()
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch)
    if _is_numpy(elem) and type(elem).__name__ not in ("str_", "bytes_", "string_"):
        from ...ops.creation import as_tensor

        if type(elem).__name__ == "ndarray":
            if _numpy_text_kind(elem):
                raise TypeError(_ERR.format(elem.dtype))
            return _stack([as_tensor(b) for b in batch])
        if elem.shape == ():  # NumPy scalars
            from ...ops.creation import tensor

            return tensor(list(batch))
    if isinstance(elem, float):
        from ...ops.creation import tensor
        from ... import _dtype

        return tensor(batch, dtype=_dtype.float64)
    if isinstance(elem, int):  # bool too: a bool tensor, as torch.tensor([True]) gives
        from ...ops.creation import tensor

        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _like_mapping(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]
        return _like_sequence(elem, [default_collate(samples) for samples in transposed])
    raise TypeError(_ERR.format(type(elem)))


def _like_mapping(like, items: dict):
    """``items`` in a mapping of ``like``'s type, as PyTorch rebuilds them: a copy of ``like``
    updated with them when it is mutable, else ``type(like)(items)``; a plain dict where the
    type cannot be built that way."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(items)
            return clone
        return type(like)(items)
    except TypeError:
        return items


def _like_sequence(like, items: list):
    """``items`` in a sequence of ``like``'s type, as PyTorch rebuilds them: a copy of ``like``
    with its items replaced when it is mutable (a subclass keeps its other attributes), else
    ``type(like)(items)``; a plain list where the type cannot be built that way."""
    try:
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(like)(items)
    except TypeError:
        return items


def default_convert(data):
    """What a loader with ``batch_size=None`` applies to each sample: NumPy arrays become
    tensors (inside dicts, lists and tuples too; tuples become lists); the rest is kept."""
    Tensor = _tensor_type()
    if isinstance(data, Tensor):
        return data
    if _is_numpy(data) and type(data).__name__ not in ("str_", "bytes_", "string_"):
        if type(data).__name__ == "ndarray" and _numpy_text_kind(data):
            return data
        from ...ops.creation import as_tensor

        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _like_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _like_sequence(data, [default_convert(d) for d in data])
    return data


def move_to(data, device):
    """Every tensor in ``data`` (nested in dicts, lists, tuples, namedtuples) moved to
    ``device``; everything else unchanged."""
    Tensor = _tensor_type()
    if isinstance(data, Tensor):
        return data.to(device)
    if isinstance(data, dict):
        out = copy.copy(data)
        for key in data:
            out[key] = move_to(data[key], device)
        return out
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(move_to(d, device) for d in data))
    if isinstance(data, list):
        return [move_to(d, device) for d in data]
    if isinstance(data, tuple):
        return tuple(move_to(d, device) for d in data)
    return data
