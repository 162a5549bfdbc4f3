"""Indexing kernels: NumPy-semantics getitem/setitem and the scatter-add that is getitem's
gradient, written once against the array API.

The advanced indices (integer arrays, after masks become integer arrays) are turned into one
linear index over the indexed axes, moved to the front, so that a single ``take`` along axis 0
serves every combination NumPy allows.
"""
from __future__ import annotations

import math


class IndexingKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def getitem(self, array, key):
        """NumPy-semantics indexing. ``key`` is a tuple of ints, slices, None, Ellipsis and
        integer/boolean arrays of this backend."""
        basic, advanced = _split_key(self.xp, array, key)
        view = _basic_view(self.xp, array, basic)
        if advanced is None:
            return view
        return self._gather(view, *advanced)

    def index_add(self, shape, dtype, device, key, values):
        """zeros(shape) with ``values`` added at ``key``, duplicates accumulating (the
        gradient of getitem; a fancy-index ``+=`` would drop duplicates)."""
        xp = self.xp
        out = xp.zeros(shape, dtype=dtype, device=self.xp_device(device))
        basic, advanced = _split_key(xp, out, key)
        region_shape = _basic_view(xp, out, basic).shape
        if advanced is not None:
            values = self._scatter(region_shape, values, *advanced)
        values = xp.broadcast_to(xp.astype(values, dtype), region_shape)
        _basic_assign(xp, out, basic, values)
        return out

    def setitem(self, array, key, values):
        """Writes ``values`` at ``key`` in place (NumPy semantics; where indices repeat,
        which write wins is unspecified, as in PyTorch)."""
        xp = self.xp
        basic, advanced = _split_key(xp, array, key)
        if advanced is None:
            _basic_assign(xp, array, basic, values)
            return
        region = _basic_view(xp, array, basic)
        new_region = self._scatter_replace(region, values, *advanced)
        _basic_assign(xp, array, basic, new_region)

    # -- bags of embedding rows ---------------------------------------------------------
    def embedding_bag(self, weight, indices, starts, mean, padding_idx, device):
        """Sums (``mean``: means) of bags of ``weight``'s rows: bag b holds the rows at
        ``indices[starts[b]:starts[b + 1]]`` (the last bag runs to the end of ``indices``),
        less those equal to ``padding_idx`` (-1: none); an empty bag gives zeros. Returns the
        (bags, dim) result and each bag's count of rows that are not padding (in weight's
        dtype), which the gradient reads. ``device``: the gradkit device of the arrays."""
        xp = self.xp
        bags, dim = starts.shape[0], weight.shape[1]
        bag_of = _bag_of_each_index(xp, indices, starts, padding_idx)
        # a spare bag, dropped below, collects the padding
        sums = self.index_add((bags + 1, dim), weight.dtype, device, (bag_of,), xp.take(weight, indices, axis=0))
        ones = xp.ones(indices.shape, dtype=weight.dtype, device=weight.device)
        counts = self.index_add((bags + 1,), weight.dtype, device, (bag_of,), ones)[:bags]
        sums = sums[:bags, ...]
        if mean:  # PyTorch divides the sums (its gradient multiplies by 1 / count)
            sums = sums / xp.reshape(xp.maximum(counts, xp.ones_like(counts)), (bags, 1))
        return sums, counts

    def embedding_bag_backward(self, g, indices, starts, counts, mean, padding_idx, num_weights, device):
        """embedding_bag's gradient in the (num_weights, dim) weight from the bags' gradient
        ``g`` (bags, dim): each index's row receives its bag's gradient (times 1 / count for
        ``mean``, one float of g's dtype per bag, as PyTorch scales), padding none."""
        xp = self.xp
        bags, dim = g.shape
        if mean:
            g = g * xp.reshape(1 / xp.maximum(counts, xp.ones_like(counts)), (bags, 1))
        bag_of = _bag_of_each_index(xp, indices, starts, padding_idx)
        # the spare bag of the padding has a gradient of zeros
        g = xp.concat([g, xp.zeros((1, dim), dtype=g.dtype, device=g.device)])
        return self.index_add((num_weights, dim), g.dtype, device, (indices,), xp.take(g, bag_of, axis=0))

    def _gather(self, view, axes, index_arrays, adjacent):
        xp = self.xp
        flat, linear, lead = _linearise(xp, view, axes, index_arrays)
        taken = xp.take(flat, xp.reshape(linear, (-1,)), axis=0)
        taken = xp.reshape(taken, linear.shape + flat.shape[1:])
        return _restore_position(xp, taken, len(linear.shape), axes, adjacent)

    def _scatter(self, region_shape, values, axes, index_arrays, adjacent):
        xp = self.xp
        probe = xp.zeros(region_shape, dtype=values.dtype, device=values.device)
        flat, linear, lead = _linearise(xp, probe, axes, index_arrays)
        nb = len(linear.shape)
        values = xp.broadcast_to(values, _gather_shape(region_shape, axes, linear.shape, adjacent))
        values = _to_front(xp, values, nb, axes, adjacent)
        values = xp.reshape(values, (math.prod(linear.shape),) + flat.shape[1:])
        onehot = _onehot(xp, linear, flat.shape[0], values.dtype)
        summed = xp.tensordot(onehot, values, axes=1) if values.ndim > 1 else onehot @ values
        summed = xp.reshape(summed, tuple(region_shape[a] for a in axes) + flat.shape[1:])
        return _from_front(xp, summed, len(region_shape), axes)

    def _scatter_replace(self, region, values, axes, index_arrays, adjacent):
        xp = self.xp
        flat, linear, lead = _linearise(xp, region, axes, index_arrays)
        nb = len(linear.shape)
        values = xp.broadcast_to(xp.astype(values, region.dtype),
                                 _gather_shape(region.shape, axes, linear.shape, adjacent))
        values = _to_front(xp, values, nb, axes, adjacent)
        m = math.prod(linear.shape)
        values = xp.reshape(values, (m,) + flat.shape[1:])
        if m:
            # the last write to a position wins, as a sequential loop would do: sort the writes
            # by position (stably, so each position's writes stay in order), keep each
            # position's last, and find every position's among them by binary search (no
            # positions-by-writes table, which grows with the square of a masked array's size)
            targets = xp.reshape(linear, (-1,))
            order = xp.argsort(targets, stable=True)
            ordered = xp.take(targets, order)
            is_last = xp.concat([ordered[1:] != ordered[:-1], xp.ones((1,), dtype=xp.bool, device=linear.device)])
            kept = xp.nonzero(is_last)[0]
            last_targets, last_writes = xp.take(ordered, kept), xp.take(order, kept)
            positions = xp.arange(flat.shape[0], dtype=last_targets.dtype, device=linear.device)
            found = xp.minimum(xp.searchsorted(last_targets, positions), last_targets.shape[0] - 1)
            hit = xp.take(last_targets, found) == positions
            chosen = xp.take(values, xp.take(last_writes, found), axis=0)
        else:
            hit, chosen = xp.zeros(flat.shape[0], dtype=xp.bool, device=linear.device), flat
        hit = xp.reshape(hit, (-1,) + (1,) * (flat.ndim - 1))
        new_flat = xp.where(hit, chosen, flat)
        new_flat = xp.reshape(new_flat, tuple(region.shape[a] for a in axes) + flat.shape[1:])
        return _from_front(xp, new_flat, region.ndim, axes)


