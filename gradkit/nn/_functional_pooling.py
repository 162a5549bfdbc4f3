"""``nn.functional``'s pooling (max, average, adaptive, Lp, max unpooling), re-exported by
``gradkit.nn.functional``: PyTorch's argument parsing, output sizes and refusals, then one op
of ``gradkit.ops.nn.pooling``. Unbatched inputs (no batch axis) go to the ops as they are:
the kernels pool the trailing axes whatever leads them.
"""
from __future__ import annotations

import math

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled_fast
from ..ops.nn import pooling as _P
from ..ops.nn.activation import relu as _relu
from ..ops.unary import abs as _abs, sign as _sign

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "lp_pool1d",
    "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d",
]

_WORDS = {1: "one", 2: "two", 3: "three"}


# --------------------------------------------------------------------------- arguments
def _check_tensor(input, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _ints(value, d, error):
    """An int, or a sequence of 1 or d ints, as d ints; ``error()`` is the refusal."""
    if isinstance(value, int):
        return (value,) * d
    value = tuple(value)
    if len(value) == 1:
        return value * d
    if len(value) != d:
        raise RuntimeError(error())
    return value


def _window_args(op, d, kernel_size, stride, padding, dilation=1):
    """kernel, stride, padding, dilation as d-tuples, with the messages of PyTorch's ``op``."""
    if d == 1 and op == "max_pool1d":
        def error(name, v):
            return lambda: f"max_pool1d() {name} must be an int, list of ints or tuple of ints of size 1 but got " \
                           f"size {len(tuple(v))}"
    elif d == 1:
        def error(name, v):
            return lambda: f"{op}() argument '{name}' should contain one int (got {len(tuple(v))})"
    else:
        n = _WORDS[d]
        either = "must be a single int" if op == "avg_pool3d" else "must either be a single int"

        def error(name, v):
            shapes = {"kernel_size": f"kernel_size {either}", "stride": "stride must either be omitted, a single int",
                      "padding": "padding must either be a single int",
                      "dilation": "dilation must be either a single int"}
            return lambda: f"{op}: {shapes[name]}, or a tuple of {n} ints"
    kernel = _ints(kernel_size, d, error("kernel_size", kernel_size))
    stride = kernel if stride is None or (not isinstance(stride, int) and len(tuple(stride)) == 0) else \
        _ints(stride, d, error("stride", stride))
    padding = _ints(padding, d, error("padding", padding))
    dilation = _ints(dilation, d, error("dilation", dilation))
    return kernel, stride, padding, dilation


def _check_window(op, d, kernel, stride, padding, dilation):
    if op == "max_pool1d":
        for name, v, rule in (("kernel_size", kernel[0], "greater than zero"),
                              ("stride", stride[0], "greater than zero"), ("padding", padding[0], "non-negative"),
                              ("dilation", dilation[0], "greater than zero")):
            if (v < 0) if name == "padding" else (v <= 0):
                raise RuntimeError(f"max_pool1d() {name} must be {rule}, but got {v}")
        if padding[0] > kernel[0] // 2:
            raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got "
                               f"padding={padding[0]} and kernel_size={kernel[0]}")
        return
    names = "THW"[3 - d:] if d > 1 else "W"
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(k <= 0 for k in kernel):
        raise RuntimeError("kernel size should be greater than zero, but got " +
                           " ".join(f"k{a}: {k}" for a, k in zip(names, kernel)))
    if any(s < 0 for s in stride):
        raise RuntimeError("stride should be greater than zero, but got " +
                           " ".join(f"d{a}: {s}" for a, s in zip(names, stride)))
    if any(v <= 0 for v in dilation):
        raise RuntimeError("dilation should be greater than zero, but got " +
                           " ".join(f"dilation{a}: {v}" for a, v in zip(names, dilation)))
    for k, p, dl in zip(kernel, padding, dilation):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > ((k - 1) * dl + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={dl}")


def _out_size(n, k, s, p, d, ceil_mode):
    """PyTorch's pooling output size: with ceil_mode the last window must start inside the
    input or its left padding."""
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _check_dims(input, op, d):
    """Refuses a tensor without d spatial axes and one leading (channels) axis, or two."""
    shape = tuple(input._data.shape)
    ok = input.ndim in (d + 1, d + 2) and all(n > 0 for n in shape[-d - 1:])
    if ok:
        return
    if op in ("max_pool2d", "max_pool3d"):
        raise RuntimeError(f"non-empty {d + 1}D or {d + 2}D (batch mode) tensor expected for input")
    if op == "max_pool1d":
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(shape)}")
    if op in ("avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d") and input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {op})")
    if op.startswith("adaptive"):
        if input.ndim in (d + 1, d + 2):
            empty = next(a for a in range(input.ndim - d - 1, input.ndim) if shape[a] == 0)
            raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch dimensions, but input has "
                               f"sizes {list(shape)} with dimension {empty} being empty")
        colon = ":" if op.startswith("adaptive_max") else ""
        raise RuntimeError(f"{op}(): Expected {d + 1}D or {d + 2}D tensor, but got{colon} {list(shape)}")
    raise RuntimeError(f"Expected {d + 1}D or {d + 2}D (batch mode) tensor with optional 0 dim batch size for input, "
                       f"but got:{list(shape)}")


