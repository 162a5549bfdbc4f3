"""The workloads of ``bench.workloads`` written with gradkit (run inside a worker process).

``BUILDERS``: for each timed case, ``builder(device, *args)`` sets it up and returns the call
to time. ``ONE_SHOT``: sections that run once, ``fn(device, cfg) -> {key: stat}``.
"""
from __future__ import annotations

import gradkit as gk

from . import torchlike, workloads as W


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


# -- one-shot sections ----------------------------------------------------------------------------
def digits(device, cfg):
    from gradkit.utils import data

    gk.manual_seed(cfg.get("seed", 0))
    train = data.DataLoader(gk.datasets.digits(train=True, device=device), W.DIGITS["batch"], shuffle=True)
    test = data.DataLoader(gk.datasets.digits(train=False, device=device), 256)
    return torchlike.digits_run(gk, device, cfg, train, test, sync)


def memory_run(device, cfg):
    return torchlike.memory_run(gk, device, traced=device == "cpu")


def memory_resnet(device, cfg):
    return torchlike.resnet_memory_run(gk, device)


ONE_SHOT = {"digits": digits, "memory": memory_run, "memory_resnet": memory_resnet}
