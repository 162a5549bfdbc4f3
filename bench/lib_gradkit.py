"""The workloads of ``bench.workloads`` written with gradkit (run inside a worker process).

``BUILDERS``: for each timed case, ``builder(device, *args)`` sets it up and returns the call
to time. ``ONE_SHOT``: sections that run once, ``fn(device, cfg) -> {key: stat}``.
"""
from __future__ import annotations

import time

import gradkit as gk
from gradkit import nn

from . import memory, torchlike, workloads as W
from .stats import summarize


def info():
    return {"version": gk.__version__, "numpy": __import__("numpy").__version__}


def clock_for(device):
    from .timing import CpuClock, CupyClock

    if device.startswith("cuda:"):
        gk.cuda.set_device(device)  # CuPy's current device: where the events record
    return CupyClock() if device.startswith("cuda") else CpuClock()


def sync(device):
    if device.startswith("cuda"):
        gk.cuda.synchronize()


def make_mlp(device, dims=W.MLP_DIMS):
    return torchlike.make_mlp(gk, device, dims)


BUILDERS = torchlike.builders(gk)


# -- digits: a whole training run ----------------------------------------------------------------
def digits(device, cfg):
    from gradkit.utils import data

    d = W.DIGITS
    gk.manual_seed(cfg.get("seed", 0))
    train = data.DataLoader(gk.datasets.digits(train=True, device=device), d["batch"], shuffle=True)
    test = data.DataLoader(gk.datasets.digits(train=False, device=device), 256)
    net = nn.Sequential(nn.Flatten(), nn.Linear(64, d["hidden"]), nn.ReLU(), nn.Dropout(d["dropout"]),
                        nn.Linear(d["hidden"], d["hidden"]), nn.ReLU(), nn.Dropout(d["dropout"]),
                        nn.Linear(d["hidden"], 10)).to(device)
    decay = [p for name, p in net.named_parameters() if name.endswith("weight")]
    rest = [p for name, p in net.named_parameters() if not name.endswith("weight")]
    opt = gk.optim.SGD([{"params": decay, "weight_decay": d["weight_decay"]}, {"params": rest}], lr=d["lr"],
                       momentum=d["momentum"])
    loss_fn = nn.CrossEntropyLoss()
    epoch_rates = []
    now = time.process_time if device == "cpu" and cfg.get("cpu_clock") == "process" else time.perf_counter
    for _ in range(cfg["digits_epochs"]):
        net.train()
        seen = 0
        sync(device)
        start = now()
        for X, y in train:
            loss = loss_fn(net(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += y.shape[0]
        sync(device)
        epoch_rates.append(seen / (now() - start))
    net.eval()
    correct = total = 0
    with gk.no_grad():
        for X, y in test:
            correct += int((net(X).argmax(dim=1) == y).sum())
            total += y.shape[0]
    return {"digits.accuracy": summarize([100.0 * correct / total], "%"),
            "digits.throughput": summarize(epoch_rates, "samples/s")}


# -- memory ----------------------------------------------------------------------------------------
def memory_run(device, cfg):
    gk.manual_seed(0)
    X = gk.randn(W.MEMORY_BATCH, W.MLP_DIMS[0], device=device)
    y = gk.randint(0, W.MLP_DIMS[-1], (W.MEMORY_BATCH,), device=device)

    def train():
        step = torchlike.step_fn(gk, make_mlp(device), X, y)
        for _ in range(W.MEMORY_STEPS):
            loss = step()
        return loss.item()

    return memory.profile(train, traced=device == "cpu")


ONE_SHOT = {"digits": digits, "memory": memory_run}
