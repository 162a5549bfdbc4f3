"""MNIST and Fashion-MNIST from their IDX files, with torchvision's layout and download.

Files live in ``root/<ClassName>/raw`` (``root/FashionMNIST/raw/train-images-idx3-ubyte``
...), as torchvision keeps them, so a root downloaded by either library serves both. Both
the gzip'd files and the uncompressed ones are read.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import sys
import tempfile

from .._files import removed_on_failure
from ..utils.data.dataset import Dataset

__all__ = ["MNIST", "FashionMNIST", "read_idx", "IDXError"]


class IDXError(ValueError):
    """An IDX file whose header or size is not what the format says."""


# IDX type codes (third byte of the magic number): dtype name, bytes per element
_IDX_TYPES = {0x08: ("uint8", 1), 0x09: ("int8", 1), 0x0B: ("int16", 2), 0x0C: ("int32", 4), 0x0D: ("float32", 4),
              0x0E: ("float64", 8)}
_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(path):
    with open(path, "rb") as fh:
        start = fh.read(2)
    opener = gzip.open if start == _GZIP_MAGIC else open
    try:
        with opener(path, "rb") as fh:
            return fh.read()
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise IDXError(f"{path}: can't decompress ({exc}); delete it and download again") from None


def read_idx(path, expect_magic=None):
    """The array in an IDX file (gzip'd or not) as a CPU tensor of its dtype.

    IDX: two zero bytes, a type code (0x08 = unsigned byte, ...), the number of dimensions,
    then each dimension as a big-endian uint32, then the data, big-endian, row-major.
    ``expect_magic`` (e.g. 2051 = 0x00000803 for an image file) is checked when given."""
    data = _read_bytes(path)
    if len(data) < 4:
        raise IDXError(f"{path}: too short for an IDX file ({len(data)} bytes; the magic number alone is 4)")
    magic = struct.unpack(">I", data[:4])[0]
    if data[0] != 0 or data[1] != 0:
        raise IDXError(f"{path}: not an IDX file (magic number 0x{magic:08X}; IDX files start with two zero bytes)")
    if expect_magic is not None and magic != expect_magic:
        raise IDXError(f"{path}: wrong IDX magic number 0x{magic:08X} (expected 0x{expect_magic:08X}: "
                       f"{_describe(expect_magic)}; found {_describe(magic)})")
    code, ndim = data[2], data[3]
    if code not in _IDX_TYPES:
        raise IDXError(f"{path}: unknown IDX data type code 0x{code:02X} (magic number 0x{magic:08X})")
    head = 4 + 4 * ndim
    if len(data) < head:
        raise IDXError(f"{path}: truncated IDX header ({ndim} dimensions need {head} bytes, the file has "
                       f"{len(data)})")
    dims = struct.unpack(f">{ndim}I", data[4:head])
    name, size = _IDX_TYPES[code]
    count = 1
    for d in dims:
        count *= d
    want = head + count * size
    if len(data) != want:
        state = "truncated" if len(data) < want else "too long"
        raise IDXError(f"{path}: {state}: dimensions {list(dims)} of {name} need {want} bytes, the file has "
                       f"{len(data)}")
    # NumPy reads the big-endian payload into an array: this is the file-loading entry point.
    import numpy as np

    arr = np.frombuffer(bytearray(data[head:]), dtype=np.dtype(name).newbyteorder(">")).reshape(dims)
    if size > 1:
        arr = arr.astype(np.dtype(name))  # native byte order
    from ..ops.creation import from_numpy

    return from_numpy(arr)


def _describe(magic):
    code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    kind = _IDX_TYPES.get(code, (f"type 0x{code:02X}",))[0]
    return f"{kind}, {ndim} dimension{'s' if ndim != 1 else ''}"


class MNIST(Dataset):
    """MNIST digits, read from the IDX files in ``root/MNIST/raw`` (``download=True``
    fetches them first).

    Items are ``(image, label)``: without ``transform`` the image is a float32 tensor
    ``(1, 28, 28)`` in [0, 1] (what torchvision gives after ``ToTensor()``); with one,
    ``transform`` receives the raw image as a uint8 ``(28, 28)`` tensor (torchvision hands
    it a PIL image), so ``gradkit.datasets.transforms.ToTensor()`` gives the same float
    tensor. The label is a Python int (through ``target_transform`` if given).
    ``data`` (uint8, N x 28 x 28) and ``targets`` (int64) hold everything."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        self.root = os.path.expanduser(os.fspath(root))
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        if download:
            self.download()
        self.data, self.targets = self._load_data()
        self._labels = None
        self._gather = None

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def _find(self, stem):
        """The uncompressed file if present, else the gzip'd one."""
        for name in (stem, stem + ".gz"):
            path = os.path.join(self.raw_folder, name)
            if os.path.isfile(path):
                return path
        return None

    def _check_exists(self):
        return all(self._find(os.path.splitext(name)[0]) is not None for name, _ in self.resources)

    def _load_data(self):
        prefix = "train" if self.train else "t10k"
        stems = [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]
        paths = [self._find(s) for s in stems]
        if None in paths:
            missing = [s for s, p in zip(stems, paths) if p is None]
            raise RuntimeError(f"Dataset not found. You can use download=True to download it (looked in "
                               f"{self.raw_folder} for {', '.join(missing)} or their .gz files)")
        images = read_idx(paths[0], expect_magic=0x00000803)
        labels = read_idx(paths[1], expect_magic=0x00000801)
        if images.shape[0] != labels.shape[0]:
            raise IDXError(f"{paths[0]} has {images.shape[0]} images but {paths[1]} has {labels.shape[0]} labels")
        from .. import _dtype

        return images, labels.to(_dtype.int64)

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, index):
        if self._labels is None:
            self._labels = self.targets.tolist()
        img, target = self.data[index], self._labels[index]
        if self.transform is None:
            img = _to_float_image(img)
        else:
            img = self.transform(img.clone())  # a copy: a transform may write into it
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def _gradkit_batch(self, indices):
        """The DataLoader's fast path: one gather per tensor for a whole batch, when that
        equals collating the items (no transform, or just ToTensor; no target_transform)."""
        if not _is_plain_to_tensor(self.transform) or self.target_transform is not None:
            from ..utils.data import default_collate

            return default_collate([self[i] for i in indices])
        if self._gather is None:
            from ..utils.data.dataloader import _tensor_gather

            self._gather = _tensor_gather((self.data, self.targets))
        images, labels = self._gather(indices)
        return [_to_float_image(images, batched=True), labels]

    def __repr__(self):
        lines = [f"Dataset {type(self).__name__}", f"    Number of datapoints: {len(self)}",
                 f"    Root location: {self.root}", f"    Split: {'Train' if self.train else 'Test'}"]
        if self.transform is not None:
            lines.append(f"    StandardTransform\nTransform: {self.transform!r}")
        return "\n".join(lines)

    # -- download ------------------------------------------------------------------------
    def download(self):
        """Fetches the four gzip'd IDX files into ``raw_folder`` (each from the first mirror
        that answers with the right md5) and unpacks them beside, as torchvision does.
        Files already there are kept."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            stem = os.path.splitext(filename)[0]
            if os.path.isfile(os.path.join(self.raw_folder, stem)):
                continue
            gz_path = os.path.join(self.raw_folder, filename)
            if not (os.path.isfile(gz_path) and _md5(gz_path) == md5):
                errors = []
                for mirror in self.mirrors:
                    url = mirror + filename
                    try:
                        print(f"Downloading {url}", file=sys.stderr)
                        _download(url, gz_path, md5)
                        break
                    except (OSError, ValueError) as exc:  # URLError, timeouts, bad checksum
                        errors.append(f"{url}: {exc}")
                        print(f"Failed to download (trying next):\n{exc}", file=sys.stderr)
                else:
                    raise RuntimeError(f"Error downloading {filename}:\n" + "\n".join(errors))
            _gunzip(gz_path, os.path.join(self.raw_folder, stem))


class FashionMNIST(MNIST):
    """Fashion-MNIST (Zalando, MIT license): 28x28 grayscale images of 10 kinds of clothing,
    60,000 for training and 10,000 for testing, in MNIST's IDX format. Same interface as
    ``MNIST``; files in ``root/FashionMNIST/raw``."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
               "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


