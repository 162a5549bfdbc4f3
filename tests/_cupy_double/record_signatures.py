"""Records the call signatures of the CuPy names the test double stands in for, from a real
CuPy install (importing cupy needs no GPU). Run with that install's Python:

    python tests/_cupy_double/record_signatures.py > tests/_cupy_double/cupy_signatures.json

Each entry is a list of parameters [name, kind, has_default] (kind as inspect names it), or
null where neither inspect nor the docstring gives a signature (the double then checks
nothing for that name). Ufuncs are recorded with their input and output counts."""
from __future__ import annotations

import ast
import inspect
import json
import sys

import cupy
import cupy.cuda
import cupy.linalg
import cupy.fft
import cupy.random

_KINDS = {"POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD", "VAR_POSITIONAL", "KEYWORD_ONLY", "VAR_KEYWORD"}


def _from_doc(obj):
    """The parameters in a Cython docstring's first line, 'name(a, b=1, *, c=None)'."""
    doc = (getattr(obj, "__doc__", None) or "").strip().splitlines()
    if not doc or "(" not in doc[0]:
        return None
    line = doc[0]
    params = line[line.index("("):line.rindex(")") + 1]
    try:
        tree = ast.parse(f"def f{params}: pass")
    except SyntaxError:
        return None
    a = tree.body[0].args
    out = []
    positional = a.posonlyargs + a.args
    first_default = len(positional) - len(a.defaults)
    for i, arg in enumerate(positional):
        kind = "POSITIONAL_ONLY" if i < len(a.posonlyargs) else "POSITIONAL_OR_KEYWORD"
        out.append([arg.arg, kind, i >= first_default])
    if a.vararg:
        out.append([a.vararg.arg, "VAR_POSITIONAL", False])
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        out.append([arg.arg, "KEYWORD_ONLY", default is not None])
    if a.kwarg:
        out.append([a.kwarg.arg, "VAR_KEYWORD", False])
    if out and out[0][0] == "self":
        out = out[1:]
    return out


def signature(obj):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return _from_doc(obj)
    return [[p.name, p.kind.name, p.default is not inspect.Parameter.empty] for p in sig.parameters.values()]


def _public(module):
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    return sorted(set(names))


def namespace(module):
    functions, ufuncs, other = {}, {}, []
    for name in _public(module):
        obj = getattr(module, name, None)
        if isinstance(obj, cupy.ufunc):
            ufuncs[name] = [obj.nin, obj.nout]
        elif callable(obj) and not isinstance(obj, type):
            functions[name] = signature(obj)
        else:
            other.append(name)
    return {"functions": functions, "ufuncs": ufuncs, "other": other}


def methods(cls):
    found = {}
    for name in dir(cls):
        if name.startswith("_") and name not in ("__init__", "__call__"):
            continue
        obj = getattr(cls, name)
        if callable(obj):
            found[name] = signature(obj)
    return found


def main():
    record = {
        "cupy_version": cupy.__version__,
        "command": "python tests/_cupy_double/record_signatures.py > tests/_cupy_double/cupy_signatures.json",
        "namespaces": {
            "cupy": namespace(cupy),
            "cupy.linalg": namespace(cupy.linalg),
            "cupy.fft": namespace(cupy.fft),
            "cupy.random": namespace(cupy.random),
            "cupy.cuda.runtime": namespace(cupy.cuda.runtime),
        },
        "classes": {
            "cupy.ndarray": methods(cupy.ndarray),
            "cupy.ufunc": methods(cupy.ufunc),
            "cupy.random.Generator": methods(cupy.random.Generator),
            "cupy.cuda.Device": methods(cupy.cuda.Device),
            "cupy.cuda.Stream": methods(cupy.cuda.Stream),
            "cupy.cuda.MemoryPool": methods(cupy.cuda.MemoryPool),
            "cupy.ElementwiseKernel": methods(cupy.ElementwiseKernel),
            "cupy.RawKernel": methods(cupy.RawKernel),
        },
        "class_constructors": {
            "cupy.ElementwiseKernel": _from_doc(cupy.ElementwiseKernel),
            "cupy.RawKernel": _from_doc(cupy.RawKernel),
            "cupy.cuda.Device": _from_doc(cupy.cuda.Device),
            "cupy.random.Generator": signature(cupy.random.Generator.__init__),
        },
    }
    json.dump(record, sys.stdout, indent=0, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
