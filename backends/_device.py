"""Device objects: parsed once, interned, so the engine compares devices by identity."""
from __future__ import annotations

import os
import threading

# "strict" is the test-only second device: array_api_strict arrays on its device1. It behaves
# like an accelerator (no implicit host conversion, no mixing with CPU arrays) so CPU-only
# machines catch most of the bugs that would break on a GPU.
KNOWN_TYPES = ("cpu", "cuda", "strict")

_interned: dict = {}
_lock = threading.Lock()


class Device:
    # ``backend`` is a slot filled on first read (by __getattr__, which runs only while the slot
    # is empty): naming 'cuda' costs nothing until a CUDA tensor is made, and every later read,
    # several per op, is a plain slot read
    __slots__ = ("type", "index", "backend")

    def __new__(cls, spec, index=None):
        if isinstance(spec, Device):
            if index is None:
                return spec
            spec = spec.type
        if isinstance(spec, int) and not isinstance(spec, bool):
            spec, index = "cuda", spec
        if not isinstance(spec, str):
            raise TypeError(f"device(): expected a device string such as 'cpu' or 'cuda:0', got {type(spec).__name__}")
        kind, index = _parse(spec, index)
        key = (kind, index)
        found = _interned.get(key)
        if found is not None:
            return found
        with _lock:
            found = _interned.get(key)
            if found is None:
                found = object.__new__(_CudaDevice if kind == "cuda" and index is not None else cls)
                found.type = kind
                found.index = index
                _interned[key] = found
        return found

    def __getattr__(self, name):
        if name != "backend":
            raise AttributeError(f"'Device' object has no attribute '{name}'")
        from . import get_backend

        backend = self.backend = get_backend(self.type)  # the Backend that owns arrays on this device
        return backend

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = Device(other)
            except (RuntimeError, TypeError):
                return False
        return self is other

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (Device, (str(self),))


class _CudaDevice(Device):
    """A concrete CUDA device. Reading its ``backend`` (every op and factory does, just
    before it runs: Node.apply passes ``device.backend`` to forward) makes the device current
    in CuPy, so kernels and allocations land on the tensor's GPU: CuPy runs everything on the
    current device, and array-api-compat's factories ignore ``device=``. CPU devices keep
    the plain slot read."""
    __slots__ = ("_backend", "_runtime")

    @property
    def backend(self):
        try:
            runtime = self._runtime
        except AttributeError:
            from . import get_backend

            self._backend = get_backend("cuda")
            runtime = self._runtime = self._backend._cupy.cuda.runtime
        if runtime.getDevice() != self.index:
            runtime.setDevice(self.index)
        return self._backend

    @backend.setter
    def backend(self, value):  # tests put a stand-in backend here and restore the real one
        self._backend = value
        self._runtime = value._cupy.cuda.runtime

    @backend.deleter
    def backend(self):
        for slot in ("_backend", "_runtime"):
            if hasattr(self, slot):
                object.__delattr__(self, slot)

    def cached_backend(self):
        """The backend resolved so far (None before the first read), resolving nothing."""
        return getattr(self, "_backend", None)


def _parse(spec: str, index):
    text = spec.strip()
    kind, sep, rest = text.partition(":")
    if kind not in KNOWN_TYPES:
        raise RuntimeError(
            f"Expected one of {', '.join(KNOWN_TYPES)} device type at start of device string: {spec!r}"
        )
    if sep:
        if index is not None:
            raise RuntimeError(f"device(): index given twice in {spec!r} and index={index}")
        if not rest.isdigit():
            raise RuntimeError(f"Invalid device string: {spec!r} (the index after ':' must be a non-negative integer)")
        index = int(rest)
    if kind == "cpu":
        if index not in (None, 0):
            raise RuntimeError(f"Invalid device string: {spec!r}: gradkit has one CPU device")
        return kind, None
    if kind == "strict":
        return kind, None
    if index is not None and index < 0:
        raise RuntimeError(f"Invalid device string: {spec!r}: device index must be non-negative")
    return kind, index


def device_from_env(default: str = "cpu") -> Device:
    spec = os.environ.get("GRADKIT_DEVICE", "").strip()
    if not spec:
        return Device(default)
    try:
        return Device(spec)
    except (RuntimeError, TypeError) as exc:
        raise RuntimeError(f"GRADKIT_DEVICE={spec!r} is not a valid device: {exc}") from None
