"""Shape ops: views (reshape, permute, expand, ...), joins and splits."""
from __future__ import annotations

import math

from .. import _dtype as D
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node
from ._core import shape_arg as _shape_arg
from ._core import cast, check_same_device, sum_to

_make = Tensor._make


def _as_view(out, base, replay=None):
    """Views share their base's version counter, so an in-place change through either is
    seen by every saved tensor. In grad mode a view also keeps ``replay`` (root base ->
    view, in gradkit ops, composed through views of views) and the version its history was
    made at: an in-place change through the view then reaches the base's history, and a
    view whose base changed since regains a current history (ops.inplace.rebase_view,
    refresh_view)."""
    out._version = base._version
    root = base._base
    out._base = root if root is not None else base
    if replay is not None and is_grad_enabled_fast():
        if root is not None:
            parent = base._extra.get("view") if base._extra is not None else None
            if parent is None:  # a view of a detached tensor: not a differentiable view
                return out
            replay = _compose(parent[0], replay)
        if out._extra is None:
            out._extra = {}
        out._extra["view"] = [replay, out._version[0]]
    return out


def _compose(first, then):
    return lambda t: then(first(t))


def _same(t):
    return t


def infer_shape(op, shape, numel):
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred (shape {list(shape)})")
    if any(s < -1 for s in shape):
        raise RuntimeError(f"{op}: invalid shape dimension {min(shape)} in {list(shape)}")
    known = math.prod(s for s in shape if s != -1)
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class Reshape(Node):
    _backward_name = "ViewBackward0"

    def forward(self, backend, a, shape):
        xp = backend.xp
        self.in_shape = a.shape
        return xp.reshape(a, shape)

    def backward(self, g):
        return g.reshape(self.in_shape)


def _named(out, name):
    """Gives ``out``'s node PyTorch's name for the call that made it (x.unsqueeze(0) is
    UnsqueezeBackward0 though gradkit reshapes)."""
    if out.grad_fn is not None:
        out.grad_fn._backward_name = name
    return out


def reshape(input, *shape):
    shape = infer_shape("reshape", _shape_arg("reshape", shape), input.numel())
    if shape == input._data.shape:
        return _as_view(_named(_alias(input), "ViewBackward0"), input, _same)
    out = Reshape.apply(input, shape=shape)
    if not is_grad_enabled_fast() or not input._device.backend.reshape_is_view(input._data, shape):
        return _as_view(out, input)  # a copy (or no grad mode): writes through it don't reach input
    return _as_view(out, input, lambda t: reshape(t, shape))


def view(input, *shape):
    if len(shape) == 1 and (isinstance(shape[0], D.dtype) or isinstance(shape[0], str)):
        raise NotImplementedError("view(dtype) reinterpretation is not supported by gradkit")
    return reshape(input, *shape)


class Alias(Node):
    _backward_name = "AliasBackward0"

    def forward(self, backend, a):
        return a

    def backward(self, g):
        return g


def _alias(input):
    return Alias.apply(input) if input._requires_grad else _make(input._data, input._device)


def reshape_as(input, other):
    return reshape(input, other.shape)


view_as = reshape_as


class Permute(Node):
    def forward(self, backend, a, dims):
        xp = backend.xp
        self.dims = dims
        return xp.permute_dims(a, dims)

    def backward(self, g):
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return g.permute(tuple(inverse))


def permute(input, *dims):
    dims = _shape_arg("permute", dims)
    ndim = input._data.ndim
    if len(dims) != ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                           f"of the desired ordering of dimensions i.e. input.dim() = {ndim} is not equal to "
                           f"len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, ndim, "permute") for d in dims)
    if len(set(dims)) != ndim:
        raise RuntimeError(f"permute(): duplicate dims are not allowed (got {list(dims)})")
    return _as_view(Permute.apply(input, dims=dims), input, lambda t: permute(t, dims))


def transpose(input, dim0, dim1):
    ndim = input._data.ndim
    if ndim == 0:
        return _as_view(_alias(input), input, _same)
    d0, d1 = _wrap_dim(dim0, ndim, "transpose"), _wrap_dim(dim1, ndim, "transpose")
    dims = list(range(ndim))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    dims = tuple(dims)
    return _as_view(_named(Permute.apply(input, dims=dims), "TransposeBackward0"), input,
                    lambda t: permute(t, dims))


swapaxes = swapdims = transpose


def t(input):
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")
    out = transpose(input, 0, 1) if input._data.ndim == 2 else _as_view(_alias(input), input, _same)
    return _named(out, "TBackward0")


def movedim(input, source, destination):
    ndim = input._data.ndim
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src = [_wrap_dim(s, ndim, "movedim") for s in src]
    dst = [_wrap_dim(d, ndim, "movedim") for d in dst]
    order = [i for i in range(ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, tuple(order))


moveaxis = movedim


def _wrap_insert(dim, ndim, op):
    if not -ndim - 1 <= dim <= ndim:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-ndim - 1}, {ndim}], but got "
                         f"{dim})")
    return dim % (ndim + 1)


def unsqueeze(input, dim):
    shape = list(input._data.shape)
    shape.insert(_wrap_insert(dim, len(shape), "unsqueeze"), 1)
    shape = tuple(shape)
    return _as_view(_named(Reshape.apply(input, shape=shape), "UnsqueezeBackward0"), input,
                    lambda t: reshape(t, shape))


