"""``DataLoader``: batches from a dataset, as ``torch.utils.data.DataLoader`` makes them
(see ``DataLoader``'s docstring for what matches PyTorch and what differs)."""
from __future__ import annotations

import itertools
import math
import operator

from ._collate import default_collate, default_convert, move_to
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from ._workers import MultiProcessIter, WorkerPool, base_seed, get_worker_info

__all__ = ["DataLoader", "get_worker_info"]


_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


class DataLoader:
    """Iterates over ``dataset`` in batches: ``for X, y in DataLoader(ds, 64, shuffle=True)``.

    What matches PyTorch: ``batch_size`` (positional, default 1; ``None`` turns batching
    off), ``shuffle`` (a new permutation each epoch), ``sampler``, ``batch_sampler``,
    ``collate_fn``, ``drop_last`` (the last, shorter batch is kept unless set), ``generator``
    (a ``gradkit.Generator`` for an order of its own, reproducible from its seed),
    ``len(loader)`` (the number of batches) and the argument checks with PyTorch's messages.
    A batch of ``(x, y)`` samples is a **list** ``[X, Y]`` of stacked tensors.

    Where it differs:

    - ``num_workers > 0`` loads in that many worker processes (see ``_workers``), with
      ``worker_init_fn``, ``persistent_workers``, ``prefetch_factor``, ``timeout``,
      ``multiprocessing_context`` and ``get_worker_info()`` as in PyTorch, and yields the
      same batches in the same order as ``num_workers=0``. Worker ``i`` is seeded with
      ``base_seed + i``; the base seed is derived from the loader's generator seed and the
      pass number rather than drawn from it (PyTorch draws it), so using workers does not
      change the shuffling order. A worker that dies raises a RuntimeError naming its pid.
      Batches are always yielded in order (``in_order=False`` is accepted);
      ``pin_memory_device`` is accepted and does nothing. ``pin_memory=True`` yields batches
      in pinned host memory where CUDA works (else warns, as PyTorch without an accelerator).
    - ``device=`` (a gradkit extension) moves every tensor of each batch to that device, so a
      loop needs no ``X.to(device)``: ``DataLoader(ds, 64, shuffle=True, device="cuda")``.
    - Batches of a ``TensorDataset`` (also through ``Subset``/``random_split``) with the
      default collate are gathered with one indexing op per tensor, ``t[indices]``, instead of
      indexing and stacking item by item; the result is the same, in a fraction of the time.
      A dataset may offer the same for itself by defining ``_gradkit_batch(indices)``
      returning the collated batch.
    - Shuffling draws from gradkit's CPU generator (``gradkit.manual_seed``), or with
      ``generator=`` from a host-side stream private to that generator, untouched by other
      random ops (see ``_rng``). Orders differ from PyTorch's for the same seed.
    """

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True, device=None):
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError(f"multiprocessing_context can only be used with multi-process loading (num_workers > "
                             f"0), but got num_workers={num_workers}")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")

        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if self._iterable and batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self._auto_collation = batch_sampler is not None or (self._iterable and batch_size is not None)
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        if device is not None:
            from ..._device import resolve

            device = resolve(device)
        self.device = device
        self._initialized = True

    def __setattr__(self, attr, value):
        if self._initialized and attr in _FROZEN:
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        object.__setattr__(self, attr, value)

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
            return n
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self):
        if self.pin_memory:
            from ..._cuda_pinned import pinning

            return pinning(self._batches())
        return self._batches()

    def _batches(self):
        if self.num_workers == 0:
            return _LoaderIter(self)
        epoch = self._epochs
        object.__setattr__(self, "_epochs", epoch + 1)
        pool = self._worker_pool
        if pool is None or pool.closed:
            pool = WorkerPool(self, base_seed(self, epoch))
            if self.persistent_workers:
                object.__setattr__(self, "_worker_pool", pool)
        index_iter = None
        if not self._iterable:
            index_iter = iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)
        return MultiProcessIter(self, pool, epoch, index_iter)

    _epochs = 0
    _worker_pool = None

    def _drop_pool(self):
        object.__setattr__(self, "_worker_pool", None)

    def __del__(self):
        pool = self.__dict__.get("_worker_pool")
        if pool is not None:
            try:
                pool.close()
            except Exception:
                pass


class _LoaderIter:
    """One pass over a DataLoader in the calling process."""

    def __init__(self, loader):
        self._loader = loader
        self._device = loader.device
        if loader._iterable:
            source = iter(loader.dataset)
            collate, batched, size, drop_last = (loader.collate_fn, loader._auto_collation, loader.batch_size,
                                                 loader.drop_last)
            self._fetch = lambda: fetch_iterable(source, collate, batched, size, drop_last)
        else:
            index_iter = iter(loader.batch_sampler if loader.batch_sampler is not None else loader.sampler)
            fetch = map_fetcher(loader.dataset, loader.collate_fn, loader._auto_collation)
            self._fetch = lambda: fetch(next(index_iter))

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        batch = self._fetch()
        if self._device is not None:
            batch = move_to(batch, self._device)
        return batch


def map_fetcher(dataset, collate, batched):
    """A function ``index -> batch`` for a map-style dataset (``index`` a list of indices
    when batching, else one index)."""
    if not batched:
        return lambda index: collate(dataset[index])
    gather = _fast_gather(dataset) if collate is default_collate else None
    if gather is not None:
        return gather
    getitems = getattr(dataset, "__getitems__", None)
    if callable(getitems):
        return lambda index: collate(getitems(index))
    return lambda index: collate([dataset[i] for i in index])


def fetch_iterable(source, collate, batched, size, drop_last):
    """The next batch read from the iterator ``source`` of an iterable dataset; raises
    StopIteration when there is none."""
    if not batched:
        return collate(next(source))
    data = list(itertools.islice(source, size))
    if not data or (drop_last and len(data) < size):
        raise StopIteration
    return collate(data)


def _fast_gather(dataset):
    """A function ``indices -> collated batch`` for datasets whose batches can be gathered
    at once (a TensorDataset, possibly through Subsets; or a dataset defining
    ``_gradkit_batch``), else None."""
    maps = []
    while type(dataset) is Subset:
        maps.append(dataset.indices)
        dataset = dataset.dataset
    if type(dataset) is TensorDataset:
        gather = _tensor_gather(dataset.tensors)
    else:
        own = getattr(dataset, "_gradkit_batch", None)
        if not callable(own):
            return None
        gather = own
    if not maps:
        return gather

    def through_subsets(index):
        for indices in maps:
            index = [int(indices[i]) for i in index]
        return gather(index)

    return through_subsets


def _tensor_gather(tensors):
    from ...ops.indexing import Getitem

    n = tensors[0].shape[0]

    def gather(index):
        index = [operator.index(i) for i in index]
        if not index:
            raise IndexError("DataLoader: a batch sampler yielded an empty batch")
        lo, hi = min(index), max(index)
        if lo < -n or hi >= n:
            bad = lo if lo < -n else hi
            raise IndexError(f"index {bad} is out of bounds for dimension 0 with size {n}")
        # the indices are checked above, on the host: the gather itself needs no device sync
        keys = {}
        out = []
        for t in tensors:
            dev = t._device
            key = keys.get(dev)
            if key is None:
                backend = dev.backend
                key = keys[dev] = (backend.asarray(index, backend.xp_dtype("int64"), dev),)
            out.append(Getitem.apply(t, key=key))
        return out

    return gather
