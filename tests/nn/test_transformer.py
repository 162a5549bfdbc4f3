"""nn.TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder
and Transformer: PyTorch's eval-mode outputs for the same weights (recorded from PyTorch 2.13,
tests/nn/_attention_ref.py), state dict names and shapes, reprs, the causal mask, gradients."""
from __future__ import annotations

import pytest

import gradkit
import gradkit.nn as nn
import gradkit.nn.functional as F
from helpers import check_grads, rand64

from ._attention_case import assert_close, det, set_weights
from ._attention_ref import REF

D_MODEL, NHEAD, FF = 8, 2, 16


def _inputs(device):
    src, tgt = det((3, 2, D_MODEL), 1, device), det((4, 2, D_MODEL), 2, device)
    kpm = gradkit.tensor([[False, False, True], [False, False, False]], device=device)
    causal3 = nn.Transformer.generate_square_subsequent_mask(3, device=device, dtype=gradkit.float64)
    causal4 = nn.Transformer.generate_square_subsequent_mask(4, device=device, dtype=gradkit.float64)
    return src, tgt, kpm, causal3, causal4


def _eval(module, *inputs, **kw):
    set_weights(module)
    module.eval()
    with gradkit.no_grad():
        return module(*inputs, **kw)


CASES = {
    "enc_relu": lambda f: (nn.TransformerEncoderLayer(D_MODEL, NHEAD, FF, dropout=0.0, **f), ("src",), {}),
    "enc_gelu_first": lambda f: (nn.TransformerEncoderLayer(D_MODEL, NHEAD, FF, activation="gelu", norm_first=True,
                                                            **f), ("src",), {}),
    "enc_bf_masks": lambda f: (nn.TransformerEncoderLayer(D_MODEL, NHEAD, FF, batch_first=True, **f), ("src_bf",),
                               {"src_mask": "causal3", "src_key_padding_mask": "kpm"}),
    "enc_callable_nobias": lambda f: (nn.TransformerEncoderLayer(D_MODEL, NHEAD, FF, activation=gradkit.tanh,
                                                                 bias=False, layer_norm_eps=1e-3, **f), ("src",), {}),
    "dec": lambda f: (nn.TransformerDecoderLayer(D_MODEL, NHEAD, FF, **f), ("tgt", "src"), {"tgt_mask": "causal4"}),
    "dec_first_bf": lambda f: (nn.TransformerDecoderLayer(D_MODEL, NHEAD, FF, norm_first=True, batch_first=True,
                                                          **f), ("tgt_bf", "src_bf"),
                               {"memory_key_padding_mask": "kpm"}),
    "encoder_stack": lambda f: (nn.TransformerEncoder(nn.TransformerEncoderLayer(D_MODEL, NHEAD, FF, **f), 2,
                                                      norm=nn.LayerNorm(D_MODEL, **f), enable_nested_tensor=False),
                                ("src",), {"mask": "causal3"}),
    "decoder_stack": lambda f: (nn.TransformerDecoder(nn.TransformerDecoderLayer(D_MODEL, NHEAD, FF, **f), 2),
                                ("tgt", "src"), {}),
    "transformer": lambda f: (nn.Transformer(D_MODEL, NHEAD, 1, 1, FF, **f), ("src", "tgt"), {"tgt_mask": "causal4"}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_layers_match_torch_in_eval(name, device):
    src, tgt, kpm, causal3, causal4 = _inputs(device)
    named = {"src": src, "tgt": tgt, "src_bf": src.transpose(0, 1), "tgt_bf": tgt.transpose(0, 1), "kpm": kpm,
             "causal3": causal3, "causal4": causal4}
    module, args, kw = CASES[name]({"device": device, "dtype": gradkit.float64})
    out = _eval(module, *[named[a] for a in args], **{k: named[v] for k, v in kw.items()})
    assert_close(out, REF[name], rtol=1e-8, atol=1e-10)


def test_transformer_state_dict_and_reprs():
    t = nn.Transformer(D_MODEL, NHEAD, 1, 1, FF)
    assert [(k, list(v.shape)) for k, v in t.state_dict().items()] == [tuple(s) for s in REF["transformer_state"]]
    assert repr(nn.TransformerEncoderLayer(D_MODEL, NHEAD, FF)) == REF["enc_layer_repr"]
    assert repr(nn.TransformerDecoderLayer(D_MODEL, NHEAD, FF, norm_first=True)) == REF["dec_layer_repr"]
    other = nn.Transformer(D_MODEL, NHEAD, 1, 1, FF)
    other.load_state_dict(t.state_dict())
    t.eval(), other.eval()
    src, tgt = det((3, 2, D_MODEL), 1).float(), det((4, 2, D_MODEL), 2).float()
    assert gradkit.equal(t(src, tgt), other(src, tgt))


def test_transformer_init_and_default_sizes():
    gradkit.manual_seed(0)
    t = nn.Transformer(d_model=16, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=32)
    assert len(t.encoder.layers) == 2 and len(t.decoder.layers) == 1
    w = t.encoder.layers[0].linear1.weight.detach()
    bound = (6 / (16 + 32)) ** 0.5  # xavier-uniform over every matrix
    assert bound * 0.8 < float(w.abs().max()) <= bound
    layer = nn.TransformerEncoderLayer(16, 2)
    assert layer.linear1.out_features == 2048 and layer.dropout.p == 0.1
    assert layer.activation is F.relu and layer.activation_relu_or_gelu == 1
    assert t.encoder.layers[0].self_attn is not t.encoder.layers[1].self_attn


def test_generate_square_subsequent_mask():
    m = nn.Transformer.generate_square_subsequent_mask(4)
    assert m.dtype == gradkit.float32
    assert m.tolist() == REF["causal4"]
    from gradkit.nn.modules.transformer import Transformer

    assert Transformer is nn.Transformer


def test_encoder_layer_trains_float32_and_gradcheck(device):
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True, device=device)
    x = det((2, 3, 4), 0, device).float().requires_grad_()
    out = layer(x, src_mask=nn.Transformer.generate_square_subsequent_mask(3, device=device), is_causal=True)
    assert out.dtype == gradkit.float32
    out.sum().backward()
    assert x.grad.shape == x.shape and layer.self_attn.in_proj_weight.grad is not None
    layer64 = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True, device=device,
                                         dtype=gradkit.float64)
    xs = rand64(1, 3, 4, device=device, seed=1)
    check_grads(lambda x: layer64(x, is_causal=True,
                                  src_mask=nn.Transformer.generate_square_subsequent_mask(
                                      3, device=device, dtype=gradkit.float64)), (xs,), second_order=False)


