"""``torch.nn.modules.upsampling``'s path to the upsampling layers."""
from ..spatial import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]
