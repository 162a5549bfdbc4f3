"""Binds the ops onto Tensor as methods and operators (PyTorch's method surface)."""
from __future__ import annotations

import math
import types

from . import _dtype as D
from . import _layout
from ._tensor import Tensor, _wrap_dim
from .ops import arith, compare, creation, device, indexing, inplace, linalg, random, reduction, select, shape
from .ops import contraction, decompositions, linalg_more, scan, scatter, sorting, statistics, unary, views
from .ops import reorder  # noqa: F401  (registers its ops in shape.FAMILY)
from .ops.nn import pooling, softmax
from .ops._core import cast


def _method(fn):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)

    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


# every op family registers its own functions, methods and in-place variants next to its ops;
# no two families bind one name (tests/ops/test_family_bindings.py), so their order is free
FAMILIES = (reduction.FAMILY, views.FAMILY, shape.FAMILY, indexing.FAMILY, linalg.FAMILY, sorting.FAMILY,
            device.FAMILY, inplace.FAMILY, random.FAMILY, creation.FAMILY, scan.FAMILY, statistics.FAMILY,
            softmax.FAMILY, pooling.FAMILY, contraction.FAMILY, decompositions.FAMILY, linalg_more.FAMILY,
            scatter.FAMILY, arith.FAMILY, unary.FAMILY, compare.FAMILY, select.FAMILY)


def _bind_functions():
    for family in FAMILIES:
        for name, fn in family.methods.items():
            # a plain function is a method as it is (x.sum() calls sum(x) without a wrapper's frame)
            setattr(Tensor, name, fn if isinstance(fn, types.FunctionType) else _method(fn))

    def where(self, condition, other):
        """``x.where(condition, y)`` is ``where(condition, x, y)`` (PyTorch's argument order)."""
        return select.where(condition, self, other)

    Tensor.where = where


def _bind_operators():
    def rev(fn):
        return lambda self, other: fn(other, self)

    def rev_named(fn, name):
        # PyTorch's node for a Python number on the left: 2 - x is RsubBackward1 and 2 / x is
        # x.reciprocal() * 2 (MulBackward0)
        def op(self, other):
            out = fn(other, self)
            if out.grad_fn is not None and not isinstance(other, Tensor):
                out.grad_fn._backward_name = name
            return out

        return op

    def guard(fn):
        # an unsupported operand type must give Python the chance to try the other side
        def op(self, other):
            if not isinstance(other, (Tensor, int, float, bool)) and not _is_number(other):
                if creation._is_host_array(other):
                    other = creation.as_tensor(other, device=self.device)
                else:
                    return NotImplemented
            return fn(self, other)

        return op

    A, C = arith, compare
    ops = {
        "__add__": A.add, "__sub__": A.sub, "__mul__": A.mul, "__truediv__": A.div,
        "__floordiv__": A.floor_divide, "__mod__": A.remainder, "__pow__": A.pow, "__matmul__": linalg.matmul,
        "__and__": C.bitwise_and, "__or__": C.bitwise_or, "__xor__": C.bitwise_xor,
        "__radd__": rev(A.add), "__rsub__": rev_named(A.sub, "RsubBackward1"), "__rmul__": rev(A.mul),
        "__rtruediv__": rev_named(A.div, "MulBackward0"),
        "__rfloordiv__": rev(A.floor_divide), "__rmod__": rev(A.remainder), "__rpow__": rev(A.pow),
        "__rmatmul__": rev(linalg.matmul), "__rand__": rev(C.bitwise_and), "__ror__": rev(C.bitwise_or),
        "__rxor__": rev(C.bitwise_xor),
    }
    for name, fn in ops.items():
        setattr(Tensor, name, guard(fn))
    # float arithmetic, the bulk of a training step, tries arith's fast path first
    for name, cls, reverse in (("__add__", A.Add, False), ("__radd__", A.Add, True), ("__sub__", A.Sub, False),
                               ("__mul__", A.Mul, False), ("__rmul__", A.Mul, True), ("__truediv__", A.Div, False)):
        setattr(Tensor, name, A.fast_operator(cls, getattr(Tensor, name), reverse))
    Tensor.__eq__ = C.eq
    Tensor.__ne__ = C.ne
    Tensor.__lt__ = C.lt
    Tensor.__le__ = C.le
    Tensor.__gt__ = C.gt
    Tensor.__ge__ = C.ge
    Tensor.__neg__ = unary.neg
    Tensor.__pos__ = unary.positive
    Tensor.__abs__ = unary.abs
    Tensor.__invert__ = lambda self: C.logical_not(self) if self.dtype is D.bool_ else C.bitwise_not(self)
    Tensor.__getitem__ = indexing.getitem
    Tensor.__setitem__ = indexing.setitem


