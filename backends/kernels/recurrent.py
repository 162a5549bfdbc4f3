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

    # -- a whole layer -------------------------------------------------------------
    def recurrent_layer(self, mode, gi, h0, c0, w_hh, b_hh, w_hr, batch_sizes, reverse):
        """One direction of one layer over a sequence: per step one GEMM h @ W_hh^T and one
        cell kernel. ``gi`` holds the input projections of every step, step after step
        (``batch_sizes[t]`` rows for step t, the sequences still running, longest first);
        the state shrinks (or, in reverse, grows from h0's rows) as sequences end. ``mode``
        is 'LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU'; c0 and w_hr (the projection) are LSTM's.
        Returns (outputs in gi's row order, h_n, c_n or None, the tape the backward reads)."""
        xp = self.xp
        gru, lstm = mode == "GRU", mode == "LSTM"
        if b_hh is not None and not gru:  # GRU's b_hn stays inside r * (...): added per step
            gi = gi + b_hh
        starts, start = [], 0
        for b in batch_sizes:
            starts.append(start)
            start += b
        out = xp.empty((start, h0.shape[-1]), dtype=gi.dtype, device=gi.device)
        h_in = xp.empty((start, h0.shape[-1]), dtype=gi.dtype, device=gi.device)  # the state entering each step
        cells = None if w_hr is None else xp.empty((start, c0.shape[-1]), dtype=gi.dtype, device=gi.device)
        h_n = xp.empty(h0.shape, dtype=h0.dtype, device=h0.device)
        c_n = None if c0 is None else xp.empty(c0.shape, dtype=c0.dtype, device=c0.device)
        order = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
        first = batch_sizes[order[0]]
        h = h0[:first, ...]
        c = None if c0 is None else c0[:first, ...]
        tape = [None] * len(batch_sizes)  # per step (time order): what its backward reads
        # h @ W^T through the transposed view: BLAS reads it as is (no copy per step)
        w_hh_t = xp.matrix_transpose(w_hh)
        w_hr_t = None if w_hr is None else xp.matrix_transpose(w_hr)
        for t in order:
            b, lo = batch_sizes[t], starts[t]
            rows = h.shape[0]
            if b < rows:  # sequences that ended: their state is final
                h_n[b:rows, ...] = h[b:, ...]
                h = h[:b, ...]
                if c is not None:
                    c_n[b:rows, ...] = c[b:, ...]
                    c = c[:b, ...]
            elif b > rows:  # sequences that start (reverse direction): their initial state
                h = xp.concat([h, h0[rows:b, ...]], axis=0)
                if c is not None:
                    c = xp.concat([c, c0[rows:b, ...]], axis=0)
            h_in[lo:lo + b, ...] = h
            gh = xp.matmul(h, w_hh_t)
            step = gi[lo:lo + b, ...]
            if lstm:
                h_new, c_new, gates = self.lstm_cell(step, gh, c)
                tape[t] = (gates, c, c_new)
                c = c_new
                if w_hr is not None:
                    cells[lo:lo + b, ...] = h_new
                    h_new = xp.matmul(h_new, w_hr_t)
            elif gru:
                if b_hh is not None:
                    gh = gh + b_hh
                h_new, gates = self.gru_cell(step, gh, h)
                tape[t] = (gates, gh)
            else:
                h_new = self.rnn_tanh_cell(step, gh) if mode == "RNN_TANH" else self.rnn_relu_cell(step, gh)
            out[lo:lo + b, ...] = h_new
            h = h_new
        rows = h.shape[0]
        h_n[:rows, ...] = h
        if c is not None:
            c_n[:rows, ...] = c
        return out, h_n, c_n, (mode, tape, out, h_in, cells, tuple(batch_sizes), starts, reverse, w_hh, w_hr,
                               b_hh is not None, h0.shape, None if c0 is None else c0.shape)

    def recurrent_layer_backward(self, tape, d_out, d_hn, d_cn):
        """The gradients (gi, h0, c0 or None, W_hh, b_hh or None, W_hr or None) of
        ``recurrent_layer`` from its tape and the gradients of its outputs (None: zeros).
        The weight gradients are one GEMM each over all steps."""
        xp = self.xp
        mode, steps, out, h_in, cells, batch_sizes, starts, reverse, w_hh, w_hr, bias, h_shape, c_shape = tape
        gru, lstm = mode == "GRU", mode == "LSTM"
        dtype, device = out.dtype, out.device
        if d_hn is None:
            d_hn = xp.zeros(h_shape, dtype=dtype, device=device)
        if lstm and d_cn is None:
            d_cn = xp.zeros(c_shape, dtype=dtype, device=device)
        total = out.shape[0]
        width = w_hh.shape[0]
        d_gi = xp.empty((total, width), dtype=dtype, device=device)
        d_gh = xp.empty((total, width), dtype=dtype, device=device) if gru else d_gi
        d_h_all = None if w_hr is None else xp.empty(out.shape, dtype=dtype, device=device)
        dh0 = xp.empty(h_shape, dtype=dtype, device=device)
        dc0 = xp.empty(c_shape, dtype=dtype, device=device) if lstm else None
        order = range(len(batch_sizes)) if reverse else range(len(batch_sizes) - 1, -1, -1)
        first = batch_sizes[order[0]]
        dh = d_hn[:first, ...]
        dc = d_cn[:first, ...] if lstm else None
        for t in order:
            b, lo = batch_sizes[t], starts[t]
            rows = dh.shape[0]
            if b > rows:  # sequences whose last step this is: their final state's gradient
                dh = xp.concat([dh, d_hn[rows:b, ...]], axis=0)
                if lstm:
                    dc = xp.concat([dc, d_cn[rows:b, ...]], axis=0)
            elif b < rows:  # sequences that started here from h0 (reverse direction)
                dh0[b:rows, ...] = dh[b:, ...]
                dh = dh[:b, ...]
                if lstm:
                    dc0[b:rows, ...] = dc[b:, ...]
                    dc = dc[:b, ...]
            if d_out is not None:
                dh = dh + d_out[lo:lo + b, ...]
            if lstm:
                gates, c_prev, c_new = steps[t]
                if w_hr is not None:
                    d_h_all[lo:lo + b, ...] = dh
                    dh = self.linear_grad_input(dh, w_hr)
                d_pre, dc = self.lstm_cell_backward(gates, c_prev, c_new, dh, dc)
                d_gi[lo:lo + b, ...] = d_pre
                dh = self.linear_grad_input(d_pre, w_hh)
            elif gru:
                gates, gh = steps[t]
                dgi, dgh, dh_direct = self.gru_cell_backward(gates, gh, h_in[lo:lo + b, ...], dh)
                d_gi[lo:lo + b, ...] = dgi
                d_gh[lo:lo + b, ...] = dgh
                dh = dh_direct + self.linear_grad_input(dgh, w_hh)
            else:
                h_new = out[lo:lo + b, ...]
                d_pre = self.tanh_backward(h_new, dh) if mode == "RNN_TANH" else self.relu_backward(h_new, dh)
                d_gi[lo:lo + b, ...] = d_pre
                dh = self.linear_grad_input(d_pre, w_hh)
        rows = dh.shape[0]
        dh0[:rows, ...] = dh
        if lstm:
            dc0[:rows, ...] = dc
        d_w_hh = self.linear_grad_weight(d_gh, h_in)
        d_b_hh = self.linear_grad_bias(d_gh) if bias else None
        d_w_hr = None if w_hr is None else self.linear_grad_weight(d_h_all, cells)
        return d_gi, dh0, dc0, d_w_hh, d_b_hh, d_w_hr
