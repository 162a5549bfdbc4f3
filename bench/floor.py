"""The floor under an eager Python engine: the benchmark's MLP training step run by the
smallest graph engine that still is one, next to gradkit and the hand-written NumPy limit.

    python -m bench.floor                   # batch 16 and 128, 21 interleaved rounds
    python -m bench.floor --batch 16 --rounds 31

Any eager engine written in Python pays, per op, for an output object and a recorded node,
and per step for a walk over the nodes, gradients handed to the leaves and an optimizer
loop. The engine below pays only that: one slotted class per tensor and per node, a heap
walk, no modules, and none of PyTorch's checks (devices, dtypes, shapes, in-place versions,
hooks, grad mode, anomaly mode, freed graphs). It computes with gradkit's own CPU kernels
(``backends.numpy_backend``: the same products, the same exact relu gradient, exp rounded
as PyTorch rounds it, the same one-pass update), so the three columns do the same
arithmetic and differ only in what runs around it; ``tests/test_bench.py`` checks that its
steps update the parameters bit for bit as gradkit's do.

So ``floor ÷ NumPy`` is what a Python engine cannot go below on this step and machine, and
``gradkit ÷ floor`` is the price of gradkit's machinery: the place to look for time.
All three run in this one process (a CPU-time clock, blocks interleaved round by round,
ratios as medians of the per-round ratios with their 95% intervals), unlike
``python -m bench``, whose libraries each have their own process.
"""
from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
from heapq import heappop, heappush

from .runner import THREAD_VARS

if "numpy" not in sys.modules:  # one thread per BLAS pool, as python -m bench runs them
    for _var in THREAD_VARS:
        os.environ.setdefault(_var, "1")

from . import lib_numpy, stats, timing, torchlike, workloads as W  # noqa: E402

_next_seq = itertools.count().__next__


class _Tensor:
    __slots__ = ("data", "grad", "node", "requires_grad")

    def __init__(self, data, node=None, requires_grad=False):
        self.data, self.grad, self.node, self.requires_grad = data, None, node, requires_grad


class _Node:
    """One recorded op: its inputs, what its backward reads, and its creation number (the
    walk runs newest first, so a node runs after every node that feeds it a gradient)."""
    __slots__ = ("inputs", "saved", "seq")

    def __init__(self, inputs, saved=None):
        self.inputs, self.saved, self.seq = inputs, saved, _next_seq()


class _Linear(_Node):
    __slots__ = ()

    def backward(self, backend, g):
        x, w, _ = self.inputs
        gx = g @ w.data if x.requires_grad else None
        return gx, g.T @ x.data, backend.linear_grad_bias(g)


class _Relu(_Node):
    __slots__ = ()

    def backward(self, backend, g):
        return (backend.relu_backward(self.saved, g),)


class _CrossEntropy(_Node):
    """Mean cross-entropy of logits against class indices, as gradkit's fused node computes it."""
    __slots__ = ()

    def backward(self, backend, g):
        logp, target = self.saved
        s = g * (-1.0 / logp.shape[0])
        return backend.add_rows(0.0 - backend.exp(logp) * s, target, s), None


class FloorEngine:
    """The 784-256-256-10 MLP step (ReLU, mean cross-entropy, SGD) on the minimal engine."""

    def __init__(self, backend, params, X, y, lr=W.LR):
        self.backend = backend
        self.params = [_Tensor(p, requires_grad=True) for p in params]  # W1, b1, W2, b2, W3, b3
        self.X, self.y, self.lr = _Tensor(X), _Tensor(y), lr

    def linear(self, x, w, b):
        out = self.backend.matmul_nt(x.data, w.data)
        out += b.data
        return _Tensor(out, _Linear((x, w, b)), True)

    def relu(self, x):
        out = self.backend.relu(x.data)
        return _Tensor(out, _Relu((x,), out), True)

    def cross_entropy(self, x, target):
        backend, a = self.backend, x.data
        shifted = a - backend.reduce_max(a, axis=1, keepdims=True)
        xp = backend.xp
        logp = shifted - xp.log(backend.reduce_sum(xp.exp(shifted), axis=1, keepdims=True))
        loss = -backend.reduce_sum(backend.take_rows(logp, target.data)) / a.shape[0]
        return _Tensor(loss, _CrossEntropy((x, target), (logp, target.data)), True)

    def backward(self, loss):
        backend = self.backend
        grads = {loss: backend.ones_like(loss.data)}
        heap = [(-loss.node.seq, loss.node, loss)]
        while heap:
            _, node, out = heappop(heap)
            inputs, in_grads = node.inputs, node.backward(backend, grads.pop(out))
            node.inputs = node.saved = None  # what the graph kept for this node is freed as it runs
            for t, g in zip(inputs, in_grads):
                if g is None:
                    continue
                if t.node is None:  # a parameter
                    t.grad = g if t.grad is None else t.grad + g
                elif t in grads:
                    grads[t] = grads[t] + g
                else:
                    grads[t] = g
                    heappush(heap, (-t.node.seq, t.node, t))

    def step(self):
        W1, b1, W2, b2, W3, b3 = self.params
        h = self.relu(self.linear(self.X, W1, b1))
        h = self.relu(self.linear(h, W2, b2))
        loss = self.cross_entropy(self.linear(h, W3, b3), self.y)
        for p in self.params:
            p.grad = None
        self.backward(loss)
        for p in self.params:
            self.backend.axpy_(p.data, -self.lr, p.grad)
        return loss


