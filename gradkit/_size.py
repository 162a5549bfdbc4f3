"""``Tensor.shape``: a tuple that prints like PyTorch's Size."""
from __future__ import annotations


class Size(tuple):
    __slots__ = ()

    def __new__(cls, dims=()):
        return tuple.__new__(cls, (int(d) for d in dims))

    def __repr__(self):
        return f"gradkit.Size({list(self)})"

    __str__ = __repr__

    def __getitem__(self, key):
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def numel(self) -> int:
        n = 1
        for d in self:
            n *= d
        return n
