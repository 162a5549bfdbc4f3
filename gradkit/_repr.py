"""Tensor repr in PyTorch's layout (the formatting itself is in _printing). Printing a
tensor on an accelerator copies it to the host: it is a sync point."""
from __future__ import annotations

from . import _dtype as D
from ._printing import format_tensor

_KIND = {D.BOOL: "bool", D.INT: "int", D.FLOAT: "float"}


def tensor_repr(t, prefix="tensor(") -> str:
    from ._device import get_default_device

    dt = t.dtype
    host = t._host()
    kind = "uint" if dt is D.uint8 else _KIND[dt.category]
    default = D.get_default_dtype()
    if host.size == 0:
        suffix = None if dt is default else f"dtype={dt!r}"
    else:
        suffix = None if dt in (default, D.int64, D.bool_) else f"dtype={dt!r}"
    extras = []
    dev = t._device
    if dev.type != get_default_device().type or (dev.type == "cuda" and dev != get_default_device()):
        extras.append(f"device='{dev}'")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._requires_grad:
        extras.append("requires_grad=True")
    return format_tensor(host, kind, suffix, extras, prefix)
