"""gradkit.vision.datasets: MNIST/FashionMNIST (gradkit.datasets' IDX reader, torchvision's
mirrors and checksums, the download path with the network stubbed out) and ImageFolder."""
import gzip
import hashlib
import io
import os
import struct
import sys
import urllib.error
import urllib.request

import pytest

import gradkit
import gradkit.vision as torchvision
from gradkit.vision import transforms
from gradkit.vision.datasets import MNIST, FashionMNIST, ImageFolder

# torchvision 0.28's class attributes (recorded)
TORCHVISION_MNIST_MIRRORS = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
TORCHVISION_MNIST_RESOURCES = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                               ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                               ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                               ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
TORCHVISION_FASHION_MIRRORS = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
TORCHVISION_FASHION_RESOURCES = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
TORCHVISION_FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                               "Bag", "Ankle boot"]


def _idx(magic, dims, payload):
    return struct.pack(">I", magic) + struct.pack(f">{len(dims)}I", *dims) + payload


def _mnist_files(n_train=4, n_test=2):
    """{file name: gzip'd bytes} of a tiny MNIST in IDX format."""
    files = {}
    for prefix, n, seed in (("train", n_train, 3), ("t10k", n_test, 5)):
        images = bytes((seed + 11 * i) % 256 for i in range(n * 28 * 28))
        labels = bytes((seed + i) % 10 for i in range(n))
        files[f"{prefix}-images-idx3-ubyte.gz"] = gzip.compress(_idx(0x803, (n, 28, 28), images))
        files[f"{prefix}-labels-idx1-ubyte.gz"] = gzip.compress(_idx(0x801, (n,), labels))
    return files


def test_same_classes_and_torchvision_urls():
    assert MNIST is gradkit.datasets.MNIST and FashionMNIST is gradkit.datasets.FashionMNIST
    assert torchvision.datasets.FashionMNIST is FashionMNIST
    assert MNIST.mirrors == TORCHVISION_MNIST_MIRRORS and MNIST.resources == TORCHVISION_MNIST_RESOURCES
    # torchvision's mirror first; gradkit adds a fallback after it
    assert FashionMNIST.mirrors[:1] == TORCHVISION_FASHION_MIRRORS
    assert FashionMNIST.resources == TORCHVISION_FASHION_RESOURCES
    assert FashionMNIST.classes == TORCHVISION_FASHION_CLASSES


