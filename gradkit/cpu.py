"""``gradkit.cpu``: PyTorch's torch.cpu namespace, for its ``amp`` spellings
(``gradkit.cpu.amp.autocast``, deprecated in favour of ``gradkit.amp.autocast("cpu")``)."""
from __future__ import annotations

import sys

from .amp._deprecated import cpu_amp as amp

sys.modules[__name__ + ".amp"] = amp  # so that ``from gradkit.cpu.amp import autocast`` imports


def is_available() -> bool:
    return True


def device_count() -> int:
    return 1


def synchronize(device=None) -> None:
    """Nothing to wait for: CPU work runs eagerly."""
