"""DataLoader, samplers, collate and dataset helpers. Expected values are PyTorch 2.13's
behaviour (checked against torch.utils.data), written out so the suite needs no torch."""
from __future__ import annotations

import collections
import math

import numpy as np
import pytest

import gradkit
from gradkit.utils import data
from gradkit.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset, RandomSampler,
                                SequentialSampler, Subset, SubsetRandomSampler, TensorDataset, WeightedRandomSampler,
                                default_collate, random_split)


def _xy(n=10, device="cpu"):
    X = gradkit.arange(2 * n, dtype=gradkit.float32, device=device).reshape(n, 2)
    y = gradkit.arange(n, device=device)
    return X, y


def _labels(loader):
    return [int(v) for _, y in loader for v in y.tolist()]


# ------------------------------------------------------------------------------ imports
def test_import_paths():
    import gradkit.data as short

    assert short.DataLoader is data.DataLoader is gradkit.utils.data.DataLoader
    assert gradkit.data.TensorDataset is TensorDataset
    for name in data.__all__:
        assert getattr(short, name) is getattr(data, name)


# ------------------------------------------------------------------------------ TensorDataset
def test_tensor_dataset_items_are_tuples():
    X, y = _xy()
    ds = TensorDataset(X, y)
    assert len(ds) == 10
    item = ds[3]
    assert isinstance(item, tuple) and len(item) == 2
    assert item[0].tolist() == [6.0, 7.0] and item[1].item() == 3


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(gradkit.zeros(3), gradkit.zeros(4))


# ------------------------------------------------------------------------------ batching
def test_batches_are_lists_and_last_partial_batch_kept():
    X, y = _xy(10)
    loader = DataLoader(TensorDataset(X, y), 4)  # batch size positional, as in D2L
    batches = list(loader)
    assert len(loader) == 3 == len(batches)
    assert all(type(b) is list and len(b) == 2 for b in batches)
    assert [tuple(b[0].shape) for b in batches] == [(4, 2), (4, 2), (2, 2)]
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].dtype is gradkit.float32 and batches[0][1].dtype is gradkit.int64
    first = next(iter(loader))
    assert first[0].tolist() == [[0, 1], [2, 3], [4, 5], [6, 7]]


def test_drop_last():
    X, y = _xy(10)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [b[1].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(range(10), 3)) == 4 and len(DataLoader(range(10), 3, drop_last=True)) == 3


def test_len_is_ceil_of_n_over_batch_size():
    for n, b in [(1, 1), (7, 3), (9, 3), (100, 7), (5, 10)]:
        loader = DataLoader(range(n), b)
        assert len(loader) == math.ceil(n / b) == len(list(loader))


def test_plain_sequence_dataset():
    assert [b.tolist() for b in DataLoader(range(7), 3)] == [[0, 1, 2], [3, 4, 5], [6]]


def test_batch_size_none_disables_batching():
    loader = DataLoader([(np.zeros(2), 1)], batch_size=None)
    (item,) = list(loader)
    assert type(item) is list and isinstance(item[0], gradkit.Tensor) and item[0].dtype is gradkit.float64
    assert item[1] == 1


# ------------------------------------------------------------------------------ shuffling
def test_shuffle_covers_every_index_once_per_epoch():
    X, y = _xy(50)
    loader = DataLoader(TensorDataset(X, y), 8, shuffle=True)
    epochs = [_labels(loader) for _ in range(3)]
    for order in epochs:
        assert sorted(order) == list(range(50))
    assert epochs[0] != epochs[1] or epochs[1] != epochs[2]  # a new permutation each epoch
    for X_b, y_b in loader:  # rows stay paired with their labels
        assert (X_b[:, 0] == 2 * y_b).all()


def test_shuffle_reproducible_with_manual_seed():
    X, y = _xy(40)
    ds = TensorDataset(X, y)
    gradkit.manual_seed(123)
    a = [_labels(DataLoader(ds, 5, shuffle=True)) for _ in range(2)]
    gradkit.manual_seed(123)
    b = [_labels(DataLoader(ds, 5, shuffle=True)) for _ in range(2)]
    assert a == b and a[0] != list(range(40))


def test_shuffle_reproducible_with_generator():
    X, y = _xy(40)
    ds = TensorDataset(X, y)
    g1 = gradkit.Generator().manual_seed(7)
    g2 = gradkit.Generator().manual_seed(7)
    l1 = DataLoader(ds, 6, shuffle=True, generator=g1)
    l2 = DataLoader(ds, 6, shuffle=True, generator=g2)
    e1 = [_labels(l1) for _ in range(3)]
    gradkit.randn(100)  # other random draws do not move a generator's own stream
    e2 = [_labels(l2) for _ in range(3)]
    assert e1 == e2
    assert e1[0] != e1[1]  # the stream advances: a new order per epoch
    g1.manual_seed(7)  # re-seeding restarts it
    assert _labels(l1) == e1[0]
    other = DataLoader(ds, 6, shuffle=True, generator=gradkit.Generator().manual_seed(8))
    assert _labels(other) != e1[0]


