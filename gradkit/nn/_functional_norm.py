"""``nn.functional``'s normalisations over groups, instances and neighbouring channels
(group_norm, instance_norm, local_response_norm) and the channel-wise and self-normalising
dropouts (dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout), re-exported by
``gradkit.nn.functional``. The normalisations standardise through layer norm's op (over the
trailing dims of a grouped or per-instance view) and are otherwise compositions of ops whose
gradients are ops, so every one is differentiable to any order.
"""
from __future__ import annotations

import math
import warnings

from ..autograd.grad_mode import no_grad
from ..ops import creation as _creation
from ..ops import random as _random
from ..ops import shape as _S
from ..ops._core import cast as _cast
from ..ops.nn import normalization as _norm

# SELU's alpha * scale: -_ALPHA_PRIME is where SELU saturates, the value alpha dropout gives
# the units it drops
_ALPHA_PRIME = 1.7580993408473766


def _normalized(x, axes, eps, op_name):
    """(x - mean) / sqrt(var + eps) over the trailing ``axes`` (biased variance), and the
    statistics: a layer norm without parameters, one op."""
    return _norm.normalization(_norm.NativeLayerNorm, x, None, None, axes, tuple(range(x.ndim - len(axes))),
                               tuple(x.shape[x.ndim - len(axes):]), eps, op_name)


def _affine(out, weight, bias, ndim):
    view = (1, -1) + (1,) * (ndim - 2)
    if weight is not None:
        out = out * weight.reshape(view)
    if bias is not None:
        out = out + bias.reshape(view)
    return out


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalises each sample over groups of ``C // num_groups`` channels (and every spatial
    position), then applies the per-channel weight and bias."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    shape = tuple(input.shape)
    n, c = shape[0], shape[1]
    spatial = 1
    for s in shape[2:]:
        spatial *= s
    if (n * c // num_groups) * spatial == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{[n * c // num_groups, num_groups] + list(shape[2:])}")
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(shape)} and num_groups={num_groups}")
    for t in (weight, bias):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            name = "weight" if t is weight else "bias"
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, but "
                               f"got {name} of shape {list(t.shape)} and input of shape {list(shape)}")
    grouped = input.reshape(n, num_groups, -1)
    out, _, _ = _normalized(grouped, (2,), eps, "group_norm")
    return _affine(out.reshape(shape), weight, bias, input.ndim)


