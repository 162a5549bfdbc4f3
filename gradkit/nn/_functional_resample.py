"""``nn.functional``'s resampling: interpolate (and the deprecated upsample functions),
pixel_shuffle and pixel_unshuffle, re-exported by ``gradkit.nn.functional``."""
from __future__ import annotations

import operator
import warnings

from .. import _dtype as D
from .._tensor import Tensor
from ..ops.nn.interpolate import Interpolate

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
# the number of spatial dims each interpolating mode needs
_MODE_RANK = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_NAMED_RANK_ERRORS = ("linear", "bilinear", "trilinear")  # PyTorch's own message for these modes


def _is_integer(x):
    """An int, a NumPy integer or an integer tensor (whatever has ``__index__``), as PyTorch
    accepts in a size."""
    if isinstance(x, Tensor):
        return not x.is_floating_point()
    try:
        operator.index(x)
    except TypeError:
        return False
    return True


def _output_geometry(input, size, scale_factor, recompute_scale_factor, mode):
    """PyTorch's parsing of size / scale_factor: the output sizes, and the scale factors the
    kernel is to use (None where it is to use in/out)."""
    rank = input.ndim - 2
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != rank:
                raise ValueError("Input and output must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {spatial} and output size of {size}. Please provide "
                                 "input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) "
                                 "format.")
            if not all(_is_integer(s) for s in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(s) for s in size]}")
            sizes = [int(s) for s in size]
        else:
            sizes = [int(size)] * rank
        scales = None
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != rank:
                raise ValueError("Input and scale_factor must have the same number of spatial dimensions, but got "
                                 f"input with spatial dimensions of {spatial} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "scale_factor in (s1, s2, ...,sK) format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * rank
        sizes = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if sizes is None:
        # the output size truncates in * scale; the kernel then uses the scale itself unless told
        # to recompute it from the sizes ("area" always does)
        sizes = [int(n * s) for n, s in zip(spatial, scales)]
        if recompute_scale_factor or mode == "area":
            scales = None
    return sizes, scales or [None] * rank


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resamples the spatial dims of ``input`` (N, C, *spatial) to ``size`` or by
    ``scale_factor``, in one of PyTorch's modes: nearest, nearest-exact, area, linear (3-D
    input), bilinear and bicubic (4-D), trilinear (5-D); ``antialias`` for bilinear/bicubic
    filters when downsampling as PyTorch (and PIL) do."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                             "bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    sizes, scales = _output_geometry(input, size, scale_factor, recompute_scale_factor, mode)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    ndim = input.ndim
    if mode in _NAMED_RANK_ERRORS and ndim in (3, 4, 5) and ndim - 2 != _MODE_RANK[mode]:
        raise NotImplementedError(f"Got {ndim}D input, but {mode} mode needs {_MODE_RANK[mode] + 2}D input")
    if ndim not in (3, 4, 5) or mode not in ("nearest", "nearest-exact", "area", *_MODE_RANK) or \
            (mode in _MODE_RANK and ndim - 2 != _MODE_RANK[mode]):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) for the "
                                  f"modes: {_MODES} (got {mode})")
    for n, s in zip(input.shape[2:], sizes):
        if s <= 0 or n <= 0:
            raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({_dims(input)}) "
                               f"output ({_dims_of(sizes)})")
    _check_dtype(input, mode)
    if input.dtype is D.uint8 and mode not in ("nearest", "nearest-exact"):
        # PyTorch resizes uint8 images in fixed point; here in float32, rounded back (so a
        # value may differ from PyTorch's by one)
        out = Interpolate.apply(input.to(D.float32), mode=mode, sizes=tuple(sizes), scales=tuple(scales),
                                align_corners=bool(align_corners), antialias=bool(antialias))
        return out.round().clamp(0, 255).to(D.uint8)
    return Interpolate.apply(input, mode=mode, sizes=tuple(sizes), scales=tuple(scales),
                             align_corners=bool(align_corners), antialias=bool(antialias))


# the kernel PyTorch names when it refuses a dtype, by mode
_KERNEL_NAMES = {"nearest": "compute_indices_weights_nearest", "nearest-exact": "compute_indices_weights_nearest",
                 "linear": "compute_indices_weights_linear", "bilinear": "upsample_bilinear2d_channels_last",
                 "trilinear": "compute_indices_weights_linear", "bicubic": "compute_indices_weights_cubic",
                 "area": "adaptive_avg_pool2d"}


def _check_dtype(input, mode):
    """Floating inputs in every mode; uint8 images too in the nearest modes and in bilinear
    and bicubic (PyTorch's)."""
    dtype = input.dtype
    if dtype.is_floating_point or (dtype is D.uint8 and mode in ("nearest", "nearest-exact", "bilinear", "bicubic")):
        return
    kernel = "adaptive_avg_pool3d_cpu" if mode == "area" and input.ndim == 5 else _KERNEL_NAMES[mode]
    raise NotImplementedError(f'"{kernel}" not implemented for \'{D.scalar_type_name(dtype)}\'')


def _dims(input):
    return _dims_of(input.shape[2:])


def _dims_of(sizes):
    return ", ".join(f"{'DHW'[3 - len(sizes) + i]}: {s}" for i, s in enumerate(sizes))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) -> (*, C, H r, W r): each group of r^2 channels becomes an r x r block."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    oc = c // (r * r)
    k = len(batch)
    out = input.reshape(*batch, oc, r, r, h, w).permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return out.reshape(*batch, oc, h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of pixel_shuffle."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h}"
                           f" is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w}"
                           f" is not divisible by {r}")
    k = len(batch)
    out = input.reshape(*batch, c, h // r, r, w // r, r).permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return out.reshape(*batch, c * r * r, h // r, w // r)


__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle"]
