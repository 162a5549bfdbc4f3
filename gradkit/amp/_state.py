"""Autocast's thread-local state: per device type, whether a region is casting and to which
dtype (PyTorch's ``is_autocast_enabled(device_type)`` / ``get_autocast_dtype``).

Kept apart from the dispatcher so that the few cold error branches that must tolerate mixed
dtypes inside a region (matmul's and linear's dtype checks) can ask without loading it."""
from __future__ import annotations

import threading

from .. import _dtype as D

# PyTorch's defaults: float16 on CUDA, bfloat16 on the CPU (a dtype gradkit's CPU backend
# does not store, so an autocast("cpu") region without dtype= warns and stays off)
DEFAULT_DTYPES = {"cuda": D.float16, "cpu": D.bfloat16}


class _ThreadState(threading.local):
    def __init__(self):
        self.enabled = {}  # device type -> True inside an enabled region
        self.dtypes = dict(DEFAULT_DTYPES)
        self.cache_enabled = True
        self.nesting = 0  # enabled regions entered and not left, any device type
        self.cache = {}  # id(leaf) -> (leaf, its cast): casts of parameters reused within a region


state = _ThreadState()


def is_enabled(device_type: str = "cuda") -> bool:
    return state.enabled.get(device_type, False)


def region_dtype(device_type: str):
    """The dtype an enabled region casts ``device_type``'s tensors to, else None."""
    if state.enabled.get(device_type, False):
        return state.dtypes[device_type]
    return None


def mixes_lower_precision(device_type: str, *dtypes) -> bool:
    """Whether an autocast region on ``device_type`` will cast operands of these dtypes to
    one dtype before a lower-precision op runs (all floating, none float64: PyTorch leaves
    float64 alone). Asked only on the error branch of a dtype-mismatch check."""
    if not state.enabled.get(device_type, False):
        return False
    return all(d.category == D.FLOAT and d is not D.float64 for d in dtypes)