def _bag_of_each_index(xp, indices, starts, padding_idx):
    """The bag of each index (bags start at ``starts``); padding goes to a spare bag past the last."""
    positions = xp.arange(indices.shape[0], dtype=starts.dtype, device=starts.device)
    bag_of = xp.searchsorted(starts, positions, side="right") - 1
    if padding_idx >= 0:
        bag_of = xp.where(indices == padding_idx, xp.asarray(starts.shape[0], dtype=bag_of.dtype,
                                                             device=bag_of.device), bag_of)
    return bag_of


def _basic_view(xp, array, basic):
    """``array[basic]`` where basic may hold None: the standard's multi-axis indexing is
    applied without the Nones, which then become size-1 axes by a reshape."""
    if not any(item is None for item in basic):
        return array[basic]
    view = array[tuple(item for item in basic if item is not None)]
    return xp.reshape(view, _shape_with_new_axes(array.ndim, basic, view.shape))


def _basic_assign(xp, array, basic, values):
    stripped = tuple(item for item in basic if item is not None)
    if len(stripped) != len(basic):
        target = array[stripped].shape
        values = xp.reshape(xp.broadcast_to(values, _shape_with_new_axes(array.ndim, basic, target)), target)
    array[stripped] = values


def _shape_with_new_axes(ndim, basic, stripped_shape):
    """The shape of array[basic] given the shape of array[basic without None]."""
    out, src = [], iter(stripped_shape)
    consumed = 0
    for item in basic:
        if item is None:
            out.append(1)
        elif item is Ellipsis:
            # the trailing Ellipsis stands for every axis the key did not name
            out.extend(next(src) for _ in range(ndim - consumed))
        elif isinstance(item, slice):
            out.append(next(src))
            consumed += 1
        else:
            consumed += 1
    return tuple(out)


