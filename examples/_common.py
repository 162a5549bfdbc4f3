"""What the examples share: a --device flag, a text progress bar, accuracy, and a
checkpoint round trip that proves the saved model predicts what the trained one does."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import gradkit as torch


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--device", default=None, help="cpu, cuda or cuda:N (default: GRADKIT_DEVICE or cpu)")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--checkpoint", default=None, help="where to save the model (default: a temporary file)")
    return p


def setup(args):
    """Selects the device (failing with one line, not a traceback, where it cannot work)."""
    try:
        if args.device:
            torch.set_default_device(args.device)
        device = torch.get_default_device()
        torch.zeros(1, device=device)  # the device's library loads here: CuPy, the driver
    except RuntimeError as e:
        raise SystemExit(f"error: {e}") from None
    torch.manual_seed(args.seed)
    print(f"device: {device}")
    return device


def progress(iterable, total, label):
    """Yields from iterable while drawing a one-line bar on stderr (no extra dependency)."""
    start = time.perf_counter()
    width = 24
    for i, item in enumerate(iterable, 1):
        yield item
        if sys.stderr.isatty() or i == total:
            done = int(width * i / total)
            bar = "#" * done + "." * (width - done)
            sys.stderr.write(f"\r  {label} [{bar}] {i}/{total} {time.perf_counter() - start:5.1f}s")
            sys.stderr.flush()
    sys.stderr.write("\n")


def accuracy(net, loader):
    """Fraction of correct predictions over a loader (evaluation mode, no graph)."""
    was_training = net.training
    net.eval()
    correct = total = 0
    with torch.no_grad():
        for X, y in loader:
            correct += int((net(X).argmax(dim=1) == y).sum())
            total += y.numel()
    net.train(was_training)
    return correct / total


def shifted(X, max_shift):
    """The batch of images moved by one random (dy, dx) of at most ``max_shift`` pixels; what
    rolls over the edge is the images' padding (an augmentation for the small digits set)."""
    dy, dx = torch.randint(-max_shift, max_shift + 1, (2,)).tolist()
    return torch.roll(X, shifts=(dy, dx), dims=(2, 3))


def one_cycle_adam(net, lr, epochs, steps_per_epoch):
    """Adam under a one-cycle schedule that peaks at ``lr``: how the CNN examples train."""
    trainer = torch.optim.Adam(net.parameters(), lr=lr)
    return trainer, torch.optim.lr_scheduler.OneCycleLR(trainer, max_lr=lr, epochs=epochs,
                                                        steps_per_epoch=steps_per_epoch)


def fit(net, train_iter, test_iter, loss, trainer, epochs, schedule=None, augment=None):
    """Trains for ``epochs``, printing each epoch's mean loss and test accuracy, and returns
    the last test accuracy. ``schedule`` steps after every batch; ``augment`` maps a batch of
    inputs before the forward."""
    start = time.perf_counter()
    test_acc = 0.0
    for epoch in range(epochs):
        net.train()
        total = count = 0.0
        for X, y in progress(train_iter, len(train_iter), f"epoch {epoch + 1:2d}"):
            l = loss(net(X if augment is None else augment(X)), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
            if schedule is not None:
                schedule.step()
            total += float(l.detach()) * y.numel()
            count += y.numel()
        test_acc = accuracy(net, test_iter)
        print(f"epoch {epoch + 1:2d}, loss {total / count:.4f}, test acc {test_acc:.3f}")
    print(f"trained in {time.perf_counter() - start:.1f}s; final test accuracy {test_acc:.3f}")
    return test_acc


def checkpoint_round_trip(net, make_net, path, probe):
    """Saves net, loads the file into a fresh model and checks both agree on ``probe``.
    Without a path the checkpoint goes to a temporary folder, removed afterwards."""
    if path is None:
        with tempfile.TemporaryDirectory(prefix="gradkit-example-") as folder:
            checkpoint_round_trip(net, make_net, os.path.join(folder, "model.safetensors"), probe)
        print("checkpoint: the temporary folder is removed (--checkpoint PATH keeps the file)")
        return None
    torch.save(net.state_dict(), path)
    fresh = make_net()
    fresh.load_state_dict(torch.load(path))
    net.eval()
    fresh.eval()
    with torch.no_grad():
        same = torch.allclose(_first(net(probe)), _first(fresh(probe)))
    print(f"checkpoint: saved to {path}, reloaded; predictions identical: {same}")
    if not same:
        raise SystemExit("reloaded model disagrees with the trained one")
    return path


def _first(output):
    """A model's prediction: its output, or the first of the outputs it returns (a recurrent
    model returns its state too)."""
    return output[0] if isinstance(output, tuple) else output