def _sizes_text(sizes):
    return "x".join(str(n) for n in sizes)


def _pool_sizes(input, op, d, kernel, stride, padding, dilation, ceil_mode):
    in_size = tuple(input._data.shape[input.ndim - d:])
    out = tuple(_out_size(n, k, s, p, dl, ceil_mode)
                for n, k, s, p, dl in zip(in_size, kernel, stride, padding, dilation))
    if any(o <= 0 for o in out):
        channels = input._data.shape[input.ndim - d - 1]
        if op == "max_pool1d":
            raise RuntimeError(f"max_pool1d() Invalid computed output size: {out[0]}")
        if op == "avg_pool3d":
            raise RuntimeError(f"input image (T: {in_size[0]} H: {in_size[1]} W: {in_size[2]}) smaller than kernel "
                               f"size (kT: {kernel[0]} kH: {kernel[1]} kW: {kernel[2]})")
        if op == "avg_pool1d":  # PyTorch's avg_pool1d is a 2-d pool over (channels, 1, length)
            raise RuntimeError(f"Given input size: ({channels}x1x{in_size[0]}). Calculated output size: "
                               f"({channels}x1x{out[0]}). Output size is too small")
        raise RuntimeError(f"Given input size: ({_sizes_text((channels,) + in_size)}). Calculated output size: "
                           f"({_sizes_text((channels,) + out)}). Output size is too small")
    return out


def _check_dtype(input, op, allow_int):
    category = input.dtype.category
    if category == D.BOOL or (category != D.FLOAT and not allow_int):
        raise NotImplementedError(f'"{op}" not implemented for \'{D.scalar_type_name(input.dtype)}\'')


