"""The ``Optimizer`` base class: parameter groups, per-parameter state, ``zero_grad``,
``state_dict`` / ``load_state_dict``, with PyTorch's layout and error messages.

Subclasses implement ``step``; the built-in ones run their update under ``no_grad`` with
gradkit's in-place ops on the parameters' storage, so they work on every device.
"""
from __future__ import annotations

import struct
import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain

from .._tensor import Tensor, zero_grad_in_place
from ..autograd.grad_mode import _grad_enabled, enable_grad
from ..ops import inplace as _inplace

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Singleton class representing a required parameter for an Optimizer."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    module = cls.__module__
    if module in (None, "builtins", "__builtin__"):
        return cls.__qualname__
    return f"{module}.{cls.__qualname__}"


def _to_scalar(x):
    """A Python number for a hyperparameter given as a number or a one-element tensor."""
    if isinstance(x, Tensor):
        return x.item()
    return x


def _check_hyperparameters(lr, **bounds):
    """PyTorch's constructor checks, in its order and with its messages: ``lr`` (a number or a
    one-element tensor) >= 0, then each keyword ``name=value`` >= 0, or ``name=(value, hi)``
    within [0, hi]; ``epsilon`` is the name PyTorch's message gives ``eps``."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    for name, value in bounds.items():
        value, hi = value if isinstance(value, tuple) else (value, None)
        if not 0.0 <= value or (hi is not None and not value <= hi):
            raise ValueError(f"Invalid {name} value: {value}")


def _regularized(p: Tensor, grad: Tensor, maximize: bool, weight_decay: float) -> Tensor:
    """The gradient an update follows: negated to maximize, plus L2 weight decay."""
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + p * weight_decay
    return grad


def _check_matching(optimizer: str, p: Tensor, grad: Tensor) -> None:
    """A backend's update kernels take a parameter and its gradient as arrays of one device,
    dtype and shape (PyTorch refuses any other gradient when it is assigned)."""
    if grad._device is not p._device or grad.dtype is not p.dtype or grad._data.shape != p._data.shape:
        raise RuntimeError(f"{optimizer}: a parameter's gradient must match it in device, dtype and shape: parameter "
                           f"{p.dtype} {list(p.shape)} on {p.device}, gradient {grad.dtype} {list(grad.shape)} "
                           f"on {grad.device}")


def _decay_square_(avg: Tensor, x: Tensor, decay: float) -> None:
    """``avg = decay * avg + (1 - decay) * x * x`` in place, rounded as PyTorch's
    ``mul_(decay).addcmul_(x, x, value=1 - decay)`` rounds it."""
    avg *= decay
    sq = x * (1 - decay)
    sq *= x
    avg += sq


def _round_like(value: float, p: Tensor) -> float:
    """``value`` as the parameter's float type would hold it (float32 unless float64), so
    that a weight computed from it rounds as PyTorch's float32 opmath does."""
    if p.dtype.itemsize == 8:
        return value
    return struct.unpack("f", struct.pack("f", value))[0]


def _lerp_(start: Tensor, end: Tensor, weight: float) -> None:
    """``start.lerp_(end, weight)`` with PyTorch's two formulas (the one that is exact at
    the nearer end)."""
    if abs(weight) < 0.5:
        d = end - start
        d *= weight
        start += d
    else:
        d = end - start
        d *= 1.0 - _round_like(weight, start)
        start.copy_(end - d)


def _sub_scaled_(p: Tensor, g: Tensor, lr: float) -> None:
    """``p -= lr * g`` in place, outside the graph: the update of SGD and friends. When p and
    g agree in device, dtype and shape it is one backend kernel (``axpy_``) that makes no
    parameter-sized temporary; otherwise gradkit's in-place operators."""
    pd, gd = p._data, g._data
    if g._device is p._device and pd.shape == gd.shape and pd.dtype == gd.dtype:
        if not hasattr(pd, "__setitem__"):  # a NumPy scalar: give p an array to write into
            _inplace.writable(p)
            pd = p._data
        p._device.backend.axpy_(pd, -lr, gd)
        _inplace.written(p)
    else:
        p -= g * lr


