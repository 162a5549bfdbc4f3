"""The recurrent layers' ops: a node per layer and direction, and a node per cell and step.

A layer (one direction of one layer of nn.RNN/GRU/LSTM) projects its whole input with one
GEMM (``Linear`` on the (steps x batch, H_in) rows; LSTM's and RNN's two biases go in
there), then runs ``RecurrentLayer``: per step one GEMM ``h @ W_hh^T`` and one fused cell
kernel (the backend's ``recurrent_layer``). Its plain backward is the backend's
``recurrent_layer_backward``: per step the cell's backward kernel and one GEMM, and each
weight gradient one GEMM over all steps (not one per step, summed).

With create_graph=True the layer's backward records the same steps as ops: ``Linear`` and a
cell node per step (``LSTMCell``, ``GRUCell``, ``RNNTanhCell``, ``RNNReluCell``, which the
one-step nn cells use too), differentiated by the engine. A cell's gradient is a node whose
forward is the backend's backward kernel; its own backward differentiates the cell's
formula written in gradkit ops (the second order is rare: one definition of the cell in ops
keeps it short and right).

Variable-length (packed) batches run the same loop: the batch shrinks (forward direction)
or grows (reverse direction) between steps as sequences end, as PyTorch's packed layout
orders them (longest first).
"""
from __future__ import annotations

from ..._tensor import Tensor
from ...autograd.grad_mode import enable_grad, is_grad_enabled_fast
from ...autograd.node import Node
from ..shape import Split, cat, stack
from .linear import Linear

_make = Tensor._make


# --------------------------------------------------------------------------- cells
class RNNTanhCell(Node):
    """h' = tanh(gi + gh)."""
    saves_output = True
    _backward_name = "TanhBackward0"

    def forward(self, backend, gi, gh):
        return backend.rnn_tanh_cell(gi, gh)

    def backward(self, g):
        from ..unary import TanhBackward

        d = TanhBackward.run(self.saved_output, g)
        return (d if self.next_edges[0] is not None else None), (d if self.next_edges[1] is not None else None)


class RNNReluCell(Node):
    """h' = relu(gi + gh)."""
    saves_output = True
    _backward_name = "ReluBackward0"

    def forward(self, backend, gi, gh):
        return backend.rnn_relu_cell(gi, gh)

    def backward(self, g):
        from .activation import ReluGrad

        d = ReluGrad.run(self.saved_output, g)
        return (d if self.next_edges[0] is not None else None), (d if self.next_edges[1] is not None else None)


class LSTMCell(Node):
    """(h', c') from the input projection gi (N, 4H), the hidden projection gh (N, 4H) and c."""
    saves_inputs = (0, 1, 2)

    def forward(self, backend, gi, gh, c):
        h, c_new, self.gates = backend.lstm_cell(gi, gh, c)
        self.c_new = c_new
        return h, c_new

    def backward(self, dh, dc):
        gi, gh, c = self.saved_tensors
        d_pre, dc_prev = LSTMCellGrad.run(self, gi, gh, c, dh, dc)
        e = self.next_edges
        return (d_pre if e[0] is not None else None, d_pre if e[1] is not None else None,
                dc_prev if e[2] is not None else None)


class GRUCell(Node):
    """h' from the input projection gi (N, 3H), the hidden projection gh (N, 3H) and h."""
    saves_inputs = (0, 1, 2)

    def forward(self, backend, gi, gh, h):
        h_new, self.gates = backend.gru_cell(gi, gh, h)
        return h_new

    def backward(self, dh):
        gi, gh, h = self.saved_tensors
        dgi, dgh, dh_prev = GRUCellGrad.run(self, gi, gh, h, dh)
        e = self.next_edges
        return (dgi if e[0] is not None else None, dgh if e[1] is not None else None,
                dh_prev if e[2] is not None else None)


# --------------------------------------------------------------------------- cell gradients
def _lstm_formula(gi, gh, c):
    """The LSTM cell in gradkit ops (the second order differentiates it)."""
    n = c.shape[-1]
    pre = gi + gh
    i, f = pre[..., :n].sigmoid(), pre[..., n:2 * n].sigmoid()
    g, o = pre[..., 2 * n:3 * n].tanh(), pre[..., 3 * n:].sigmoid()
    c_new = f * c + i * g
    return o * c_new.tanh(), c_new


