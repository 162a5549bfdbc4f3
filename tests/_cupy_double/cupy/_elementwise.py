"""``cupy.ElementwiseKernel`` of the double: the kernel's CUDA C body compiled for the CPU
with the system's C++ compiler and run through ctypes, so the kernel sources gradkit ships
are exercised (a wrong formula fails the tests that compare against the portable path).

The body is wrapped in a loop over ``i``; a plain parameter is element ``i`` of its
(broadcast, contiguous) array, a ``raw`` parameter is the whole array indexed flat, type
placeholders (``T``) become the C type of the first array bound to them. ``RawKernel``,
``RawModule`` and ``fuse`` cannot run without CUDA: calling them raises NotImplementedError,
so those paths show up as untested rather than passing silently."""
from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile

import numpy

from . import _core

_C_TYPES = {"float16": None, "float32": "float", "float64": "double", "int8": "signed char", "int16": "short",
            "int32": "int", "int64": "long long", "uint8": "unsigned char", "uint16": "unsigned short",
            "uint32": "unsigned int", "uint64": "unsigned long long", "bool": "bool"}
_ALIASES = {"float": "float32", "double": "float64", "int": "int32", "bool": "bool", "float16": "float16"}
_CT = {"float": ctypes.c_float, "double": ctypes.c_double, "int": ctypes.c_int, "long long": ctypes.c_longlong,
       "unsigned int": ctypes.c_uint, "bool": ctypes.c_bool, "short": ctypes.c_short, "signed char": ctypes.c_byte,
       "unsigned char": ctypes.c_ubyte, "unsigned short": ctypes.c_ushort,
       "unsigned long long": ctypes.c_ulonglong}
_HEADER = """
#include <cmath>
#include <cstddef>
#include <cstdint>
using std::exp; using std::log; using std::tanh; using std::sqrt; using std::fabs; using std::pow; using std::erf;
using std::nan;
using std::max; using std::min;
#define __device__
#define __host__
#define __global__
#define __forceinline__ inline
"""
_CACHE = os.path.join(tempfile.gettempdir(), f"cupy_double_kernels_{os.getuid()}")


def _parse(params):
    out = []
    for item in (p.strip() for p in params.split(",") if p.strip()):
        words = item.split()
        raw = words[0] == "raw"
        if raw:
            words = words[1:]
        out.append((raw, words[0], words[1]))
    return out


