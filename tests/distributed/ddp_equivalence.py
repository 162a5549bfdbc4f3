"""Run under mpiexec: DistributedDataParallel with each rank on its share of every batch ends
with the parameters of one process trained on the whole batches (to float32 rounding).

argv[1]: plain | no_sync (2 micro-batches, the first under no_sync()) | view
(gradient_as_bucket_view) | unused (find_unused_parameters, a branch forward skips) | hook
(a communication hook doing the all-reduce)."""
import sys

import gradkit as torch
import gradkit.distributed as dist
from gradkit import nn
from gradkit.nn.parallel import DistributedDataParallel as DDP

STEPS, BATCH = 4, 24


class Net(nn.Module):
    def __init__(self, spare=False):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 4))
        self.spare = nn.Linear(8, 4) if spare else None  # used only on the "unused" mode's even steps
        self.register_buffer("steps", torch.zeros(1))

    def forward(self, x, use_spare=False):
        out = self.body(x)
        return out + self.spare(x) if use_spare else out


def batches():
    g = torch.Generator().manual_seed(1234)
    return [(torch.randn(BATCH, 8, generator=g), torch.randint(0, 4, (BATCH,), generator=g)) for _ in range(STEPS)]


def train(model, forward, data, mode, part=None):
    opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.5)
    loss_fn = nn.CrossEntropyLoss()
    for step, (x, y) in enumerate(data):
        if part is not None:
            x, y = x.chunk(part[1])[part[0]], y.chunk(part[1])[part[0]]
        opt.zero_grad()
        use_spare = mode == "unused" and step % 2 == 0
        if mode == "no_sync":
            (x1, x2), (y1, y2) = x.chunk(2), y.chunk(2)
            ctx = forward.no_sync() if isinstance(forward, DDP) else _nothing()
            with ctx:
                (loss_fn(forward(x1), y1) / 2).backward()
            (loss_fn(forward(x2), y2) / 2).backward()
        else:
            loss_fn(forward(x, use_spare), y).backward()
        opt.step()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def main():
    mode = sys.argv[1]
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(100 + rank)  # different on every rank: the wrapper must take rank 0's
    model = Net(spare=mode == "unused")
    torch.manual_seed(100)
    reference = Net(spare=mode == "unused")  # rank 0's initial parameters
    kwargs = {"bucket_cap_mb": 0.0002}  # several buckets
    if mode == "view":
        kwargs["gradient_as_bucket_view"] = True
    if mode == "unused":
        kwargs["find_unused_parameters"] = True
    ddp = DDP(model, **kwargs)
    assert len(ddp._buckets) > 2, len(ddp._buckets)
    if mode == "hook":
        def allreduce_hook(state, bucket):
            tensor = bucket.buffer().div_(dist.get_world_size())
            return dist.all_reduce(tensor, async_op=True).get_future().then(lambda fut: fut.value()[0])
        ddp.register_comm_hook(None, allreduce_hook)
    data = batches()
    train(ddp.module, ddp, data, mode, (rank, world))
    train(reference, reference, data, mode)
    worst = 0.0
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        worst = max(worst, float((p.detach() - q.detach()).abs().max()))
    everyone = [None] * world
    dist.all_gather_object(everyone, [p.detach().tolist() for p in model.parameters()])
    same = all(e == everyone[0] for e in everyone)
    if mode == "view":
        for p in model.parameters():
            assert p.grad is not None and p.grad._base is not None, "grad is not a view of a bucket"
    if mode == "unused":
        # the last step left it out on every rank: its gradient stays None, as in PyTorch
        assert model.spare.weight.grad is None and model.body[0].weight.grad is not None
    keys = list(ddp.state_dict())
    assert keys[0].startswith("module.") and "module.steps" in keys, keys
    if len(sys.argv) > 2:  # a checkpoint: rank 0 writes it while the others wait, then every rank reads it
        path = sys.argv[2]
        if rank == 0:
            torch.save(ddp.state_dict(), path)
        dist.barrier()
        fresh = DDP(Net(spare=mode == "unused"), **kwargs)
        fresh.load_state_dict(torch.load(path))
        for p, q in zip(fresh.parameters(), model.parameters()):
            assert torch.equal(p, q)
    print(f"rank {rank} mode {mode} max_diff {worst:.3g} ranks_equal {same}", flush=True)
    assert same and worst < 2e-5, (worst, same)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
