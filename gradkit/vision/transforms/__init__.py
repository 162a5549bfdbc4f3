"""``torchvision.transforms``: image transforms on tensors ``(..., C, H, W)``, NumPy arrays
``(H, W[, C])`` and (where Pillow is installed) PIL images. ``functional`` holds the
operations; ``v2`` names the same classes at torchvision's newer path."""
from . import functional  # noqa: F401
from .transforms import *  # noqa: F401,F403
from .transforms import __all__  # noqa: F401
from . import v2  # noqa: F401,E402
