"""Layers: Linear, LazyLinear, Flatten, Unflatten, Identity, Dropout, Embedding, LayerNorm,
BatchNorm; activation modules. PyTorch's values and float64 gradient checks."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit
import gradkit.nn.functional as F
from gradkit import nn
from helpers import check_grads, host, rand64

from ._nnutil import close, t64
from ._torch_ref import REF


# ----------------------------------------------------------------------------- Linear
def test_linear_shapes_and_default_init(device):
    gradkit.manual_seed(0)
    lin = nn.Linear(400, 30, device=device)
    assert lin.weight.shape == (30, 400) and lin.bias.shape == (30,)
    assert lin.weight.dtype == gradkit.float32 and lin.weight.device == gradkit.device(device)
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.requires_grad and lin.weight.is_leaf
    bound = 1 / math.sqrt(400)
    for p in (lin.weight, lin.bias):
        vals = host(p)
        assert vals.min() >= -bound and vals.max() <= bound
    # U(-b, b) has std b / sqrt(3)
    assert abs(host(lin.weight).std() - bound / math.sqrt(3)) < 0.05 * bound
    assert [n for n, _ in lin.named_parameters()] == ["weight", "bias"]
    assert repr(lin) == "Linear(in_features=400, out_features=30, bias=True)"


def test_linear_forward_backward(device):
    lin = nn.Linear(3, 2, bias=True, dtype=gradkit.float64, device=device)
    assert lin.weight.dtype == gradkit.float64
    x = rand64(4, 3, device=device, seed=1)
    out = lin(x)
    close(out, host(x) @ host(lin.weight).T + host(lin.bias))
    check_grads(lambda x, w, b: F.linear(x, w, b), (x, lin.weight, lin.bias))
    nob = nn.Linear(3, 2, bias=False, device=device)
    assert nob.bias is None and len(list(nob.parameters())) == 1
    assert repr(nob) == "Linear(in_features=3, out_features=2, bias=False)"


def test_linear_batched_input(device):
    lin = nn.Linear(3, 2, dtype=gradkit.float64, device=device)
    x = rand64(2, 5, 3, device=device, seed=2)
    out = lin(x)
    assert out.shape == (2, 5, 2)
    out.sum().backward()
    close(lin.bias.grad, [10.0, 10.0])


def test_lazy_linear_becomes_linear(device):
    lazy = nn.LazyLinear(3, device=device)
    assert repr(lazy) == REF["repr_lazy"]
    assert isinstance(lazy.weight, nn.UninitializedParameter) and repr(lazy.weight) == "<UninitializedParameter>"
    # d2l-en initialises the lazy weights before the first call: a no-op on an empty tensor
    lazy.weight.data.normal_(0, 0.01)
    lazy.bias.data.fill_(0)
    params = list(lazy.parameters())
    net = nn.Sequential(lazy)
    out = net(gradkit.ones(2, 5, device=device))
    assert out.shape == (2, 3)
    assert type(lazy) is nn.Linear and isinstance(lazy, nn.Linear)
    assert lazy.in_features == 5 and lazy.weight.shape == (3, 5)
    assert params[0] is lazy.weight and params[1] is lazy.bias  # same objects: an earlier optimizer keeps them
    assert type(lazy.weight) is nn.Parameter and lazy.weight.requires_grad
    bound = 1 / math.sqrt(5)
    assert np.abs(host(lazy.weight)).max() <= bound
    assert repr(net) == "Sequential(\n  (0): Linear(in_features=5, out_features=3, bias=True)\n)"
    out.sum().backward()
    assert lazy.weight.grad.shape == (3, 5)


def test_lazy_linear_load_state_dict(device):
    src = nn.Linear(4, 2, device=device)
    lazy = nn.LazyLinear(2, device=device)
    lazy.load_state_dict(src.state_dict())
    close(lazy.weight, host(src.weight))
    y = lazy(gradkit.ones(1, 4, device=device))
    close(y, host(src(gradkit.ones(1, 4, device=device))))
    assert type(lazy) is nn.Linear and lazy.in_features == 4


# ----------------------------------------------------------------------------- shape layers
def test_flatten_unflatten_identity(device):
    x = rand64(2, 3, 4, device=device, seed=0)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Unflatten(1, (3, 1))(x).shape == (2, 3, 1, 4)
    ident = nn.Identity(54, unused="ignored")
    assert ident(x) is x
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Unflatten(1, (2, 2))) == "Unflatten(dim=1, unflattened_size=(2, 2))"
    check_grads(nn.Flatten(), (x,))
    check_grads(nn.Unflatten(2, (2, 2)), (x,))


def test_dropout_module_train_eval(device):
    gradkit.manual_seed(0)
    drop = nn.Dropout(0.5)
    x = gradkit.ones(4, 100, device=device)
    y = drop(x)
    vals = host(y)
    assert set(np.unique(vals).tolist()) <= {0.0, 2.0} and 0.3 < (vals == 0).mean() < 0.7
    drop.eval()
    assert drop(x) is x
    drop.train()
    assert drop.training
    close(nn.Dropout(1.0)(x), np.zeros((4, 100)))
    assert repr(nn.Dropout(0.2)) == "Dropout(p=0.2, inplace=False)"

    def fixed_mask_dropout(x):  # the same mask on every call, for the finite differences
        gradkit.manual_seed(3)
        return nn.Dropout(0.4)(x)

    check_grads(fixed_mask_dropout, (rand64(3, 4, device=device, seed=0),))
    with pytest.raises(ValueError, match="dropout probability"):
        nn.Dropout(-0.1)


def test_activation_modules(device):
    x = t64(np.linspace(-4, 4, 17), device)
    close(nn.GELU()(x), REF["gelu64"], rtol=1e-12, atol=1e-14)
    close(nn.GELU("tanh")(x), REF["gelu_tanh64"], rtol=1e-12, atol=1e-14)
    close(nn.ELU(alpha=0.7)(x), REF["elu"], rtol=1e-12, atol=1e-14)
    close(nn.LeakyReLU(0.2)(x), REF["leaky"])
    close(nn.Softplus(beta=2, threshold=5)(x), REF["softplus"], rtol=1e-12, atol=1e-14)
    close(nn.ReLU()(x), np.maximum(np.linspace(-4, 4, 17), 0))
    close(nn.Sigmoid()(x), 1 / (1 + np.exp(-np.linspace(-4, 4, 17))))
    close(nn.Tanh()(x), np.tanh(np.linspace(-4, 4, 17)))
    m = t64(REF["softmax_in"], device)
    close(nn.Softmax(dim=1)(m), REF["softmax1"], rtol=1e-13, atol=1e-15)
    close(nn.LogSoftmax(dim=1)(m), REF["log_softmax1"], rtol=1e-13, atol=1e-13)
    prelu = nn.PReLU(device=device)
    assert prelu.weight.shape == (1,)
    out = prelu(gradkit.tensor([-2.0, 2.0], device=device))
    close(out, [-0.5, 2.0])


# ----------------------------------------------------------------------------- Embedding
def test_embedding_module(device):
    gradkit.manual_seed(0)
    emb = nn.Embedding(10, 3, padding_idx=0, device=device)
    assert emb.weight.shape == (10, 3)
    close(emb.weight[0], [0.0, 0.0, 0.0])
    assert abs(host(emb.weight)[1:].std() - 1.0) < 0.5
    idx = gradkit.tensor([[0, 1, 1], [2, 0, 9]], device=device)
    out = emb(idx)
    assert out.shape == (2, 3, 3)
    out.sum().backward()
    g = host(emb.weight.grad)
    close(g[0], [0.0, 0.0, 0.0])
    close(g[1], [2.0, 2.0, 2.0])
    assert repr(emb) == "Embedding(10, 3, padding_idx=0)"
    assert nn.Embedding(5, 2, padding_idx=-1).padding_idx == 4
    pre = nn.Embedding.from_pretrained(t64([[1.0, 2.0], [3.0, 4.0]], device))
    assert not pre.weight.requires_grad
    close(pre(gradkit.tensor([1], device=device)), [[3.0, 4.0]])


# ----------------------------------------------------------------------------- LayerNorm
def test_layer_norm_values(device):
    x = t64(REF["ln_in"], device)
    ln = nn.LayerNorm(3, dtype=gradkit.float64, device=device)
    with gradkit.no_grad():
        ln.weight.copy_(t64(REF["ln_w"], device))
        ln.bias.copy_(t64(REF["ln_b"], device))
    close(ln(x), REF["layer_norm"])
    close(F.layer_norm(x, (2, 3), eps=1e-3), REF["layer_norm2"])
    ln2 = nn.LayerNorm((2, 3), eps=1e-3, elementwise_affine=False)
    assert ln2.weight is None and list(ln2.parameters()) == []
    close(ln2(x), REF["layer_norm2"])
    assert repr(ln) == "LayerNorm((3,), eps=1e-05, elementwise_affine=True, bias=True)"
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\]"):
        nn.LayerNorm(4)(gradkit.ones(2, 3, device=device))


def test_layer_norm_gradcheck(device):
    x = rand64(2, 4, device=device, seed=0, low=-2, high=2)
    w = rand64(4, device=device, seed=1)
    b = rand64(4, device=device, seed=2)
    check_grads(lambda x, w, b: F.layer_norm(x, (4,), w, b), (x, w, b))


# ----------------------------------------------------------------------------- BatchNorm
def _bn(device):
    bn = nn.BatchNorm1d(3, dtype=gradkit.float64, device=device)
    with gradkit.no_grad():
        bn.weight.copy_(t64(REF["bn_w"], device))
        bn.bias.copy_(t64(REF["bn_b"], device))
    return bn


def test_batch_norm_running_stats_match_torch(device):
    bn = _bn(device)
    close(bn(t64(REF["bn_A"], device)), REF["bn_train1"])
    close(bn(t64(REF["bn_B"], device)), REF["bn_train2"])
    close(bn.running_mean, REF["bn_rm"])
    close(bn.running_var, REF["bn_rv"])
    assert int(bn.num_batches_tracked) == REF["bn_nbt"] == 2
    assert bn.num_batches_tracked.dtype == gradkit.int64
    bn.eval()
    close(bn(t64(REF["bn_A"], device)), REF["bn_eval"])
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var", "num_batches_tracked"]
    assert repr(bn).startswith("BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                               "track_running_stats=True)")


def test_batch_norm_cumulative_average_3d(device):
    bn = nn.BatchNorm1d(2, momentum=None, dtype=gradkit.float64, device=device)
    c3 = gradkit.arange(12, dtype=gradkit.float64, device=device).reshape(2, 2, 3) ** 1.5
    bn(c3)
    bn(c3 * 0.5 + 1)
    close(bn.running_mean, REF["bn3_rm"])
    close(bn.running_var, REF["bn3_rv"])


def test_batch_norm_gradcheck(device):
    x = rand64(4, 3, device=device, seed=0, low=-2, high=2)
    w = rand64(3, device=device, seed=1)
    b = rand64(3, device=device, seed=2)
    check_grads(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))
    rm, rv = t64([0.1, -0.2, 0.3], device), t64([1.5, 0.5, 2.0], device)
    check_grads(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False), (x, w, b))
    x3 = rand64(2, 2, 3, device=device, seed=3)
    check_grads(lambda x: F.batch_norm(x, None, None, training=True), (x3,))


def test_batch_norm_errors_and_modes(device):
    bn = nn.BatchNorm1d(3, device=device)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        bn(gradkit.ones(1, 3, device=device))
    bn.eval()
    assert bn(gradkit.ones(1, 3, device=device)).shape == (1, 3)  # fine in eval mode
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        bn(gradkit.ones(2, 3, 1, 1, device=device))
    free = nn.BatchNorm1d(3, track_running_stats=False, affine=False, device=device)
    assert free.running_mean is None and list(free.state_dict()) == []
    free.eval()  # no running stats: batch statistics even in eval mode
    out = free(t64(REF["bn_A"], device).float())
    close(out.mean(0), [0.0, 0.0, 0.0], atol=1e-6)
    bn2 = nn.BatchNorm2d(2, device=device)
    out = bn2(rand64(3, 2, 2, 2, device=device, requires_grad=False).float())
    close(out.mean((0, 2, 3)), [0.0, 0.0], atol=1e-6)
