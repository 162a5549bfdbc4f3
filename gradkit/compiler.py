"""``gradkit.compile`` and ``gradkit.compiler``: PyTorch's compiler entry points, accepted so
that scripts which compile their model run unchanged.

gradkit runs every op eagerly: compiling changes nothing in what a model computes or how
fast. A compiled module is wrapped as PyTorch wraps it (an ``OptimizedModule`` whose
``_orig_mod`` is the model), so its ``state_dict`` keys carry PyTorch's ``_orig_mod.`` prefix
and checkpoints stay interchangeable with a compiled PyTorch model's.
"""
from __future__ import annotations

import functools

from .nn.module import Module

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


class OptimizedModule(Module):
    """A compiled module: runs ``_orig_mod``; attributes it lacks are read from ``_orig_mod``."""

    def __init__(self, mod):
        super().__init__()
        self._orig_mod = mod
        self.training = mod.training

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            modules = self.__dict__.get("_modules")
            if modules is None or "_orig_mod" not in modules:
                raise
            return getattr(modules["_orig_mod"], name)


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None, options=None, name=None,
            disable=False, **kwargs):
    """PyTorch's ``torch.compile``: ``model`` (a module or a function) back, ready to call;
    without ``model``, a decorator. The arguments are checked as PyTorch checks them."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if model is None:
        def decorate(fn):
            return compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                           name=name, disable=disable, **kwargs)
        return decorate
    if not callable(model):
        raise RuntimeError("torch.compile() expects a callable (a module or a function)")
    if disable:
        return model
    if isinstance(model, Module):
        return OptimizedModule(model)

    @functools.wraps(model)
    def compiled(*args, **kw):
        return model(*args, **kw)
    return compiled


def disable(fn=None, recursive=True, *, reason=None):
    """``torch.compiler.disable``: a function left uncompiled (every function is, here)."""
    if fn is None:
        return lambda f: f
    return fn


def is_compiling() -> bool:
    """False: gradkit never traces a function while it runs."""
    return False


def is_dynamo_compiling() -> bool:
    return False


def reset() -> None:
    """Clears compilation caches (gradkit keeps none)."""
