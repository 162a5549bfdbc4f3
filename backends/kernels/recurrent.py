"""Recurrent cell kernels: one fused gate kernel per cell and step, and its backward.

A layer's time loop projects the whole input sequence with one GEMM, then per step makes
``gh = h @ W_hh^T + b_hh`` with one GEMM and hands both projections to one of these
kernels. The gate layout and formulas are PyTorch's:

    LSTM  gates (i, f, g, o):  c' = f * c + i * g,  h' = o * tanh(c')
    GRU   gates (r, z, n):     n = tanh(gi_n + r * gh_n),  h' = (1 - z) * n + z * h
    RNN   h' = tanh(gi + gh) or relu(gi + gh) (the activation family's kernels)

The forward kernels also return the activated gates, which the backward kernels read
instead of recomputing them. A missing incoming gradient (None) counts as zeros.
"""
from __future__ import annotations


class RecurrentKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def _gate_sigmoid(self, a):
        # exp of a non-positive number only: no overflow for large |a|
        xp = self.xp
        e = xp.exp(-xp.abs(a))
        return xp.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def lstm_cell(self, gi, gh, c):
        """(h', c', the activated gates (i, f, g, o) side by side) for the pre-activations
        ``gi + gh`` (N, 4H) and the cell state ``c`` (N, H)."""
        xp = self.xp
        n = c.shape[-1]
        pre = gi + gh
        i = self._gate_sigmoid(pre[..., :n])
        f = self._gate_sigmoid(pre[..., n:2 * n])
        g = xp.tanh(pre[..., 2 * n:3 * n])
        o = self._gate_sigmoid(pre[..., 3 * n:])
        c_new = f * c + i * g
        return o * xp.tanh(c_new), c_new, xp.concat([i, f, g, o], axis=-1)

    def lstm_cell_backward(self, gates, c, c_new, dh, dc):
        """(d pre-activations (N, 4H), dc) from the activated gates, the old and new cell
        states and the gradients of h' and c'."""
        xp = self.xp
        n = c.shape[-1]
        i, f, g, o = gates[..., :n], gates[..., n:2 * n], gates[..., 2 * n:3 * n], gates[..., 3 * n:]
        tc = xp.tanh(c_new)
        if dh is None:
            dh = xp.zeros_like(c_new)
        dcn = dh * o * (1.0 - tc * tc)
        if dc is not None:
            dcn = dcn + dc
        d_pre = xp.concat([dcn * g * i * (1.0 - i), dcn * c * f * (1.0 - f), dcn * i * (1.0 - g * g),
                           dh * tc * o * (1.0 - o)], axis=-1)
        return d_pre, dcn * f

    def gru_cell(self, gi, gh, h):
        """(h', the activated gates (r, z, n) side by side) for the input and hidden
        projections ``gi``, ``gh`` (N, 3H) (b_hn inside gh, so inside r * (...)) and ``h``."""
        xp = self.xp
        k = h.shape[-1]
        r = self._gate_sigmoid(gi[..., :k] + gh[..., :k])
        z = self._gate_sigmoid(gi[..., k:2 * k] + gh[..., k:2 * k])
        n = xp.tanh(gi[..., 2 * k:] + r * gh[..., 2 * k:])
        return (1.0 - z) * n + z * h, xp.concat([r, z, n], axis=-1)

    def gru_cell_backward(self, gates, gh, h, dh):
        """(d gi, d gh, d h) from the activated gates, the hidden projection, the old state
        and the gradient of h'."""
        xp = self.xp
        k = h.shape[-1]
        r, z, n = gates[..., :k], gates[..., k:2 * k], gates[..., 2 * k:]
        dn = dh * (1.0 - z) * (1.0 - n * n)
        dr = dn * gh[..., 2 * k:] * r * (1.0 - r)
        dz = dh * (h - n) * z * (1.0 - z)
        return xp.concat([dr, dz, dn], axis=-1), xp.concat([dr, dz, dn * r], axis=-1), dh * z

    def rnn_tanh_cell(self, gi, gh):
        return self.xp.tanh(gi + gh)

    def rnn_relu_cell(self, gi, gh):
        return self.relu(gi + gh)
