"""The view record (ops._view_record): one record per differentiable view, its steps
composed from the root base, replayed in one pass; positions found once per record;
in-place writes through nested views differentiate as the out-of-place equivalent."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
import gradkit._tensor as tensor_module
from gradkit.ops import _view_record
from gradkit.ops import views as V
from gradkit.ops.indexing import getitem
from helpers import host

from ._util import assert_values


def _record(t):
    return t._extra["view"]


def test_a_view_of_a_view_records_its_steps_from_the_root():
    x = gk.randn(4, 6, requires_grad=True)
    y = x * 1.0
    v = y.reshape(6, 4).t()[1:3]
    record = _record(v)
    assert v._base is y
    assert [op for op, _ in record.steps] == [V.reshape, V.permute, getitem]
    assert record.version == y._version[0]
    # replaying the steps on the root makes the same view
    assert_values(record.replay(y).detach(), host(v.detach()))


def test_aliases_add_no_step():
    y = gk.randn(3, 4, requires_grad=True) * 1.0
    v = y.reshape(3, 4).squeeze().expand(3, 4).reshape(12)
    assert [op for op, _ in _record(v).steps] == [V.reshape]


def test_views_outside_grad_mode_and_of_detached_tensors_have_no_record():
    y = gk.randn(3, 4, requires_grad=True) * 1.0
    with gk.no_grad():
        v = y.t()
    assert v._base is y and (v._extra is None or "view" not in v._extra)
    w = y.detach().t()[0]
    assert w._base is y and (w._extra is None or "view" not in w._extra)


def test_positions_are_found_once_per_record(monkeypatch):
    calls = []
    replay = _view_record.ViewRecord.replay

    def counting(self, base):
        if not gk.is_grad_enabled():
            calls.append(self)
        return replay(self, base)

    monkeypatch.setattr(_view_record.ViewRecord, "replay", counting)
    w = gk.randn(3, 4, requires_grad=True)
    y = w * 1.0
    v = y.t()[1]
    v.mul_(2.0)
    v.add_(1.0)
    v[0] = 5.0
    assert len(calls) == 1
    y.sum().backward()
    expected = np.ones((3, 4))
    expected[0, 1] = 0.0  # overwritten by a constant
    expected[1:, 1] = 2.0
    np.testing.assert_allclose(host(w.grad), expected)


@pytest.mark.parametrize("make_view", [
    lambda y: y.reshape(6, 4).t()[1:3],
    lambda y: y[1:].transpose(0, 1).unsqueeze(0)[0, ::2],
    lambda y: y.unflatten(1, (2, 3))[:, 1].expand(4, 3)[2:],
    lambda y: y.chunk(2, dim=0)[1].flatten()[3:9],
], ids=["reshape-t-slice", "slice-transpose-unsqueeze-step", "unflatten-select-expand", "chunk-flatten-slice"])
def test_in_place_through_nested_views_matches_out_of_place(device, make_view):
    data = np.random.default_rng(0).standard_normal((4, 6))
    scale = np.random.default_rng(1).standard_normal((4, 6))
    # in place through the view
    x = gk.tensor(data, requires_grad=True, device=device)
    y = x * 1.0
    v = make_view(y)
    v.mul_(3.0)
    v.add_(1.0)
    (y * gk.tensor(scale, device=device)).sum().backward()
    # the same function out of place: positions marked on an index grid
    idx = gk.arange(24.0, device=device).reshape(4, 6)
    mask = np.zeros(24, dtype=bool)
    mask[host(make_view(idx)).astype(int).reshape(-1)] = True
    mask = mask.reshape(4, 6)
    x2 = gk.tensor(data, requires_grad=True, device=device)
    y2 = x2 * 1.0
    out = gk.where(gk.tensor(mask, device=device), y2 * 3.0 + 1.0, y2)
    (out * gk.tensor(scale, device=device)).sum().backward()
    np.testing.assert_allclose(host(y.detach()), host(out.detach()))
    np.testing.assert_allclose(host(x.grad), host(x2.grad))
    assert y.grad_fn.name() == "CopySlices"


def test_a_view_regains_its_history_after_its_base_changes(device):
    x = gk.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True, device=device)
    y = x * 1.0
    v = y.reshape(2, 2)[1]
    y.mul_(3.0)  # v's storage changed: its history is refreshed when it is next used
    v.sum().backward()
    np.testing.assert_allclose(host(x.grad), [0.0, 0.0, 3.0, 3.0])
    assert _record(v).version == y._version[0]


def test_tensor_reaches_refresh_view_by_import():
    # no global injected into the Tensor module at import time
    assert tensor_module._refresh_view.__module__ == "gradkit._tensor"
