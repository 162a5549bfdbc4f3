"""Adagrad (PyTorch's ``torch.optim.Adagrad``)."""
from __future__ import annotations

from .._tensor import Tensor
from ..ops.creation import full_like
from .optimizer import Optimizer, _check_hyperparameters, _regularized, _scalar_step_tensor, _to_scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad. For each parameter :math:`p` with gradient :math:`g` (negated when
    ``maximize``), at step :math:`t`::

        g = g + weight_decay * p                      (if weight_decay != 0)
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g                                 (s starts at initial_accumulator_value)
        p = p - clr * g / (sqrt(s) + eps)

    The state is created for every parameter when the optimizer is built, as in PyTorch.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_hyperparameters(lr, lr_decay=lr_decay, weight_decay=weight_decay,
                               initial_accumulator_value=initial_accumulator_value, epsilon=eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        self._check_differentiable()
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._new_state(p))

    def _new_state(self, p):
        # PyTorch uses the defaults' initial_accumulator_value, even for later groups
        return {"step": _scalar_step_tensor(), "sum": full_like(p, self.defaults["initial_accumulator_value"])}

    def _update_group(self, group):
        lr = _to_scalar(group["lr"])
        lr_decay = group["lr_decay"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        maximize = group["maximize"]
        for p, grad, p_state in self._params_with_grads(group, self._new_state):
            state_sum = p_state["sum"]
            step_t = p_state["step"]
            step_t += 1
            step = step_t.item()
            grad = _regularized(p, grad, maximize, weight_decay)
            clr = lr / (1 + (step - 1) * lr_decay)
            state_sum += grad * grad
            std = state_sum.sqrt()
            std += eps
            update = grad * -clr
            update /= std
            p += update
