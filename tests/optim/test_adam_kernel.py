"""Adam/AdamW's one-kernel update equals the same update written with tensor ops, bit for bit."""
from __future__ import annotations

import pytest

import gradkit as gk
from gradkit.optim import adam as adam_module


def _trajectory(device, opt_cls, kwargs, one_kernel, monkeypatch):
    if not one_kernel:
        monkeypatch.setattr(adam_module, "_one_kernel", lambda *t: False)
    gen = gk.Generator().manual_seed(0)
    p = gk.randn(5, 3, generator=gen).to(device).requires_grad_()
    q = gk.randn(4, generator=gen).to(device).requires_grad_()
    opt = opt_cls([p, q], lr=0.05, **kwargs)
    for i in range(4):
        loss = (p * p).sum() * (i + 1) + (q ** 3).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    monkeypatch.undo()
    return [p.detach().clone(), q.detach().clone(), opt.state[p]["exp_avg"].clone(),
            opt.state[p]["exp_avg_sq"].clone()]


@pytest.mark.parametrize("opt_cls, kwargs", [
    (gk.optim.Adam, {}), (gk.optim.Adam, {"weight_decay": 0.1, "maximize": True}),
    (gk.optim.AdamW, {"weight_decay": 0.3}), (gk.optim.Adam, {"betas": (0.3, 0.99)}),
    (gk.optim.AdamW, {"betas": (0.45, 0.9), "eps": 1e-3})])
def test_one_kernel_update_equals_tensor_ops(device, opt_cls, kwargs, monkeypatch):
    fused = _trajectory(device, opt_cls, kwargs, True, monkeypatch)
    plain = _trajectory(device, opt_cls, kwargs, False, monkeypatch)
    for a, b in zip(fused, plain):
        assert gk.equal(a, b)


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
