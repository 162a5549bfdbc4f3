"""Batch normalisation (training: batch statistics) and layer normalisation as one op each.

The forward is the backend's ``norm_forward`` (statistics and the affine map in one kernel),
the plain backward its ``norm_backward`` (all three gradients from the saved input and the
statistics). With ``create_graph=True`` the backward is the same formula written with ops,
the statistics recomputed from x, so that it is differentiable in x, the weight and the
incoming gradient.
"""
from __future__ import annotations

from ..._dtype import FLOAT
from ...autograd.grad_mode import is_grad_enabled_fast
from ...autograd.node import Node
from .._core import check_same_device


class Normalization(Node):
    """Inputs x, then the weight and the bias where given (``affine`` says which: 'wb', 'w',
    'b' or ''); constants stat_axes, param_axes, view, eps. Outputs the normalised x and, for
    no gradient, the batch statistics mean and (biased) var with x's number of dims."""
    saves_inputs = (0, 1)
    non_differentiable = (1, 2)

    def forward(self, backend, x, *params, affine, stat_axes, param_axes, view, eps):
        weight = params[0] if "w" in affine else None
        bias = params[-1] if "b" in affine else None
        self.affine, self.stat_axes, self.param_axes, self.view, self.eps = affine, stat_axes, param_axes, view, eps
        if "w" not in affine:
            self.saves_inputs = (0,)
        out, mean, var, self._invstd = backend.norm_forward(x, weight, bias, stat_axes, view, eps)
        self._mean = mean
        return out, mean, var

    def backward(self, g, g_mean=None, g_var=None):
        saved = self.saved_tensors
        x, weight = saved[0], saved[1] if "w" in self.affine else None
        if is_grad_enabled_fast():
            gx, gw, gb = _norm_backward_ops(g, x, weight, self.stat_axes, self.param_axes, self.view, self.eps)
        else:
            backend, device = x._device.backend, x._device
            gx, gw, gb = backend.norm_backward(g._data, x._data, None if weight is None else weight._data,
                                               self._mean, self._invstd, self.stat_axes, self.param_axes, self.view)
            make = type(x)._make
            gx = make(gx, device)
            gw = None if gw is None else make(gw, device)
            gb = make(gb, device)
        grads = [gx]
        if "w" in self.affine:
            grads.append(gw)
        if "b" in self.affine:
            grads.append(gb)
        return tuple(grads) if len(grads) > 1 else gx

    def release(self):
        super().release()  # the statistics are saved like the input: freed with it
        self._mean = self._invstd = None


class NativeBatchNorm(Normalization):
    _backward_name = "NativeBatchNormBackward0"


class NativeLayerNorm(Normalization):
    _backward_name = "NativeLayerNormBackward0"


def _norm_backward_ops(g, x, weight, stat_axes, param_axes, view, eps):
    """norm_backward's formula with ops, the statistics recomputed from x."""
    mean = x.mean(stat_axes, keepdim=True)
    centered = x - mean
    invstd = ((centered * centered).mean(stat_axes, keepdim=True) + eps).rsqrt()
    xhat = centered * invstd
    dxhat = g if weight is None else g * weight.reshape(view)
    gw = None if weight is None else _sum(g * xhat, param_axes).reshape(weight.shape)
    gb = _sum(g, param_axes)
    gx = invstd * (dxhat - dxhat.mean(stat_axes, keepdim=True) - xhat * (dxhat * xhat).mean(stat_axes, keepdim=True))
    return gx, gw, gb


def _sum(t, axes):
    return t.sum(axes) if axes else t  # (an empty tuple of dims would mean every dim)


def normalization(cls, x, weight, bias, stat_axes, param_axes, view, eps, op_name):
    """The op ``cls`` on x with the optional weight and bias: (out, mean, var)."""
    params = tuple(t for t in (weight, bias) if t is not None)
    if x.dtype.category != FLOAT:
        raise NotImplementedError(f"{op_name}: not implemented for an input of dtype {x.dtype}")
    for name, t in zip(("weight", "bias"), (weight, bias)):
        if t is not None and t.dtype != x.dtype:
            raise RuntimeError(f"{op_name}: mixed dtype: expected the {name} in the input's dtype {x.dtype}, "
                               f"got {t.dtype}")
    if params:
        check_same_device(op_name, x, *params)
    affine = ("w" if weight is not None else "") + ("b" if bias is not None else "")
    return cls.apply(x, *params, affine=affine, stat_axes=stat_axes, param_axes=param_axes, view=view, eps=float(eps))
