"""Run under mpiexec: every collective against the same computation done with NumPy on
every rank's inputs (each rank can make every rank's input: they come from the rank number)."""
from datetime import timedelta

import numpy as np

import gradkit as torch
import gradkit.distributed as dist

dist.init_process_group("gloo", timeout=timedelta(seconds=60))
rank, world = dist.get_rank(), dist.get_world_size()
ReduceOp = dist.ReduceOp


def data(r, dtype=np.float32, shape=(2, 3)):
    n = int(np.prod(shape))
    return (np.arange(n).reshape(shape) * (r + 1) + r).astype(dtype)


def check(name, got, want):
    got = got.numpy() if isinstance(got, torch.Tensor) else np.asarray(got)
    assert got.shape == np.shape(want) and got.dtype == np.asarray(want).dtype, (name, got.dtype, got.shape)
    np.testing.assert_allclose(got, want, rtol=1e-6, err_msg=f"{name} on rank {rank}")


everyone = [data(r) for r in range(world)]
# all_reduce, each op, float and int, async and not
reductions = {ReduceOp.SUM: np.sum, ReduceOp.PRODUCT: np.prod, ReduceOp.MIN: np.min, ReduceOp.MAX: np.max,
              ReduceOp.AVG: np.mean}
for op, fn in reductions.items():
    for dtype in (np.float32, np.float64, np.int64):
        t = torch.from_numpy(data(rank, dtype).copy())
        version = t._version_number
        dist.all_reduce(t, op=op)
        want = fn(np.stack([data(r, dtype) for r in range(world)]), axis=0)
        if op is ReduceOp.AVG and dtype is np.int64:
            want = np.sum(np.stack([data(r, dtype) for r in range(world)]), axis=0) // world
        check(f"all_reduce {op} {dtype.__name__}", t, want.astype(dtype))
        assert t._version_number == version + 1, "all_reduce bumps the tensor's version"
for op, fn in ((ReduceOp.BAND, np.bitwise_and), (ReduceOp.BOR, np.bitwise_or), (ReduceOp.BXOR, np.bitwise_xor)):
    t = torch.from_numpy(data(rank, np.int32).copy())
    dist.all_reduce(t, op=op)
    check(f"all_reduce {op}", t, fn.reduce(np.stack([data(r, np.int32) for r in range(world)]), axis=0))
# float16 travels widened; a non-contiguous tensor is written through its view
t = torch.from_numpy(data(rank, np.float16).copy())
dist.all_reduce(t)
check("all_reduce float16", t, np.sum(np.stack([data(r, np.float16) for r in range(world)]), axis=0))
base = torch.from_numpy(data(rank, shape=(3, 4)).copy())
column = base[:, 1]
dist.all_reduce(column)
check("all_reduce of a view", base[:, 1], np.sum(np.stack([data(r, shape=(3, 4))[:, 1] for r in range(world)]), 0))
check("the rest of the base untouched", base[:, 0], data(rank, shape=(3, 4))[:, 0])
work = dist.all_reduce(torch.from_numpy(data(rank).copy()), async_op=True)
assert work.wait() is True and work.is_completed()
t = torch.from_numpy(data(rank).copy())
work = dist.all_reduce(t, op=ReduceOp.MAX, async_op=True)
work.wait()
check("all_reduce async", t, np.max(np.stack(everyone), axis=0))
# leaves requiring grad are written in place too (collectives are not recorded)
w = torch.ones(3, requires_grad=True)
dist.all_reduce(w)
assert w.grad_fn is None and w.requires_grad
check("all_reduce of a leaf", w.detach(), np.full(3, world, np.float32))

# the strict test device: its arrays reach MPI through host copies, written back in place
t = torch.tensor(data(rank), device="strict")
dist.all_reduce(t, op=ReduceOp.AVG)
check("all_reduce on the strict device", t.cpu(), np.mean(np.stack(everyone), axis=0))
out = [torch.zeros(2, 3, device="strict") for _ in range(world)]
dist.all_gather(out, torch.tensor(data(rank), device="strict"))
check("all_gather on the strict device", torch.stack(out).cpu(), np.stack(everyone))
t = torch.tensor(data(rank), device="strict")
dist.broadcast(t, src=world - 1)
check("broadcast on the strict device", t.cpu(), data(world - 1))

