"""Running reductions along one dim beyond cumsum/cumprod: cummax, cummin (values and the
index each came from) and logcumsumexp. The scans are backend kernels; the gradients are
written with ops (a scatter of the incoming gradient; logcumsumexp's reverse scan), so every
order is differentiable."""
from __future__ import annotations

from collections import namedtuple

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.node import Node
from ._core import cast
from ._table import Family
from .inplace import _kind
from .reduction import one_dim

FAMILY = Family("scan")

_make = Tensor._make


class CumulativeExtreme(Node):
    """cummax/cummin: the gradient of each value goes to the element it came from."""
    non_differentiable = (1,)

    def forward(self, backend, a, dim, largest):
        self.dim = dim
        self._backward_name = "CummaxBackward0" if largest else "CumminBackward0"
        return backend.cumulative_extreme(a, dim, largest)

    def backward(self, g, g_indices=None):
        if g is None:
            return None
        from .creation import zeros_like
        from .scatter import scatter_add

        return scatter_add(zeros_like(g), self.dim, self.indices, g)


def _cumulative_extreme(name, largest):
    return_type = namedtuple(name, ["values", "indices"])

    def scan(input, dim):
        ndim = input._data.ndim
        d = one_dim(name, ndim, dim)
        if ndim == 0:
            xp = input._device.backend.xp
            return return_type(input.clone(), _make(xp.zeros((), dtype=xp.int64), input._device))
        if input.dtype is D.bool_:
            # the array API orders numbers only: scan bools as 0/1
            values, indices = CumulativeExtreme.apply(cast(input, D.uint8), dim=d, largest=largest)
            return return_type(cast(values, D.bool_), indices)
        values, indices = CumulativeExtreme.apply(input, dim=d, largest=largest)
        if values.grad_fn is not None:  # the gradient's scatter positions: the indices output itself
            values.grad_fn.indices = indices
        return return_type(values, indices)

    scan.__name__ = name
    scan.__doc__ = (f"Running {name[3:]}imum along ``dim``: (values, indices), the index of the latest element "
                    f"equal to each value (a NaN, once seen, is kept with its own index).")
    return scan


cummax = _cumulative_extreme("cummax", True)
cummin = _cumulative_extreme("cummin", False)
FAMILY.export(cummax)
FAMILY.export(cummin)


# log(0) kept finite: a sixteenth of each float dtype's most negative value, so that the
# sums of a few of them in the gradient's own gradients stay finite too (exp of it is 0)
_LOWEST = {"float16": -65504.0 / 16, "float32": -3.4028234663852886e38 / 16, "float64": -1.7976931348623157e308 / 16}


class LogCumSumExp(Node):
    saves_inputs = (0,)
    saves_output = True

    def forward(self, backend, a, dim):
        self.dim = dim
        return backend.logcumsumexp(a, dim)

    def backward(self, g):
        from .select import where

        (x,) = self.saved_tensors
        out = self.saved_output
        d = self.dim
        # grad_j = sum_{i >= j} g_i exp(x_j - out_i), summed in log space by sign (positive
        # and negative parts of g apart) so that neither exp(x) nor exp(-out) overflows
        floor = _LOWEST[g.dtype.name]
        magnitude = g.abs()
        log_abs = where(magnitude == 0, 1.0, magnitude).log()  # zeros take the floor below
        positive = where(g > 0, log_abs, floor)
        negative = where(g < 0, log_abs, floor)

        def reverse_scan(t):
            return logcumsumexp(t.flip(d), d).flip(d)

        return (reverse_scan(positive - out) + x).exp() - (reverse_scan(negative - out) + x).exp()


def logcumsumexp(input, dim):
    """log(cumsum(exp(input), dim)), computed as a running logaddexp."""
    if input.dtype.category != D.FLOAT:
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_kind(input.dtype)}\'')
    ndim = input._data.ndim
    d = one_dim("logcumsumexp", ndim, dim)
    if ndim == 0:
        return input.clone()
    return LogCumSumExp.apply(input, dim=d)


FAMILY.export(logcumsumexp)