def _gradkit_step(batch):
    """gradkit's step of ``python -m bench`` and a floor engine on copies of its parameters
    and batch (the same numbers at the start)."""
    import gradkit
    from gradkit.backends.numpy_backend import NumpyBackend

    gradkit.manual_seed(0)
    net = torchlike.make_mlp(gradkit, "cpu")
    X = gradkit.randn(batch, W.MLP_DIMS[0])
    y = gradkit.randint(0, W.MLP_DIMS[-1], (batch,))
    params = [p.detach().numpy().copy() for p in net.parameters()]  # W1, b1, W2, b2, W3, b3
    floor = FloorEngine(NumpyBackend(), params, X.numpy().copy(), y.numpy().copy())
    return net, torchlike.step_fn(gradkit, net, X, y), floor


def compare(batch, rounds, plan=timing.Plan()):
    """Per-round seconds per step of gradkit, the floor engine and the NumPy limit, measured
    in interleaved blocks: {name: [seconds, ...]}."""
    _, gradkit_step, floor = _gradkit_step(batch)
    steps = {"gradkit": gradkit_step, "floor": floor.step, "NumPy": lib_numpy.mlp_step_fn("cpu", batch)}
    clock = timing.ProcessClock()
    inner = {name: timing.prepare(fn, clock, plan)[0] for name, fn in steps.items()}
    samples = {name: [] for name in steps}
    for _ in range(rounds):
        for name, fn in steps.items():
            samples[name].append(timing.block(fn, clock, inner[name]))
    return samples


def _ratio_cell(ours, reference):
    ratios = [a / b for a, b in zip(ours, reference)]
    interval = stats.median_interval(ratios)
    spread = f" [{interval[0]:.2f}–{interval[1]:.2f}]" if interval else ""
    return f"{statistics.median(ratios):.2f}×{spread}"


def table(results):
    """Markdown: one row per batch size; times in ms (medians), ratios with 95% intervals."""
    lines = ["| batch | gradkit ms | floor ms | NumPy ms | gradkit ÷ NumPy | floor ÷ NumPy | gradkit ÷ floor |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for batch, s in results.items():
        ms = {name: stats.fmt_number(statistics.median(v) * 1e3) for name, v in s.items()}
        lines.append(f"| {batch} | {ms['gradkit']} | {ms['floor']} | {ms['NumPy']} | "
                     f"{_ratio_cell(s['gradkit'], s['NumPy'])} | {_ratio_cell(s['floor'], s['NumPy'])} | "
                     f"{_ratio_cell(s['gradkit'], s['floor'])} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, action="append", help="batch size (repeatable; default 16 and 128)")
    parser.add_argument("--rounds", type=int, default=21, help="interleaved rounds (default 21)")
    args = parser.parse_args(argv)
    results = {batch: compare(batch, args.rounds) for batch in args.batch or (16, 128)}
    print(f"MLP {'-'.join(map(str, W.MLP_DIMS))} training step, {args.rounds} interleaved rounds, "
          f"process CPU time, one thread; ratios: median of the per-round ratios [95% interval]\n")
    print(table(results))


if __name__ == "__main__":
    main()
