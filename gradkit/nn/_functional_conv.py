"""``nn.functional``'s convolutions (conv1d/2d/3d, conv_transpose1d/2d/3d) and unfold/fold,
re-exported by ``gradkit.nn.functional`` and, the convolutions, by ``gradkit``: they check and
parse PyTorch's arguments and call the ops of ``ops/nn/conv.py``.
"""
from __future__ import annotations

import math

from .._tensor import Tensor
from ..ops._core import check_same_device as _same_device
from ..ops.nn.conv import Convolution, ConvTranspose, Fold, Unfold

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold",
           "fold"]

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_AXES = {1: ("width",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def expand_param(value, name, nd):
    """An int or a sequence of one or ``nd`` ints as an ``nd``-tuple (PyTorch's rule)."""
    if isinstance(value, int):
        return (value,) * nd
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * nd
    if len(value) != nd:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} values to match the "
                           f"convolution dimensions, but got {name}={list(value)}")
    return value


def _tensor_type(t):
    kind = _TYPE_NAMES.get(t.dtype.name if hasattr(t.dtype, "name") else str(t.dtype), str(t.dtype))
    return f"torch.{'cuda.' if t.device.type == 'cuda' else ''}{kind}Tensor"


def _check_tensors(name, input, weight, bias):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not isinstance(weight, Tensor):
        raise TypeError(f"{name}(): argument 'weight' (position 2) must be Tensor, not {type(weight).__name__}")
    if bias is not None and not isinstance(bias, Tensor):
        raise TypeError(f"{name}(): argument 'bias' (position 3) must be Tensor, not {type(bias).__name__}")
    _same_device(name, *((input, weight) if bias is None else (input, weight, bias)))
    if (input.dtype is not weight.dtype or (bias is not None and bias.dtype is not input.dtype)) and \
            _autocast_casts(input, weight, bias):
        return
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"Input type ({_tensor_type(input)}) and weight type ({_tensor_type(weight)}) should be "
                           f"the same or input should be a MKLDNN tensor and weight is a dense tensor")
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({_TYPE_NAMES.get(input.dtype.name, input.dtype.name).lower()}) and bias "
                           f"type ({_TYPE_NAMES.get(bias.dtype.name, bias.dtype.name).lower()}) should be the same")


def _autocast_casts(input, weight, bias):
    """Whether an autocast region will give the operands one dtype (asked only when they differ)."""
    from ..amp._state import mixes_lower_precision

    dtypes = (input.dtype, weight.dtype) if bias is None else (input.dtype, weight.dtype, bias.dtype)
    return mixes_lower_precision(input._device.type, *dtypes)


def _batched(name, input, nd):
    """The input with a batch dim (and whether one was added): unbatched input is (C, *size)."""
    if input.ndim == nd + 2:
        return input, False
    if input.ndim == nd + 1:
        return input.unsqueeze(0), True
    raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input of "
                       f"size: {list(input.shape)}")


def _check_positive(stride, dilation, groups):
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _check_weight(weight, groups, nd, stride):
    if weight.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if weight.ndim - 2 != nd:  # PyTorch finds it when it expands stride to the weight's dims
        raise RuntimeError(f"expected stride to be a single integer value or a list of {weight.ndim - 2} values to "
                           f"match the convolution dimensions, but got stride={list(stride)}")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(weight.shape)}] instead")


