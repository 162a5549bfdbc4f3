"""The Backend interface with portable defaults written against the array API standard.

Each default uses only functions of ``self.xp``, so a new array library works as soon as
it has an array-API namespace; NumPy and CuPy override the slow ones with their native
kernels (``add.at``, fancy indexing). The strict test backend keeps the defaults, so the
test suite exercises them on every run.
"""
from __future__ import annotations

import math
from sys import getrefcount


class BackendUnavailable(RuntimeError):
    """Raised when a device is asked for whose array library or hardware is missing."""


class Backend:
    name = "abstract"
    xp = None  # the array-API namespace

    # -- devices and dtypes -------------------------------------------------------------
    def xp_device(self, device):
        """The array library's own device object for a gradkit Device."""
        raise NotImplementedError

    def resolve(self, device):
        """A concrete device (e.g. 'cuda' -> 'cuda:0')."""
        return device

    def device_count(self) -> int:
        return 1

    def xp_dtype(self, name: str):
        return getattr(self.xp, name)

    def dtype_name(self, array_dtype) -> str:
        return str(array_dtype).rsplit(".", 1)[-1]

    # -- creation and transfer ----------------------------------------------------------
    def asarray(self, obj, dtype, device, copy=None):
        return self.xp.asarray(obj, dtype=dtype, device=self.xp_device(device), copy=copy)

    def to_host(self, array):
        """A NumPy array with the values of ``array`` (copies off accelerators)."""
        raise NotImplementedError

    def from_host(self, host_array, device):
        return self.xp.asarray(host_array, device=self.xp_device(device))

    def from_dlpack(self, obj, device):
        return self.xp.from_dlpack(obj)

    def synchronize(self, device=None) -> None:
        """Wait for queued work; a no-op where work runs eagerly."""

    def memory_info(self, device=None) -> dict:
        return {}

    # -- what the standard lacks ----------------------------------------------------------
    def reshape_is_view(self, array, shape) -> bool:
        """Whether ``reshape(array, shape)`` can share the array's memory (a non-contiguous
        array may need a copy): autograd treats only real views as views."""
        try:
            self.xp.reshape(array, shape, copy=False)
        except (ValueError, AttributeError, TypeError):
            return False
        return True

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

    def cumsum(self, array, axis):
        return self.xp.cumulative_sum(array, axis=axis)

    # -- the training step's hot kernels (overridden where a library has a faster form) -----
    # reductions as xp.sum / xp.max / xp.min (NumPy's are Python wrappers worth ~2 us a call
    # on small arrays; its override calls the ufunc's reduce directly)
    def reduce_sum(self, a, axis=None, keepdims=False):
        return self.xp.sum(a, axis=axis, keepdims=keepdims)

    def reduce_max(self, a, axis=None, keepdims=False):
        return self.xp.max(a, axis=axis, keepdims=keepdims)

    def reduce_min(self, a, axis=None, keepdims=False):
        return self.xp.min(a, axis=axis, keepdims=keepdims)

    def ones_like(self, a):
        """An array of ones of ``a``'s shape, dtype and device (backward()'s seed gradient)."""
        return self.xp.ones_like(a)

    def indices_in_range(self, idx, high) -> bool:
        """Whether every element of the integer array ``idx`` is in [0, high) (class targets)."""
        return idx.size == 0 or (int(self.reduce_min(idx)) >= 0 and int(self.reduce_max(idx)) < high)

    def exp(self, a):
        """e^a, rounded as PyTorch rounds it on this device. Float32 goes through float64:
        NumPy's float32 exp (a SIMD kernel) is off PyTorch's CPU result in the last bit for
        about a third of inputs (exp(12.) prints 162754.7812 where torch prints 162754.7969);
        the float64 exp rounded to float32 agrees with torch for ~99%."""
        xp = self.xp
        if a.dtype == xp.float32:
            return xp.astype(xp.exp(xp.astype(a, xp.float64)), xp.float32)
        return xp.exp(a)

    def matmul_nt(self, a, b):
        """``a @ b^T`` for 2-D ``a`` (m, k) and ``b`` (n, k): a linear layer's product."""
        return self.xp.matmul(a, b.T)

    def relu(self, a):
        """max(a, 0), keeping NaN and -0. as PyTorch does."""
        xp = self.xp
        return xp.where(a < 0, xp.zeros_like(a), a)

    def relu_backward(self, out, g):
        """relu's gradient: ``g`` where the output ``out`` is > 0 (or NaN), +0. elsewhere."""
        xp = self.xp
        return xp.where(out <= 0, xp.zeros_like(g), g)

    def axpy_(self, y, alpha: float, x) -> None:
        """``y += alpha * x`` in place, for ``x`` and ``y`` of one shape and floating dtype
        (an optimizer's update)."""
        y += alpha * x

    def take_rows(self, a, idx):
        """``a[i, idx[i]]`` for each row i of the 2-D ``a`` (a classifier's target logits)."""
        xp = self.xp
        n, c = a.shape
        rows = xp.arange(n, dtype=idx.dtype, device=idx.device)
        return xp.take(xp.reshape(a, (-1,)), rows * c + idx)

    def add_rows(self, a, idx, v):
        """``a`` with ``v`` (a scalar, or a vector of one value per row) added at ``a[i, idx[i]]``: a new
        array here; the NumPy backend adds in place and returns ``a``."""
        xp = self.xp
        n, c = a.shape
        hit = xp.reshape(idx, (n, 1)) == xp.arange(c, dtype=idx.dtype, device=idx.device)
        if getattr(v, "ndim", 0):
            v = xp.reshape(v, (n, 1))
        return xp.where(hit, a + v, a)

    # -- random numbers -----------------------------------------------------------------
    def seed(self, seed: int) -> None:
        raise NotImplementedError

    def uniform(self, shape, dtype, device):
        raise NotImplementedError

    def normal(self, shape, dtype, device):
        raise NotImplementedError

    def integers(self, low, high, shape, dtype, device):
        raise NotImplementedError

    def permutation(self, n, device):
        """A random permutation of range(n), int64: the order that sorts n uniform keys
        (ties, at 2**-53 apart, are vanishingly rare)."""
        xp = self.xp
        return xp.astype(xp.argsort(self.uniform((n,), xp.float64, device), stable=True), xp.int64)

    def categorical(self, probs, num_samples, device):
        """``num_samples`` category indices drawn with replacement from each row of ``probs``
        (rows, k): float64 non-negative weights, every row with a positive sum. Returns
        int64 (rows, num_samples).

        Inverse-CDF sampling of all rows at once: row r's CDF is shifted onto [r, r + 1], so
        one sorted 1-D array holds every row and a single ``searchsorted`` (which takes a
        1-D sorted array in the standard) places every draw."""
        xp = self.xp
        rows, k = probs.shape
        if rows == 0 or num_samples == 0:
            return xp.zeros((rows, num_samples), dtype=xp.int64, device=self.xp_device(device))
        cdf = self.cumsum(probs, 1)
        cdf = cdf / cdf[:, -1:]
        shift = xp.reshape(xp.arange(rows, dtype=cdf.dtype, device=self.xp_device(device)), (rows, 1))
        u = self.uniform((rows, num_samples), cdf.dtype, device) + shift
        pos = xp.searchsorted(xp.reshape(cdf + shift, (-1,)), xp.reshape(u, (-1,)), side="right")
        idx = xp.reshape(xp.astype(pos, xp.int64), (rows, num_samples)) - xp.astype(shift, xp.int64) * k
        # rounding of u + r can land on a neighbouring row's edge: keep indices in the row
        return xp.clip(idx, 0, k - 1)

    def multinomial_counts(self, total_count, probs, num, device):
        """Counts of ``total_count`` draws from each row of ``probs`` (rows, k), ``num``
        independent times: int64 (num, rows, k). The portable default draws every index
        (``categorical``) and counts them all with one sort and one ``searchsorted``."""
        xp = self.xp
        rows, k = probs.shape
        dev = self.xp_device(device)
        if total_count == 0 or num == 0 or rows == 0:
            return xp.zeros((num, rows, k), dtype=xp.int64, device=dev)
        idx = xp.reshape(self.categorical(probs, num * total_count, device), (rows, num, total_count))
        cell = (xp.reshape(xp.arange(num, dtype=xp.int64, device=dev), (1, num, 1)) * rows
                + xp.reshape(xp.arange(rows, dtype=xp.int64, device=dev), (rows, 1, 1))) * k + idx
        keys = xp.sort(xp.reshape(cell, (-1,)))
        edges = xp.searchsorted(keys, xp.arange(num * rows * k + 1, dtype=xp.int64, device=dev), side="left")
        counts = xp.astype(edges[1:] - edges[:-1], xp.int64)
        return xp.reshape(counts, (num, rows, k))

    # -- portable advanced indexing -------------------------------------------------------
    # The advanced indices (integer arrays, after masks become integer arrays) are turned
    # into one linear index over the indexed axes, moved to the front, so that a single
    # ``take`` along axis 0 serves every combination NumPy allows.
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
        hits = xp.reshape(linear, (1, -1)) == xp.reshape(xp.arange(flat.shape[0], device=linear.device), (-1, 1))
        # the last write to a position wins, as a sequential loop would do
        order = xp.where(hits, xp.arange(1, m + 1, device=linear.device), 0)
        last = xp.max(order, axis=1) if m else xp.zeros(flat.shape[0], dtype=linear.dtype, device=linear.device)
        hit = last > 0
        chosen = xp.take(values, xp.where(hit, last - 1, 0), axis=0) if m else flat
        hit = xp.reshape(hit, (-1,) + (1,) * (flat.ndim - 1))
        new_flat = xp.where(hit, chosen, flat)
        new_flat = xp.reshape(new_flat, tuple(region.shape[a] for a in axes) + flat.shape[1:])
        return _from_front(xp, new_flat, region.ndim, axes)

    # -- gradient adoption (asked by the backward engine) ---------------------------------
    def adoptable(self, array) -> bool:
        """Whether ``array``, the data of a gradient Tensor that nothing else refers to, may
        become a leaf's ``.grad`` as it is, without a copy. ``.grad`` accumulates in place
        afterwards, so the array must own its memory (not be a view of another array), be
        writable, and have that one Tensor as its only holder. The portable answer is no:
        the array API can tell neither a view nor another holder, so leaves copy."""
        return False


# What sys.getrefcount reports for an array whose only holder is one attribute (a Tensor's
# _data), read inside a method that the attribute was passed to, as the adoptable overrides
# read it. The interpreter's own references in that count differ between Python versions
# (3.14 borrows some), so it is measured once instead of written down; a higher count
# means another holder.
def _refs_seen_by_callee(array):
    return getrefcount(array)


class _Holder:
    __slots__ = ("data",)


def _sole_holder_refs():
    holder = _Holder()
    holder.data = [None]  # any object only the holder refers to
    return _refs_seen_by_callee(holder.data)


SOLE_HOLDER_REFS = _sole_holder_refs()


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