def _split_key(xp, array, key):
    """Splits a key into a basic part (ints, slices, None) that keeps every indexed axis
    addressable, and the advanced part described on the result of the basic part."""
    basic = []
    adv_axes, adv_arrays = [], []
    axis = 0  # axis in the result of the basic part
    for item in key:
        if item is None:
            basic.append(None)
            axis += 1
        elif isinstance(item, slice):
            basic.append(item)
            axis += 1
        elif isinstance(item, int):
            basic.append(item)
        elif getattr(item, "dtype", None) == xp.bool:
            basic.extend([slice(None)] * item.ndim)
            coords = xp.nonzero(item)
            for c in coords:
                adv_axes.append(axis)
                adv_arrays.append(c)
                axis += 1
        else:
            basic.append(slice(None))
            adv_axes.append(axis)
            adv_arrays.append(item)
            axis += 1
    basic.append(Ellipsis)
    if not adv_axes:
        return tuple(basic), None
    adjacent = adv_axes == list(range(adv_axes[0], adv_axes[0] + len(adv_axes)))
    return tuple(basic), (adv_axes, adv_arrays, adjacent)


def _linearise(xp, view, axes, index_arrays):
    """Moves ``axes`` to the front of ``view`` and flattens them; returns the flat array and
    the linear index into its first axis (broadcast shape of the index arrays)."""
    arrays = xp.broadcast_arrays(*index_arrays) if len(index_arrays) > 1 else list(index_arrays)
    rest = [a for a in range(view.ndim) if a not in axes]
    moved = xp.permute_dims(view, tuple(axes) + tuple(rest))
    sizes = [view.shape[a] for a in axes]
    linear = None
    for arr, size in zip(arrays, sizes):
        arr = xp.astype(arr, xp.int64)
        arr = xp.where(arr < 0, arr + size, arr)
        linear = arr if linear is None else linear * size + arr
    flat = xp.reshape(moved, (math.prod(sizes),) + tuple(view.shape[a] for a in rest))
    return flat, linear, len(axes)


def _gather_shape(region_shape, axes, bshape, adjacent):
    rest = [region_shape[a] for a in range(len(region_shape)) if a not in axes]
    if adjacent:
        first = axes[0]
        before = [region_shape[a] for a in range(first)]
        after = rest[len(before):]
        return tuple(before) + tuple(bshape) + tuple(after)
    return tuple(bshape) + tuple(rest)


def _restore_position(xp, taken, nb, axes, adjacent):
    """``taken`` has the broadcast index dims first; NumPy puts them where the advanced
    indices stood when those were adjacent."""
    if not adjacent or axes[0] == 0:
        return taken
    first = axes[0]
    order = tuple(range(nb, nb + first)) + tuple(range(nb)) + tuple(range(nb + first, taken.ndim))
    return xp.permute_dims(taken, order)


