"""``torch.nn.modules.loss``'s path to gradkit's loss modules (and their bases ``_Loss`` and
``_WeightedLoss``, which custom losses subclass)."""
from ..loss import *  # noqa: F401,F403
from ..loss import __all__, _Loss, _WeightedLoss  # noqa: F401
