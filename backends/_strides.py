"""Element strides and storage offsets of strided arrays (NumPy's and CuPy's), reported
the way PyTorch reports them."""
from __future__ import annotations


def packed_strides(shape) -> tuple:
    """The strides, in elements, of a packed row-major array of ``shape`` (a zero-size dim
    counts as 1, as PyTorch counts it)."""
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def element_layout(array, pointer, array_type) -> tuple:
    """(strides, storage offset) in elements of a strided array; ``pointer(array)`` is the
    address of its first element. The offset is counted from the outermost array of
    ``array_type`` in its ``.base`` chain (the one that owns the memory, or wraps a buffer)."""
    shape, itemsize = array.shape, array.itemsize
    root = array
    while isinstance(root.base, array_type):
        root = root.base
    offset = (pointer(array) - pointer(root)) // itemsize if root is not array else 0
    if 0 in shape:
        return packed_strides(shape), offset
    strides = [s // itemsize for s in array.strides]
    # A size-1 dim's stride is never used; NumPy gives an inserted axis (x[None]) stride 0,
    # PyTorch the stride a packed dim there would have.
    for d in range(len(shape) - 1, -1, -1):
        if shape[d] == 1 and strides[d] == 0:
            strides[d] = strides[d + 1] * shape[d + 1] if d + 1 < len(shape) else 1
    return tuple(strides), offset


def is_dense(shape, strides) -> bool:
    """Whether the elements fill a block of memory without gaps or overlaps, in some order of
    the dims (a permuted packed array is dense; an expanded or sliced one is not)."""
    dims = sorted((abs(s), n) for s, n in zip(strides, shape) if n != 1)
    expected = 1
    for stride, size in dims:
        if stride != expected:
            return False
        expected *= size
    return True