# broadcast, reduce
for src in range(world):
    t = torch.from_numpy(data(rank).copy())
    dist.broadcast(t, src=src)
    check(f"broadcast from {src}", t, data(src))
    t = torch.from_numpy(data(rank).copy())
    dist.reduce(t, dst=src, op=ReduceOp.SUM)
    check(f"reduce to {src}", t, np.sum(np.stack(everyone), axis=0) if rank == src else data(rank))

# gathers and scatters
out = [torch.zeros(2, 3) for _ in range(world)]
dist.all_gather(out, torch.from_numpy(data(rank)))
for r in range(world):
    check(f"all_gather [{r}]", out[r], data(r))
big = torch.zeros(world * 2, 3)
dist.all_gather_into_tensor(big, torch.from_numpy(data(rank)))
check("all_gather_into_tensor", big, np.concatenate(everyone))
stacked = torch.zeros(world, 2, 3)
dist.all_gather_into_tensor(stacked, torch.from_numpy(data(rank)))
check("all_gather_into_tensor, stacked", stacked, np.stack(everyone))
inp = torch.from_numpy(np.concatenate([data(rank) + k for k in range(world)]))
out = torch.zeros(2, 3)
dist.reduce_scatter_tensor(out, inp)
check("reduce_scatter_tensor", out, np.sum(np.stack([data(r) + rank for r in range(world)]), axis=0))
out = torch.zeros(2, 3)
dist.reduce_scatter_tensor(out, inp, op=ReduceOp.AVG)
check("reduce_scatter_tensor AVG", out, np.mean(np.stack([data(r) + rank for r in range(world)]), axis=0))
for root in range(world):
    gathered = [torch.zeros(2, 3) for _ in range(world)] if rank == root else None
    dist.gather(torch.from_numpy(data(rank)), gathered, dst=root)
    if rank == root:
        for r in range(world):
            check(f"gather [{r}] to {root}", gathered[r], data(r))
    t = torch.zeros(2, 3)
    parts = [torch.from_numpy(data(r) * 10) for r in range(world)] if rank == root else None
    dist.scatter(t, parts, src=root)
    check(f"scatter from {root}", t, data(rank) * 10)

# point to point: a ring
right, left = (rank + 1) % world, (rank - 1) % world
t = torch.zeros(2, 3)
send = dist.isend(torch.from_numpy(data(rank)), dst=right)
recv = dist.irecv(t, src=left)
send.wait()
recv.wait()
check("isend/irecv ring", t, data(left))
if rank == 0:
    for _ in range(world - 1):
        t = torch.zeros(2, 3)
        sender = dist.recv(t)  # from any rank: returns the sender
        check(f"recv from {sender}", t, data(sender))
else:
    dist.send(torch.from_numpy(data(rank)), dst=0)

# objects
objects = [None] * world
dist.all_gather_object(objects, {"rank": rank, "name": "r" * rank})
assert objects == [{"rank": r, "name": "r" * r} for r in range(world)], objects
items = [rank, "from", rank] if rank == world - 1 else [None, None, None]
dist.broadcast_object_list(items, src=world - 1)
assert items == [world - 1, "from", world - 1], items
gathered = [None] * world if rank == 0 else None
dist.gather_object((rank, [rank] * rank), gathered, dst=0)
assert rank != 0 or gathered == [(r, [r] * r) for r in range(world)], gathered
output = [None]
dist.scatter_object_list(output, [f"item{r}" for r in range(world)] if rank == 0 else None, src=0)
assert output == [f"item{rank}"], output

# a subgroup of the ranks after the first: ranks outside it see -1 and no-ops
sub = dist.new_group(list(range(1, world)))
if rank == 0:
    assert dist.get_rank(sub) == -1 and dist.get_world_size(sub) == -1
    assert dist.all_reduce(torch.ones(1), group=sub) is None
else:
    assert dist.get_rank(sub) == rank - 1 and dist.get_world_size(sub) == world - 1
    t = torch.from_numpy(data(rank).copy())
    dist.all_reduce(t, group=sub)
    check("all_reduce in a subgroup", t, np.sum(np.stack(everyone[1:]), axis=0))
    t = torch.from_numpy(data(rank).copy())
    dist.broadcast(t, src=world - 1, group=sub)  # src: a rank of the default group
    check("broadcast in a subgroup", t, data(world - 1))
    assert dist.get_process_group_ranks(sub) == list(range(1, world))

dist.barrier()
assert dist.barrier(async_op=True).wait()
print(f"rank {rank} of {world}: collectives OK", flush=True)
dist.destroy_process_group()
assert not dist.is_initialized()
