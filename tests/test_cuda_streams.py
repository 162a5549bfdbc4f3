"""Streams, events, memory statistics and pinned memory without CUDA: what torch.cuda does
where CUDA has not started or cannot (zeros and empty stats; RuntimeError saying why for what
needs a device), and DataLoader(pin_memory=True) warning as PyTorch without an accelerator."""
from __future__ import annotations

import collections

import pytest

import gradkit as gk
from gradkit.utils.data import DataLoader, TensorDataset

pytestmark = pytest.mark.skipif("gk.cuda.is_available()", reason="the no-CUDA answers")


def test_memory_statistics_before_cuda_work_are_zero():
    cuda = gk.cuda
    for query in (cuda.memory_allocated, cuda.max_memory_allocated, cuda.memory_reserved, cuda.max_memory_reserved):
        assert query() == 0 and query(0) == 0 and query("cuda:1") == 0
    assert cuda.memory_stats() == collections.OrderedDict()
    assert cuda.reset_peak_memory_stats() is None and cuda.empty_cache() is None
    with pytest.warns(FutureWarning, match="reset_peak_memory_stats"):
        cuda.reset_max_memory_allocated()
    summary = cuda.memory_summary()
    assert "Allocated memory" in summary and "0 B" in summary


@pytest.mark.parametrize("make", ["mem_get_info", "current_stream", "default_stream", "Stream", "Event"])
def test_what_needs_a_device_says_why(make):
    with pytest.raises(RuntimeError, match="CUDA is not available: "):
        getattr(gk.cuda, make)()


def test_stream_none_is_a_context_that_does_nothing():
    with gk.cuda.stream(None) as s:
        assert s is None
    gk.cuda.set_stream(None)


def test_pinned_memory_without_an_accelerator(device):
    t = gk.arange(3.0, device=device)
    assert t.is_pinned() is False
    with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available."):
        t.pin_memory()
    moved = t.to("cpu", non_blocking=True)
    assert moved.tolist() == [0.0, 1.0, 2.0] and moved.device.type == "cpu"


def test_dataloader_pin_memory_warns_and_yields_the_same_batches():
    ds = TensorDataset(gk.arange(10.0).reshape(5, 2), gk.arange(5))
    plain = [[t.tolist() for t in batch] for batch in DataLoader(ds, 2)]
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator is found"):
        pinned = [[t.tolist() for t in batch] for batch in DataLoader(ds, 2, pin_memory=True)]
    assert pinned == plain
