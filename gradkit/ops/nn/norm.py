"""Layer and batch normalisation as one node each (PyTorch's NativeLayerNormBackward0 and
NativeBatchNormBackward0): x normalised over some axes by a mean and a biased variance,
then scaled by a weight and shifted by a bias.

The forward keeps the normalised input and the reciprocal standard deviation as arrays; a
plain ``backward()`` (grad mode off) reads them back as constants. Under
``create_graph=True`` the backward recomputes both from the saved input with ops, so the
gradient is itself differentiable in the input. With given statistics (batch norm in eval
mode) the statistics are constants and the op is affine in x.
"""
from __future__ import annotations

from ..._tensor import Tensor
from ...autograd.grad_mode import is_grad_enabled_fast
from ...autograd.node import Node

_make = Tensor._make


class NativeNorm(Node):
    """inputs: x, then the weight and the bias where given (``affine`` says which);
    ``axes``: the normalised axes; ``view``: the shape that broadcasts the weight and bias
    against x; ``stats``: (mean, var) arrays of the statistics' shape to use instead of the
    batch's (batch norm in eval mode); ``batch_stats``: a list the forward appends the
    batch's (mean, var) arrays to (batch norm's running statistics)."""
    saves_inputs = (0, 1)

    def forward(self, backend, x, *weight_bias, axes, eps, affine, view, stats=None, batch_stats=None):
        xp = backend.xp
        self.axes, self.eps, self.affine, self.view, self.stats = axes, eps, affine, view, stats
        if stats is None:
            mean = xp.mean(x, axis=axes, keepdims=True)
            centered = x - mean
            var = xp.mean(centered * centered, axis=axes, keepdims=True)
            if batch_stats is not None:
                batch_stats.append((mean, var))
        else:
            mean, var = stats
            centered = x - mean
        rstd = 1.0 / xp.sqrt(var + eps)
        out = self.xhat = centered * rstd
        self.rstd = rstd
        weight, bias = _weight_bias(weight_bias, affine)
        self.bias_shape = None if bias is None else bias.shape
        if weight is not None:
            out = out * xp.reshape(weight, view)
        if bias is not None:
            out = out + xp.reshape(bias, view)
        return out

    def release(self):
        super().release()
        self.xhat = self.rstd = self.stats = None

    def backward(self, g):
        saved = self.saved_tensors
        x = saved[0]
        weight = saved[1] if self.affine[0] else None
        axes = self.axes
        device = g._device
        if is_grad_enabled_fast():  # create_graph: statistics as functions of x
            if self.stats is None:
                centered = x - x.mean(axes, keepdim=True)
                rstd = ((centered * centered).mean(axes, keepdim=True) + self.eps).rsqrt()
            else:
                centered = x - _make(self.stats[0], device)
                rstd = _make(self.rstd, device)
            xhat = centered * rstd
        else:
            xhat, rstd = _make(self.xhat, device), _make(self.rstd, device)
        edges = self.next_edges
        gx = gw = gb = None
        if edges[0] is not None:
            gxhat = g * weight.reshape(self.view) if weight is not None else g
            if self.stats is None:
                gx = rstd * (gxhat - gxhat.mean(axes, keepdim=True)
                             - xhat * (gxhat * xhat).mean(axes, keepdim=True))
            else:
                gx = gxhat * rstd
        # the weight and bias broadcast over every axis where view has a 1
        outer = tuple(i for i, n in enumerate(self.view) if n == 1 and g.shape[i] != 1) or None
        if weight is not None and edges[1] is not None:
            gw = _reduce(g * xhat, outer, saved[1].shape)
        if self.affine[1] and edges[-1] is not None:
            gb = _reduce(g, outer, self.bias_shape)
        grads = [gx]
        if self.affine[0]:
            grads.append(gw)
        if self.affine[1]:
            grads.append(gb)
        return tuple(grads) if len(grads) > 1 else gx


class NativeLayerNorm(NativeNorm):
    """F.layer_norm: the last dims normalised."""


class NativeBatchNorm(NativeNorm):
    """F.batch_norm: each channel (dim 1) normalised over the batch and the other dims."""


def _weight_bias(weight_bias, affine):
    has_weight, has_bias = affine
    weight = weight_bias[0] if has_weight else None
    bias = weight_bias[-1] if has_bias else None
    return weight, bias


def _reduce(t, axes, shape):
    if axes is not None:
        t = t.sum(axes)
    return t.reshape(shape)


def native_norm(node, x, weight, bias, *, axes, eps, view, stats=None, batch_stats=None):
    """Runs node (NativeLayerNorm or NativeBatchNorm) on x with the weight and bias that are
    given (the callers check devices and dtypes)."""
    inputs = [x]
    if weight is not None:
        inputs.append(weight)
    if bias is not None:
        inputs.append(bias)
    return node.apply(*inputs, axes=axes, eps=eps, affine=(weight is not None, bias is not None),
                      view=view, stats=stats, batch_stats=batch_stats)
