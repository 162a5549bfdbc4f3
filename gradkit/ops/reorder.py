"""Shape ops that reorder or repeat one input's elements into a new array (copies, not
views): flip, roll, repeat/tile, repeat_interleave, tril/triu, diag_embed, rot90. They belong
to the shape family (``shape.FAMILY``), which binds them as functions and Tensor methods."""
from __future__ import annotations

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dim
from ..autograd.node import Node
from ._core import shape_arg as _shape_arg
from ._core import named
from .shape import FAMILY, clone
from .views import expand, flatten, unsqueeze


class Flip(Node):
    def forward(self, backend, a, dims):
        self.dims = dims
        # a copy, as in PyTorch: NumPy's flip is a view, and a tensor that is not a view
        # must not share its input's memory
        return backend.clone(backend.xp.flip(a, axis=dims))

    def backward(self, g):
        return g.flip(self.dims)


def flip(input, *args, dims=None):
    """Reverses the order along ``dims`` (positional, as ints or one sequence, or ``dims=``)."""
    if dims is not None and args:
        raise TypeError("flip() got multiple values for argument 'dims'")
    dims = _shape_arg("flip", args if dims is None else (dims,) if isinstance(dims, int) else tuple(dims))
    ndim = input._data.ndim
    dims = tuple(_wrap_dim(d, ndim, "flip") for d in dims)
    return Flip.apply(input, dims=dims)


FAMILY.export(flip)


def fliplr(input):
    return flip(input, 1)


FAMILY.export(fliplr)


def flipud(input):
    return flip(input, 0)


FAMILY.export(flipud)


class Roll(Node):
    def forward(self, backend, a, shifts, dims):
        xp = backend.xp
        self.shifts, self.dims = shifts, dims
        return xp.roll(a, shifts, axis=dims)

    def backward(self, g):
        neg = tuple(-s for s in self.shifts) if isinstance(self.shifts, tuple) else -self.shifts
        return roll(g, neg, self.dims)


def roll(input, shifts, dims=None):
    if dims is None:
        return roll(input.flatten(), shifts, 0).reshape(input.shape)
    if isinstance(shifts, (list, tuple)):
        shifts, dims = tuple(shifts), tuple(dims)
    ndim = input._data.ndim
    dims = tuple(_wrap_dim(d, ndim, "roll") for d in dims) if isinstance(dims, (tuple, list)) else \
        _wrap_dim(dims, ndim, "roll")
    return Roll.apply(input, shifts=shifts, dims=dims)


FAMILY.export(roll)


class Tile(Node):
    def forward(self, backend, a, reps):
        xp = backend.xp
        self.in_shape, self.reps = a.shape, reps
        return xp.tile(a, reps)

    def backward(self, g):
        # each output axis of size r*s is (r copies of s): fold the copies out and sum them
        shape = []
        for r, s in zip(self.reps, self.in_shape):
            shape += [r, s]
        return g.reshape(tuple(shape)).sum(tuple(range(0, 2 * len(self.reps), 2)))


