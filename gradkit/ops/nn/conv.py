"""The convolution's ops: the N-d convolution (bias fused), its gradient ops, the transposed
convolution, and unfold/fold.

The convolution y = conv(x, W) is bilinear in (x, W), so its two gradients are bilinear too
and each one's gradients are the other ops again (as linear.py's are):
    ConvGradInput(g, W)  = conv_x^T g:   d/dg = Convolution(u, W),   d/dW = ConvGradWeight(g, u)
    ConvGradWeight(g, x) = conv_W^T g:   d/dg = Convolution(x, u),   d/dx = ConvGradInput(g, u)
    ConvGradBias(g) = g summed over all dims but the channels:  d/dg = u expanded to g's shape
The transposed convolution is ConvGradInput with a bias, so its gradients are a convolution
(in x), a weight gradient with the roles of g and x swapped (in W) and ConvGradBias (in b).

``params`` of every op: stride, padding ((before, after) per spatial dim), dilation, groups;
the gradient ops add the size they restore (input_size or kernel_size).
"""
from __future__ import annotations

from ...autograd.node import Node
from .._gradient import GradientOp


def _conv_params(params):
    return {"stride": params["stride"], "padding": params["padding"], "dilation": params["dilation"],
            "groups": params["groups"]}


def _with(params, key, value):
    out = _conv_params(params)
    out[key] = value
    return out


class Convolution(Node):
    """y = conv(x, W) (+ b): x (N, C, *size), W (O, C/groups, *kernel), b (O,)."""
    saves_inputs = (0, 1)
    _backward_name = "ConvolutionBackward0"

    def forward(self, backend, x, w, b=None, **params):
        self.params = params
        return backend.conv(x, w, b, **params)

    def backward(self, g):
        x, w = self.saved_tensors
        edges = self.next_edges
        params = self.params
        gx = ConvGradInput.run(g, w, _with(params, "input_size", tuple(x.shape[2:]))) \
            if edges[0] is not None else None
        gw = ConvGradWeight.run(g, x, _with(params, "kernel_size", tuple(w.shape[2:]))) \
            if edges[1] is not None else None
        if len(edges) > 2:
            return gx, gw, ConvGradBias.run(g) if edges[2] is not None else None
        return gx, gw


def convolve(x, w, params, size):
    """Convolution(x, w) without a bias, for the gradients' backwards, cut to the spatial
    ``size`` of the gradient it makes: a transposed convolution's output_padding can leave x
    with positions that no output of the forward read (they give one more output here)."""
    y = Convolution.apply(x, w, **_conv_params(params))
    if tuple(y.shape[2:]) != tuple(size):
        y = y[(slice(None), slice(None)) + tuple(slice(0, n) for n in size)]
    return y


class ConvGradInput(GradientOp):
    """conv_x^T g: the convolution's gradient in its input, of spatial size ``input_size``."""
    saves_inputs = (0, 1)
    _backward_name = "ConvolutionBackward0"
    kernel = "conv_grad_input"

    def backward(self, u):
        g, w = self.saved_tensors
        edges = self.next_edges
        return (convolve(u, w, self.params, g.shape[2:]) if edges[0] is not None else None,
                ConvGradWeight.run(g, u, _with(self.params, "kernel_size", tuple(w.shape[2:])))
                if edges[1] is not None else None)


class ConvGradWeight(GradientOp):
    """conv_W^T g: the convolution's gradient in its weight, of kernel ``kernel_size``."""
    saves_inputs = (0, 1)
    _backward_name = "ConvolutionBackward0"
    kernel = "conv_grad_weight"

    def backward(self, u):
        g, x = self.saved_tensors
        edges = self.next_edges
        return (convolve(x, u, self.params, g.shape[2:]) if edges[0] is not None else None,
                ConvGradInput.run(g, u, _with(self.params, "input_size", tuple(x.shape[2:])))
                if edges[1] is not None else None)


class ConvGradBias(GradientOp):
    """g summed over the batch and the spatial dims: the gradient in the bias."""
    _backward_name = "ConvolutionBackward0"
    kernel = "conv_grad_bias"

    def forward(self, backend, g):
        self.shape = g.shape
        return backend.conv_grad_bias(g)

    def backward(self, u):
        return (u.reshape((1, u.shape[0]) + (1,) * (len(self.shape) - 2)).expand(self.shape),)


class ConvTranspose(Node):
    """The transposed convolution of x (N, C_in, *size) with W (C_in, C_out/groups, *kernel)
    (+ b): the input gradient of the convolution from (N, C_out, *input_size) to x's shape."""
    saves_inputs = (0, 1)
    _backward_name = "ConvolutionBackward0"

    def forward(self, backend, x, w, b=None, **params):
        self.params = params
        y = backend.conv_grad_input(x, w, **params)
        if b is not None:
            y += backend.xp.reshape(b, (1, b.shape[0]) + (1,) * (y.ndim - 2))
        return y

    def backward(self, g):
        x, w = self.saved_tensors
        edges = self.next_edges
        params = self.params
        gx = convolve(g, w, params, x.shape[2:]) if edges[0] is not None else None
        gw = ConvGradWeight.run(x, g, _with(params, "kernel_size", tuple(w.shape[2:]))) \
            if edges[1] is not None else None
        if len(edges) > 2:
            return gx, gw, ConvGradBias.run(g) if edges[2] is not None else None
        return gx, gw


class Unfold(Node):
    """Every window of x (N, C, *size) as a column of (N, C * K, L)."""
    _backward_name = "Im2ColBackward0"

    def forward(self, backend, x, **params):
        self.params = params
        self.size = tuple(x.shape[2:])
        return backend.unfold(x, **params)

    def backward(self, g):
        return (Fold.apply(g, output_size=self.size, **self.params),)


class Fold(Node):
    """unfold's adjoint: columns (N, C * K, L) summed back into (N, C, *output_size)."""
    _backward_name = "Col2ImBackward0"

    def forward(self, backend, cols, output_size, **params):
        self.params = params
        return backend.fold(cols, output_size, **params)

    def backward(self, g):
        return (Unfold.apply(g, **self.params),)
