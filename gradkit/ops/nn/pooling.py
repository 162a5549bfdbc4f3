"""Pooling ops (max, average, adaptive, max unpooling) and their gradient ops.

The ops pool over the trailing ``d`` axes of their input (1 to 3), whatever leads them
(batch and channels, or channels alone for an unbatched input). Each forward is one backend
kernel (backends/kernels/pooling.py); each gradient is an op whose forward is one kernel and
whose backward is ops again:
    MaxPool(x) -> (y, idx):           dx = MaxPoolGrad(g, idx), the scatter to the maxima
    MaxPoolGrad(g, idx):              dg = PlaneGather(u, idx)
    PlaneGather(a, idx) = a[idx]:     da = PlaneScatterAdd(u, idx)
    PlaneScatterAdd(g, idx):          dg = PlaneGather(u, idx)
    AdaptiveMaxPool(x) -> (y, idx):   dx = PlaneScatterAdd(g, idx)
    MaxUnpool(x, idx):                dx = PlaneGather(g, idx)
    AvgPool(x):                       dx = AvgPoolGrad(g), the spread over the windows
    AvgPoolGrad(g):                   dg = AvgPool(u) (the two are adjoint linear maps)
    AdaptiveAvgPool / AdaptiveAvgPoolGrad, likewise.
A max pool's indices carry no gradient, as in PyTorch.
"""
from __future__ import annotations

from ...autograd.node import Node, raise_freed, raise_modified
from .._gradient import GradientOp
from .._table import Family


def _spatial_name(d):
    return f"{d}D" if d > 1 else "2D"


class _SavesIndices(Node):
    """A pool whose second output, the maxima's indices, its backward reads: kept as the
    Tensor the caller got (it has no grad_fn, so no cycle), checked for in-place changes as
    a saved tensor is."""
    non_differentiable = (1,)

    def _record(self, inputs, out, device):
        result = super()._record(inputs, out, device)
        self.indices_tensor = result[1]
        self.indices_version = result[1]._version[0]
        return result

    def saved_indices(self):
        if self._released:
            raise_freed(self)
        idx = self.indices_tensor
        if idx._version[0] != self.indices_version:
            raise_modified(self, idx, self.indices_version)
        return idx

    def release(self) -> None:
        super().release()
        self.indices_tensor = None


class MaxPool(_SavesIndices):
    """(max over each window, flat in-plane index of its first maximum)."""

    def forward(self, backend, x, kernel, stride, padding, dilation, out_size, with_indices=True):
        d = len(kernel)
        # PyTorch runs a 1-d pool as a 2-d one between unsqueeze and squeeze
        self._backward_name = f"MaxPool{d}DWithIndicesBackward0" if d > 1 else "SqueezeBackward1"
        out = backend.max_pool(x, kernel, stride, padding, dilation, out_size, with_indices)
        if with_indices:
            self.params = {"in_size": x.shape[x.ndim - d:], "kernel": kernel, "stride": stride,
                           "padding": padding, "dilation": dilation}
        return out

    def backward(self, g, g_indices=None):
        return (MaxPoolGrad.run(g, self.saved_indices(), self.params),)


class MaxPoolGrad(GradientOp):
    """Each window's gradient added at its maximum (input shape)."""
    kernel = "max_pool_backward"
    saves_inputs = (1,)
    _backward_name = "MaxPool2DWithIndicesBackwardBackward0"

    def backward(self, u):
        (idx,) = self.saved_tensors
        return PlaneGather.run(u, idx, {"nd": len(self.params["kernel"])}), None


class PlaneGather(GradientOp):
    """a[..., idx] per plane of the trailing ``nd`` axes (idx holds flat in-plane positions)."""
    kernel = "plane_gather"
    saves_inputs = (1,)
    _backward_name = "GatherBackward0"

    def forward(self, backend, a, idx, nd):
        self.params = {"plane": a.shape[a.ndim - nd:]}
        return backend.plane_gather(a, idx, nd)

    def backward(self, u):
        (idx,) = self.saved_tensors
        return PlaneScatterAdd.run(u, idx, self.params), None


class PlaneScatterAdd(GradientOp):
    """zeros over ``plane`` with each value added at its flat in-plane index."""
    kernel = "plane_scatter_add"
    saves_inputs = (1,)
    _backward_name = "ScatterAddBackward0"

    def backward(self, u):
        (idx,) = self.saved_tensors
        return PlaneGather.run(u, idx, {"nd": len(self.params["plane"])}), None