def _conv_padding(padding, kernel, stride, dilation, nd):
    """(before, after) per spatial dim for an int, a sequence or "same"/"valid"."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # the total is split with the odd one after, as PyTorch pads an even kernel
            totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    padding = expand_param(padding, "padding", nd)
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    return tuple((p, p) for p in padding)


def _sizes(values):
    return " x ".join(str(v) for v in values)


def _convnd(nd, name, input, weight, bias, stride, padding, dilation, groups):
    _check_tensors(name, input, weight, bias)
    stride = expand_param(stride, "stride", nd)
    dilation = expand_param(dilation, "dilation", nd)
    groups = int(groups)
    _check_positive(stride, dilation, groups)
    _check_weight(weight, groups, nd, stride)
    x, unbatched = _batched(name, input, nd)
    kernel = tuple(weight.shape[2:])
    pads = _conv_padding(padding, kernel, stride, dilation, nd)
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
                           f"input{list(x.shape)} to have {weight.shape[1] * groups} channels, but got {x.shape[1]} "
                           f"channels instead")
    _check_bias(bias, weight, weight.shape[0], "")
    padded = [n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pads)]
    reach = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(p < r for p, r in zip(padded, reach)):
        raise RuntimeError(f"Calculated padded input size per channel: ({_sizes(padded)}). Kernel size: "
                           f"({_sizes(reach)}). Kernel size can't be greater than actual input size")
    params = {"stride": stride, "padding": pads, "dilation": dilation, "groups": groups}
    out = Convolution.apply(x, weight, **params) if bias is None else Convolution.apply(x, weight, bias, **params)
    return out.squeeze(0) if unbatched else out


def _check_bias(bias, weight, channels, transposed):
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != channels):
        raise RuntimeError(f"Given {transposed}weight of size {list(weight.shape)}, expected bias to be 1-dimensional "
                           f"with {channels} elements, but got bias of size {list(bias.shape)} instead")


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation) of (N, C, L) or (C, L) with weight (O, C/groups, k);
    padding an int, a tuple, "valid" or "same"."""
    return _convnd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of (N, C, H, W) or (C, H, W) with weight (O, C/groups, kh, kw)."""
    return _convnd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution of (N, C, D, H, W) or (C, D, H, W) with weight (O, C/groups, kd, kh, kw)."""
    return _convnd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(nd, name, input, weight, bias, stride, padding, output_padding, groups, dilation):
    _check_tensors(name, input, weight, bias)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    stride = expand_param(stride, "stride", nd)
    dilation = expand_param(dilation, "dilation", nd)
    padding = expand_param(padding, "padding", nd)
    output_padding = expand_param(output_padding, "output_padding", nd)
    groups = int(groups)
    _check_positive(stride, dilation, groups)
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    _check_weight(weight, groups, nd, stride)
    x, unbatched = _batched(name, input, nd)
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input{list(x.shape)} "
                           f"to have {weight.shape[0]} channels, but got {x.shape[1]} channels instead")
    _check_bias(bias, weight, weight.shape[1] * groups, "transposed=1, ")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        axes = _AXES[nd] if nd in _AXES else tuple(str(i) for i in range(nd))
        if nd == 1:  # PyTorch checks a 1-d one as 2-d with a unit height
            axes, output_padding, stride, dilation = _AXES[2], (0,) + output_padding, (1,) + stride, (1,) + dilation
        words = [f"output_padding_{a}: {v}" for a, v in zip(axes, output_padding)] + \
                [f"stride_{a}: {v}" for a, v in zip(axes, stride)] + \
                [f"dilation_{a}: {v}" for a, v in zip(axes, dilation)]
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got {' '.join(words)}")
    kernel = tuple(weight.shape[2:])
    size = tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1
                 for n, s, p, d, k, op in zip(x.shape[2:], stride, padding, dilation, kernel, output_padding))
    if any(n < 1 for n in size):
        given, calculated = list(x.shape[2:]), list(size)
        if nd == 1:  # reported as 2-d with a unit height, as PyTorch does
            given, calculated = [1] + given, [1] + calculated
        raise RuntimeError(f"Given input size per channel: ({_sizes(given)}). Calculated output size per channel: "
                           f"({_sizes(calculated)}). Output size is too small")
    params = {"input_size": size, "stride": stride, "padding": tuple((p, p) for p in padding),
              "dilation": dilation, "groups": groups}
    out = ConvTranspose.apply(x, weight, **params) if bias is None else ConvTranspose.apply(x, weight, bias, **params)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution of (N, C_in, L) with weight (C_in, C_out/groups, k)."""
    return _conv_transposend(1, "conv_transpose1d", input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution of (N, C_in, H, W) with weight (C_in, C_out/groups, kh, kw)."""
    return _conv_transposend(2, "conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3-D transposed convolution of (N, C_in, D, H, W) with weight (C_in, C_out/groups, kd, kh, kw)."""
    return _conv_transposend(3, "conv_transpose3d", input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def _block_params(kernel_size, dilation, padding, stride):
    kernel_size = expand_param(kernel_size, "kernel_size", 2) if isinstance(kernel_size, int) else tuple(kernel_size)
    if len(kernel_size) != 2:
        raise RuntimeError(f"It is expected kernel_size equals to 2, but got size {len(kernel_size)}")
    out = [kernel_size]
    for name, value in (("dilation", dilation), ("padding", padding), ("stride", stride)):
        value = (value, value) if isinstance(value, int) else tuple(value)
        if len(value) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(value)}")
        out.append(value)
    kernel_size, dilation, padding, stride = out
    for name, value, word in (("kernel", kernel_size, "kernel"), ("stride", stride, "stride"),
                              ("dilation", dilation, "dilation")):
        if any(v <= 0 for v in value):
            raise RuntimeError(f"{name} should be greater than zero, but got {word}_height: {value[0]} {word}_width: "
                               f"{value[1]}")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} pad_width: {padding[1]}")
    return kernel_size, dilation, padding, stride