def _gru_formula(gi, gh, h):
    """The GRU cell in gradkit ops (the second order differentiates it)."""
    k = h.shape[-1]
    r = (gi[..., :k] + gh[..., :k]).sigmoid()
    z = (gi[..., k:2 * k] + gh[..., k:2 * k]).sigmoid()
    n = (gi[..., 2 * k:] + r * gh[..., 2 * k:]).tanh()
    return (1.0 - z) * n + z * h


class _Alias(Node):
    """The identity as a node of its own: a tensor that the inner gradients of the second
    order stop at, while staying connected to the input's history."""

    def forward(self, backend, a):
        return a

    def backward(self, g):
        return (g,)


def _second_order(node, formula, n_inputs, pick, grads):
    """The backward of a cell's gradient op: the vector-Jacobian product of the cell's
    gradient (the gradient of ``formula`` in its ``n_inputs`` inputs, weighted by the
    incoming gradients that follow them among the op's inputs; ``pick`` names which of those
    gradients are the op's outputs) with ``grads``, by differentiating ``formula`` twice."""
    from ...autograd import grad as autograd_grad

    saved = node.saved_tensors
    with enable_grad():
        # partial derivatives: each input enters the formula through a node of its own, so
        # that a path from one input to another (gh is made from h) does not count
        xs = [_Alias.apply(t) if t.requires_grad else t.detach().requires_grad_() for t in saved]
        outs = formula(*xs[:n_inputs])
        outs = outs if isinstance(outs, tuple) else (outs,)
        firsts = autograd_grad(outs, xs[:n_inputs], xs[n_inputs:], create_graph=True, allow_unused=True)
        pairs = [(firsts[k], u) for k, u in zip(pick, grads) if u is not None and firsts[k] is not None]
        wanted = [i for i, e in enumerate(node.next_edges) if e is not None]
        if not pairs or not wanted:
            return (None,) * len(saved)
        seconds = autograd_grad([p for p, _ in pairs], [xs[i] for i in wanted], [u for _, u in pairs],
                                create_graph=True, allow_unused=True)
    out = [None] * len(saved)
    for i, s in zip(wanted, seconds):
        out[i] = s
    return tuple(out)


class LSTMCellGrad(Node):
    """(d pre-activations, dc) of an LSTM cell, from its inputs gi, gh, c and the gradients
    dh', dc' (the backend's lstm_cell_backward)."""
    saves_inputs = (0, 1, 2, 3, 4)

    def forward(self, backend, gi, gh, c, dh, dc, gates=None, c_new=None):
        if gates is None:
            _, c_new, gates = backend.lstm_cell(gi, gh, c)
        return backend.lstm_cell_backward(gates, c, c_new, dh, dc)

    @classmethod
    def run(cls, cell, gi, gh, c, dh, dc):
        if is_grad_enabled_fast():
            from ..creation import zeros_like

            dh = zeros_like(c) if dh is None else dh
            dc = zeros_like(c) if dc is None else dc
            return cls.apply(gi, gh, c, dh, dc, gates=cell.gates, c_new=cell.c_new)
        device = c._device
        d_pre, dc_prev = device.backend.lstm_cell_backward(cell.gates, c._data, cell.c_new,
                                                          None if dh is None else dh._data,
                                                          None if dc is None else dc._data)
        return _make(d_pre, device), _make(dc_prev, device)

    def backward(self, u_pre, u_c):
        return _second_order(self, _lstm_formula, 3, (0, 2), (u_pre, u_c))


class GRUCellGrad(Node):
    """(d gi, d gh, d h) of a GRU cell, from its inputs gi, gh, h and the gradient dh' (the
    backend's gru_cell_backward)."""
    saves_inputs = (0, 1, 2, 3)

    def forward(self, backend, gi, gh, h, dh, gates=None):
        if gates is None:
            _, gates = backend.gru_cell(gi, gh, h)
        return backend.gru_cell_backward(gates, gh, h, dh)

    @classmethod
    def run(cls, cell, gi, gh, h, dh):
        if is_grad_enabled_fast():
            return cls.apply(gi, gh, h, dh, gates=cell.gates)
        device = h._device
        return tuple(_make(a, device) for a in device.backend.gru_cell_backward(cell.gates, gh._data, h._data,
                                                                                  dh._data))

    def backward(self, u_gi, u_gh, u_h):
        return _second_order(self, _gru_formula, 3, (0, 1, 2), (u_gi, u_gh, u_h))


