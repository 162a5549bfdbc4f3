"""Losses: PyTorch's values on fixed inputs, float64 gradient checks (second order for the
smooth ones), reductions, ignore_index, label smoothing, weights, errors."""
from __future__ import annotations

import math
import warnings

import pytest

import gradkit
import gradkit.nn.functional as F
from gradkit import nn
from helpers import check_grads, host, rand64

from ._nnutil import close, leaf, t64
from ._torch_ref import REF

RED = ["mean", "sum", "none"]


def _logits(device, requires_grad=False):
    return t64(REF["logits"], device, requires_grad)


def _targets(device, values=None):
    return gradkit.tensor(REF["targets"] if values is None else values, device=device)


# ----------------------------------------------------------------------------- cross entropy
@pytest.mark.parametrize("reduction", RED)
def test_cross_entropy_values(device, reduction):
    logits, tgt, w = _logits(device), _targets(device), t64(REF["class_w"], device)
    close(F.cross_entropy(logits, tgt, reduction=reduction), REF[f"ce_{reduction}"])
    close(F.cross_entropy(logits, tgt, reduction=reduction, label_smoothing=0.1), REF[f"ce_ls_{reduction}"])
    close(F.cross_entropy(logits, tgt, weight=w, reduction=reduction, label_smoothing=0.2),
          REF[f"ce_w_ls_{reduction}"])
    close(F.cross_entropy(logits, _targets(device, [0, 1, 2, 1]), weight=w, ignore_index=1, reduction=reduction,
                          label_smoothing=0.3), REF[f"ce_ig1_{reduction}"])
    close(F.cross_entropy(logits, t64(REF["probs"], device), weight=w, reduction=reduction, label_smoothing=0.1),
          REF[f"ce_prob_{reduction}"])


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # 0/0 of the all-ignored mean (NaN, as in PyTorch)
def test_cross_entropy_shapes(device):
    close(F.cross_entropy(t64(REF["ce3_in"], device), gradkit.tensor(REF["ce3_t"], device=device)), REF["ce3_mean"])
    out = F.cross_entropy(t64(REF["ce3_in"], device), gradkit.tensor(REF["ce3_t"], device=device), reduction="none")
    assert out.shape == (2, 2)
    close(out, REF["ce3_none"])
    close(F.cross_entropy(t64([1.0, 2.0, 3.0], device), gradkit.tensor(2, device=device)), REF["ce1d"])
    close(F.cross_entropy(_logits(device)[:1], _targets(device, [-100])), REF["ce_all_ignored"])


def test_cross_entropy_module_and_float32(device):
    loss = nn.CrossEntropyLoss(reduction="none")
    logits = gradkit.tensor(REF["logits"], device=device)
    out = loss(logits, _targets(device, [0, 2, 1, 1]))
    assert out.dtype == gradkit.float32 and out.shape == (4,)
    assert repr(loss) == "CrossEntropyLoss()"
    ce = nn.CrossEntropyLoss(weight=t64(REF["class_w"], device), label_smoothing=0.2)
    close(ce(_logits(device), _targets(device)), REF["ce_w_ls_mean"])
    assert "weight" not in nn.CrossEntropyLoss().state_dict()
    assert list(ce.state_dict()) == ["weight"]


def test_cross_entropy_is_stable(device):
    logits = gradkit.tensor([[1000.0, 0.0, -1000.0], [-1e4, 1e4, 0.0]], device=device, requires_grad=True)
    loss = F.cross_entropy(logits, gradkit.tensor([2, 1], device=device), reduction="none")
    close(loss, [2000.0, 0.0], rtol=1e-6)
    loss.sum().backward()
    close(logits.grad, [[1.0, 0.0, -1.0], [0.0, 0.0, 0.0]], atol=1e-6)


@pytest.mark.parametrize("reduction", RED)
def test_cross_entropy_gradcheck(device, reduction):
    logits = rand64(4, 3, device=device, seed=0, low=-2, high=2)
    tgt = _targets(device)
    w = t64(REF["class_w"], device)
    check_grads(lambda x: F.cross_entropy(x, tgt, reduction=reduction, label_smoothing=0.15), (logits,))
    check_grads(lambda x: F.cross_entropy(x, tgt, weight=w, reduction=reduction), (logits,))
    probs = t64(REF["probs"], device, requires_grad=True)
    check_grads(lambda x, p: F.cross_entropy(x, p, reduction=reduction), (logits, probs))


