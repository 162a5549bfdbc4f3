"""``torch.nn.modules.module``'s path to ``Module``."""
from ..module import *  # noqa: F401,F403
from ..module import __all__  # noqa: F401
