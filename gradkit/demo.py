"""A short demonstration: fits a tiny two-layer network to a synthetic regression task on
the default device (``GRADKIT_DEVICE`` or ``--device``) and prints what happened."""
from __future__ import annotations

import argparse
import time

import gradkit as gk


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: GRADKIT_DEVICE or cpu)")
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args(argv)
    device = gk.device(args.device) if args.device else gk.get_default_device()
    gk.manual_seed(0)
    true_w = gk.tensor([[2.0], [-3.4]], device=device)
    features = gk.randn(1000, 2, device=device)
    labels = features @ true_w + 4.2 + 0.01 * gk.randn(1000, 1, device=device)

    w1 = (gk.randn(2, 16, device=device) * 0.5).requires_grad_()
    b1 = gk.zeros(16, device=device, requires_grad=True)
    w2 = (gk.randn(16, 1, device=device) * 0.5).requires_grad_()
    b2 = gk.zeros(1, device=device, requires_grad=True)
    params = [w1, b1, w2, b2]
    lr = 0.05
    start = time.perf_counter()
    for step in range(args.steps):
        idx = gk.randint(0, 1000, (64,), device=device)
        x, y = features[idx], labels[idx]
        pred = (x @ w1 + b1).relu() @ w2 + b2
        loss = ((pred - y) ** 2).mean()
        loss.backward()
        with gk.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
        if step % 100 == 0 or step == args.steps - 1:
            print(f"step {step:4d}  loss {loss.item():.5f}")
    elapsed = time.perf_counter() - start
    with gk.no_grad():
        full = (((features @ w1 + b1).relu() @ w2 + b2 - labels) ** 2).mean().item()
    print(f"device {device}: {args.steps} steps of a 2-16-1 MLP in {elapsed:.2f}s; final MSE on all data {full:.5f}")


if __name__ == "__main__":
    main()
