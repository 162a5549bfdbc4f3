"""Grad mode, per thread and per async context (a ContextVar), as context managers that
also work as decorators."""
from __future__ import annotations

import contextvars
import functools
import inspect
import sys

_grad_enabled = contextvars.ContextVar("gradkit_grad_enabled", default=True)
_inference = contextvars.ContextVar("gradkit_inference_mode", default=False)

is_grad_enabled_fast = _grad_enabled.get  # the engine's hot path reads this directly


def is_grad_enabled() -> bool:
    return _grad_enabled.get()


def is_inference_mode_enabled() -> bool:
    return _inference.get()


class _GradModeContext:
    _enabled: bool

    def __enter__(self):
        # a stack of tokens: one instance may be entered again while it is active
        self.__dict__.setdefault("_tokens", []).append(_grad_enabled.set(self._enabled))
        return self

    def __exit__(self, *exc):
        _grad_enabled.reset(self._tokens.pop())
        return False

    def __call__(self, fn):
        make = functools.partial(self.__class__, *self._args())
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(make, fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with make():
                return fn(*args, **kwargs)

        return wrapper

    def _args(self):
        return ()

    def clone(self):
        return self.__class__(*self._args())


def _wrap_generator(make, fn):
    """The mode holds while the generator runs, not while its caller does (as in PyTorch)."""

    @functools.wraps(fn)
    def generator_context(*args, **kwargs):
        gen = fn(*args, **kwargs)
        try:
            with make():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with make():
                        gen.close()
                    raise
                except BaseException:
                    with make():
                        response = gen.throw(*sys.exc_info())
                else:
                    with make():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value

    return generator_context


class _NoParamDecorator(_GradModeContext):
    """Usable as ``@no_grad()`` and as a bare ``@no_grad``."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    """Disables recording of operations: results have ``requires_grad=False``. In-place
    updates of leaves that require grad are allowed inside (the optimizer pattern)."""
    _enabled = False


class enable_grad(_NoParamDecorator):
    _enabled = True


class set_grad_enabled(_GradModeContext):
    def __init__(self, mode: bool):
        self._enabled = bool(mode)
        # Like PyTorch, calling set_grad_enabled(False) as a plain function takes effect
        # at once; used as a context manager the old mode comes back on exit.
        self._tokens = [_grad_enabled.set(self._enabled)]

    def __enter__(self):
        return self

    def __call__(self, fn):
        # Used as a decorator, the mode applies inside the function only.
        _grad_enabled.reset(self._tokens.pop())
        return super().__call__(fn)

    def _args(self):
        return (self._enabled,)


class inference_mode(_GradModeContext):
    """Like no_grad; gradkit keeps no separate inference tensors, so this only turns
    recording off (and on again with ``inference_mode(False)``)."""

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # used bare: @inference_mode

    def __init__(self, mode: bool = True):
        self._mode = bool(mode)
        self._enabled = not self._mode

    def __enter__(self):
        self.__dict__.setdefault("_itokens", []).append(_inference.set(self._mode))
        return super().__enter__()

    def __exit__(self, *exc):
        _inference.reset(self._itokens.pop())
        return super().__exit__(*exc)

    def _args(self):
        return (self._mode,)
