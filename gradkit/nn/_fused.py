"""Fused ops for nn: one graph node each, forward on backend arrays through the standard
array API (``xp``), backward with gradkit ops (so each is differentiable again).

* ``log_softmax`` / ``softmax``: max-shifted, so large logits neither overflow nor lose
  precision; backward ``g - softmax * sum(g)`` / ``y * (g - sum(g * y))``.
* ``erf``: the backend's kernel (backends/kernels/special.py); its derivative is the exact
  2/sqrt(pi) * exp(-x^2).
* ``gelu`` (exact): x * Phi(x) with the erf above; backward ``Phi(x) + x * phi(x)``.
* ``logsigmoid``: min(x, 0) - log1p(exp(-|x|)), stable for any x; backward sigmoid(-x).
* ``linear``: x @ W^T + b in one node.
* ``binary_cross_entropy``: PyTorch's clamped logs (>= -100) and its gradient
  w * (x - t) / max(x (1 - x), 1e-12).
"""
from __future__ import annotations

import math

from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled_fast
from ..autograd.node import Node, raise_freed

_make = Tensor._make

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class Erf(Node):
    saves_inputs = (0,)
    fresh_grads = True

    def forward(self, backend, a):
        return backend.erf(a)

    def backward(self, g):
        (x,) = self.saved_tensors
        return g * (_TWO_OVER_SQRT_PI * (-(x * x)).exp())


class GeluExact(Node):
    saves_inputs = (0,)
    fresh_grads = True
    _backward_name = "GeluBackward0"

    def forward(self, backend, a):
        return a * (0.5 * (1.0 + backend.erf(a * _SQRT1_2)))

    def backward(self, g):
        (x,) = self.saved_tensors
        cdf = 0.5 * (1.0 + Erf.apply(x * _SQRT1_2))
        pdf = _INV_SQRT_2PI * (-0.5 * (x * x)).exp()
        return g * (cdf + x * pdf)


class LogSoftmax(Node):
    saves_output = True
    fresh_grads = True

    def forward(self, backend, a, dim):
        xp = backend.xp
        self.dim = dim
        shifted = a - xp.max(a, axis=dim, keepdims=True)
        return shifted - xp.log(xp.sum(xp.exp(shifted), axis=dim, keepdims=True))

    def backward(self, g):
        if not is_grad_enabled_fast():  # no graph recorded: the same formula on the arrays
            backend = g._device.backend
            xp = backend.xp
            ga = g._data
            y = backend.exp(self.saved_output_array())
            return _make(ga - y * xp.sum(ga, axis=self.dim, keepdims=True), g._device)
        y = self.saved_output
        return g - y.exp() * g.sum(self.dim, keepdim=True)


class Softmax(Node):
    saves_output = True
    fresh_grads = True

    def forward(self, backend, a, dim):
        xp = backend.xp
        self.dim = dim
        e = xp.exp(a - xp.max(a, axis=dim, keepdims=True))
        return e / xp.sum(e, axis=dim, keepdims=True)

    def backward(self, g):
        y = self.saved_output
        return y * (g - (g * y).sum(self.dim, keepdim=True))


class LogSigmoid(Node):
    saves_inputs = (0,)
    fresh_grads = True

    def forward(self, backend, a):
        xp = backend.xp
        return xp.clip(a, None, 0.0) - xp.log1p(xp.exp(-xp.abs(a)))

    def backward(self, g):
        (x,) = self.saved_tensors
        return g * (-x).sigmoid()


