"""CUDA backend on CuPy. Imported only when a CUDA device is first used, so
``import gradkit`` never imports cupy."""
from __future__ import annotations

import math
import sys
from sys import getrefcount

import numpy as np

from ._cuda_fused import FusedCudaKernels
from ._strides import element_layout, is_dense
from .base import SOLE_HOLDER_REFS, Backend, BackendUnavailable
from .kernels.indexing import add_at, assign_at, ints_first
from .numpy_backend import DEFAULT_SEED


def _import_cupy():
    try:
        import cupy
    except ImportError:
        raise BackendUnavailable(
            "CUDA was asked for but cupy is not installed: pip install 'gradkit[cuda12]' or 'gradkit[cuda13]' "
            "(matching your CUDA driver)"
        ) from None
    except Exception as exc:  # a broken install raises all sorts of errors at import
        raise BackendUnavailable(f"CUDA was asked for but cupy failed to import: {exc}") from None
    return cupy


def _extra(cupy) -> str:
    """The gradkit extra that matches cupy's CUDA major version."""
    try:
        major = cupy.cuda.runtime.runtimeGetVersion() // 1000
    except Exception:  # noqa: BLE001  (the version is only a hint in an error message)
        return "'gradkit[cuda12]' or 'gradkit[cuda13]' (matching your cupy build)"
    return f"'gradkit[cuda{major}]'"


def _check_compiler(cupy):
    """Runs one tiny kernel: CuPy compiles every kernel with NVRTC against the CUDA headers,
    and a machine with only a driver has neither, which cupy reports on the first op with
    errors that do not say what to install. Raised here instead, naming the extra."""
    try:
        (cupy.ones(1, dtype=cupy.float32) + 1).get()
    except Exception as exc:
        text = f"{type(exc).__name__}: {exc}"
        lowered = text.lower()
        if "nvrtc" in lowered:
            what = "NVRTC (libnvrtc, CUDA's run-time compiler) is missing"
        elif "cannot open source file" in lowered or "cuda_fp16.h" in lowered or "cuda_runtime.h" in lowered:
            what = "the CUDA headers (cuda_runtime.h, cuda_fp16.h) are missing"
        else:
            raise
        raise BackendUnavailable(
            f"CUDA was asked for but cupy cannot compile kernels: {what}. pip install {_extra(cupy)} brings NVRTC, "
            f"the runtime headers and cuBLAS as wheels (cupy's error: {text.splitlines()[0]})") from None


def _installed(name) -> bool:
    if name in sys.modules:  # None there means "blocked", as if not installed
        return sys.modules[name] is not None
    import importlib.util

    return importlib.util.find_spec(name) is not None


def cuda_unavailable_reason():
    """None when CUDA is usable, else a sentence saying what is missing."""
    try:
        cupy = _import_cupy()
    except BackendUnavailable as exc:
        return str(exc)
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:
        text = str(exc)
        if "insufficient" in text.lower() or "driver" in text.lower():
            return f"the CUDA driver is missing or too old for this cupy build: {text}"
        return f"no CUDA device is visible: {text}"
    if count == 0:
        return "cupy is installed but no CUDA device is visible"
    # the CUDA backend's array namespace is array-api-compat's wrapper of cupy (pure Python)
    if not _installed("array_api_compat"):
        return ("CUDA was asked for but array-api-compat is not installed: pip install array-api-compat (or "
                "'gradkit[cuda12]' / 'gradkit[cuda13]', which bring it)")
    return None