# --------------------------------------------------------------------------- the time loop
def _split_rows(t, sizes):
    """``t``'s rows in consecutive blocks of ``sizes`` (one node)."""
    if len(sizes) == 1:
        return [t]
    bounds, start = [], 0
    for s in sizes:
        bounds.append((start, start + s))
        start += s
    pieces = Split.apply(t, dim=0, bounds=tuple(bounds))
    node = pieces[0].grad_fn
    if node is not None:
        node._dtype, node._device = t.dtype, t.device
    return list(pieces)


def _linear(x, w, b):
    return Linear.apply(x, w) if b is None else Linear.apply(x, w, b)


def _direction(mode, steps, batch_sizes, h0, c0, w_hh, b_hh, w_hr, reverse):
    """One direction of one layer over its step projections: (outputs in time order, h_n, c_n)."""
    count = len(steps)
    outs = [None] * count
    varying = batch_sizes[0] != batch_sizes[-1]
    h, c = h0, c0
    finished_h, finished_c = [], []
    if reverse:
        order = range(count - 1, -1, -1)
        if varying:
            last = batch_sizes[-1]
            h, _ = _split_rows(h0, [last, h0.shape[0] - last])
            if c0 is not None:
                c, _ = _split_rows(c0, [last, c0.shape[0] - last])
    else:
        order = range(count)
    for t in order:
        if varying:
            b, rows = batch_sizes[t], h.shape[0]
            if b < rows:  # sequences that ended: their state is final
                h, done = _split_rows(h, [b, rows - b])
                finished_h.append(done)
                if c is not None:
                    c, done = _split_rows(c, [b, rows - b])
                    finished_c.append(done)
            elif b > rows:  # sequences that start (reverse direction): their initial state
                h = cat([h, _split_rows(h0, [rows, b - rows, h0.shape[0] - b])[1]], 0)
                if c is not None:
                    c = cat([c, _split_rows(c0, [rows, b - rows, c0.shape[0] - b])[1]], 0)
        gh = _linear(h, w_hh, b_hh)
        if mode == "LSTM":
            h, c = LSTMCell.apply(steps[t], gh, c)
            if w_hr is not None:
                h = Linear.apply(h, w_hr)
        elif mode == "GRU":
            h = GRUCell.apply(steps[t], gh, h)
        elif mode == "RNN_TANH":
            h = RNNTanhCell.apply(steps[t], gh)
        else:
            h = RNNReluCell.apply(steps[t], gh)
        outs[t] = h
    if finished_h:
        h = cat([h] + finished_h[::-1], 0)
        if c is not None:
            c = cat([c] + finished_c[::-1], 0)
    return outs, h, c


class RecurrentLayer(Node):
    """One direction of one layer over the whole sequence: inputs (gi, h0, [c0], W_hh,
    [b_hh], [W_hr]) where gi is the input projection of every step; outputs (output rows,
    h_n[, c_n]). The forward is the backend's ``recurrent_layer`` (per step one GEMM and one
    cell kernel); a plain backward is ``recurrent_layer_backward`` (per step one cell
    backward kernel and one GEMM, each weight gradient one GEMM over all steps). With
    create_graph=True the backward differentiates the same steps recorded as ops (Linear and
    the cell nodes, whose gradients are the cell gradient ops), so higher orders follow."""

    def forward(self, backend, *arrays, mode, batch_sizes, reverse, bias, proj):
        self.saves_inputs = tuple(range(len(arrays)))
        self.config = (mode, batch_sizes, reverse, bias, proj)
        lstm = mode == "LSTM"
        gi, h0, c0, w_hh, b_hh, w_hr = _unpack(arrays, lstm, bias, proj)
        out, h_n, c_n, self.tape = backend.recurrent_layer(mode, gi, h0, c0, w_hh, b_hh, w_hr, batch_sizes, reverse)
        return (out, h_n, c_n) if lstm else (out, h_n)

    def backward(self, d_out, d_hn, d_cn=None):
        saved = self.saved_tensors  # (checks that no input changed in place since the forward)
        if is_grad_enabled_fast():
            return self._recorded_backward(saved, (d_out, d_hn, d_cn))
        mode, _, _, bias, proj = self.config
        device = saved[0]._device
        grads = device.backend.recurrent_layer_backward(self.tape, *[None if g is None else g._data
                                                                     for g in (d_out, d_hn, d_cn)])
        present = [True, True, mode == "LSTM", True, bias, proj]
        return tuple(None if edge is None else _make(g, device)
                     for edge, g in zip(self.next_edges, [g for g, keep in zip(grads, present) if keep]))

    def release(self):
        super().release()
        self.tape = None

    def _recorded_backward(self, saved, grads):
        from ...autograd import grad as autograd_grad

        mode, batch_sizes, reverse, bias, proj = self.config
        with enable_grad():
            xs = [_Alias.apply(t) if t.requires_grad else t.detach().requires_grad_() for t in saved]
            gi, h0, c0, w_hh, b_hh, w_hr = _unpack(xs, mode == "LSTM", bias, proj)
            outs, h, c = _direction(mode, _split_rows(gi, list(batch_sizes)), batch_sizes, h0, c0, w_hh, b_hh, w_hr,
                                    reverse)
            results = (cat(outs, 0) if len(outs) > 1 else outs[0], h, c)
            pairs = [(r, g) for r, g in zip(results, grads) if g is not None]
            wanted = [i for i, e in enumerate(self.next_edges) if e is not None]
            out = [None] * len(saved)
            if pairs and wanted:
                found = autograd_grad([r for r, _ in pairs], [xs[i] for i in wanted], [g for _, g in pairs],
                                      create_graph=True, allow_unused=True)
                for i, g in zip(wanted, found):
                    out[i] = g
        return tuple(out)