def _to_front(xp, values, nb, axes, adjacent):
    if not adjacent or axes[0] == 0:
        return values
    first = axes[0]
    order = tuple(range(first, first + nb)) + tuple(range(first)) + tuple(range(first + nb, values.ndim))
    return xp.permute_dims(values, order)


def _from_front(xp, arr, ndim, axes):
    """Inverse of moving ``axes`` to the front."""
    rest = [a for a in range(ndim) if a not in axes]
    order = list(axes) + rest
    inverse = [order.index(a) for a in range(ndim)]
    return xp.permute_dims(arr, tuple(inverse))


def _onehot(xp, linear, size, dtype):
    flat = xp.reshape(linear, (1, -1))
    positions = xp.reshape(xp.arange(size, device=linear.device), (-1, 1))
    return xp.astype(positions == flat, dtype)


def ints_first(key):
    """PyTorch applies integer indices before the advanced (array) ones: for x of shape
    (3, 4, 5), x[1, :, idx] is x[1][:, idx], of shape (4, len(idx)). NumPy and CuPy count
    the int as one more advanced index and, the two being apart, put the index dims first
    (shape (len(idx), 4)). For a key with both, returns (the ints with full slices, the rest)
    to index in two steps; None for any other key (one step gives PyTorch's answer).
    ``key`` is a tuple as ``gradkit.ops.indexing.convert_key`` makes it (no Ellipsis)."""
    if type(key) is not tuple:
        return None
    has_int = has_array = False
    for item in key:
        if isinstance(item, int):
            has_int = True
        elif item is not None and not isinstance(item, slice) and item is not Ellipsis:
            has_array = True
    if not (has_int and has_array):
        return None
    first, rest = [], []
    for item in key:
        if item is None or item is Ellipsis:
            rest.append(item)
        elif isinstance(item, int):
            first.append(item)
        elif isinstance(item, slice):
            first.append(item)
            rest.append(slice(None))
        else:
            first.extend([slice(None)] * (item.ndim if item.dtype == bool else 1))
            rest.append(item)
    return tuple(first), tuple(rest)



# For libraries with NumPy's indexing (NumPy, CuPy): their native kernels in PyTorch's index order.
def _basic(key):
    """Whether ``key`` is basic indexing only (ints, slices, None, Ellipsis): it reaches each
    element at most once."""
    items = key if isinstance(key, tuple) else (key,)
    return all(item is None or item is Ellipsis or type(item) in (int, slice) for item in items)


def add_at(native, out, key, values):
    """``out[key] += values`` in place with repeated indices accumulating (``native.add.at``;
    a basic key repeats no element, so it adds through the view it names)."""
    if _basic(key):
        out[key] += values
        return
    split = ints_first(key)
    if split is None:
        native.add.at(out, key, values)
    else:
        native.add.at(out[split[0]], split[1], values)  # out[ints] is a view: the adds land in out


def assign_at(array, key, values):
    """``array[key] = values`` in place."""
    split = ints_first(key)
    if split is None:
        array[key] = values
    else:
        array[split[0]][split[1]] = values


class DiagonalKernels:
    """A diagonal of two axes, read (``diagonal``) and written into zeros (``diagonal_scatter``).
    The portable read gathers, so it is a copy; a backend whose read is a writable view of
    the array says so with ``diagonal_is_view`` (autograd then treats it as a view)."""
    xp = None
    diagonal_is_view = False

    def _diagonal_positions(self, length, offset, device):
        xp = self.xp
        steps = xp.arange(length, dtype=xp.int64, device=device)
        return steps + max(-offset, 0), steps + max(offset, 0)

    def diagonal(self, array, offset, axis1, axis2):
        xp = self.xp
        moved = xp.moveaxis(array, (axis1, axis2), (-2, -1))
        rows, cols = moved.shape[-2], moved.shape[-1]
        length = max(0, min(rows - max(-offset, 0), cols - max(offset, 0)))
        row_idx, col_idx = self._diagonal_positions(length, offset, array.device)
        return self.getitem(moved, (slice(None),) * (moved.ndim - 2) + (row_idx, col_idx))

    def diagonal_scatter(self, values, shape, offset, axis1, axis2, device):
        """zeros(shape) with ``values`` (the diagonal's layout: its entries along the last
        axis) on the diagonal of ``axis1``, ``axis2``."""
        xp = self.xp
        order = [i for i in range(len(shape)) if i not in (axis1, axis2)] + [axis1, axis2]
        moved_shape = tuple(shape[i] for i in order)
        row_idx, col_idx = self._diagonal_positions(values.shape[-1], offset, values.device)
        key = (slice(None),) * (len(shape) - 2) + (row_idx, col_idx)
        out = self.index_add(moved_shape, values.dtype, device, key, values)
        return xp.moveaxis(out, (-2, -1), (axis1, axis2))



