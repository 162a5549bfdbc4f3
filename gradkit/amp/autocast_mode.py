"""``gradkit.autocast`` / ``gradkit.amp.autocast``: PyTorch's mixed-precision regions.

Inside an enabled region the ops in PyTorch's lists (``_lists``) cast their inputs as
PyTorch does; gradients flow back through the casts, so float32 parameters get float32
gradients. Where gradkit cannot run a region PyTorch would, it warns and leaves the region
off, as PyTorch itself does for an unsupported dtype or a missing CUDA: the code inside
still runs, in full precision. That covers ``autocast("cpu")`` with PyTorch's default
bfloat16, which no gradkit backend stores; ``dtype=gradkit.float16`` runs PyTorch's CPU
lists in float16."""
from __future__ import annotations

import functools
import warnings

from .. import _dtype as D
from . import _dispatch
from ._state import DEFAULT_DTYPES, state

# PyTorch's device types (its error lists them when given another)
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


def is_autocast_available(device_type: str) -> bool:
    return device_type in ("cpu", "cuda")


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether an enabled region is open for ``device_type`` in this thread (no argument:
    CUDA, as PyTorch's deprecated form)."""
    return state.enabled.get("cuda" if device_type is None else device_type, False)


def get_autocast_dtype(device_type: str):
    return state.dtypes.get(device_type, D.float16)


def set_autocast_dtype(device_type: str, dtype) -> None:
    state.dtypes[device_type] = dtype


def is_autocast_cache_enabled() -> bool:
    return state.cache_enabled


def set_autocast_cache_enabled(enabled: bool) -> None:
    state.cache_enabled = bool(enabled)


def clear_autocast_cache() -> None:
    state.cache.clear()


def _disabling(message):
    warnings.warn(message, UserWarning, stacklevel=4)  # the line that made the region
    return False


def _check_device_type(device_type):
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if device_type not in _DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: "
                           f"{device_type}")


class autocast:
    """``with autocast(device_type, dtype=None, enabled=True, cache_enabled=None):``, also a
    decorator. Regions nest; ``enabled=False`` inside a region turns casting off for the
    inner block (as PyTorch's)."""

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled=None):
        _check_device_type(device_type)
        self.device = device_type
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = state.cache_enabled if cache_enabled is None else bool(cache_enabled)
        enabled = bool(enabled)
        if enabled:
            enabled = self._supported()
        self._enabled = enabled
        self._saved = []  # (enabled, dtype, cache) before each entry: one instance may re-enter

    def _supported(self) -> bool:
        device, dtype = self.device, self.fast_dtype
        if device == "cpu":
            if dtype not in (D.bfloat16, D.float16):
                return _disabling("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                                  "CPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.")
            if dtype is D.bfloat16:
                return _disabling("In CPU autocast, but gradkit's CPU tensors cannot hold bfloat16 (NumPy has no "
                                  "such dtype). Disabling autocast: the region runs in full precision. Pass "
                                  "dtype=gradkit.float16 for PyTorch's CPU autocast lists in float16.")
            return True
        if device == "cuda":
            from .. import cuda

            if not cuda.is_available():
                return _disabling("CUDA is not available or torch_xla is imported. Disabling autocast.")
            if dtype not in (D.float16, D.bfloat16):
                return _disabling("In CUDA autocast, but the target dtype is not supported. Disabling autocast.\n"
                                  "CUDA Autocast only supports dtypes of torch.float16 and torch.bfloat16 currently.")
            if dtype is D.bfloat16:
                return _disabling("In CUDA autocast, but gradkit's CUDA tensors (CuPy) cannot hold bfloat16. "
                                  "Disabling autocast: pass dtype=gradkit.float16 (gradkit.cuda.is_bf16_supported() "
                                  "is False).")
            return True
        return _disabling(f"User specified an unsupported autocast device_type '{device}'; gradkit runs autocast "
                          f"on 'cpu' and 'cuda' only. Disabling autocast.")

    def __enter__(self):
        device = self.device
        self._saved.append((state.enabled.get(device, False), state.dtypes.get(device, DEFAULT_DTYPES.get(device)),
                            state.cache_enabled))
        state.enabled[device] = self._enabled
        state.dtypes[device] = self.fast_dtype
        state.cache_enabled = self._cache_enabled
        if self._enabled:
            state.nesting += 1
            _dispatch.region_opened()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        device = self.device
        if self._enabled:
            state.nesting -= 1
            if state.nesting == 0:
                state.cache.clear()  # casts of parameters live as long as the outermost region
            _dispatch.region_closed()
        state.enabled[device], state.dtypes[device], state.cache_enabled = self._saved.pop()
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        decorate_autocast.__script_unsupported = "@autocast() decorator is not supported in script mode"
        return decorate_autocast


def _cast_floating(value, device_type, dtype):
    """``value`` with its floating tensors (in containers too) cast to ``dtype``."""
    from .._tensor import Tensor

    if isinstance(value, Tensor):
        if value.is_floating_point() and value.device.type == device_type and value.dtype is not D.float64:
            return value.to(dtype)
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_floating(v, device_type, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _cast_floating(v, device_type, dtype) for k, v in value.items()}
    return value


def custom_fwd(fwd=None, *, device_type: str, cast_inputs=None):
    """For a custom ``autograd.Function``'s forward: runs it with the autocast state recorded
    on ``ctx`` for ``custom_bwd``; with ``cast_inputs``, inside an enabled region the floating
    inputs are cast to it and the forward runs with autocast off (PyTorch's contract)."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            ctx._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        autocast_context = is_autocast_enabled(device_type)
        ctx._fwd_used_autocast = False
        if autocast_context:
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast_floating(args, device_type, cast_inputs),
                           **_cast_floating(kwargs, device_type, cast_inputs))
        return fwd(*args, **kwargs)

    return decorate_fwd


def custom_bwd(bwd=None, *, device_type: str):
    """For a custom Function's backward: runs it under the autocast state its forward ran in."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type=device_type, enabled=ctx._fwd_used_autocast, dtype=ctx._dtype):
            return bwd(*args, **kwargs)

    return decorate_bwd
