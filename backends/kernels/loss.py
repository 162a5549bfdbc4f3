"""Loss kernels: what a classifier's loss needs beyond elementwise arithmetic (picking each
row's target logit, adding at it, checking class indices).
"""
from __future__ import annotations

import math


class LossKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def indices_in_range(self, idx, high) -> bool:
        """Whether every element of the integer array ``idx`` is in [0, high) (class targets)."""
        return idx.size == 0 or (int(self.reduce_min(idx)) >= 0 and int(self.reduce_max(idx)) < high)

    def take_rows(self, a, idx):
        """``a[i, idx[i]]`` for each row i of the 2-D ``a``, each ``idx[i]`` in [0, C) (a classifier's
        target logits)."""
        xp = self.xp
        n, c = a.shape
        rows = xp.arange(n, dtype=idx.dtype, device=idx.device)
        return xp.take(xp.reshape(a, (-1,)), rows * c + idx)

    def add_rows(self, a, idx, v):
        """``a`` with ``v`` (a scalar, or a vector of one value per row) added at ``a[i, idx[i]]``, each
        ``idx[i]`` in [0, C) (class targets): a new array here; the NumPy backend adds in place and
        returns ``a``."""
        xp = self.xp
        n, c = a.shape
        hit = xp.reshape(idx, (n, 1)) == xp.arange(c, dtype=idx.dtype, device=idx.device)
        if getattr(v, "ndim", 0):
            v = xp.reshape(v, (n, 1))
        return xp.where(hit, a + v, a)

    def cross_entropy_rows(self, x, target, ignore_index, check):
        """Cross-entropy's forward for logits ``x`` (N, C) and class indices ``target`` (N,):
        (log_softmax(x), each row's loss -logp[i, target[i]], which rows count). A row whose
        target is ``ignore_index`` gives -0. and does not count; with ``check`` (off the CPU,
        where an error would need a sync) a target outside [0, C) gives NaN and does not count."""
        xp = self.xp
        logp = self.log_softmax(x, 1)
        keep = target != ignore_index
        valid = keep
        if check:
            bad = keep & ((target < 0) | (target >= x.shape[1]))
            valid = keep & ~bad
        safe = xp.where(valid, target, 0)  # a class index on every row, for the pick
        loss = -xp.where(valid, self.take_rows(logp, safe), 0.0)
        if check:
            loss = xp.where(bad, xp.full_like(loss, math.nan), loss)
        return logp, loss, valid

    # -- softmax and its gradients (max-shifted: large logits neither overflow nor lose precision)
    def log_softmax(self, a, axis):
        """a - logsumexp(a, axis)."""
        xp = self.xp
        shifted = a - self.reduce_max(a, axis=axis, keepdims=True)
        return shifted - xp.log(self.reduce_sum(xp.exp(shifted), axis=axis, keepdims=True))

    def softmax(self, a, axis):
        xp = self.xp
        e = xp.exp(a - self.reduce_max(a, axis=axis, keepdims=True))
        return e / self.reduce_sum(e, axis=axis, keepdims=True)

    def log_softmax_backward(self, out, g, axis):
        """log_softmax's gradient from its output ``out``: g - exp(out) * sum(g, axis)."""
        return g - self.exp(out) * self.reduce_sum(g, axis=axis, keepdims=True)

    def softmax_backward(self, out, g, axis):
        """softmax's gradient from its output ``out``: out * (g - sum(g * out, axis))."""
        return out * (g - self.reduce_sum(g * out, axis=axis, keepdims=True))

    def cross_entropy_backward(self, logits, g, logp, target, row_weight, valid=None):
        """The gradient in the logits (N, C) of cross_entropy = nll_loss(log_softmax(logits)) against
        the class indices ``target`` (N,), from the forward's log-probabilities ``logp`` (the logits
        are not read again: the gradient op takes them for its place in the graph): log_softmax's
        gradient of nll's, gl - exp(logp) * sum(gl, 1), where gl = g * -row_weight at each row's
        target and 0 elsewhere. ``g`` is the loss's gradient (0-d, or one per row for reduction 'none');
        ``row_weight`` is one Python float for every row (1, or 1 / N for 'mean') when every target
        counts (``valid`` None), else one weight per row, and ``valid`` says which rows count."""
        xp = self.xp
        n, c = logp.shape
        if valid is None:
            # gl is s = g * -w at the target and 0 elsewhere, so the sum is s and the gradient
            # (0 - p * s) + s at the target: the same values as the general form below, with
            # fewer passes (only a zero can differ, in its sign, where p * s is exactly 0).
            # -1 / n as a Python float rounds to the same float32 as -(1f / n) for n < 2**28
            # (1/n has no run of 28 equal bits there, so no double rounding).
            s = g * -row_weight
            per_row = s if s.ndim == 0 else xp.reshape(s, (n, 1))
            out = 0.0 - self.exp(logp) * per_row
            # + s at each row's target; elsewhere the general form's + 0 * s cannot change a value
            # (0 - p * s is never -0.)
            return self.add_rows(out, target, s)
        gl = (g if g.ndim == 0 else xp.reshape(g, (n, 1))) * self.nll_coefficients(logp, target, row_weight, valid)
        return self.log_softmax_backward(logp, gl, 1)

    def nll_pick_backward(self, g, hit, weight, total_weight=None):
        """nll_loss's gradient in its log-probabilities (..., C): g * -weight at each element's
        target (``hit``: the one-hot of the targets not ignored), 0 elsewhere; ``weight`` is each
        element's class weight (...), divided by ``total_weight`` for reduction 'mean'; ``g`` is
        0-d, or of the elements' shape for reduction 'none'."""
        xp = self.xp
        if total_weight is not None:
            weight = weight / total_weight
        coef = xp.where(hit, -xp.expand_dims(weight, axis=-1), xp.zeros_like(hit, dtype=weight.dtype))
        return (g if g.ndim == 0 else xp.expand_dims(g, axis=-1)) * coef

    def nll_coefficients(self, logp, target, row_weight, valid=None):
        """nll's gradient in the log-probabilities ``logp`` (N, C) for a loss gradient of 1:
        -row_weight at each row's target (each valid row's, where ``valid`` is given), 0
        elsewhere; ``row_weight`` as cross_entropy_backward takes it."""
        xp = self.xp
        n, c = logp.shape
        hit = xp.reshape(target, (n, 1)) == xp.arange(c, dtype=target.dtype, device=target.device)
        if valid is None:
            weight = xp.full((n, 1), row_weight, dtype=logp.dtype, device=logp.device)
        else:
            hit = hit & xp.reshape(valid, (n, 1))
            weight = xp.reshape(row_weight, (n, 1))
        return xp.where(hit, -weight, xp.zeros_like(logp))
