"""Graph capture: PyTorch's whole-network recipe (static inputs copied into, replay, static
outputs read) through gradkit.cuda.graphed, which runs eagerly without CUDA and must give the
parameters of the eager loop; host reads refused inside a capture. The CUDA capture itself
(CuPy stream capture) is not exercised here: no GPU has run it yet."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
import gradkit.nn as nn
from gradkit.backends import _cuda_graphs

pytestmark = pytest.mark.skipif("gk.cuda.is_available()", reason="the eager (no CUDA) path of graph capture")


def _model_and_step(device):
    gk.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
    opt = gk.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return model, step


def _batches(device, n=5):
    gen = gk.Generator().manual_seed(1)
    return [(gk.randn(4, 6, generator=gen).to(device), gk.randint(0, 3, (4,), generator=gen).to(device))
            for _ in range(n)]


def test_whole_training_step_replayed_gives_the_eager_parameters(device):
    batches = _batches(device)
    sample = (gk.zeros(4, 6, device=device), gk.zeros(4, dtype=gk.int64, device=device))

    eager_model, eager_step = _model_and_step(device)
    for _ in range(3):  # the warm-up steps graphed() runs on the sample inputs
        eager_step(*sample)
    eager_losses = [eager_step(x, y).item() for x, y in batches]

    model, step = _model_and_step(device)
    static_x, static_y = gk.zeros(4, 6, device=device), gk.zeros(4, dtype=gk.int64, device=device)
    captured = gk.cuda.graphed(step, (static_x, static_y))
    g = captured.graph
    losses = []
    for x, y in batches:  # PyTorch's recipe: copy into the static inputs, replay, read the static output
        static_x.copy_(x)
        static_y.copy_(y)
        g.replay()
        (static_loss,) = captured.static_outputs
        losses.append(static_loss.item())
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-6)
    for p, q in zip(model.parameters(), eager_model.parameters()):
        np.testing.assert_allclose(p.detach().cpu().numpy(), q.detach().cpu().numpy(), rtol=1e-6, atol=1e-7)
    # the static output is one tensor, refilled by each replay
    assert captured.static_outputs[0] is static_loss
    assert captured(*batches[0]) is static_loss


def test_graph_block_runs_eagerly_without_cuda():
    g = gk.cuda.CUDAGraph()
    x = gk.ones(3)
    with gk.cuda.graph(g):
        y = x * 2
    assert y.tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match="graphed"):
        g.replay()
    with pytest.raises(RuntimeError, match="already owns a captured graph"):
        g.capture_begin()
    assert isinstance(g.pool(), tuple) and gk.cuda.graph_pool_handle() != gk.cuda.graph_pool_handle()
    with pytest.raises(RuntimeError, match="without a preceding successful capture"):
        gk.cuda.CUDAGraph().replay()


def test_make_graphed_callables_returns_the_callables_without_cuda():
    layer = nn.Linear(3, 2)

    def fn(x):
        return x * 2

    assert gk.cuda.make_graphed_callables(layer, (gk.zeros(1, 3),)) is layer
    assert gk.cuda.make_graphed_callables((layer, fn), ((gk.zeros(1, 3),), (gk.zeros(2),))) == (layer, fn)


def test_host_reads_refused_and_bounds_checks_skipped_while_capturing():
    x = gk.arange(4.0)
    idx = gk.tensor([1, 3])
    _cuda_graphs._capturing[0] += 1
    try:
        for read in (lambda: x[0].item(), lambda: float(x[1]), lambda: bool(x[1]), lambda: x.tolist()):
            with pytest.raises(RuntimeError, match="operation not permitted when stream is capturing"):
                read()
        picked = x[idx]  # the bounds check, a host read, is skipped
        rows = gk.nn.functional.embedding(idx, x.reshape(4, 1))
    finally:
        _cuda_graphs._capturing[0] -= 1
    assert picked.tolist() == [1.0, 3.0] and rows.reshape(-1).tolist() == [1.0, 3.0]