def test_cross_entropy_gradcheck_nd(device):
    x = rand64(2, 3, 2, device=device, seed=1)
    t = gradkit.tensor(REF["ce3_t"], device=device)
    check_grads(lambda x: F.cross_entropy(x, t, label_smoothing=0.1), (x,))


def test_nll_loss(device):
    lp = F.log_softmax(_logits(device), 1)
    close(F.nll_loss(lp, _targets(device), weight=t64(REF["class_w"], device)), REF["nll_w_mean"])
    close(nn.NLLLoss(reduction="none")(lp, _targets(device)), REF["nll_none"])
    x = rand64(3, 4, device=device, seed=2)
    t = _targets(device, [3, 0, 1])
    check_grads(lambda x: F.nll_loss(x, t), (x,))


def test_classification_errors(device):
    logits = _logits(device)
    with pytest.raises(ValueError, match=r"Expected input batch_size \(4\) to match target batch_size \(3\)"):
        F.cross_entropy(logits, _targets(device, [0, 1, 2]))
    with pytest.raises(RuntimeError, match="expected scalar type Long but found Float"):
        F.nll_loss(logits, gradkit.tensor([0.0, 1.0, 1.0, 0.0], device=device))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        F.cross_entropy(logits, _targets(device), reduction="avg")


def test_target_out_of_bounds_cpu():
    with pytest.raises(IndexError, match="Target 5 is out of bounds."):
        F.cross_entropy(gradkit.ones(2, 3), gradkit.tensor([0, 5]))


def test_target_out_of_bounds_off_cpu_is_nan():
    # on an accelerator the check would need a sync: the loss of that row is NaN instead
    out = F.cross_entropy(gradkit.ones(2, 3, device="strict"), gradkit.tensor([0, 5], device="strict"),
                          reduction="none")
    vals = host(out)
    assert vals[0] == pytest.approx(math.log(3)) and math.isnan(vals[1])


# ----------------------------------------------------------------------------- binary
def test_bce_values(device):
    p, t = t64(REF["bce_p"], device), t64(REF["bce_t"], device)
    close(F.binary_cross_entropy(p, t, reduction="none"), REF["bce_none"])
    close(nn.BCELoss(weight=t64(REF["bce_w"], device))(p, t), REF["bce_mean_w"])
    z = t64(REF["bcel_z"], device)
    close(F.binary_cross_entropy_with_logits(z, t, reduction="none"), REF["bcel_none"])
    loss = nn.BCEWithLogitsLoss(pos_weight=t64(REF["bcel_pw"], device), reduction="none")
    close(loss(z.reshape(2, 3), t.reshape(2, 3)), REF["bcel_pw_none"])


def test_bce_gradcheck(device):
    p = rand64(5, device=device, seed=0, low=0.05, high=0.95)
    t = rand64(5, device=device, seed=1, low=0.0, high=1.0)
    check_grads(F.binary_cross_entropy, (p, t))
    z = rand64(2, 3, device=device, seed=2, low=-3, high=3)
    t2 = rand64(2, 3, device=device, seed=3, low=0.0, high=1.0)
    pw = t64(REF["bcel_pw"], device, requires_grad=True)
    check_grads(lambda z, t, pw: F.binary_cross_entropy_with_logits(z, t, pos_weight=pw), (z, t2, pw))


def test_bce_with_logits_gradient_at_zero(device):
    # d/dz = sigmoid(z) - t, also exactly at z = 0 (no kink from abs/max there)
    z = t64([0.0, 0.0], device, requires_grad=True)
    F.binary_cross_entropy_with_logits(z, t64([1.0, 0.25], device), reduction="sum").backward()
    close(z.grad, [-0.5, 0.25])


def test_bce_errors(device):
    p = t64([0.5, 0.5], device)
    with pytest.raises(ValueError, match="different to the input size"):
        F.binary_cross_entropy(p, t64([[1.0, 0.0]], device))
    with pytest.raises(ValueError, match=r"Target size .* must be the same as input size"):
        F.binary_cross_entropy_with_logits(p, t64([[1.0, 0.0]], device))


def test_bce_input_range_cpu():
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(gradkit.tensor([1.5]), gradkit.tensor([1.0]))


def test_bce_saturated_inputs_are_finite(device):
    p = t64([0.0, 1.0], device, requires_grad=True)
    loss = F.binary_cross_entropy(p, t64([1.0, 0.0], device), reduction="none")
    close(loss, [100.0, 100.0])
    loss.sum().backward()
    assert all(math.isfinite(v) for v in host(p.grad).tolist())


