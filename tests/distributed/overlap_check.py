"""Run under mpiexec: bucket all-reduces are issued while backward still has nodes to run.

Events in order: ("grad", i) when the engine delivers the gradient of layer i's output
(a tensor hook: the engine's node order), ("issue", bucket) when DDP starts a bucket's
all-reduce, ("end",) when the engine has finished backward (a queued callback). argv[1]:
"default" watches DDP's own all-reduce call; "hook" a communication hook."""
import sys

import gradkit as torch
import gradkit.distributed as dist
from gradkit import nn
from gradkit.autograd.engine import queue_callback
from gradkit.nn.parallel import DistributedDataParallel as DDP

mode = sys.argv[1]
dist.init_process_group("gloo")
rank = dist.get_rank()
LAYERS = 6
torch.manual_seed(0)
model = nn.Sequential(*[nn.Linear(32, 32) for _ in range(LAYERS)])
# 32*32 + 32 floats = 4224 bytes per layer: a bucket per layer
ddp = DDP(model, bucket_cap_mb=4224 / 2 ** 20)
assert len(ddp._buckets) == LAYERS, len(ddp._buckets)
events = []

if mode == "hook":
    def recording_hook(state, bucket):
        events.append(("issue", bucket.index()))
        tensor = bucket.buffer().div_(dist.get_world_size())
        return dist.all_reduce(tensor, async_op=True).get_future().then(lambda fut: fut.value()[0])

    ddp.register_comm_hook(None, recording_hook)
else:
    real_all_reduce = dist.all_reduce

    def recording_all_reduce(tensor, *args, **kwargs):
        events.append(("issue", len([e for e in events if e[0] == "issue"])))
        return real_all_reduce(tensor, *args, **kwargs)

    dist.all_reduce = recording_all_reduce


def watch(i):
    def forward_hook(module, inputs, output):
        def on_grad(grad):
            events.append(("grad", i))
            if i == LAYERS - 1:
                queue_callback(lambda: events.append(("end",)))
        output.register_hook(on_grad)
    return forward_hook


for i, layer in enumerate(model):
    layer.register_forward_hook(watch(i))

x = torch.randn(8, 32, requires_grad=True)
for step in range(2):
    events.clear()
    ddp(x).square().mean().backward()
    issues = [k for k, e in enumerate(events) if e[0] == "issue"]
    grads = {e[1]: k for k, e in enumerate(events) if e[0] == "grad"}
    end = events.index(("end",))
    assert len(issues) == LAYERS, events
    # bucket 0 holds the last layer: its all-reduce starts before the engine has reached the
    # gradients of the layers below it, and every bucket starts before backward ends
    assert issues[0] < grads[LAYERS - 2] < grads[0], events
    assert sum(1 for k in issues if k < grads[0]) >= LAYERS - 1, events
    assert all(k < end for k in issues), events
    print(f"rank {rank} step {step} events {events}", flush=True)
dist.destroy_process_group()
