"""``nn.functional``'s attention: scaled_dot_product_attention (one fused op, ``ops/nn/attention``)
and multi_head_attention_forward (nn.MultiheadAttention's computation), re-exported by
``gradkit.nn.functional``.
"""
from __future__ import annotations

import math

from .. import _dtype as D
from .._tensor import Tensor
from ..ops import random as _random
from ..ops._core import cast as _cast
from ..ops.nn.attention import Attention

__all__ = ["scaled_dot_product_attention"]

_TORCH_KIND = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
               "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
               "uint8": "unsigned char", "bool": "bool"}


def _kind(dtype):
    return _TORCH_KIND.get(dtype.name, dtype.name)


def _broadcast_check(target, shape):
    """PyTorch's message where ``shape`` (the mask's) does not broadcast to ``target`` (the
    scores'), counting dimensions from the left of the longer one."""
    ndim = max(len(target), len(shape))
    a = (1,) * (ndim - len(target)) + tuple(target)
    b = (1,) * (ndim - len(shape)) + tuple(shape)
    for i in reversed(range(ndim)):
        if a[i] != b[i] and b[i] != 1:
            raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at "
                               f"non-singleton dimension {i}")
    if ndim > len(target):
        raise RuntimeError(f"attn_mask of shape {list(shape)} has more dimensions than the attention scores "
                           f"{list(target)}")


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(query @ key^T * scale + mask) @ value over the last two axes (..., L, E) x
    (..., S, E) x (..., S, Ev) -> (..., L, Ev). A bool ``attn_mask`` says which positions take
    part (True), a float one is added to the scores; ``is_causal`` keeps position j <= i (the
    top-left triangle). ``scale`` defaults to 1 / sqrt(E). With ``enable_gqa`` the key and value
    heads (dim -3) are repeated to the query's. A row with no position left gives zeros."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' (position "
                            f"{('query', 'key', 'value').index(name) + 1}) must be Tensor, not {type(t).__name__}")
    if attn_mask is not None and is_causal:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if not query.dtype is key.dtype is value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_kind(query.dtype)} key.dtype: {_kind(key.dtype)} and value.dtype: "
                           f"{_kind(value.dtype)} instead.")
    if query.dtype.category != D.FLOAT:
        raise RuntimeError(f"expected scalar type Float but found {_kind_title(query.dtype)}")
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError("scaled_dot_product_attention: query, key and value must have at least 2 dimensions")
    e, s = query.shape[-1], key.shape[-2]
    if key.shape[-1] != e:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{math.prod(key.shape[:-2])}, {e}] but got: [{math.prod(key.shape[:-2])}, "
                           f"{key.shape[-1]}].")
    if value.shape[-2] != s:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{math.prod(value.shape[:-2])}, {s}] but got: [{math.prod(value.shape[:-2])}, "
                           f"{value.shape[-2]}].")
    if enable_gqa and query.ndim >= 3 and key.ndim >= 3:
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if hq % hk or hq % hv:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
        if hk != hq:
            key = key.repeat_interleave(hq // hk, -3)
        if hv != hq:
            value = value.repeat_interleave(hq // hv, -3)
    lead = _batch_shape(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    if tuple(query.shape[:-2]) != lead:
        query = query.expand(*lead, *query.shape[-2:])
    if tuple(key.shape[:-2]) != lead:
        key = key.expand(*lead, *key.shape[-2:])
    if tuple(value.shape[:-2]) != lead:
        value = value.expand(*lead, *value.shape[-2:])
    device, l = query._device, query.shape[-2]
    mask = None
    if is_causal:
        mask = device.backend.causal_mask(l, s, query._data)
    elif attn_mask is not None:
        if not isinstance(attn_mask, Tensor):
            raise TypeError(f"scaled_dot_product_attention(): argument 'attn_mask' must be Tensor, not "
                            f"{type(attn_mask).__name__}")
        if attn_mask.dtype is not D.bool_ and attn_mask.dtype.category != D.FLOAT:
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {_kind(attn_mask.dtype)} and  query.dtype: "
                               f"{_kind(query.dtype)} instead.")
        _broadcast_check(tuple(lead) + (l, s), tuple(attn_mask.shape))
        if attn_mask.dtype is not D.bool_ and attn_mask.dtype is not query.dtype:
            attn_mask = _cast(attn_mask, query.dtype)
        mask = attn_mask._data
    keep = None
    if dropout_p > 0.0:
        if dropout_p >= 1.0:
            keep = _random.rand(tuple(lead) + (l, s), dtype=query.dtype, device=query.device)._data * 0.0
        else:
            kept = _random.rand(tuple(lead) + (l, s), dtype=query.dtype, device=query.device) < (1.0 - dropout_p)
            keep = (_cast(kept, query.dtype) * (1.0 / (1.0 - dropout_p)))._data
    if scale is None:
        scale = 1.0 / math.sqrt(e)
    return Attention.apply(query, key, value, mask=mask, scale=float(scale), keep=keep)


def _kind_title(dtype):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(dtype.name, dtype.name)


def _batch_shape(*shapes):
    ndim = max(len(s) for s in shapes)
    out = []
    for i in range(ndim):
        size = 1
        for s in shapes:
            k = i - (ndim - len(s))
            if k >= 0 and s[k] != 1:
                if size != 1 and size != s[k]:
                    raise RuntimeError(f"The size of tensor a ({size}) must match the size of tensor b ({s[k]}) "
                                       f"at non-singleton dimension {i}")
                size = s[k]
        out.append(size)
    return tuple(out)