class Linear(Node):
    """y = x @ W^T (+ b); x is (..., in), W (out, in), b (out,)."""
    saves_inputs = (0, 1)
    fresh_grads = True
    _backward_name = "AddmmBackward0"

    def forward(self, backend, x, w, b=None):
        xp = backend.xp
        if x.ndim != 2:  # PyTorch's names for the node of a linear layer
            self._backward_name = "ViewBackward0" if b is not None else \
                "SqueezeBackward4" if x.ndim == 1 else "UnsafeViewBackward0"
        elif b is None:
            self._backward_name = "MmBackward0"
        if x.ndim == 2:
            y = backend.matmul_nt(x, w)  # the backend's fastest form of x @ W^T
        else:
            y = xp.matmul(x, xp.matrix_transpose(w)) if x.ndim > 1 else xp.matmul(w, x)
        if b is not None:
            y += b  # y is the product just made: the bias goes in without another array
        return y

    def backward(self, g):
        if not is_grad_enabled_fast():
            return self._backward_arrays(g)
        x, w = self.saved_tensors
        gx = gw = gb = None
        out_f, in_f = w.shape
        if self.next_edges[0] is not None:
            gx = g @ w
        if self.next_edges[1] is not None:
            g2, x2 = g.reshape(-1, out_f), x.reshape(-1, in_f)
            # one row: an outer product, which a broadcast multiply does faster than matmul
            gw = g2.t() @ x2 if g2.shape[0] != 1 else g2.reshape(out_f, 1) * x2
        if len(self.next_edges) > 2 and self.next_edges[2] is not None:
            gb = g.reshape(-1, out_f).sum(0)
        return (gx, gw, gb) if len(self.next_edges) > 2 else (gx, gw)

    def _backward_arrays(self, g):
        """The backward above on the backend arrays, for when no graph is recorded
        (create_graph=False): the same products and sum, without an op's dispatch each."""
        x, w = self._saved if not self._released else self.saved_tensors  # (the latter raises)
        vx, vw = self._saved_versions
        if x._version[0] != vx or w._version[0] != vw:
            self.saved_tensors  # raises the error that names the in-place change
        device = g._device
        xp = device.backend.xp
        ga, xa, wa = g._data, x._data, w._data
        edges = self.next_edges
        out_f, in_f = wa.shape
        gx = gw = gb = None
        if edges[0] is not None:
            gx = _make(xp.matmul(ga, wa), device)
        g2 = ga if ga.ndim == 2 else xp.reshape(ga, (-1, out_f))
        if edges[1] is not None:
            x2 = xa if xa.ndim == 2 else xp.reshape(xa, (-1, in_f))
            gw = xp.matmul(g2.T, x2) if g2.shape[0] != 1 else xp.reshape(g2, (out_f, 1)) * x2
            gw = _make(gw, device)
        if len(edges) > 2:
            if edges[2] is not None:
                gb = _make(device.backend.reduce_sum(g2, axis=0), device)
            return gx, gw, gb
        return gx, gw


