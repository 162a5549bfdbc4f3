"""Loading in worker processes: what ``DataLoader(num_workers=N)`` runs.

The sampler stays in the calling process and hands each batch's indices to worker
``task % N`` (round robin, as PyTorch does); results are put back in task order, so a loader
yields the same batches in the same order whatever ``num_workers`` is, shuffled or not.
Up to ``prefetch_factor * N`` tasks are outstanding at once.

Tensors refuse pickle, so a worker sends each tensor of a batch
as its host array plus dtype, device and requires_grad, and the calling process rebuilds it;
tensors hidden inside objects other than dicts, lists and tuples can't cross.

A worker that dies (``os._exit``, a signal, the OOM killer) is noticed by polling: the
calling process never blocks on the result queue for longer than ``_POLL_S`` without
checking that every worker is alive, and raises a RuntimeError naming the worker's pid.
Workers stop by themselves when the calling process goes away.

As in PyTorch, a forked worker can't use CUDA once the calling process has: keep a
worker's dataset on the host (and use ``DataLoader(device=...)`` to move batches), or pass
``multiprocessing_context="spawn"``.
"""
from __future__ import annotations

import itertools
import os
import queue
import random
import sys
import traceback

__all__ = ["WorkerInfo", "get_worker_info", "WorkerPool", "MultiProcessIter"]

_POLL_S = 0.1
_PARENT_CHECK_S = 1.0
_worker_info = None


