"""nn.functional activations, softmax family, erf and utilities: PyTorch's values and
float64 gradient checks (first and second order)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import gradkit
import gradkit.nn.functional as F
from helpers import check_grads, host, rand64

from ._nnutil import close, t64
from ._torch_ref import REF

X17 = np.linspace(-4, 4, 17)


# ----------------------------------------------------------------------------- values vs PyTorch
@pytest.mark.parametrize("name,fn", [
    ("gelu64", lambda x: F.gelu(x)),
    ("gelu_tanh64", lambda x: F.gelu(x, approximate="tanh")),
    ("softplus", lambda x: F.softplus(x, beta=2, threshold=5)),
    ("elu", lambda x: F.elu(x, alpha=0.7)),
    ("leaky", lambda x: F.leaky_relu(x, 0.2)),
    ("silu", F.silu),
    ("selu", F.selu),
    ("mish", F.mish),
    ("celu", lambda x: F.celu(x, 1.5)),
    ("hardtanh", lambda x: F.hardtanh(x, -2, 3)),
])
def test_activation_values_match_torch(device, name, fn):
    close(fn(t64(X17, device)), REF[name], rtol=1e-12, atol=1e-14)


def test_gelu_float32_matches_torch(device):
    out = F.gelu(gradkit.tensor(X17, dtype=gradkit.float32, device=device))
    assert out.dtype == gradkit.float32
    close(out, REF["gelu32"], rtol=1e-6, atol=1e-6)


def test_erf_accuracy(device):
    x = t64(REF["erf_x"], device)
    close(F.erf(x), REF["erf64"], rtol=2e-15, atol=2e-15)
    x32 = gradkit.tensor(REF["erf_x"], dtype=gradkit.float32, device=device)
    close(F.erf(x32), REF["erf32"], rtol=1e-7, atol=6e-8)


def test_erf_dense_against_math(device):
    # math.erf is correctly rounded to within an ulp or so: a dense check of every branch
    xs = np.linspace(-7, 7, 2801)
    expected = [math.erf(v) for v in xs]
    close(F.erf(t64(xs, device)), expected, rtol=0, atol=2e-15)


def test_logsigmoid_is_stable(device):
    close(F.logsigmoid(t64(REF["logsigmoid_x"], device)), REF["logsigmoid"], rtol=1e-14, atol=1e-300)


def test_softmax_values(device):
    m = t64(REF["softmax_in"], device)
    close(F.softmax(m, 1), REF["softmax1"], rtol=1e-13, atol=1e-15)
    close(F.log_softmax(m, 1), REF["log_softmax1"], rtol=1e-13, atol=1e-13)
    close(F.log_softmax(m, dim=0), REF["log_softmax0"], rtol=1e-13, atol=1e-13)
    close(F.softmax(m, -1).sum(1), [1.0, 1.0])


def test_softmax_large_logits_float32(device):
    x = gradkit.tensor([[1e4, 0.0, -1e4]], device=device)
    close(F.log_softmax(x, 1), [[0.0, -1e4, -2e4]], rtol=1e-6)
    close(F.softmax(x, 1), [[1.0, 0.0, 0.0]])


def test_softmax_implicit_dim_warns(device):
    x = rand64(2, 3, device=device, requires_grad=False)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = F.softmax(x)
    close(out.sum(1), [1.0, 1.0])


def test_softmax_node_is_one_op(device):
    x = rand64(2, 3, device=device)
    assert F.log_softmax(x, 1).grad_fn.name() == "LogSoftmaxBackward0"
    assert F.softmax(x, 1).grad_fn.name() == "SoftmaxBackward0"


def test_relu_inplace_and_dropout_module_interplay(device):
    x = t64([-1.0, 2.0], device)
    y = F.relu(x, inplace=True)
    assert y is x
    close(x, [0.0, 2.0])


# ----------------------------------------------------------------------------- gradients
def _act(fn):
    return lambda x: fn(x)


ACTS = {
    "relu": F.relu, "sigmoid": F.sigmoid, "tanh": F.tanh, "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"), "silu": F.silu, "mish": F.mish,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.1), "elu": lambda x: F.elu(x, 0.8), "selu": F.selu,
    "celu": lambda x: F.celu(x, 1.3), "softplus": lambda x: F.softplus(x, beta=1.5, threshold=2.0),
    "softsign": F.softsign, "logsigmoid": F.logsigmoid, "hardtanh": lambda x: F.hardtanh(x, -0.5, 0.5),
    "erf": F.erf, "log_softmax": lambda x: F.log_softmax(x, 1), "softmax": lambda x: F.softmax(x, 1),
    "log_softmax0": lambda x: F.log_softmax(x, 0), "softmin": lambda x: F.softmin(x, 1),
}
# kinks: first-order only there (the second derivative is a delta)
FIRST_ORDER_ONLY = {"relu", "leaky_relu", "hardtanh"}


@pytest.mark.parametrize("name", sorted(ACTS))
def test_activation_gradcheck(device, name):
    fn = ACTS[name]
    # values away from 0 (kinks) and away from the softplus threshold switch
    x = t64([[-2.3, -0.7, 0.4, 1.9], [0.9, -1.4, 2.6, -0.2]], device, requires_grad=True)
    check_grads(fn, (x,), second_order=name not in FIRST_ORDER_ONLY)


def test_gelu_grad_covers_every_erf_branch(device):
    x = t64([-9.0, -5.0, -3.0, -1.0, 0.3, 2.5, 4.0, 7.0], device, requires_grad=True)
    check_grads(F.gelu, (x,))
    check_grads(F.erf, (x,))


def test_relu_grad_at_zero_is_zero(device):
    x = t64([0.0, 1.0, -1.0], device, requires_grad=True)
    F.relu(x).sum().backward()
    close(x.grad, [0.0, 1.0, 0.0])


def test_softplus_above_threshold_is_linear(device):
    x = t64([30.0, -30.0], device, requires_grad=True)
    y = F.softplus(x)
    y.sum().backward()
    close(y, [30.0, math.log1p(math.exp(-30.0))])
    close(x.grad, [1.0, 1 / (1 + math.exp(30.0))])


# ----------------------------------------------------------------------------- dropout
def test_dropout_train_and_eval(device):
    gradkit.manual_seed(0)
    x = gradkit.ones(2000, device=device, dtype=gradkit.float64, requires_grad=True)
    y = F.dropout(x, 0.25, training=True)
    vals = host(y)
    assert set(np.unique(vals).tolist()) <= {0.0, 1.0 / 0.75}
    assert 0.18 < (vals == 0).mean() < 0.32
    y.sum().backward()
    close(x.grad, vals)  # the gradient is the same mask, same scale
    assert F.dropout(x, 0.25, training=False) is x
    close(F.dropout(x, 1.0), np.zeros(2000))
    with pytest.raises(ValueError, match="dropout probability"):
        F.dropout(x, 1.5)


# ----------------------------------------------------------------------------- linear, embedding
def test_linear_functional(device):
    x = rand64(3, 4, device=device, seed=1)
    w = rand64(2, 4, device=device, seed=2)
    b = rand64(2, device=device, seed=3)
    out = F.linear(x, w, b)
    close(out, host(x) @ host(w).T + host(b))
    check_grads(F.linear, (x, w, b))
    check_grads(lambda x, w: F.linear(x, w), (x, w))
    x3 = rand64(2, 2, 4, device=device, seed=4)
    check_grads(F.linear, (x3, w, b))
    x1 = rand64(4, device=device, seed=5)
    close(F.linear(x1, w, b), host(w) @ host(x1) + host(b))
    check_grads(F.linear, (x1, w, b))


def test_linear_errors(device):
    w = gradkit.ones(2, 4, device=device)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(3x5 and 4x2\)"):
        F.linear(gradkit.ones(3, 5, device=device), w)
    with pytest.raises(RuntimeError, match="mat1 and mat2 must have the same dtype, but got Double and Float"):
        F.linear(gradkit.ones(3, 4, device=device, dtype=gradkit.float64), w)


def test_embedding_functional(device):
    w = rand64(5, 3, device=device, seed=0)
    idx = gradkit.tensor([[0, 2], [4, 2]], device=device)
    out = F.embedding(idx, w)
    assert out.shape == (2, 2, 3)
    close(out, host(w)[[[0, 2], [4, 2]]])
    out.sum().backward()
    close(w.grad, [[1, 1, 1], [0, 0, 0], [2, 2, 2], [0, 0, 0], [1, 1, 1]])
    w.grad = None
    F.embedding(idx, w, padding_idx=2).sum().backward()
    close(w.grad, [[1, 1, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0], [1, 1, 1]])
    check_grads(lambda w: F.embedding(idx, w), (w,))
    with pytest.raises(RuntimeError, match="indices"):
        F.embedding(gradkit.ones(2, device=device), w)


# ----------------------------------------------------------------------------- utilities
def test_one_hot(device):
    out = F.one_hot(gradkit.tensor([[0, 2], [1, 3]], device=device), 5)
    assert out.dtype == gradkit.int64
    close(out, REF["one_hot"])
    assert F.one_hot(gradkit.tensor([1, 0, 3], device=device)).shape == (3, 4)
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(gradkit.tensor([1.0], device=device))


def test_one_hot_range_errors_cpu():
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(gradkit.tensor([1, 5]), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(gradkit.tensor([-1, 2]), 3)


def test_pad_values(device):
    p = gradkit.arange(6, dtype=gradkit.float64, device=device).reshape(1, 2, 3)
    close(F.pad(p, (1, 2), value=-1.0), REF["pad_const"])
    close(F.pad(p, (1, -1, 0, 1)), REF["pad_2d"])
    close(F.pad(p, (2, 1), mode="reflect"), REF["pad_reflect"])
    close(F.pad(p, (2, 1, 1, 0), mode="replicate"), REF["pad_replicate"])
    close(F.pad(p, (1, 2), mode="circular"), REF["pad_circular"])


def test_pad_gradcheck(device):
    x = rand64(2, 3, device=device, seed=0)
    check_grads(lambda x: F.pad(x, (1, 2, 2, 0), value=0.5), (x,))
    check_grads(lambda x: F.pad(x, (-1, 1)), (x,))
    check_grads(lambda x: F.pad(x, (2, 1), mode="reflect"), (x,))


def test_normalize(device):
    close(F.normalize(t64([[3.0, 4.0], [0.0, 0.0], [1.0, -1.0]], device), dim=1), REF["normalize"])
    close(F.normalize(t64([[3.0, 4.0], [1.0, -1.0]], device), p=1, dim=0), REF["normalize_p1"])
    x = rand64(3, 4, device=device, seed=0)
    check_grads(lambda x: F.normalize(x, dim=1), (x,))


def test_cosine_similarity(device):
    a = rand64(3, 4, device=device, seed=0)
    b = rand64(3, 4, device=device, seed=1)
    na, nb = host(a), host(b)
    expected = (na * nb).sum(1) / np.linalg.norm(na, axis=1) / np.linalg.norm(nb, axis=1)
    close(F.cosine_similarity(a, b), expected)


def test_functional_module_imports():
    import gradkit.nn.functional as F2
    from gradkit import nn

    assert F2 is nn.functional is gradkit.nn.functional
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert hasattr(F2, "cross_entropy")


def test_more_functionals_match_torch(device):
    a, b, W = t64(REF["ex_a"], device), t64(REF["ex_b"], device), t64(REF["ex_W"], device)
    close(F.kl_div(F.log_softmax(a, 1), b, reduction="batchmean"), REF["ex_kl_batchmean"])
    close(F.kl_div(F.log_softmax(a, 1), b, reduction="none"), REF["ex_kl_none"])
    close(F.kl_div(F.log_softmax(a, 1), b.log(), reduction="sum", log_target=True), REF["ex_kl_log_sum"])
    close(F.bilinear(a, b, W, t64([0.5, -0.5], device)), REF["ex_bilinear"])
    close(F.softmin(a, 1), REF["ex_softmin"])
    close(F.cosine_similarity(a, b), REF["ex_cosine"])
    close(F.prelu(a.reshape(2, 3, 1), t64([0.1, 0.2, 0.3], device)), REF["ex_prelu"])
    close(F.huber_loss(a, b, reduction="sum", delta=0.3), REF["ex_huber_sum"])
    close(F.huber_loss(a, b, weight=b, reduction="mean"), REF["ex_huber_weighted"])
    close(F.smooth_l1_loss(a, b, beta=0.0), REF["ex_smooth_l1_beta0"])
    close(F.l1_loss(a, b, weight=t64(np.full((2, 3), 2.0), device)), REF["ex_l1_weighted"])
    idx = gradkit.tensor([0, 1], device=device)
    close(F.embedding(idx, a.clone(), max_norm=1.0), REF["ex_embedding_max_norm"])
