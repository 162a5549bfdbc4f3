"""``gradkit.cuda.amp`` and ``gradkit.cpu.amp``: PyTorch's older spellings of autocast,
GradScaler, custom_fwd and custom_bwd, with the FutureWarning PyTorch gives for each."""
from __future__ import annotations

import functools
import types
import warnings

from .. import _dtype as D
from . import autocast_mode, grad_scaler


def _warn(old, device):
    warnings.warn(f"`gradkit.{device}.amp.{old}(args...)` is deprecated. Please use "
                  f"`gradkit.amp.{old}('{device}', args...)` instead.", FutureWarning, stacklevel=3)


class _CudaAutocast(autocast_mode.autocast):
    def __init__(self, enabled: bool = True, dtype=D.float16, cache_enabled: bool = True):
        _warn("autocast", "cuda")
        super().__init__("cuda", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class _CpuAutocast(autocast_mode.autocast):
    def __init__(self, enabled: bool = True, dtype=D.bfloat16, cache_enabled: bool = True):
        _warn("autocast", "cpu")
        super().__init__("cpu", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class _CudaGradScaler(grad_scaler.GradScaler):
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        _warn("GradScaler", "cuda")
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)


class _CpuGradScaler(grad_scaler.GradScaler):
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        _warn("GradScaler", "cpu")
        super().__init__("cpu", init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)


def _cuda_custom_fwd(fwd=None, *, cast_inputs=None):
    warnings.warn("`gradkit.cuda.amp.custom_fwd(args...)` is deprecated. Please use "
                  "`gradkit.amp.custom_fwd(args..., device_type='cuda')` instead.", FutureWarning, stacklevel=2)
    if fwd is None:
        return functools.partial(autocast_mode.custom_fwd, device_type="cuda", cast_inputs=cast_inputs)
    return autocast_mode.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def _cuda_custom_bwd(bwd):
    warnings.warn("`gradkit.cuda.amp.custom_bwd(args...)` is deprecated. Please use "
                  "`gradkit.amp.custom_bwd(args..., device_type='cuda')` instead.", FutureWarning, stacklevel=2)
    return autocast_mode.custom_bwd(bwd, device_type="cuda")


def _namespace(name, **members):
    module = types.ModuleType(name, f"PyTorch's deprecated {name.replace('gradkit', 'torch')} spellings.")
    for key, value in members.items():
        if isinstance(value, type):
            value.__name__ = value.__qualname__ = key
            value.__module__ = name
        setattr(module, key, value)
    return module


cuda_amp = _namespace("gradkit.cuda.amp", autocast=_CudaAutocast, GradScaler=_CudaGradScaler,
                      custom_fwd=_cuda_custom_fwd, custom_bwd=_cuda_custom_bwd)
cpu_amp = _namespace("gradkit.cpu.amp", autocast=_CpuAutocast, GradScaler=_CpuGradScaler)
