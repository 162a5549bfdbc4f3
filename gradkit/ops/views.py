"""View ops: reshape, permute, transpose, squeeze/unsqueeze, expand, ... Each result shares
its input's storage and version counter, and in grad mode keeps a view record
(ops._view_record) so in-place writes through it reach the input's history."""
from __future__ import annotations

import math

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node
from ._core import shape_arg as _shape_arg
from ._core import named, sum_to
from ._view_record import as_view
from .inplace import check_inplace
from ._table import Family

FAMILY = Family("views")

_make = Tensor._make

def infer_shape(op, shape, numel):
    # one loop over the (few) sizes: every view and reshape comes through here
    known, unknown = 1, None
    for i, s in enumerate(shape):
        if s == -1:
            if unknown is not None:
                raise RuntimeError(f"{op}: only one dimension can be inferred (shape {list(shape)})")
            unknown = i
        elif s < -1:
            raise RuntimeError(f"{op}: invalid shape dimension {min(shape)} in {list(shape)}")
        else:
            known *= s
    if unknown is not None:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = (*shape[:unknown], numel // known, *shape[unknown + 1:])  # (no generator: every view with a -1)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class Reshape(Node):
    _backward_name = "ViewBackward0"

    def forward(self, backend, a, shape):
        self.in_shape = a.shape
        return backend.reshape(a, shape)

    def backward(self, g):
        return _reshape_to(g, self.in_shape)  # (the input's own shape: nothing to parse or infer)



def reshape(input, *shape):
    return _reshape_to(input, infer_shape("reshape", _shape_arg("reshape", shape), input.numel()))


def _reshape_to(input, shape, viewable=None):
    """``input`` in the checked, complete ``shape``; ``viewable`` when the caller already
    knows whether the array can be reshaped without a copy."""
    if shape == input._data.shape:
        return as_view(named(_alias(input), "ViewBackward0"), input, ())
    out = Reshape.apply(input, shape=shape)
    if not is_grad_enabled_fast():
        return as_view(out, input)
    if viewable is None:
        viewable = input._device.backend.reshape_is_view(input._data, shape)
    if not viewable:
        return as_view(out, input)  # a copy: writes through it don't reach input
    return as_view(out, input, ((reshape, shape),))


FAMILY.export(reshape)


def view(input, *shape):
    """``reshape`` that refuses to copy: the result always shares ``input``'s memory."""
    if len(shape) == 1 and (isinstance(shape[0], D.dtype) or isinstance(shape[0], str)):
        raise NotImplementedError("view(dtype) reinterpretation is not supported by gradkit")
    size = infer_shape("view", _shape_arg("view", shape), input.numel())
    if not input._device.backend.reshape_is_view(input._data, size):
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _reshape_to(input, size, viewable=True)


FAMILY.export(view, export=False)


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
FAMILY.export(reshape_as, "view_as", export=False)


class Permute(Node):
    def forward(self, backend, a, dims):
        self.dims = dims
        return backend.permute(a, dims)

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
    return as_view(Permute.apply(input, dims=dims), input, ((permute, dims),))


FAMILY.export(permute)


def transpose(input, dim0, dim1):
    ndim = input._data.ndim
    if ndim == 0:
        return as_view(_alias(input), input, ())
    d0, d1 = _wrap_dim(dim0, ndim, "transpose"), _wrap_dim(dim1, ndim, "transpose")
    dims = list(range(ndim))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    dims = tuple(dims)
    return as_view(named(Permute.apply(input, dims=dims), "TransposeBackward0"), input, ((permute, dims),))


swapaxes = swapdims = transpose
FAMILY.export(transpose)
FAMILY.export(transpose, "swapdims", name="swapaxes")


def t(input):
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")
    out = transpose(input, 0, 1) if input._data.ndim == 2 else as_view(_alias(input), input, ())
    return named(out, "TBackward0")


FAMILY.export(t)


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
FAMILY.export(movedim, "moveaxis")


def _wrap_insert(dim, ndim, op):
    if not -ndim - 1 <= dim <= ndim:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-ndim - 1}, {ndim}], but got "
                         f"{dim})")
    return dim % (ndim + 1)


def unsqueeze(input, dim):
    shape = list(input._data.shape)
    shape.insert(_wrap_insert(dim, len(shape), "unsqueeze"), 1)
    shape = tuple(shape)
    return as_view(named(Reshape.apply(input, shape=shape), "UnsqueezeBackward0"), input, ((reshape, shape),))


