"""Test-only backend: array_api_strict arrays placed on its ``device1``.

It stands in for an accelerator on CPU-only machines: it refuses implicit conversion to
NumPy and mixing with arrays on another device, and offers nothing beyond the standard,
so ops that would break on CuPy break here first. It keeps every portable default of
Backend, which is how those defaults get tested.
"""
from __future__ import annotations

from sys import getrefcount

import numpy as np

from ._strides import element_layout
from .base import SOLE_HOLDER_REFS, Backend, BackendUnavailable
from .numpy_backend import DEFAULT_SEED, pcg64_from_state_bytes, pcg64_state_bytes


class StrictBackend(Backend):
    name = "array_api_strict"

    # -- devices, dtypes, transfers ------------------------------------------------
    def __init__(self):
        try:
            import array_api_strict
        except ImportError:
            raise BackendUnavailable(
                "the 'strict' test device needs the array-api-strict package (pip install 'gradkit[test]')"
            ) from None
        # array_api_strict computes through NumPy, which warns on 1/0; gradkit follows
        # PyTorch's silent IEEE results on every device
        import warnings

        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"array_api_strict(\.|$)")
        self.xp = array_api_strict
        self._device = array_api_strict.Device("device1")
        self._cpu = array_api_strict.Device("CPU_DEVICE")
        # Random numbers are drawn on the host and moved over, as a device without its own
        # generator would do; an explicit transfer is allowed, an implicit one is not.
        self._rng = np.random.Generator(np.random.PCG64(DEFAULT_SEED))

    def xp_device(self, device):
        return self._device

    def dtype_name(self, array_dtype) -> str:
        return repr(array_dtype).rsplit(".", 1)[-1]

    def xp_dtype(self, name: str):
        found = getattr(self.xp, name, None)
        if found is None:
            raise TypeError(f"the strict test device has no {name} dtype (the array API standard does not define "
                            f"it); use float32 or float64 there")
        return found

    def asarray(self, obj, dtype, device, copy=None):
        if isinstance(obj, np.ndarray):
            array = self.from_host(obj, device)
            return array if dtype is None else self.xp.astype(array, dtype)
        return self.xp.asarray(obj, dtype=dtype, device=self._device, copy=copy)

    def to_host(self, array):
        return np.asarray(array.to_device(self._cpu))

    def from_host(self, host_array, device):
        # a copy, as a transfer to an accelerator is: the tensor must not alias the host array
        host_array = np.asarray(host_array)
        self.xp_dtype(host_array.dtype.name)  # a clear error for dtypes the standard lacks (float16)
        return self.xp.asarray(host_array, device=self._device, copy=True)

    def from_dlpack(self, obj, device):
        return self.from_host(np.from_dlpack(obj), device)

    def adoptable(self, array) -> bool:
        # a strict Array wraps a NumPy array: the Tensor must be the Array's only holder
        # and the Array the NumPy array's (the local ``inner`` stands where NumPy's check
        # has its parameter, so the same count applies)
        inner = array._array
        return getrefcount(array) <= SOLE_HOLDER_REFS and inner.base is None and \
            getrefcount(inner) <= SOLE_HOLDER_REFS and inner.flags.writeable

    # -- layout family -------------------------------------------------------------
    def layout(self, array):
        # the wrapped NumPy array is this device's memory; the copies keep the portable
        # kernels, so the tests exercise them
        inner = array._array
        if not isinstance(inner, np.ndarray):
            return (), 0
        return element_layout(inner, lambda a: a.__array_interface__["data"][0], np.ndarray)

    # -- random family -------------------------------------------------------------
    def seed(self, seed: int) -> None:
        self._rng = np.random.Generator(np.random.PCG64(seed))

    def get_rng_state(self, device):
        return pcg64_state_bytes(self._rng)

    def set_rng_state(self, state, device) -> None:
        self._rng = pcg64_from_state_bytes(state)

    def uniform(self, shape, dtype, device):
        # float32 drawn as float32: a float64 draw rounded to float32 can become 1.0
        host = self._rng.random(shape, dtype=np.float64 if dtype == self.xp.float64 else np.float32)
        return self.xp.astype(self.from_host(host, device), dtype)

    def normal(self, shape, dtype, device):
        host = self._rng.standard_normal(shape)
        return self.xp.astype(self.from_host(host, device), dtype)

    def integers(self, low, high, shape, dtype, device):
        host = self._rng.integers(low, high, size=shape, dtype=np.int64)
        return self.xp.astype(self.from_host(host, device), dtype)

    def permutation(self, n, device):
        return self.from_host(self._rng.permutation(n), device)


__all__ = ["StrictBackend", "BackendUnavailable"]
