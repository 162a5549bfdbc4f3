"""Every op family's bindings, table-driven or hand-written: each registered function is a
gradkit export, each registered method is bound on Tensor as that very function, each
in-place variant exists and writes into self. Parametrised over the registries, so a new
``FAMILY.export`` is checked without a new test."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import gradkit as gk
from gradkit._tensor_methods import FAMILIES
from gradkit.ops import arith, compare, select, unary
from gradkit.ops._table import Family
from helpers import host

TABLE_FAMILIES = (arith.FAMILY, unary.FAMILY, compare.FAMILY, select.FAMILY)
HAND_WRITTEN = tuple(family for family in FAMILIES if family not in TABLE_FAMILIES)

EXPORTS = [pytest.param(family, name, id=f"{family.name}.{name}") for family in FAMILIES for name in family.functions]
METHODS = [pytest.param(family, name, id=f"{family.name}.{name}") for family in FAMILIES for name in family.methods]
INPLACE = [pytest.param(family, name, id=f"{family.name}.{name}_") for family in FAMILIES for name in family.inplace]


def test_every_op_family_is_bound():
    names = {family.name for family in FAMILIES}
    assert names == {"arith", "unary", "compare", "select", "reduction", "views", "shape", "indexing", "linalg",
                     "sorting", "device", "inplace", "random", "creation", "scan", "statistics", "softmax",
                     "pooling", "contraction", "decompositions", "linalg_more", "scatter"}
    assert len(names) == len(FAMILIES)


@pytest.mark.parametrize("table", ["functions", "methods", "inplace"])
def test_no_two_families_bind_one_name(table):
    owner = {}
    for family in FAMILIES:
        for name in getattr(family, table):
            assert name not in owner, f"{name} is registered by {owner[name]} and {family.name}"
            owner[name] = family.name


@pytest.mark.parametrize("family,name", EXPORTS)
def test_every_registered_function_is_exported(family, name):
    assert getattr(gk, name) is family.functions[name]


@pytest.mark.parametrize("family,name", METHODS)
def test_every_registered_method_is_bound_on_tensor(family, name):
    # a plain function is bound as it is, so the method is the function itself
    assert inspect.getattr_static(gk.Tensor, name) is family.methods[name]


@pytest.mark.parametrize("family,name", INPLACE)
def test_every_inplace_variant_is_bound_on_tensor(family, name):
    method = inspect.getattr_static(gk.Tensor, name + "_")
    assert callable(method) and method.__name__ == name + "_"


def test_tensor_only_methods_are_not_exported():
    """``export=False`` names (view, expand, to, cuda, zero_, ...) stay off gradkit: gradkit.cuda
    is the module, not Tensor.cuda."""
    for family in FAMILIES:
        for name, fn in family.methods.items():
            if name not in family.functions:
                assert getattr(gk, name, None) is not fn, name
    assert inspect.ismodule(gk.cuda)


def test_the_surface_pytorch_has():
    """The names whose function, method and in-place variant differ from one another."""
    assert gk.range.__name__ == "range_" and not hasattr(gk.Tensor, "range")
    assert gk.Tensor.type is inspect.getattr_static(gk.Tensor, "type") and gk.Tensor.type.__name__ == "type_"
    assert gk.vdot is gk.dot and not hasattr(gk.Tensor, "vdot")
    assert gk.Tensor.ger is gk.outer is gk.ger
    assert gk.Tensor.moveaxis is gk.movedim and gk.Tensor.swapdims is gk.transpose
    assert gk.concat is gk.cat and gk.concatenate is gk.cat and not hasattr(gk.Tensor, "cat")
    assert not hasattr(gk.Tensor, "zeros") and gk.Tensor.swapaxes_.__name__ == "transpose_"
    assert isinstance(gk.default_generator, gk.Generator)


# Arguments for the hand-written families' in-place variants (the table families' are sampled
# in test_op_tables.py); a new in-place registration must add its sample here.
_INPLACE_SAMPLES = {
    "masked_fill": ((2, 3), lambda x: (x > 0.5, -1.0)),
    "tril": ((3, 3), lambda x: ()),
    "triu": ((3, 3), lambda x: (1,)),
    "cumsum": ((2, 3), lambda x: (1,)),
    "addcmul": ((2, 3), lambda x: (x + 1, x * 2)),
    "addcdiv": ((2, 3), lambda x: (x + 1, x + 2)),
    "lerp": ((2, 3), lambda x: (x * 3, 0.25)),
    "scatter": ((2, 3), lambda x: (1, _long([[2, 0], [1, 1]], x), x[:, :2] * 3)),
    "scatter_add": ((2, 3), lambda x: (0, _long([[1, 0, 1]], x), x[:1] * 3)),
    "scatter_reduce": ((2, 3), lambda x: (0, _long([[1, 0, 1]], x), x[:1] * 3, "amax")),
    "index_add": ((2, 3), lambda x: (1, _long([2, 2], x), x[:, :2], )),
    "index_copy": ((2, 3), lambda x: (0, _long([1], x), x[:1] * 2)),
    "index_fill": ((2, 3), lambda x: (1, _long([0, 2], x), -1.0)),
    "index_put": ((2, 3), lambda x: ((_long([1, 0], x), _long([2, 2], x)), x[0, :2] - 1, True)),
    "masked_scatter": ((2, 3), lambda x: (x > 0.5, x * 10)),
    "renorm": ((2, 3), lambda x: (2, 0, 0.5)),
}


def _long(values, x):
    return gk.tensor(values, dtype=gk.int64, device=x.device)
# (t_, transpose_, squeeze_ and unsqueeze_ change self's shape: tests/ops/test_layout.py)
HAND_INPLACE = [pytest.param(family, name, id=f"{family.name}.{name}_") for family in HAND_WRITTEN
                for name in family.inplace]


def test_every_hand_written_inplace_variant_has_a_sample():
    assert {name for family in HAND_WRITTEN for name in family.inplace} == set(_INPLACE_SAMPLES)


@pytest.mark.parametrize("family,name", HAND_INPLACE)
def test_hand_written_inplace_variant_writes_into_self(family, name, device):
    shape, make_args = _INPLACE_SAMPLES[name]
    fn = family.methods[name]
    x = gk.tensor(np.random.default_rng(0).uniform(0.0, 1.0, shape), dtype=gk.float64, device=device)
    args = make_args(x)
    expected = np.array(host(fn(x, *args)))  # a copy: a view of x would follow x once x is written
    version = x._version[0]
    out = getattr(x, name + "_")(*args)
    assert out is x
    assert x._version[0] > version
    assert tuple(x.shape) == expected.shape
    np.testing.assert_array_equal(host(x), expected)


def test_export_keywords():
    """name= renames, export=False keeps a name off gradkit, method=False off Tensor, and one
    call's flags hold for all its names."""
    family = Family("for_test")

    def type_(x):
        return x

    def factory():
        return None

    family.export(type_, name="type", export=False)
    family.export(factory, "factory_alias", method=False)
    family.export(type_, "other_alias", name="main", inplace=True)
    assert family.functions == {"factory": factory, "factory_alias": factory, "main": type_, "other_alias": type_}
    assert family.methods == {"type": type_, "main": type_, "other_alias": type_}
    assert family.inplace == {"main": (type_, None), "other_alias": (type_, None)}
