"""Per-op regression benchmarks (pytest-benchmark), on the CPU and on CUDA where present.

    pytest bench/ --benchmark-only                          # run them
    pytest bench/ --benchmark-only --benchmark-autosave     # save a baseline in .benchmarks/
    pytest bench/ --benchmark-only --benchmark-compare --benchmark-compare-fail=median:15%

Not collected by the default ``pytest -q`` (testpaths = tests). Each case times one call of
an op (forward only, or forward+backward) through gradkit; on CUDA every call ends with a
device synchronisation so the kernel time is counted. For library-vs-library numbers use
``python -m bench``.
"""
from __future__ import annotations

import pytest

import gradkit as gk
from gradkit import nn

pytest.importorskip("pytest_benchmark")

DEVICES = [pytest.param("cpu", id="cpu"),
           pytest.param("cuda", id="cuda", marks=pytest.mark.skipif(not gk.cuda.is_available(),
                                                                    reason="no CUDA device"))]


def _timed(device, fn):
    if device == "cpu":
        return fn

    def synced():
        out = fn()
        gk.cuda.synchronize()
        return out

    return synced


def _t(device, *shape, grad=False):
    return gk.randn(*shape, device=device, requires_grad=grad)


# name -> (inputs(device, n), forward(*inputs)); n is the side of the (n, n) inputs
FORWARD = {
    "add": (lambda d, n: (_t(d, n, n), _t(d, n, n)), lambda a, b: a + b),
    "mul_scalar": (lambda d, n: (_t(d, n, n),), lambda a: a * 2.0),
    "exp": (lambda d, n: (_t(d, n, n),), gk.exp),
    "relu": (lambda d, n: (_t(d, n, n),), gk.relu),
    "sum": (lambda d, n: (_t(d, n, n),), lambda a: a.sum()),
    "sum_dim": (lambda d, n: (_t(d, n, n),), lambda a: a.sum(1)),
    "matmul": (lambda d, n: (_t(d, n, n), _t(d, n, n)), lambda a, b: a @ b),
    "transpose_reshape": (lambda d, n: (_t(d, n, n),), lambda a: a.t().reshape(-1)),
    "getitem": (lambda d, n: (_t(d, n, n),), lambda a: a[1:, ::2]),
    "log_softmax": (lambda d, n: (_t(d, n, n),), lambda a: nn.functional.log_softmax(a, dim=1)),
    "cat": (lambda d, n: (_t(d, n, n), _t(d, n, n)), lambda a, b: gk.cat([a, b], 0)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n", [10, 1000], ids=["10x10", "1000x1000"])
@pytest.mark.parametrize("op", sorted(FORWARD))
def test_forward(benchmark, op, n, device):
    benchmark.group = f"forward {n}x{n} {device}"
    make, fn = FORWARD[op]
    inputs = make(device, n)
    benchmark(_timed(device, lambda: fn(*inputs)))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n", [10, 1000], ids=["10x10", "1000x1000"])
@pytest.mark.parametrize("op", ["add", "mul_scalar", "exp", "relu", "sum_dim", "matmul", "log_softmax"])
def test_forward_backward(benchmark, op, n, device):
    benchmark.group = f"forward+backward {n}x{n} {device}"
    make, fn = FORWARD[op]
    inputs = [x.requires_grad_() for x in make(device, n)]

    def run():
        fn(*inputs).sum().backward()
        for x in inputs:
            x.grad = None

    benchmark(_timed(device, run))


@pytest.mark.parametrize("device", DEVICES)
def test_tracked_op_overhead(benchmark, device):
    """Engine cost of recording one node: a tracked 10x10 multiply."""
    benchmark.group = f"engine {device}"
    a, b = _t(device, 10, 10, grad=True), _t(device, 10, 10)
    benchmark(_timed(device, lambda: a * b))


@pytest.mark.parametrize("device", DEVICES)
def test_chain_100_forward_backward(benchmark, device):
    benchmark.group = f"engine {device}"
    x, w = _t(device, 10, 10, grad=True), _t(device, 10, 10)

    def run():
        y = x
        for i in range(100):
            y = y * w if i % 2 else y.tanh()
        y.sum().backward()
        x.grad = None

    benchmark(_timed(device, run))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch", [16, 128])
def test_mlp_step(benchmark, batch, device):
    """One SGD step of the 784-256-256-10 MLP (the step `python -m bench` compares)."""
    benchmark.group = f"mlp step {device}"
    gk.manual_seed(0)
    net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                        nn.Linear(256, 10)).to(device)
    opt = gk.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    X, y = _t(device, batch, 784), gk.randint(0, 10, (batch,), device=device)

    def step():
        loss = loss_fn(net(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    benchmark(_timed(device, step))
