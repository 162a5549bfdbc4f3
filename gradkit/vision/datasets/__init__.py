"""``torchvision.datasets``: ``MNIST`` and ``FashionMNIST`` (gradkit.datasets' IDX readers,
with torchvision's layout, mirrors and md5 checks), ``ImageFolder`` and ``DatasetFolder``.

Unlike torchvision, the MNIST classes hand ``transform`` a uint8 ``(28, 28)`` tensor rather
than a PIL image (Pillow is not a dependency); every transform here takes it, and
``ToTensor()`` makes the same float image ``(1, 28, 28)`` torchvision's does."""
from ...datasets._mnist import MNIST, FashionMNIST
from .folder import (IMG_EXTENSIONS, DatasetFolder, ImageFolder, VisionDataset, default_loader, npy_loader,
                     pil_loader)

__all__ = ["MNIST", "FashionMNIST", "DatasetFolder", "ImageFolder", "VisionDataset", "IMG_EXTENSIONS",
           "default_loader", "pil_loader", "npy_loader"]
