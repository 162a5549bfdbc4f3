"""Sorting and selection."""
from __future__ import annotations

from collections import namedtuple

from .._tensor import Tensor, _wrap_dim
from .reduction import one_hot_along  # noqa: F401  (re-exported for topk users)
from ._table import Family

FAMILY = Family("sorting")

_make = Tensor._make
return_types = namedtuple("return_types", ["values", "indices"])


def argsort(input, dim=-1, descending=False, stable=False):
    xp = input._device.backend.xp
    if input._data.ndim == 0:
        return _make(xp.zeros((), dtype=xp.int64), input._device)
    d = _wrap_dim(dim, input._data.ndim, "argsort")
    if descending:
        # NumPy's argsort has no descending=: sort the flipped array ascending (stably) and
        # read it backwards, which keeps ties in their original order, as PyTorch does
        n = input._data.shape[d]
        idx = (n - 1) - xp.flip(xp.argsort(xp.flip(input._data, axis=d), axis=d, stable=True), axis=d)
    else:
        idx = xp.argsort(input._data, axis=d, stable=True)
    return _make(xp.astype(idx, xp.int64), input._device)


FAMILY.export(argsort)


def sort(input, dim=-1, descending=False, stable=False):
    """Values and indices; the values carry gradients back to their positions."""
    idx = argsort(input, dim, descending, stable)
    if input._data.ndim == 0:
        return return_types(input.clone(), idx)
    from .indexing import gather

    return return_types(gather(input, dim, idx), idx)


FAMILY.export(sort)


def topk(input, k, dim=-1, largest=True, sorted=True):
    d = _wrap_dim(dim, input._data.ndim, "topk")
    n = input._data.shape[d] if input._data.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"selected index k out of range (k={k}, size of dim {d} is {n})")
    idx = argsort(input, d, descending=largest).narrow(d, 0, k)
    from .indexing import gather

    return return_types(gather(input, d, idx), idx)


FAMILY.export(topk)


def kthvalue(input, k, dim=-1, keepdim=False):
    d = _wrap_dim(dim, input._data.ndim, "kthvalue")
    n = input._data.shape[d] if input._data.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d} (k={k}, size {n})")
    values, indices = sort(input, d)
    v, i = values.narrow(d, k - 1, 1), indices.narrow(d, k - 1, 1)
    if not keepdim:
        v, i = v.squeeze(d), i.squeeze(d)
    return return_types(v, i)


FAMILY.export(kthvalue)


