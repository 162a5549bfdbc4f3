"""The workloads of ``bench.workloads`` written with PyTorch. Runs in its own interpreter
(``--torch-python``), which needs torch only: no gradkit, no NumPy."""
from __future__ import annotations

import gzip
import os

import torch

from . import torchlike, workloads as W

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

    torch.manual_seed(cfg.get("seed", 0))
    (xtr, ytr), (xte, yte) = _digits_tensors()
    train = data.DataLoader(data.TensorDataset(xtr.to(device), ytr.to(device)), W.DIGITS["batch"], shuffle=True)
    test = data.DataLoader(data.TensorDataset(xte.to(device), yte.to(device)), 256)
    return torchlike.digits_run(torch, device, cfg, train, test, sync)


def memory_run(device, cfg):
    return torchlike.memory_run(torch, device, traced=False)  # its C++ allocator is invisible to tracemalloc


def memory_resnet(device, cfg):
    return torchlike.resnet_memory_run(torch, device)


ONE_SHOT = {"digits": digits, "memory": memory_run, "memory_resnet": memory_resnet}
