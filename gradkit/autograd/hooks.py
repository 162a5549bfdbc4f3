"""Tensor hooks. A leaf keeps its hooks itself (its AccumulateGrad node may not exist yet);
a non-leaf's hooks live on its grad_fn, keyed by output."""
from __future__ import annotations

import weakref

from .node import _RemovableHandle


def register_tensor_hook(tensor, hook):
    if not tensor._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if tensor.grad_fn is None:
        extra = tensor._extra if tensor._extra is not None else {}
        tensor._extra = extra
        hooks = extra.setdefault("hooks", [])
        hooks.append(hook)
        acc = extra.get("acc")
        if acc is not None:  # the leaf's AccumulateGrad exists already (graphs may point at it)
            acc._pre_hooks = {0: hooks}
        return _RemovableHandle(hooks, hook)
    node = tensor.grad_fn
    if node._pre_hooks is None:
        node._pre_hooks = {}
    hooks = node._pre_hooks.setdefault(tensor._output_nr, [])
    if hooks and getattr(hooks[-1], "_retains_grad", False):
        hooks.insert(len(hooks) - 1, hook)  # retain_grad sees the gradient after every hook, as in PyTorch
    else:
        hooks.append(hook)
    return _RemovableHandle(hooks, hook)


def register_post_accumulate_hook(tensor, hook):
    if tensor.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if not tensor._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    extra = tensor._extra if tensor._extra is not None else {}
    tensor._extra = extra
    hooks = extra.setdefault("post_acc_hooks", [])
    hooks.append(hook)
    acc = extra.get("acc")
    if acc is not None and acc._pre_hooks is None:  # the backward walk looks there (see grad_accumulator)
        acc._pre_hooks = {0: extra.setdefault("hooks", [])}
    return _RemovableHandle(hooks, hook)


def add_retain_grad_hook(tensor):
    ref = weakref.ref(tensor)

    def retain(grad):
        t = ref()
        if t is None:
            return None
        # A copy: the same gradient flows on and a leaf further down may keep it as .grad.
        if t._grad is None:
            t._grad = grad.detach().clone() if not grad._requires_grad else grad.clone()
        else:
            t._grad = t._grad + grad
        return None

    retain._retains_grad = True
    register_tensor_hook(tensor, retain)
    if tensor._extra is None:
        tensor._extra = {}
    tensor._extra["retains_grad"] = True
