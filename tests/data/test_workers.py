"""DataLoader(num_workers=N): batches from worker processes, identical to num_workers=0.

Most tests use the 'fork' context on purpose: a forked worker starts at once with gradkit
already imported and may use datasets defined inside a test, which keeps these tests short on
a small CI machine. One test uses 'spawn' (the default on macOS and Windows), which re-imports
gradkit in each worker and needs everything it is sent to pickle.
"""
from __future__ import annotations

import os
import signal
import time

import pytest

import gradkit
from gradkit.utils.data import (DataLoader, Dataset, IterableDataset, RandomSampler, TensorDataset,
                                get_worker_info)

FORK = "fork"
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork start method needs os.fork")


class Squares(Dataset):
    """Module level, so the 'spawn' context can pickle it."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": gradkit.tensor([float(i), float(i * i)]), "i": i, "name": f"s{i}"}


def _plain(batch):
    """A batch as nested Python values (tensors as (dtype, values))."""
    if isinstance(batch, gradkit.Tensor):
        return (str(batch.dtype), batch.tolist())
    if isinstance(batch, dict):
        return {k: _plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(_plain(v) for v in batch)
    return batch


def _epochs(loader, n=2):
    return [[_plain(b) for b in loader] for _ in range(n)]


@pytest.mark.parametrize("kwargs", [dict(batch_size=4), dict(batch_size=4, shuffle=True),
                                    dict(batch_size=3, shuffle=True, drop_last=True), dict(batch_size=None)])
def test_two_workers_give_the_batches_of_zero_workers(kwargs):
    gradkit.manual_seed(5)
    expected = _epochs(DataLoader(Squares(11), **kwargs))
    gradkit.manual_seed(5)
    got = _epochs(DataLoader(Squares(11), num_workers=2, multiprocessing_context=FORK, **kwargs))
    assert got == expected


def test_same_batches_with_a_generator_and_the_tensor_dataset_fast_path():
    X = gradkit.arange(20.0).reshape(10, 2)
    y = gradkit.arange(10)
    ds = TensorDataset(X, y)
    expected = _epochs(DataLoader(ds, 3, shuffle=True, generator=gradkit.Generator().manual_seed(3)))
    loader = DataLoader(ds, 3, shuffle=True, generator=gradkit.Generator().manual_seed(3), num_workers=2,
                        multiprocessing_context=FORK, prefetch_factor=1, pin_memory=True)
    assert _epochs(loader) == expected
    assert len(loader) == 4


def test_requires_grad_and_dtypes_survive_the_trip():
    ds = [(gradkit.ones(2, dtype=gradkit.float16), gradkit.tensor([True]))] * 3
    (a, b), = list(DataLoader(ds, 3, num_workers=1, multiprocessing_context=FORK))
    assert a.dtype is gradkit.float16 and b.dtype is gradkit.bool and a.shape == (3, 2)
    (t,), = list(DataLoader([gradkit.ones(2, requires_grad=True)], 1, num_workers=1, multiprocessing_context=FORK,
                           collate_fn=lambda batch: [batch[0]]))
    assert t.requires_grad and t.is_leaf


class WhoAmI(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        info = get_worker_info()
        return [info.id, info.num_workers, info.seed, os.getpid(), gradkit.rand(1).item(), os.environ["INIT"]]


def test_worker_info_seeds_and_worker_init_fn():
    def init(worker_id):
        os.environ["INIT"] = f"init{worker_id}"

    assert get_worker_info() is None
    gradkit.manual_seed(0)
    loader = DataLoader(WhoAmI(), batch_size=None, num_workers=2, multiprocessing_context=FORK, worker_init_fn=init)
    rows = list(loader)
    assert [r[0] for r in rows] == [0, 1, 0, 1, 0, 1]  # round robin
    assert {r[1] for r in rows} == {2}
    assert [r[5] for r in rows] == ["init0", "init1"] * 3
    seed0, seed1 = rows[0][2], rows[1][2]
    assert seed1 == seed0 + 1
    assert rows[0][4] != rows[1][4]  # each worker's generator is seeded with its own seed
    gradkit.manual_seed(0)
    again = list(DataLoader(WhoAmI(), batch_size=None, num_workers=2, multiprocessing_context=FORK,
                            worker_init_fn=init))
    assert [r[2] for r in again] == [r[2] for r in rows] and [r[4] for r in again] == [r[4] for r in rows]
    assert len({r[3] for r in rows} | {os.getpid()}) == 3
    assert get_worker_info() is None


def test_persistent_workers_keep_their_processes_across_epochs():
    loader = DataLoader(WhoAmI(), batch_size=2, num_workers=2, multiprocessing_context=FORK, persistent_workers=True,
                        worker_init_fn=lambda wid: os.environ.__setitem__("INIT", "x"))
    first = list(loader)
    pids = {p for b in first for p in b[3].tolist()}
    for batch in loader:
        break  # a pass left early: the next one still starts from the beginning
    second = list(loader)
    assert {p for b in second for p in b[3].tolist()} == pids
    assert [b[0].tolist() for b in second] == [[0, 0], [1, 1], [0, 0]]
    workers = loader._worker_pool.workers
    del loader, batch
    import gc

    gc.collect()
    for w in workers:
        w.join(timeout=5)
        assert not w.is_alive()


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))  # each worker its share


def test_iterable_dataset_split_with_worker_info():
    got = [b.tolist() for b in DataLoader(Stream(9), 2, num_workers=2, multiprocessing_context=FORK)]
    # PyTorch's order: the workers take turns, each giving its own next batch until it runs out
    assert got == [[0, 2], [1, 3], [4, 6], [5, 7], [8]]
    got = [b.tolist() for b in DataLoader(Stream(9), 2, num_workers=2, multiprocessing_context=FORK, drop_last=True)]
    assert got == [[0, 2], [1, 3], [4, 6], [5, 7]]
    assert [int(b) for b in DataLoader(Stream(3), None, num_workers=3, multiprocessing_context=FORK)] == [0, 1, 2]


class Failing(Dataset):
    def __init__(self, how):
        self.how = how

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            if self.how == "exit":
                os._exit(3)
            if self.how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            if self.how == "sleep":
                time.sleep(30)
            raise ValueError(f"bad item {i}")
        return i


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_a_worker_that_dies_raises_instead_of_hanging(how):
    start = time.monotonic()
    loader = DataLoader(Failing(how), 2, num_workers=2, multiprocessing_context=FORK)
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly"):
        list(loader)
    assert time.monotonic() - start < 10


def test_timeout_raises():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.5 seconds"):
        list(DataLoader(Failing("sleep"), 2, num_workers=1, multiprocessing_context=FORK, timeout=0.5))
    assert time.monotonic() - start < 10


def test_an_exception_in_a_worker_is_raised_with_its_traceback():
    with pytest.raises(ValueError, match=r"(?s)Caught ValueError in DataLoader worker process 0\..*bad item 5"):
        list(DataLoader(Failing("raise"), 2, num_workers=2, multiprocessing_context=FORK))
    with pytest.raises(ZeroDivisionError, match="in DataLoader worker process 0"):
        list(DataLoader(range(4), 1, num_workers=2, multiprocessing_context=FORK, worker_init_fn=lambda w: 1 // w))


def test_spawn_context():
    import multiprocessing

    gradkit.manual_seed(1)
    expected = _epochs(DataLoader(Squares(5), 2, shuffle=True), 1)
    gradkit.manual_seed(1)
    loader = DataLoader(Squares(5), 2, shuffle=True, num_workers=1,
                        multiprocessing_context=multiprocessing.get_context("spawn"))
    assert _epochs(loader, 1) == expected


def test_random_sampler_with_replacement_is_lazy():
    sampler = RandomSampler(range(7), replacement=True, num_samples=10 ** 10,
                            generator=gradkit.Generator().manual_seed(0))
    assert len(sampler) == 10 ** 10
    loader = DataLoader(list(range(7)), 4, sampler=sampler)
    assert len(loader) == 10 ** 10 // 4
    it = iter(loader)
    batches = [next(it).tolist() for _ in range(100)]
    assert all(len(b) == 4 and all(0 <= v < 7 for v in b) for b in batches)
    # the same draws as a short sampler on the same seed: drawing in chunks changes nothing
    short = RandomSampler(range(7), replacement=True, num_samples=400, generator=gradkit.Generator().manual_seed(0))
    assert [v for b in batches for v in b] == list(short)


def test_batches_come_back_on_their_device(device):
    if device.startswith("cuda"):
        pytest.skip("a forked worker can't use CUDA")
    X = gradkit.arange(12.0, device=device).reshape(6, 2)
    ds = TensorDataset(X, gradkit.arange(6, device=device))
    expected = [_plain(b) for b in DataLoader(ds, 4)]
    got = list(DataLoader(ds, 4, num_workers=2, multiprocessing_context=FORK))
    assert [_plain(b) for b in got] == expected
    assert all(t.device == X.device for b in got for t in b)


def test_a_pass_left_early_stops_its_workers():
    it = iter(DataLoader(Squares(40), 2, num_workers=2, multiprocessing_context=FORK))
    next(it)
    workers = it._pool.workers
    del it
    import gc

    gc.collect()
    for w in workers:
        w.join(timeout=5)
        assert not w.is_alive()
