"""``gradkit.cuda``: what PyTorch's torch.cuda offers that a training script asks about.
Nothing here imports cupy until a question needs it."""
from __future__ import annotations

import sys


def _cupy_reason():
    from .backends.cupy_backend import cuda_unavailable_reason

    return cuda_unavailable_reason()


def is_available() -> bool:
    """True when cupy imports and sees at least one CUDA device."""
    if "cupy" not in sys.modules:
        import importlib.util

        if importlib.util.find_spec("cupy") is None:
            return False
    return _cupy_reason() is None


def unavailable_reason():
    """None when CUDA works, else why not (no cupy, no device, driver too old)."""
    return _cupy_reason()


def device_count() -> int:
    if not is_available():
        return 0
    from .backends import get_backend

    return get_backend("cuda").device_count()


def _index(device) -> int:
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    from ._device import Device

    return Device(device).index or 0


def current_device() -> int:
    return _backend().current_device_index()


def set_device(device) -> None:
    _backend().set_current_device(_index(device))


def synchronize(device=None) -> None:
    """Waits for all queued work on the device (a no-op without CUDA)."""
    if not is_available():
        return
    from ._device import Device
    from .backends import get_backend

    get_backend("cuda").synchronize(None if device is None else Device(device if not isinstance(device, int)
                                                                       else f"cuda:{device}"))


def get_device_name(device=None) -> str:
    return _backend().device_name(_index(device))


def memory_allocated(device=None) -> int:
    if not is_available():
        return 0
    from .backends import get_backend

    return get_backend("cuda").memory_info().get("allocated", 0)


def manual_seed(seed) -> None:
    from .ops.random import manual_seed as seed_all

    seed_all(seed)


manual_seed_all = manual_seed


def _backend():
    _require()
    from .backends import get_backend

    return get_backend("cuda")


def _require():
    reason = _cupy_reason()
    if reason is not None:
        raise RuntimeError(f"CUDA is not available: {reason}")
