"""Stochastic gradient descent, optionally with momentum (PyTorch's ``torch.optim.SGD``)."""
from __future__ import annotations

from .._tensor import Tensor
from ..autograd.node import _anomaly_or_capture
from ..ops import inplace as _inplace
from ..ops.creation import zeros_like
from .optimizer import Optimizer, _check_hyperparameters, _check_matching, _regularized, _sub_scaled_, _to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum).

    For each parameter :math:`p` with gradient :math:`g` (negated when ``maximize``)::

        g = g + weight_decay * p                       (if weight_decay != 0)
        b = g  (first step)  or  momentum * b + (1 - dampening) * g
        g = g + momentum * b  (nesterov)  or  b        (if momentum != 0)
        p = p - lr * g

    ``foreach`` and ``fused`` are accepted for compatibility; there is one implementation.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        _check_hyperparameters(lr, momentum=momentum, weight_decay=weight_decay)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        self._check_differentiable()

    def _update_group(self, group):
        lr = _to_scalar(group["lr"])
        weight_decay = group["weight_decay"]
        momentum = group["momentum"]
        dampening = group["dampening"]
        nesterov = group["nesterov"]
        maximize = group["maximize"]
        if momentum == 0 and weight_decay == 0 and not maximize:  # plain SGD: p -= lr * grad, nothing else
            neg_lr = -lr
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                pd, gd = p._data, grad._data
                # _sub_scaled_'s common case inline (this loop runs once per parameter per step)
                if pd.shape == gd.shape and pd.dtype == gd.dtype and grad._device is p._device and \
                        not _anomaly_or_capture[0] and hasattr(pd, "__setitem__"):
                    p._device.backend.axpy_(pd, neg_lr, gd)
                    p._version[0] += 1
                else:
                    _sub_scaled_(p, grad, lr)
            return
        if momentum == 0:
            for p in group["params"]:
                if p._grad is not None:
                    _sub_scaled_(p, _regularized(p, p._grad, maximize, weight_decay), lr)
            return
        # with momentum: one backend call per device, dtype and buffer state (new or not), so
        # that a backend may update each such group at once
        state = self.state
        groups = {}
        for p in group["params"]:
            grad = p._grad
            if grad is None:
                continue
            _check_matching("SGD", p, grad)
            p_state = state[p]
            buf = p_state.get("momentum_buffer")
            first = buf is None
            if first:
                buf = p_state["momentum_buffer"] = zeros_like(p)
            _inplace.writable(p)
            _inplace.writable(buf)
            groups.setdefault((p._device, p.dtype, first), []).append((p, grad, buf))
        for (device, _, first), members in groups.items():
            device.backend.sgd_momentum_group_step_(
                [m[0]._data for m in members], [m[1]._data for m in members], [m[2]._data for m in members],
                first=first, lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                nesterov=nesterov, maximize=maximize)
            for p, _, buf in members:
                _inplace.written(p, buf)

