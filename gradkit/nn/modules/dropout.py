"""``torch.nn.modules.dropout``'s path to ``Dropout``."""
from ..layers import Dropout

__all__ = ["Dropout"]
