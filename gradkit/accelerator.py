"""``gradkit.accelerator``: torch.accelerator's questions, answered for gradkit's one
accelerator kind, CUDA (through CuPy). Where CUDA cannot work: not available, no current
accelerator, no devices; nothing here imports cupy unless it is installed."""
from __future__ import annotations

from . import cuda as _cuda

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index", "set_device_index",
           "synchronize"]


def is_available() -> bool:
    return _cuda.is_available()


def current_accelerator(check_available: bool = False):
    """``device('cuda')`` where CUDA works, else None (gradkit has no other accelerator)."""
    if not _cuda.is_available():
        return None
    from ._device import device

    return device("cuda")


def device_count() -> int:
    return _cuda.device_count()


def current_device_index() -> int:
    return _cuda.current_device()


current_device_idx = current_device_index


def set_device_index(device) -> None:
    _cuda.set_device(device)


set_device_idx = set_device_index


def synchronize(device=None) -> None:
    _cuda.synchronize(device)