def _unpack(items, lstm, bias, proj):
    """(gi, h0, c0, w_hh, b_hh, w_hr) from a layer's inputs, None for those it lacks."""
    items = list(items)
    gi, h0 = items[0], items[1]
    k = 2
    c0 = None
    if lstm:
        c0, k = items[2], 3
    w_hh = items[k]
    k += 1
    b_hh = w_hr = None
    if bias:
        b_hh, k = items[k], k + 1
    if proj:
        w_hr = items[k]
    return gi, h0, c0, w_hh, b_hh, w_hr


def rnn_layers(mode, x, batch_sizes, hx, cx, weights, num_layers, bidirectional, dropout, training):
    """The stacked layers on ``x``, the (sum of batch_sizes, H_in) rows of every step, step
    after step. ``hx`` (and ``cx`` for LSTM) are (layers * directions, N, H); ``weights``
    holds (w_ih, w_hh, b_ih, b_hh, w_hr) per layer and direction, in PyTorch's order.
    Returns (output rows, h_n, c_n or None)."""
    from ...nn.functional import dropout as _dropout

    directions = 2 if bidirectional else 1
    h_states = hx.unbind(0) if num_layers * directions > 1 else [hx[0]]
    c_states = None if cx is None else (cx.unbind(0) if num_layers * directions > 1 else [cx[0]])
    batch_sizes = tuple(batch_sizes)
    h_n, c_n = [], []
    for layer in range(num_layers):
        results = []
        for d in range(directions):
            k = layer * directions + d
            w_ih, w_hh, b_ih, b_hh, w_hr = weights[k]
            if b_hh is not None and mode != "GRU":
                # both biases go in with the input projection: one add of two vectors instead
                # of one over every step (GRU's b_hn stays inside r * (...))
                b_ih, b_hh = b_ih + b_hh, None
            inputs = [_linear(x, w_ih, b_ih), h_states[k]]
            if c_states is not None:
                inputs.append(c_states[k])
            inputs.append(w_hh)
            if b_hh is not None:
                inputs.append(b_hh)
            if w_hr is not None:
                inputs.append(w_hr)
            outs = RecurrentLayer.apply(*inputs, mode=mode, batch_sizes=batch_sizes, reverse=d == 1,
                                        bias=b_hh is not None, proj=w_hr is not None)
            results.append(outs[0])
            h_n.append(outs[1])
            if c_states is not None:
                c_n.append(outs[2])
        x = results[0] if directions == 1 else cat(results, 1)
        if dropout and training and layer < num_layers - 1:
            x = _dropout(x, dropout, True)
    return x, stack(h_n, 0), (None if cx is None else stack(c_n, 0))


def rnn_cell(mode, x, h, c, w_ih, w_hh, b_ih, b_hh):
    """One step of RNNCell, GRUCell or LSTMCell on a batch (N, H_in)."""
    gi = _linear(x, w_ih, b_ih)
    gh = _linear(h, w_hh, b_hh)
    if mode == "LSTM":
        return LSTMCell.apply(gi, gh, c)
    if mode == "GRU":
        return GRUCell.apply(gi, gh, h)
    return (RNNTanhCell if mode == "RNN_TANH" else RNNReluCell).apply(gi, gh)
