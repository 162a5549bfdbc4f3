"""The UCI handwritten digits, shipped inside the package (``data/digits.csv.gz``, CC BY 4.0,
see ``data/README.md``), so examples and tests run offline."""
from __future__ import annotations

import functools
import gzip
import os

N_SAMPLES = 1797
TEST_EVERY = 5  # every fifth sample is in the test split (359 of 1,797)
_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "digits.csv.gz")


@functools.lru_cache(maxsize=1)
def _raw():
    """The file as a read-only host array (1797, 65) of uint8: 64 pixels in 0..16, then the
    label."""
    # NumPy only turns the parsed bytes into an array: this is the file-loading entry point.
    import numpy as np

    values = bytearray()
    with gzip.open(_PATH, "rt", encoding="ascii") as fh:
        for line in fh:
            if line.strip():
                values.extend(int(v) for v in line.split(","))
    arr = np.frombuffer(bytes(values), dtype=np.uint8).reshape(-1, 65)
    if arr.shape[0] != N_SAMPLES:
        raise RuntimeError(f"{_PATH}: expected {N_SAMPLES} samples, found {arr.shape[0]} (damaged install?)")
    return arr


def digits(train=None, device=None):
    """The UCI handwritten digits as a ``TensorDataset`` of (image, label): images float32
    ``(N, 1, 8, 8)`` scaled from 0..16 to [0, 1], labels int64 in 0..9.

    ``train=None``: all 1,797 samples; ``train=False``: every fifth sample (359, rows 4, 9,
    14, ...); ``train=True``: the other 1,438. The split is fixed, the same on every run,
    and draws test samples from the whole file: the file is ordered by writer group, so a
    head/tail split would test on writers never seen in training. ``device=`` places the tensors (the default
    device otherwise); the data is read once per process and each call returns new tensors.

    Source: E. Alpaydin, C. Kaynak (1998), UCI Machine Learning Repository,
    https://doi.org/10.24432/C50P49, CC BY 4.0 (the copy scikit-learn also ships)."""
    from .. import _dtype
    from ..ops.creation import tensor
    from ..utils.data import TensorDataset

    host = tensor(_raw(), device="cpu")  # a copy: the cached array stays read-only and shared
    if train is not None:
        host = host[[i for i in range(len(host)) if (i % TEST_EVERY == TEST_EVERY - 1) != bool(train)]]
    images = (host[:, :64].to(_dtype.float32) / 16.0).reshape(-1, 1, 8, 8)
    labels = host[:, 64].to(_dtype.int64)
    if device is not None or images.device != _default_device():
        dev = device if device is not None else _default_device()
        images, labels = images.to(dev), labels.to(dev)
    return TensorDataset(images, labels)


def _default_device():
    from .._device import get_default_device

    return get_default_device()
