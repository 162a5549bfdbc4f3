"""The NumPy kernels of whole-row scatter-adds (a mixin of NumpyBackend, and ``add_rows``,
its index_add of whole rows): the bags of embedding rows and their gradient. What they do
not cover falls back to the portable kernels (backends/kernels/indexing.py) through
``super()``."""
from __future__ import annotations

import functools

import numpy as np


class NumpyEmbeddingBags:
    def embedding_bag(self, weight, indices, starts, mean, padding_idx, device):
        n, bags = indices.shape[0], starts.shape[0]
        lengths = _bag_lengths(starts, n)
        longest = int(np.maximum.reduce(lengths)) if bags else 0
        # (bags of very unequal length; starts that decrease or pass the end)
        if type(weight) is not np.ndarray or longest * bags > 4 * n + 4096 or int(np.add.reduce(lengths)) != n:
            return super().embedding_bag(weight, indices, starts, mean, padding_idx, device)
        # each bag's rows summed in the bag's order (PyTorch's order) by one reduction over
        # the first axis of a (longest, bags, dim) gather, where the positions past a bag's end
        # (and its padding) read a row of zeros appended to the bags' rows
        rows = np.empty((n + 1, weight.shape[1]), dtype=weight.dtype)
        # (the caller has checked the indices: 'clip' changes none, and unlike 'raise' it
        # writes into ``out`` without a buffer)
        weight.take(indices, axis=0, out=rows[:n], mode="clip")
        rows[n] = 0
        step = np.arange(longest)[:, None]
        positions = np.where(step < lengths, starts + step, n)
        if padding_idx >= 0:
            is_padding = np.append(indices == padding_idx, True)
            positions[is_padding[positions]] = n
            counts = np.add.reduce(positions != n, axis=0).astype(weight.dtype)
        else:
            counts = lengths.astype(weight.dtype)
        sums = np.add.reduce(rows.take(positions, axis=0, mode="clip"), axis=0)
        if mean:
            sums /= np.maximum(counts, 1)[:, None]
        return sums, counts

    def embedding_bag_backward(self, g, indices, starts, counts, mean, padding_idx, num_weights, device):
        lengths = _bag_lengths(starts, indices.shape[0])
        if type(g) is not np.ndarray or int(np.add.reduce(lengths)) != indices.shape[0]:
            return super().embedding_bag_backward(g, indices, starts, counts, mean, padding_idx, num_weights, device)
        if mean:
            g = g * (1 / np.maximum(counts, 1))[:, None]
        # each index's gradient row is its bag's, repeated over the bag
        each = np.repeat(g, lengths, axis=0)
        if padding_idx >= 0:
            kept = indices != padding_idx
            indices, each = indices[kept], each[kept]
        out = np.zeros((num_weights, g.shape[1]), dtype=g.dtype)
        if indices.size:
            add_rows(out, indices, each, zeros=True)
        return out


def _bag_lengths(starts, n):
    """The number of indices in each bag, from the bags' starts among n indices."""
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    ends[-1:] = n
    return np.maximum(ends - starts, 0)


def add_rows(out, rows, values, zeros=False):
    """out[rows] += values (values: one row per index) with repeated rows accumulating, each
    row's sum in the indices' order, as PyTorch's embedding backward adds; ``zeros``: out
    holds only zeros, so the first add of each row can be a write.

    Three ways, the same additions in the same order. np.add.at on the flat arrays adds one
    element at a time in order: cheapest for few elements. Into zeros, where few distinct
    rows repeat many times, _write_runs sums each row's run with one reduction. Where many
    distinct rows repeat a few times (an embedding table's gradient from a batch of
    tokens), pass k adds each row's k-th occurrence with one fancy-indexed add of whole
    rows (distinct within a pass); a pass finds the first occurrence of each row among
    those left by writing their positions, last to first, into a table indexed by row and
    reading back which position stayed (no sort). When a pass would add few elements, the
    rest go to np.add.at."""
    n_rows, n = out.shape[0], rows.shape[0]
    row_size = values.size // n
    if min(n, n_rows) * row_size < _PASS_MIN_ELEMENTS * _FIRST_PASS_MARGIN or not out.flags.c_contiguous:
        if not (zeros and n * row_size >= _RUNS_MIN_ELEMENTS and out.flags.c_contiguous and
                _write_runs(out, _wrapped(rows, n_rows), values.reshape(n, row_size))):
            _add_in_order(out, rows, values)
        return
    rows = _wrapped(rows, n_rows)
    first_at = np.empty(n_rows, dtype=np.intp)
    left = _positions(n)
    while True:
        first_at[rows[::-1]] = left[::-1]  # the first position of each row stays
        first = first_at[rows] == left
        picked = left[first]
        distinct = picked.size
        if distinct == left.size:  # every row left is distinct: the last pass
            if distinct == n:
                out[rows] = values + 0 if zeros else out[rows] + values
            else:
                _add_distinct_rows(out, rows, values[picked], zeros)
            return
        if distinct * row_size < _PASS_MIN_ELEMENTS * (_FIRST_PASS_MARGIN if left.size == n else 1):
            _add_in_order(out, rows, values if left.size == n else values[left])
            return
        _add_distinct_rows(out, rows[first], values[picked], zeros)
        zeros = False
        rest = ~first
        left, rows = left[rest], rows[rest]


