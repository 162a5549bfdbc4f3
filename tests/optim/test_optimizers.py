"""Optimizers against their update formulas written out by hand (plain Python floats on
two float64 elements, several steps), plus param groups, zero_grad, state_dict and errors."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import gradkit as gk
from gradkit import optim

W0 = [1.0, -2.0]
K = [0.5, -1.0]


def grad_at(x, i):
    """The gradient fed to element i at value x (of f = 0.1 x^3 + K[i] x)."""
    return 0.3 * x * x + K[i]


def run_gradkit(cls, kwargs, steps, device):
    """Trajectory of a float64 two-element parameter under ``cls``, the gradient set by hand."""
    w = gk.tensor(W0, dtype=gk.float64, device=device, requires_grad=True)
    opt = cls([w], **kwargs)
    out = []
    for _ in range(steps):
        w.grad = gk.tensor([grad_at(x, i) for i, x in enumerate(w.tolist())], dtype=gk.float64, device=device)
        opt.step()
        out.append(w.tolist())
    return out


def assert_trajectory(got, expected):
    np.testing.assert_allclose(np.array(got), np.array(expected), rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- reference formulas, one element at a time
def ref_sgd(steps, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    w = list(W0)
    buf = [None, None]
    out = []
    for _ in range(steps):
        for i in range(2):
            g = grad_at(w[i], i)
            if maximize:
                g = -g
            g = g + weight_decay * w[i]
            if momentum != 0:
                buf[i] = g if buf[i] is None else momentum * buf[i] + (1 - dampening) * g
                g = g + momentum * buf[i] if nesterov else buf[i]
            w[i] = w[i] - lr * g
        out.append(list(w))
    return out


def ref_adam(steps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, maximize=False,
             decoupled=False):
    b1, b2 = betas
    w = list(W0)
    m, v, vmax = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    out = []
    for t in range(1, steps + 1):
        for i in range(2):
            g = grad_at(w[i], i)
            if maximize:
                g = -g
            if decoupled:
                w[i] = w[i] * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * w[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat = m[i] / (1 - b1 ** t)
            if amsgrad:
                vmax[i] = max(vmax[i], v[i])
                denom = math.sqrt(vmax[i]) / math.sqrt(1 - b2 ** t) + eps
            else:
                denom = math.sqrt(v[i]) / math.sqrt(1 - b2 ** t) + eps
            w[i] = w[i] - lr * m_hat / denom
        out.append(list(w))
    return out


def ref_rmsprop(steps, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
                maximize=False):
    w = list(W0)
    v, gbar, buf = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
    out = []
    for _ in range(steps):
        for i in range(2):
            g = grad_at(w[i], i)
            if maximize:
                g = -g
            g = g + weight_decay * w[i]
            v[i] = alpha * v[i] + (1 - alpha) * g * g
            if centered:
                gbar[i] = alpha * gbar[i] + (1 - alpha) * g
                avg = math.sqrt(v[i] - gbar[i] ** 2) + eps
            else:
                avg = math.sqrt(v[i]) + eps
            if momentum > 0:
                buf[i] = momentum * buf[i] + g / avg
                w[i] = w[i] - lr * buf[i]
            else:
                w[i] = w[i] - lr * g / avg
        out.append(list(w))
    return out


def ref_adagrad(steps, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
                maximize=False):
    w = list(W0)
    s = [initial_accumulator_value] * 2
    out = []
    for t in range(1, steps + 1):
        for i in range(2):
            g = grad_at(w[i], i)
            if maximize:
                g = -g
            g = g + weight_decay * w[i]
            clr = lr / (1 + (t - 1) * lr_decay)
            s[i] = s[i] + g * g
            w[i] = w[i] - clr * g / (math.sqrt(s[i]) + eps)
        out.append(list(w))
    return out


def ref_adadelta(steps, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False):
    w = list(W0)
    v, u = [0.0, 0.0], [0.0, 0.0]
    out = []
    for _ in range(steps):
        for i in range(2):
            g = grad_at(w[i], i)
            if maximize:
                g = -g
            g = g + weight_decay * w[i]
            v[i] = rho * v[i] + (1 - rho) * g * g
            delta = math.sqrt(u[i] + eps) / math.sqrt(v[i] + eps) * g
            u[i] = rho * u[i] + (1 - rho) * delta * delta
            w[i] = w[i] - lr * delta
        out.append(list(w))
    return out


CASES = [
    (optim.SGD, ref_sgd, {"lr": 0.1}),
    (optim.SGD, ref_sgd, {"lr": 0.1, "weight_decay": 0.2}),
    (optim.SGD, ref_sgd, {"lr": 0.1, "momentum": 0.9}),
    (optim.SGD, ref_sgd, {"lr": 0.1, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1}),
    (optim.SGD, ref_sgd, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05}),
    (optim.SGD, ref_sgd, {"lr": 0.05, "momentum": 0.5, "maximize": True}),
    (optim.Adam, ref_adam, {"lr": 0.1}),
    (optim.Adam, ref_adam, {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    (optim.Adam, ref_adam, {"lr": 0.1, "amsgrad": True}),
    (optim.Adam, ref_adam, {"lr": 0.05, "betas": (0.3, 0.9), "maximize": True, "amsgrad": True}),
    (optim.AdamW, lambda steps, **kw: ref_adam(steps, decoupled=True, **{"weight_decay": 1e-2, **kw}),
     {"lr": 0.1}),
    (optim.AdamW, lambda steps, **kw: ref_adam(steps, decoupled=True, **kw),
     {"lr": 0.1, "weight_decay": 0.3, "amsgrad": True, "maximize": True}),
    (optim.RMSprop, ref_rmsprop, {"lr": 0.01}),
    (optim.RMSprop, ref_rmsprop, {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.1}),
    (optim.RMSprop, ref_rmsprop, {"lr": 0.01, "momentum": 0.9}),
    (optim.RMSprop, ref_rmsprop, {"lr": 0.01, "centered": True}),
    (optim.RMSprop, ref_rmsprop, {"lr": 0.01, "momentum": 0.5, "centered": True, "maximize": True}),
    (optim.Adagrad, ref_adagrad, {"lr": 0.1}),
    (optim.Adagrad, ref_adagrad, {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1}),
    (optim.Adagrad, ref_adagrad, {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-5, "maximize": True}),
    (optim.Adadelta, ref_adadelta, {}),
    (optim.Adadelta, ref_adadelta, {"lr": 0.5, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.1}),
    (optim.Adadelta, ref_adadelta, {"maximize": True}),
]


@pytest.mark.parametrize("cls,ref,kwargs", CASES,
                         ids=[c[0].__name__ + "-" + "-".join(f"{k}={v}" for k, v in c[2].items()) for c in CASES])
def test_update_matches_hand_formula(cls, ref, kwargs, device):
    steps = 4
    assert_trajectory(run_gradkit(cls, kwargs, steps, device), ref(steps, **kwargs))


# ---------------------------------------------------------------- param groups (D2L weight decay)
def test_sgd_param_groups_single_tensor_and_weight_decay(device):
    """D2L: SGD([{"params": net[0].weight, 'weight_decay': wd}, {"params": net[0].bias}], lr=lr)."""
    w = gk.tensor([[1.0, -2.0]], device=device, requires_grad=True)
    b = gk.tensor([0.5], device=device, requires_grad=True)
    lr, wd = 0.1, 3.0
    opt = optim.SGD([{"params": w, "weight_decay": wd}, {"params": b}], lr=lr)
    assert [len(g["params"]) for g in opt.param_groups] == [1, 1]
    assert opt.param_groups[0]["params"][0] is w
    assert opt.param_groups[0]["weight_decay"] == wd and opt.param_groups[1]["weight_decay"] == 0
    assert opt.param_groups[1]["lr"] == lr
    w.grad = gk.tensor([[0.2, 0.4]], device=device)
    b.grad = gk.tensor([1.0], device=device)
    opt.step()
    # p -= lr * (g + wd * p)
    np.testing.assert_allclose(w.tolist(), [[1.0 - lr * (0.2 + wd * 1.0), -2.0 - lr * (0.4 + wd * -2.0)]], rtol=1e-6)
    np.testing.assert_allclose(b.tolist(), [0.5 - lr * 1.0], rtol=1e-6)


def test_group_options_override_defaults(device):
    a = gk.ones(2, device=device, requires_grad=True)
    b = gk.ones(2, device=device, requires_grad=True)
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5, "betas": (0.5, 0.9)}], lr=0.1)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["betas"] == (0.9, 0.999)
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["betas"] == (0.5, 0.9)
    a.grad = gk.ones(2, device=device)
    b.grad = gk.ones(2, device=device)
    opt.step()
    # Adam's first step moves each element by lr (times g / (|g| + eps))
    np.testing.assert_allclose(a.tolist(), [0.9, 0.9], rtol=1e-6)
    np.testing.assert_allclose(b.tolist(), [0.5, 0.5], rtol=1e-6)


def test_add_param_group_and_lr_edits(device):
    a = gk.ones(2, device=device, requires_grad=True)
    b = gk.ones(3, device=device, requires_grad=True)
    opt = optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert len(opt.param_groups) == 2 and opt.param_groups[1]["momentum"] == 0
    a.grad = gk.ones(2, device=device)
    b.grad = gk.ones(3, device=device)
    opt.param_groups[0]["lr"] = 0.0  # schedulers work this way
    opt.step()
    assert a.tolist() == [1.0, 1.0]
    np.testing.assert_allclose(b.tolist(), [0.99] * 3, rtol=1e-6)


def test_generator_of_params_and_named_params(device):
    ps = [gk.ones(2, device=device, requires_grad=True) for _ in range(3)]
    opt = optim.SGD((p for p in ps), lr=0.1)
    assert opt.param_groups[0]["params"] == ps or all(x is y for x, y in zip(opt.param_groups[0]["params"], ps))
    named = optim.SGD([("w", ps[0]), ("b", ps[1])], lr=0.1)
    assert named.param_groups[0]["param_names"] == ["w", "b"]


def test_reachable_as_an_attribute_of_gradkit():
    """``import gradkit as torch`` then ``torch.optim.SGD`` (no explicit import of gradkit.optim)."""
    import subprocess
    import sys

    code = ("import gradkit as torch; w = torch.zeros(2, requires_grad=True); "
            "o = torch.optim.SGD([w], lr=0.1); torch.optim.lr_scheduler.StepLR(o, 1); "
            "assert isinstance(o, torch.optim.Optimizer)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_tensor_lr(device):
    w = gk.ones(2, device=device, requires_grad=True)
    opt = optim.SGD([w], lr=gk.tensor(0.5))
    w.grad = gk.ones(2, device=device)
    opt.step()
    assert w.tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        optim.Adam([w], lr=gk.ones(2))


def test_isinstance_and_repr():
    w = gk.zeros(2, requires_grad=True)
    opt = optim.SGD([w], lr=0.03)
    assert isinstance(opt, optim.Optimizer) and isinstance(opt, gk.optim.Optimizer)
    assert repr(opt) == ("SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n"
                         "    fused: None\n    lr: 0.03\n    maximize: False\n    momentum: 0\n    nesterov: False\n"
                         "    weight_decay: 0\n)")


# ---------------------------------------------------------------- errors (PyTorch's types and messages)
def test_errors():
    w = gk.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate: -0.1"):
        optim.SGD([w], lr=-0.1)
    for cls in (optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad, optim.Adadelta):
        with pytest.raises(ValueError, match="Invalid learning rate"):
            cls([w], lr=-1.0)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(TypeError, match="params argument given to the optimizer should be an iterable"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="organized in ordered collections"):
        optim.SGD([{"params": {w}}], lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the params is int"):
        optim.SGD([1], lr=0.1)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum and zero dampening"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Invalid momentum value"):
        optim.SGD([w], lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="Invalid weight_decay value"):
        optim.Adam([w], weight_decay=-1.0)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1"):
        optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Invalid epsilon value"):
        optim.RMSprop([w], eps=-1.0)
    with pytest.raises(ValueError, match="Invalid rho value"):
        optim.Adadelta([w], rho=1.5)
    with pytest.raises(TypeError, match="param_group must be a dict"):
        optim.SGD([w], lr=0.1).add_param_group([w])
    with pytest.raises(NotImplementedError):
        optim.Optimizer([w], {}).step()


def test_duplicate_parameter_warns():
    w = gk.zeros(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([w, w], lr=0.1)


# ---------------------------------------------------------------- zero_grad
def test_zero_grad_sets_none_by_default(device):
    w = gk.ones(3, device=device, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * 2).sum().backward()
    assert w.grad is not None
    opt.zero_grad()
    assert w.grad is None
    opt.zero_grad()  # nothing to do
    assert w.grad is None


def test_zero_grad_in_place(device):
    w = gk.ones(3, device=device, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * 2).sum().backward()
    g = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is g and w.grad.tolist() == [0.0, 0.0, 0.0]
    (w * 3).sum().backward()  # accumulates into the zeroed grad
    assert w.grad.tolist() == [3.0, 3.0, 3.0]


def test_zero_grad_in_place_detaches_a_grad_with_history(device):
    w = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * w * w).sum().backward(create_graph=True)
    assert w.grad.grad_fn is not None
    opt.zero_grad(set_to_none=False)
    assert w.grad.grad_fn is None and not w.grad.requires_grad
    assert w.grad.tolist() == [0.0, 0.0]


# ---------------------------------------------------------------- step mechanics
def test_params_without_grad_are_skipped(device):
    a = gk.ones(2, device=device, requires_grad=True)
    b = gk.ones(2, device=device, requires_grad=True)
    for cls in (optim.SGD, optim.Adam, optim.RMSprop, optim.Adadelta):
        opt = cls([a, b], lr=0.1, **({"momentum": 0.9} if cls is optim.SGD else {}))
        a.grad = gk.ones(2, device=device)
        b.grad = None
        opt.step()
        assert b.tolist() == [1.0, 1.0]
        assert len(opt.state[b]) == 0


def test_update_is_in_place_on_the_parameter_storage(device):
    w = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    alias = w.detach()  # shares storage
    version = w._version_number
    opt = optim.Adam([w], lr=0.1)
    w.grad = gk.tensor([1.0, -1.0], device=device)
    opt.step()
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    np.testing.assert_allclose(alias.tolist(), [0.9, 2.1], rtol=1e-6)
    assert w._version_number > version


def test_step_inside_no_grad_and_closure(device):
    """D2L's Trainer calls backward and step inside no_grad; a closure runs with grad on."""
    w = gk.tensor([1.0, -1.0], device=device, requires_grad=True)
    opt = optim.SGD([w], lr=0.25)

    def closure():
        assert gk.is_grad_enabled()
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with gk.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 2.0
    assert w.tolist() == [0.5, -0.5]  # w - 0.25 * 2w
    assert opt.step() is None


