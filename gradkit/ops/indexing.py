"""Indexing: reads with gradients (duplicate indices accumulate) and writes in place."""
from __future__ import annotations

from .. import _dtype as D
from ..backends._cuda_graphs import _capturing as _graph_capture
from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node, _anomaly_or_capture
from ._core import cast, check_same_device, sum_to
from ._view_record import as_view, rebase_view
from .inplace import check_inplace, store, writable
from ._table import Family

FAMILY = Family("indexing")

_make = Tensor._make


def convert_key(x: Tensor, key):
    """A PyTorch index as a tuple the backend understands: ints, slices, None and
    backend arrays, with the Ellipsis expanded. Also says whether it is basic (a view)."""
    if not isinstance(key, tuple):
        key = (key,)
    backend = x._device.backend
    items, basic, consumed, ellipsis, bounded = [], True, 0, None, False
    for item in key:
        if item is None or isinstance(item, slice):
            items.append(item)
            if item is not None:
                if item.step is not None and item.step <= 0:
                    raise ValueError("step must be greater than zero")  # PyTorch has no reversed views
                consumed += 1
                bounded = bounded or item.start is not None or item.stop is not None
        elif item is Ellipsis:
            if ellipsis is not None:
                raise IndexError("an index can only have a single ellipsis ('...')")
            ellipsis = len(items)
            items.append(item)
        elif isinstance(item, bool):
            raise IndexError("gradkit does not support indexing with a Python bool")
        elif isinstance(item, int):
            items.append(item)
            consumed += 1
        else:
            arr, ndim = _index_array(x, item, backend)
            items.append(arr)
            basic = False
            consumed += ndim
    ndim = x._data.ndim
    if consumed > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim} (got {consumed})")
    if ellipsis is not None:
        items[ellipsis:ellipsis + 1] = [slice(None)] * (ndim - consumed)
    _check_ints(x, items)
    if bounded and backend.name != "numpy":  # NumPy clamps slice bounds itself
        _clamp_slices(items, x._data.shape, backend)
    return tuple(items), basic


def _clamp_slices(items, shape, backend):
    """Slice bounds past the ends (x[:10] of 3 elements) select up to the end, as in Python
    and PyTorch; the array API leaves them unspecified (array_api_strict refuses them), so
    they are clamped here. Only slices with explicit bounds are looked at."""
    axis = 0
    for k, item in enumerate(items):
        if item is None:
            continue
        if isinstance(item, slice):
            if item.start is not None or item.stop is not None:
                size = shape[axis]
                start, stop, step = item.indices(size)
                items[k] = slice(start, stop, step)
            axis += 1
        elif isinstance(item, int):
            axis += 1
        else:
            axis += item.ndim if item.dtype == backend.xp.bool else 1


def _index_array(x, item, backend):
    if isinstance(item, Tensor):
        if item._device is not x._device:
            raise RuntimeError(f"index: indices should be on the same device as the indexed tensor ({x.device}), "
                               f"but got indices on {item.device} (move them with .to({str(x.device)!r}))")
        dt = item.dtype
        if dt.category == D.FLOAT:
            raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors (got {dt})")
        arr = item._data
    else:
        if isinstance(item, range):
            item = list(item)
        if isinstance(item, (list, tuple)):
            if any(isinstance(v, Tensor) for v in item):
                item = [int(v) if isinstance(v, Tensor) else v for v in item]
            flat = _flatten(item)
            if flat and all(isinstance(v, bool) for v in flat):
                dt = D.bool_
            elif all(isinstance(v, int) for v in flat):
                dt = D.int64
            else:
                raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors (got a list with "
                                 f"{type(next(v for v in flat if not isinstance(v, (int, bool)))).__name__})")
            arr = backend.asarray(item, backend.xp_dtype(dt.name), x._device)
        elif hasattr(item, "__array__") or hasattr(item, "__dlpack__"):
            arr = backend.from_host(item, x._device)
            dt = D.dtype_of_array(arr)
            if dt.category == D.FLOAT:
                raise IndexError(f"arrays used as indices must be of integer or boolean type (got {dt})")
        else:
            raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             f"valid indices (got {type(item).__name__})")
    if dt is D.bool_:
        return arr, arr.ndim
    if dt is D.uint8:
        raise IndexError("indexing with uint8 tensors is not supported; use a bool tensor")
    if arr.dtype != backend.xp.int64:
        arr = backend.xp.astype(arr, backend.xp.int64)
    return arr, 1


