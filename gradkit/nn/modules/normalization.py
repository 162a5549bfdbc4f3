"""``torch.nn.modules.normalization``'s path to ``LayerNorm``, ``GroupNorm`` and
``LocalResponseNorm``."""
from ..layers import LayerNorm
from ..normalization_more import GroupNorm, LocalResponseNorm

__all__ = ["LayerNorm", "GroupNorm", "LocalResponseNorm"]
