"""``torch.nn.modules.activation``'s path to gradkit's activation modules."""
from ..activation import *  # noqa: F401,F403
from ..activation import __all__  # noqa: F401
from ..attention import MultiheadAttention  # noqa: F401,E402  (torch.nn.modules.activation has it too)
