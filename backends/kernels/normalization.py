"""Normalisation kernels: batch and layer normalisation's forward and gradient, each one pass
over the statistics and one over the elements instead of a chain of elementwise ops.

Both normalise x over ``stat_axes`` with the biased variance and then apply an elementwise
affine map whose parameters broadcast through ``view``: batch norm's statistics run over every
axis but the channels (dim 1), its parameters are per channel; layer norm's statistics run over
the trailing normalised dims, its parameters are per element of those dims. ``param_axes`` are
the axes the parameters' gradients sum over.
"""
from __future__ import annotations


class NormalizationKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def norm_forward(self, x, weight, bias, stat_axes, view, eps):
        """(out, mean, var, invstd): ``(x - mean) * invstd * weight + bias`` (weight and bias may
        be None), the statistics (biased var, 1 / sqrt(var + eps)) kept with x's number of dims."""
        xp = self.xp
        mean = xp.mean(x, axis=stat_axes, keepdims=True)
        centered = x - mean
        var = xp.mean(centered * centered, axis=stat_axes, keepdims=True)
        invstd = 1.0 / xp.sqrt(var + eps)
        out = centered * invstd
        if weight is not None:
            out = out * xp.reshape(weight, view)
        if bias is not None:
            out = out + xp.reshape(bias, view)
        return out, mean, var, invstd

    def norm_backward(self, g, x, weight, mean, invstd, stat_axes, param_axes, view):
        """(grad x, grad weight, grad bias) of norm_forward for the incoming gradient ``g``
        (the parameters' gradients None where the parameter is)."""
        xp = self.xp
        xhat = (x - mean) * invstd
        dxhat = g if weight is None else g * xp.reshape(weight, view)
        gw = None if weight is None else xp.reshape(xp.sum(g * xhat, axis=param_axes), weight.shape)
        gb = xp.sum(g, axis=param_axes)
        dx = invstd * (dxhat - xp.mean(dxhat, axis=stat_axes, keepdims=True)
                       - xhat * xp.mean(dxhat * xhat, axis=stat_axes, keepdims=True))
        return dx, gw, gb
