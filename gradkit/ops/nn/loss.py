"""Loss ops: the fused cross-entropy of class indices (with its gradient op), the pick of
negative log-likelihood, mean squared error, binary cross-entropy.

* ``CrossEntropy``: log_softmax and the pick of the targets as one node, computing what
  LogSoftmax and NLLPick compute (the same values and gradient bits) with fewer array
  passes and nodes. Its gradient is the op CrossEntropyGrad (softmax minus the one-hot of
  the targets, scaled), whose forward is the backend's ``cross_entropy_backward``.
* ``binary_cross_entropy``: PyTorch's clamped logs (>= -100) and its gradient
  w * (x - t) / max(x (1 - x), 1e-12).
"""
from __future__ import annotations

import math

from ..._tensor import Tensor
from ...autograd.node import Node, raise_freed
from .._gradient import GradientOp
from .softmax import Softmax, SoftmaxGrad


class CrossEntropy(Node):
    """cross_entropy of logits ``x`` (N, C) against class indices ``target`` (N,), without
    class weights or label smoothing. Row i's loss is -logp[i, y_i], 0 where y_i ==
    ignore_index; 'mean' divides the sum by the number of rows not ignored. ``all_valid``:
    every target is a class index (checked on the CPU) and none is the ignore_index; off
    the CPU (``check``) a target outside [0, C) gives NaN (an error would need a sync)."""
    # the logits are kept to connect the gradient op to their edge; their values are not
    # read again (logp is), so, as in PyTorch, changing them in place after the loss is no error
    saves_inputs = (0,)
    _backward_name = "NllLossBackward0"  # PyTorch's grad_fn of cross_entropy

    def forward(self, backend, x, target, ignore_index, reduction, check, all_valid):
        xp = backend.xp
        n, c = x.shape
        self.target = target
        if all_valid:
            self.logp = logp = backend.log_softmax(x, 1)
            self.valid = None
            self.row_weight = 1.0 / n if reduction == "mean" else 1.0  # NLLPick's weights, over their sum
            picked = backend.take_rows(logp, target)
            if reduction == "none":
                return -picked
            total = -backend.reduce_sum(picked)  # (negation is exact: the sum of the negated picks)
            return total / n if reduction == "mean" else total
        logp, loss, valid = backend.cross_entropy_rows(x, target, ignore_index, check)
        self.logp, self.valid = logp, valid
        self.row_weight = w = xp.astype(target != ignore_index, x.dtype)  # NLLPick's (a bad target counts)
        if reduction == "none":
            return loss
        total = xp.sum(loss)
        if reduction == "mean":
            total_w = xp.sum(w)
            self.row_weight = w / total_w
            return total / total_w
        return total

    def release(self):
        super().release()
        self.logp = self.target = self.valid = self.row_weight = None

    def backward(self, g):
        if self._released:
            raise_freed(self)
        return CrossEntropyGrad.run(self._saved[0], g, {"logp": self.logp, "target": self.target,
                                                        "row_weight": self.row_weight, "valid": self.valid}), None


class CrossEntropyGrad(GradientOp):
    """The gradient of CrossEntropy in its logits x, from the loss's gradient g:
    gl - softmax(x) * sum(gl, 1), gl = g * -row_weight at each valid row's target, 0
    elsewhere. x is an input for the graph only (the values come from the forward's logp)."""
    kernel = "cross_entropy_backward"
    saves_inputs = (0, 1)
    _backward_name = "LogSoftmaxBackwardDataBackward0"

    def backward(self, u):
        x, g = self.saved_tensors
        p, coef = self._softmax_and_coef(x)
        none = g.ndim == 1  # reduction 'none': one gradient per row
        gl = (g.unsqueeze(1) if none else g) * coef
        gx = gg = None
        if self.next_edges[0] is not None:  # out = gl - p * sum(gl): through p = softmax(x)
            gx = SoftmaxGrad.run(p, -u * gl.sum(1, keepdim=True), {"axis": 1})
        if self.next_edges[1] is not None:  # linear in gl: (u - sum(u * p)) * coef, summed back to g
            t = (u - (u * p).sum(1, keepdim=True)) * coef
            gg = t.sum(1) if none else t.sum()
        return gx, gg

    def _softmax_and_coef(self, x):
        """softmax(x) as a node of the graph on x (its values those of the forward), and the
        constant coefficients of nll's gradient (-row_weight at each valid row's target, 0
        elsewhere)."""
        device = x._device
        backend = device.backend
        params = self.params
        logp = params["logp"]
        p = Softmax.apply(x, dim=1, known=backend.exp(logp))
        coef = backend.nll_coefficients(logp, params["target"], params["row_weight"], params["valid"])
        return p, Tensor._make(coef, device)


class NLLPick(Node):
    """Negative log-likelihood of class indices ``target`` (...) under log-probabilities
    ``lp`` (..., C), reduced ('none', 'sum' or 'mean' = sum / sum of weights): the
    per-element loss is -w[y] * lp[..., y], 0 where y == ignore_index (w = 1 without class
    weights). The second, non-differentiable output holds the per-element weights w[y]
    (0 where ignored). Off the CPU (``check``), targets outside [0, C) give NaN."""
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
        self.hit, self.w, self.total_w = hit, w, None
        if reduction == "none":
            return loss, w
        total = xp.sum(loss)
        if reduction == "mean":
            self.total_w = xp.sum(w)
            total = total / self.total_w
        return total, w

    def backward(self, g, g_weight=None):
        return NLLPickGrad.run(g, None, {"hit": self.hit, "weight": self.w, "total_weight": self.total_w}), None


class NLLPickGrad(GradientOp):
    """NLLPick's gradient in its log-probabilities: g times the constant coefficients of
    ``nll_pick_backward`` (-weight at each target, 0 elsewhere). Linear in g: its own
    gradient sums u times those coefficients back to g's shape."""
    kernel = "nll_pick_backward"
    _backward_name = "NllLossBackwardBackward0"

    def forward(self, backend, g, hit, weight, total_weight):
        self.params = {"hit": hit, "weight": weight, "total_weight": total_weight}
        self.g_shape = g.shape
        return backend.nll_pick_backward(g, hit, weight, total_weight)

    def backward(self, u):
        t = u * self._coefficients(u)
        return t.sum(-1) if self.g_shape else t.sum()

    def _coefficients(self, like):
        """The op's constant coefficients (its output for g = 1) as a tensor on ``like``'s device."""
        device = like._device
        backend = device.backend
        params = self.params
        one = backend.xp.ones((), dtype=params["weight"].dtype, device=params["weight"].device)
        return Tensor._make(backend.nll_pick_backward(one, **params), device)


class MseLoss(Node):
    """(a - b)^2, reduced ('none', 'sum' or 'mean'), for a and b of one shape."""
    saves_inputs = (0, 1)

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