def _check_blocks_dtype(name, input):
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_TYPE_NAMES.get(input.dtype.name)}'")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """The sliding blocks of a (N, C, H, W) or (C, H, W) input as columns: (N, C * prod(kernel_size), L)."""
    kernel_size, dilation, padding, stride = _block_params(kernel_size, dilation, padding, stride)
    if input.ndim not in (3, 4) or any(s == 0 for s in input.shape[-3:]):
        if input.ndim == 2:  # PyTorch reads dim 2 of the input first
            raise IndexError("Dimension out of range (expected to be in range of [-2, 1], but got 2)")
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    _check_blocks_dtype("im2col_out_cpu", input)
    x = input if input.ndim == 4 else input.unsqueeze(0)
    blocks = [(n + 2 * p - d * (k - 1) - 1) // s + 1
              for n, k, d, p, s in zip(x.shape[2:], kernel_size, dilation, padding, stride)]
    if any(b < 1 for b in blocks):
        raise RuntimeError(f"Given input with spatial size {tuple(x.shape[2:])}, kernel_size={kernel_size}, "
                           f"dilation={dilation}, padding={padding}, calculated shape of the array of sliding blocks "
                           f"as {tuple(blocks)}, but its components must be at least one.")
    out = Unfold.apply(x, kernel_size=kernel_size, dilation=dilation, padding=tuple((p, p) for p in padding),
                       stride=stride)
    return out if input.ndim == 4 else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """unfold's adjoint: columns (N, C * prod(kernel_size), L) summed into (N, C, *output_size)."""
    output_size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    if len(output_size) != 2:
        raise RuntimeError(f"It is expected output_size equals to 2, but got size {len(output_size)}")
    kernel_size, dilation, padding, stride = _block_params(kernel_size, dilation, padding, stride)
    if input.ndim not in (2, 3) or any(s == 0 for s in input.shape[-2:]):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    _check_blocks_dtype("col2im_out_cpu", input)
    cols = input if input.ndim == 3 else input.unsqueeze(0)
    k = math.prod(kernel_size)
    if cols.shape[1] % k:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={cols.shape[1]} and kernel_size={kernel_size}.")
    blocks = [(n + 2 * p - d * (kk - 1) - 1) // s + 1
              for n, kk, d, p, s in zip(output_size, kernel_size, dilation, padding, stride)]
    if any(b < 1 for b in blocks) or blocks[0] * blocks[1] != cols.shape[2]:
        raise RuntimeError(f"Given output_size={output_size}, kernel_size={kernel_size}, dilation={dilation}, "
                           f"padding={padding}, stride={stride}, expected size of input's dimension 2 to match the "
                           f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
                           f"{blocks[0] * blocks[1]}, but got input.size(2)={cols.shape[2]}.")
    out = Fold.apply(cols, output_size=output_size, kernel_size=kernel_size, dilation=dilation,
                     padding=tuple((p, p) for p in padding), stride=stride)
    return out if input.ndim == 3 else out.squeeze(0)
