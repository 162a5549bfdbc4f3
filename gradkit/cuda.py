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


def current_device() -> int:
    _require()
    import cupy

    return cupy.cuda.runtime.getDevice()


def set_device(device) -> None:
    _require()
    import cupy

    from ._device import Device

    cupy.cuda.runtime.setDevice(Device(device).index or 0 if not isinstance(device, int) else device)


def synchronize(device=None) -> None:
    """Waits for all queued work on the device (a no-op without CUDA)."""
    if not is_available():
        return
    from ._device import Device
    from .backends import get_backend

    get_backend("cuda").synchronize(None if device is None else Device(device if not isinstance(device, int)
                                                                       else f"cuda:{device}"))


def get_device_name(device=None) -> str:
    _require()
    import cupy

    index = 0 if device is None else (device if isinstance(device, int) else (device.index or 0))
    props = cupy.cuda.runtime.getDeviceProperties(index)
    name = props["name"]
    return name.decode() if isinstance(name, bytes) else name


def memory_allocated(device=None) -> int:
    if not is_available():
        return 0
    from .backends import get_backend

    return get_backend("cuda").memory_info().get("allocated", 0)


def manual_seed(seed) -> None:
    from .ops.random import manual_seed as seed_all

    seed_all(seed)


manual_seed_all = manual_seed


def _require():
    reason = _cupy_reason()
    if reason is not None:
        raise RuntimeError(f"CUDA is not available: {reason}")