class ScatterKernels:
    """scatter_reduce along one axis: ``values`` (shaped like ``index``) combined into a copy
    of ``base`` at base[..., index[i, j], ...] (the index replacing the coordinate along
    ``axis``). The portable form compares every target position with every source position
    (memory of their product); NumPy overrides it with ``ufunc.at``."""
    xp = None

    def scatter_reduce(self, base, axis, index, values, reduce, include_self):
        xp = self.xp
        if math.prod(index.shape) == 0:
            return xp.asarray(base, copy=True)
        if base.dtype == xp.bool:  # the standard's max, min and sum take numbers only
            out = self.scatter_reduce(xp.astype(base, xp.uint8), axis, index, xp.astype(values, xp.uint8), reduce,
                                      include_self)
            return out > 0
        positions = xp.reshape(along_axis_positions(xp, base.shape, axis, index), (1, -1))
        flat = xp.reshape(base, (-1,))
        vals = xp.reshape(values, (1, -1))
        targets = xp.arange(flat.shape[0], dtype=positions.dtype, device=positions.device)
        hits = positions == xp.reshape(targets, (-1, 1))
        count = xp.sum(xp.astype(hits, positions.dtype), axis=1)
        fill = xp.asarray(scatter_identity(xp, reduce, flat.dtype), dtype=flat.dtype, device=flat.device)
        spread = xp.where(hits, vals, fill)
        if reduce in ("sum", "mean"):
            reduced = xp.sum(spread, axis=1, dtype=flat.dtype)
        elif reduce == "prod":
            reduced = xp.prod(spread, axis=1, dtype=flat.dtype)
        elif reduce == "amax":
            reduced = xp.max(spread, axis=1)
        else:
            reduced = xp.min(spread, axis=1)
        if include_self:
            combine = {"sum": xp.add, "mean": xp.add, "prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}
            reduced = combine[reduce](flat, reduced)
            count = count + 1
        if reduce == "mean":
            divisor = xp.astype(xp.where(count > 0, count, 1), flat.dtype)
            # PyTorch rounds an integer mean down
            reduced = reduced / divisor if xp.isdtype(flat.dtype, "real floating") else reduced // divisor
        return xp.reshape(xp.where(count > 0, reduced, flat), base.shape)


def along_axis_positions(xp, shape, axis, index):
    """The flat (C-order) position in an array of ``shape`` of each element of ``index``: its
    value along ``axis`` and its own coordinate along every other axis."""
    positions = xp.astype(index, xp.int64) * math.prod(shape[axis + 1:])
    stride = 1
    for ax in range(len(shape) - 1, -1, -1):
        if ax != axis:
            coord = xp.reshape(xp.arange(index.shape[ax], dtype=xp.int64, device=index.device),
                               tuple(index.shape[ax] if a == ax else 1 for a in range(index.ndim)))
            positions = positions + coord * stride
        stride *= shape[ax]
    return positions


def scatter_identity(xp, reduce, dtype):
    """The value a target position starts from when its own value is left out."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype == xp.bool:
        return reduce == "amin"
    if xp.isdtype(dtype, "real floating"):
        return -math.inf if reduce == "amax" else math.inf
    info = xp.iinfo(dtype)
    return info.min if reduce == "amax" else info.max
