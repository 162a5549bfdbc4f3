"""``torch.nn.modules.normalization``'s path to ``LayerNorm``."""
from ..layers import LayerNorm

__all__ = ["LayerNorm"]
