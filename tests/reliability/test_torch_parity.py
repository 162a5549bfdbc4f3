"""The programs of ``_torch_cases.py`` give PyTorch's results (recorded in
``_torch_expected.py``) on every device: ``autograd.functional`` and ``gradkit.func``
(values, tuple-vs-tensor structure, requires_grad of the results), Module forward and
full backward hooks (what each hook sees, in which order, and the gradients), and the
NaN/inf and edge semantics of gradients (log(0), sqrt at 0, relu/abs at 0, max ties,
empty and 0-d tensors)."""
from __future__ import annotations

import math

import pytest

import gradkit as gk
import gradkit.func
import gradkit.nn as nn
from gradkit.autograd import functional as AF

from ._torch_cases import edge_cases, encode, functional_cases, hook_cases
from ._torch_expected import EXPECTED

# log(0), exp(1000), 0/0 ...: IEEE results on purpose (gradkit silences NumPy's warnings, pytest re-enables them)
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# where gradkit gives a different answer: case -> reason. Each runs as an expected failure
# (strict: the day it matches PyTorch the test says so, and the entry goes)
DIFFERENCES: dict[str, str] = {
    "median_ties": "median() without dim: PyTorch spreads the gradient evenly over the elements equal to the median "
                   "(evenly_distribute_backward); gradkit's median (ops/sorting.py: a sort and an index) gives it all "
                   "to one of them. Reported, not changed here.",
}


def _groups(device):
    return {"functional": functional_cases(gk, AF, gk.func, device), "hooks": hook_cases(gk, nn, device),
            "edge": edge_cases(gk, device)}


def _ids(group):
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=DIFFERENCES[name]))
            if name in DIFFERENCES else name for name in sorted(EXPECTED[group])]


def _compare(got, want, where):
    assert got[0] == want[0], f"{where}: gradkit gives a {got[0]}, PyTorch a {want[0]}"
    if got[0] == "tuple":
        assert len(got[1]) == len(want[1]), f"{where}: {len(got[1])} items, PyTorch {len(want[1])}"
        for k, (g, w) in enumerate(zip(got[1], want[1])):
            _compare(g, w, f"{where}[{k}]")
    elif got[0] == "T":
        _, gshape, gvals, greq = got
        _, wshape, wvals, wreq = want
        assert gshape == wshape, f"{where}: shape {gshape}, PyTorch {wshape}"
        assert greq == wreq, f"{where}: requires_grad {greq}, PyTorch {wreq}"
        for i, (g, w) in enumerate(zip(gvals, wvals)):
            if math.isnan(w):
                assert math.isnan(g), f"{where}[{i}]: {g}, PyTorch nan"
            elif math.isinf(w):
                assert g == w, f"{where}[{i}]: {g}, PyTorch {w}"
            else:
                assert abs(g - w) <= 1e-12 + 1e-10 * abs(w), f"{where}[{i}]: {g}, PyTorch {w}"
    else:
        assert got[1].replace("gradkit", "torch") == want[1], f"{where}: {got[1]} vs PyTorch {want[1]}"


def test_every_case_has_a_recorded_result():
    for group, cases in _groups("cpu").items():
        assert sorted(cases) == sorted(EXPECTED[group]), group
    assert set(DIFFERENCES) <= {name for group in EXPECTED.values() for name in group}


def _run(group, name, device):
    got = encode(_groups(device)[group][name]())
    _compare(got, EXPECTED[group][name], name)


@pytest.mark.parametrize("name", _ids("functional"))
def test_functional_and_func_match_pytorch(device, name):
    _run("functional", name, device)


@pytest.mark.parametrize("name", _ids("hooks"))
def test_module_hooks_match_pytorch(device, name):
    _run("hooks", name, device)


@pytest.mark.parametrize("name", _ids("edge"))
def test_edge_semantics_match_pytorch(device, name):
    _run("edge", name, device)


def test_results_stay_on_the_device(device):
    x = gk.tensor([0.5, -1.0], dtype=gk.float64, device=device)
    for r in (AF.jacobian(lambda a: a.exp(), x), AF.hessian(lambda a: (a ** 3).sum(), x),
              AF.jvp(lambda a: a.sin(), x, x)[1], gk.func.grad(lambda a: a.sin().sum())(x),
              gk.func.jacrev(lambda a: a * a)(x)):
        assert r.device == gk.device(device)