def median(input, dim=None, keepdim=False):
    """Lower median, as in PyTorch."""
    if dim is None:
        flat = input.reshape(-1)
        return sort(flat).values[(flat.numel() - 1) // 2]
    d = _wrap_dim(dim, input._data.ndim, "median")
    return kthvalue(input, (input._data.shape[d] + 1) // 2, d, keepdim)


FAMILY.export(median)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements in ascending order (``sorted=False`` gives them sorted too, as
    PyTorch does on the CPU), or with ``dim`` the distinct slices along dim in lexicographic
    order; optionally where each element (slice) went and how many there were of each."""
    if dim is not None:
        return _unique_slices("unique", input, dim, return_inverse, return_counts, consecutive=False)
    xp = input._device.backend.xp
    res = xp.unique_all(xp.reshape(input._data, (-1,)))
    values = _make(res.values, input._device)
    order = argsort(values)
    values = values[order]
    out = [values]
    if return_inverse:
        # unique_all's inverse indexes its own (possibly unsorted) values: remap to sorted
        rank = argsort(order)
        inverse = rank[_make(xp.astype(xp.reshape(res.inverse_indices, input._data.shape), xp.int64), input._device)]
        out.append(inverse)
    if return_counts:
        out.append(_make(xp.astype(res.counts, xp.int64), input._device)[order])
    return out[0] if len(out) == 1 else tuple(out)


FAMILY.export(unique)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapses each run of equal consecutive elements (slices along ``dim``) to one."""
    if dim is not None:
        return _unique_slices("unique_consecutive", input, dim, return_inverse, return_counts, consecutive=True)
    flat = input.reshape(1, -1) if input._data.ndim else input.reshape(1, 1)
    values, inverse, counts = _unique_slices("unique_consecutive", flat, 1, True, True, consecutive=True)
    out = [values.reshape(-1)]
    if return_inverse:
        out.append(inverse.reshape(input.shape))
    if return_counts:
        out.append(counts)
    return out[0] if len(out) == 1 else tuple(out)


FAMILY.export(unique_consecutive)


def _unique_slices(op, input, dim, return_inverse, return_counts, consecutive):
    """unique / unique_consecutive along ``dim``: each slice is compared as a whole."""
    xp = input._device.backend.xp
    if input._data.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _wrap_dim(dim, input._data.ndim, op)
    moved = xp.moveaxis(input._data, d, 0)
    n, rest = moved.shape[0], moved.shape[1:]
    width = 1
    for size in rest:
        width *= size
    rows = xp.reshape(moved, (n, width))
    order = xp.arange(n, dtype=xp.int64, device=rows.device)
    if not consecutive:
        # lexicographic order of the rows: stable sorts by each column, the last column first
        keys = xp.astype(rows, xp.uint8) if rows.dtype == xp.bool else rows
        for column in range(width - 1, -1, -1):
            order = xp.take(order, xp.argsort(xp.take(keys[:, column], order), stable=True))
    ordered = xp.take(rows, order, axis=0)
    if n:
        changed = xp.any(ordered[1:, :] != ordered[:-1, :], axis=1)
        starts_group = xp.concat((xp.ones((1,), dtype=xp.bool, device=rows.device), changed))
    else:
        starts_group = xp.zeros((0,), dtype=xp.bool, device=rows.device)
    starts = xp.nonzero(starts_group)[0]
    values = xp.moveaxis(xp.reshape(xp.take(ordered, starts, axis=0), (starts.shape[0],) + rest), 0, d)
    out = [_make(values, input._device)]
    if return_inverse:
        group = xp.cumulative_sum(xp.astype(starts_group, xp.int64)) - 1
        inverse = xp.take(group, xp.argsort(order)) if n else group
        out.append(_make(xp.astype(inverse, xp.int64), input._device))
    if return_counts:
        counts = starts
        if n:
            ends = xp.concat((starts[1:], xp.asarray([n], dtype=starts.dtype, device=rows.device)))
            counts = ends - starts
        out.append(_make(xp.astype(counts, xp.int64), input._device))
    return out[0] if len(out) == 1 else tuple(out)


def searchsorted(sorted_sequence, values, *, right=False, side=None):
    xp = sorted_sequence._device.backend.xp
    side = side or ("right" if right else "left")
    v = values._data if isinstance(values, Tensor) else xp.asarray(values, dtype=sorted_sequence._data.dtype)
    return _make(xp.astype(xp.searchsorted(sorted_sequence._data, v, side=side), xp.int64), sorted_sequence._device)


FAMILY.export(searchsorted, method=False)


def bincount(input, weights=None, minlength=0):
    from .. import _dtype as D
    from .creation import arange

    # PyTorch's checks, in its order: the dtype, minlength, then the values
    if input.dtype.category != D.INT:
        kernel = "bincount_cuda" if input.device.type == "cuda" else "bincount_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{D.scalar_type_name(input.dtype)}\'')
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.ndim != 1 or (input.numel() and int(input.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    n = max(int(input.max()) + 1 if input.numel() else 0, minlength)
    hits = (input.reshape(-1, 1) == arange(n, device=input.device).reshape(1, -1))
    if weights is None:
        return hits.sum(0)
    # float32 weights count in float32; any other dtype in float64, as PyTorch
    if weights.dtype is not D.float32:
        weights = weights.to(D.float64)
    return (hits.to(weights.dtype) * weights.reshape(-1, 1)).sum(0)


FAMILY.export(bincount, method=False)
