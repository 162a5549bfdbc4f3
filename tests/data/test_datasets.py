"""gradkit.datasets: the bundled digits, the IDX reader and MNIST/FashionMNIST on small IDX
files the tests write themselves (no network: the download code runs against file:// URLs)."""
from __future__ import annotations

import gzip
import hashlib
import os
import struct

import pytest

import gradkit
from gradkit import datasets
from gradkit.datasets import FashionMNIST, IDXError, read_idx, transforms
from gradkit.utils.data import DataLoader, TensorDataset, default_collate


# ------------------------------------------------------------------------------ digits
def test_digits_full():
    ds = datasets.digits()
    assert isinstance(ds, TensorDataset) and len(ds) == 1797
    X, y = ds.tensors
    assert X.shape == (1797, 1, 8, 8) and X.dtype is gradkit.float32
    assert y.shape == (1797,) and y.dtype is gradkit.int64
    assert float(X.min()) == 0.0 and float(X.max()) == 1.0
    assert int(y.min()) == 0 and int(y.max()) == 9
    assert gradkit.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    # the first sample of the UCI file is a 0
    assert int(y[0]) == 0 and (X[0, 0, 0] * 16).tolist() == [0, 0, 5, 13, 9, 1, 0, 0]
    img, label = ds[5]
    assert img.shape == (1, 8, 8) and label.shape == ()


def test_digits_split_is_fixed():
    full, train, test = datasets.digits(), datasets.digits(train=True), datasets.digits(train=False)
    assert len(train) == 1438 and len(test) == 359
    test_rows = list(range(4, 1797, 5))  # every fifth sample, spread over all writers
    train_rows = [i for i in range(1797) if i % 5 != 4]
    assert (test.tensors[0] == full.tensors[0][test_rows]).all()
    assert (train.tensors[1] == full.tensors[1][train_rows]).all()
    assert sorted(set(test.tensors[1].tolist())) == list(range(10))
    train.tensors[0].zero_()  # each call gives new tensors
    assert float(datasets.digits(train=True).tensors[0].sum()) > 0


def test_digits_on_device(device):
    ds = datasets.digits(train=False, device=device)
    assert all(t.device == gradkit.device(device) for t in ds.tensors)
    X, y = next(iter(DataLoader(ds, 64, shuffle=True)))
    assert X.shape == (64, 1, 8, 8) and X.device == gradkit.device(device)


# ------------------------------------------------------------------------------ IDX files
def _idx_bytes(magic, dims, payload):
    return struct.pack(">I", magic) + struct.pack(f">{len(dims)}I", *dims) + payload


def _write(path, raw, gz):
    if gz:
        with gzip.open(str(path) + ".gz", "wb") as fh:
            fh.write(raw)
        return str(path) + ".gz"
    with open(path, "wb") as fh:
        fh.write(raw)
    return str(path)


def _images(n, seed):
    return bytes((seed + 7 * i) % 256 for i in range(n * 28 * 28))


def _make_fashion(root, n_train=5, n_test=3, gz=True):
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    files = {}
    for prefix, n, seed in (("train", n_train, 1), ("t10k", n_test, 2)):
        files[prefix + "-images"] = _write(os.path.join(raw, f"{prefix}-images-idx3-ubyte"),
                                           _idx_bytes(0x803, (n, 28, 28), _images(n, seed)), gz)
        files[prefix + "-labels"] = _write(os.path.join(raw, f"{prefix}-labels-idx1-ubyte"),
                                           _idx_bytes(0x801, (n,), bytes((seed + i) % 10 for i in range(n))), gz)
    return files


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "raw"])
def test_read_idx(tmp_path, gz):
    path = _write(tmp_path / "img", _idx_bytes(0x803, (2, 28, 28), _images(2, 3)), gz)
    t = read_idx(path, expect_magic=2051)
    assert t.shape == (2, 28, 28) and t.dtype is gradkit.uint8
    assert t.reshape(-1)[:4].tolist() == [3, 10, 17, 24]
    # other IDX element types are big-endian on disk
    path = _write(tmp_path / "ints", _idx_bytes(0x0C02, (2, 2), struct.pack(">4i", 1, -2, 300000, 7)), gz)
    t = read_idx(path)
    assert t.dtype is gradkit.int32 and t.tolist() == [[1, -2], [300000, 7]]
    path = _write(tmp_path / "f", _idx_bytes(0x0E01, (2,), struct.pack(">2d", 0.5, -1e300)), gz)
    assert read_idx(path).tolist() == [0.5, -1e300]


