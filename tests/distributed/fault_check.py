"""Run under mpiexec: one rank fails mid-step; the job must end with an error, never hang.

argv[1]: "raise" (rank 1 raises between forward and backward; the excepthook aborts the job),
"exit" (rank 1 dies with os._exit), "timeout" (rank 1 stops calling collectives: rank 0's
all-reduce gives up after the group's 2-second timeout), "shapes" (rank 1's model differs:
DDP refuses at wrap time on every rank)."""
import os
import sys
import time
from datetime import timedelta

import gradkit as torch
import gradkit.distributed as dist
from gradkit import nn
from gradkit.nn.parallel import DistributedDataParallel as DDP

mode = sys.argv[1]
dist.init_process_group("gloo", timeout=timedelta(seconds=2 if mode == "timeout" else 60))
rank = dist.get_rank()
torch.manual_seed(0)
width = 5 if (mode == "shapes" and rank == 1) else 4
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, width))
ddp = DDP(model)
opt = torch.optim.SGD(ddp.parameters(), lr=0.1)
x, y = torch.randn(16, 8), torch.randint(0, 4, (16,))
for step in range(5):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(ddp(x), y)
    if step == 2 and rank == 1:
        if mode == "raise":
            raise ValueError("rank 1 fails on purpose in step 2")
        if mode == "exit":
            os._exit(3)
        if mode == "timeout":
            time.sleep(60)
    loss.backward()
    opt.step()
print(f"rank {rank} finished: the fault did not stop the job", flush=True)
