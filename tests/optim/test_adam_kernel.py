"""Adam/AdamW's one-kernel update equals the same update written with tensor ops, bit for bit."""
from __future__ import annotations

import pytest

import gradkit as gk


def _reference_step(p, grad, state, group, amsgrad):
    """Adam's update written with gradkit's tensor ops, in the docstring's order."""
    from gradkit.optim.optimizer import _decay_square_, _lerp_

    lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
    state["step"] += 1
    step = state["step"]
    if group["maximize"]:
        grad = -grad
    if wd != 0:
        if group["decoupled_weight_decay"]:
            p *= 1 - lr * wd
        else:
            grad = grad + p * wd
    _lerp_(state["exp_avg"], grad, 1 - beta1)
    _decay_square_(state["exp_avg_sq"], grad, beta2)
    if amsgrad:
        state["max_exp_avg_sq"] = gk.maximum(state["max_exp_avg_sq"], state["exp_avg_sq"])
    denom = (state["max_exp_avg_sq"] if amsgrad else state["exp_avg_sq"]).sqrt()
    denom /= (1 - beta2 ** step) ** 0.5
    denom += eps
    update = state["exp_avg"] * -(lr / (1 - beta1 ** step))
    update /= denom
    p += update


def _losses(p, q, i):
    return (p * p).sum() * (i + 1) + (q ** 3).sum()


@pytest.mark.parametrize("opt_cls, kwargs", [
    (gk.optim.Adam, {}), (gk.optim.Adam, {"weight_decay": 0.1, "maximize": True}),
    (gk.optim.AdamW, {"weight_decay": 0.3}), (gk.optim.Adam, {"betas": (0.3, 0.99)}),
    (gk.optim.AdamW, {"betas": (0.45, 0.9), "eps": 1e-3, "amsgrad": True}), (gk.optim.Adam, {"amsgrad": True})])
def test_one_kernel_update_equals_tensor_ops(device, opt_cls, kwargs):
    """The backend's one-call update gives, bit for bit, what the tensor-op formulation gives."""
    gen = gk.Generator().manual_seed(0)
    start = [gk.randn(5, 3, generator=gen).to(device), gk.randn(4, generator=gen).to(device)]
    params = [t.clone().requires_grad_() for t in start]
    ref = [t.clone().requires_grad_() for t in start]
    opt = opt_cls(params, lr=0.05, **kwargs)
    group = opt.param_groups[0]
    amsgrad = group["amsgrad"]
    states = [{"step": 0, "exp_avg": gk.zeros_like(t), "exp_avg_sq": gk.zeros_like(t),
               "max_exp_avg_sq": gk.zeros_like(t)} for t in start]
    for i in range(4):
        opt.zero_grad()
        _losses(*params, i).backward()
        opt.step()
        for t in ref:
            t.grad = None
        _losses(*ref, i).backward()
        with gk.no_grad():
            for t, state in zip(ref, states):
                _reference_step(t, t.grad, state, group, amsgrad)
    for a, b, state in zip(params, ref, states):
        assert gk.equal(a, b)
        assert gk.equal(opt.state[a]["exp_avg"], state["exp_avg"])


def test_the_update_moves_the_parameters_version(device):
    """A graph that saved a parameter before the step refuses to run backward after it, as
    after any in-place change."""
    p = gk.ones(3, device=device, requires_grad=True)
    opt = gk.optim.Adam([p])
    (p * p).sum().backward()
    kept = (p * p).sum()
    before = p._version[0]
    opt.step()
    assert p._version[0] == before + 1
    assert opt.state[p]["exp_avg"]._version[0] == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        kept.backward()
