"""Module hooks: forward pre-hooks, forward hooks and full backward hooks, registered
with removable handles (PyTorch's ``register_*_hook`` API). ``Module`` inherits these;
its ``__call__`` takes the hook-free path when none is registered."""
from __future__ import annotations

import itertools

from .._tensor import Tensor

__all__ = ["ModuleHooks", "RemovableHandle"]


class RemovableHandle:
    """Returned by the ``register_*_hook`` methods; ``remove()`` takes the hook out
    (also usable as a context manager)."""

    _next_id = itertools.count()

    def __init__(self, hooks_dict, *extra_dicts):
        self.id = next(RemovableHandle._next_id)
        self._dicts = (hooks_dict,) + extra_dicts

    def remove(self):
        for d in self._dicts:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class ModuleHooks:
    """The hook half of ``nn.Module`` (the hook dicts are made by ``Module.__init__``)."""

    def _call_with_hooks(self, args, kwargs):
        for hook_id, hook in list(self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                           f"but got {result}.")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        bw_hook = None
        if self._backward_hooks or self._backward_pre_hooks:
            from ._backward_hooks import BackwardHook

            bw_hook = BackwardHook(self, list(self._backward_hooks.values()), list(self._backward_pre_hooks.values()))
            args = bw_hook.setup_input_hook(args)
        output = self.forward(*args, **kwargs)
        for hook_id, hook in list(self._forward_hooks.items()):
            if hook_id in self._forward_hooks_with_kwargs:
                result = hook(self, args, kwargs, output)
            else:
                result = hook(self, args, output)
            if result is not None:
                output = result
        if bw_hook is not None:
            if not isinstance(output, (Tensor, tuple)):
                import warnings

                warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of "
                              "Tensors but received " + str(type(output)))
            else:
                output = bw_hook.setup_output_hook(output)
        return output

    def _register_hook(self, hooks, with_kwargs_set, hook, prepend, with_kwargs):
        handle = RemovableHandle(hooks, with_kwargs_set)
        hooks[handle.id] = hook
        if with_kwargs:
            with_kwargs_set[handle.id] = True
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args) -> None or new args`` (``hook(module, args, kwargs) ->
        None or (args, kwargs)`` with ``with_kwargs=True``) runs before ``forward``."""
        return self._register_hook(self._forward_pre_hooks, self._forward_pre_hooks_with_kwargs, hook, prepend,
                                   with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """``hook(module, args, output) -> None or new output`` runs after ``forward``."""
        return self._register_hook(self._forward_hooks, self._forward_hooks_with_kwargs, hook, prepend, with_kwargs)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output) -> None or new grad_output`` runs when the gradients
        with respect to the module's outputs have been computed (grad_output: a tuple, one
        entry per output, None where an output is not a Tensor or got no gradient)."""
        handle = RemovableHandle(self._backward_pre_hooks)
        self._backward_pre_hooks[handle.id] = hook
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output) -> None or new grad_input`` runs when the
        gradients with respect to the module's inputs have been computed (tuples, one entry
        per positional argument / output, None for non-Tensors). A returned tuple replaces
        grad_input for the rest of the backward pass. Only positional Tensor arguments are
        covered; the module's parameters are not inputs."""
        handle = RemovableHandle(self._backward_hooks)
        self._backward_hooks[handle.id] = hook
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle
