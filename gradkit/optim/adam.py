"""Adam and AdamW (PyTorch's ``torch.optim.Adam`` / ``torch.optim.AdamW``), with PyTorch's
order of operations so that results agree to float32 rounding."""
from __future__ import annotations

from .._tensor import Tensor
from ..ops.creation import zeros_like
from ..ops import inplace as _inplace
from .optimizer import Optimizer, _check_hyperparameters, _check_matching, _round_like, _scalar_step_tensor, _to_scalar

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam. For each parameter :math:`p` with gradient :math:`g` (negated when
    ``maximize``), at step :math:`t`::

        p = p * (1 - lr * weight_decay)            (decoupled_weight_decay, i.e. AdamW)
        g = g + weight_decay * p                   (otherwise, if weight_decay != 0)
        m = lerp(m, g, 1 - beta1)                  # beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)                      (amsgrad; v_max replaces v below)
        denom = sqrt(v) / sqrt(1 - beta2 ** t) + eps
        p = p - (lr / (1 - beta1 ** t)) * m / denom

    ``foreach``, ``fused`` and ``capturable`` are accepted for compatibility.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check_hyperparameters(lr, epsilon=eps)
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor) and betas[i].numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(map(_to_scalar, betas))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        self._check_differentiable()

    def _update_group(self, group):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = (_to_scalar(b) for b in group["betas"])
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        amsgrad = group["amsgrad"]
        maximize = group["maximize"]
        decoupled = group["decoupled_weight_decay"]
        def new_state(p):
            s = {"step": _scalar_step_tensor(), "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}
            if amsgrad:
                s["max_exp_avg_sq"] = zeros_like(p)
            return s

        # one backend call per device and dtype: a backend may update each such group at once
        groups = {}
        for p, grad, p_state in self._params_with_grads(group, new_state):
            step_t = p_state["step"]
            step_t += 1
            moments = [p_state["exp_avg"], p_state["exp_avg_sq"]] + ([p_state["max_exp_avg_sq"]] if amsgrad else [])
            _check_matching("Adam", p, grad)
            for t in (p, *moments):
                _inplace.writable(t)
            groups.setdefault((p._device, p.dtype), []).append((p, grad, moments, step_t.item()))
        for (device, _), members in groups.items():
            params, grads, moments, steps = zip(*members)
            device.backend.adam_group_step_(
                [p._data for p in params], [g._data for g in grads], [m[0]._data for m in moments],
                [m[1]._data for m in moments], [m[2]._data for m in moments] if amsgrad else None, list(steps),
                lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, decoupled=decoupled,
                maximize=maximize, lerp_weight_complement=1.0 - _round_like(1 - beta1, params[0]))
            for p, m in zip(params, moments):
                _inplace.written(p, *m)


class AdamW(Adam):
    r"""Adam with decoupled weight decay: ``p = p * (1 - lr * weight_decay)`` before the Adam
    update, instead of adding ``weight_decay * p`` to the gradient (default weight_decay 1e-2)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