class _Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def test_download_through_a_stubbed_network(tmp_path, monkeypatch):
    files = _mnist_files()
    requested = []

    def fake_urlopen(request, timeout=None):
        url = request.full_url if isinstance(request, urllib.request.Request) else request
        requested.append(url)
        if url.startswith(TORCHVISION_MNIST_MIRRORS[0]):
            raise urllib.error.URLError("mirror down")
        return _Response(files[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    monkeypatch.setattr(MNIST, "resources", [(name, hashlib.md5(data).hexdigest()) for name, data in files.items()])
    train = MNIST(tmp_path, train=True, download=True)
    assert len(train) == 4 and [train[i][1] for i in range(4)] == [3, 4, 5, 6]
    assert [u.split("/")[-1] for u in requested[1::2]] == list(files)  # each from the second mirror
    raw = tmp_path / "MNIST" / "raw"
    assert sorted(os.listdir(raw)) == sorted(list(files) + [name[:-3] for name in files])
    test = MNIST(tmp_path, train=False, download=True)  # files there: no request
    assert len(test) == 2 and len(requested) == 8
    image, label = test[1]
    assert image.shape == (1, 28, 28) and image.dtype is gradkit.float32 and label == 6

    # a corrupted payload fails its md5 on every mirror: nothing half-written stays behind
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout=None: _Response(b"garbage"))
    with pytest.raises(RuntimeError, match="Error downloading train-images-idx3-ubyte.gz"):
        MNIST(tmp_path / "other", download=True)
    assert os.listdir(tmp_path / "other" / "MNIST" / "raw") == []


def test_mnist_with_vision_transforms(tmp_path):
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name, data in _mnist_files().items():
        (raw / name).write_bytes(data)
    # a uint8 (28, 28) image goes through the geometric transforms, then ToTensor
    gradkit.manual_seed(0)
    trans = transforms.Compose([transforms.RandomCrop(24, padding=2), transforms.RandomHorizontalFlip(),
                                transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    ds = FashionMNIST(tmp_path, train=True, transform=trans)
    image, label = ds[0]
    assert image.shape == (1, 24, 24) and image.dtype is gradkit.float32
    assert -1.0 <= image.min().item() and image.max().item() <= 1.0
    loader = gradkit.utils.data.DataLoader(ds, batch_size=3)
    x, y = next(iter(loader))
    assert x.shape == (3, 1, 24, 24) and y.tolist() == [3, 4, 5]
    centred = FashionMNIST(tmp_path, transform=transforms.Compose([transforms.CenterCrop(20), transforms.ToTensor()]))
    plain = FashionMNIST(tmp_path)
    assert bool((centred[1][0] == plain[1][0][:, 4:24, 4:24]).all())


# -- ImageFolder ----------------------------------------------------------------------------
def _folder(root):
    np = pytest.importorskip("numpy")
    for cls, count in (("dog", 2), ("cat", 3)):
        (root / cls).mkdir(parents=True)
        for k in range(count):
            arr = ((np.arange(5 * 6 * 3).reshape(5, 6, 3) * (k + 2)) % 256).astype(np.uint8)
            np.save(root / cls / f"img{k}.npy", arr)
    (root / "cat" / "nested").mkdir()
    np.save(root / "cat" / "nested" / "deep.npy", np.zeros((5, 6, 3), dtype=np.uint8))
    (root / "cat" / "notes.txt").write_text("not an image")
    return np


def test_image_folder_classes_and_samples(tmp_path):
    np = _folder(tmp_path)
    ds = ImageFolder(tmp_path)
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert [(os.path.relpath(p, tmp_path), c) for p, c in ds.samples] == [
        ("cat/img0.npy", 0), ("cat/img1.npy", 0), ("cat/img2.npy", 0), ("cat/nested/deep.npy", 0),
        ("dog/img0.npy", 1), ("dog/img1.npy", 1)]
    assert ds.imgs is ds.samples and ds.targets == [0, 0, 0, 0, 1, 1] and len(ds) == 6
    sample, target = ds[4]
    assert isinstance(sample, np.ndarray) and sample.shape == (5, 6, 3) and target == 1
    with_t = ImageFolder(tmp_path, transform=transforms.Compose([transforms.RandomCrop(4), transforms.ToTensor()]),
                         target_transform=lambda t: t * 10)
    image, target = with_t[5]
    assert image.shape == (3, 4, 4) and image.dtype is gradkit.float32 and target == 10
    batch = next(iter(gradkit.utils.data.DataLoader(with_t, batch_size=6)))
    assert batch[0].shape == (6, 3, 4, 4) and batch[1].tolist() == [0, 0, 0, 0, 10, 10]
    # torchvision's layout, recorded
    assert repr(with_t) == (f"Dataset ImageFolder\n    Number of datapoints: 6\n    Root location: {tmp_path}\n"
                            f"    StandardTransform\nTransform: Compose(\n               RandomCrop(size=(4, 4), "
                            f"padding=None)\n               ToTensor()\n           )\nTarget transform: "
                            f"{with_t.target_transform!r}")
    assert repr(ImageFolder(tmp_path)) == f"Dataset ImageFolder\n    Number of datapoints: 6\n    Root location: {tmp_path}"
    only_dogs = ImageFolder(tmp_path, is_valid_file=lambda p: "dog" in p, allow_empty=True)
    assert len(only_dogs) == 2


def test_image_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder in"):
        ImageFolder(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("")
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes a. Supported extensions are: "
                                                ".jpg, .jpeg, .png"):
        ImageFolder(tmp_path)
    assert len(ImageFolder(tmp_path, allow_empty=True)) == 0


def test_image_folder_without_pillow_says_how_to_install(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setitem(sys.modules, "PIL", None)  # as if Pillow were not installed
    ds = ImageFolder(tmp_path)
    with pytest.raises(ImportError, match="pip install pillow"):
        ds[0]


@pytest.mark.skipif(not hasattr(gradkit.nn.functional, "interpolate"),
                    reason="needs gradkit.nn.functional.interpolate (built separately)")
def test_d2l_load_data_fashion_mnist_with_resize(tmp_path):
    # D2L's loader as the book writes it, after `import gradkit.vision as torchvision`
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name, data in _mnist_files().items():
        (raw / name).write_bytes(data)

    def load_data_fashion_mnist(batch_size, resize=None):
        trans = [transforms.ToTensor()]
        if resize:
            trans.insert(0, transforms.Resize(resize))
        trans = transforms.Compose(trans)
        mnist_train = torchvision.datasets.FashionMNIST(root=tmp_path, train=True, transform=trans, download=True)
        mnist_test = torchvision.datasets.FashionMNIST(root=tmp_path, train=False, transform=trans, download=True)
        return (gradkit.utils.data.DataLoader(mnist_train, batch_size, shuffle=True),
                gradkit.utils.data.DataLoader(mnist_test, batch_size, shuffle=False))

    train_iter, test_iter = load_data_fashion_mnist(4, resize=64)
    for X, y in train_iter:
        assert (X.shape, X.dtype, y.shape, y.dtype) == ((4, 1, 64, 64), gradkit.float32, (4,), gradkit.int64)
        assert 0.0 <= X.min().item() and X.max().item() <= 1.0
        break
    X, y = next(iter(test_iter))
    assert X.shape == (2, 1, 64, 64) and y.tolist() == [5, 6]
