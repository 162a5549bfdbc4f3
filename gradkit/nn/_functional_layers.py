"""``nn.functional``'s layers and utilities (dropout, linear, bilinear, embedding, embedding_bag, layer_norm,
batch_norm, one_hot, pad, normalize, cosine_similarity), re-exported by
``gradkit.nn.functional``: they parse PyTorch's arguments and call ops.
"""
from __future__ import annotations

import math

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..ops import creation as _creation
from ..ops import random as _random
from ..ops import shape as _S
from ..ops._core import cast as _cast
from ..ops._core import check_same_device as _same_device
from ..ops.select import where as _where
from ..ops.sorting import searchsorted
from ..ops.nn import normalization as _norm
from ..ops.nn.activation import Dropout as _Dropout
from ..ops.nn.linear import Linear as _Linear
from ..ops.nn.embedding import EmbeddingBag as _EmbeddingBag


def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes each element with probability p and scales the rest by 1/(1-p) (training
    only; the identity otherwise)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        scale = _creation.zeros(input.shape, dtype=input.dtype, device=input.device)
        return input.mul_(scale) if inplace else input * scale
    draws = _random.rand(input.shape, dtype=input.dtype, device=input.device)
    out = _Dropout.apply(input, draws, keep_prob=1.0 - p)
    return input.copy_(out) if inplace else out


def _kind(dt):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}[dt.name]


