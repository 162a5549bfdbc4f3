"""``gradkit.cuda``: what PyTorch's torch.cuda offers that a training script asks about.

Nothing here imports cupy until a question needs it. Questions (``is_available``,
``device_count``, ``memory_allocated``) answer False / 0 where CUDA cannot work; the
functions that need a device (``current_device``, ``set_device``, ``get_device_name``)
raise ``RuntimeError`` saying why (cupy missing, no device, driver too old), as torch.cuda
does. ``synchronize`` waits only where CUDA work was done (else nothing is queued). Errors
cupy raises from a device call come back as ``RuntimeError("CUDA error: ...")``."""
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


def is_bf16_supported(including_emulation=True) -> bool:
    """False: gradkit's CUDA arrays (CuPy) have no bfloat16, so scripts that choose their
    precision by asking (nanoGPT's float16-or-bfloat16 choice) pick float16."""
    return False


def unavailable_reason():
    """None when CUDA works, else why not (no cupy, no device, driver too old)."""
    return _cupy_reason()


def device_count() -> int:
    if not is_available():
        return 0
    return _device_call(lambda backend: backend.device_count())


def _index(device) -> int:
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    from ._device import Device

    return Device(device).index or 0


def current_device() -> int:
    return _device_call(lambda backend: backend.current_device_index())


def set_device(device) -> None:
    index = _index(device)
    _device_call(lambda backend: backend.set_current_device(index))


def synchronize(device=None) -> None:
    """Waits for all work queued on the device. With no CUDA work done in this process
    nothing can be queued on any device: it returns at once, without importing cupy
    (whether or not CUDA could work). After CUDA work, a failing device raises
    RuntimeError("CUDA error: ...")."""
    backend = _created_backend()
    if backend is None:
        return
    target = None if device is None else _cuda_target(device)
    _device_call(lambda b: b.synchronize(target), backend)


def get_device_name(device=None) -> str:
    index = _index(device)
    return _device_call(lambda backend: backend.device_name(index))


def memory_allocated(device=None) -> int:
    """Bytes held by tensors on the CUDA device; 0 when no CUDA work was done (as
    torch.cuda before CUDA is initialised), without importing cupy."""
    backend = _created_backend()
    if backend is None:
        return 0
    target = None if device is None else _cuda_target(device)
    return _device_call(lambda b: b.memory_info(target).get("allocated", 0), backend)


def _cuda_target(device):
    """The gradkit Device a memory or sync question names (an int is an index)."""
    from ._device import Device

    return Device(f"cuda:{device}" if isinstance(device, int) else device)


def manual_seed(seed) -> None:
    from .ops.random import manual_seed as seed_all

    seed_all(seed)


manual_seed_all = manual_seed


def get_rng_state(device="cuda"):
    """The generator state of a CUDA device as a uint8 CPU tensor; RuntimeError saying why
    where CUDA cannot work."""
    from ._device import Device
    from .ops.random import _state_tensor

    target = _cuda_device(device)
    return _device_call(lambda backend: _state_tensor(Device("cuda", target)))


def set_rng_state(new_state, device="cuda") -> None:
    """Restores a state from get_rng_state. Without CUDA it is accepted and does nothing, as
    in PyTorch, which queues the call until CUDA starts (so a CPU-only run resumes from a
    checkpoint saved on a GPU); a state that is not a uint8 tensor is refused either way."""
    from ._device import Device
    from .ops.random import _check_state, _restore_state

    _check_state(new_state)
    if not is_available():
        return
    target = _cuda_device(device)
    _device_call(lambda backend: _restore_state(Device("cuda", target), new_state))


def get_rng_state_all() -> list:
    """Every CUDA device's generator state (an empty list without CUDA, as in PyTorch)."""
    return [get_rng_state(index) for index in range(device_count())]


def set_rng_state_all(new_states) -> None:
    for index, state in enumerate(new_states):
        set_rng_state(state, index)


def _cuda_device(device) -> int:
    """The index a CUDA generator call means ('cuda' is the current device), after checking
    that CUDA works."""
    _require()
    if isinstance(device, int):
        return device
    from ._device import Device

    dev = Device(device)
    if dev.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {dev}")
    return current_device() if dev.index is None else dev.index


def _created_backend():
    """The CUDA backend if CUDA work was done in this process, else None (asks nothing of
    cupy)."""
    from .backends import loaded_backends

    for backend in loaded_backends():
        if backend.name == "cupy":
            return backend
    return None


def _backend():
    _require()
    from .backends import get_backend

    return get_backend("cuda")


def _require():
    reason = _cupy_reason()
    if reason is not None:
        raise RuntimeError(f"CUDA is not available: {reason}")


def _device_call(call, backend=None):
    """``call(backend)``, with cupy's errors (CUDARuntimeError and kin, raised when the device
    is lost or the driver fails after start-up) as RuntimeError("CUDA error: ...")."""
    if backend is None:
        backend = _backend()
    try:
        return call(backend)
    except Exception as exc:
        if type(exc).__module__.split(".")[0] not in ("cupy", "cupy_backends", "cupyx"):
            raise
        raise RuntimeError(f"CUDA error: {exc}") from exc


# Streams, events, memory statistics, graph capture and the deprecated torch.cuda.amp
# spellings, each in a module of its own (re-exported here as torch.cuda has them).
from ._cuda_streams import (Event, Stream, StreamContext, current_stream, default_stream, set_stream,  # noqa: E402
                            stream)
from ._cuda_memory import (empty_cache, max_memory_allocated, max_memory_reserved, mem_get_info,  # noqa: E402
                           memory_reserved, memory_stats, memory_summary, reset_max_memory_allocated,
                           reset_max_memory_cached, reset_peak_memory_stats)
from ._cuda_graphs import CUDAGraph, graph, graph_pool_handle, graphed, make_graphed_callables  # noqa: E402
from .amp._deprecated import cuda_amp as amp  # noqa: E402
from . import _cuda_pinned  # noqa: E402,F401  (Tensor.pin_memory / is_pinned)

sys.modules[__name__ + ".amp"] = amp  # so that ``from gradkit.cuda.amp import GradScaler`` imports
