"""The workloads of ``bench.workloads`` written with PyTorch. Runs in its own interpreter
(``--torch-python``), which needs torch only: no gradkit, no NumPy."""
from __future__ import annotations

import gzip
import os
import time

import torch
from torch import nn

from . import memory, torchlike, workloads as W
from .stats import summarize

DIGITS_CSV = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "gradkit", "datasets",
                          "data", "digits.csv.gz")


def info():
    return {"torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "torch_interop_threads": torch.get_num_interop_threads()}


def set_threads(n):
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set once parallel work started
        pass


def unavailable(device):
    if device.startswith("cuda") and not torch.cuda.is_available():
        return "no CUDA in this torch"
    return None


def clock_for(device):
    from .timing import CpuClock, TorchCudaClock

    if device.startswith("cuda:"):
        torch.cuda.set_device(device)  # the events record on the current device's stream
    return TorchCudaClock() if device.startswith("cuda") else CpuClock()


def sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def make_mlp(device, dims=W.MLP_DIMS):
    return torchlike.make_mlp(torch, device, dims)


BUILDERS = torchlike.builders(torch)


def _digits_tensors():
    rows = []
    with gzip.open(DIGITS_CSV, "rt", encoding="ascii") as fh:
        for line in fh:
            if line.strip():
                rows.append([int(v) for v in line.split(",")])
    raw = torch.tensor(rows, dtype=torch.int64)
    test = torch.arange(len(raw)) % 5 == 4  # gradkit.datasets.digits' fixed split
    images = (raw[:, :64].float() / 16.0).reshape(-1, 1, 8, 8)
    labels = raw[:, 64]
    return (images[~test], labels[~test]), (images[test], labels[test])


def digits(device, cfg):
    from torch.utils import data

    d = W.DIGITS
    torch.manual_seed(cfg.get("seed", 0))
    (xtr, ytr), (xte, yte) = _digits_tensors()
    train = data.DataLoader(data.TensorDataset(xtr.to(device), ytr.to(device)), d["batch"], shuffle=True)
    test = data.DataLoader(data.TensorDataset(xte.to(device), yte.to(device)), 256)
    net = nn.Sequential(nn.Flatten(), nn.Linear(64, d["hidden"]), nn.ReLU(), nn.Dropout(d["dropout"]),
                        nn.Linear(d["hidden"], d["hidden"]), nn.ReLU(), nn.Dropout(d["dropout"]),
                        nn.Linear(d["hidden"], 10)).to(device)
    decay = [p for name, p in net.named_parameters() if name.endswith("weight")]
    rest = [p for name, p in net.named_parameters() if not name.endswith("weight")]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": d["weight_decay"]}, {"params": rest}], lr=d["lr"],
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
    with torch.no_grad():
        for X, y in test:
            correct += int((net(X).argmax(dim=1) == y).sum())
            total += y.shape[0]
    return {"digits.accuracy": summarize([100.0 * correct / total], "%"),
            "digits.throughput": summarize(epoch_rates, "samples/s")}


def memory_run(device, cfg):
    torch.manual_seed(0)
    X = torch.randn(W.MEMORY_BATCH, W.MLP_DIMS[0], device=device)
    y = torch.randint(0, W.MLP_DIMS[-1], (W.MEMORY_BATCH,), device=device)

    def train():
        fn = torchlike.step_fn(torch, make_mlp(device), X, y)
        for _ in range(W.MEMORY_STEPS):
            loss = fn()
        return float(loss)

    return memory.profile(train, traced=False)


ONE_SHOT = {"digits": digits, "memory": memory_run}
