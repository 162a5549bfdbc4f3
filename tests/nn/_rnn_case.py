"""The recurrent layers' parity cases: the same code runs under PyTorch (make_rnn_ref.py
records its results into _rnn_ref.py) and under gradkit (test_rnn.py compares). It uses
only the API the two libraries share; ``torch`` is whichever library is passed in."""
import math

STEPS, BATCH, INPUT, HIDDEN = 3, 2, 3, 2


def _fixed(torch, shape, phase, scale=1.0, dtype=None, device=None):
    n = math.prod(shape)
    return torch.tensor([scale * math.cos(0.9 * k + phase) for k in range(n)], dtype=dtype,
                        device=device).reshape(shape)


def _set_weights(torch, module, dtype):
    with torch.no_grad():
        for i, (_, p) in enumerate(module.named_parameters()):
            vals = [0.6 * math.sin(0.7 * k + 1.3 * i) for k in range(p.numel())]
            p.copy_(torch.tensor(vals, dtype=dtype).reshape(p.shape))


def run_case(torch, mode, num_layers=1, bidirectional=False, batch_first=False, proj_size=0, bias=True,
             feed="plain", h0=True, dtype="float64", device=None):
    """A layer on fixed weights and inputs: its outputs, final states and the gradients of a
    fixed weighted sum of them in the inputs, initial states and parameters. ``feed``:
    'plain' (a padded batch), 'packed' (pack_padded_sequence of sorted lengths) or
    'unsorted' (enforce_sorted=False); packed outputs are padded back for comparison."""
    nn = torch.nn
    dt = getattr(torch, dtype)
    kw = {"num_layers": num_layers, "bidirectional": bidirectional, "batch_first": batch_first, "bias": bias}
    if mode == "LSTM":
        m = nn.LSTM(INPUT, HIDDEN, proj_size=proj_size, **kw)
    elif mode == "GRU":
        m = nn.GRU(INPUT, HIDDEN, **kw)
    else:
        m = nn.RNN(INPUT, HIDDEN, nonlinearity=mode, **kw)
    m = m.to(dt)
    _set_weights(torch, m, dt)
    if device is not None:
        m = m.to(device)
    shape = (BATCH, STEPS, INPUT) if batch_first else (STEPS, BATCH, INPUT)
    x = _fixed(torch, shape, 0.0, dtype=dt, device=device).requires_grad_()
    layers = num_layers * (2 if bidirectional else 1)
    hx = None
    leaves = [x]
    if h0:
        h = _fixed(torch, (layers, BATCH, proj_size or HIDDEN), 0.5, 0.4, dt, device).requires_grad_()
        leaves.append(h)
        hx = h
        if mode == "LSTM":
            c = _fixed(torch, (layers, BATCH, HIDDEN), 1.1, 0.4, dt, device).requires_grad_()
            leaves.append(c)
            hx = (h, c)
    rnn = nn.utils.rnn
    if feed == "plain":
        out, state = m(x, hx)
    else:
        lengths = [3, 2] if feed == "packed" else [2, 3]
        packed = rnn.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=feed == "packed")
        out, state = m(packed, hx)
        out, _ = rnn.pad_packed_sequence(out, batch_first=batch_first)
    h_n, c_n = state if mode == "LSTM" else (state, None)
    loss = (out * _fixed(torch, tuple(out.shape), 0.3, dtype=dt, device=device)).sum()
    loss = loss + (h_n * _fixed(torch, tuple(h_n.shape), 0.7, dtype=dt, device=device)).sum()
    if c_n is not None:
        loss = loss + (c_n * _fixed(torch, tuple(c_n.shape), 0.9, dtype=dt, device=device)).sum()
    loss.backward()
    result = {"output": out.tolist(), "h_n": h_n.tolist()}
    if c_n is not None:
        result["c_n"] = c_n.tolist()
    for i, t in enumerate(leaves):
        result[f"grad_input{i}"] = t.grad.tolist()
    for name, p in m.named_parameters():
        result[f"grad_{name}"] = p.grad.tolist()
    return result