def _flatten(items):
    out = []
    stack = [items]
    while stack:
        cur = stack.pop()
        for v in cur:
            if isinstance(v, (list, tuple)):
                stack.append(v)
            else:
                out.append(v)
    return out


def _check_ints(x, items):
    """Plain ints are checked here; index arrays are checked by the backend."""
    shape = x._data.shape
    axis = 0
    backend = x._device.backend
    xp = backend.xp
    for item in items:
        if item is None:
            continue
        if isinstance(item, int):
            size = shape[axis]
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for dimension {axis} with size {size}")
            axis += 1
        elif isinstance(item, slice):
            axis += 1
        else:
            if item.dtype == xp.bool:
                want = shape[axis:axis + item.ndim]
                if tuple(item.shape) != tuple(want):
                    raise IndexError(f"The shape of the mask {list(item.shape)} at index {axis} does not match the "
                                     f"shape of the indexed tensor {list(shape)}")
                axis += item.ndim
            else:
                size = shape[axis]
                # a host read: skipped inside a CUDA graph capture, which allows none (the
                # extremes: two reductions, no arrays of comparisons)
                if item.size and not _graph_capture[0] and (int(backend.reduce_max(item)) >= size or
                                                            int(backend.reduce_min(item)) < -size):
                    bad = _first_bad(xp, item, size, x._device.backend)
                    raise IndexError(f"index {bad} is out of bounds for dimension {axis} with size {size}")
                axis += 1


def _first_bad(xp, item, size, backend):
    host = backend.to_host(item).reshape(-1)
    for v in host.tolist():
        if not -size <= v < size:
            return v
    return "?"


class Getitem(Node):
    _backward_name = "IndexBackward0"

    def forward(self, backend, a, key):
        self.key, self.shape = key, a.shape
        return backend.getitem(a, key)

    def backward(self, g):
        device = g._device
        if is_grad_enabled_fast():  # create_graph: the op, recorded
            return IndexAdd.apply(g, key=self.key, shape=self.shape, device=device)
        # a plain backward records nothing: IndexAdd's kernel, without a node
        return _make(device.backend.index_add(self.shape, g._data.dtype, device, self.key, g._data), device)


class IndexAdd(Node):
    """zeros(shape) with g added at key: the gradient of getitem, itself differentiable."""

    def forward(self, backend, g, key, shape, device):
        self.key = key
        return backend.index_add(shape, g.dtype, device, key, g)

    def backward(self, gg):
        return Getitem.apply(gg, key=self.key)


def getitem(x: Tensor, key):
    items = _int64_tensors(x, key)
    if items is not None:
        if x._device.type != "cpu":
            _check_ints(x, items)
            return Getitem.apply(x, key=items)
        # NumPy's gather refuses an index out of range itself: the check (PyTorch's
        # message) runs only then
        try:
            return Getitem.apply(x, key=items)
        except IndexError:
            _check_ints(x, items)
            raise
    items, basic = convert_key(x, key)
    out = Getitem.apply(x, key=items)
    if basic:
        as_view(out, x, ((getitem, items),))
        if out.grad_fn is not None:
            out.grad_fn._backward_name = _basic_name(key, items, x._data.shape)
    return out


def _int64_tensors(x, key):
    """x[idx] or x[i, j, ...] with int64 index tensors on x's device, one per leading dim
    (an embedding lookup, a minibatch, a pick): the arrays, as convert_key would make them
    without its walk over the key; else None."""
    int64 = x._device.backend.xp.int64
    if type(key) is Tensor:
        if key._device is x._device and key._data.dtype == int64 and x._data.ndim:
            return (key._data,)
        return None
    if type(key) is not tuple or not key or len(key) > x._data.ndim:
        return None
    for t in key:
        if type(t) is not Tensor or t._device is not x._device or t._data.dtype != int64:
            return None
    return tuple([t._data for t in key])