class ElementwiseKernel:
    def __init__(self, in_params, out_params, operation, name="kernel", reduce_dims=True, preamble="",
                 no_return=False, return_tuple=False, **kwargs):
        for key in kwargs:
            if key not in ("options", "loop_prep", "after_loop"):
                raise TypeError(f"Wrong arguments {kwargs}")
        self.in_params, self.out_params = _parse(in_params), _parse(out_params)
        self.operation, self.name, self.preamble = operation, name, preamble
        self.nin, self.nout = len(self.in_params), len(self.out_params)
        self._compiled = {}

    def __call__(self, *args, size=None, block_size=None, stream=None):
        if len(args) not in (self.nin, self.nin + self.nout):
            raise TypeError(f"Wrong number of arguments for {self.name!r}")
        _core.check_compiler()
        device = _core.current_device()
        params = self.in_params + self.out_params
        types = {}
        for (raw, type_name, _), arg in zip(params, args):
            if type(arg) is numpy.ndarray:
                raise _core.unsupported(arg)
            if type(arg) is _core.ndarray:
                _core.check_device(arg, device)
                if type_name not in _C_TYPES and type_name not in _ALIASES:
                    types.setdefault(type_name, arg.dtype)
        arrays = [a for (raw, _, _), a in zip(params, args) if type(a) is _core.ndarray and not raw]
        shape = numpy.broadcast_shapes(*[a.shape for a in arrays]) if arrays else ()
        if len(args) == self.nin:
            raise NotImplementedError("the CuPy test double's ElementwiseKernel needs its outputs passed in")
        n = int(numpy.prod(shape)) if size is None else size
        c_args, copies = [], []
        for (raw, type_name, _), arg in zip(params, args):
            dtype = numpy.dtype(types.get(type_name, _ALIASES.get(type_name, type_name)))
            if type(arg) is _core.ndarray:
                if arg.dtype != dtype:
                    raise TypeError(f"Type is mismatched. {self.name} {type_name} {arg.dtype} {dtype}")
                host = numpy.ascontiguousarray(arg._a if raw else numpy.broadcast_to(arg._a, shape))
                host = host.copy()
                copies.append((arg, host, raw))
                c_args.append(ctypes.c_void_p(host.ctypes.data))  # (data_as makes a reference cycle per call)
            else:
                c_args.append(_CT[_C_TYPES[dtype.name]](arg))
        is_array = tuple(type(a) is _core.ndarray for a in args)
        function = self._function(tuple(numpy.dtype(types[t]).name for t in sorted(types)), sorted(types), is_array)
        function(ctypes.c_longlong(n), *c_args)
        for (arg, host, raw), (_, _, name) in zip(copies, [p for p, a in zip(params, args)
                                                           if type(a) is _core.ndarray]):
            if name in {p[2] for p in self.out_params}:
                arg._a[...] = host if raw else host.reshape(shape)
        outs = args[self.nin:]
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _function(self, type_key, placeholders, is_array):
        function = self._compiled.get((type_key, is_array))
        if function is None:
            function = self._compiled[type_key, is_array] = _compile(
                self._source(dict(zip(placeholders, type_key)), is_array), self.name)
        return function

    def _source(self, bound, is_array):
        outs = {p[2] for p in self.out_params}
        typedefs = "".join(f"typedef {_C_TYPES[d]} {t};\n" for t, d in bound.items())
        c_params, locals_ = ["long long _n"], []
        for (raw, type_name, name), array in zip(self.in_params + self.out_params, is_array):
            c_type = _C_TYPES.get(_ALIASES.get(type_name, type_name)) or type_name
            if not array:  # a Python number, passed by value
                c_params.append(f"{c_type} {name}")
            elif raw:
                c_params.append(f"{c_type}* {name}")
            else:
                c_params.append(f"{c_type}* _p_{name}")
                ref = "&" if name in outs else ""
                const = "" if name in outs else "const "
                locals_.append(f"{const}{c_type}{ref} {name} = _p_{name}[i];")
        return (_HEADER + typedefs + self.preamble + "\n" + f'extern "C" void {self.name}(' + ", ".join(c_params) + ") {\n"
                + "  for (long long i = 0; i < _n; ++i) {\n    " + "\n    ".join(locals_) + "\n"
                + self.operation + ";\n  }\n}\n")


def _compile(source, name):
    os.makedirs(_CACHE, exist_ok=True)
    digest = hashlib.sha256(source.encode()).hexdigest()[:24]
    library = os.path.join(_CACHE, f"{name}_{digest}.so")
    if not os.path.exists(library):
        compiler = shutil.which("g++") or shutil.which("c++")
        if compiler is None:
            raise NotImplementedError("the CuPy test double compiles ElementwiseKernel bodies with g++, which is "
                                      "missing: this kernel path is untested here")
        src = library[:-3] + ".cpp"
        with open(src, "w") as f:
            f.write(source)
        tmp = f"{library}.{os.getpid()}.tmp"
        done = subprocess.run([compiler, "-O1", "-shared", "-fPIC", "-o", tmp, src], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"CUDA kernel {name!r} failed to compile (checked on the CPU by the CuPy test "
                               f"double):\n{done.stderr}")
        os.replace(tmp, library)
    function = getattr(ctypes.CDLL(library), name)
    function.restype = None
    return function


def _not_in_double(what):
    class Missing:
        def __init__(self, *args, **kwargs):
            self._args = args

        def __call__(self, *args, **kwargs):
            raise NotImplementedError(f"cupy.{what} is not implemented by the CuPy test double (it cannot run "
                                      f"CUDA C on the CPU): this code path is untested on CPU machines")

        def get_function(self, name):
            return self

    Missing.__name__ = what
    return Missing


RawKernel = _not_in_double("RawKernel")
RawModule = _not_in_double("RawModule")
ReductionKernel = _not_in_double("ReductionKernel")


def fuse(*args, **kwargs):
    def decorate(f):
        return _not_in_double("fuse")()
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return decorate(args[0])
    return decorate
