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

    def adam_group_step_(self, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, *, lr, beta1, beta2,
                         eps, weight_decay, decoupled, maximize, lerp_weight_complement):
        """``adam_step_`` for each tensor of a parameter group (one dtype and device; lists of
        arrays, ``max_exp_avg_sqs`` None without amsgrad, ``steps`` each tensor's step count):
        a backend may update the whole group at once."""
        for k, p in enumerate(params):
            self.adam_step_(p, grads[k], exp_avgs[k], exp_avg_sqs[k],
                            max_exp_avg_sq=None if max_exp_avg_sqs is None else max_exp_avg_sqs[k], lr=lr,
                            beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, decoupled=decoupled,
                            maximize=maximize, step=steps[k], lerp_weight_complement=lerp_weight_complement)

    def sgd_momentum_group_step_(self, params, grads, bufs, *, first, lr, momentum, dampening, weight_decay,
                                 nesterov, maximize):
        """SGD with momentum for each tensor of a parameter group (as ``adam_group_step_``; ``bufs``
        the momentum buffers, ``first``: they hold nothing yet, this step starts them), in
        PyTorch's order::

            g = -g (maximize);  g = g + weight_decay * p
            b = g (first)  or  b = momentum * b + (1 - dampening) * g
            p = p - lr * (g + momentum * b (nesterov)  or  b)
        """
        for p, grad, buf in zip(params, grads, bufs):
            if maximize:
                grad = -grad
            if weight_decay != 0:
                grad = grad + p * weight_decay
            if first:
                buf[...] = grad
            else:
                buf *= momentum
                buf += grad * (1 - dampening) if dampening != 0 else grad
            self.axpy_(p, -lr, grad + buf * momentum if nesterov else buf)