class AdaptiveMaxPool(_SavesIndices):
    def forward(self, backend, x, out_size):
        d = len(out_size)
        self._backward_name = f"AdaptiveMaxPool{_spatial_name(d)}Backward0" if d > 1 else "SqueezeBackward1"
        self.params = {"plane": x.shape[x.ndim - d:]}
        return backend.adaptive_max_pool(x, out_size)

    def backward(self, g, g_indices=None):
        return (PlaneScatterAdd.run(g, self.saved_indices(), self.params),)


class MaxUnpool(Node):
    """Each value written at its flat in-plane index of a zero output of plane ``plane``."""
    saves_inputs = (1,)

    def forward(self, backend, x, idx, plane):
        d = len(plane)
        self._backward_name = f"MaxUnpool{_spatial_name(d)}Backward0" if d > 1 else "SqueezeBackward1"
        self.nd = d
        return backend.max_unpool(x, idx, plane)

    def backward(self, g):
        (idx,) = self.saved_tensors
        return (PlaneGather.run(g, idx, {"nd": self.nd}) if self.next_edges[0] is not None else None), None


class AvgPool(Node):
    """The mean over each window, with PyTorch's divisor (count_include_pad,
    divisor_override, windows clipped by ceil_mode)."""
    def forward(self, backend, x, kernel, stride, padding, out_size, count_include_pad=True,
                divisor_override=None):
        d = len(kernel)
        self._backward_name = f"AvgPool{d}DBackward0" if d > 1 else "SqueezeBackward1"
        self.params = {"in_size": x.shape[x.ndim - d:], "kernel": kernel, "stride": stride, "padding": padding,
                       "count_include_pad": count_include_pad, "divisor_override": divisor_override}
        return backend.avg_pool(x, kernel, stride, padding, out_size, count_include_pad, divisor_override)

    def backward(self, g):
        return AvgPoolGrad.run(g, None, self.params)


class AvgPoolGrad(GradientOp):
    """Each window's gradient over its divisor, spread over the window."""
    kernel = "avg_pool_backward"
    _backward_name = "AvgPool2DBackwardBackward0"

    def forward(self, backend, g, in_size, kernel, stride, padding, count_include_pad=True, divisor_override=None):
        self.params = {"kernel": kernel, "stride": stride, "padding": padding,
                       "out_size": g.shape[g.ndim - len(kernel):], "count_include_pad": count_include_pad,
                       "divisor_override": divisor_override}
        return backend.avg_pool_backward(g, in_size, kernel, stride, padding, count_include_pad, divisor_override)

    def backward(self, u):
        return AvgPool.apply(u, **self.params)


class AdaptiveAvgPool(Node):
    def forward(self, backend, x, out_size):
        d = len(out_size)
        self._backward_name = f"AdaptiveAvgPool{_spatial_name(d)}Backward0" if d > 1 else "SqueezeBackward1"
        self.params = {"in_size": x.shape[x.ndim - d:]}
        return backend.adaptive_avg_pool(x, out_size)

    def backward(self, g):
        return AdaptiveAvgPoolGrad.run(g, None, self.params)


class AdaptiveAvgPoolGrad(GradientOp):
    kernel = "adaptive_avg_pool_backward"
    _backward_name = "AdaptiveAvgPool2DBackwardBackward0"

    def forward(self, backend, g, in_size):
        self.out_size = g.shape[g.ndim - len(in_size):]
        return backend.adaptive_avg_pool_backward(g, in_size)

    def backward(self, u):
        return AdaptiveAvgPool.apply(u, out_size=self.out_size)


# --------------------------------------------------------------------------- gradkit's exports
# PyTorch exports a few pools at the top level (torch.max_pool2d, ...), without nn.functional's
# return_indices. The parsing lives in nn.functional's module, loaded on first use so that
# `import gradkit` does not load gradkit.nn.
def _functional():
    from ...nn import _functional_pooling

    return _functional_pooling


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _functional().max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _functional().max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _functional().max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _functional().max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return _functional().avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)


def adaptive_avg_pool1d(input, output_size):
    return _functional().adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input, output_size):
    """(values, indices), as torch.adaptive_max_pool1d gives them."""
    return _functional().adaptive_max_pool1d_with_indices(input, output_size)


FAMILY = Family("pooling")
for _fn in (max_pool1d, max_pool2d, max_pool3d, max_pool1d_with_indices, avg_pool1d, adaptive_avg_pool1d,
            adaptive_max_pool1d):
    FAMILY.export(_fn, method=False)
del _fn
