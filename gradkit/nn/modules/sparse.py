"""``torch.nn.modules.sparse``'s path to ``Embedding``."""
from ..layers import Embedding

__all__ = ["Embedding"]
