"""The default device: ``set_default_device``, ``get_default_device`` and the
``GRADKIT_DEVICE`` environment variable (read once, on first use)."""
from __future__ import annotations

from .backends import Device, device_from_env

device = Device

_default = [None]


def get_default_device() -> Device:
    dev = _default[0]
    if dev is None:
        dev = _default[0] = resolve(device_from_env())
    return dev


def set_default_device(dev) -> None:
    """Factories without ``device=`` create tensors here. ``None`` goes back to the CPU."""
    _default[0] = resolve(Device(dev if dev is not None else "cpu"))


def resolve(dev) -> Device:
    """A concrete device whose backend is ready: 'cuda' becomes 'cuda:N', and a device
    that can't be had raises here with the reason."""
    if dev is None:
        return get_default_device()
    dev = Device(dev)
    return dev.backend.resolve(dev)
