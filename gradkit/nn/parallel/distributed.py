"""``torch.nn.parallel.DistributedDataParallel`` over ``gradkit.distributed``.

At wrap time the ranks check that their parameters agree in number and shape (an error names
the first that differs, on every rank at once, so none waits), then take rank 0's parameters
and buffers. Each parameter gets a post-accumulate-grad hook: the engine runs it as soon as
the parameter's gradient is final, the gradient goes into its bucket's flat buffer, and a
bucket whose last gradient has arrived is divided by the world size and all-reduced
asynchronously while backward goes on -- buckets always start in index order, the same
order on every rank, as MPI and NCCL require. A callback queued on the engine waits for the
reductions when backward has finished and writes the averaged gradients back (or leaves
them in place, where ``gradient_as_bucket_view`` made ``.grad`` a view of the bucket)."""
from __future__ import annotations

import weakref
from contextlib import contextmanager

from ... import distributed as dist
from ..._tensor import Tensor
from ...autograd.engine import queue_callback
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ...autograd.node import AccumulateGrad
from ..module import Module
from ._buckets import FIRST_BUCKET_BYTES, Bucket, GradBucket, assign

_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. This error indicates "
    "that your module has parameters that were not used in producing loss. You can enable unused parameter "
    "detection by passing the keyword argument `find_unused_parameters=True` to "
    "`torch.nn.parallel.DistributedDataParallel`, and by \nmaking sure all `forward` function outputs participate "
    "in calculating loss. \nIf you already have done the above, then the distributed data parallel module wasn't "
    "able to locate the output tensors in the return value of your module's `forward` function. Please include "
    "the loss function and the structure of the return value of `forward` of your module when reporting this "
    "issue (e.g. list, dict, iterable).")


class DistributedDataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None):
        super().__init__()
        self.module = module
        group = dist._group.resolve(process_group)
        if group is None:
            raise ValueError("DistributedDataParallel: this rank is not in process_group")
        named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        if not named:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        devices = {str(p.device) for _, p in named}
        if device_ids is not None and len(device_ids) > 1:
            raise ValueError("device_ids can only be None or contain a single element.")
        self.process_group = group
        self.device_ids = device_ids
        self.output_device = output_device
        self.dim = dim
        self.device_type = next(iter(devices)).split(":")[0]
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        # the default's first bucket is smaller, so that the first reduction starts early; a
        # size given applies to every bucket (as in PyTorch)
        first_cap = FIRST_BUCKET_BYTES if bucket_cap_mb is None else None
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        self._param_names = [n for n, _ in named]
        self._params = [p for _, p in named]
        self._verify_shapes()
        self._sync_from_rank0(self._params + list(module.buffers()))
        self._world = group.size()
        order = assign(self._params, self.bucket_bytes_cap, first_cap or self.bucket_bytes_cap)
        self._buckets = [Bucket(i, self._params, indices) for i, indices in enumerate(order)]
        self._where = {}  # parameter index -> (bucket, position in it)
        for bucket in self._buckets:
            for pos, i in enumerate(bucket.indices):
                self._where[i] = (bucket, pos)
        self._comm_hook = None
        self._expecting = False  # a synced forward ran: its backward reduces
        self._queued = False  # the end-of-backward callback is queued for this backward
        self._next_bucket = 0
        self._unfinished = None  # names of the parameters a backward left unreduced
        self._used = None  # find_unused_parameters: which parameters the forward reached
        self._hook_handles = [p.register_post_accumulate_grad_hook(_hook(self, i)) for i, p in enumerate(self._params)]

    # -- wrap time ------------------------------------------------------------------------------
    def _verify_shapes(self):
        mine = [(n, tuple(p.shape), str(p.dtype)) for n, p in zip(self._param_names, self._params)]
        everyone = [None] * self.process_group.size()
        dist.all_gather_object(everyone, mine, group=self.process_group)
        reference = everyone[0]
        for rank, theirs in enumerate(everyone):
            if len(theirs) != len(reference):
                raise RuntimeError(f"DDP expects same model across all ranks, but Rank {rank} has {len(theirs)} "
                                   f"params, while rank 0 has inconsistent {len(reference)} params.")
            for i, (ours, ref) in enumerate(zip(theirs, reference)):
                if ours[1:] != ref[1:]:
                    raise RuntimeError(
                        f"DDP expects same model across all ranks, but rank {rank}'s params[{i}] ({ours[0]!r}) has "
                        f"sizes {list(ours[1])} and dtype {ours[2]}, while rank 0's ({ref[0]!r}) has sizes "
                        f"{list(ref[1])} and dtype {ref[2]}.")

    def _sync_from_rank0(self, tensors):
        if self.process_group.size() == 1 or not tensors:
            return
        root = self.process_group.global_ranks[0]
        works = [dist.broadcast(t.detach(), src=root, group=self.process_group, async_op=True) for t in tensors]
        for work in works:
            work.wait()

    # -- forward --------------------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        if self._unfinished is not None:
            names, self._unfinished = self._unfinished, None
            raise RuntimeError(_UNFINISHED + f"\nParameters which did not receive grad for rank "
                               f"{self.process_group.rank()}: {', '.join(names)}")
        if self.broadcast_buffers and self.require_forward_param_sync and self._world > 1:
            buffers = list(self.module.buffers())
            if buffers:
                self._sync_from_rank0(buffers)
        output = self.module(*inputs, **kwargs)
        self._expecting = is_grad_enabled() and self.require_backward_grad_sync
        if self._expecting:
            self._prepare(output)
        return output

    def _prepare(self, output):
        for bucket in self._buckets:
            bucket.reset()
        self._next_bucket = 0
        self._queued = False
        if self.find_unused_parameters:
            reached = _leaves_reached(output)
            self._used = [id(p) in reached for p in self._params]
            for i, used in enumerate(self._used):
                if not used:
                    self._mark_ready(i, None)

    # -- during backward --------------------------------------------------------------------------
    def _on_grad_ready(self, i, param):
        if not self._expecting:
            return
        if not self._queued:
            self._queued = True
            queue_callback(self._finish_backward)
        bucket, pos = self._where[i]
        if bucket.ready_params[pos]:
            return
        view = bucket.views[pos]
        grad = param._grad
        if grad is not view:
            bucket.copy_in(pos, grad)
            if self.gradient_as_bucket_view:
                param._grad = view
        self._mark_ready(i, bucket, pos)

    def _mark_ready(self, i, bucket, pos=None):
        if bucket is None:  # an unused parameter: its share of the bucket is zero
            bucket, pos = self._where[i]
            with no_grad():
                bucket.views[pos].zero_()
        bucket.ready_params[pos] = True
        bucket.pending -= 1
        if bucket.pending == 0:
            self._launch_ready()
        else:
            for b in self._buckets[:self._next_bucket]:  # lets MPI move the reductions in flight along
                if b.work is not None:
                    b.work.is_completed()

    def _launch_ready(self):
        buckets = self._buckets
        while self._next_bucket < len(buckets) and buckets[self._next_bucket].pending == 0:
            self._launch(buckets[self._next_bucket])
            self._next_bucket += 1

    def _launch(self, bucket):
        if self._comm_hook is not None:
            state, hook = self._comm_hook
            bucket.future = hook(state, GradBucket(bucket, bucket.index == len(self._buckets) - 1))
            return
        bucket.flat /= self._world
        bucket.work = dist.all_reduce(bucket.buffer, group=self.process_group, async_op=True)

    def _finish_backward(self):
        """Run by the engine when backward is over: wait for every bucket, write the averaged
        gradients into ``.grad``."""
        self._expecting = False
        if self._next_bucket < len(self._buckets):
            missing = [self._param_names[i] for b in self._buckets for pos, i in enumerate(b.indices)
                       if not b.ready_params[pos]]
            if not self.find_unused_parameters:
                self._unfinished = missing
                return
            for b in self._buckets:  # gradients the graph did not deliver count as zero
                for pos, i in enumerate(b.indices):
                    if not b.ready_params[pos]:
                        self._mark_ready(i, None)
        used = self._globally_used() if self.find_unused_parameters else None
        with no_grad():
            for bucket in self._buckets:
                if bucket.future is not None:
                    result = bucket.future.wait()
                    result = result[0] if isinstance(result, (list, tuple)) else result
                    if result is not bucket.buffer:
                        bucket.buffer.copy_(result)
                else:
                    bucket.work.wait()
                for pos, (i, p) in enumerate(zip(bucket.indices, bucket.params)):
                    if used is not None and not used[i]:
                        continue  # no rank used it: its .grad stays as it was (None), as in PyTorch
                    if self.gradient_as_bucket_view:
                        p._grad = bucket.views[pos]
                    elif p._grad is None:
                        p._grad = bucket.views[pos].clone()
                    else:
                        bucket.copy_out(pos, p._grad)

    def _globally_used(self):
        """Which parameters some rank's forward used (an all-reduce of this rank's flags)."""
        from ...ops.creation import tensor as make_tensor

        flags = make_tensor([1 if u else 0 for u in self._used], device=self._params[0].device)
        dist.all_reduce(flags, op=dist.ReduceOp.MAX, group=self.process_group)
        return [bool(v) for v in flags.tolist()]

    # -- PyTorch's other entry points -------------------------------------------------------------
    @contextmanager
    def no_sync(self):
        """Backward passes in this context accumulate local gradients without reducing them;
        the first synced backward after it reduces the sum."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def register_comm_hook(self, state, hook):
        """``hook(state, bucket)`` replaces the bucket's all-reduce; it returns a future whose
        ``wait()`` gives the reduced bucket tensor (as ``torch.futures.Future``'s value)."""
        if self._comm_hook is not None:
            raise RuntimeError("register_comm_hook or register_builtin_comm_hook can only be called once.")
        if not callable(hook):
            raise TypeError("Communication hook must be callable.")
        self._comm_hook = (state, hook)

    def _set_static_graph(self):
        self.static_graph = True

    def join(self, *args, **kwargs):
        raise NotImplementedError("DistributedDataParallel.join (uneven inputs) is not supported by gradkit")

    def extra_repr(self) -> str:
        return ""


def _hook(ddp, i):
    """The post-accumulate hook of parameter ``i``, holding its DDP weakly (a dropped wrapper
    leaves the module's parameters with hooks that do nothing)."""
    ref = weakref.ref(ddp)

    def ready(param):
        owner = ref()
        if owner is not None:
            owner._on_grad_ready(i, param)

    return ready


def _tensors_in(output, found):
    if isinstance(output, Tensor):
        found.append(output)
    elif isinstance(output, (list, tuple)):
        for item in output:
            _tensors_in(item, found)
    elif isinstance(output, dict):
        for item in output.values():
            _tensors_in(item, found)
    return found


def _leaves_reached(output):
    """ids of the leaves whose gradients the graph of ``output`` can reach."""
    reached = set()
    seen = set()
    stack = []
    for t in _tensors_in(output, []):
        if t.grad_fn is not None:
            stack.append(t.grad_fn)
        elif t._requires_grad:
            reached.add(id(t))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if type(node) is AccumulateGrad:
            leaf = node._variable()
            if leaf is not None:
                reached.add(id(leaf))
            continue
        for edge in node.next_edges:
            if edge is not None:
                stack.append(edge[0])
    return reached
