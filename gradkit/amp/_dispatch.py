"""The casting dispatcher: while some autocast region is enabled, ``Node.apply`` (the one
place every op's forward runs through) is swapped for a version that casts the inputs of
the listed ops first. Outside regions the plain ``Node.apply`` is in place, so autocast
costs an op nothing when no region is open.

The swap is process-wide while the switch it answers is per thread: the casting version
asks the calling thread's state and goes straight to the plain apply when that thread
has no region open for the inputs' device type."""
from __future__ import annotations

import threading

from .. import _dtype as D
from ..autograd.node import Node
from . import _lists
from ._state import state

_plain_apply = Node.__dict__["apply"].__func__
_lock = threading.Lock()
_open_regions = [0]  # enabled regions open in all threads; the casting apply is in place while > 0
_policy_cache: dict = {}  # (Node class, device type) -> policy or None


def _policy(cls, device_type):
    key = (cls, device_type)
    try:
        return _policy_cache[key]
    except KeyError:
        pass
    table = _lists.POLICIES.get(device_type, {})
    # only gradkit's own op classes: a user's node that happens to share a name is left alone
    policy = table.get(cls.__name__) if cls.__module__.startswith("gradkit.ops") else None
    _policy_cache[key] = policy
    return policy


def _casting_apply(cls, *inputs, **params):
    if inputs:
        device_type = inputs[0]._device.type
        if state.enabled.get(device_type, False):
            policy = _policy(cls, device_type)
            if policy is not None:
                inputs = _cast_inputs(policy, state.dtypes[device_type], inputs)
    return _plain_apply(cls, *inputs, **params)


def _eligible(t):
    # PyTorch casts floating tensors only, and never float64
    dt = t.dtype
    return dt.category == D.FLOAT and dt is not D.float64


def _cast_inputs(policy, lower, inputs):
    if policy == "lower":
        target = lower
    elif policy == "fp32":
        target = D.float32
    elif policy == "promote":
        floating = [t.dtype for t in inputs if t.dtype.category == D.FLOAT]
        if not floating:
            return inputs
        target = max(floating, key=lambda d: d.itemsize)
        return tuple(_cast(t, target) if t.dtype.category == D.FLOAT else t for t in inputs)
    else:
        raise RuntimeError(_lists.UNSAFE_MESSAGE)
    return tuple(_cast(t, target) if _eligible(t) else t for t in inputs)


def _cast(t, target):
    if t.dtype is target:
        return t
    from ..autograd.grad_mode import is_grad_enabled_fast
    from ..ops._core import cast

    # a parameter cast once per region, however many ops read it (PyTorch's cast cache)
    cacheable = state.cache_enabled and t._requires_grad and t.grad_fn is None and is_grad_enabled_fast()
    if cacheable:
        hit = state.cache.get(id(t))
        if hit is not None and hit[0] is t and hit[1].dtype is target:
            return hit[1]
    out = cast(t, target)
    if cacheable:
        state.cache[id(t)] = (t, out)
    return out


def region_opened():
    with _lock:
        _open_regions[0] += 1
        if _open_regions[0] == 1:
            Node.apply = classmethod(_casting_apply)


def region_closed():
    with _lock:
        _open_regions[0] -= 1
        if _open_regions[0] == 0:
            Node.apply = classmethod(_plain_apply)


def casting_installed() -> bool:
    return Node.__dict__["apply"].__func__ is _casting_apply
