"""Process-wide runtime settings PyTorch exposes at the top level: the CPU thread count and
the deterministic-algorithms switch (exported as gradkit.get_num_threads and kin).

The CPU thread pool behind gradkit's work is OpenBLAS's: NumPy's own loops are single
threaded and its wheels bundle an OpenBLAS built with its own threads (no OpenMP). So the
count is read and set through that library's C entry points, the one ``_blas`` already
locates for axpy; threadpoolctl would find the same library by scanning every loaded one,
a dependency for no gain here. Where NumPy uses some other BLAS the count is only recorded.
"""
from __future__ import annotations

import ctypes
import functools
import os

_SET = ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads")
_GET = ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads")
_recorded = [None]  # the count set where no OpenBLAS answers


@functools.cache
def _openblas_calls():
    """(get, set) C functions of NumPy's OpenBLAS, or None."""
    from ._blas import _bundled_openblas

    for library in _bundled_openblas():
        getter = next((getattr(library, n) for n in _GET if hasattr(library, n)), None)
        setter = next((getattr(library, n) for n in _SET if hasattr(library, n)), None)
        if getter is not None and setter is not None:
            getter.restype, getter.argtypes = ctypes.c_int, ()
            setter.restype, setter.argtypes = None, (ctypes.c_int,)
            return getter, setter
    return None


def get_num_threads() -> int:
    calls = _openblas_calls()
    if calls is not None:
        return int(calls[0]())
    if _recorded[0] is None:
        _recorded[0] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return _recorded[0]


def set_num_threads(n) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    calls = _openblas_calls()
    if calls is not None:
        calls[1](n)
    _recorded[0] = n


# gradkit's CPU and strict kernels give the same bits run after run; CUDA's scatter-adds use
# atomics, whose order varies. The switch is kept so scripts that set and read it run.
_deterministic = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False) -> None:
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    if not isinstance(warn_only, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'warn_only' must be bool, not "
                        f"{type(warn_only).__name__}")
    _deterministic["mode"] = mode
    _deterministic["warn_only"] = warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _deterministic["warn_only"]


def get_deterministic_debug_mode() -> int:
    """0, 1 or 2 as PyTorch: off, warn, error."""
    if not _deterministic["mode"]:
        return 0
    return 1 if _deterministic["warn_only"] else 2


def set_deterministic_debug_mode(debug_mode) -> None:
    names = {"default": 0, "warn": 1, "error": 2}
    if isinstance(debug_mode, str):
        if debug_mode not in names:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = names[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)