FAMILY.export(unsqueeze)


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
        return as_view(named(_alias(input), name), input, ())
    return as_view(named(Reshape.apply(input, shape=new), name), input, ((reshape, new),))


FAMILY.export(squeeze)


def _restride_in_place(x, view, op, backward_name):
    """``x.t_()``, ``x.unsqueeze_(0)``, ...: x itself takes the shape and strides of ``view(x)``
    (PyTorch changes the tensor's metadata; the storage is untouched). The version moves, as
    for any in-place op, and when recording x's history continues through the view op."""
    check_inplace(x, op)
    out = view(x)
    x._data = out._data
    x._version[0] += 1
    if out.grad_fn is not None:
        x.grad_fn, x._output_nr = named(out, backward_name).grad_fn, out._output_nr
    record = out._extra.get("view") if out._extra is not None else None
    if x._base is not None and record is not None:  # a view stays a view, one step further from its base
        record.version = x._version[0]
        x._extra["view"] = record
    return x


def t_(input):
    return _restride_in_place(input, t, "t_", "TBackward1")


def transpose_(input, dim0, dim1):
    return _restride_in_place(input, lambda x: transpose(x, dim0, dim1), "transpose_", "TransposeBackward1")


def unsqueeze_(input, dim):
    return _restride_in_place(input, lambda x: unsqueeze(x, dim), "unsqueeze_", "UnsqueezeBackward1")


def squeeze_(input, dim=None):
    name = "SqueezeBackward3" if dim is None else "SqueezeBackward4"
    return _restride_in_place(input, lambda x: squeeze(x, dim), "squeeze_", name)


FAMILY.export(t_, export=False)
FAMILY.export(transpose_, "swapdims_", export=False)
FAMILY.export(transpose_, name="swapaxes_", export=False)
FAMILY.export(unsqueeze_, export=False)
FAMILY.export(squeeze_, export=False)


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


FAMILY.export(flatten)


def ravel(input):
    return reshape(input, (-1,))


FAMILY.export(ravel)


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


FAMILY.export(unflatten)


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
        return as_view(_alias(input), input, ())
    return as_view(Expand.apply(input, shape=target), input, ((expand, target),))


FAMILY.export(expand, export=False)


def expand_as(input, other):
    return expand(input, other.shape)


FAMILY.export(expand_as, export=False)


def broadcast_to(input, shape):
    return expand(input, tuple(shape))


FAMILY.export(broadcast_to)


class Diagonal(Node):
    """A diagonal of two dims, moved to the last dim; the gradient is zeros with g on that
    diagonal (DiagonalScatter), whose own gradient is this op again."""
    _backward_name = "DiagonalBackward0"

    def forward(self, backend, a, offset, dim1, dim2):
        self.shape, self.offset, self.dim1, self.dim2 = a.shape, offset, dim1, dim2
        return backend.diagonal(a, offset, dim1, dim2)

    def backward(self, g):
        return DiagonalScatter.apply(g, shape=self.shape, offset=self.offset, dim1=self.dim1, dim2=self.dim2,
                                     device=g._device)


class DiagonalScatter(Node):
    """zeros(shape) with the input on the diagonal (offset, dim1, dim2): diag_embed, and
    diagonal's gradient."""
    _backward_name = "DiagEmbedBackward0"

    def forward(self, backend, values, shape, offset, dim1, dim2, device):
        self.offset, self.dim1, self.dim2 = offset, dim1, dim2
        return backend.diagonal_scatter(values, shape, offset, dim1, dim2, device)

    def backward(self, g):
        return Diagonal.apply(g, offset=self.offset, dim1=self.dim1, dim2=self.dim2)


def _diagonal_dims(op, ndim, dim1, dim2):
    d1, d2 = _wrap_dim(dim1, ndim, op), _wrap_dim(dim2, ndim, op)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of dims ``dim1`` and ``dim2`` (above it for ``offset`` > 0, below for
    < 0) as the last dim of a view: writes through it reach ``input``."""
    ndim = input._data.ndim
    d1, d2 = _diagonal_dims("diagonal", ndim, dim1, dim2)
    out = Diagonal.apply(input, offset=offset, dim1=d1, dim2=d2)
    if input._device.backend.diagonal_is_view:
        return as_view(out, input, ((_diagonal_step, (offset, d1, d2)),))
    return as_view(out, input)  # a copy on this backend: it shares the version counter only


def _diagonal_step(base, args):
    offset, d1, d2 = args
    return diagonal(base, offset, d1, d2)


FAMILY.export(diagonal)