# --------------------------------------------------------------------------- max pooling
def _max_pool(op, d, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    _check_tensor(input, op)
    kernel, stride, padding, dilation = _window_args(op, d, kernel_size, stride, padding, dilation)
    _check_window(op, d, kernel, stride, padding, dilation)
    _check_dims(input, op, d)
    _check_dtype(input, op.replace("max_pool1d", "max_pool2d"), True)
    out_size = _pool_sizes(input, op, d, kernel, stride, padding, dilation, ceil_mode)
    with_indices = return_indices or (input._requires_grad and is_grad_enabled_fast())
    out = _P.MaxPool.apply(input, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                           out_size=out_size, with_indices=with_indices)
    if return_indices:
        return out
    return out[0] if with_indices else out


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The maximum over each window of the last axis; with return_indices, also its position."""
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The maximum over each window of the last two axes; with return_indices, also its flat
    position within the (H, W) plane."""
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


# --------------------------------------------------------------------------- average pooling
def _avg_pool(op, d, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    _check_tensor(input, op)
    kernel, stride, padding, dilation = _window_args(op, d, kernel_size, stride, padding)
    _check_window(op, d, kernel, stride, padding, dilation)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_dims(input, op, d)
    _check_dtype(input, op, True)
    out_size = _pool_sizes(input, op, d, kernel, stride, padding, dilation, ceil_mode)
    return _P.AvgPool.apply(input, kernel=kernel, stride=stride, padding=padding, out_size=out_size,
                            count_include_pad=bool(count_include_pad), divisor_override=divisor_override or None)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean over each window of the last axis."""
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean over each window of the last two axes (PyTorch's divisor: count_include_pad,
    divisor_override)."""
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


# --------------------------------------------------------------------------- adaptive pooling
def _adaptive_size(op, d, input, output_size):
    if d == 1:
        if not isinstance(output_size, int) and len(tuple(output_size)) != 1:
            raise RuntimeError(f"{op}() argument 'output_size' should contain one int (got {len(tuple(output_size))})")
    elif not isinstance(output_size, int) and input.ndim <= len(tuple(output_size)):
        # PyTorch fills None entries from the input's sizes first, refusing too short an input
        raise ValueError(f"Input dimension should be at least {len(tuple(output_size)) + 1}")
    size = (output_size,) * d if isinstance(output_size, int) or output_size is None else tuple(output_size)
    if len(size) != d:
        if op.startswith("adaptive_max"):
            raise RuntimeError(f"{op}(): internal error: output_size.size() must be {d}")
        raise RuntimeError(f"{op}: output_size must be {d}")
    _check_dims(input, op, d)
    return tuple(input._data.shape[input.ndim - d + a] if n is None else n for a, n in enumerate(size))


def _adaptive_avg(op, d, input, output_size):
    _check_tensor(input, op)
    out_size = _adaptive_size(op, d, input, output_size)
    _check_dtype(input, op, False)
    return _P.AdaptiveAvgPool.apply(input, out_size=out_size)


def _adaptive_max(op, d, input, output_size, return_indices):
    _check_tensor(input, op)
    out_size = _adaptive_size(op, d, input, output_size)
    _check_dtype(input, op, False)
    out = _P.AdaptiveMaxPool.apply(input, out_size=out_size)
    return out if return_indices else out[0]


def adaptive_avg_pool1d(input, output_size):
    """Average pooling to ``output_size`` along the last axis (windows as PyTorch picks them)."""
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to ``output_size`` over the last two axes (None keeps an axis's size)."""
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg("adaptive_avg_pool3d", 3, input, output_size)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, True)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to ``output_size`` over the last two axes; with return_indices, also the
    maxima's flat positions within each plane."""
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)


# --------------------------------------------------------------------------- Lp pooling
def _lp_pool(d, input, norm_type, kernel_size, stride, ceil_mode):
    kernel = (kernel_size,) * d if isinstance(kernel_size, int) else tuple(kernel_size)
    if d > 1 and len(kernel) != d:  # PyTorch unpacks the kernel size into d names
        raise ValueError(f"too many values to unpack (expected {d})" if len(kernel) > d else
                         f"not enough values to unpack (expected {d}, got {len(kernel)})")
    if norm_type == math.inf or norm_type == -math.inf:
        maximum = (max_pool1d, max_pool2d, max_pool3d)[d - 1]
        if norm_type > 0:
            return maximum(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        return -maximum(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = (avg_pool1d, avg_pool2d, avg_pool3d)[d - 1](input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (_sign(out) * _relu(_abs(out))).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of x^p)^(1/p) along the last axis."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of x^p)^(1/p) over the last two axes."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of x^p)^(1/p) over the last three axes."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


# --------------------------------------------------------------------------- max unpooling
def _unpool_size(input, d, kernel, stride, padding, output_size):
    default = [(input._data.shape[input.ndim - d + a] - 1) * stride[a] + kernel[a] - 2 * padding[a] for a in range(d)]
    if output_size is None:
        return tuple(default)
    given = tuple(output_size)
    if len(given) == d + 2:
        given = given[2:]
    if len(given) != d:
        raise ValueError(f"output_size should be a sequence containing {d} or {d + 2} elements, but it has a length "
                         f"of '{len(given)}'")
    for a in range(d):
        low, high = default[a] - stride[a], default[a] + stride[a]
        if not low < given[a] < high:
            raise ValueError(f'invalid output_size "{output_size}" (dim {a} must be between {low} and {high})')
    return tuple(int(n) for n in given)


def _max_unpool(d, input, indices, kernel_size, stride, padding, output_size):
    op = f"max_unpool{d}d"
    _check_tensor(input, op)
    kernel = _ints(kernel_size, d, lambda: f"{op}: kernel_size must be a single int, or a tuple of {_WORDS[d]} ints")
    stride = kernel if stride is None else _ints(stride, d, lambda: f"{op}: stride must be a single int, or a tuple "
                                                                    f"of {_WORDS[d]} ints")
    padding = _ints(padding, d, lambda: f"{op}: padding must be a single int, or a tuple of {_WORDS[d]} ints")
    plane = _unpool_size(input, d, kernel, stride, padding, output_size)
    if input.ndim not in (d + 1, d + 2):
        # PyTorch's 1-d unpool is a 2-d one on the input with an axis added
        raise RuntimeError(f"Input to max_unpooling{max(d, 2)}d should be a {max(d, 2) + 1}d or {max(d, 2) + 2}d "
                           f"Tensor, but got a tensor with {input.ndim + (d == 1)} dimensions.")
    if indices.dtype.name != "int64":
        raise RuntimeError(f"elements in indices should be type int64 but got: {D.scalar_type_name(indices.dtype)}")
    if tuple(indices.shape) != tuple(input._data.shape):
        unsqueezed = (lambda s: list(s) + [1]) if d == 1 else list  # PyTorch's 1-d unpool is a 2-d one
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({unsqueezed(input._data.shape)}) but got indices tensor with shape: "
                           f"{unsqueezed(indices.shape)}")
    size = math.prod(plane)
    if indices.device.type == "cpu" and indices.numel():  # a data check costs a device sync elsewhere
        low, high = int(indices.min()), int(indices.max())
        if low < 0 or high >= size:
            raise RuntimeError(f"Found an invalid max index: {low if low < 0 else high} (output volumes are of size "
                               f"{_sizes_text(plane if d > 1 else plane + (1,))})")
    return _P.MaxUnpool.apply(input, indices, plane=plane)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """max_pool1d's partial inverse: each value put back at its index, zeros elsewhere."""
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """max_pool2d's partial inverse: each value put back at its index, zeros elsewhere."""
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """max_pool3d's partial inverse: each value put back at its index, zeros elsewhere."""
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)