class CrossEntropy(Node):
    """cross_entropy of logits ``x`` (N, C) against class indices ``target`` (N,), without
    class weights or label smoothing: LogSoftmax and NLLPick below as one node, computing
    what they compute (the same values and gradient bits) with fewer array passes and
    nodes (the one exception is in backward). Row i's loss is -logp[i, y_i], 0 where
    y_i == ignore_index; 'mean' divides the sum by the number of rows not ignored."""
    fresh_grads = True
    _backward_name = "NllLossBackward0"  # PyTorch's grad_fn of cross_entropy

    def forward(self, backend, x, target, ignore_index, reduction, check, all_valid):
        xp = backend.xp
        n, c = x.shape
        shifted = x - backend.reduce_max(x, axis=1, keepdims=True)
        logp = shifted - xp.log(backend.reduce_sum(xp.exp(shifted), axis=1, keepdims=True))
        self.logp, self.safe, self.reduction = logp, target, reduction
        if all_valid:  # every target a class index (checked on the CPU), none the ignore_index
            self.valid = self.scale = None  # every row counts, with weight 1
            picked = backend.take_rows(logp, target)
            if reduction == "none":
                return -picked
            total = -backend.reduce_sum(picked)  # (negation is exact: the sum of the negated picks)
            return total / n if reduction == "mean" else total  # n: NLLPick's sum of the weights
        rows = xp.arange(n, dtype=target.dtype, device=target.device)
        keep = target != ignore_index
        valid = keep
        if check:  # off the CPU targets were not checked (that would sync): NaN marks a bad one
            bad = keep & ((target < 0) | (target >= c))
            valid = keep & ~bad
        safe = xp.where(valid, target, 0)  # a class index on every row, for the pick
        loss = -xp.where(valid, xp.take(xp.reshape(logp, (-1,)), rows * c + safe), 0.0)
        w = xp.astype(keep, x.dtype)  # NLLPick's per-row weights (a bad target counts, as there)
        if check:
            loss = xp.where(bad, xp.full_like(loss, math.nan), loss)
        self.logp, self.safe, self.valid, self.reduction = logp, safe, valid, reduction
        self.scale = w
        if reduction == "none":
            return loss
        total = xp.sum(loss)
        if reduction == "mean":
            total_w = xp.sum(w)
            self.scale = w / total_w
            return total / total_w
        return total

    def release(self):
        super().release()
        self.logp = self.scale = self.safe = self.valid = None

    def backward(self, g):
        if self._released:
            raise_freed(self)
        device = g._device
        xp = device.backend.xp
        logp, safe = self.logp, self.safe
        n, c = logp.shape
        recording = is_grad_enabled_fast()
        if self.valid is None and not recording:
            # every row valid and no graph recorded (the training step): NLLPick's gradient gl
            # is s = g * -w (w = 1, or 1 / n for 'mean') at the target and 0 elsewhere, so
            # LogSoftmax's gl - exp(logp) * sum(gl) is (0 - p * s) + s at the target. The same
            # arithmetic as below without the steps whose results are known (the sum, the
            # where); only a zero can differ, in its sign, where p * s is exactly 0.
            # -1 / n as a Python float rounds to the same float32 as -(1f / n) for n < 2**28
            # (1/n has no run of 28 equal bits there, so no double rounding).
            neg_w = -1.0 / n if self.reduction == "mean" else -1.0
            s = g._data * neg_w  # a scalar, or one per row for 'none'
            per_row = s if self.reduction != "none" else xp.reshape(s, (n, 1))
            out = 0.0 - device.backend.exp(logp) * per_row
            # + s at each row's target; elsewhere the unfused + 0 * s cannot change a value
            # (0 - p * s is never -0.)
            out = device.backend.add_rows(out, safe, s)
            return _make(out, device), None
        hit = xp.reshape(safe, (n, 1)) == xp.arange(c, dtype=safe.dtype, device=safe.device)
        # NLLPick's gradient: g * coef, coef = -scale at each valid row's target, 0 elsewhere
        scale = self.scale
        if self.valid is not None:
            hit = hit & xp.reshape(self.valid, (n, 1))
        else:  # all rows valid: NLLPick's weights are ones, divided by their sum n for 'mean'
            scale = xp.ones((n,), dtype=logp.dtype, device=safe.device)
            if self.reduction == "mean":
                scale = scale / n
        coef = xp.where(hit, -xp.reshape(scale, (n, 1)), xp.zeros_like(logp))
        if not recording:
            # ... then LogSoftmax's backward of it, on the arrays: gl - exp(logp) * sum(gl)
            ga = g._data if self.reduction != "none" else xp.reshape(g._data, (n, 1))
            gl = ga * coef
            return _make(gl - device.backend.exp(logp) * xp.sum(gl, axis=1, keepdims=True), device), None
        # recording (create_graph=True): the graph the unfused ops make, so that it is
        # differentiable again, in g and in x: logp as the output of a LogSoftmax node on x's edge
        edge = self.next_edges[0]
        stand_in = _make(logp, device, True, edge[0], edge[1])  # hands x's edge to the LogSoftmax node
        lsm = object.__new__(LogSoftmax)
        lsm.dim = 1
        y = lsm._record((stand_in,), logp, device)
        gl = (g if self.reduction != "none" else g.unsqueeze(-1)) * _make(coef, device)
        return gl - y.exp() * gl.sum(1, keepdim=True), None


