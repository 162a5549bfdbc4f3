"""CuPy's recorded call signatures (cupy_signatures.json beside this package), turned into
fast checks: a call with a keyword CuPy's function does not take, or too many positional
arguments, raises TypeError as CuPy's would."""
from __future__ import annotations

import json
import os

_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cupy_signatures.json")
with open(_PATH) as _f:
    RECORD = json.load(_f)

VERSION = RECORD["cupy_version"]


class Check:
    __slots__ = ("name", "max_positional", "keywords", "any_keyword", "required")

    def __init__(self, name, params):
        self.name = name
        params = [p for p in params if p[0] != "self"]
        positional = [p for p in params if p[1] in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")]
        varargs = any(p[1] == "VAR_POSITIONAL" for p in params)
        self.max_positional = None if varargs else len(positional)
        self.keywords = frozenset(p[0] for p in params if p[1] in ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY"))
        self.any_keyword = any(p[1] == "VAR_KEYWORD" for p in params)
        self.required = [p[0] for p in positional if not p[2]]

    def __call__(self, args, kwargs):
        if self.max_positional is not None and len(args) > self.max_positional:
            raise TypeError(f"{self.name}() takes at most {self.max_positional} positional arguments "
                            f"({len(args)} given)")
        if kwargs and not self.any_keyword:
            for key in kwargs:
                if key not in self.keywords:
                    raise TypeError(f"{self.name}() got an unexpected keyword argument '{key}'")


def _no_check(args, kwargs):
    pass


def check_for(table, name, qualname=None):
    """The check for ``name`` in a recorded table (a namespace's functions, a class's
    methods); a no-op where CuPy's signature could not be recorded."""
    params = table.get(name)
    if params is None:
        return _no_check
    return Check(qualname or name, params)


def namespace(name):
    return RECORD["namespaces"][name]


def methods(cls):
    return RECORD["classes"][cls]
