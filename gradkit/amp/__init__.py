"""``gradkit.amp``: automatic mixed precision as PyTorch's torch.amp: ``autocast`` regions
that run PyTorch's listed ops in float16 (matmul-like) or float32 (reductions, losses), and
``GradScaler`` for float16 gradients."""
from __future__ import annotations

from .autocast_mode import (autocast, custom_bwd, custom_fwd, get_autocast_dtype, is_autocast_available,
                            is_autocast_enabled)
from .grad_scaler import GradScaler

__all__ = ["autocast", "custom_bwd", "custom_fwd", "GradScaler", "is_autocast_available"]
