"""``torch.nn.modules.transformer``'s path to gradkit's Transformer modules."""
from ..transformer import *  # noqa: F401,F403
from ..transformer import __all__  # noqa: F401