def test_state_lives_on_the_parameter_device(device):
    w = gk.ones(2, device=device, requires_grad=True)
    opt = optim.Adam([w], lr=0.1, amsgrad=True)
    w.grad = gk.ones(2, device=device)
    opt.step()
    state = opt.state[w]
    assert list(state) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
        assert isinstance(state[key], gk.Tensor) and state[key].device == w.device
    # like PyTorch, the step count is a float32 CPU tensor (reading it needs no device sync)
    assert state["step"].device.type == "cpu" and state["step"].dtype is gk.float32 and state["step"].item() == 1.0


def test_adagrad_state_exists_from_construction(device):
    w = gk.ones(2, device=device, requires_grad=True)
    opt = optim.Adagrad([w], lr=0.1, initial_accumulator_value=0.25)
    assert opt.state[w]["sum"].tolist() == [0.25, 0.25] and opt.state[w]["step"].item() == 0.0


def test_float32_params_stay_float32(device):
    for cls in (optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad, optim.Adadelta):
        w = gk.ones(2, device=device, requires_grad=True)
        opt = cls([w], lr=0.1)
        w.grad = gk.ones(2, device=device)
        opt.step()
        assert w.dtype is gk.float32
        assert all(v.dtype is gk.float32 for v in opt.state[w].values())


