"""Moving tensors between devices and dtypes: ``Tensor.to``, ``.cpu()``, ``.cuda()``."""
from __future__ import annotations

from .. import _dtype as D
from .. import _layout
from .._device import Device, resolve
from .._tensor import Tensor
from ..autograd.node import Node
from ._core import cast
from ._table import Family

FAMILY = Family("device")

_make = Tensor._make


def transfer(array, src: Device, dst: Device):
    """The array's values on ``dst`` (through host memory, which every backend can reach)."""
    if src is dst:
        return array
    host = src.backend.to_host(array)
    return dst.backend.from_host(host, dst)


class ToDevice(Node):
    _backward_name = "ToCopyBackward0"

    def forward(self, backend, a, src, dst):
        self.src, self.dst = src, dst
        return transfer(a, src, dst)

    def backward(self, g):
        return to_device(g, self.src)


def to_device(t: Tensor, dst: Device) -> Tensor:
    src = t._device
    if src is dst:
        return t
    if t._requires_grad:
        out = ToDevice.apply(t, src=src, dst=dst)
        if out._device is not dst:
            out._device = dst
        return out
    return _make(transfer(t._data, src, dst), dst)


def _parse_to_args(args, kwargs):
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, (str, Device, int)) and not isinstance(a, bool):
            device = a
        elif a is None:
            continue
        else:
            try:
                dtype = D.as_dtype(a)
            except TypeError:
                raise TypeError(f"to() received an invalid combination of arguments: {type(a).__name__}") from None
    return device, dtype


def to(self: Tensor, *args, non_blocking=False, copy=False, memory_format=None, **kwargs):
    """``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(other)``. Returns self
    when nothing changes (unless ``copy=True``)."""
    device, dtype = _parse_to_args(args, kwargs)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    out = self
    if device is not None:
        dst = resolve(device)
        if dst is not self._device:
            out = _moved(out, dst, dtype, non_blocking)
    if dtype is not None:
        out = cast(out, D.as_dtype(dtype))
    if memory_format is not None and memory_format is not _layout.preserve_format:
        out = out.contiguous(memory_format=memory_format)
    if copy and out is self:
        out = self.clone()
    return out


FAMILY.export(to, export=False)


def _moved(t, dst, dtype, non_blocking=False):
    # cast before moving to a device when that makes the transfer smaller
    if non_blocking and dst.type == "cuda" and t._device.type == "cpu" and not t._requires_grad:
        from .._cuda_pinned import to_cuda_non_blocking

        moved = to_cuda_non_blocking(t, dst)  # None unless t is pinned
        if moved is not None:
            return moved
    return to_device(t, dst)


def cpu(self: Tensor, memory_format=None) -> Tensor:
    return to_device(self, resolve("cpu"))


FAMILY.export(cpu, export=False)


def cuda(self: Tensor, device=None, non_blocking=False, memory_format=None) -> Tensor:
    if device is None:
        target = "cuda"
    elif isinstance(device, int):
        target = f"cuda:{device}"
    else:
        target = device
    dst = resolve(target)
    if dst.type != "cuda":
        raise RuntimeError(f"cuda(): expected a CUDA device, got {dst}")
    return to_device(self, dst)


FAMILY.export(cuda, export=False)  # gradkit.cuda is the module


_TYPE_NAMES = {
    "torch.FloatTensor": D.float32, "torch.DoubleTensor": D.float64, "torch.HalfTensor": D.float16,
    "torch.LongTensor": D.int64, "torch.IntTensor": D.int32, "torch.ShortTensor": D.int16,
    "torch.CharTensor": D.int8, "torch.ByteTensor": D.uint8, "torch.BoolTensor": D.bool_,
}


def type_(self: Tensor, dtype=None, non_blocking=False, **kwargs):
    """``t.type()`` names the type ('gradkit.FloatTensor'); ``t.type(dtype)`` casts."""
    if dtype is None:
        names = {v: k.replace("torch.", "gradkit.") for k, v in _TYPE_NAMES.items()}
        name = names[self.dtype]
        return name if self._device.type == "cpu" else name.replace("gradkit.", f"gradkit.{self._device.type}.")
    if isinstance(dtype, str):
        key = dtype.replace("gradkit.", "torch.").replace("torch.cuda.", "torch.")
        if key in _TYPE_NAMES:
            dtype = _TYPE_NAMES[key]
    return cast(self, D.as_dtype(dtype))


FAMILY.export(type_, name="type", export=False)
