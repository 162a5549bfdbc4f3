"""Module state: ``state_dict`` (parameters and persistent buffers under PyTorch's dotted
key names) and ``load_state_dict``. ``Module`` inherits these."""
from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .parameter import Parameter, is_lazy

__all__ = ["ModuleState"]


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, unexpected_keys={self.unexpected_keys!r})"

    __str__ = __repr__


class ModuleState:
    """The state-dict half of ``nn.Module``."""

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An OrderedDict of parameters and persistent buffers under dotted names. The
        values are detached tensors sharing storage with the module's (``keep_vars=True``:
        the Parameters themselves)."""
        if args:  # the old positional form state_dict(destination, prefix, keep_vars)
            destination = args[0] if destination is None else destination
            if len(args) > 1:
                prefix = args[1]
            if len(args) > 2:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copies values from ``state_dict`` into the parameters and buffers (in place).
        With ``strict`` the keys must match exactly; shape mismatches always raise.
        Returns ``(missing_keys, unexpected_keys)``."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)
        missing, unexpected, errors = [], [], []
        for key, target in own.items():
            if key not in state_dict:
                missing.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{key}", expected gradkit.Tensor or Tensor-like '
                              f'object from checkpoint but received {type(value)}')
                continue
            if is_lazy(target):
                with no_grad():
                    target.materialize(value.shape)
            if tuple(value.shape) != tuple(target.shape):
                errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                              f"the shape in current model is {target.shape}.")
                continue
            try:
                with no_grad():
                    if assign:
                        self._assign(key, target, value)
                    else:
                        target.copy_(value)
            except Exception as ex:  # noqa: BLE001  (reported with the key, as PyTorch does)
                errors.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                              f'{target.shape} and whose dimensions in the checkpoint are {value.shape}, an exception '
                              f'occurred : {ex.args}.')
        for key in state_dict:
            if key not in own:
                unexpected.append(key)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    def _assign(self, key, target, value):
        module_path, _, name = key.rpartition(".")
        mod = self.get_submodule(module_path)
        if isinstance(target, Parameter):
            setattr(mod, name, Parameter(value, requires_grad=target.requires_grad))
        else:
            mod._buffers[name] = value