def test_linear_regression_trains(device):
    """The D2L loop: zero_grad, backward, step, on a tiny linear regression."""
    gk.manual_seed(0)
    true_w = gk.tensor([[2.0], [-3.4]], device=device)
    X = gk.randn(64, 2, device=device)
    y = X @ true_w + 4.2
    w = gk.zeros(2, 1, device=device, requires_grad=True)
    b = gk.zeros(1, device=device, requires_grad=True)
    for cls, kw in ((optim.SGD, {"lr": 0.2, "momentum": 0.5}), (optim.Adam, {"lr": 0.1})):
        with gk.no_grad():
            w.zero_()
            b.zero_()
        opt = cls([w, b], **kw)
        for _ in range(150):
            opt.zero_grad()
            loss = ((X @ w + b - y) ** 2).mean()
            loss.backward()
            opt.step()
        assert loss.item() < 1e-3, (cls.__name__, loss.item())
        np.testing.assert_allclose(w.detach().reshape(-1).tolist(), [2.0, -3.4], atol=1e-2)


# ---------------------------------------------------------------- state_dict
STATEFUL = [
    (optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    (optim.SGD, {"lr": 0.1}),
    (optim.Adam, {"lr": 0.05, "amsgrad": True}),
    (optim.AdamW, {"lr": 0.05}),
    (optim.RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True}),
    (optim.Adagrad, {"lr": 0.1, "lr_decay": 0.01}),
    (optim.Adadelta, {"weight_decay": 0.1}),
]


