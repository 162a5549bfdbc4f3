"""The recurrent family's NumPy kernels (a mixin of NumpyBackend): the fused LSTM/GRU/RNN
cells in place, and an LSTM layer's whole time loop. Other dtypes, layouts and layers fall
back to the portable kernels (backends/kernels/recurrent.py) through ``super()``."""
from __future__ import annotations

import numpy as np


class NumpyRecurrent:
    # The gates in place in the one array gi + gh, a pass or two per gate block (the LSTM's
    # math is _lstm_gates_into and _lstm_gates_backward_into below, which the layer loop
    # shares). Other dtypes and layouts take the portable kernels.
    def lstm_cell(self, gi, gh, c):
        if not _fast_cell(gi, gh, c):
            return super().lstm_cell(gi, gh, c)
        gates = np.add(gi, gh)
        c_new = np.empty_like(c)
        h = np.empty_like(c)
        _lstm_gates_into(_by_gate(gates), c, c_new, h, h)
        return h, c_new, gates

    def lstm_cell_backward(self, gates, c, c_new, dh, dc):
        if not _fast_cell(gates, c, c_new, dh, dc):
            return super().lstm_cell_backward(gates, c, c_new, dh, dc)
        tanh_c = np.tanh(c_new)
        d_pre = np.empty_like(gates)
        dc_prev = np.empty_like(c)
        _lstm_gates_backward_into(_by_gate(gates), c, tanh_c, dh, dc, _by_gate(d_pre), dc_prev, tanh_c)
        return d_pre, dc_prev

    # -- a whole LSTM layer -------------------------------------------------------------
    # Every step's batch the same size, no projection, no hidden bias (nn.LSTM's layers add it
    # to the input projection). The gate math runs gate by gate on (4, N, H) arrays: a gate's
    # block of the (N, 4H) row layout is N short rows, on which NumPy's loops cost two to three
    # times what they cost on one contiguous block, and the cell makes some twenty passes.
    # So the step's pre-activations gi + gh are added straight into that layout, and the
    # gradients go back to the row layout (which the GEMMs and the input projection's
    # gradient read) with one copy. Arrays made once per layer: the gates of every step (the
    # backward reads them), the states, tanh(c') (the backward would compute it again).
    # Other layers take the portable loop.
    def recurrent_layer(self, mode, gi, h0, c0, w_hh, b_hh, w_hr, batch_sizes, reverse):
        if mode != "LSTM" or b_hh is not None or w_hr is not None or batch_sizes[0] != batch_sizes[-1] or \
                not _fast_cell(gi, h0, c0, w_hh) or h0.shape[0] != batch_sizes[0]:
            return super().recurrent_layer(mode, gi, h0, c0, w_hh, b_hh, w_hr, batch_sizes, reverse)
        steps = len(batch_sizes)
        n, hidden = h0.shape
        dtype = gi.dtype
        gates = np.empty((steps, 4, n, hidden), dtype)
        # states[k]: the hidden state between steps k - 1 and k in time order (states[0] enters
        # step 0 going forward, states[steps] enters the last step going backward); cells alike
        states = np.empty((steps + 1, n, hidden), dtype)
        cells = np.empty((steps + 1, n, hidden), dtype)
        tanh_cells = np.empty((steps, n, hidden), dtype)
        entry = steps if reverse else 0
        states[entry] = h0
        cells[entry] = c0
        step_inputs = gi.reshape(steps, n, 4, hidden).transpose(0, 2, 1, 3)
        hidden_part = np.empty((n, 4 * hidden), dtype)
        by_gate = _by_gate(hidden_part)
        w_hh_t = w_hh.T  # h @ W^T through the transposed view: BLAS reads it as is
        for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
            before, after = (t + 1, t) if reverse else (t, t + 1)
            np.matmul(states[before], w_hh_t, out=hidden_part)
            np.add(step_inputs[t], by_gate, out=gates[t])
            _lstm_gates_into(gates[t], cells[before], cells[after], tanh_cells[t], states[after])
        last = 0 if reverse else steps
        # the output is a copy: a change the caller makes to it in place must not reach the
        # states the backward reads
        out = (states[:steps] if reverse else states[1:]).reshape(steps * n, hidden).copy()
        tape = (_LSTM_LAYER, gates, states, cells, tanh_cells, w_hh, reverse)
        return out, states[last].copy(), cells[last].copy(), tape

    def recurrent_layer_backward(self, tape, d_out, d_hn, d_cn):
        if tape[0] is not _LSTM_LAYER:
            return super().recurrent_layer_backward(tape, d_out, d_hn, d_cn)
        _, gates, states, cells, tanh_cells, w_hh, reverse = tape
        steps, _, n, hidden = gates.shape
        dtype = gates.dtype
        d_gi = np.empty((steps * n, 4 * hidden), dtype)
        d_steps = d_gi.reshape(steps, n, 4, hidden).transpose(0, 2, 1, 3)
        d_pre = np.empty((4, n, hidden), dtype)
        # (the incoming gradients may be broadcast views: the running ones are arrays of their own)
        dh = np.zeros((n, hidden), dtype) if d_hn is None else d_hn.astype(dtype)
        dc = np.zeros((n, hidden), dtype) if d_cn is None else d_cn.astype(dtype)
        dc_next = np.empty((n, hidden), dtype)
        scratch = np.empty((n, hidden), dtype)
        d_out = None if d_out is None else d_out.reshape(steps, n, hidden)
        for t in (range(steps) if reverse else range(steps - 1, -1, -1)):
            before = t + 1 if reverse else t
            if d_out is not None:
                dh += d_out[t]
            _lstm_gates_backward_into(gates[t], cells[before], tanh_cells[t], dh, dc, d_pre, dc_next, scratch)
            dc, dc_next = dc_next, dc
            np.copyto(d_steps[t], d_pre)
            np.matmul(d_gi[t * n:(t + 1) * n], w_hh, out=dh)
        entered = (states[1:] if reverse else states[:steps]).reshape(steps * n, hidden)
        return d_gi, dh, dc, self.linear_grad_weight(d_gi, entered), None, None

    def gru_cell(self, gi, gh, h):
        if not _fast_cell(gi, gh, h):
            return super().gru_cell(gi, gh, h)
        k = h.shape[-1]
        gates = np.empty_like(gi)
        rz, n = gates[:, :2 * k], gates[:, 2 * k:]
        np.add(gi[:, :2 * k], gh[:, :2 * k], out=rz)
        rz *= 0.5
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        np.multiply(gates[:, :k], gh[:, 2 * k:], out=n)
        n += gi[:, 2 * k:]
        np.tanh(n, out=n)
        h_new = np.subtract(h, n)  # (1 - z) n + z h = n + z (h - n)
        h_new *= gates[:, k:2 * k]
        h_new += n
        return h_new, gates

    def gru_cell_backward(self, gates, gh, h, dh):
        if not _fast_cell(gates, gh, h, dh):
            return super().gru_cell_backward(gates, gh, h, dh)
        k = h.shape[-1]
        r, z, n = gates[:, :k], gates[:, k:2 * k], gates[:, 2 * k:]
        dgi = np.empty_like(gates)
        dr, dz, dn = dgi[:, :k], dgi[:, k:2 * k], dgi[:, 2 * k:]
        np.subtract(1.0, z, out=dn)
        dn *= dh
        tmp = np.multiply(n, n)
        np.subtract(1.0, tmp, out=tmp)
        dn *= tmp
        np.subtract(1.0, r, out=dr)
        dr *= r
        dr *= gh[:, 2 * k:]
        dr *= dn
        np.subtract(h, n, out=dz)
        dz *= dh
        np.subtract(1.0, z, out=tmp)
        tmp *= z
        dz *= tmp
        dgh = dgi.copy()
        dgh[:, 2 * k:] *= r
        return dgi, dgh, np.multiply(dh, z)

    def rnn_tanh_cell(self, gi, gh):
        out = np.add(gi, gh)
        return np.tanh(out, out=out)


