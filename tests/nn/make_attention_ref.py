"""Records PyTorch's attention and Transformer values into _attention_ref.py (run with a
PyTorch install; the tests never import PyTorch). Inputs and weights are ``det`` of their
shape, the same formula on both sides."""
import math
import pprint
import sys

import torch
import torch.nn.functional as F
from torch import nn

torch.set_default_dtype(torch.float64)


def det(shape, seed):
    n = math.prod(shape)
    return torch.tensor([math.sin(i * 0.37 + seed) * 0.8 for i in range(n)]).reshape(shape)


def set_weights(module):
    for i, (name, p) in enumerate(sorted(module.named_parameters())):
        with torch.no_grad():
            p.copy_(det(tuple(p.shape), i + 1) * 0.5)


def grads_of(out, tensors):
    w = det(tuple(out.shape), 9)
    return [g.tolist() for g in torch.autograd.grad((out * w).sum(), tensors, allow_unused=False)]


REF = {}

# --------------------------------------------------------------- scaled_dot_product_attention
BOOL_MASK = [[True, False, True, True, False], [True, True, True, True, True], [False] * 5]
SDPA_CASES = {
    "plain": dict(shapes=((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), kw={}),
    "bool_mask": dict(shapes=((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), kw={"attn_mask": "bool"}),
    "float_mask": dict(shapes=((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), kw={"attn_mask": "float"}),
    "causal": dict(shapes=((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), kw={"is_causal": True}),
    "scale": dict(shapes=((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), kw={"scale": 0.3}),
    "gqa": dict(shapes=((2, 4, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), kw={"enable_gqa": True}),
    "three_dim": dict(shapes=((2, 3, 4), (2, 5, 4), (2, 5, 3)), kw={}),
}


def sdpa_mask(kind):
    if kind == "bool":
        return torch.tensor(BOOL_MASK)
    return det((3, 5), 5)


for name, case in SDPA_CASES.items():
    q, k, v = [det(s, i).requires_grad_() for i, s in enumerate(case["shapes"])]
    kw = dict(case["kw"])
    if "attn_mask" in kw:
        kw["attn_mask"] = sdpa_mask(kw["attn_mask"])
    out = F.scaled_dot_product_attention(q, k, v, **kw)
    REF["sdpa_" + name] = {"out": out.tolist(), "grads": grads_of(out, (q, k, v))}

# --------------------------------------------------------------- MultiheadAttention
MHA_CASES = {
    "self": dict(init=dict(embed_dim=8, num_heads=2), self_attn=True, kw={}),
    "batch_first": dict(init=dict(embed_dim=8, num_heads=2, batch_first=True), kw={"need_weights": False}),
    "masks": dict(init=dict(embed_dim=8, num_heads=2), kw={"key_padding_mask": "kpm", "attn_mask": "bool2",
                                                           "average_attn_weights": False}),
    "float_mask3": dict(init=dict(embed_dim=8, num_heads=2), kw={"attn_mask": "float3", "need_weights": False}),
    "kv_dims": dict(init=dict(embed_dim=8, num_heads=2, kdim=6, vdim=5, add_bias_kv=True, add_zero_attn=True),
                    kw={"key_padding_mask": "kpm"}),
    "no_bias": dict(init=dict(embed_dim=8, num_heads=4, bias=False), kw={}),
    "causal": dict(init=dict(embed_dim=8, num_heads=2, batch_first=True), self_attn=True,
                   kw={"attn_mask": "causal", "is_causal": True, "need_weights": False}),
    "unbatched": dict(init=dict(embed_dim=8, num_heads=2), unbatched=True, kw={"attn_mask": "bool2"}),
}
L, S, N = 3, 4, 2


def mha_mask(kind):
    if kind == "kpm":
        return torch.tensor([[False, False, True, False], [False, True, True, False]])
    if kind == "bool2":
        return torch.tensor([[False, True, False, False], [False, False, False, True], [True, False, False, False]])
    if kind == "float3":
        return det((N * 2, L, S), 6)
    if kind == "causal":
        return nn.Transformer.generate_square_subsequent_mask(L)


def mha_inputs(init, case):
    e, kd, vd = init["embed_dim"], init.get("kdim") or init["embed_dim"], init.get("vdim") or init["embed_dim"]
    bf = init.get("batch_first", False)
    if case.get("unbatched"):
        return det((L, e), 1), det((S, kd), 2), det((S, vd), 3)
    if case.get("self_attn"):
        x = det((N, L, e) if bf else (L, N, e), 1)
        return x, x, x
    return (det((N, L, e) if bf else (L, N, e), 1), det((N, S, kd) if bf else (S, N, kd), 2),
            det((N, S, vd) if bf else (S, N, vd), 3))


for name, case in MHA_CASES.items():
    m = nn.MultiheadAttention(**case["init"])
    set_weights(m)
    q, k, v = mha_inputs(case["init"], case)
    if case.get("self_attn"):
        q = k = v = q.requires_grad_()
        wrt = (q,)
    else:
        for t in (q, k, v):
            t.requires_grad_()
        wrt = (q, k, v)
    kw = {key: (mha_mask(val) if isinstance(val, str) else val) for key, val in case["kw"].items()}
    out, weights = m(q, k, v, **kw)
    grads = grads_of(out, wrt + tuple(p for _, p in sorted(m.named_parameters())))
    REF["mha_" + name] = {"out": out.tolist(), "weights": None if weights is None else weights.tolist(),
                          "grads": grads,
                          "state": [(k2, list(t.shape)) for k2, t in m.state_dict().items()]}
REF["mha_repr"] = repr(nn.MultiheadAttention(8, 2))
REF["mha_repr_kv"] = repr(nn.MultiheadAttention(8, 2, kdim=6, vdim=5, bias=False))

# --------------------------------------------------------------- Transformer layers (eval)
def layer_out(module, *inputs, **kw):
    set_weights(module)
    module.eval()
    with torch.no_grad():
        return module(*inputs, **kw).tolist()


d, h, ff = 8, 2, 16
src, tgt = det((3, 2, d), 1), det((4, 2, d), 2)
src_bf, tgt_bf = src.transpose(0, 1).contiguous(), tgt.transpose(0, 1).contiguous()
causal3 = nn.Transformer.generate_square_subsequent_mask(3)
causal4 = nn.Transformer.generate_square_subsequent_mask(4)
kpm = torch.tensor([[False, False, True], [False, False, False]])
REF["enc_relu"] = layer_out(nn.TransformerEncoderLayer(d, h, ff, dropout=0.0), src)
REF["enc_gelu_first"] = layer_out(nn.TransformerEncoderLayer(d, h, ff, activation="gelu", norm_first=True), src)
REF["enc_bf_masks"] = layer_out(nn.TransformerEncoderLayer(d, h, ff, batch_first=True), src_bf, src_mask=causal3,
                                src_key_padding_mask=kpm)
REF["enc_callable_nobias"] = layer_out(nn.TransformerEncoderLayer(d, h, ff, activation=torch.tanh, bias=False,
                                                                  layer_norm_eps=1e-3), src)
REF["dec"] = layer_out(nn.TransformerDecoderLayer(d, h, ff), tgt, src, tgt_mask=causal4)
REF["dec_first_bf"] = layer_out(nn.TransformerDecoderLayer(d, h, ff, norm_first=True, batch_first=True), tgt_bf,
                                src_bf, memory_key_padding_mask=kpm)
REF["encoder_stack"] = layer_out(nn.TransformerEncoder(nn.TransformerEncoderLayer(d, h, ff), 2,
                                                       norm=nn.LayerNorm(d), enable_nested_tensor=False), src,
                                 mask=causal3)
REF["decoder_stack"] = layer_out(nn.TransformerDecoder(nn.TransformerDecoderLayer(d, h, ff), 2), tgt, src)
REF["transformer"] = layer_out(nn.Transformer(d, h, 1, 1, ff), src, tgt, tgt_mask=causal4)
t = nn.Transformer(d, h, 1, 1, ff)
REF["transformer_state"] = [(k2, list(v2.shape)) for k2, v2 in t.state_dict().items()]
REF["enc_layer_repr"] = repr(nn.TransformerEncoderLayer(d, h, ff))
REF["dec_layer_repr"] = repr(nn.TransformerDecoderLayer(d, h, ff, norm_first=True))
REF["causal4"] = causal4.tolist()

# --------------------------------------------------------------- embedding options, EmbeddingBag
def embedding_case(**kw):
    w = det((6, 3), 4).requires_grad_()
    idx = torch.tensor([[1, 2, 1], [4, 1, 0]])
    with torch.no_grad():
        w_used = w.clone()
    w_used.requires_grad_()
    out = F.embedding(idx, w_used, **kw)
    (g,) = grads_of(out, (w_used,))
    return {"out": out.tolist(), "grad": g, "weight_after": w_used.tolist()}


REF["emb_freq"] = embedding_case(scale_grad_by_freq=True)
REF["emb_freq_pad"] = embedding_case(scale_grad_by_freq=True, padding_idx=1)
REF["emb_max_norm"] = embedding_case(max_norm=0.9)
REF["emb_max_norm_l1"] = embedding_case(max_norm=1.1, norm_type=1.0)

BAG_CASES = {
    "sum_offsets": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="sum"),
    "mean_offsets": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="mean"),
    "max_offsets": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="max"),
    "mean_2d_pad": dict(input=[[1, 2, 5], [5, 5, 3]], mode="mean", padding_idx=5),
    "max_2d": dict(input=[[1, 2, 5], [5, 0, 3]], mode="max"),
    "sum_weights": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="sum", psw=True),
    "last_offset": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 5], mode="mean", include_last_offset=True),
    "sum_pad_offsets": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="sum", padding_idx=4),
}
for name, case in BAG_CASES.items():
    w = det((6, 3), 7).requires_grad_()
    idx = torch.tensor(case["input"])
    offsets = torch.tensor(case["offsets"]) if "offsets" in case else None
    psw = det((len(case["input"]),), 8).requires_grad_() if case.get("psw") else None
    out = F.embedding_bag(idx, w, offsets, mode=case["mode"], per_sample_weights=psw,
                          include_last_offset=case.get("include_last_offset", False),
                          padding_idx=case.get("padding_idx"))
    REF["bag_" + name] = {"out": out.tolist(), "grads": grads_of(out, (w,) + ((psw,) if psw is not None else ()))}
REF["bag_repr"] = repr(nn.EmbeddingBag(5, 3, mode="max", padding_idx=0, max_norm=1.0))

with open(sys.argv[1] if len(sys.argv) > 1 else "tests/nn/_attention_ref.py", "w") as f:
    f.write('"""Values recorded from PyTorch by make_attention_ref.py (do not edit by hand)."""\n')
    f.write("inf = float('inf')\n\n")
    f.write("REF = " + pprint.pformat(REF, width=118, compact=True).replace("-inf", "-inf") + "\n")
