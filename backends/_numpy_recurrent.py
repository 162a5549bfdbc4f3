"""The recurrent family's NumPy kernels (a mixin of NumpyBackend): the fused LSTM/GRU/RNN
cells in place. Other dtypes and layouts fall back to the portable kernels
(backends/kernels/recurrent.py) through ``super()``."""
from __future__ import annotations

import numpy as np


class NumpyRecurrent:
    # The gates in place in the one array gi + gh, a pass or two per gate block: sigmoid as
    # 0.5 * tanh(x / 2) + 0.5 (NumPy's SIMD tanh, no overflow for large |x|), so that one tanh
    # pass covers all four LSTM gates. Other dtypes and layouts take the portable kernels.
    def lstm_cell(self, gi, gh, c):
        if not _fast_cell(gi, gh, c):
            return super().lstm_cell(gi, gh, c)
        n = c.shape[-1]
        gates = np.add(gi, gh)
        i_f, g, o = gates[:, :2 * n], gates[:, 2 * n:3 * n], gates[:, 3 * n:]
        i_f *= 0.5
        o *= 0.5
        np.tanh(gates, out=gates)
        for block in (i_f, o):
            block *= 0.5
            block += 0.5
        c_new = np.multiply(gates[:, n:2 * n], c)
        c_new += gates[:, :n] * g
        h = np.tanh(c_new)
        h *= o
        return h, c_new, gates

    def lstm_cell_backward(self, gates, c, c_new, dh, dc):
        if not _fast_cell(gates, c, c_new, dh, dc):
            return super().lstm_cell_backward(gates, c, c_new, dh, dc)
        n = c.shape[-1]
        i, f, g, o = gates[:, :n], gates[:, n:2 * n], gates[:, 2 * n:3 * n], gates[:, 3 * n:]
        d_pre = np.empty_like(gates)
        d_if, d_g, d_o = d_pre[:, :2 * n], d_pre[:, 2 * n:3 * n], d_pre[:, 3 * n:]
        tc = np.tanh(c_new)
        if dh is None:
            dcn = np.zeros_like(c_new)
            d_o[...] = 0.0
        else:
            np.multiply(dh, tc, out=d_o)  # d o (before o's slope)
            np.multiply(tc, tc, out=tc)
            np.subtract(1.0, tc, out=tc)
            dcn = np.multiply(dh, o)
            dcn *= tc
        if dc is not None:
            dcn += dc
        # the sigmoid slopes y (1 - y) of i, f and o
        np.subtract(1.0, gates[:, :2 * n], out=d_if)
        d_if *= gates[:, :2 * n]
        slope_o = np.subtract(1.0, o)
        slope_o *= o
        d_o *= slope_o
        d_if[:, :n] *= g
        d_if[:, n:] *= c
        d_if[:, :n] *= dcn
        d_if[:, n:] *= dcn
        np.multiply(g, g, out=d_g)
        np.subtract(1.0, d_g, out=d_g)
        d_g *= i
        d_g *= dcn
        dcn *= f
        return d_pre, dcn

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