class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: ``id``, ``num_workers``, ``seed``
    (this worker's base seed) and ``dataset`` (this worker's copy of the dataset)."""

    def __init__(self, id, num_workers, seed, dataset):
        self.id, self.num_workers, self.seed, self.dataset = id, num_workers, seed, dataset

    def __repr__(self):
        return (f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed}, "
                f"dataset={self.dataset!r})")


def get_worker_info():
    """In a DataLoader worker process, its ``WorkerInfo``; in the calling process, ``None``."""
    return _worker_info


# ------------------------------------------------------------------ batches across processes
class _WireTensor:
    __slots__ = ("array", "device", "requires_grad")

    def __init__(self, array, device, requires_grad):
        self.array, self.device, self.requires_grad = array, device, requires_grad

    def __getstate__(self):
        return (self.array, self.device, self.requires_grad)

    def __setstate__(self, state):
        self.array, self.device, self.requires_grad = state


def _tensor_type():
    from ..._tensor import Tensor

    return Tensor


def to_wire(obj):
    """``obj`` with every tensor (in dicts, lists, tuples, namedtuples) replaced by a picklable
    stand-in holding its host array."""
    Tensor = _tensor_type()
    if isinstance(obj, Tensor):
        t = obj.detach()
        return _WireTensor(t._device.backend.to_host(t._data), str(t._device), obj.requires_grad)
    return _map_containers(obj, to_wire)


def from_wire(obj):
    if isinstance(obj, _WireTensor):
        from ...ops.creation import from_numpy

        t = from_numpy(obj.array)
        if obj.device != "cpu":
            t = t.to(obj.device)
        return t.requires_grad_(True) if obj.requires_grad else t
    return _map_containers(obj, from_wire)


def _map_containers(obj, fn):
    if isinstance(obj, dict):
        out = obj.copy()
        for key in obj:
            out[key] = fn(obj[key])
        return out
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(fn(v) for v in obj))
    if type(obj) is list:
        return [fn(v) for v in obj]
    if type(obj) is tuple:
        return tuple(fn(v) for v in obj)
    return obj


# ------------------------------------------------------------------ the worker process
class _Failure:
    """An exception raised in a worker, carried to the calling process as text (the
    exception object itself may not pickle)."""

    def __init__(self, exc_type, worker_id, text):
        self.exc_type, self.worker_id, self.text = exc_type, worker_id, text

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} in DataLoader worker process {self.worker_id}.\n" \
              f"Original {self.text}"
        if self.exc_type is KeyError:  # KeyError shows its message repr()'d: keep the traceback readable
            raise KeyError(msg) from None
        try:
            exc = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exc from None


_END = "end"  # an iterable dataset's worker has no more batches


def _failure(worker_id):
    exc_type = sys.exc_info()[0]
    try:
        import pickle

        pickle.dumps(exc_type)
    except Exception:
        exc_type = RuntimeError
    return _Failure(exc_type, worker_id, traceback.format_exc())


def _worker_loop(spec, worker_id, index_queue, result_queue, seed, parent_pid):
    global _worker_info
    from ...ops.random import manual_seed

    manual_seed(seed)
    random.seed(seed)
    _worker_info = WorkerInfo(worker_id, spec.num_workers, seed, spec.dataset)
    init_error = None
    if spec.worker_init_fn is not None:
        try:
            spec.worker_init_fn(worker_id)
        except Exception:
            init_error = _failure(worker_id)
    fetch, epoch = None, None
    while True:
        try:
            task = index_queue.get(timeout=_PARENT_CHECK_S)
        except queue.Empty:
            if os.getppid() != parent_pid:
                return  # the calling process is gone
            continue
        if task is None:
            return
        task_epoch, idx, index = task
        if init_error is not None:
            result_queue.put((task_epoch, idx, init_error))
            continue
        if task_epoch != epoch:  # a new pass (persistent workers): an iterable dataset starts over
            epoch, fetch = task_epoch, spec.fetcher()
        try:
            out = to_wire(fetch(index))
        except StopIteration:
            out = _END
        except Exception:
            out = _failure(worker_id)
        result_queue.put((task_epoch, idx, out))


class _Spec:
    """What a worker needs of the loader, picklable for the 'spawn' context."""

    def __init__(self, loader):
        self.dataset = loader.dataset
        self.num_workers = loader.num_workers
        self.worker_init_fn = loader.worker_init_fn
        self.collate = loader.collate_fn
        self.batched = loader._auto_collation
        self.iterable = loader._iterable
        self.batch_size = loader.batch_size
        self.drop_last = loader.drop_last

    def fetcher(self):
        from .dataloader import fetch_iterable, map_fetcher

        if self.iterable:
            source = iter(self.dataset)
            return lambda _: fetch_iterable(source, self.collate, self.batched, self.batch_size, self.drop_last)
        return map_fetcher(self.dataset, self.collate, self.batched)


# ------------------------------------------------------------------ the calling process
class WorkerPool:
    """``num_workers`` processes with an index queue each and one shared result queue."""

    def __init__(self, loader, base_seed):
        import multiprocessing

        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = multiprocessing.get_context()
        elif isinstance(ctx, str):
            ctx = multiprocessing.get_context(ctx)
        self.num_workers = loader.num_workers
        self.result_queue = ctx.Queue()
        self.index_queues = []
        self.workers = []
        spec = _Spec(loader)
        for wid in range(self.num_workers):
            iq = ctx.Queue()
            # daemon: a worker never outlives the calling process's interpreter
            w = ctx.Process(target=_worker_loop, args=(spec, wid, iq, self.result_queue, base_seed + wid, os.getpid()),
                            daemon=True)
            w.start()
            self.index_queues.append(iq)
            self.workers.append(w)
        self.closed = False

    def dead_worker(self):
        for wid, w in enumerate(self.workers):
            if not w.is_alive():
                return wid, w
        return None

    def close(self):
        if self.closed:
            return
        self.closed = True
        for iq, w in zip(self.index_queues, self.workers):
            if w.is_alive():
                try:
                    iq.put(None)
                except Exception:
                    pass
        for w in self.workers:
            w.join(timeout=_PARENT_CHECK_S)
            if w.is_alive():
                w.terminate()
                w.join(timeout=_PARENT_CHECK_S)
        for q in self.index_queues + [self.result_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def base_seed(loader, epoch):
    """The base seed of a pass's workers (worker ``i`` is seeded with ``base + i``): a mix of
    the loader's generator seed and the pass number. Unlike PyTorch it is not drawn from that
    generator, so the main stream (and so the shuffling order) is what ``num_workers=0`` sees."""
    gen = loader.generator
    if gen is None:
        from ...ops.random import initial_seed

        seed = initial_seed()
    else:
        seed = gen.initial_seed()
    return (seed * 6364136223846793005 + (epoch + 1) * 1442695040888963407) % (1 << 62)


class MultiProcessIter:
    """One pass over a loader whose batches come from worker processes."""

    def __init__(self, loader, pool, epoch, index_iter):
        self._loader = loader
        self._pool = pool
        self._epoch = epoch
        self._index_iter = index_iter  # None for an iterable dataset
        self._device = loader.device
        self._timeout = loader.timeout
        self._active = [True] * pool.num_workers
        self._next_worker = itertools.cycle(range(pool.num_workers))
        self._sent = 0
        self._wanted = 0
        self._results = {}
        self._task_worker = {}
        self._sampler_done = False
        self._outstanding_max = max(1, (loader.prefetch_factor or 1)) * pool.num_workers
        for _ in range(self._outstanding_max):
            self._send()

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def _send(self):
        if self._sampler_done or not any(self._active):
            return
        if self._index_iter is not None:
            try:
                index = next(self._index_iter)
            except StopIteration:
                self._sampler_done = True
                return
        else:
            index = None
        for wid in self._next_worker:
            if self._active[wid]:
                break
        self._pool.index_queues[wid].put((self._epoch, self._sent, index))
        self._task_worker[self._sent] = wid
        self._sent += 1

    def __next__(self):
        while True:
            if self._wanted >= self._sent:
                self._finish()
                raise StopIteration
            out = self._results.pop(self._wanted, None)
            if out is None:
                out = self._receive(self._wanted)
            wid = self._task_worker.pop(self._wanted)
            self._wanted += 1
            if isinstance(out, str) and out == _END:
                self._active[wid] = False
                self._send()
                continue
            self._send()
            if isinstance(out, _Failure):
                self._finish()
                out.reraise()
            batch = from_wire(out)
            if self._device is not None:
                from ._collate import move_to

                batch = move_to(batch, self._device)
            return batch

    def _receive(self, idx):
        import time

        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        pool = self._pool
        while True:
            wait = _POLL_S
            if deadline is not None:
                wait = min(wait, max(deadline - time.monotonic(), 0.0))
            try:
                epoch, got, out = pool.result_queue.get(timeout=wait)
            except queue.Empty:
                dead = pool.dead_worker()
                if dead is not None:
                    wid, w = dead
                    self._shutdown()
                    raise RuntimeError(f"DataLoader worker (pid(s) {w.pid}) exited unexpectedly (worker {wid}, exit "
                                       f"code {w.exitcode})") from None
                if deadline is not None and time.monotonic() >= deadline:
                    self._shutdown()
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None
                continue
            if epoch != self._epoch:
                continue  # left over from an earlier pass that stopped early
            if got == idx:
                return out
            self._results[got] = out

    def _finish(self):
        """The pass is over (or failed): non-persistent workers stop."""
        if not self._loader.persistent_workers:
            self._shutdown()

    def _shutdown(self):
        self._pool.close()
        if self._loader._worker_pool is self._pool:
            self._loader._drop_pool()

    def __del__(self):
        try:
            if not self._loader.persistent_workers:
                self._pool.close()
        except Exception:
            pass