def test_random_sampler_variants():
    g = gradkit.Generator().manual_seed(0)
    draws = list(RandomSampler(range(5), replacement=True, num_samples=20, generator=g))
    assert len(draws) == 20 and all(0 <= d < 5 for d in draws)
    more = list(RandomSampler(range(5), num_samples=12))
    assert len(more) == 12 and sorted(more[:5]) == list(range(5)) and sorted(more[5:10]) == list(range(5))
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(5), num_samples=0)
    sub = list(SubsetRandomSampler([10, 20, 30]))
    assert sorted(sub) == [10, 20, 30]
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0], 6))
    assert w == [1] * 6
    w = list(WeightedRandomSampler([0.1, 0.0, 5.0, 1.0], 3, replacement=False, generator=g))
    assert sorted(w) == [0, 2, 3]


def test_batch_sampler():
    assert list(BatchSampler(SequentialSampler(range(10)), 3, False)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert list(BatchSampler(SequentialSampler(range(10)), 3, True)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert len(BatchSampler(range(10), 3, False)) == 4
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(range(3), 0, False)
    X, y = _xy(10)
    loader = DataLoader(TensorDataset(X, y), batch_sampler=[[9, 0], [5, 5, 1]])
    assert [b[1].tolist() for b in loader] == [[9, 0], [5, 5, 1]]


# ------------------------------------------------------------------------------ argument checks (PyTorch's)
def test_argument_errors():
    ds = TensorDataset(*_xy(4))
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, shuffle=True, sampler=SequentialSampler(ds))
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, 2, batch_sampler=[[0, 1]])
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(ds, num_workers=-1)
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified"):
        DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(ds, persistent_workers=True)
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)
    loader = DataLoader(ds, 2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 3


def test_num_workers_accepted_loading_in_process():
    X, y = _xy(10)
    loader = DataLoader(TensorDataset(X, y), 3, shuffle=True, num_workers=4, persistent_workers=True,
                        prefetch_factor=2, pin_memory=True)
    assert sorted(_labels(loader)) == list(range(10))
    assert data.get_worker_info() is None


# ------------------------------------------------------------------------------ collate
def test_collate_dict_samples():
    samples = [{"x": gradkit.tensor([i, i + 1.0]), "y": i, "f": i / 2, "b": i % 2 == 0, "name": f"n{i}",
                "np": np.arange(2, dtype=np.int32) + i} for i in range(5)]
    batches = list(DataLoader(samples, 2))
    assert len(batches) == 3
    b = batches[0]
    assert type(b) is dict and list(b) == ["x", "y", "f", "b", "name", "np"]
    assert b["x"].tolist() == [[0.0, 1.0], [1.0, 2.0]] and b["x"].dtype is gradkit.float32
    assert b["y"].tolist() == [0, 1] and b["y"].dtype is gradkit.int64
    assert b["f"].tolist() == [0.0, 0.5] and b["f"].dtype is gradkit.float64  # floats collate to float64
    assert b["b"].tolist() == [True, False] and b["b"].dtype is gradkit.bool
    assert b["name"] == ["n0", "n1"]
    assert b["np"].tolist() == [[0, 1], [1, 2]] and b["np"].dtype is gradkit.int32
    assert batches[-1]["y"].tolist() == [4]


def test_default_collate_shapes_of_things():
    P = collections.namedtuple("P", "a b")
    out = default_collate([P(1, 2.0), P(3, 4.0)])
    assert type(out) is P and out.a.tolist() == [1, 3] and out.b.dtype is gradkit.float64
    out = default_collate([[1, 2], [3, 4]])
    assert [t.tolist() for t in out] == [[1, 3], [2, 4]]
    out = default_collate([(gradkit.tensor(1.0), 1)])
    assert type(out) is list and out[0].tolist() == [1.0] and out[1].tolist() == [1]
    out = default_collate([collections.OrderedDict(a=1)])
    assert type(out) is collections.OrderedDict
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
        default_collate([object()])


def test_collate_stacks_tensors_that_require_grad_through_autograd():
    w = gradkit.ones(2, requires_grad=True)
    out = default_collate([w * 1, w * 2])
    out.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


# ------------------------------------------------------------------------------ fast path
def test_tensor_dataset_fast_path_matches_item_by_item(monkeypatch):
    X = gradkit.randn(37, 3, 2)
    y = gradkit.randint(0, 5, (37,))
    w = gradkit.rand(37) > 0.5
    ds = TensorDataset(X, y, w)
    order = list(range(36, -1, -3)) + [0, 0]
    slow = list(DataLoader(ds, batch_sampler=[order[:5], order[5:]], collate_fn=lambda b: default_collate(b)))

    def no_item_access(self, index):
        raise AssertionError("the fast path must not index item by item")

    monkeypatch.setattr(TensorDataset, "__getitem__", no_item_access)
    fast = list(DataLoader(ds, batch_sampler=[order[:5], order[5:]]))
    for a, b in zip(fast, slow):
        assert type(a) is list and len(a) == 3
        for ta, tb in zip(a, b):
            assert ta.dtype is tb.dtype and ta.shape == tb.shape and ta.tolist() == tb.tolist()


def test_fast_path_through_random_split_subsets():
    X, y = _xy(20)
    train, test = random_split(TensorDataset(X, y), [0.75, 0.25], generator=gradkit.Generator().manual_seed(0))
    got = []
    for Xb, yb in DataLoader(train, 4, shuffle=True):
        assert (Xb[:, 0] == 2 * yb).all()
        got += yb.tolist()
    assert sorted(got) == sorted(train.indices)


def test_fast_path_bad_index():
    ds = TensorDataset(*_xy(4))
    with pytest.raises(IndexError, match="out of bounds"):
        list(DataLoader(ds, batch_sampler=[[0, 4]]))


def test_fast_path_gradient_flows_to_dataset_tensors():
    X = gradkit.ones(4, 2, requires_grad=True)
    (Xb,) = next(iter(DataLoader(TensorDataset(X), batch_sampler=[[1, 1, 3]])))
    Xb.sum().backward()
    assert X.grad.tolist() == [[0, 0], [2, 2], [0, 0], [1, 1]]


# ------------------------------------------------------------------------------ devices
def test_device_keyword_places_batches(device):
    X, y = _xy(10)  # dataset on the CPU
    loader = DataLoader(TensorDataset(X, y), 4, shuffle=True, device=device)
    seen = []
    for Xb, yb in loader:
        assert Xb.device == gradkit.device(device) and yb.device == gradkit.device(device)
        seen += yb.cpu().tolist()
    assert sorted(seen) == list(range(10))
    samples = [{"x": gradkit.tensor([float(i)]), "meta": (i, "s")} for i in range(3)]  # the general path
    (batch,) = list(DataLoader(samples, 3, device=device))
    assert batch["x"].device == gradkit.device(device) and batch["meta"][0].device == gradkit.device(device)
    assert batch["meta"][1] == ("s", "s", "s")  # as PyTorch: strings stay as zip gave them


def test_dataset_on_device(device):
    X, y = _xy(9, device=device)
    batches = list(DataLoader(TensorDataset(X, y), 4, shuffle=True))
    assert all(t.device == gradkit.device(device) for b in batches for t in b)
    assert sorted(v for b in batches for v in b[1].cpu().tolist()) == list(range(9))


# ------------------------------------------------------------------------------ other datasets
def test_iterable_dataset():
    class Stream(IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    assert [b.tolist() for b in DataLoader(Stream(7), 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(7), 3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert len(DataLoader(Stream(7), 3)) == 3 and len(DataLoader(Stream(7), 3, drop_last=True)) == 2
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
    assert list(DataLoader(Stream(2), batch_size=None)) == [0, 1]


def test_map_dataset_subclass_and_getitems():
    class Squares(Dataset):
        calls = 0

        def __len__(self):
            return 6

        def __getitem__(self, i):
            return float(i * i), i

        def __getitems__(self, indices):
            Squares.calls += 1
            return [self[i] for i in indices]

    ds = Squares()
    batches = list(DataLoader(ds, 4))
    assert Squares.calls == 2
    assert batches[0][0].tolist() == [0.0, 1.0, 4.0, 9.0] and batches[0][0].dtype is gradkit.float64
    both = ds + ds
    assert isinstance(both, ConcatDataset) and len(both) == 12 and both[7] == (1.0, 1) and both[-1] == (25.0, 5)
    sub = Subset(ds, [5, 0])
    assert len(sub) == 2 and sub[0] == (25.0, 5)


def test_random_split_lengths_and_fractions():
    parts = random_split(range(10), [3, 7])
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    assert [len(p) for p in random_split(range(10), [0.3, 0.7])] == [3, 7]
    assert [len(p) for p in random_split(range(11), [0.5, 0.25, 0.25])] == [6, 3, 2]  # remainder round-robin
    parts = random_split(range(11), [0.5, 0.25, 0.25])
    assert sorted(i for p in parts for i in p) == list(range(11))
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset!"):
        random_split(range(10), [3, 4])
    with pytest.raises(ValueError, match="Fraction at index 2 is not between 0 and 1"):
        random_split(range(10), [0.5, 0.6, -0.1])
    a = random_split(range(30), [10, 20], generator=gradkit.Generator().manual_seed(3))
    b = random_split(range(30), [10, 20], generator=gradkit.Generator().manual_seed(3))
    assert a[0].indices == b[0].indices and a[0].indices != list(range(10))
