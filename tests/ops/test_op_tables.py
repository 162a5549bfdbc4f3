"""The op tables: for every row of every elementwise family, the function, the gradkit
export, the Tensor method and (where the row has one) the in-place variant exist and agree.
Parametrised over the tables themselves, so a new row is tested without a new test."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import gradkit as gk
from gradkit.ops import arith, compare, select, unary
from helpers import host

FAMILIES = (arith.FAMILY, unary.FAMILY, compare.FAMILY, select.FAMILY)
ROWS = [pytest.param(family, row, id=f"{family.name}.{row.name}") for family in FAMILIES for row in family.rows]
NAMES = [pytest.param(family, name, id=f"{family.name}.{name}") for family in FAMILIES for name in family.functions]
INPLACE = [pytest.param(family, name, id=f"{family.name}.{name}_") for family in FAMILIES for name in family.inplace]


def _arity(fn):
    return sum(1 for p in inspect.signature(fn).parameters.values()
               if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty)


def _sample(family, name, device):
    """Arguments every op is defined on: values inside (0, 1) for one-input ops (logs,
    inverse trig, logit and erfinv included), in [0.5, 2) for two-input ones, integers for
    the bitwise ops; a bound for clamp, a condition for where."""
    rng = np.random.default_rng(0)
    fn = family.functions[name]
    if name == "where":
        x, y = (gk.tensor(rng.uniform(0.5, 2.0, (2, 3)), dtype=gk.float64, device=device) for _ in range(2))
        return [x > 1.0, x, y]
    if name.startswith("bitwise"):
        return [gk.tensor(rng.integers(0, 64, (2, 3)), device=device) for _ in range(_arity(fn))]
    if _arity(fn) == 1:
        x = gk.tensor(rng.uniform(0.1, 0.9, (2, 3)), dtype=gk.float64, device=device)
        return [x, 0.5] if name.startswith("clamp") or name == "clip" else [x]
    return [gk.tensor(rng.uniform(0.5, 2.0, (2, 3)), dtype=gk.float64, device=device) for _ in range(2)]


def _same(a, b):
    if isinstance(b, bool):  # allclose, equal
        assert a is b
    else:
        np.testing.assert_array_equal(host(a), host(b))


@pytest.mark.parametrize("family,row", ROWS)
def test_every_row_is_registered_under_its_name_and_aliases(family, row):
    for name in (row.name,) + tuple(row.aliases):
        assert family.functions[name] is family.functions[row.name]
        assert name in family.methods
        assert (name in family.inplace) == row.inplace


@pytest.mark.parametrize("family,name", NAMES)
def test_function_export_and_method_agree(family, name, device):
    fn = family.functions[name]
    assert getattr(gk, name) is fn
    args = _sample(family, name, device)
    expected = fn(*args)
    if name in family.methods:
        _same(getattr(args[0], name)(*args[1:]), expected)
    else:  # where: x.where(condition, y), PyTorch's argument order
        _same(args[1].where(args[0], args[2]), expected)
    if name in ("allclose", "equal"):
        assert isinstance(expected, bool)
    else:
        assert expected.device == args[0].device


@pytest.mark.parametrize("family,name", INPLACE)
def test_inplace_variant_writes_into_self_and_bumps_the_version(family, name, device):
    fn = family.functions[name]
    args = _sample(family, name, device)
    x = args[0].clone()
    version = x._version[0]
    out = getattr(x, name + "_")(*args[1:])
    assert out is x
    assert x._version[0] > version
    expected = fn(*args)
    _same(x, expected.to(x.dtype))


@pytest.mark.parametrize("family,row", [p for p in ROWS if p.values[0] in (unary.FAMILY, arith.FAMILY, select.FAMILY)])
def test_rows_record_their_node_when_grad_is_needed(family, row, device):
    args = _sample(family, row.name, device)
    x = args[0].requires_grad_()
    y = family.functions[row.name](*args)
    assert y.grad_fn is not None
    if row.grad_fn is not None:
        assert y.grad_fn.name() == row.grad_fn
    if row.name == "floor_divide":  # no derivative, as in PyTorch
        return
    y.sum().backward()
    assert x.grad is not None and x.grad.shape == x.shape


def test_adding_a_row_is_all_it_takes(monkeypatch):
    """A row given to the generator comes back as a function registered with its method,
    in-place variant and aliases (what gradkit and Tensor bind at import)."""
    family = unary.FAMILY
    row = unary.UnaryRow("cube_for_test", lambda xp, a: a * a * a, lambda n, g: 3.0 * g * n.saved_input ** 2,
                         "input", aliases=("cubed_for_test",))
    monkeypatch.setattr(family, "rows", list(family.rows))
    for table in ("functions", "methods", "inplace"):
        monkeypatch.setattr(family, table, dict(getattr(family, table)))
    cls, fn = unary._generate(row)
    assert cls.__name__ == "CubeForTest" and fn.__name__ == "cube_for_test"
    assert family.functions["cubed_for_test"] is fn and "cube_for_test" in family.inplace
    x = gk.tensor([1.0, 2.0], dtype=gk.float64, requires_grad=True)
    fn(x).sum().backward()
    _same(x.grad, gk.tensor([3.0, 12.0], dtype=gk.float64))