def _scalar_step_tensor():
    # PyTorch keeps the step count as a float32 CPU tensor (no device sync to read it)
    from ..ops.creation import tensor
    from .._dtype import float32

    return tensor(0.0, dtype=float32, device="cpu")


class Optimizer:
    r"""Base class for all optimizers.

    Args:
        params (iterable): an iterable of :class:`gradkit.Tensor` s or :class:`dict` s
            (parameter groups; a group's ``"params"`` may be a single tensor).
        defaults (dict): default values of optimization options, used when a parameter
            group doesn't specify them.
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self) -> str:
        format_string = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            format_string += "\n"
            format_string += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    format_string += f"    {key}: {group[key]}\n"
        format_string += ")"
        return format_string

    # -- parameter groups -----------------------------------------------------------------
    def add_param_group(self, param_group: dict) -> None:
        """Adds a parameter group (a dict with ``"params"`` and optional options)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")

        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)

        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) == len(tensors):
                param_group["param_names"] = names
            else:
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                          "an error; see github.com/pytorch/pytorch/issues/40967 for more information", stacklevel=3)

        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                current = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {current} to the optimizer")
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")

        self.param_groups.append(param_group)

    # -- gradients and steps ----------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Resets the gradients of all optimized tensors: to ``None`` (the default, as in
        PyTorch >= 2), or with ``set_to_none=False`` to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        zero_grad_in_place(p._grad)

    def step(self, closure=None):
        """Performs a single optimization step (updates the parameters).

        Args:
            closure (Callable, optional): a closure that reevaluates the model and returns
                the loss; it runs with gradients enabled.
        """
        update_group = getattr(self, "_update_group", None)
        if update_group is None:
            raise NotImplementedError(f"{type(self).__name__} must implement step() (or _update_group(group))")
        return self._run_step(closure, update_group)

    def _run_step(self, closure, update_group):
        """The common body of the built-in ``step``s: the closure with grad enabled, then
        ``update_group(group)`` for each group without recording."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        token = _grad_enabled.set(False)  # no_grad(), minus making a context object each step
        try:
            for group in self.param_groups:
                update_group(group)
        finally:
            _grad_enabled.reset(token)
        return loss

    def _params_with_grads(self, group, new_state):
        """``(p, grad, state)`` for each parameter of ``group`` that has a gradient, in order;
        a parameter's (empty) state is first filled with ``new_state(p)``, a dict."""
        state = self.state
        for p in group["params"]:
            grad = p._grad
            if grad is None:
                continue
            p_state = state[p]
            if len(p_state) == 0:
                p_state.update(new_state(p))
            yield p, grad, p_state

    def _check_differentiable(self):
        if self.defaults.get("differentiable"):
            raise NotImplementedError("gradkit optimizers don't support differentiable=True")

    # -- state ------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """The optimizer's state as a dict with PyTorch's layout::

            {'state': {0: {'momentum_buffer': tensor(...)}, ...},
             'param_groups': [{'lr': 0.01, ..., 'params': [0, 1, ...]}, ...]}

        Parameters are replaced by their position (counted across groups); state tensors
        are the optimizer's own (not copies), as in PyTorch.
        """
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": param_groups}

    @staticmethod
    def _cast_state_value(param, value, key):
        # floating state follows the parameter's dtype and device; 'step' stays as saved.
        # Unlike PyTorch, the loaded tensors are always copies: two optimizers never share
        # buffers through load_state_dict(other.state_dict()).
        if key == "step":
            out = value
        elif param.is_floating_point():
            out = value.to(device=param.device, dtype=param.dtype)
        else:
            out = value.to(device=param.device)
        if out is value:
            out = value.detach().clone()
        return out

    def load_state_dict(self, state_dict: dict) -> None:
        """Loads a state produced by :meth:`state_dict` (of an optimizer built the same way)."""
        state_dict = state_dict.copy()
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])

        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's "
                             "group")

        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, key=None):
            if isinstance(value, Tensor):
                return Optimizer._cast_state_value(param, value, key)
            if isinstance(value, dict):
                return {k: cast(param, v, key=k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