def test_dropout_in_training_mode_changes_output():
    gradkit.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5)
    x = det((3, 2, 8), 0).float()
    layer.train()
    a, b = layer(x), layer(x)
    assert not gradkit.equal(a, b)
    layer.eval()
    assert gradkit.equal(layer(x), layer(x))


def test_errors():
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    t = nn.Transformer(8, 2, 1, 1, 16)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        t(gradkit.zeros(3, 2, 8), gradkit.zeros(3, 3, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        t(gradkit.zeros(3, 2, 4), gradkit.zeros(3, 2, 4))


def test_encoder_and_decoder_detect_an_explicit_causal_mask_as_pytorch_does():
    """Without the is_causal hint, a mask equal to generate_square_subsequent_mask(T) in its own
    dtype is taken as causal (PyTorch's _detect_is_causal_mask); any other mask is not."""
    gradkit.manual_seed(0)
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 2,
                                enable_nested_tensor=False).eval()
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0), 1).eval()
    seen = []
    for layer in list(enc.layers) + list(dec.layers):
        plain = layer.forward

        def spy(*args, _plain=plain, **kwargs):
            seen.append(kwargs.get("is_causal", kwargs.get("tgt_is_causal")))
            return _plain(*args, **kwargs)
        layer.forward = spy
    x = gradkit.randn(3, 5, 8)
    causal = nn.Transformer.generate_square_subsequent_mask(5)
    out = enc(x, mask=causal)
    assert seen == [True, True]
    gradkit.testing.assert_close(out, enc(x, mask=causal, is_causal=False), rtol=1e-6, atol=1e-6)
    seen.clear()
    enc(x, mask=gradkit.ones(5, 5, dtype=gradkit.bool).triu(1))  # -inf is True as a bool: causal too
    assert seen == [True, True]
    seen.clear()
    enc(x, mask=causal.clone().fill_diagonal_(-1.0))
    enc(x, mask=causal.new_zeros(5, 5))
    assert seen == [False] * 4
    seen.clear()
    dec(gradkit.randn(5, 3, 8), gradkit.randn(4, 3, 8), tgt_mask=causal)
    assert seen == [True]
