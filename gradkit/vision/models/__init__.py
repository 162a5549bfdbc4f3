"""``torchvision.models``: the classic architectures with torchvision's module names,
parameter shapes and initialisation, so ``state_dict()`` keys and shapes are torchvision's
and a state dict saved there (e.g. as safetensors) loads here. Weights start random:
``weights=`` other than None is refused (nothing is downloaded)."""
from ._api import get_model, get_model_builder, list_models  # noqa: F401
from .alexnet import *  # noqa: F401,F403
from .mobilenetv2 import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