def _is_plain_to_tensor(transform):
    """None, ToTensor() or Compose([ToTensor()]): what the batched path computes."""
    from .transforms import Compose, ToTensor

    if transform is None or type(transform) is ToTensor:
        return True
    return type(transform) is Compose and len(transform.transforms) == 1 and type(transform.transforms[0]) is ToTensor


def _to_float_image(img, batched=False):
    from .. import _dtype

    out = img.to(_dtype.float32) / 255.0
    return out.unsqueeze(1 if batched else 0)


def _md5(path, chunk=1 << 20):
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url, path, md5, timeout=60):
    """``url`` to ``path`` through a temporary file; raises ValueError on a wrong md5."""
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "gradkit"})
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".download-", suffix=".part")
    with removed_on_failure(tmp):
        digest = hashlib.md5(usedforsecurity=False)
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as response:
            for block in iter(lambda: response.read(1 << 20), b""):
                out.write(block)
                digest.update(block)
        if digest.hexdigest() != md5:
            raise ValueError(f"md5 mismatch for {url}: got {digest.hexdigest()}, expected {md5}")
        os.replace(tmp, path)


def _gunzip(src, dst):
    tmp = dst + ".part"
    with gzip.open(src, "rb") as fin, open(tmp, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    os.replace(tmp, dst)
