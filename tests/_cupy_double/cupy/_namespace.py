"""The double's functions and ufuncs: CuPy's names (from the recorded signatures), each run
by NumPy's function of the same name on the unwrapped arrays, after the signature check,
the device check and the refusal of NumPy arrays."""
from __future__ import annotations

import sys

import numpy

from . import _core, _signatures
from ._core import _quiet, current_device, make, ndarray, unwrap, unwrap_operand, wrap, arrays_in, check_device

# cupy.add.at is CuPy's scatter-add kernel, which has atomics for these types only
_ADD_AT_TYPES = (numpy.int32, numpy.float16, numpy.float32, numpy.float64, numpy.uint32, numpy.uint64,
                 numpy.complex64, numpy.complex128)
_UFUNC_KEYWORDS = frozenset({"out", "dtype", "casting"})


class ufunc:
    """CuPy's ufunc: operands are arrays of the double or scalars (a NumPy array raises
    TypeError), keywords are CuPy's (out, dtype, casting)."""

    def __init__(self, name, nin, nout):
        self.__name__ = self.name = name
        self.nin, self.nout, self.nargs = nin, nout, nin + nout
        self._np = getattr(numpy, name)

    def __repr__(self):
        return f"<ufunc '{self.name}'>"

    def __call__(self, *args, **kwargs):
        for key in kwargs:
            if key not in _UFUNC_KEYWORDS:
                raise TypeError(f"Wrong arguments {kwargs}")
        if len(args) < self.nin:
            raise TypeError("Wrong number of arguments for {}".format(self.name))
        if _core.COMPILE_FAILURE[0]:
            _core.check_compiler()
        device = current_device()
        operands = [unwrap_operand(a, device) for a in args]
        out = kwargs.get("out")
        if out is not None:
            kwargs = dict(kwargs)
            kwargs["out"] = tuple(unwrap_operand(o, device) for o in out) if type(out) is tuple \
                else unwrap_operand(out, device)
        with _quiet():
            result = self._np(*operands, **kwargs)
        return wrap(result, device, arrays_in(args, {"out": out} if out is not None else {}))

    def at(self, a, indices, b=None):
        device = current_device()
        check_device(a, device)
        if self.name == "add":
            if not issubclass(a.dtype.type, _ADD_AT_TYPES):
                raise TypeError("cupy.add.at only supports int32, float16, float32, float64, uint32, uint64, as "
                                "data type")
        target = unwrap_operand(a, device)
        index = _index(indices, device)
        value = None if b is None else unwrap_operand(b, device)
        if self.name == "add" and type(b) is ndarray and b.dtype != a.dtype:
            value = value.astype(a.dtype)
        if value is None:
            self._np.at(target, index)
        else:
            self._np.at(target, index, value)

    def reduce(self, array, axis=0, dtype=None, out=None, keepdims=False):
        device = current_device()
        return wrap(self._np.reduce(unwrap_operand(array, device), axis=axis, dtype=dtype, keepdims=keepdims),
                    device)

    def accumulate(self, array, axis=0, dtype=None, out=None):
        device = current_device()
        return wrap(self._np.accumulate(unwrap_operand(array, device), axis=axis, dtype=dtype), device)

    def outer(self, A, B, **kwargs):
        device = current_device()
        return wrap(self._np.outer(unwrap_operand(A, device), unwrap_operand(B, device)), device)


def _index(indices, device):
    if type(indices) is tuple:
        return tuple(_index(i, device) for i in indices)
    if type(indices) is ndarray:
        check_device(indices, device)
        return indices._a
    if type(indices) is numpy.ndarray:
        raise TypeError(f"Unsupported type {type(indices)}")
    return indices


def wrap_function(np_func, name, check):
    def function(*args, **kwargs):
        check(args, kwargs)
        device = current_device()
        with _quiet():
            result = np_func(*unwrap(args, device), **{k: unwrap(v, device) for k, v in kwargs.items()})
        return wrap(result, device, arrays_in(args, kwargs))
    function.__name__ = function.__qualname__ = name
    function.__module__ = "cupy"
    return function


def not_in_double(qualname):
    def missing(*args, **kwargs):
        raise NotImplementedError(f"{qualname} is not implemented by the CuPy test double (no CUDA here): this "
                                  f"code path is untested on CPU machines")
    missing.__name__ = qualname.rsplit(".", 1)[-1]
    return missing


def build(module_name, np_module, overrides):
    """The attributes of a CuPy namespace: its recorded functions and ufuncs, each taken from
    ``overrides`` or made from NumPy's same-named function; its other names from NumPy."""
    record = _signatures.namespace(module_name)
    found = {}
    for name, (nin, nout) in record["ufuncs"].items():
        if hasattr(numpy, name):
            found[name] = ufunc(name, nin, nout)
    for name, params in record["functions"].items():
        if name in overrides:
            found[name] = overrides[name]
            continue
        np_func = getattr(np_module, name, None)
        check = _signatures.check_for(record["functions"], name, f"{module_name}.{name}".replace("cupy.", "", 1)
                                      if module_name != "cupy" else name)
        found[name] = wrap_function(np_func, name, check) if callable(np_func) else \
            not_in_double(f"{module_name}.{name}")
    for name in record["other"]:
        if name in overrides:
            found[name] = overrides[name]
        elif hasattr(np_module, name):
            found[name] = getattr(np_module, name)
    return found


def ufuncs_module():
    return sys.modules["cupy"]