def repeat(input, *sizes):
    """PyTorch's repeat: tiles the whole tensor (NumPy's ``tile``)."""
    sizes = _shape_arg("repeat", sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    x = input.reshape((1,) * (len(sizes) - len(shape)) + shape) if len(sizes) > len(shape) else input
    return named(Tile.apply(x, reps=sizes), "RepeatBackward0")


FAMILY.export(repeat, export=False)


def tile(input, dims):
    dims = tuple(dims)
    if len(dims) < input._data.ndim:
        dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


FAMILY.export(tile)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeats each element (or each slice along ``dim``) ``repeats`` times: an int, or a
    tensor of counts (one per slice, or one for all). ``repeat_interleave(counts)`` alone
    gives each index i counts[i] times. ``output_size`` is the result's length along dim."""
    if repeats is None:  # the one-argument form: input holds the counts
        counts = input
        if counts._data.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        from .creation import arange

        positions = arange(counts.numel(), dtype=counts.dtype, device=counts.device)
        return repeat_interleave(positions, counts.reshape(-1), 0, output_size=output_size)
    if dim is None:
        input, dim = input.flatten(), 0
    d = _wrap_dim(dim, input._data.ndim, "repeat_interleave")
    if isinstance(repeats, Tensor):
        return _repeat_by_counts(input, repeats, d, output_size)
    if not isinstance(repeats, int) or isinstance(repeats, bool):
        raise TypeError(f"repeat_interleave(): argument 'repeats' must be Tensor or int, not "
                        f"{type(repeats).__name__}")
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    if input._data.ndim == 0:
        input = input.reshape(1)
    if output_size is not None and output_size != repeats * input._data.shape[d]:
        raise RuntimeError("allocated size does not match required size")
    x = unsqueeze(input, d + 1)
    shape = list(x.shape)
    shape[d + 1] = repeats
    x = expand(x, tuple(shape))
    return flatten(x, d, d + 1)


def _repeat_by_counts(input, counts, d, output_size):
    from .indexing import index_select

    if counts.dtype not in (D.int32, D.int64):
        from .inplace import _kind

        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{_kind(counts.dtype)}\'')
    if counts._data.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if input._data.ndim == 0:
        input = input.reshape(1)
    n = input._data.shape[d]
    if counts.numel() == 1:
        counts = counts.reshape(1).expand(n)
    elif counts.numel() != n:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{counts.numel()} and input.size({d}) = {n}")
    xp = counts._device.backend.xp
    data = xp.astype(counts._data, xp.int64)
    if n and bool(xp.any(data < 0)):
        raise RuntimeError("repeats can not be negative")
    ends = xp.cumulative_sum(data)
    total = int(ends[-1]) if n else 0
    if output_size is not None and output_size != total:
        raise RuntimeError("allocated size does not match required size")
    # output position p reads the slice whose run of repeats covers p
    index = xp.searchsorted(ends, xp.arange(total, dtype=xp.int64, device=data.device), side="right")
    index = Tensor._make(xp.astype(index, counts._data.dtype), counts._device)
    if input.device != counts.device:
        index = index.to(input.device)
    return index_select(input, d, index)


FAMILY.export(repeat_interleave)


def tril(input, diagonal=0):
    return _tri(input, diagonal, lower=True)


FAMILY.export(tril, inplace=True)


def triu(input, diagonal=0):
    return _tri(input, diagonal, lower=False)


FAMILY.export(triu, inplace=True)


def _tri(input, k, lower):
    from .creation import arange

    if input._data.ndim < 2:
        raise RuntimeError(f"{'tril' if lower else 'triu'}: input tensor must have at least 2 dimensions (got shape "
                           f"{list(input._data.shape)})")
    n, m = input._data.shape[-2:]
    rows = arange(n, device=input.device).reshape(n, 1)
    cols = arange(m, device=input.device).reshape(1, m)
    keep = (cols - rows <= k) if lower else (cols - rows >= k)
    from .select import where

    return where(keep, input, False if input.dtype is D.bool_ else 0)  # a bool input stays bool


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose diagonal (offset, dim1, dim2) holds the last dim of ``input`` and is
    zero elsewhere (a batch of diagonal matrices)."""
    from .views import DiagonalScatter, _diagonal_dims

    ndim = input._data.ndim + 1
    d1, d2 = _diagonal_dims("diag_embed", ndim, dim1, dim2)
    x = input if input._data.ndim else input.reshape(1)
    n = x._data.shape[-1] + abs(offset)
    rest = iter(x._data.shape[:-1])
    shape = tuple(n if i in (d1, d2) else next(rest) for i in range(ndim))
    return DiagonalScatter.apply(x, shape=shape, offset=offset, dim1=d1, dim2=d2, device=x._device)


FAMILY.export(diag_embed)


def rot90(input, k=1, dims=(0, 1)):
    """Rotates by 90 degrees ``k`` times in the plane of ``dims``, from the first dim towards
    the second."""
    dims = tuple(dims)
    ndim = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {ndim}")
    d0, d1 = _wrap_dim(dims[0], ndim, "rot90"), _wrap_dim(dims[1], ndim, "rot90")
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        return flip(input, d1).transpose(d0, d1)
    if k == 2:
        return flip(input, d0, d1)
    if k == 3:
        return flip(input, d0).transpose(d0, d1)
    return clone(input)


FAMILY.export(rot90)
