"""Adadelta (PyTorch's ``torch.optim.Adadelta``)."""
from __future__ import annotations

from .._tensor import Tensor
from ..ops.creation import zeros_like
from .optimizer import (Optimizer, _check_hyperparameters, _decay_square_, _regularized, _scalar_step_tensor,
                        _to_scalar)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta. For each parameter :math:`p` with gradient :math:`g` (negated when
    ``maximize``)::

        g = g + weight_decay * p                      (if weight_decay != 0)
        v = rho * v + (1 - rho) * g * g
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check_hyperparameters(lr, rho=(rho, 1.0), epsilon=eps, weight_decay=weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)
        self._check_differentiable()

    def _update_group(self, group):
        lr = _to_scalar(group["lr"])
        rho = group["rho"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        maximize = group["maximize"]
        def new_state(p):
            return {"step": _scalar_step_tensor(), "square_avg": zeros_like(p), "acc_delta": zeros_like(p)}

        for p, grad, p_state in self._params_with_grads(group, new_state):
            square_avg = p_state["square_avg"]
            acc_delta = p_state["acc_delta"]
            p_state["step"] += 1
            grad = _regularized(p, grad, maximize, weight_decay)
            _decay_square_(square_avg, grad, rho)
            std = (square_avg + eps).sqrt()
            delta = (acc_delta + eps).sqrt()
            delta /= std
            delta *= grad
            _decay_square_(acc_delta, delta, rho)
            p -= delta * lr
