"""``torch.nn.modules.sparse``'s path to ``Embedding`` and ``EmbeddingBag``."""
from ..layers import Embedding, EmbeddingBag

__all__ = ["Embedding", "EmbeddingBag"]