_LSTM_LAYER = "numpy lstm layer"  # the tape mark of the layer loop above


def _by_gate(a):
    """An (N, 4H) array of gate values (i, f, g, o side by side) as a (4, N, H) view."""
    n, width = a.shape
    return a.reshape(n, 4, width // 4).transpose(1, 0, 2)


def _lstm_gates_into(gates, c, c_new, tanh_c, h):
    """An LSTM cell in place: ``gates`` (4, N, H) holds the pre-activations gi + gh of the
    gates (i, f, g, o) and becomes the activated gates; writes c' = f c + i g, tanh(c') and
    h' = o tanh(c') (``tanh_c`` may be ``h``). Sigmoid is 0.5 * tanh(x / 2) + 0.5 (NumPy's
    SIMD tanh, no overflow for large |x|), so that one tanh pass covers all four gates."""
    i_f, i, f, g, o = gates[:2], gates[0], gates[1], gates[2], gates[3]
    i_f *= 0.5
    o *= 0.5
    np.tanh(gates, out=gates)
    for block in (i_f, o):
        block *= 0.5
        block += 0.5
    np.multiply(f, c, out=c_new)
    np.multiply(i, g, out=h)  # (h as scratch until its turn)
    c_new += h
    np.tanh(c_new, out=tanh_c)
    np.multiply(tanh_c, o, out=h)


def _lstm_gates_backward_into(gates, c, tanh_c, dh, dc, d_pre, dc_prev, scratch):
    """An LSTM cell's backward: the pre-activations' gradient into ``d_pre`` (4, N, H) and
    c's into ``dc_prev``, from the activated gates (4, N, H), c, tanh(c') and the gradients
    dh', dc' (None: zeros). ``scratch`` (N, H) may be ``tanh_c``, which is read first."""
    i, f, g, o = gates[0], gates[1], gates[2], gates[3]
    d_if, d_i, d_f, d_g, d_o = d_pre[:2], d_pre[0], d_pre[1], d_pre[2], d_pre[3]
    dcn = dc_prev  # the gradient of c' first, turned into c's at the end
    if dh is None:
        dcn[...] = 0.0
        d_o[...] = 0.0
    else:
        np.multiply(dh, tanh_c, out=d_o)  # d o (before o's slope)
        np.multiply(tanh_c, tanh_c, out=scratch)
        np.subtract(1.0, scratch, out=scratch)
        np.multiply(dh, o, out=dcn)
        dcn *= scratch
    if dc is not None:
        dcn += dc
    # the sigmoid slopes y (1 - y) of i, f and o
    np.subtract(1.0, gates[:2], out=d_if)
    d_if *= gates[:2]
    np.subtract(1.0, o, out=scratch)
    scratch *= o
    d_o *= scratch
    d_i *= g
    d_f *= c
    d_i *= dcn
    d_f *= dcn
    np.multiply(g, g, out=d_g)
    np.subtract(1.0, d_g, out=d_g)
    d_g *= i
    d_g *= dcn
    dcn *= f


def _fast_cell(*arrays):
    """The recurrent kernels' fast path: 2-D C-contiguous float arrays of one dtype (None, a
    missing gradient, passes)."""
    dtype = None
    for a in arrays:
        if a is None:
            continue
        if type(a) is not np.ndarray or a.ndim != 2 or not a.flags.c_contiguous or a.dtype.kind != "f":
            return False
        if dtype is None:
            dtype = a.dtype
        elif a.dtype != dtype:
            return False
    return True
