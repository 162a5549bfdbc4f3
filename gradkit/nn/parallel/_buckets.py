"""Gradient buckets of DistributedDataParallel: parameters in reverse order (the order their
gradients become final in backward), packed into flat buffers of at most ``bucket_cap_mb``
each (the first at most 1 MiB, so that the first reduction starts early), one dtype and device
per bucket; and the GradBucket that a communication hook sees."""
from __future__ import annotations

from ...autograd.grad_mode import no_grad
from ...ops.creation import zeros

FIRST_BUCKET_BYTES = 1024 * 1024


def assign(params, cap_bytes, first_cap_bytes=FIRST_BUCKET_BYTES):
    """Lists of parameter indices, one per bucket, in the order buckets will be reduced."""
    open_buckets = {}  # (dtype, device) -> [indices, bytes]
    done = []
    for i in reversed(range(len(params))):
        p = params[i]
        key = (p.dtype, str(p.device))
        bucket = open_buckets.setdefault(key, [[], 0])
        bucket[0].append(i)
        bucket[1] += p.numel() * p.dtype.itemsize
        limit = first_cap_bytes if not done else cap_bytes
        if bucket[1] >= limit:
            done.append(bucket[0])
            del open_buckets[key]
    done.extend(b[0] for b in open_buckets.values() if b[0])
    return done


class Bucket:
    """One flat buffer and the parameters whose gradients it carries, each with a view into it."""

    def __init__(self, index, params, indices):
        self.index = index
        self.indices = indices
        self.params = [params[i] for i in indices]
        total = sum(p.numel() for p in self.params)
        first = self.params[0]
        with no_grad():
            self.buffer = zeros(total, dtype=first.dtype, device=first.device)
            self.views = []
            self.offsets = []
            at = 0
            for p in self.params:
                n = p.numel()
                self.views.append(self.buffer[at:at + n].view(p.shape))
                self.offsets.append(at)
                at += n
        # the raw arrays, for the copies of every step (a Tensor op's checks cost more than the copy)
        self.flat = self.buffer._data
        self.xp = self.buffer._device.backend.xp
        self.pending = len(self.params)
        self.work = None  # the reduction in flight
        self.future = None  # a communication hook's result
        self.ready_params = [False] * len(self.params)

    def copy_in(self, pos, grad):
        at = self.offsets[pos]
        data = grad._data
        self.flat[at:at + data.size] = self.xp.reshape(data, (-1,))

    def copy_out(self, pos, grad):
        at = self.offsets[pos]
        data = grad._data
        data[...] = self.xp.reshape(self.flat[at:at + data.size], data.shape)
        grad._version[0] += 1

    def reset(self):
        self.pending = len(self.params)
        self.ready_params = [False] * len(self.params)
        self.work = None
        self.future = None


class GradBucket:
    """``torch.distributed.GradBucket``: what a communication hook is handed."""

    def __init__(self, bucket, is_last):
        self._bucket = bucket
        self._is_last = is_last

    def index(self) -> int:
        return self._bucket.index

    def buffer(self):
        return self._bucket.buffer

    def set_buffer(self, tensor):
        with no_grad():
            self._bucket.buffer.copy_(tensor)

    def gradients(self):
        return list(self._bucket.views)

    def parameters(self):
        return list(self._bucket.params)

    def is_last(self) -> bool:
        return self._is_last
