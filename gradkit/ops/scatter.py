"""The scatter family: writes of a source into a copy of the input at indexed positions
(scatter, scatter_add, scatter_reduce, index_add/fill/copy/put, masked_scatter). Gradients
follow PyTorch's definitions and are written with ops, so they differentiate again."""
from __future__ import annotations

from .. import _dtype as D
from ..backends._cuda_graphs import _capturing as _graph_capture
from .._tensor import Tensor, _wrap_dim
from ..autograd.node import Node
from ._core import cast, check_same_device, named
from ._table import Family
from .indexing import IndexAdd, IndexPut, _along_dim_key, convert_key

FAMILY = Family("scatter")

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _name(t):
    return D.scalar_type_name(t.dtype)



def _check_scatter(op, input, dim, index, src=None):
    """PyTorch's scatter argument checks; returns the wrapped dim."""
    d = _wrap_dim(dim, input._data.ndim, op)
    if index._device is not input._device:
        raise RuntimeError(f"{op}(): Expected all tensors to be on the same device, but got index is on "
                           f"{index.device}, different from other tensors on {input.device}")
    if index.dtype.category != D.INT or index.dtype is D.bool_:
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index")
    if src is not None and src.dtype is not input.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
    ishape, sshape = index._data.shape, input._data.shape
    if index._data.ndim != input._data.ndim:
        if index._data.ndim <= 1 and input._data.ndim <= 1:
            return d
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    too_big = any(i > s for a, (i, s) in enumerate(zip(ishape, sshape)) if a != d)
    if src is not None:
        too_big = too_big or any(i > s for i, s in zip(ishape, src._data.shape))
    if too_big:
        raise RuntimeError(f"Expected index {list(ishape)} to be no larger than self {list(sshape)} apart from "
                           f"dimension {d}" + (f" and to be no larger size than src {list(src.shape)}"
                                               if src is not None else ""))
    _check_bounds(index, sshape[d] if sshape else 1, d)
    return d


def _source_part(src, index):
    """The leading block of ``src`` that ``index`` addresses (src may be larger)."""
    if src._data.shape == index._data.shape:
        return src
    return src[tuple(slice(0, s) for s in index._data.shape)]


def scatter_add(input, dim, index, src):
    """out = input, then out[index[i][j]][j] += src[i][j] (dim=0): duplicates accumulate."""
    d = _wrap_dim(dim, input._data.ndim, "scatter_add")
    if input._data.ndim == 0:
        return scatter_add(input.reshape(1), 0, index.reshape(-1), src.reshape(-1)).reshape(())
    if index._data.ndim == 0:
        index, src = index.reshape(1), src.reshape(-1)
    try:
        items, _ = convert_key(input, _along_dim_key(input, d, index))
    except IndexError as exc:  # a RuntimeError in PyTorch
        raise RuntimeError(f"scatter_add(): {exc} (index shape {list(index.shape)}, input shape "
                           f"{list(input.shape)})") from None
    src = src[tuple(slice(0, s) for s in index._data.shape)]
    added = IndexAdd.apply(cast(src, input.dtype), key=items, shape=input._data.shape,
                           device=input._device)
    return named(input + added, "ScatterAddBackward0")