def _basic_name(key, items, shape):
    """PyTorch's grad_fn name for a basic index: that of the last view it applies, item by
    item (select for an int, slice, unsqueeze for None). Inside a tuple a slice that takes a
    whole dimension is skipped (x[:, 0:5] of a (4, 5) tensor is AliasBackward0); a lone slice
    is always applied (x[:] is SliceBackward0)."""
    if isinstance(key, slice):
        return "SliceBackward0"
    name, axis = "AliasBackward0", 0
    for item in items:
        if item is None:
            name = "UnsqueezeBackward0"
            continue
        if isinstance(item, int):
            name = "SelectBackward0"
        elif item.indices(shape[axis]) != (0, shape[axis], 1):
            name = "SliceBackward0"
        axis += 1
    return name


class IndexPut(Node):
    """x with values written at key (out of place). Gradient: zero at key for x, the
    gathered gradient (summed back to its shape) for the values."""

    def forward(self, backend, a, v, key):
        xp = backend.xp
        self.key, self.v_shape = key, v.shape
        out = xp.asarray(a, copy=True)
        backend.setitem(out, key, xp.broadcast_to(v, backend.getitem(out, key).shape) if v.ndim else v)
        return out

    def backward(self, g):
        gx = gv = None
        if self.next_edges[0] is not None:
            zero = g.new_zeros(())
            gx = IndexPut.apply(g, zero, key=self.key)
        if self.next_edges[1] is not None:
            gv = sum_to(Getitem.apply(g, key=self.key), self.v_shape)
        return gx, gv


class CopySlices(IndexPut):
    """A base tensor's history after an in-place change through one of its views."""
    _backward_name = "CopySlices"


def setitem(x: Tensor, key, value):
    items, _ = convert_key(x, key)
    check_inplace(x, "setitem")
    backend = x._device.backend
    if isinstance(value, Tensor):
        check_same_device("index_put_", x, value)
        if value.dtype is not x.dtype:
            # PyTorch casts for ints, slices and masks (a copy_); integer-array keys (index_put_)
            # refuse a source of a higher category
            if not D.can_cast(value.dtype, x.dtype) and _has_index_array(items, backend.xp):
                raise RuntimeError(f"Index put requires the source and destination dtypes match, got {x.dtype} for "
                                   f"the destination and {value.dtype} for the source.")
            value = cast(value, x.dtype)
    else:
        from .creation import tensor

        try:
            value = tensor(value, dtype=x.dtype, device=x.device)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"can't assign a {type(value).__name__} to a {x.dtype} tensor: {exc}") from None
    vshape = value._data.shape
    if vshape and vshape[0] == 1:
        # PyTorch drops the value's leading size-1 dims (x[0] = t of shape [1] works)
        lead = 0
        while lead < len(vshape) and vshape[lead] == 1:
            lead += 1
        value = value.reshape(vshape[lead:])
    if is_grad_enabled_fast() and (x._requires_grad or value._requires_grad):
        before = _make(x._data, x._device, x._requires_grad, x.grad_fn, x._output_nr)
        try:
            new = IndexPut.apply(before, value, key=items)
        except ValueError:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
                               f"indexing result of shape {list(backend.getitem(x._data, items).shape)}") from None
        store(x, new._data)
        x.grad_fn, x._output_nr, x._requires_grad = new.grad_fn, 0, True
        if x._base is not None:
            rebase_view(x, new)
        return
    target_shape = backend.getitem(x._data, items).shape
    v = value._data
    try:
        if v.shape != target_shape:
            v = backend.xp.broadcast_to(v, target_shape)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to indexing "
                           f"result of shape {list(target_shape)}") from None
    writable(x)
    backend.setitem(x._data, items, v)
    x._version[0] += 1
    if _anomaly_or_capture[0]:
        from .inplace import note_inplace

        note_inplace(x)


def _has_index_array(items, xp):
    return any(item is not None and not isinstance(item, (int, slice)) and item.dtype != xp.bool for item in items)


