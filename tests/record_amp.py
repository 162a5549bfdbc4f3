"""Prints, from PyTorch, the values tests/test_amp.py compares against (RECORDED and
SCALER_RECORDED): run with a Python that has torch, ``python tests/record_amp.py``
(gradkit itself never imports torch). Recorded with torch 2.13 (CPU)."""
from __future__ import annotations

import json

import torch
import torch.nn.functional as F


def autocast_cases():
    def mk(*shape, scale=0.1, off=0.0):
        n = 1
        for s in shape:
            n *= s
        return (torch.arange(n, dtype=torch.float32).reshape(shape) * scale + off).sin()

    x, w, b = mk(4, 6), mk(5, 6, off=1.0), mk(5, off=2.0)
    a3, b3 = mk(2, 3, 4), mk(2, 4, 5, off=0.5)
    img, cw = mk(1, 2, 5, 5), mk(3, 2, 3, 3, off=0.3)
    tgt = torch.tensor([0, 2, 4, 1])
    q, k, v = mk(1, 2, 3, 4), mk(1, 2, 3, 4, off=1.0), mk(1, 2, 3, 4, off=2.0)
    cases = {
        "linear": lambda: F.linear(x, w, b),
        "linear_half_input": lambda: F.linear(x.half(), w, b),
        "matmul": lambda: x @ w.T,
        "mm": lambda: torch.mm(x, w.T),
        "bmm": lambda: torch.bmm(a3, b3),
        "matmul_2d_1d": lambda: torch.matmul(x, mk(6)),
        "conv2d": lambda: F.conv2d(img, cw, padding=1),
        "sdpa": lambda: F.scaled_dot_product_attention(q, k, v),
        "mse_loss_half": lambda: F.mse_loss(x.half(), (x * 2).half()),
        "cross_entropy_half": lambda: F.cross_entropy(x[:, :5].half(), tgt),
        "nll_loss_half": lambda: F.nll_loss(x[:, :5].half(), tgt),
        "softmax_half": lambda: torch.softmax(x.half(), 1),
        "softmax_fp32": lambda: torch.softmax(x, 1),
        "exp_half": lambda: torch.exp(x.half()),
        "sum_half": lambda: x.half().sum(),
        "add_mixed": lambda: x.half() + x,
        "relu": lambda: F.relu(x),
        "linear_f64": lambda: F.linear(x.double(), w.double()),
        "prod_half": lambda: x.half().prod(),
        "cat_mixed": lambda: torch.cat([x.half(), x]),
        "bce_half": lambda: F.binary_cross_entropy(torch.sigmoid(x).half(), torch.sigmoid(x * 2).half()),
    }
    out = {}
    with torch.autocast("cpu", dtype=torch.float16):
        for name, f in cases.items():
            r = f()
            out[name] = (str(r.dtype).replace("torch.", ""), [round(float(v), 6) for v in r.float().reshape(-1)[:6]])
        out["lstm_cell"] = str(torch.nn.LSTMCell(6, 3)(x)[0].dtype)
    wp, bp = w.clone().requires_grad_(), b.clone().requires_grad_()
    with torch.autocast("cpu", dtype=torch.float16):
        loss = F.mse_loss(F.linear(x, wp, bp), torch.zeros(4, 5))
    loss.backward()
    out["gradients"] = {"loss": loss.item(), "w": wp.grad.reshape(-1)[:6].tolist(), "b": bp.grad.tolist()}
    return out

def run(forced, init_scale=1024.0, growth_interval=3, growth_factor=2.0, backoff=0.5, unscale_first=False, nan=False):
    torch.manual_seed(0)
    w = torch.tensor([[0.5, -0.25, 1.0], [0.1, 0.2, -0.3]], requires_grad=True)
    b = torch.tensor([0.05, -0.05], requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.1, momentum=0.9)
    s = torch.amp.GradScaler("cpu", init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff,
                             growth_interval=growth_interval)
    x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.3, -0.7, 1.1], [2.0, 0.0, -1.0]])
    y = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, -0.5]])
    scales, trackers = [], []
    for i in range(10):
        opt.zero_grad()
        loss = ((x @ w.T + b - y) ** 2).mean()
        s.scale(loss).backward()
        if i in forced:
            w.grad[0, 1] = float("nan") if nan else float("inf")
        if unscale_first:
            s.unscale_(opt)
            torch.nn.utils.clip_grad_norm_([w, b], 0.5)
        s.step(opt)
        s.update()
        scales.append(s.get_scale())
        trackers.append(s.state_dict()["_growth_tracker"])
    return {"scales": scales, "trackers": trackers, "w": w.detach().reshape(-1).tolist(), "b": b.detach().tolist(),
            "state": s.state_dict()}


def scaler_cases():
    """torch.amp.GradScaler("cpu") over 10 SGD steps, an inf or nan written into a gradient at
    the listed steps."""
    return {"plain": run(forced={2, 5, 6}),
            "nan": run(forced={0, 1}, nan=True, growth_interval=2),
            "unscale_clip": run(forced={3}, unscale_first=True, growth_interval=2, growth_factor=3.0, backoff=0.25),
            "no_inf": run(forced=set(), growth_interval=4, init_scale=8.0)}


if __name__ == "__main__":
    print(json.dumps({"autocast": autocast_cases(), "scaler": scaler_cases()}, indent=1))
