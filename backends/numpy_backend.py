"""CPU backend: NumPy >= 2, whose main namespace follows the array API standard."""
from __future__ import annotations

import numpy as np

from .base import Backend

# PyTorch's default generator starts from a fixed seed, so fresh processes give the same
# numbers; gradkit does the same.
DEFAULT_SEED = 67280421310721


class NumpyBackend(Backend):
    name = "numpy"
    xp = np

    def __init__(self):
        self._rng = np.random.Generator(np.random.PCG64(DEFAULT_SEED))

    def xp_device(self, device):
        return "cpu"

    def dtype_name(self, array_dtype) -> str:
        return array_dtype.name

    def asarray(self, obj, dtype, device, copy=None):
        return np.asarray(obj, dtype=dtype, copy=copy)

    def to_host(self, array):
        return array

    def from_host(self, host_array, device):
        return np.asarray(host_array)

    def from_dlpack(self, obj, device):
        return np.from_dlpack(obj)

    def getitem(self, array, key):
        return array[key]

    def index_add(self, shape, dtype, device, key, values):
        out = np.zeros(shape, dtype=dtype)
        np.add.at(out, key, values)
        return out

    def setitem(self, array, key, values):
        array[key] = values

    def cumsum(self, array, axis):
        return np.cumsum(array, axis=axis)

    def seed(self, seed: int) -> None:
        self._rng = np.random.Generator(np.random.PCG64(seed))

    def uniform(self, shape, dtype, device):
        return self._rng.random(shape, dtype=_float_for_rng(dtype))

    def normal(self, shape, dtype, device):
        return self._rng.standard_normal(shape, dtype=_float_for_rng(dtype)).astype(dtype, copy=False)

    def integers(self, low, high, shape, dtype, device):
        return self._rng.integers(low, high, size=shape, dtype=np.int64).astype(dtype, copy=False)

    def permutation(self, n, device):
        return self._rng.permutation(n)

    def memory_info(self, device=None) -> dict:
        return {}


def _float_for_rng(dtype):
    # Generator draws float32 or float64 only; half precision rounds from float32.
    return np.float64 if dtype == np.float64 else np.float32