def squeeze(input, dim=None):
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        name = "SqueezeBackward0"
    else:
        name = "SqueezeBackward2" if isinstance(dim, (tuple, list)) else "SqueezeBackward1"
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = {_wrap_dim(d, len(shape), "squeeze") for d in dims}
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    if new == shape:
        return _as_view(_named(_alias(input), name), input, _same)
    return _as_view(_named(Reshape.apply(input, shape=new), name), input, lambda t: reshape(t, new))


def flatten(input, start_dim=0, end_dim=-1):
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    s = _wrap_dim(start_dim, len(shape), "flatten")
    e = _wrap_dim(end_dim, len(shape), "flatten")
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input  # PyTorch returns the tensor itself
    new = shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:]
    return reshape(input, new)


def ravel(input):
    return reshape(input, (-1,))


def unflatten(input, dim, sizes):
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape), "unflatten")
    sizes = tuple(sizes)
    known = math.prod(s for s in sizes if s != -1)
    if (math.prod(sizes) != shape[d]) if -1 not in sizes else (known == 0 or shape[d] % known):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({shape[d]}) in the input tensor")
    sizes = infer_shape("unflatten", sizes, shape[d])
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


class Expand(Node):
    def forward(self, backend, a, shape):
        xp = backend.xp
        self.in_shape = a.shape
        return xp.broadcast_to(a, shape)

    def backward(self, g):
        return sum_to(g, self.in_shape)


def expand(input, *sizes):
    sizes = _shape_arg("expand", sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(gradkit.Tensor{{{list(shape)}}}, size=[{len(sizes)}]): the number of sizes provided "
                           f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
                           f"({len(shape)})")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"expand: the expanded size {s} is not allowed in a leading, non-existing "
                                   f"dimension {i}")
            target.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(shape)}")
        target.append(s)
    target = tuple(target)
    if target == shape:
        return _as_view(_alias(input), input, _same)
    return _as_view(Expand.apply(input, shape=target), input, lambda t: expand(t, target))


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, shape):
    return expand(input, tuple(shape))


def broadcast_tensors(*tensors):
    from ._core import broadcast_shapes_checked

    shape = broadcast_shapes_checked("broadcast_tensors", *[t._data.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


def broadcast_shapes(*shapes):
    from ._core import broadcast_shapes_checked

    return Size(broadcast_shapes_checked("broadcast_shapes", *[tuple(s) if not isinstance(s, int) else (s,)
                                                                for s in shapes]))


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
    result = _named(cat([unsqueeze(t, d) for t in tensors], d), "StackBackward0")
    if out is not None:
        from ._core import _out

        return _out(result, out)
    return result


def hstack(tensors):
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    return cat([t.reshape(1, -1) if t._data.ndim < 2 else t for t in tensors], 0)


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
    return tuple(_as_view(p, tensor, _slicer(d, lo, hi)) for p, (lo, hi) in zip(pieces, bounds))


def _slicer(d, lo, hi):
    key = (slice(None),) * d + (slice(lo, hi),)
    return lambda t: t[key]


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


def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input._data.shape[_wrap_dim(dim, input._data.ndim, "chunk")]
    size = -(-n // chunks) if n else 1
    return split(input, size, dim)


def unbind(input, dim=0):
    d = _wrap_dim(dim, input._data.ndim, "unbind")
    return tuple(squeeze(p, d) for p in split(input, 1, d))


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


class Clone(Node):
    _backward_name = "CloneBackward0"

    def forward(self, backend, a):
        xp = backend.xp
        return xp.asarray(a, copy=True)

    def backward(self, g):
        return g


def clone(input, *, memory_format=None):
    return Clone.apply(input)


def contiguous(input, memory_format=None):
    return input


class Flip(Node):
    def forward(self, backend, a, dims):
        xp = backend.xp
        self.dims = dims
        return xp.flip(a, axis=dims)

    def backward(self, g):
        return g.flip(self.dims)


def flip(input, *dims):
    dims = _shape_arg("flip", dims)
    ndim = input._data.ndim
    dims = tuple(_wrap_dim(d, ndim, "flip") for d in dims)
    return Flip.apply(input, dims=dims)


def fliplr(input):
    return flip(input, 1)


def flipud(input):
    return flip(input, 0)


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
    return _named(Tile.apply(x, reps=sizes), "RepeatBackward0")


def tile(input, dims):
    dims = tuple(dims)
    if len(dims) < input._data.ndim:
        dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


def repeat_interleave(input, repeats, dim=None):
    if dim is None:
        input, dim = input.flatten(), 0
    d = _wrap_dim(dim, input._data.ndim, "repeat_interleave")
    if not isinstance(repeats, int):
        raise NotImplementedError("repeat_interleave with a tensor of repeats is not supported by gradkit")
    x = unsqueeze(input, d + 1)
    shape = list(x.shape)
    shape[d + 1] = repeats
    x = expand(x, tuple(shape))
    return flatten(x, d, d + 1)


def atleast_1d(t):
    return t.reshape(1) if t._data.ndim == 0 else t


def atleast_2d(t):
    return t.reshape(1, -1) if t._data.ndim < 2 else t


def tril(input, diagonal=0):
    return _tri(input, diagonal, lower=True)


def triu(input, diagonal=0):
    return _tri(input, diagonal, lower=False)


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

    return where(keep, input, 0)