def _add_distinct_rows(out, rows, picked_values, zeros):
    """out[rows] += picked_values for distinct rows; picked_values is a gathered copy."""
    if zeros:  # 0 + v, as the add would give (+0 where v is -0)
        out[rows] = np.add(picked_values, 0, out=picked_values)
    else:
        out[rows] += picked_values


def _write_runs(out, rows, values):
    """out[rows] = the sum of each row's values in the indices' order, into zeros, where
    few rows repeat many times (a small table's gradient from a large batch): after a
    stable sort, one reduction over the first axis of a (longest run, rows, row length)
    gather adds each row's values in order (the positions past a run's end hold zeros,
    which change no sum). False, doing nothing, where the runs are too unequal for that."""
    n = rows.shape[0]
    order = np.argsort(rows, kind="stable")
    ordered = rows[order]
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    bounds = np.append(starts, n)
    counts = bounds[1:] - bounds[:-1]
    longest = int(np.maximum.reduce(counts))
    if longest * starts.size > 2 * n + 1024:
        return False
    step = _positions(longest)[:, None]
    valid = step < counts
    gathered = values.take(order[np.where(valid, starts + step, 0)], axis=0)
    np.copyto(gathered, 0, where=~valid[:, :, None])
    sums = np.add.reduce(gathered, axis=0)
    # (+0 where a sum is -0, as adding into zeros gives)
    out.reshape(out.shape[0], -1)[ordered[starts]] = np.add(sums, 0, out=sums)
    return True


def _wrapped(rows, n_rows):
    """The row indices with the negative ones (checked against the rows) counted from the end."""
    if np.minimum.reduce(rows) < 0:
        return np.where(rows < 0, rows + n_rows, rows)
    return rows


def _add_in_order(out, rows, values):
    """out[rows] += values, one element at a time in the indices' order (np.add.at on the
    flat arrays: NumPy's fast path of add.at is one-dimensional); rows may be negative."""
    if not out.flags.c_contiguous:
        np.add.at(out, rows, values)
        return
    n_rows = out.shape[0]
    row_size = values.size // rows.shape[0] if rows.shape[0] else 0
    if row_size == 1:
        np.add.at(out.reshape(-1), rows, values.reshape(-1))
        return
    if n_rows * row_size <= _TABLE_MAX_ELEMENTS:
        # each element's flat position in one gather of whole rows from a table kept per shape
        # (take counts a negative row from the end), not the products and sums of a new one
        flat = _flat_positions(n_rows, row_size).take(rows, axis=0)
    else:
        flat = _wrapped(rows, n_rows)[:, None] * row_size + _positions(row_size)
    np.add.at(out.reshape(-1), flat.reshape(-1), values.reshape(-1))


# where a pass of whole rows adds fewer elements than this, np.add.at one element at a time
# costs less than the pass's fixed cost (its index table, masks and gathers)
_PASS_MIN_ELEMENTS = 8192
# the passes pay off only if most rows are added by the first few: the longest run (the number
# of passes) is a few times the mean, so the first pass must add more
_FIRST_PASS_MARGIN = 2.5
# below this many elements np.add.at costs less than the sort and gathers of _write_runs
_RUNS_MIN_ELEMENTS = 16384


# the largest table of flat positions kept (8 bytes an element, one table per shape)
_TABLE_MAX_ELEMENTS = 1 << 16


@functools.lru_cache(maxsize=16)
def _flat_positions(n_rows, row_size):
    """arange(n_rows * row_size) as (n_rows, row_size): each element's flat position in a
    C-ordered array of that shape, made once per shape (read-only: shared)."""
    table = np.arange(n_rows * row_size).reshape(n_rows, row_size)
    table.flags.writeable = False
    return table


@functools.lru_cache(maxsize=64)
def _positions(n):
    """arange(n), made once per size (read-only: shared)."""
    positions = np.arange(n)
    positions.flags.writeable = False
    return positions
