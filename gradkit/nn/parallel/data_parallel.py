"""``torch.nn.DataParallel`` on one device: the wrapped module runs as it is (scripts written
for several GPUs in one process keep working, on one), with PyTorch's ``module.`` prefix in
``state_dict``. Several devices in one process are not supported: use
DistributedDataParallel, one process per device, as PyTorch also recommends."""
from __future__ import annotations

from ..module import Module


class DataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if device_ids is not None and len(device_ids) > 1:
            raise NotImplementedError("gradkit's DataParallel runs on one device; for several, use "
                                      "DistributedDataParallel with one process per device")
        self.module = module
        self.device_ids = list(device_ids) if device_ids is not None else []
        self.output_device = output_device
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