def test_read_idx_errors(tmp_path):
    good = _idx_bytes(0x803, (2, 28, 28), _images(2, 0))
    cases = {
        "magic": (b"\x12\x34" + good[2:], r"not an IDX file \(magic number 0x12340803"),
        "labels": (_idx_bytes(0x801, (2,), b"\0\0"), r"wrong IDX magic number 0x00000801 \(expected 0x00000803"),
        "type": (b"\0\0\x07\x01" + struct.pack(">I", 1) + b"\0", "unknown IDX data type code 0x07"),
        "short": (good[:-5], r"truncated: dimensions \[2, 28, 28\] of uint8 need 1584 bytes, the file has 1579"),
        "long": (good + b"\0", "too long"),
        "header": (good[:9], "truncated IDX header"),
        "tiny": (b"\0\0", "too short"),
    }
    for name, (raw, message) in cases.items():
        path = _write(tmp_path / name, raw, gz=False)
        with pytest.raises(IDXError, match=message):
            read_idx(path, expect_magic=None if name == "type" else 0x803)
    with open(tmp_path / "broken.gz", "wb") as fh:
        fh.write(gzip.compress(good)[:30])
    with pytest.raises(IDXError, match="can't decompress"):
        read_idx(str(tmp_path / "broken.gz"))


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "raw"])
def test_fashion_mnist_reader(tmp_path, gz):
    _make_fashion(tmp_path, gz=gz)
    train = FashionMNIST(tmp_path, train=True)
    test = FashionMNIST(str(tmp_path), train=False)
    assert len(train) == 5 and len(test) == 3
    assert train.classes[0] == "T-shirt/top" and len(train.classes) == 10 and train.class_to_idx["Bag"] == 8
    img, label = train[1]
    assert isinstance(img, gradkit.Tensor) and img.shape == (1, 28, 28) and img.dtype is gradkit.float32
    assert type(label) is int and label == 2
    expected = [v / 255 for v in _images(5, 1)[784:784 + 28]]
    assert img[0, 0].tolist() == pytest.approx(expected)
    assert 0.0 <= float(img.min()) and float(img.max()) <= 1.0
    assert train.data.shape == (5, 28, 28) and train.data.dtype is gradkit.uint8
    assert train.targets.dtype is gradkit.int64 and train.targets.tolist() == [1, 2, 3, 4, 5]
    assert "Number of datapoints: 5" in repr(train)


def test_fashion_mnist_transforms_and_loader(tmp_path):
    _make_fashion(tmp_path, n_train=7)
    plain = FashionMNIST(tmp_path)
    via = FashionMNIST(tmp_path, transform=transforms.ToTensor(), target_transform=lambda y: y * 10)
    a, b = plain[3], via[3]
    assert (a[0] == b[0]).all() and b[1] == a[1] * 10
    norm = FashionMNIST(tmp_path, transform=transforms.Compose([transforms.ToTensor(),
                                                                 transforms.Normalize([0.5], [0.5])]))
    assert (norm[3][0] - (a[0] - 0.5) / 0.5).abs().max().item() < 1e-6
    # the loader's batched path gives what collating the items gives
    fast = list(DataLoader(plain, 3))
    slow = list(DataLoader(plain, 3, collate_fn=lambda b: default_collate(b)))
    assert len(fast) == 3
    for (xf, yf), (xs, ys) in zip(fast, slow):
        assert xf.shape == xs.shape and (xf == xs).all() and yf.tolist() == ys.tolist() and yf.dtype is gradkit.int64
    for transform in (transforms.ToTensor(), transforms.Compose([transforms.ToTensor()])):  # D2L's way
        d2l_style = FashionMNIST(tmp_path, transform=transform)
        for (xf, yf), (xs, ys) in zip(DataLoader(d2l_style, 3), slow):
            assert (xf == xs).all() and yf.tolist() == ys.tolist()
    X, y = next(iter(DataLoader(via, 4, shuffle=True)))
    assert X.shape == (4, 1, 28, 28) and all(v % 10 == 0 for v in y.tolist())


def test_fashion_mnist_missing_files(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True"):
        FashionMNIST(tmp_path)


def test_download_with_mirror_fallback_and_md5(tmp_path):
    # the real download code, pointed at file:// URLs: first mirror missing, second good
    source = tmp_path / "mirror"
    files = _make_fashion(source)
    resources = []
    for key in ("train-images", "train-labels", "t10k-images", "t10k-labels"):
        with open(files[key], "rb") as fh:
            resources.append((os.path.basename(files[key]), hashlib.md5(fh.read()).hexdigest()))
    mirror = (source / "FashionMNIST" / "raw").as_uri() + "/"

    class Local(FashionMNIST):
        pass

    Local.mirrors = [(tmp_path / "nowhere").as_uri() + "/", mirror]
    Local.resources = resources
    ds = Local(tmp_path / "root", download=True)
    assert len(ds) == 5 and ds[0][1] == 1
    raw = tmp_path / "root" / "Local" / "raw"
    assert sorted(os.listdir(raw)) == sorted([r[0] for r in resources] + [r[0][:-3] for r in resources])
    Local(tmp_path / "root", download=True)  # already there: nothing fetched

    Local.resources = [(name, "0" * 32) for name, _ in resources]  # wrong checksums everywhere
    with pytest.raises(RuntimeError, match="Error downloading train-images-idx3-ubyte.gz"):
        Local(tmp_path / "other", download=True)
    assert not any(name.endswith(".gz") for name in os.listdir(tmp_path / "other" / "Local" / "raw"))
