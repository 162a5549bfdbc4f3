"""``torch.nn.modules.instancenorm``'s path to the instance-norm layers."""
from ..normalization_more import (InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LazyInstanceNorm1d,
                                  LazyInstanceNorm2d, LazyInstanceNorm3d)

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]