def _verify_spatial_size(shape):
    size = 1
    for s in shape[2:]:
        size *= s
    if size == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {shape}")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalises each channel of each sample over its spatial positions. With running
    statistics and ``use_input_stats``, they move towards the batch's average of the
    per-instance statistics (unbiased variance); without ``use_input_stats`` they are used
    in place of the input's."""
    shape = input.shape
    if use_input_stats:
        _verify_spatial_size(shape)
    if input.ndim < 3:
        raise ValueError(f"instance_norm expects an input (N, C, *spatial) with spatial dims, got {input.ndim}D")
    c = shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            # PyTorch normalises the batch as one sample of N * C channels, and says so
            raise RuntimeError(f"{name} should contain {shape[0] * c} elements not {shape[0] * t.numel()}")
    axes = tuple(range(2, input.ndim))
    view = (1, c) + (1,) * (input.ndim - 2)
    if use_input_stats:
        out, mean, var = _normalized(input, axes, eps, "instance_norm")
        if running_mean is not None or running_var is not None:
            count = input.numel() // (shape[0] * c)
            with no_grad():
                if running_mean is not None:
                    batch_mean = mean.detach().reshape(shape[0], c).mean(0)
                    running_mean.copy_(running_mean * (1.0 - momentum) + batch_mean * momentum)
                if running_var is not None:
                    unbiased = var.detach().reshape(shape[0], c).mean(0) * (count / max(count - 1, 1))
                    running_var.copy_(running_var * (1.0 - momentum) + unbiased * momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
        out = (input - running_mean.reshape(view)) * (running_var.reshape(view) + eps).rsqrt()
    return _affine(out, weight, bias, input.ndim)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """input / (k + alpha * mean of input^2 over ``size`` neighbouring channels)^beta, the
    window zero-padded (size // 2 before, (size - 1) // 2 after) and always divided by size."""
    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    squares = input * input
    shape = list(squares.shape)
    before, after = size // 2, (size - 1) // 2
    parts = []
    for count in (before, after):
        pad_shape = list(shape)
        pad_shape[1] = count
        parts.append(_creation.zeros(tuple(pad_shape), dtype=input.dtype, device=input.device) if count else None)
    padded = _S.cat([t for t in (parts[0], squares, parts[1]) if t is not None], 1)
    c = shape[1]
    window = padded.narrow(1, 0, c)
    for offset in range(1, size):  # a sum over the (few) offsets of the window
        window = window + padded.narrow(1, offset, c)
    div = (window * (alpha / size) + k) ** beta
    return input / div


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _feature_dropout(input, p, training, inplace, alpha):
    """Drops whole channels: one Bernoulli draw per (sample, channel), broadcast over the
    spatial dims; ``alpha`` gives alpha dropout's affine rescaling instead of 1/(1-p)."""
    if not training or p == 0.0:
        return input
    mask_shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _dropout_with_mask(input, p, mask_shape, inplace, alpha)


def _dropout_with_mask(input, p, mask_shape, inplace, alpha):
    if p == 1.0:  # PyTorch multiplies by zero: every unit dropped, alpha dropout's too
        zero = _creation.zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(zero) if inplace else input * zero
    keep = _cast(_random.rand(mask_shape, dtype=input.dtype, device=input.device) < (1.0 - p), input.dtype)
    if not alpha:
        scale = keep * (1.0 / (1.0 - p))
        return input.mul_(scale) if inplace else input * scale
    # alpha dropout: y = a (x keep + alpha' (1 - keep)) + b, with alpha' SELU's negative
    # saturation value and a, b the affine map that keeps zero mean and unit variance
    a = 1.0 / math.sqrt((_ALPHA_PRIME * _ALPHA_PRIME * p + 1.0) * (1.0 - p))
    shift = (keep - 1.0) * (_ALPHA_PRIME * a) + _ALPHA_PRIME * a * p
    scale = keep * a
    if inplace:
        return input.mul_(scale).add_(shift)
    return input * scale + shift


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, L) or (C, L) inputs with probability p, scaling the
    rest by 1/(1-p)."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    if input.ndim == 2:
        out = _feature_dropout(input.unsqueeze_(0) if inplace else input.unsqueeze(0), p, training, inplace, False)
        return out.squeeze_(0) if inplace else out.squeeze(0)
    return _feature_dropout(input, p, training, inplace, False)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, H, W) or (C, H, W) inputs with probability p, scaling
    the rest by 1/(1-p). (A 3-D input is taken as (N, C, L), with PyTorch's warning.)"""
    _check_p(p)
    ndim = input.ndim
    if ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                      "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, False)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability p,
    scaling the rest by 1/(1-p)."""
    _check_p(p)
    ndim = input.ndim
    if ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {ndim}-D input to dropout3d, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D "
                      "inputs).", stacklevel=2)
    if ndim != 5:
        out = _feature_dropout(input.unsqueeze_(0) if inplace else input.unsqueeze(0), p, training, inplace, False)
        return out.squeeze_(0) if inplace else out.squeeze(0)
    return _feature_dropout(input, p, training, inplace, False)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped units take SELU's negative saturation value and
    an affine map keeps the input's mean and variance (training only)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    return _dropout_with_mask(input, p, tuple(input.shape), inplace, True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels (one draw per sample and channel)."""
    _check_p(p)
    return _feature_dropout(input, p, training, inplace, True)


__all__ = ["group_norm", "instance_norm", "local_response_norm", "dropout1d", "dropout2d", "dropout3d",
           "alpha_dropout", "feature_alpha_dropout"]