def run_cell_case(torch, mode, bias=True, batched=True, state=True):
    """RNNCell ('tanh', 'relu'), GRUCell or LSTMCell on fixed weights: two steps, their
    outputs and the gradients of a weighted sum of them (float64)."""
    nn = torch.nn
    dt = torch.float64
    if mode == "LSTM":
        m = nn.LSTMCell(INPUT, HIDDEN, bias=bias)
    elif mode == "GRU":
        m = nn.GRUCell(INPUT, HIDDEN, bias=bias)
    else:
        m = nn.RNNCell(INPUT, HIDDEN, bias=bias, nonlinearity=mode)
    m = m.to(dt)
    _set_weights(torch, m, dt)
    lead = (BATCH,) if batched else ()
    x = _fixed(torch, lead + (INPUT,), 0.2, dtype=dt).requires_grad_()
    hx = None
    if state:
        h = _fixed(torch, lead + (HIDDEN,), 0.5, 0.4, dt).requires_grad_()
        hx = (h, _fixed(torch, lead + (HIDDEN,), 1.1, 0.4, dt)) if mode == "LSTM" else h
    first = m(x, hx)
    second = m(x * 0.5, first)
    outs = list(first) + list(second) if mode == "LSTM" else [first, second]
    loss = sum((o * _fixed(torch, tuple(o.shape), 0.3 + k, dtype=dt)).sum() for k, o in enumerate(outs))
    loss.backward()
    result = {f"out{k}": o.tolist() for k, o in enumerate(outs)}
    result["grad_x"] = x.grad.tolist()
    for name, p in m.named_parameters():
        result[f"grad_{name}"] = p.grad.tolist()
    return result


# the layer grid: every combination of layers 1-2, bidirectional, batch_first and padded,
# packed (sorted) and packed (unsorted) input, for each mode; then projections, no bias,
# no initial state
GRID = [dict(mode=mode, num_layers=layers, bidirectional=bidir, batch_first=bf, feed=feed)
        for mode in ("LSTM", "GRU", "tanh", "relu") for layers in (1, 2) for bidir in (False, True)
        for bf in (False, True) for feed in ("plain", "packed", "unsorted")]
GRID += [dict(mode="LSTM", proj_size=1),
         dict(mode="LSTM", proj_size=1, num_layers=2, bidirectional=True, feed="unsorted"),
         dict(mode="LSTM", proj_size=1, batch_first=True, feed="packed"),
         dict(mode="GRU", bias=False), dict(mode="LSTM", bias=False, h0=False),
         dict(mode="tanh", h0=False, feed="packed"), dict(mode="relu", bias=False, bidirectional=True, feed="unsorted")]
# cases recorded in full (the rest as fingerprints: see fingerprint)
FULL = [dict(mode="LSTM", num_layers=2, bidirectional=True, batch_first=True, feed="unsorted"),
        dict(mode="GRU", num_layers=2, bidirectional=True, feed="packed"),
        dict(mode="tanh", bidirectional=True, batch_first=True),
        dict(mode="LSTM", proj_size=1, num_layers=2, bidirectional=True, feed="unsorted"),
        dict(mode="LSTM", num_layers=2, bidirectional=True, dtype="float32")]
CELLS = [dict(mode=mode, bias=bias, batched=batched, state=state) for mode in ("LSTM", "GRU", "tanh", "relu")
         for bias, batched, state in ((True, True, True), (False, False, True), (True, True, False))]


def case_id(spec):
    return "-".join(f"{k}={v}" for k, v in spec.items())


def _flat(value):
    if isinstance(value, list):
        out = []
        for v in value:
            out.extend(_flat(v))
        return out
    return [value]


def fingerprint(result):
    """Per group of quantities (output, h_n, c_n, the inputs' gradients, the parameters'
    gradients): (a fixed-weight sum of its values, their sum of squares)."""
    groups = {}
    for key, value in result.items():
        group = "grad_inputs" if key.startswith("grad_input") else "grad_params" if key.startswith("grad_") else key
        groups.setdefault(group, []).extend(_flat(value))
    return {group: (sum(v * math.cos(1.7 * k + 0.2) for k, v in enumerate(flat)), sum(v * v for v in flat))
            for group, flat in groups.items()}
