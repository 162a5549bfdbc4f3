"""Shape ops that are not views of one input: joins (cat, stack), splits (split, chunk,
unbind: pieces are views), narrow, clone/contiguous. The reorders that copy (flip, roll,
repeat, tril/triu, ...) are in ops/reorder.py, registered in this module's family."""
from __future__ import annotations

from .. import _dtype as D
from .. import _layout
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from ..autograd.node import Node
from ._core import cast, check_same_device, named
from ._view_record import as_view
from .indexing import getitem
from .views import _wrap_insert, expand, unsqueeze
from ._table import Family

FAMILY = Family("shape")

def broadcast_tensors(*tensors):
    from ._core import broadcast_shapes_checked

    shape = broadcast_shapes_checked("broadcast_tensors", *[t._data.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


FAMILY.export(broadcast_tensors, method=False)


def broadcast_shapes(*shapes):
    from ._core import broadcast_shapes_checked

    return Size(broadcast_shapes_checked("broadcast_shapes", *[tuple(s) if not isinstance(s, int) else (s,)
                                                                for s in shapes]))


FAMILY.export(broadcast_shapes, method=False)


class Cat(Node):
    _backward_name = "CatBackward0"

    def forward(self, backend, *arrays, dim):
        xp = backend.xp
        self.dim = dim
        self.sizes = [a.shape[dim] for a in arrays]
        return xp.concat(arrays, axis=dim)

    def backward(self, g):
        out, start = [], 0
        for i, size in enumerate(self.sizes):
            out.append(g.narrow(self.dim, start, size) if self.next_edges[i] is not None else None)
            start += size
        return tuple(out)


def cat(tensors, dim=0, *, axis=None, out=None):
    """Joins tensors along an existing dim. 1-D empty tensors are skipped, as in PyTorch."""
    if axis is not None:
        dim = axis
    tensors = _tensor_list("cat", tensors)
    tensors = [t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)] or tensors[:1]
    ref = tensors[0]
    if ref._data.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    ndim = ref._data.ndim
    d = _wrap_dim(dim, ndim, "cat")
    check_same_device("cat", *tensors)
    for i, t in enumerate(tensors):
        if t._data.ndim != ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ndim} and {t._data.ndim} "
                               f"(tensor at position {i})")
        for k in range(ndim):
            if k != d and t._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref._data.shape[k]} but got size {t._data.shape[k]} for tensor number {i} in "
                                   f"the list.")
    tensors = _promote_all(tensors)
    result = Cat.apply(*tensors, dim=d)
    if out is not None:
        from ._core import _out

        return _out(result, out)
    return result


concat = concatenate = cat
FAMILY.export(cat, "concat", "concatenate", method=False)


def _tensor_list(op, tensors):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}(): argument 'tensors' must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    if not tensors:
        # PyTorch: ValueError from cat, RuntimeError from stack
        raise (ValueError if op == "cat" else RuntimeError)(f"{op}(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


def _promote_all(tensors):
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = D.promote_types(dt, t.dtype)
    return [cast(t, dt) for t in tensors]


def stack(tensors, dim=0, *, axis=None, out=None):
    """Joins tensors of one shape along a new dim."""
    if axis is not None:
        dim = axis
    tensors = _tensor_list("stack", tensors)
    shape = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i}")
    d = _wrap_insert(dim, len(shape), "stack")
    check_same_device("stack", *tensors)
    result = named(cat([unsqueeze(t, d) for t in tensors], d), "StackBackward0")
    if out is not None:
        from ._core import _out

        return _out(result, out)
    return result


FAMILY.export(stack, method=False)


def hstack(tensors):
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


FAMILY.export(hstack, method=False)


def vstack(tensors):
    return cat([t.reshape(1, -1) if t._data.ndim < 2 else t for t in tensors], 0)


FAMILY.export(vstack, method=False)