FAMILY.export(scatter_add, inplace=True)


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """out = input with out[index[i][j]][j] = src[i][j] (dim=0); ``src`` may be a number
    (PyTorch's ``value``). ``reduce`` ("add", "multiply") is PyTorch's deprecated form of
    scatter_reduce, without a gradient as there."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing 1 required positional argument: 'src' (or 'value')")
    is_tensor = isinstance(src, Tensor)
    if is_tensor:
        check_same_device("scatter", input, src)
    d = _check_scatter("scatter", input, dim, index, src if is_tensor else None)
    if not is_tensor:
        from .creation import full

        src = full(index.shape, src, dtype=input.dtype, device=input.device)
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        from ..autograd.grad_mode import is_grad_enabled_fast, no_grad

        if is_grad_enabled_fast() and (input.requires_grad or src.requires_grad):
            # PyTorch records a node that raises this in backward; gradkit refuses up front
            raise RuntimeError("derivative for aten::scatter is not implemented")
        with no_grad():
            return scatter_reduce(input, d, index, src, "sum" if reduce == "add" else "prod")
    if index._data.ndim == 0 or input._data.ndim == 0:
        input, index, src = input.reshape(-1), index.reshape(-1), src.reshape(-1)
        return scatter(input, 0, index, src).reshape(())
    items, _ = convert_key(input, _along_dim_key(input, d, index))
    return named(IndexPut.apply(input, _source_part(src, index), key=items),
                  "ScatterBackward0" if is_tensor else "ScatterBackward1")


FAMILY.export(scatter, inplace=True)


class ScatterReduce(Node):
    saves_inputs = (0, 1)
    saves_output = True

    def forward(self, backend, a, src, dim, index, reduce, include_self):
        self.dim, self.index, self.reduce, self.include_self = dim, index, reduce, include_self
        return backend.scatter_reduce(a, dim, index._data, src, reduce, include_self)

    def backward(self, g):
        from .select import where

        x, src = self.saved_tensors
        dim, index, reduce, include_self = self.dim, self.index, self.reduce, self.include_self
        if reduce == "sum":
            gx, gsrc = g, g.gather(dim, index)
        elif reduce == "mean":
            count = (x.new_ones(x.shape) if include_self else x.new_zeros(x.shape))
            count = count.scatter_add(dim, index, src.new_ones(index.shape))
            count = where(count == 0, count.new_ones(()), count)
            gx, gsrc = g / count, g.gather(dim, index) / count.gather(dim, index)
        elif reduce == "prod":
            gx, gsrc = _prod_grads(g, x, src, self.saved_output, dim, index, include_self)
        else:  # amax, amin: split evenly among the values equal to the result
            result = self.saved_output
            value = result.gather(dim, index)
            self_is = cast(x == result, x.dtype)
            src_is = cast(src == value, x.dtype)
            share = g / self_is.scatter_add(dim, index, src_is)
            gx, gsrc = self_is * share, src_is * share.gather(dim, index)
        if not include_self:
            gx = scatter(gx, dim, index, 0)
        return gx, gsrc


def _prod_grads(g, x, src, result, dim, index, include_self):
    """PyTorch's rule: the product of the other factors, computed without dividing by a zero."""
    from .select import where

    x_zero = x == 0
    masked_x = where(x_zero, x.new_ones(()), x)
    gx = g * scatter_reduce(masked_x, dim, index, src, "prod", include_self=include_self) / masked_x
    src_zero = src == 0
    zeros_at = x.new_zeros(x.shape).scatter_add(dim, index, cast(src_zero, x.dtype)).gather(dim, index)
    single_zero = src_zero & (zeros_at == 1)
    masked_src = where(single_zero, src.new_ones(()), src)
    others = scatter_reduce(x, dim, index, masked_src, "prod", include_self=include_self)
    gsrc = where(single_zero, (g * others).gather(dim, index),
                 (g * result).gather(dim, index) / where(src_zero, src.new_ones(()), src))
    return gx, gsrc


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """out = input, then each src[i][j] reduced into out[index[i][j]][j] (dim=0) by sum,
    prod, mean, amax or amin; ``include_self=False`` leaves the input's own value out where
    something is scattered."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got " + str(reduce))
    check_same_device("scatter_reduce", input, src)
    d = _check_scatter("scatter_reduce", input, dim, index, src)
    if input._data.ndim == 0 or index._data.ndim == 0:  # one element along the one dim: as 1-d
        out = scatter_reduce(input.reshape(-1), 0, index.reshape(-1), src.reshape(-1), reduce,
                             include_self=include_self)
        return out.reshape(input.shape)
    return ScatterReduce.apply(input, _source_part(src, index), dim=d, index=index, reduce=reduce,
                               include_self=include_self)


FAMILY.export(scatter_reduce, inplace=True)


def _index_key(op, input, dim, index):
    d = _wrap_dim(dim, input._data.ndim, op)
    if index.dtype.category != D.INT or index.dtype is D.bool_:
        raise RuntimeError(f"{op}_(): Expected dtype int32/int64 for index but got: {_name(index)}")
    if index._data.ndim > 1:
        raise IndexError(f"{op}_(): Index is supposed to be a vector, but got dim: {index._data.ndim} with type: "
                         f"{_name(index)} and size: {list(index.shape)}")
    return d, (slice(None),) * d + (index.reshape(-1),)


def _check_bounds(index, size, dim, prefix="", error=RuntimeError):
    if index.numel() and not _graph_capture[0]:
        # a host read, as PyTorch's CPU kernel checks the bounds too (none inside a CUDA graph
        # capture, which allows no host read)
        low, high = int(index.min()), int(index.max())
        bad = high if high >= size else low if low < 0 else None
        if bad is not None:
            raise error(f"{prefix}index {bad} is out of bounds for dimension {dim} with size {size}")


def _slice_shapes(input, source, d):
    """The shapes of input and source without dim ``d`` (a 0-d tensor counts as one element)."""
    def without(t):
        return [s for a, s in enumerate(t.shape) if a != d] if t._data.ndim else []
    return without(input), without(source)


def index_add(input, dim, index, source, *, alpha=1):
    """out = input, then out[..., index[i], ...] += alpha * source[..., i, ...] along ``dim``."""
    d, key = _index_key("index_add", input, dim, index)
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_add_(): self ({_name(input)}) and source ({_name(source)}) must have the same "
                           f"scalar type")
    if index.numel() != (source.shape[d] if source._data.ndim else 1):
        raise RuntimeError(f"index_add_(): Number of indices ({index.numel()}) should be equal to source.size(dim): "
                           f"({source.shape[d] if source._data.ndim else 1}), for dim: {d}")
    own, other = _slice_shapes(input, source, d)
    if source._data.ndim and own != other:
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    _check_bounds(index, input.shape[d] if input._data.ndim else 1, d)
    if alpha != 1:
        source = source * alpha
    items, _ = convert_key(input, key)
    return named(input + IndexAdd.apply(source, key=items, shape=input._data.shape, device=input._device),
                  "IndexAddBackward0")


FAMILY.export(index_add, inplace=True)


def index_copy(input, dim, index, source):
    """out = input with out[..., index[i], ...] = source[..., i, ...] along ``dim``."""
    d, key = _index_key("index_copy", input, dim, index)
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{_name(input)} and (source) {_name(source)}")
    count = source.shape[d] if source._data.ndim else 1
    if index.numel() != count:
        raise IndexError(f"index_copy_(): Number of indices ({index.numel()}) should be equal to source.size(dim) "
                         f"({count})")
    own, other = _slice_shapes(input, source, d)
    mismatch = next((i for i, (a, b) in enumerate(zip(own, other)) if a != b), None)
    if mismatch is not None or len(own) != len(other):
        i = mismatch if mismatch is not None else min(len(own), len(other)) - 1
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination slice "
                           f"shape: {own[i]} at dimension {d} and source slice shape: {other[i]} at dimension {i}.")
    _check_bounds(index, input.shape[d] if input._data.ndim else 1, d, "index_copy_(): ", IndexError)
    items, _ = convert_key(input, key)
    return named(IndexPut.apply(input, source, key=items), "IndexCopyBackward0")


FAMILY.export(index_copy, inplace=True)


def index_fill(input, dim, index, value):
    """out = input with every slice ``index`` selects along ``dim`` set to ``value``."""
    d, key = _index_key("index_fill", input, dim, index)
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        value = cast(value, input.dtype) if value.dtype is not input.dtype else value
    else:
        from .creation import tensor

        value = tensor(value, dtype=input.dtype, device=input.device)
    items, _ = convert_key(input, key)
    return named(IndexPut.apply(input, value, key=items), "IndexFillBackward0")


FAMILY.export(index_fill, inplace=True)


def index_put(input, indices, values, accumulate=False):
    """out = input with out[indices] = values (or += with ``accumulate``, duplicates adding)."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors")
    if values.dtype is not input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {_name(input)} for the "
                           f"destination and {_name(values)} for the source.")
    items, _ = convert_key(input, tuple(indices))
    backend = input._device.backend
    target = backend.getitem(input._data, items).shape
    if tuple(values._data.shape) != tuple(target):
        try:
            values = values.expand(target)
        except RuntimeError:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                               f"indexing result of shape {list(target)}") from None
    if accumulate:
        out = input + IndexAdd.apply(values, key=items, shape=input._data.shape, device=input._device)
    else:
        out = IndexPut.apply(input, values, key=items)
    return named(out, "IndexPutBackward0")


FAMILY.export(index_put, inplace=True)


def masked_scatter(input, mask, source):
    """out = input with the positions where ``mask`` holds filled, in order, from the first
    elements of ``source``."""
    if mask.dtype is not D.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype {_name(mask)}")
    if source.dtype is not input.dtype:
        # PyTorch's message has no space after "got"
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got{_name(input)} "
                           f"and {_name(source)}")
    from .shape import broadcast_tensors

    input, mask = broadcast_tensors(input, mask)
    n = int(mask.sum())
    if n > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    items, _ = convert_key(input, (mask,))
    return named(IndexPut.apply(input, source.reshape(-1)[:n], key=items), "MaskedScatterBackward0")


FAMILY.export(masked_scatter, inplace=True)
