"""``nn.modules``: PyTorch's module paths (``torch.nn.modules.linear.Linear``,
``torch.nn.modules.activation.ReLU``, ...), which scripts import from. Each submodule
re-exports the classes defined elsewhere in ``gradkit.nn``: the same objects, so
``nn.modules.linear.Linear is nn.Linear``."""
from .activation import *  # noqa: F401,F403
from .batchnorm import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .fold import *  # noqa: F401,F403
from .instancenorm import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .module import Module  # noqa: F401
from .normalization import *  # noqa: F401,F403
from .pixelshuffle import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .activation import MultiheadAttention  # noqa: F401
from .upsampling import *  # noqa: F401,F403
from . import (activation, batchnorm, container, dropout, flatten, linear, loss, module,  # noqa: F401
               normalization, rnn, sparse, transformer)
from . import conv, fold, instancenorm, pixelshuffle, pooling, upsampling  # noqa: F401,E402
