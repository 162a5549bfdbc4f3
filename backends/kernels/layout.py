"""Memory layout: what ``stride()``, ``is_contiguous()`` and ``storage_offset()`` report,
and the copies that give an array a layout. The array API says nothing about memory, so the
portable answers describe a packed row-major array; libraries with strided memory (NumPy,
CuPy) override ``layout`` with their real strides."""
from __future__ import annotations

from .._strides import packed_strides


class LayoutKernels:
    def layout(self, array):
        """(strides, storage offset), both in elements, as PyTorch reports them. Where the
        library does not expose its memory, those of a packed row-major array."""
        return packed_strides(array.shape), 0

    def clone(self, array):
        """A copy that owns its memory (PyTorch's preserve_format: a dense layout is kept)."""
        return self.xp.asarray(array, copy=True)

    def row_major(self, array):
        """A packed row-major copy. Flattening visits the elements in row-major order; the
        1-D copy then owns packed memory whatever the library did to flatten."""
        xp = self.xp
        return xp.reshape(xp.asarray(xp.reshape(array, (-1,)), copy=True), array.shape)

    def channels_last(self, array):
        """A copy whose memory is ordered N, then the spatial dims, then C (the layout
        ``memory_format=channels_last`` asks for), with the logical shape unchanged."""
        xp = self.xp
        last = (0,) + tuple(range(2, array.ndim)) + (1,)
        back = (0, array.ndim - 1) + tuple(range(1, array.ndim - 1))
        return xp.permute_dims(self.row_major(xp.permute_dims(array, last)), back)
