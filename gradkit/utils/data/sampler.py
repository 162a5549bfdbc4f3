"""Samplers: iterables of dataset indices (``BatchSampler``: of lists of indices), as in
``torch.utils.data``. Random ones draw from a ``gradkit.Generator``'s own stream when
given one, else from gradkit's CPU generator (see ``_rng``)."""
from __future__ import annotations

import itertools

from ._rng import host_stream, randint_list, randperm_list, _is_global

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler"]

_DRAW_CHUNK = 32


class Sampler:
    """Base class: subclasses define ``__iter__`` (and ``__len__`` where they can)."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError

    def __class_getitem__(cls, item):
        return cls


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A fresh random permutation of the indices on every pass (or, with
    ``replacement=True``, ``num_samples`` independent uniform draws)."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or isinstance(self.num_samples, bool) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        k = self.num_samples
        if self.replacement:
            # drawn in chunks, so num_samples=10**10 (the endless-loader pattern) allocates nothing up front
            for start in range(0, k, _DRAW_CHUNK):
                yield from randint_list(n, min(_DRAW_CHUNK, k - start), self.generator)
            return
        for _ in range(k // n):
            yield from randperm_list(n, self.generator)
        if k % n:
            yield from randperm_list(n, self.generator)[:k % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order, drawn afresh on every pass."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in randperm_list(len(self.indices), self.generator):
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        from ...ops.creation import as_tensor
        from ... import _dtype

        w = as_tensor(weights, dtype=_dtype.float64, device="cpu")
        if w.dim() != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        if _is_global(self.generator):
            from ...ops.random import multinomial

            yield from multinomial(self.weights, self.num_samples, self.replacement).tolist()
            return
        rng = host_stream(self.generator)
        weights = self.weights.tolist()
        if self.replacement:
            yield from rng.choices(range(len(weights)), weights=weights, k=self.num_samples)
            return
        if self.num_samples > sum(1 for w in weights if w > 0):
            raise RuntimeError("multinomial: invalid multinomial distribution (with replacement=False, not enough "
                               "non-negative category to sample)")
        # without replacement: the k largest keys u ** (1 / w) (Efraimidis and Spirakis)
        keys = [(rng.random() ** (1.0 / w) if w > 0 else -1.0, i) for i, w in enumerate(weights)]
        keys.sort(reverse=True)
        yield from (i for _, i in keys[:self.num_samples])

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``; the last, shorter
    list is kept unless ``drop_last``."""

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        it = iter(self.sampler)
        size = self.batch_size
        batch = list(itertools.islice(it, size))
        while batch:
            if len(batch) < size and self.drop_last:
                return
            yield batch
            batch = list(itertools.islice(it, size))

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