def _is_number(x):
    from numbers import Number

    return isinstance(x, Number)


def _inplace_method(name, fn, symbol=None):
    """``x.name_(...)``: the out-of-place op, written into x (see ops.inplace)."""
    if symbol is not None:
        def method(self, other, *args, **kwargs):
            if args or kwargs:
                if not args and symbol in "+-" and len(kwargs) == 1 and "alpha" in kwargs:
                    return inplace.fast_scaled_inplace(self, other, kwargs["alpha"], symbol, name + "_",
                                                       lambda x: fn(x, other, **kwargs))
                return inplace.inplace(self, lambda x: fn(x, other, *args, **kwargs), name + "_")
            return inplace.fast_binary_inplace(self, other, symbol, name + "_", fn)
    else:
        def method(self, *args, **kwargs):
            return inplace.inplace(self, lambda x: fn(x, *args, **kwargs), name + "_")
    method.__name__ = name + "_"
    return method


def _bind_inplace():
    """``x.add_(y)`` and ``x += y``."""
    for family in FAMILIES:
        for name, (fn, symbol) in family.inplace.items():
            setattr(Tensor, name + "_", _inplace_method(name, fn, symbol))
    for dunder, name in (("__iadd__", "add"), ("__isub__", "sub"), ("__imul__", "mul"), ("__itruediv__", "div")):
        setattr(Tensor, dunder, getattr(Tensor, name + "_"))
    Tensor.__ipow__ = Tensor.pow_
    Tensor.__ifloordiv__ = Tensor.floor_divide_
    Tensor.__imod__ = Tensor.remainder_
    Tensor.__imatmul__ = lambda self, other: inplace.inplace(self, lambda x: linalg.matmul(x, other), "matmul_")


def _random_full_range(dt):
    """random_()'s default upper bound (exclusive): every integer the dtype holds exactly
    (2**mantissa for floats, the maximum for integers), as in PyTorch."""
    if dt is D.bool_:
        return 2
    if dt.category == D.FLOAT:
        return {"float16": 2 ** 11, "float32": 2 ** 24, "float64": 2 ** 53}.get(dt.name, 2 ** 24) + 1
    bits = {"uint8": 8, "int8": 7, "int16": 15, "int32": 31, "int64": 63}.get(dt.name, 63)
    return 2 ** bits - 1 if bits == 63 else 2 ** bits  # int64's max itself left out: the bound must fit int64


def _bind_random_fill():
    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        inplace.check_inplace(self, "normal_")
        draw = random.randn(self.shape, dtype=self.dtype, device=self.device)
        inplace.store(self, (draw * std + mean)._data)
        return self

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        inplace.check_inplace(self, "uniform_")
        draw = random.rand(self.shape, dtype=self.dtype, device=self.device)
        inplace.store(self, (draw * (b - a) + a)._data)
        return self

    def bernoulli_(self, p=0.5, *, generator=None):
        inplace.check_inplace(self, "bernoulli_")
        probs = p if isinstance(p, Tensor) else creation.full(self.shape, float(p), device=self.device)
        inplace.store(self, random.bernoulli(probs)._data)
        return self

    def random_(self, low=0, high=None, *, generator=None):
        if high is None:
            low, high = (0, low) if low else (0, _random_full_range(self.dtype))
        inplace.check_inplace(self, "random_")
        inplace.store(self, random.randint(low, high, self.shape, device=self.device)._data)
        return self

    def exponential_(self, lambd=1.0, *, generator=None):
        inplace.check_inplace(self, "exponential_")
        u = random.rand(self.shape, dtype=D.float64, device=self.device)
        inplace.store(self, (-(1.0 - u).log() / lambd)._data)
        return self

    for fn in (normal_, uniform_, bernoulli_, random_, exponential_):
        setattr(Tensor, fn.__name__, fn)