class CupyBackend(FusedCudaKernels, Backend):
    name = "cupy"

    # -- devices, dtypes, transfers ------------------------------------------------
    def __init__(self):
        reason = cuda_unavailable_reason()
        if reason is not None:
            raise BackendUnavailable(reason)
        import cupy
        from array_api_compat import cupy as xp

        self._cupy = cupy
        self.xp = xp
        _check_compiler(cupy)
        self._generators = {}
        self._seed = DEFAULT_SEED
        # The device gradkit calls current (torch.cuda.current_device): what set_device chose.
        # CuPy's own current device follows the tensors instead (each op makes its tensor's
        # device current), so "cuda" must not mean whatever device the last op ran on.
        self._selected = cupy.cuda.runtime.getDevice()

    def device_count(self) -> int:
        return self._cupy.cuda.runtime.getDeviceCount()

    def current_device_index(self) -> int:
        return self._selected

    def set_current_device(self, index: int) -> None:
        self._cupy.cuda.runtime.setDevice(index)
        self._selected = index

    def device_name(self, index: int) -> str:
        name = self._cupy.cuda.runtime.getDeviceProperties(index)["name"]
        return name.decode() if isinstance(name, bytes) else name

    def resolve(self, device):
        if device.index is None:
            from ._device import Device

            return Device("cuda", self._selected)
        if device.index >= self.device_count():
            raise RuntimeError(
                f"CUDA error: invalid device ordinal {device.index}: {self.device_count()} device(s) visible"
            )
        return device

    def xp_device(self, device):
        return self._cupy.cuda.Device(self._selected if device.index is None else device.index)

    def dtype_name(self, array_dtype) -> str:
        return array_dtype.name

    def asarray(self, obj, dtype, device, copy=None):
        with self.xp_device(device):
            return self._cupy.asarray(obj, dtype=dtype)

    def to_host(self, array):
        return self._cupy.asnumpy(array)

    def from_host(self, host_array, device):
        with self.xp_device(device):
            return self._cupy.asarray(host_array)

    def from_dlpack(self, obj, device):
        # CuPy imports CUDA memory only: a producer on the host (DLPack device type 1) goes
        # through NumPy and a host-to-device copy
        kind, index = obj.__dlpack_device__()
        with self.xp_device(device):
            if int(kind) == _DLPACK_CPU:
                return self._cupy.asarray(np.from_dlpack(obj))
            array = self._cupy.from_dlpack(obj)
            if array.device.id != device.index and device.index is not None:
                array = self._cupy.array(array, copy=True)  # onto the device asked for
            return array

    def synchronize(self, device=None) -> None:
        index = self._selected if device is None or device.index is None else device.index
        self._cupy.cuda.Device(index).synchronize()

    def memory_info(self, device=None) -> dict:
        # CuPy's pool and cudaMemGetInfo answer for the current device: make the asked one current
        index = self._selected if device is None or device.index is None else device.index
        with self._cupy.cuda.Device(index):
            pool = self._cupy.get_default_memory_pool()
            free, total = self._cupy.cuda.runtime.memGetInfo()
            return {"allocated": pool.used_bytes(), "reserved": pool.total_bytes(), "free": free, "total": total}

    def adoptable(self, array) -> bool:
        # CuPy arrays are always writable; a view has a base (counted as NumPy's check)
        return array.base is None and getrefcount(array) <= SOLE_HOLDER_REFS

    # -- layout family -------------------------------------------------------------
    def layout(self, array):
        return element_layout(array, _address, self.xp.ndarray)

    def clone(self, array):
        dense = is_dense(array.shape, element_layout(array, _address, self.xp.ndarray)[0])
        return self.xp.array(array, order="K" if dense else "C", copy=True)

    def row_major(self, array):
        return self.xp.array(array, order="C", copy=True)

    # -- indexing family -----------------------------------------------------------
    def getitem(self, array, key):
        split = ints_first(key)  # PyTorch's order: integer indices first
        return array[key] if split is None else array[split[0]][split[1]]

    def index_add(self, shape, dtype, device, key, values):
        cupy = self._cupy
        with self.xp_device(device):
            out = cupy.zeros(shape, dtype=dtype)
            target, values = _atomic_add_operands(cupy, out, values)
            add_at(cupy, target, key, values)
            if target is not out:
                out[...] = target.astype(out.dtype)
        return out

    def setitem(self, array, key, values):
        assign_at(array, key, values)

    # -- reduction family ----------------------------------------------------------
    def cumsum(self, array, axis):
        return self._cupy.cumsum(array, axis=axis)

    # -- activation family ---------------------------------------------------------
    def exp(self, a):
        return self.xp.exp(a)  # CuPy's float32 exp is the CUDA expf PyTorch uses on GPUs

    # -- loss family ---------------------------------------------------------------
    # one gather / scatter kernel instead of the portable arange-compare-where
    def take_rows(self, a, idx):
        return a[self._cupy.arange(a.shape[0]), idx]

    def add_rows(self, a, idx, v):
        a[self._cupy.arange(a.shape[0]), idx] += v
        return a

    # -- pooling family ------------------------------------------------------------
    # one scatter or gather kernel on a flat index, where the portable forms compare every
    # position with every index
    def max_pool_backward(self, g, indices, in_size, kernel, stride, padding, dilation):
        return self.plane_scatter_add(g, indices, tuple(in_size))

    def plane_scatter_add(self, g, indices, plane):
        cupy = self._cupy
        out = cupy.zeros(g.shape[:g.ndim - len(plane)] + tuple(plane), dtype=g.dtype)
        target, values = _atomic_add_operands(cupy, out, g)
        cupy.add.at(target.reshape(-1), self._plane_flat_index(indices, len(plane), math.prod(plane)),
                    values.reshape(-1))
        if target is not out:
            out[...] = target.astype(out.dtype)
        return out

    # CuPy's diagonal is a writable view, as PyTorch's
    diagonal_is_view = True

    def diagonal(self, array, offset, axis1, axis2):
        return self._cupy.diagonal(array, offset, axis1, axis2)

    def plane_gather(self, a, indices, nd):
        flat = self._plane_flat_index(indices, nd, math.prod(a.shape[a.ndim - nd:]))
        return a.reshape(-1)[flat].reshape(indices.shape)

    def max_unpool(self, x, indices, plane):
        out = self._cupy.zeros(x.shape[:x.ndim - len(plane)] + tuple(plane), dtype=x.dtype)
        out.reshape(-1)[self._plane_flat_index(indices, len(plane), math.prod(plane))] = x.reshape(-1)
        return out

    # -- random family -------------------------------------------------------------
    def _generator(self, device):
        index = device.index or 0
        gen = self._generators.get(index)
        if gen is None:
            with self._cupy.cuda.Device(index):
                gen = self._generators[index] = self._cupy.random.default_rng(self._seed + index)
        return gen

    def seed(self, seed: int) -> None:
        self._seed = seed
        self._generators.clear()

    # A device's state is its cuRAND generator's state buffer (one state per GPU thread the
    # generator was sized for), copied out as bytes; restoring copies them back in place.
    def get_rng_state(self, device):
        with self.xp_device(device):
            buffer = self._generator(device).bit_generator._state
            return self._cupy.asnumpy(buffer).view(np.uint8)

    def set_rng_state(self, state, device) -> None:
        with self.xp_device(device):
            gen = self._generator(device)
            buffer = gen.bit_generator._state
            raw = np.ascontiguousarray(state, dtype=np.uint8)
            if raw.size != buffer.nbytes:
                raise RuntimeError(f"Expected a cuRAND generator state of size {buffer.nbytes} but found the input "
                                   f"RNG state size to be {raw.size}")
            buffer[...] = self._cupy.asarray(raw.view(buffer.dtype))
            gen._binomial_state = None  # a cache drawn from the old stream

    def uniform(self, shape, dtype, device):
        with self.xp_device(device):
            gen = self._generator(device)
            return gen.random(shape, dtype=np.float64 if dtype == np.float64 else np.float32).astype(dtype, copy=False)

    def normal(self, shape, dtype, device):
        with self.xp_device(device):
            gen = self._generator(device)
            return gen.standard_normal(shape, dtype=np.float64 if dtype == np.float64 else np.float32).astype(
                dtype, copy=False)

    def integers(self, low, high, shape, dtype, device):
        with self.xp_device(device):
            return self._generator(device).integers(low, high, size=shape).astype(dtype, copy=False)

    # permutation: the portable default (cupy.random.Generator has no permutation)


_DLPACK_CPU = 1


def _address(array):
    return array.data.ptr


# cupy.add.at has CUDA atomics for these types only (it raises TypeError for the others)
_ATOMIC_ADD_TYPES = frozenset("iIefdFDQL")


def _atomic_add_operands(cupy, out, values):
    """(target, values) for cupy.add.at into ``out``: ``out`` itself where CuPy has an atomic
    add for its dtype; int64 as uint64 (two's complement sums are the same bits); the narrow
    integer types and bool through an int32 buffer that the caller casts back."""
    char = out.dtype.char
    if not isinstance(values, cupy.ndarray):
        values = cupy.asarray(values, dtype=out.dtype)
    if char in _ATOMIC_ADD_TYPES:
        return out, values.astype(out.dtype, copy=False)
    if char in "lq":
        return out.view(cupy.uint64), values.astype(out.dtype, copy=False).view(cupy.uint64)
    return out.astype(cupy.int32), values.astype(cupy.int32)