# ----------------------------------------------------------------------------- regression
def test_regression_values(device):
    a, b = t64(REF["reg_a"], device), t64(REF["reg_b"], device)
    close(F.huber_loss(a, b, reduction="none", delta=0.5), REF["huber_none"])
    close(nn.HuberLoss(reduction="none", delta=0.5)(a, b), REF["huber_none"])
    close(F.smooth_l1_loss(a, b, reduction="none", beta=0.5), REF["smoothl1_none"])
    close(nn.SmoothL1Loss(reduction="none", beta=0.5)(a, b), REF["smoothl1_none"])
    close(nn.MSELoss()(a, b), REF["mse"])
    close(nn.L1Loss(reduction="sum")(a, b), REF["l1_sum"])
    assert repr(nn.MSELoss()) == "MSELoss()"


def test_mse_reductions(device):
    a, b = t64([[1.0], [2.0], [4.0]], device), t64([[0.0], [2.0], [1.0]], device)
    close(F.mse_loss(a, b, reduction="none"), [[1.0], [0.0], [9.0]])
    close(F.mse_loss(a, b, reduction="sum"), 10.0)
    close(F.mse_loss(a, b), 10.0 / 3)
    w = t64([[1.0], [0.0], [2.0]], device)
    close(F.mse_loss(a, b, weight=w), 19.0 / 3)


def test_mse_warns_on_broadcast(device):
    with pytest.warns(UserWarning, match="Using a target size"):
        out = F.mse_loss(t64([[1.0], [2.0]], device), t64([1.0, 2.0], device))
    close(out, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.mse_loss(t64([1.0], device), t64([1.0], device))


@pytest.mark.parametrize("name,fn,second", [
    ("mse", lambda a, b: F.mse_loss(a, b), True),
    ("mse_none", lambda a, b: F.mse_loss(a, b, reduction="none"), True),
    ("mse_sum", lambda a, b: F.mse_loss(a, b, reduction="sum"), True),
    ("mse_weighted", lambda a, b: F.mse_loss(a, b, weight=(a.detach() * 0 + 1).cumsum(0)), True),
    ("l1", lambda a, b: F.l1_loss(a, b, reduction="sum"), False),
    ("huber", lambda a, b: F.huber_loss(a, b, delta=0.4), False),
    ("smooth_l1", lambda a, b: F.smooth_l1_loss(a, b, beta=0.6), False),
    ("kl_div", lambda a, b: F.kl_div(F.log_softmax(a, 0), F.softmax(b, 0), reduction="batchmean"), True),
])
def test_regression_gradcheck(device, name, fn, second):
    a = t64([0.2, -1.1, 0.9, 2.0, -0.3], device, requires_grad=True)
    b = t64([0.5, 0.1, 0.85, -0.4, -0.1], device, requires_grad=True)
    check_grads(fn, (a, b), second_order=second)


def test_legacy_reduction_args(device):
    a, b = t64([1.0, 3.0], device), t64([0.0, 0.0], device)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        out = F.mse_loss(a, b, size_average=False)
    close(out, 10.0)
    with pytest.warns(UserWarning):
        close(nn.MSELoss(reduce=False)(a, b), [1.0, 9.0])


def test_loss_second_order_through_model(device):
    # a gradient penalty: d/dW of |dL/dx|^2 needs log_softmax's backward to be differentiable
    gradkit.manual_seed(0)
    lin = nn.Linear(3, 4, dtype=gradkit.float64, device=device)
    x = leaf(rand64(2, 3, device=device, seed=5))
    loss = F.cross_entropy(lin(x), _targets(device, [1, 3]))
    (gx,) = gradkit.autograd.grad(loss, x, create_graph=True)
    (gx * gx).sum().backward()
    assert lin.weight.grad is not None and lin.weight.grad.shape == (4, 3)


def test_grad_fn_names_follow_pytorch(device):
    x = rand64(2, 3, device=device)
    t = _targets(device, [0, 2])
    assert F.cross_entropy(x, t).grad_fn.name() == "NllLossBackward0"
    assert F.cross_entropy(x, t, reduction="none").grad_fn.name() == "NllLossBackward0"
    assert F.mse_loss(x, x.detach()).grad_fn.name() == "MseLossBackward0"
    lin = nn.Linear(3, 2, dtype=gradkit.float64, device=device)
    assert lin(x).grad_fn.name() == "AddmmBackward0"
    assert F.linear(x, lin.weight).grad_fn.name() == "MmBackward0"
    assert F.gelu(x).grad_fn.name() == "GeluBackward0"
