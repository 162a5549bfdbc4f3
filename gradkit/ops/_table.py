"""What an op family hands the rest of gradkit: its public functions (gradkit's exports),
the Tensor methods they become, and which of them have an in-place variant ``x.name_()``.

The table-driven families (arith, unary, compare, select) fill a Family from their rows;
every other family (reduction, views, shape, indexing, linalg, sorting, device, inplace,
random, creation) registers its functions beside their definitions, so gradkit/__init__.py
and gradkit/_tensor_methods.py bind every family with one loop and list none of its ops.
"""
from __future__ import annotations


class Family:
    def __init__(self, name: str):
        self.name = name
        self.functions: dict = {}  # gradkit's export name (aliases included) -> function
        self.methods: dict = {}  # Tensor method name -> function (self is its first argument)
        self.inplace: dict = {}  # name -> (function, operator symbol or None): Tensor.name_
        self.rows: list = []  # the table's rows, for tests that walk the table

    def export(self, fn, *aliases, name=None, export=True, method=True, inplace=False, symbol=None):
        """Registers ``fn`` under ``name`` (its ``__name__`` unless given) and ``aliases``:
        exported from gradkit unless ``export`` is false (Tensor-only methods such as ``view``
        or ``to``), bound as a Tensor method unless ``method`` is false (factories such as
        ``zeros``), with ``name_`` variants when ``inplace``. The flags hold for every name of
        one call; an alias that differs (``vdot``: an export, no method) takes its own call.
        ``symbol`` ("+", "-", "*", "/") lets ``x.add_(y)`` run one in-place kernel when
        nothing is recorded."""
        for bound_name in (name or fn.__name__,) + aliases:
            if export:
                self.functions[bound_name] = fn
            if method:
                self.methods[bound_name] = fn
            if inplace:
                self.inplace[bound_name] = (fn, symbol)
        return fn


def op_class(base, name: str, attrs: dict, grad_fn: str | None = None):
    """A Node subclass named ``name`` (its grad_fn shows ``<name>Backward0`` unless
    ``grad_fn`` gives PyTorch's name)."""
    if grad_fn is not None:
        attrs["_backward_name"] = grad_fn
    cls = type(name, (base,), attrs)
    cls.__qualname__ = name
    return cls


def class_name(op_name: str) -> str:
    """floor_divide -> FloorDivide (PyTorch's node names follow the op's words)."""
    return "".join(word[:1].upper() + word[1:] for word in op_name.split("_"))
