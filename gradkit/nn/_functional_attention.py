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

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

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
    if attn_mask is not None and attn_mask.requires_grad and attn_mask.dtype is not D.bool_:
        # a learned additive bias (relative positions, ALiBi) needs its gradient: the
        # formula in ops, which the fused op (masks are its constants) does not give
        return _attention_with_bias(query, key, value, attn_mask, float(scale), keep)
    return Attention.apply(query, key, value, mask=mask, scale=float(scale), keep=keep)


def _attention_with_bias(query, key, value, bias, scale, keep):
    from ..ops.nn.softmax import Softmax
    from ..ops.select import where

    s = (query @ key.transpose(-2, -1)) * scale + bias
    dead = (s == float("-inf")).all(-1, keepdim=True)
    p = where(dead, 0.0, Softmax.apply(where(dead, 0.0, s), dim=s.ndim - 1))
    if keep is not None:
        p = p * Tensor._make(keep, query._device)
    return p @ value


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


def _float_mask(mask, name, target_dtype):
    """PyTorch's canonical mask: a bool mask (True = masked out) becomes 0 / -inf in the
    query's dtype; a float mask is kept (added to the scores)."""
    if mask is None:
        return None
    if mask.dtype is D.bool_:
        from ..ops.select import where

        return where(mask, float("-inf"), 0.0).to(target_dtype)
    if mask.dtype.category != D.FLOAT:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """nn.MultiheadAttention's computation on sequence-first inputs (L, N, E) (or unbatched
    (L, E)): in-projection, optional bias_k/bias_v and zero-attention rows, attention over
    ``num_heads`` heads (fused scaled_dot_product_attention unless the weights are wanted),
    out-projection. Masks: bool True = not attended, float = added. Returns (output,
    weights averaged over heads, per head, or None)."""
    from ..ops import creation as _creation
    from ..ops.shape import cat
    from . import functional as F

    batched = query.ndim == 3
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the fused kernel makes the causal mask itself
    else:
        attn_mask = _float_mask(attn_mask, "attn_mask", query.dtype)
        if key_padding_mask is not None:
            is_causal = False
    key_padding_mask = _float_mask(key_padding_mask, "key_padding_mask", query.dtype)

    if not use_separate_proj_weight:
        if query is key and key is value:
            q, k, v = F.linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)
        else:
            wq, wk, wv = in_proj_weight.chunk(3)
            bq, bk, bv = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
            q, k, v = F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)
    else:
        bq, bk, bv = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = F.linear(query, q_proj_weight, bq), F.linear(key, k_proj_weight, bk), \
            F.linear(value, v_proj_weight, bv)

    if attn_mask is not None:
        if attn_mask.ndim == 2:
            if tuple(attn_mask.shape) != (tgt_len, key.shape[0]):
                raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, but should be "
                                   f"{(tgt_len, key.shape[0])}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.ndim == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, key.shape[0]):
                raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but should be "
                                   f"{(bsz * num_heads, tgt_len, key.shape[0])}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")

    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))

    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1) if static_k is None else static_k
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1) if static_v is None else static_v
    if add_zero_attn:
        k = cat([k, _creation.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype, device=k.device)], dim=1)
        v = cat([v, _creation.zeros((bsz * num_heads, 1, head_dim), dtype=v.dtype, device=v.device)], dim=1)
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                                 f"{tuple(key_padding_mask.shape)}")
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0

    if need_weights:
        scores = (q * math.sqrt(1.0 / head_dim)) @ k.transpose(-2, -1)
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = F.softmax(scores, dim=-1)
        if dropout_p > 0.0:
            weights = F.dropout(weights, p=dropout_p)
        out = (weights @ v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = F.linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
            attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = F.linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    if not batched:
        out = out.squeeze(1)
    return out, None
