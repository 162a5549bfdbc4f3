"""Interpolation's ops: ``F.interpolate`` in every mode is a linear map, separable over the
spatial axes, so one op covers them all. Its forward builds one sparse weight map per axis
(backend ``resample_map``: each output's few source pixels and weights) and applies them
(``resample``); its gradient applies the transposed maps, a gradient op whose own gradient is
the forward map again:
    Interpolate(x) = R x:             d/dx = ResampleTransposed(g) = R^T g
    ResampleTransposed(g) = R^T g:    d/dg = Resample(u) = R u
    Resample(u) = R u:                d/du = ResampleTransposed(g)
"""
from __future__ import annotations

from ...autograd.node import Node
from .._gradient import GradientOp

# PyTorch's node names, by mode and number of spatial dims
_NAMES = {"nearest": "UpsampleNearest{}DBackward0", "nearest-exact": "UpsampleNearestExact{}DBackward0",
          "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
          "trilinear": "UpsampleTrilinear3DBackward0", "bicubic": "UpsampleBicubic2DBackward0",
          "area": "AdaptiveAvgPool{}DBackward0"}


class Interpolate(Node):
    """x (N, C, *spatial) resampled to ``sizes`` along its spatial axes."""
    _backward_name = "UpsampleNearest2DBackward0"

    def forward(self, backend, x, *, mode, sizes, scales, align_corners, antialias):
        rank = len(sizes)
        if antialias:
            self._backward_name = f"Upsample{mode.capitalize()}2DAaBackward0"
        elif mode == "area" and rank == 1:  # PyTorch pools a 1-D input as 2-D, then squeezes
            self._backward_name = "SqueezeBackward1"
        else:
            self._backward_name = _NAMES[mode].format(rank)
        maps = []
        for k, out_size in enumerate(sizes):
            in_size = x.shape[2 + k]
            if out_size == in_size and mode in ("nearest", "nearest-exact", "area") and \
                    (scales[k] is None or scales[k] == 1.0 or mode == "area"):
                maps.append(None)  # the identity: this axis is left as it is
                continue
            maps.append(backend.resample_map(mode, in_size, out_size, scales[k], align_corners, antialias,
                                             x.dtype, x.device))
        self.maps = tuple(maps)
        return backend.resample(x, self.maps)

    def backward(self, g):
        return ResampleTransposed.run(g, params={"maps": self.maps})


class Resample(GradientOp):
    """u with spatial axis k resampled by ``maps[k]``: the gradient of the gradient."""
    _backward_name = "UpsampleBackwardBackward0"
    kernel = "resample"

    def backward(self, u):
        return ResampleTransposed.run(u, params=self.params)


class ResampleTransposed(GradientOp):
    """g with spatial axis k resampled by ``maps[k]`` transposed: interpolation's gradient
    in its input."""
    _backward_name = "UpsampleBackward0"
    kernel = "resample_transposed"

    def backward(self, u):
        return Resample.run(u, params=self.params)