def linear(input, weight, bias=None):
    """input @ weight.T + bias: (..., in) x (out, in) -> (..., out)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"linear(): argument 'input' must be Tensor, not {type(input).__name__}")
    device = input._device
    if weight._device is not device or (bias is not None and bias._device is not device):
        _same_device("linear", *((input, weight) if bias is None else (input, weight, bias)))
    wd = weight._data.dtype  # equal array dtype objects answer without gradkit dtype lookups
    if (input._data.dtype is not wd or (bias is not None and bias._data.dtype is not wd)) and \
            (input.dtype is not weight.dtype or (bias is not None and bias.dtype is not weight.dtype)) and \
            not _autocast_casts(input, weight, bias):
        other = input.dtype if input.dtype is not weight.dtype else bias.dtype
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_kind(other)} and {_kind(weight.dtype)}")
    shape = input._data.shape
    if weight._data.ndim != 2:
        if weight._data.ndim == 1:  # PyTorch allows a vector weight: a dot product
            out = input @ weight
            return out if bias is None else out + bias
        raise RuntimeError(f"linear(): weight must be 1-D or 2-D, got {weight._data.ndim}-D")
    if not shape or shape[-1] != weight._data.shape[1]:
        if not shape:
            raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are 0D and "
                               f"{weight._data.ndim}D")
        rows = math.prod(shape[:-1]) if len(shape) > 1 else 1
        cols = shape[-1] if shape else 0
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{cols} and "
                           f"{weight._data.shape[1]}x{weight._data.shape[0]})")
    if bias is None:
        return _Linear.apply(input, weight)
    return _Linear.apply(input, weight, bias)


def _autocast_casts(input, weight, bias):
    """Whether an autocast region will give the operands one dtype (asked only when they differ)."""
    from ..amp._state import mixes_lower_precision

    dtypes = (input.dtype, weight.dtype) if bias is None else (input.dtype, weight.dtype, bias.dtype)
    return mixes_lower_precision(input._device.type, *dtypes)


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1^T W_k x2 + b_k; weight (out, in1, in2)."""
    out = ((input1.unsqueeze(-2).unsqueeze(-2) @ weight) @ input2.unsqueeze(-2).unsqueeze(-1)).squeeze(-1).squeeze(-1)
    return out if bias is None else out + bias


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` at the indices in ``input``: (*) -> (*, dim). Rows at
    ``padding_idx`` get no gradient."""
    if not isinstance(input, Tensor) or input.dtype not in (D.int64, D.int32):
        got = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {got} instead (while checking arguments for embedding)")
    if padding_idx is not None:
        n = weight.shape[0]
        if not -n <= padding_idx < n:
            raise ValueError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    if max_norm is not None:
        with no_grad():
            flat = input.reshape(-1)
            rows = weight[flat]
            norms = rows.norm(norm_type, dim=1, keepdim=True)
            scale = _where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
            weight[flat] = rows * scale
    out = weight[input]
    if scale_grad_by_freq and out.requires_grad:
        # each row's gradient divided by how often its index occurs: the value stays out
        # exactly (out - out.detach() is 0), the gradient reaching weight is scaled
        from ..ops.sorting import bincount

        counts = bincount(input.reshape(-1), minlength=weight.shape[0])[input]
        fixed = out.detach()
        out = fixed + (out - fixed) * (1.0 / _cast(counts, out.dtype)).unsqueeze(-1)
    if padding_idx is not None and out.requires_grad:
        keep = (input != padding_idx).unsqueeze(-1)
        out = _where(keep, out, out.detach())
    return out


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sums, means or maxima of bags of ``weight``'s rows: ``input`` (B, N) is B bags of N
    indices; a 1-D ``input`` is cut into bags starting at ``offsets`` (with
    ``include_last_offset``, offsets[-1] is not a bag's start: the last bag still runs to the
    end of ``input``, as in PyTorch). Indices equal to ``padding_idx``
    are left out (and not counted by 'mean'); an empty bag gives zeros."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                                  f"on GitHub.")
    if mode != "max" and per_sample_weights is None and max_norm is None and not scale_grad_by_freq:
        bags = _bags_of_rows(input, weight, offsets, mode, include_last_offset, padding_idx)
        if bags is not None:
            return bags
    device = input.device
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        bags, length = input.shape
        flat = input.reshape(-1)
        bag_of = _creation.arange(bags, device=device).repeat_interleave(length)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None or offsets.ndim != 1:
            raise ValueError(f"offsets has to be a 1D Tensor but got {None if offsets is None else offsets.ndim}")
        if device.type == "cpu" and offsets.shape[0] and int(offsets[0]) != 0:
            raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                               f"from position 0. However, got {int(offsets[0])}")
        flat = input
        starts = offsets[:-1] if include_last_offset else offsets
        bags = starts.shape[0]
        positions = _creation.arange(flat.shape[0], device=device, dtype=offsets.dtype)
        bag_of = searchsorted(starts.contiguous(), positions, right=True) - 1
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    rows = embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(-1)
    if padding_idx is not None:
        padding_idx %= weight.shape[0]
        bag_of = _where(flat == padding_idx, bags, bag_of)  # padding goes to a spare bag, dropped below
    # one spare bag (index ``bags``) collects what belongs to none
    dim = weight.shape[1]
    if mode == "max":
        index = bag_of.unsqueeze(-1).expand(-1, dim)
        out = _creation.zeros((bags + 1, dim), dtype=weight.dtype, device=device)
        return out.scatter_reduce(0, index, rows, "amax", include_self=False)[:bags]
    out = _creation.zeros((bags + 1, dim), dtype=weight.dtype, device=device).index_add(0, bag_of, rows)[:bags]
    if mode == "mean":
        ones = _creation.ones(bag_of.shape, dtype=weight.dtype, device=device)
        counts = _creation.zeros((bags + 1,), dtype=weight.dtype, device=device).index_add(0, bag_of, ones)[:bags]
        out = out / counts.clamp(min=1.0).unsqueeze(-1)
    return out


def _bags_of_rows(input, weight, offsets, mode, include_last_offset, padding_idx):
    """embedding_bag's sum or mean as one op (ops/nn/embedding.py); None where the general
    path below must answer: input or offsets it rejects, indices out of range (its error)."""
    if not isinstance(input, Tensor) or input.dtype not in (D.int64, D.int32) or not isinstance(weight, Tensor) or \
            weight.ndim != 2:
        return None
    if input.ndim == 2:
        if offsets is not None:
            return None
        bags, length = input.shape
        indices = input.reshape(-1)
        starts = _creation.arange(bags, device=input.device) * length
    elif input.ndim == 1 and isinstance(offsets, Tensor) and offsets.ndim == 1 and \
            offsets.dtype in (D.int64, D.int32):
        # (the first offset read from the array: no op)
        if input.device.type == "cpu" and offsets.shape[0] and int(offsets._data[0]) != 0:
            return None
        indices = input
        starts = offsets[:-1] if include_last_offset else offsets
    else:
        return None
    device = _same_device("embedding_bag", weight, indices, starts)
    backend = device.backend
    if device.type == "cpu" and not backend.indices_in_range(indices._data, weight.shape[0]):
        return None
    if padding_idx is None:
        padding_idx = -1
    else:
        padding_idx %= weight.shape[0]
    return _EmbeddingBag.apply(weight, indices, starts, mean=mode == "mean", padding_idx=padding_idx, device=device)


def _norm_shape(normalized_shape):
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(int(s) for s in normalized_shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalizes over the last len(normalized_shape) dims (biased variance), then
    scales by weight and shifts by bias."""
    shape = _norm_shape(normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.ndim - k:]) != shape or input.ndim < k:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(str(s) for s in shape)}], but got input of size{list(input.shape)}")
    nd = input.ndim
    return _norm.normalization(_norm.NativeLayerNorm, input, weight, bias, tuple(range(nd - k, nd)),
                               tuple(range(nd - k)), shape, eps, "layer_norm")[0]


def _verify_batch_size(shape):
    n = shape[0]
    for s in shape[2:]:
        n *= s
    if n == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {shape}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalizes each channel (dim 1) over the batch and the other dims. In training,
    batch statistics (biased variance) are used and the running ones updated in place:
    running = (1 - momentum) * running + momentum * batch (unbiased variance)."""
    if input.ndim < 2:
        raise ValueError(f"batch_norm expects an input with a channel dimension (N, C, ...), got {input.ndim}D")
    c = input.shape[1]
    view = (1, c) + (1,) * (input.ndim - 2)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()} (batch_norm of an input of shape "
                               f"{list(input.shape)}: {c} channels in dim 1)")
    if training:
        _verify_batch_size(input.shape)
        axes = (0,) + tuple(range(2, input.ndim))
        out, mean, var = _norm.normalization(_norm.NativeBatchNorm, input, weight, bias, axes, axes, view, eps,
                                             "batch_norm")
        if running_mean is not None or running_var is not None:
            n = input.numel() // c
            with no_grad():
                if running_mean is not None:
                    running_mean.copy_(running_mean * (1.0 - momentum) + mean.reshape(c) * momentum)
                if running_var is not None:
                    unbiased = var.reshape(c) * (n / max(n - 1, 1))
                    running_var.copy_(running_var * (1.0 - momentum) + unbiased * momentum)
        return out
    if running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var are needed when training=False")
    out = (input - running_mean.reshape(view)) * (running_var.reshape(view) + eps).rsqrt()
    if weight is not None:
        out = out * weight.reshape(view)
    if bias is not None:
        out = out + bias.reshape(view)
    return out


def one_hot(tensor, num_classes=-1):
    """int64 (..., num_classes) with a 1 at each index of ``tensor``."""
    if not isinstance(tensor, Tensor) or tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if tensor.numel() == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(tensor.max()) + 1
    if tensor.device.type == "cpu" and tensor.numel():
        if bool((tensor < 0).any()):
            raise RuntimeError("Class values must be non-negative.")
        if bool((tensor >= num_classes).any()):
            raise RuntimeError("Class values must be smaller than num_classes.")
    classes = _creation.arange(num_classes, device=tensor.device)
    return _cast(tensor.unsqueeze(-1) == classes, D.int64)


def _pad_index(n, left, right, mode, device):
    idx = _creation.arange(-left, n + right, device=device)
    if mode == "replicate":
        return idx.clamp(0, n - 1)
    if mode == "circular":
        return idx.remainder(n)
    if mode == "reflect":
        if left >= n or right >= n:
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, but "
                               f"got: padding ({left}, {right}) at dimension of size {n}")
        period = 2 * (n - 1) if n > 1 else 1
        m = idx.remainder(period)
        return _where(m >= n, period - m, m)
    raise NotImplementedError(f"pad: unknown padding mode {mode!r} (use 'constant', 'reflect', 'replicate' or "
                              f"'circular')")


def pad(input, pad, mode="constant", value=None):
    """Pads (or, with negative sizes, crops) the last len(pad) // 2 dims:
    ``pad=(left, right, top, bottom, ...)`` starts from the last dim."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    if mode != "constant" and value not in (None, 0, 0.0):
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    out = input
    for i in range(len(pad) // 2):
        dim = input.ndim - 1 - i
        left, right = pad[2 * i], pad[2 * i + 1]
        n = out.shape[dim]
        if mode != "constant":
            if left < 0 or right < 0:
                raise RuntimeError(f"pad: negative padding is only supported in constant mode (got {pad})")
            if left or right:
                out = out.index_select(dim, _pad_index(n, left, right, mode, input.device))
            continue
        if left < 0 or right < 0:
            start, stop = max(-left, 0), n - max(-right, 0)
            if stop < start:
                raise RuntimeError(f"pad: the padded size of dimension {dim} would be negative (padding {pad} of size "
                                   f"{n})")
            out = out.narrow(dim, start, stop - start)
        parts = []
        fill = 0 if value is None else value
        for size in (max(left, 0), max(right, 0)):
            shape = list(out.shape)
            shape[dim] = size
            parts.append(_creation.full(tuple(shape), fill, dtype=input.dtype, device=input.device) if size else None)
        if parts[0] is not None or parts[1] is not None:
            out = _S.cat([t for t in (parts[0], out, parts[1]) if t is not None], dim)
    return out


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p over dim, eps)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps)
    result = input / denom
    if out is not None:
        return out.copy_(result)
    return result


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    n1 = x1.norm(2, dim, keepdim=True).clamp_min(eps)
    n2 = x2.norm(2, dim, keepdim=True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)

