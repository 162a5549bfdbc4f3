"""A small deterministic stand-in for Fashion-MNIST, for the chapter 3-4 scripts (Fashion-MNIST
can't be downloaded here, and torchvision is not installed next to real PyTorch).

``write(root)`` writes ``root/FashionMNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz``
in torchvision's layout and IDX format: 600 training and 200 test images, 28x28 uint8, labels
0-9. Every class has its own template (a few bright blobs and a bar); an image is its class's
template at a random brightness, shifted by up to one pixel, plus noise, so a linear model
learns it to about 80-90% accuracy in a few epochs. The bytes depend only on the code below
(NumPy's legacy RandomState, which is stable across NumPy versions).

``load(root, train)`` is the torch run's side: without torchvision it reads the same files with
a tiny IDX reader and returns what ``torchvision.datasets.FashionMNIST(root, train,
transform=transforms.ToTensor())`` would hold, as two tensors: images float32 (N, 1, 28, 28)
scaled by ``/ 255`` as ToTensor does, labels int64 (N,). The gradkit run reads the same files
with ``gradkit.datasets.FashionMNIST``.
"""
import gzip
import os
import struct

import numpy as np

N_TRAIN, N_TEST = 600, 200


def _templates(rs):
    yy, xx = np.mgrid[0:28, 0:28]
    out = np.zeros((10, 28, 28))
    for c in range(10):
        for _ in range(3):
            cy, cx = rs.uniform(5, 23, size=2)
            s = rs.uniform(2.0, 4.0)
            out[c] += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
        row = rs.randint(3, 25)
        if c % 2:
            out[c, :, row - 1:row + 2] += 0.6  # a vertical bar
        else:
            out[c, row - 1:row + 2, :] += 0.6  # a horizontal bar
    return out / out.max(axis=(1, 2), keepdims=True)


def _images(rs, templates, n):
    labels = rs.randint(0, 10, size=n)
    imgs = np.empty((n, 28, 28))
    for i, c in enumerate(labels):
        t = np.roll(templates[c], shift=tuple(rs.randint(-1, 2, size=2)), axis=(0, 1))
        imgs[i] = t * rs.uniform(0.6, 1.0) + rs.normal(0, 0.6, size=(28, 28))
    return np.clip(np.round(imgs * 255), 0, 255).astype(np.uint8), labels.astype(np.uint8)


def _write_idx(path, arr):
    head = struct.pack(">I", 0x0800 | arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    with gzip.GzipFile(path, "wb", compresslevel=1, mtime=0) as f:
        f.write(head + arr.tobytes())


def write(root):
    """Writes the four gzip'd IDX files under root/FashionMNIST/raw; returns root."""
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    rs = np.random.RandomState(20240817)
    templates = _templates(rs)
    for prefix, n in (("train", N_TRAIN), ("t10k", N_TEST)):
        imgs, labels = _images(rs, templates, n)
        _write_idx(os.path.join(raw, f"{prefix}-images-idx3-ubyte.gz"), imgs)
        _write_idx(os.path.join(raw, f"{prefix}-labels-idx1-ubyte.gz"), labels)
    return root


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(root, train=True):
    """(images, labels) as torch tensors: float32 (N, 1, 28, 28) in [0, 1] and int64 (N,)."""
    import torch

    raw = os.path.join(root, "FashionMNIST", "raw")
    prefix = "train" if train else "t10k"
    imgs = _read_idx(os.path.join(raw, f"{prefix}-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(raw, f"{prefix}-labels-idx1-ubyte.gz"))
    X = torch.tensor(imgs, dtype=torch.float32).div(255).reshape(-1, 1, 28, 28)
    return X, torch.tensor(labels.astype(np.int64))