class Split(Node):
    """One node with an output per piece; pieces without a gradient count as zeros."""

    def forward(self, backend, a, dim, bounds):
        self.dim, self.bounds, self.shape = dim, bounds, a.shape
        key = [slice(None)] * a.ndim
        out = []
        for lo, hi in bounds:
            key[dim] = slice(lo, hi)
            out.append(a[tuple(key)])
        return tuple(out)

    def backward(self, *grads):
        from .creation import zeros

        parts = []
        for (lo, hi), g in zip(self.bounds, grads):
            if g is None:
                shape = list(self.shape)
                shape[self.dim] = hi - lo
                g = zeros(tuple(shape), dtype=self._dtype, device=self._device)
            parts.append(g)
        return cat(parts, self.dim)


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` (the last may be smaller), or of the listed sizes."""
    ndim = tensor._data.ndim
    d = _wrap_dim(dim, ndim, "split")
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0 and n:
            raise RuntimeError(f"split(): split_size must be positive, got {size}")
        sizes = [min(size, n - i) for i in range(0, n, size)] if n else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {d}), but got split_sizes={sizes}")
    bounds, start = [], 0
    for s in sizes:
        bounds.append((start, start + s))
        start += s
    pieces = Split.apply(tensor, dim=d, bounds=tuple(bounds))
    if not isinstance(pieces, tuple):
        pieces = (pieces,)
    node = pieces[0].grad_fn
    if node is not None:
        node._dtype, node._device = tensor.dtype, tensor.device
    lead = (slice(None),) * d
    return tuple(as_view(p, tensor, ((getitem, lead + (slice(lo, hi),)),)) for p, (lo, hi) in zip(pieces, bounds))


FAMILY.export(split)


def tensor_split(input, indices_or_sections, dim=0):
    n = input._data.shape[_wrap_dim(dim, input._data.ndim, "tensor_split")]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        q, r = divmod(n, k)
        sizes = [q + 1] * r + [q] * (k - r)
    else:
        cuts = [0] + list(indices_or_sections) + [n]
        sizes = [max(0, min(b, n) - min(a, n)) for a, b in zip(cuts[:-1], cuts[1:])]
    return split(input, sizes, dim)


FAMILY.export(tensor_split)


def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input._data.shape[_wrap_dim(dim, input._data.ndim, "chunk")]
    size = -(-n // chunks) if n else 1
    return split(input, size, dim)


FAMILY.export(chunk)


class Unbind(Node):
    """One node with an output per index along dim (PyTorch's UnbindBackward0, also what
    iterating a tensor records); slices without a gradient count as zeros."""

    def forward(self, backend, a, dim):
        self.dim, self.shape = dim, a.shape
        lead = (slice(None),) * dim
        return tuple(a[lead + (i, Ellipsis)] for i in range(a.shape[dim]))

    def backward(self, *grads):
        from .creation import zeros

        shape = self.shape[:self.dim] + self.shape[self.dim + 1:]
        return stack([zeros(shape, dtype=self._dtype, device=self._device) if g is None else g for g in grads],
                     self.dim)


def unbind(input, dim=0):
    d = _wrap_dim(dim, input._data.ndim, "unbind")
    n = input._data.shape[d]
    if n == 0:
        return ()
    pieces = Unbind.apply(input, dim=d)
    if not isinstance(pieces, tuple):
        pieces = (pieces,)
    node = pieces[0].grad_fn
    if node is not None:
        node._dtype, node._device = input.dtype, input.device
    lead = (slice(None),) * d
    return tuple(as_view(p, input, ((getitem, lead + (i,)),)) for i, p in enumerate(pieces))


FAMILY.export(unbind)


def narrow(input, dim, start, length):
    d = _wrap_dim(dim, input._data.ndim, "narrow")
    n = input._data.shape[d]
    if isinstance(start, Tensor):
        start = int(start)
    if start < 0:
        start += n
    if not 0 <= start <= n or length < 0 or start + length > n:
        raise RuntimeError(f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({n}).")
    key = (slice(None),) * d + (slice(start, start + length),)
    return input[key]


FAMILY.export(narrow)


class Clone(Node):
    """A copy in a memory format: preserve_format keeps a dense layout (the backend's
    ``clone``), contiguous_format is row-major, channels_last orders memory N, spatial, C."""
    _backward_name = "CloneBackward0"

    def forward(self, backend, a, memory_format):
        if memory_format is _layout.preserve_format:
            return backend.clone(a)
        if memory_format is _layout.contiguous_format:
            return backend.row_major(a)
        return backend.channels_last(a)

    def backward(self, g):
        return g


def _memory_format(op, input, memory_format):
    if memory_format in (_layout.channels_last, _layout.channels_last_3d):
        wanted = 4 if memory_format is _layout.channels_last else 5
        if input._data.ndim != wanted:
            raise RuntimeError(f"{op}: required rank {wanted} tensor to use {memory_format.name} format, got a "
                               f"tensor of shape {list(input.shape)}")
    elif not isinstance(memory_format, _layout.memory_format):
        raise TypeError(f"{op}(): argument 'memory_format' must be gradkit.memory_format, not "
                        f"{type(memory_format).__name__}")
    return memory_format


def clone(input, *, memory_format=None):
    memory_format = _memory_format("clone", input, _layout.preserve_format if memory_format is None else memory_format)
    return Clone.apply(input, memory_format=memory_format)


FAMILY.export(clone)


def contiguous(input, memory_format=None):
    """``input`` itself when its memory already has the format, else a copy that has it."""
    memory_format = _memory_format("contiguous", input,
                                   _layout.contiguous_format if memory_format is None else memory_format)
    if memory_format is _layout.preserve_format:
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    if _layout.is_contiguous(input, memory_format):
        return input
    return Clone.apply(input, memory_format=memory_format)


FAMILY.export(contiguous, export=False)


def atleast_1d(t):
    return t.reshape(1) if t._data.ndim == 0 else t


FAMILY.export(atleast_1d, method=False)


def atleast_2d(t):
    return t.reshape(1, -1) if t._data.ndim < 2 else t


FAMILY.export(atleast_2d, method=False)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, as rows (the first tensor's
    element changes slowest); one tensor is returned as it is."""
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._data.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    if any(t.dtype is not tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    shape = tuple(t._data.shape[0] for t in tensors)
    columns = []
    for i, t in enumerate(tensors):
        grid = t.reshape(tuple(-1 if k == i else 1 for k in range(len(tensors)))).expand(shape)
        columns.append(grid.reshape(-1))
    return stack(columns, 1)


FAMILY.export(cartesian_prod, method=False)


def column_stack(tensors):
    """Joins tensors as columns: 0-d and 1-D tensors become one column each."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    columns = [t.reshape(t.numel(), 1) if t._data.ndim <= 1 else t for t in tensors]
    return cat(columns, 1)


FAMILY.export(column_stack, method=False)
