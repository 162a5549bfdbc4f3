"""F.scaled_dot_product_attention and nn.MultiheadAttention: PyTorch's outputs and gradients
for the same inputs and weights (recorded from PyTorch 2.13, tests/nn/_attention_ref.py),
float64 gradcheck and gradgradcheck of the fused op, state dict names, reprs and errors."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit
import gradkit.nn as nn
import gradkit.nn.functional as F
from helpers import check_grads, rand64

from ._attention_case import assert_close, det, grads_of, set_weights
from ._attention_ref import REF

SHAPES = ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3))
SDPA_CASES = {
    "plain": (SHAPES, {}),
    "bool_mask": (SHAPES, {"attn_mask": "bool"}),
    "float_mask": (SHAPES, {"attn_mask": "float"}),
    "causal": (SHAPES, {"is_causal": True}),
    "scale": (SHAPES, {"scale": 0.3}),
    "gqa": (((2, 4, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), {"enable_gqa": True}),
    "three_dim": (((2, 3, 4), (2, 5, 4), (2, 5, 3)), {}),
}
# the second row masks every key: PyTorch gives that row zeros
BOOL_MASK = [[True, False, True, True, False], [True, True, True, True, True], [False] * 5]


def _sdpa_mask(kind, device):
    if kind == "bool":
        return gradkit.tensor(BOOL_MASK, device=device)
    return det((3, 5), 5, device)


def _sdpa_kwargs(kw, device):
    kw = dict(kw)
    if "attn_mask" in kw:
        kw["attn_mask"] = _sdpa_mask(kw["attn_mask"], device)
    return kw


# --------------------------------------------------------------------------- sdpa
@pytest.mark.parametrize("name", list(SDPA_CASES))
def test_sdpa_matches_torch(name, device):
    shapes, kw = SDPA_CASES[name]
    q, k, v = [det(s, i, device).requires_grad_() for i, s in enumerate(shapes)]
    out = F.scaled_dot_product_attention(q, k, v, **_sdpa_kwargs(kw, device))
    ref = REF["sdpa_" + name]
    assert_close(out, ref["out"])
    for got, expected in zip(grads_of(out, (q, k, v)), ref["grads"]):
        assert_close(got, expected)


@pytest.mark.parametrize("name", ["plain", "bool_mask", "float_mask", "causal", "gqa"])
def test_sdpa_gradcheck(name, device):
    shapes, kw = SDPA_CASES[name]
    small = [s[:-3] + (1,) + s[-2:] if len(s) == 4 and name != "gqa" else s for s in shapes]
    small = [(1,) + s[1:] for s in small]
    inputs = [rand64(*s, device=device, seed=i) for i, s in enumerate(small)]
    kw = _sdpa_kwargs(kw, device)
    check_grads(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **kw), inputs)


def test_sdpa_learned_float_mask_gets_its_gradient(device):
    q, k, v = rand64(1, 2, 3, 4, device=device, seed=0), rand64(1, 2, 5, 4, device=device), \
        rand64(1, 2, 5, 3, device=device)
    bias = rand64(3, 5, device=device)
    check_grads(lambda q, k, v, b: F.scaled_dot_product_attention(q, k, v, attn_mask=b), (q, k, v, bias))
    fused = F.scaled_dot_product_attention(q, k, v, attn_mask=bias.detach())
    assert_close(F.scaled_dot_product_attention(q, k, v, attn_mask=bias), fused.detach().cpu(), rtol=1e-12)


def test_sdpa_dropout_gradcheck(device):
    inputs = [rand64(1, 2, 3, 4, device=device, seed=0), rand64(1, 2, 5, 4, device=device),
              rand64(1, 2, 5, 3, device=device)]

    def fn(q, k, v):
        gradkit.manual_seed(7)  # the same dropout mask on every call of the check
        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.4)

    check_grads(fn, inputs)


def test_sdpa_dropout_keeps_and_scales(device):
    gradkit.manual_seed(0)
    q, k = det((1, 1, 64, 4), 0, device), det((1, 1, 64, 4), 1, device)
    v = gradkit.eye(64, dtype=gradkit.float64, device=device).reshape(1, 1, 64, 64)
    plain = F.scaled_dot_product_attention(q, k, v)
    dropped = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    ratio = (dropped / plain).cpu().numpy()
    assert set(np.round(np.unique(ratio), 9)) <= {0.0, 2.0}
    assert 0.3 < (ratio == 0).mean() < 0.7
    assert gradkit.equal(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0), gradkit.zeros_like(plain))


def test_sdpa_float32_stays_float32(device):
    q = det((2, 3, 4), 0, device).float()
    out = F.scaled_dot_product_attention(q, q, q, is_causal=True)
    assert out.dtype == gradkit.float32
    assert_close(out, F.scaled_dot_product_attention(q.double(), q.double(), q.double(), is_causal=True).cpu(),
                 rtol=1e-5, atol=1e-6)


def test_sdpa_backward_kernel_matches_formula(device):
    """The fused gradient kernel (plain backward) equals the formula in ops (create_graph)."""
    q, k, v = [rand64(2, 2, n, 4, device=device, seed=i) for i, n in enumerate((3, 5, 5))]
    mask = _sdpa_mask("bool", device)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    g = det(tuple(out.shape), 3, device)
    plain = gradkit.autograd.grad(out, (q, k, v), g, retain_graph=True)
    recorded = gradkit.autograd.grad(out, (q, k, v), g, create_graph=True)
    for a, b in zip(plain, recorded):
        assert_close(a, b.detach().cpu())


def test_sdpa_errors():
    q, k, v = det((2, 3, 4), 0), det((2, 5, 4), 1), det((2, 5, 3), 2)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when is_causal=True"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=gradkit.ones(3, 5, dtype=gradkit.bool), is_causal=True)
    with pytest.raises(RuntimeError, match=r"Expected query, key, and value to have the same dtype, but got "
                                           r"query.dtype: double key.dtype: float and value.dtype: double instead."):
        F.scaled_dot_product_attention(q, k.float(), v)
    with pytest.raises(RuntimeError, match=r"Expected size for first two dimensions of batch2 tensor to be: "
                                           r"\[2, 4\] but got: \[2, 3\]."):
        F.scaled_dot_product_attention(q, det((2, 5, 3), 1), v)
    with pytest.raises(RuntimeError, match="Expected attn_mask dtype to be bool or float or to match query dtype, "
                                           "but got attn_mask.dtype: long int and  query.dtype: double instead."):
        F.scaled_dot_product_attention(q, k, v, attn_mask=gradkit.ones(3, 5, dtype=gradkit.int64))
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(5\) must match the size of tensor b \(6\) at "
                                           r"non-singleton dimension 2"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=gradkit.ones(3, 6))
    with pytest.raises(RuntimeError, match="Number of heads in key and value must divide the number of heads in"):
        F.scaled_dot_product_attention(det((1, 3, 2, 4), 0), det((1, 2, 2, 4), 0), det((1, 2, 2, 4), 0),
                                       enable_gqa=True)
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Long"):
        F.scaled_dot_product_attention(q.long(), k.long(), v.long())


# --------------------------------------------------------------------------- MultiheadAttention
MHA_CASES = {
    "self": (dict(embed_dim=8, num_heads=2), {"self_attn": True}, {}),
    "batch_first": (dict(embed_dim=8, num_heads=2, batch_first=True), {}, {"need_weights": False}),
    "masks": (dict(embed_dim=8, num_heads=2), {}, {"key_padding_mask": "kpm", "attn_mask": "bool2",
                                                   "average_attn_weights": False}),
    "float_mask3": (dict(embed_dim=8, num_heads=2), {}, {"attn_mask": "float3", "need_weights": False}),
    "kv_dims": (dict(embed_dim=8, num_heads=2, kdim=6, vdim=5, add_bias_kv=True, add_zero_attn=True), {},
                {"key_padding_mask": "kpm"}),
    "no_bias": (dict(embed_dim=8, num_heads=4, bias=False), {}, {}),
    "causal": (dict(embed_dim=8, num_heads=2, batch_first=True), {"self_attn": True},
               {"attn_mask": "causal", "is_causal": True, "need_weights": False}),
    "unbatched": (dict(embed_dim=8, num_heads=2), {"unbatched": True}, {"attn_mask": "bool2"}),
}
L, S, N = 3, 4, 2


def _mha_mask(kind, device):
    if kind == "kpm":
        return gradkit.tensor([[False, False, True, False], [False, True, True, False]], device=device)
    if kind == "bool2":
        return gradkit.tensor([[False, True, False, False], [False, False, False, True],
                               [True, False, False, False]], device=device)
    if kind == "float3":
        return det((N * 2, L, S), 6, device)
    return nn.Transformer.generate_square_subsequent_mask(L, device=device, dtype=gradkit.float64)


def _mha_inputs(init, how, device):
    e, kd, vd = init["embed_dim"], init.get("kdim") or init["embed_dim"], init.get("vdim") or init["embed_dim"]
    bf = init.get("batch_first", False)
    if how.get("unbatched"):
        return det((L, e), 1, device), det((S, kd), 2, device), det((S, vd), 3, device)
    if how.get("self_attn"):
        x = det((N, L, e) if bf else (L, N, e), 1, device)
        return x, x, x
    return (det((N, L, e) if bf else (L, N, e), 1, device), det((N, S, kd) if bf else (S, N, kd), 2, device),
            det((N, S, vd) if bf else (S, N, vd), 3, device))


@pytest.mark.parametrize("name", list(MHA_CASES))
def test_multihead_attention_matches_torch(name, device):
    init, how, kw = MHA_CASES[name]
    m = nn.MultiheadAttention(**init, device=device, dtype=gradkit.float64)
    set_weights(m)
    q, k, v = _mha_inputs(init, how, device)
    if how.get("self_attn"):
        q = k = v = q.requires_grad_()
        wrt = (q,)
    else:
        wrt = tuple(t.requires_grad_() for t in (q, k, v))
    kw = {key: (_mha_mask(val, device) if isinstance(val, str) else val) for key, val in kw.items()}
    out, weights = m(q, k, v, **kw)
    ref = REF["mha_" + name]
    assert_close(out, ref["out"])
    if ref["weights"] is None:
        assert weights is None
    else:
        assert_close(weights, ref["weights"])
    for i, (got, expected) in enumerate(zip(grads_of(out, wrt + tuple(p for _, p in sorted(m.named_parameters()))),
                                            ref["grads"], strict=True)):
        assert_close(got, expected, msg=f"gradient {i}")
    assert [(key, list(t.shape)) for key, t in m.state_dict().items()] == [tuple(s) for s in ref["state"]]


def test_multihead_attention_state_dict_roundtrip():
    a = nn.MultiheadAttention(8, 2, kdim=6, vdim=5, add_bias_kv=True)
    b = nn.MultiheadAttention(8, 2, kdim=6, vdim=5, add_bias_kv=True)
    b.load_state_dict(a.state_dict())
    x, k, v = det((3, 2, 8), 0).float(), det((4, 2, 6), 1).float(), det((4, 2, 5), 2).float()
    assert gradkit.equal(a(x, k, v)[0], b(x, k, v)[0])
    assert a.in_proj_weight is None and a.q_proj_weight.shape == (8, 8) and a.k_proj_weight.shape == (8, 6)


def test_multihead_attention_init():
    gradkit.manual_seed(0)
    m = nn.MultiheadAttention(64, 4, add_bias_kv=True)
    bound = (6 / (64 + 192)) ** 0.5  # xavier_uniform_ over the (3E, E) in_proj_weight
    assert float(m.in_proj_weight.detach().abs().max()) <= bound
    assert float(m.in_proj_weight.detach().abs().max()) > 0.9 * bound
    assert not bool(m.in_proj_bias.any()) and not bool(m.out_proj.bias.any())
    assert m.bias_k.shape == (1, 1, 64) and m.bias_v.shape == (1, 1, 64)
    assert m.in_proj_weight.dtype == gradkit.float32


def test_multihead_attention_repr_and_paths():
    assert repr(nn.MultiheadAttention(8, 2)) == REF["mha_repr"]
    assert repr(nn.MultiheadAttention(8, 2, kdim=6, vdim=5, bias=False)) == REF["mha_repr_kv"]
    from gradkit.nn.modules.activation import MultiheadAttention

    assert MultiheadAttention is nn.MultiheadAttention


def test_multihead_attention_gradcheck(device):
    m = nn.MultiheadAttention(4, 2, device=device, dtype=gradkit.float64)
    x = rand64(2, 1, 4, device=device, seed=0)
    mask = gradkit.tensor([[False, True], [False, False]], device=device)
    check_grads(lambda x: m(x, x, x, attn_mask=mask, need_weights=False)[0], (x,), second_order=False)
    check_grads(lambda x: m(x, x, x, attn_mask=mask)[0], (x,), second_order=False)


def test_multihead_attention_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(6, 4)
    m = nn.MultiheadAttention(8, 2)
    x = gradkit.zeros(3, 2, 8)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is \(2, 2\), but should be \(3, 3\)."):
        m(x, x, x, attn_mask=gradkit.zeros(2, 2))
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 8, but got 4"):
        m(x[..., :4], x, x)


@pytest.mark.parametrize("mask_kind", [None, "bool", "float", "dead_float"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_numpy_kernels_match_portable(mask_kind, dtype):
    from gradkit.backends.kernels.attention import AttentionKernels

    from gradkit.backends import get_backend

    backend = get_backend("cpu")
    rng = np.random.default_rng(0)
    q, k, v, g = [rng.standard_normal(s).astype(dtype) for s in ((2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 5),
                                                                    (2, 3, 4, 5))]
    mask = {None: None, "bool": np.array([[True, False, True, True, False, True]] * 3 + [[False] * 6]),
            "float": rng.standard_normal((4, 6)).astype(dtype),
            "dead_float": np.where(np.eye(4, 6, dtype=bool), -np.inf, 0.0).astype(dtype)}[mask_kind]
    keep = (rng.random((2, 3, 4, 6)) < 0.7).astype(dtype) / 0.7
    tol = 1e-5 if dtype == "float32" else 1e-12
    for kp in (None, keep):
        fast_out, fast_p = backend.attention(q, k, v, mask, 0.3, kp)
        slow_out, slow_p = AttentionKernels.attention(backend, q, k, v, mask, 0.3, kp)
        np.testing.assert_allclose(fast_out, slow_out, rtol=tol, atol=tol)
        np.testing.assert_allclose(fast_p, slow_p, rtol=tol, atol=tol)
        fast = backend.attention_backward(q, k, v, fast_p, kp, g, 0.3)
        slow = AttentionKernels.attention_backward(backend, q, k, v, slow_p, kp, g, 0.3)
        for a, b in zip(fast, slow):
            assert a.dtype == np.dtype(dtype)
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_tril_bool_mask_stays_bool_for_sdpa(device):
    """The usual way to write a causal mask: ones(T, T, dtype=bool).tril() (a bool result)."""
    mask = gradkit.ones(3, 5, dtype=gradkit.bool, device=device).tril()
    assert mask.dtype == gradkit.bool and gradkit.ones(2, 2, dtype=gradkit.bool, device=device).triu(1).dtype == \
        gradkit.bool
    q, k, v = det((2, 3, 4), 0, device), det((2, 5, 4), 1, device), det((2, 5, 3), 2, device)
    assert_close(F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                 F.scaled_dot_product_attention(q, k, v, is_causal=True).cpu())


def test_sdpa_frees_its_softmax_after_backward():
    q = det((1, 2, 3, 4), 0).requires_grad_()
    out = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    node = out.grad_fn
    out.sum().backward()
    assert node.p is None and node.keep is None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.sum().backward()