class NLLPick(Node):
    """Negative log-likelihood of class indices ``target`` (...) under log-probabilities
    ``lp`` (..., C), reduced ('none', 'sum' or 'mean' = sum / sum of weights): the
    per-element loss is -w[y] * lp[..., y], 0 where y == ignore_index (w = 1 without class
    weights). The second, non-differentiable output holds the per-element weights w[y]
    (0 where ignored). Off the CPU (``check``), targets outside [0, C) give NaN."""
    fresh_grads = True
    non_differentiable = (1,)
    _backward_name = "NllLossBackward0"

    def forward(self, backend, lp, target, weight, ignore_index, reduction, check):
        xp = backend.xp
        n_classes = lp.shape[-1]
        classes = xp.arange(n_classes, dtype=target.dtype, device=target.device)
        keep = target != ignore_index
        hit = xp.expand_dims(target, axis=-1) == classes
        if 0 <= ignore_index < n_classes:
            hit = hit & xp.expand_dims(keep, axis=-1)
        zero = xp.zeros_like(lp)
        picked = xp.sum(xp.where(hit, lp, zero), axis=-1)
        if weight is None:
            w = xp.astype(keep, lp.dtype)
            loss = -picked
        else:
            w = xp.sum(xp.where(hit, weight, zero), axis=-1)
            loss = -(picked * w)
        if check:  # off the CPU, where an error would need a sync: NaN marks a bad target
            bad = keep & ((target < 0) | (target >= n_classes))
            loss = xp.where(bad, xp.full_like(loss, math.nan), loss)
        self.xp, self.hit, self.w, self.reduction = xp, hit, w, reduction
        if reduction == "none":
            return loss, w
        total = xp.sum(loss)
        if reduction == "mean":
            self.total_w = xp.sum(w)
            total = total / self.total_w
        return total, w

    def backward(self, g, g_weight=None):
        xp = self.xp
        w = self.w
        if self.reduction == "mean":
            w = w / self.total_w
        coef = xp.where(self.hit, -xp.expand_dims(w, axis=-1), xp.zeros_like(self.hit, dtype=w.dtype))
        if self.reduction == "none":
            g = g.unsqueeze(-1)
        return g * Tensor._make(coef, g._device), None


class MseLoss(Node):
    """(a - b)^2, reduced ('none', 'sum' or 'mean'), for a and b of one shape."""
    saves_inputs = (0, 1)
    fresh_grads = True

    def forward(self, backend, a, b, reduction):
        xp = backend.xp
        self.reduction, self.count = reduction, math.prod(a.shape)
        d = a - b
        sq = d * d
        if reduction == "none":
            return sq
        total = xp.sum(sq)
        return total / self.count if reduction == "mean" else total

    def backward(self, g):
        a, b = self.saved_tensors
        scale = 2.0 / self.count if self.reduction == "mean" else 2.0
        gd = (a - b) * (g * scale)
        return (gd if self.next_edges[0] is not None else None,
                -gd if self.next_edges[1] is not None else None)


class BinaryCrossEntropy(Node):
    """Elementwise -(t log x + (1 - t) log(1 - x)) with both logs clamped at -100."""
    saves_inputs = (0, 1)
    fresh_grads = True

    def forward(self, backend, x, t):
        xp = backend.xp
        # a floor below e^-100 first, so that log(0) gives -100 without a divide-by-zero warning
        log_x = xp.clip(xp.log(xp.clip(x, 1e-44, None)), -100.0, None)
        log_1mx = xp.clip(xp.log(xp.clip(1.0 - x, 1e-44, None)), -100.0, None)
        return -(t * log_x + (1.0 - t) * log_1mx)

    def backward(self, g):
        x, t = self.saved_tensors
        gx = gt = None
        if self.next_edges[0] is not None:
            gx = g * (x - t) / (x * (1.0 - x)).clamp_min(1e-12)
        if self.next_edges[1] is not None:
            gt = g * ((1.0 - x).log().clamp_min(-100.0) - x.log().clamp_min(-100.0))
        return gx, gt


def erf(input: Tensor) -> Tensor:
    """The error function 2/sqrt(pi) * integral_0^x exp(-u^2) du (the backend's kernel says
    how it is evaluated and its accuracy)."""
    from .. import _dtype as D
    from ..ops._core import cast

    if input.dtype.category != D.FLOAT:
        input = cast(input, D.get_default_dtype())
    return Erf.apply(input)
