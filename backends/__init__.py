"""The dispatch layer: one Backend per array library, chosen from a device type.

Only this package touches NumPy, CuPy or array_api_strict directly. The engine and the
ops above it speak to a backend's ``xp`` (an array-API namespace) and to the few extras
the standard lacks (scatter-add, advanced indexing, random numbers, host transfers).
"""
from __future__ import annotations

from ._device import Device, KNOWN_TYPES, device_from_env
from .base import Backend, BackendUnavailable
# PyTorch's settings namespace (torch.backends.cudnn.benchmark = True and kin) lives here too
from . import cuda, cudnn, mps  # noqa: E402,F401

_backends: dict = {}
# called with each backend as it is created (gradkit seeds its generator there)
on_create: list = []


def get_backend(kind: str) -> Backend:
    backend = _backends.get(kind)
    if backend is None:
        backend = _backends[kind] = _create(kind)
        for callback in on_create:
            callback(backend)
    return backend


def _create(kind: str) -> Backend:
    if kind == "cpu":
        from .numpy_backend import NumpyBackend

        return NumpyBackend()
    if kind == "cuda":
        from .cupy_backend import CupyBackend

        return CupyBackend()
    if kind == "strict":
        from .strict_backend import StrictBackend

        return StrictBackend()
    raise RuntimeError(f"unknown device type {kind!r}; expected one of {', '.join(KNOWN_TYPES)}")


def loaded_backends():
    """Backends created so far (used to seed every device's generator)."""
    return list(_backends.values())


__all__ = ["Backend", "BackendUnavailable", "Device", "device_from_env", "get_backend", "loaded_backends"]
