"""Optimizer kernels: in-place parameter updates.
"""
from __future__ import annotations


class OptimizerKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def axpy_(self, y, alpha: float, x) -> None:
        """``y += alpha * x`` in place, for ``x`` and ``y`` of one shape and floating dtype
        (an optimizer's update)."""
        y += alpha * x

    def adam_step_(self, p, grad, exp_avg, exp_avg_sq, *, max_exp_avg_sq, lr, beta1, beta2, eps, weight_decay,
                   decoupled, maximize, step, lerp_weight_complement):
        """One Adam/AdamW update of ``p`` and its moments in place (``max_exp_avg_sq`` too with
        amsgrad, else None), operation for operation as gradkit.optim.Adam's docstring states
        it, in PyTorch's order (so with PyTorch's rounding).
        ``lerp_weight_complement`` is 1 - (1 - beta1) rounded as the parameter's dtype holds
        it (lerp's second formula, used when 1 - beta1 >= 0.5)."""
        if maximize:
            grad = -grad
        if weight_decay != 0:
            if decoupled:
                p *= 1 - lr * weight_decay
            else:
                grad = grad + p * weight_decay
        # exp_avg.lerp_(grad, 1 - beta1)
        d = grad - exp_avg
        weight = 1 - beta1
        if abs(weight) < 0.5:
            d *= weight
            exp_avg += d
        else:
            d *= lerp_weight_complement
            exp_avg[...] = grad - d
        # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        exp_avg_sq *= beta2
        sq = grad * (1 - beta2)
        sq *= grad
        exp_avg_sq += sq
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if max_exp_avg_sq is not None:
            max_exp_avg_sq[...] = self.xp.maximum(max_exp_avg_sq, exp_avg_sq)
            denom = self.xp.sqrt(max_exp_avg_sq)
        else:
            denom = self.xp.sqrt(exp_avg_sq)
        denom /= bias_correction2_sqrt
        denom += eps
        update = exp_avg * -(lr / (1 - beta1 ** step))
        update /= denom
        p += update
