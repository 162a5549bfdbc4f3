"""A few of torchvision's transforms, for images held as gradkit tensors (or NumPy arrays /
PIL images, converted by ``ToTensor``): ``Compose``, ``ToTensor``, ``Normalize``,
``Lambda``. Enough for ``FashionMNIST(root, transform=transforms.ToTensor())`` as D2L
writes it; resizing is not provided."""
from __future__ import annotations

__all__ = ["Compose", "ToTensor", "Normalize", "Lambda"]


class Compose:
    """Applies the transforms in order."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        inner = "".join(f"\n    {t!r}" for t in self.transforms)
        return f"{type(self).__name__}({inner}\n)"


class ToTensor:
    """An image ``(H, W)`` or ``(H, W, C)`` (uint8 tensor, NumPy array or PIL image) to a
    float32 tensor ``(C, H, W)``; uint8 values are scaled to [0, 1], others kept as they
    are (torchvision's rule)."""

    def __call__(self, pic):
        from .. import _dtype
        from .._tensor import Tensor
        from ..ops.creation import tensor

        if not isinstance(pic, Tensor):
            if hasattr(pic, "__array_interface__") and type(pic).__module__ != "numpy":
                # a PIL image: NumPy reads its pixel buffer (an interop entry point)
                import numpy as np

                pic = np.asarray(pic)
            pic = tensor(pic, device="cpu")
        if pic.dim() == 2:
            pic = pic.unsqueeze(-1)
        if pic.dim() != 3:
            raise ValueError(f"ToTensor: pic should be 2 or 3 dimensional, got {pic.dim()} dimensions")
        img = pic.permute(2, 0, 1)
        if pic.dtype is _dtype.uint8:
            return img.to(_dtype.float32) / 255.0
        return img.to(_dtype.get_default_dtype()) if not img.is_floating_point() else img.clone()

    def __repr__(self):
        return "ToTensor()"


class Normalize:
    """``(x - mean) / std`` per channel of a ``(C, H, W)`` or ``(N, C, H, W)`` tensor."""

    def __init__(self, mean, std, inplace=False):
        self.mean = list(mean) if isinstance(mean, (list, tuple)) else [mean]
        self.std = list(std) if isinstance(std, (list, tuple)) else [std]
        if any(s == 0 for s in self.std):
            raise ValueError(f"std evaluated to zero after conversion to float, leading to division by zero "
                             f"(std={self.std})")
        self.inplace = inplace

    def __call__(self, t):
        from ..ops.creation import tensor

        mean = tensor(self.mean, dtype=t.dtype, device=t.device).reshape(-1, 1, 1)
        std = tensor(self.std, dtype=t.dtype, device=t.device).reshape(-1, 1, 1)
        if self.inplace:
            return t.sub_(mean).div_(std)
        return (t - mean) / std

    def __repr__(self):
        return f"Normalize(mean={self.mean}, std={self.std})"


class Lambda:
    """Wraps a function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return "Lambda()"
