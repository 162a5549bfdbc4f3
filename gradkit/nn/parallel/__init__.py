"""``torch.nn.parallel``: DistributedDataParallel (one process per device, gradients averaged
over ``gradkit.distributed``) and a one-device DataParallel."""
from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