def index_select(input, dim, index):
    d = _wrap_dim(dim, input._data.ndim, "index_select")
    if index.dtype.category != D.INT:
        raise RuntimeError(f"index_select(): Expected dtype int32 or int64 for index (got {index.dtype})")
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    return getitem(input, (slice(None),) * d + (index.reshape(-1),))


FAMILY.export(index_select)


def take(input, index):
    return getitem(input.reshape(-1), (index,))


FAMILY.export(take)


def masked_select(input, mask):
    input, mask = _broadcast_pair(input, mask)
    return getitem(input, (mask,))


FAMILY.export(masked_select)


def _broadcast_pair(a, b):
    from .shape import broadcast_tensors

    return broadcast_tensors(a, b)


def masked_fill(input, mask, value):
    from .select import where

    if mask.dtype is not D.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    if isinstance(value, Tensor) and value._data.ndim != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value._data.ndim} dimension(s).")
    out = where(mask, value, input)
    return cast(out, input.dtype) if out.dtype is not input.dtype else out


FAMILY.export(masked_fill, inplace=True)


def _along_dim_key(input, dim, index):
    """The advanced-indexing key that reads ``input`` at ``index`` along ``dim`` and at
    each element's own position along every other dim (gather's and scatter's key)."""
    from .creation import arange

    keys = []
    for axis, size in enumerate(index._data.shape):
        if axis == dim:
            keys.append(index)
        else:
            shape = [1] * index._data.ndim
            shape[axis] = size
            keys.append(arange(size, device=input.device).reshape(shape))
    return tuple(keys)


def gather(input, dim, index):
    """out[i][j] = input[index[i][j]][j] for dim=0 (and so on): a take along ``dim``."""
    d = _wrap_dim(dim, input._data.ndim, "gather")
    if index._data.ndim != input._data.ndim:
        raise RuntimeError(f"gather(): Index tensor must have the same number of dimensions as input tensor "
                           f"({index._data.ndim} vs {input._data.ndim})")
    try:
        out = getitem(input, _along_dim_key(input, d, index))
    except IndexError as exc:  # PyTorch's gather reports a bad index as a RuntimeError
        raise RuntimeError(f"gather(): {exc} (index shape {list(index.shape)}, input shape {list(input.shape)})") \
            from None
    if out.grad_fn is not None:
        out.grad_fn._backward_name = "GatherBackward0"
    return out


FAMILY.export(gather)


take_along_dim_ = gather


def take_along_dim(input, indices, dim=None):
    """gather along ``dim`` after broadcasting input and indices in every other dim (the
    flattened input at the flattened indices when ``dim`` is None)."""
    if dim is None:
        return take(input, indices.reshape(-1))
    if input._data.ndim != indices._data.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input._data.ndim} dimensions for input, and {indices._data.ndim} dimensions "
                           f"for indices")
    d = _wrap_dim(dim, input._data.ndim, "take_along_dim")
    from .shape import broadcast_shapes

    in_shape, idx_shape = list(input.shape), list(indices.shape)
    in_shape[d] = idx_shape[d] = 1
    common = list(broadcast_shapes(in_shape, idx_shape))
    if common != in_shape:
        input = input.expand(common[:d] + [input.shape[d]] + common[d + 1:])
    if common != idx_shape:
        indices = indices.expand(common[:d] + [indices.shape[d]] + common[d + 1:])
    return gather(input, d, indices)


FAMILY.export(take_along_dim)


def nonzero(input, *, as_tuple=False):
    xp = input._device.backend.xp
    coords = xp.nonzero(input._data if input._data.ndim else xp.reshape(input._data, (1,)))
    coords = [_make(xp.astype(c, xp.int64), input._device) for c in coords]
    if as_tuple:
        return tuple(coords)
    from .shape import stack

    if not coords:
        return _make(xp.zeros((0, 0), dtype=xp.int64, device=input._data.device), input._device)
    return stack(coords, 1)


FAMILY.export(nonzero)


def argwhere(input):
    return nonzero(input)


FAMILY.export(argwhere)
