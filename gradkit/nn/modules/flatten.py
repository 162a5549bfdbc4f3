"""``torch.nn.modules.flatten``'s path to ``Flatten`` and ``Unflatten``."""
from ..layers import Flatten, Unflatten

__all__ = ["Flatten", "Unflatten"]
