"""Timing a callable: warm-up, calibration, then repeated blocks.

``prepare(fn, clock, plan)`` runs ``fn`` ``plan.warmup`` times (fewer, at least once, when
the warm-up passes a quarter of ``plan.budget_s``) and times one call to choose how many calls
make a block of at least ``plan.min_block_s`` (so the clock's resolution and the loop cost
vanish); ``block`` times one such block. ``repeats_for`` gives ``plan.repeats`` blocks, or
fewer (never under ``plan.min_repeats``) when one call is so slow that the repeats would not
fit in ``plan.budget_s``: that is how the large sizes of a sweep stay bounded. ``measure``
chains the three in one process.

Clocks: ``CpuClock`` reads ``time.perf_counter``, ``ProcessClock`` ``time.process_time`` (the
harness's default on the CPU with one thread; see ``bench.cli``). ``CupyClock`` and ``TorchCudaClock`` record
CUDA events before and after a block and read the time between them on the device, after
synchronising on the end event only; they are created only where CUDA exists. Garbage
collection stays on (an engine that makes reference cycles pays for them here, as in a
training script); ``gc.collect()`` runs before each measurement.
"""
from __future__ import annotations

import gc
import math
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    repeats: int = 7
    warmup: int = 3
    min_block_s: float = 0.05
    budget_s: float = 3.0
    min_repeats: int = 3
    max_inner: int = 100_000


class CpuClock:
    name = "perf_counter"

    def sync(self):
        pass

    def start(self):
        return time.perf_counter()

    def stop(self, token):
        return time.perf_counter() - token


class ProcessClock(CpuClock):
    """CPU time of this process (user + system, all threads). With one thread it is the time
    the work itself took, whatever else the machine runs: on a shared box a wall clock also
    counts the slices the scheduler gave to other processes."""
    name = "process CPU time"

    def start(self):
        return time.process_time()

    def stop(self, token):
        return time.process_time() - token


class CupyClock:
    """CUDA events on CuPy's current stream (the stream gradkit's CuPy backend uses)."""
    name = "CUDA events (cupy.cuda.Event)"

    def __init__(self):
        import cupy

        self._cupy = cupy

    def sync(self):
        self._cupy.cuda.get_current_stream().synchronize()

    def start(self):
        event = self._cupy.cuda.Event()
        event.record()
        return event

    def stop(self, start):
        end = self._cupy.cuda.Event()
        end.record()
        end.synchronize()
        return self._cupy.cuda.get_elapsed_time(start, end) / 1e3


class TorchCudaClock:
    name = "CUDA events (torch.cuda.Event)"

    def __init__(self):
        import torch

        self._torch = torch

    def sync(self):
        self._torch.cuda.synchronize()

    def start(self):
        event = self._torch.cuda.Event(enable_timing=True)
        event.record()
        return event

    def stop(self, start):
        end = self._torch.cuda.Event(enable_timing=True)
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / 1e3


def prepare(fn, clock, plan):
    """Warms ``fn`` up and times one call; returns (calls per block, seconds of one call)."""
    gc.collect()
    begin = time.perf_counter()
    for _ in range(plan.warmup):
        fn()
        if time.perf_counter() - begin > plan.budget_s / 4:  # a slow call needs less warming
            break
    clock.sync()
    token = clock.start()
    fn()
    one = max(clock.stop(token), 1e-9)
    return min(plan.max_inner, max(1, math.ceil(plan.min_block_s / one))), one


def repeats_for(one, inner, plan):
    """How many blocks fit the budget: ``plan.repeats``, cut (never below ``plan.min_repeats``)
    when one block is so long that they would not."""
    if one * inner * plan.repeats > plan.budget_s:
        return max(plan.min_repeats, min(plan.repeats, int(plan.budget_s / (one * inner))))
    return plan.repeats


def block(fn, clock, inner):
    """Seconds per call over one block of ``inner`` calls."""
    token = clock.start()
    for _ in range(inner):
        fn()
    return clock.stop(token) / inner


def measure(fn, clock, plan):
    """Seconds per call of ``fn``, one value per timed block, all in this process (the
    harness interleaves blocks of several processes instead; see ``bench.runner``)."""
    inner, one = prepare(fn, clock, plan)
    return [block(fn, clock, inner) for _ in range(repeats_for(one, inner, plan))]
