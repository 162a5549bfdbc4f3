"""``torchvision.transforms.v2``: the same transforms at the newer import path, plus
``ToImage`` and ``ToDtype``, which v2 pipelines use in place of ``ToTensor``."""
from __future__ import annotations

from ...nn.module import Module
from . import functional  # noqa: F401
from . import functional as F
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _classes

__all__ = [*_classes, "ToImage", "ToDtype"]


class ToImage(Module):
    """A PIL image, NumPy array ``(H, W[, C])`` or tensor to a ``(C, H, W)`` tensor image,
    values and dtype unchanged."""

    def forward(self, inpt):
        from ..._tensor import Tensor

        if isinstance(inpt, Tensor):
            return inpt.unsqueeze(0) if inpt.dim() == 2 else inpt
        return F.pil_to_tensor(inpt)

    def __repr__(self):
        return f"{type(self).__name__}()"


class ToDtype(Module):
    """Casts to ``dtype``; with ``scale=True`` rescales values between the dtypes' ranges
    (uint8 [0, 255] to float [0, 1], ...)."""

    def __init__(self, dtype, scale=False):
        super().__init__()
        self.dtype = dtype
        self.scale = scale

    def forward(self, inpt):
        if self.scale:
            return F.convert_image_dtype(inpt, self.dtype)
        return inpt.to(self.dtype)

    def __repr__(self):
        return f"{type(self).__name__}(scale={self.scale})"