def _two_group_params(device, values=None):
    a = gk.tensor(values[0] if values else [1.0, -2.0], device=device, requires_grad=True)
    b = gk.tensor(values[1] if values else [[0.5, 3.0], [-1.0, 0.25]], device=device, requires_grad=True)
    return a, b


def _feed(params, device):
    for p in params:
        d = p.detach()
        p.grad = (d * d) * 0.3 - d + 0.5


@pytest.mark.parametrize("cls,kwargs", STATEFUL, ids=[f"{c.__name__}-{kw}" for c, kw in STATEFUL])
def test_state_dict_round_trip_continues_the_trajectory(cls, kwargs, device):
    a, b = _two_group_params(device)
    opt = cls([{"params": [a]}, {"params": b, "lr": kwargs.get("lr", 1.0) * 0.5}], **kwargs)
    for _ in range(3):
        _feed((a, b), device)
        opt.step()
    sd = opt.state_dict()

    # PyTorch's layout: parameters become their position across groups
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sd["param_groups"][1]["lr"] == kwargs.get("lr", 1.0) * 0.5
    assert set(sd["state"]) == (set() if cls is optim.SGD and "momentum" not in kwargs else {0, 1})
    for st in sd["state"].values():
        assert all(isinstance(v, gk.Tensor) for v in st.values())

    a2, b2 = _two_group_params(device, (a.tolist(), b.tolist()))
    opt2 = cls([{"params": [a2]}, {"params": b2}], **kwargs)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[1]["lr"] == kwargs.get("lr", 1.0) * 0.5
    assert opt2.param_groups[0]["params"][0] is a2
    for st, st2 in zip(opt.state.values(), opt2.state.values()):
        for k in st:
            assert st2[k] is not st[k] and st2[k].tolist() == st[k].tolist()
            assert st2[k].device == st[k].device

    for _ in range(3):
        _feed((a, b), device)
        opt.step()
        _feed((a2, b2), device)
        opt2.step()
        assert a2.tolist() == a.tolist() and b2.tolist() == b.tolist()


def test_load_state_dict_errors():
    a, b = _two_group_params("cpu")
    opt = optim.SGD([a, b], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(opt.state_dict())
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.SGD([a], lr=0.1).load_state_dict(opt.state_dict())


def test_load_state_dict_casts_state_to_the_parameter(device):
    a = gk.ones(2, requires_grad=True)  # state recorded on the CPU
    opt = optim.Adam([a], lr=0.1)
    a.grad = gk.ones(2)
    opt.step()
    b = gk.ones(2, device=device, dtype=gk.float64, requires_grad=True)
    opt2 = optim.Adam([b], lr=0.1)
    opt2.load_state_dict(opt.state_dict())
    st = opt2.state[b]
    assert st["exp_avg"].device == b.device and st["exp_avg"].dtype is gk.float64
    assert st["step"].dtype is gk.float32 and st["step"].device.type == "cpu"
    b.grad = gk.ones(2, device=device, dtype=gk.float64)
    opt2.step()
    assert st["step"].item() == 2.0


def test_no_warnings_in_a_normal_step(device):
    w = gk.ones(2, device=device, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
