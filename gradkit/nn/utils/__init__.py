"""``nn.utils``: gradient clipping and parameter/vector conversion; ``nn.utils.rnn``: padding
sequences of different lengths into a batch."""
from __future__ import annotations

import math

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from . import rnn  # noqa: F401  (nn.utils.rnn.pad_sequence)

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scales the gradients in place so that their total norm (all gradients taken as one
    vector) is at most ``max_norm``. Returns the total norm before clipping, as a tensor.
    The scaling is done with tensor ops (no host sync); ``error_if_nonfinite`` needs one."""
    from ...ops.creation import tensor
    from ...ops.shape import stack

    grads = _grads(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if not grads:
        return tensor(0.0)
    with no_grad():
        device = grads[0].device
        if norm_type == 2.0 and not any(g.is_complex() for g in grads):
            # the sum of the squares of every gradient, one kernel per device and dtype
            # (PyTorch's norm of the gradients' norms is the square root of the same sum)
            groups = {}
            for g in grads:
                groups.setdefault((g._device, g.dtype), []).append(g._data)
            total = None
            for (where, _), arrays in groups.items():
                part = Tensor._make(where.backend.sum_of_squares(arrays), where)
                part = part if where is grads[0]._device else part.to(device)
                total = part if total is None else total + part
            total = total.sqrt()
        else:
            if norm_type == math.inf:
                norms = [g.detach().abs().max() for g in grads]
            else:
                norms = [g.detach().norm(norm_type) for g in grads]
            norms = [n.to(device) for n in norms]
            if norm_type == math.inf:
                total = norms[0] if len(norms) == 1 else stack(norms).max()
            else:
                total = norms[0] if len(norms) == 1 else stack(norms).norm(norm_type)
        if error_if_nonfinite and not bool(total.isfinite()):
            raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                               f"it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                               f"norm anyway, set `error_if_nonfinite=False`")
        coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
        coefs = {(coef.device, coef.dtype): coef}  # the factor on each gradient's device and dtype
        for g in grads:
            where = (g.device, g.dtype)
            if where not in coefs:
                coefs[where] = coef.to(*where)
            g.mul_(coefs[where])
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of ``clip_grad_norm_``."""
    import warnings

    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps every gradient elementwise to [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one vector."""
    from ...ops.shape import cat

    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copies consecutive slices of ``vec`` into the parameters (their ``.data``)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[offset:offset + n].reshape(p.shape).data
        offset += n
