"""``torch.nn.modules.linear``'s path to the linear layers."""
from ..layers import Bilinear, Identity, LazyLinear, Linear

__all__ = ["Identity", "Linear", "LazyLinear", "Bilinear"]
