"""Memory formats and the layout queries of a tensor (``stride()``, ``is_contiguous()``,
``storage_offset()``), read from the backend array's memory (``Backend.layout``)."""
from __future__ import annotations


class memory_format:
    """PyTorch's memory formats: ``contiguous_format`` (row-major), ``channels_last``
    (N, H, W, C order in memory for a 4-d tensor), ``channels_last_3d`` (5-d) and
    ``preserve_format`` (keep the input's layout)."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"gradkit.{self.name}"

    def __reduce__(self):
        return self.name


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")

# the dims from innermost (stride 1) outwards, for the formats that fix an order
_CHANNELS_LAST_ORDER = {4: (1, 3, 2, 0), 5: (1, 4, 3, 2, 0)}


def strides(t) -> tuple:
    return t._device.backend.layout(t._data)[0]


def storage_offset(t) -> int:
    return t._device.backend.layout(t._data)[1]


def is_contiguous(t, memory_format=None) -> bool:
    """PyTorch's rule: the dims of size > 1, taken innermost first in the format's order,
    have packed strides (sizes 1 and empty tensors never break contiguity)."""
    shape = tuple(t._data.shape)
    ndim = len(shape)
    if memory_format is None or memory_format is contiguous_format or memory_format is preserve_format:
        order = range(ndim - 1, -1, -1)
    elif memory_format is channels_last or memory_format is channels_last_3d:
        wanted = 4 if memory_format is channels_last else 5
        if ndim != wanted:
            return False
        order = _CHANNELS_LAST_ORDER[ndim]
    else:
        raise RuntimeError(f"is_contiguous: unknown memory format {memory_format!r}")
    if 0 in shape:
        return True
    have = strides(t)
    expected = 1
    for d in order:
        if shape[d] != 1:
            if have[d] != expected:
                return False
            expected *= shape[d]
    return True