def _bind_conversions():
    casts = {"float": D.float32, "double": D.float64, "half": D.float16, "bfloat16": D.bfloat16, "long": D.int64,
             "int": D.int32,
             "short": D.int16, "char": D.int8, "byte": D.uint8, "bool": D.bool_}
    for name, dt in casts.items():
        def method(self, memory_format=None, _dt=dt):
            return cast(self, _dt)

        method.__name__ = name
        method.__doc__ = f"This tensor as {dt} (self when it already is)."
        setattr(Tensor, name, method)

    def type_as(self, other):
        return cast(self, other.dtype)

    Tensor.type_as = type_as

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
        return creation.tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                               requires_grad=requires_grad)

    def _new(factory):
        def new(self, *size, dtype=None, device=None, requires_grad=False):
            return factory(*size, dtype=dtype or self.dtype, device=device or self.device,
                           requires_grad=requires_grad)

        return new

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        return creation.full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                             requires_grad=requires_grad)

    Tensor.new_tensor = new_tensor
    Tensor.new_zeros = _new(creation.zeros)
    Tensor.new_ones = _new(creation.ones)
    Tensor.new_empty = _new(creation.empty)
    Tensor.new_full = new_full


def _bind_properties():
    def T(self):
        n = self._data.ndim
        return self if n < 2 else views.permute(self, tuple(range(n - 1, -1, -1)))

    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.ndim}-D "
                               f"tensor.")
        return views.transpose(self, -2, -1)

    Tensor.T = property(T, doc="The tensor with its dims reversed (the transpose of a matrix).")
    Tensor.mT = property(mT, doc="Transpose of the last two dims.")
    Tensor.H = Tensor.T
    Tensor.mH = Tensor.mT

    def real(self):
        return self

    Tensor.real = property(real)


def _bind_misc():
    def apply_(self, fn):
        values = [fn(v) for v in self.reshape(-1).tolist()]
        inplace.store(self, creation.tensor(values, dtype=self.dtype, device=self.device).reshape(self.shape)._data)
        return self

    def map_(self, other, fn):
        a, b = self.reshape(-1).tolist(), other.expand(self.shape).reshape(-1).tolist()
        values = [fn(x, y) for x, y in zip(a, b)]
        inplace.store(self, creation.tensor(values, dtype=self.dtype, device=self.device).reshape(self.shape)._data)
        return self

    def is_contiguous(self, memory_format=None):
        return _layout.is_contiguous(self, memory_format)

    def is_nonzero(self):
        return bool(self)

    def sum_to_size(self, *size):
        from .ops._core import sum_to

        return sum_to(self, shape._shape_arg("sum_to_size", size))

    def data_ptr(self):
        iface = getattr(self._data, "__array_interface__", None)
        if iface is not None:
            return iface["data"][0]
        ptr = getattr(getattr(self._data, "data", None), "ptr", None)
        return ptr if ptr is not None else id(self._data)

    def storage_offset(self):
        return _layout.storage_offset(self)

    def stride(self, dim=None):
        strides = _layout.strides(self)
        return strides if dim is None else strides[_wrap_dim(dim, len(strides), "stride")]

    for fn in (apply_, map_, is_contiguous, is_nonzero, sum_to_size, data_ptr, storage_offset, stride):
        setattr(Tensor, fn.__name__, fn)
    Tensor.__round__ = lambda self, ndigits=None: round(self.item(), ndigits) if ndigits is not None else \
        round(self.item())
    Tensor.__trunc__ = lambda self: math.trunc(self.item())


_bind_functions()
_bind_operators()
_bind_inplace()
_bind_random_fill()
_bind_conversions()
_bind_properties()
_bind_misc()
