"""``torch.utils.data.distributed.DistributedSampler``: each of ``num_replicas`` processes
takes every ``num_replicas``-th index of one (shuffled) order, starting at its rank; the order
is padded by repeating its start (or, with ``drop_last``, cut) to a multiple of the number of
processes, so every process gets the same number of samples. The shuffled order comes from
``seed + epoch`` alone, so it is the same on every process and changes with ``set_epoch``
(its permutation differs from PyTorch's for the same seed: a different generator)."""
from __future__ import annotations

import math

from ._rng import randperm_list
from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            from ... import distributed as dist

            if not dist.is_available():
                raise RuntimeError("Requires distributed package to be available")
            if num_replicas is None:
                num_replicas = dist.get_world_size()
            if rank is None:
                rank = dist.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            # the largest share every process can have without padding
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            from ...ops.random import Generator

            indices = randperm_list(n, Generator().manual_seed(self.seed + self.epoch))
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            short = self.total_size - len(indices)
            if short > 0:
                repeats = math.ceil(short / len(indices))
                indices += (indices * repeats)[:short]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """The epoch whose order ``__iter__`` gives (call it at the start of every epoch)."""
        self.epoch = epoch
