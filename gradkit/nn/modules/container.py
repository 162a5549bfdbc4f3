"""``torch.nn.modules.container``'s path to gradkit's containers."""
from ..container import *  # noqa: F401,F403
from ..container import __all__  # noqa: F401
