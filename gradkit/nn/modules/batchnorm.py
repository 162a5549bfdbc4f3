"""``torch.nn.modules.batchnorm``'s path to the batch-norm layers (and their base ``_BatchNorm``,
which scripts test with isinstance to keep norm weights out of weight decay)."""
from ..layers import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm  # noqa: F401
from ..normalization_more import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d"]
