"""RMSprop (PyTorch's ``torch.optim.RMSprop``)."""
from __future__ import annotations

from .._tensor import Tensor
from ..ops.creation import zeros_like
from .optimizer import (Optimizer, _check_hyperparameters, _decay_square_, _lerp_, _regularized,
                        _scalar_step_tensor, _to_scalar)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop. For each parameter :math:`p` with gradient :math:`g` (negated when
    ``maximize``)::

        g = g + weight_decay * p                      (if weight_decay != 0)
        v = alpha * v + (1 - alpha) * g * g
        avg = sqrt(v - gbar * gbar) + eps,  gbar = lerp(gbar, g, 1 - alpha)   (centered)
        avg = sqrt(v) + eps                                                   (otherwise)
        b = momentum * b + g / avg;  p = p - lr * b   (momentum > 0)
        p = p - lr * g / avg                          (otherwise)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_hyperparameters(lr, epsilon=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)
        self._check_differentiable()

    def _update_group(self, group):
        lr = _to_scalar(group["lr"])
        alpha = group["alpha"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        momentum = group["momentum"]
        centered = group["centered"]
        maximize = group["maximize"]
        def new_state(p):
            s = {"step": _scalar_step_tensor(), "square_avg": zeros_like(p)}
            if momentum > 0:
                s["momentum_buffer"] = zeros_like(p)
            if centered:
                s["grad_avg"] = zeros_like(p)
            return s

        for p, grad, p_state in self._params_with_grads(group, new_state):
            square_avg = p_state["square_avg"]
            p_state["step"] += 1
            grad = _regularized(p, grad, maximize, weight_decay)
            _decay_square_(square_avg, grad, alpha)

            if centered:
                grad_avg = p_state["grad_avg"]
                _lerp_(grad_avg, grad, 1 - alpha)
                avg = grad_avg * -1.0
                avg *= grad_avg
                avg += square_avg
                avg = avg.sqrt()
            else:
                avg = square_avg.sqrt()
            avg += eps

            if momentum > 0:
                buf = p_state["momentum_buffer"]
                buf *= momentum
                buf += grad / avg
                p -= buf * lr
            else:
                update = grad * -lr
                update /= avg
                p += update
