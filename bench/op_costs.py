"""The per-op table (``python -m bench --only ops``): the cost of each op of the generic path
that the whole programs of the models section take, one call at a time, in µs per call.

Pure Python at import (the workers of both libraries import it); each case is written once
against PyTorch's API, ``lib`` being gradkit or torch. Shapes are those of the models
section's GPT (batch B = 32, context T = 64, width C = 128, 4 heads), and for the ops of the
from-scratch models (``@`` on raw parameters, bias adds, gates) theirs (batch 32, hidden 256):
small enough that the cost per call shows beside the kernel's. A case is

- ``fwd``: the op with inputs that require grad, so the node is recorded, never run backward;
- ``fwd+bwd``: the op, then its backward from a fixed output gradient (``autograd.backward``,
  so no extra op such as a sum is timed), then the inputs' ``.grad`` cleared;
- ``call``: an update or bookkeeping call that has no backward (under ``no_grad`` where a
  training loop runs it so).
"""
from __future__ import annotations

B, T, C, HEADS, VOCAB = 32, 64, 128, 4, 65
LR = 0.01
N_PARAMS = 20  # the optimizer rows: ten (C, C) weights and ten (C,) biases, a small model's list


def _leaf(lib, device, *shape):
    return lib.randn(*shape, device=device, requires_grad=True)


def _views(name):
    def setup(lib, device):
        x = _leaf(lib, device, B, T, C)
        return {"view": lambda: x.view(B * T, C), "reshape": lambda: x.reshape(B, T, HEADS, C // HEADS),
                "transpose": lambda: x.transpose(1, 2), "permute": lambda: x.permute(0, 2, 1),
                "unsqueeze": lambda: x.unsqueeze(1), "contiguous": lambda: x.transpose(1, 2).contiguous(),
                "slice": lambda: x[:, : T // 2], "select": lambda: x[:, -1, :], "chunk": lambda: x.chunk(HEADS, dim=-1),
                "add": lambda: x + x.detach(), "mul_scalar": lambda: x * 0.5,
                "softmax_x": lambda: lib.nn.functional.softmax(x, dim=-1),
                "log_softmax": lambda: lib.nn.functional.log_softmax(x, dim=-1),
                "gelu": lambda: lib.nn.functional.gelu(x),
                "dropout": lambda: lib.nn.functional.dropout(x, 0.1, training=True)}[name], [x]

    return setup


def _split(lib, device):
    qkv = _leaf(lib, device, B, T, 3 * C)
    return lambda: qkv.split(C, dim=2), [qkv]


def _cat(lib, device):
    parts = [_leaf(lib, device, B, T, C) for _ in range(3)]
    return lambda: lib.cat(parts, dim=-1), parts


def _stack(lib, device):
    parts = [_leaf(lib, device, B, T, C) for _ in range(2)]
    return lambda: lib.stack(parts, dim=0), parts


def _table_lookup(lib, device):
    table = _leaf(lib, device, 27, 10)  # makemore's C[Xb]
    idx = lib.randint(0, 27, (32, 3), device=device)
    return lambda: table[idx], [table]


def _pick(lib, device):
    logprobs = _leaf(lib, device, 32, 27)  # makemore's logprobs[range(n), Yb]
    rows, cols = lib.arange(32, device=device), lib.randint(0, 27, (32,), device=device)
    return lambda: logprobs[rows, cols], [logprobs]


def _scores(lib, device):
    return _leaf(lib, device, B, HEADS, T, T)


def _masked_fill(lib, device):
    att = _scores(lib, device)
    future = lib.tril(lib.ones(T, T, device=device)) == 0
    return lambda: att.masked_fill(future, float("-inf")), [att]


def _softmax(lib, device):
    att = _scores(lib, device)
    return lambda: lib.nn.functional.softmax(att, dim=-1), [att]


def _layer_norm(lib, device):
    x, w, b = _leaf(lib, device, B, T, C), _leaf(lib, device, C), _leaf(lib, device, C)
    return lambda: lib.nn.functional.layer_norm(x, (C,), w, b, 1e-5), [x, w, b]


def _embedding(lib, device):
    weight = _leaf(lib, device, VOCAB, C)
    idx = lib.randint(0, VOCAB, (B, T), device=device)
    return lambda: lib.nn.functional.embedding(idx, weight), [weight]


def _linear(lib, device):
    x, w, b = _leaf(lib, device, B, T, C), _leaf(lib, device, 3 * C, C), _leaf(lib, device, 3 * C)
    return lambda: lib.nn.functional.linear(x, w, b), [x, w, b]


def _heads(lib, device, n):
    return [_leaf(lib, device, B, HEADS, T, C // HEADS) for _ in range(n)]


def _attention_scores(lib, device):
    q, k = _heads(lib, device, 2)
    return lambda: q @ k.transpose(-2, -1), [q, k]


def _sdpa(lib, device):
    q, k, v = _heads(lib, device, 3)
    return lambda: lib.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True), [q, k, v]


def _cross_entropy(lib, device):
    logits = _leaf(lib, device, B * T, VOCAB)
    targets = lib.randint(0, VOCAB, (B * T,), device=device)
    return lambda: lib.nn.functional.cross_entropy(logits, targets), [logits]


# the from-scratch models' generic path (D2L's RNN/GRU, makemore, the raw MLP): at their sizes
SCRATCH_BATCH, SCRATCH_HIDDEN = 32, 256


def _scratch(name):
    def setup(lib, device):
        h = _leaf(lib, device, SCRATCH_BATCH, SCRATCH_HIDDEN)
        if name == "mm":
            w = _leaf(lib, device, SCRATCH_HIDDEN, SCRATCH_HIDDEN)
            return lambda: h @ w, [h, w]
        if name == "bias_add":
            b = _leaf(lib, device, SCRATCH_HIDDEN)
            return lambda: h + b, [h, b]
        if name == "one_minus":
            return lambda: 1 - h, [h]
        return {"sigmoid": lambda: lib.sigmoid(h), "tanh": lambda: lib.tanh(h)}[name], [h]

    return setup


# -- calls without a backward ---------------------------------------------------------------------
def _param_and_grad(lib, device):
    return lib.randn(4 * C, C, device=device, requires_grad=True), lib.randn(4 * C, C, device=device)


def _add_(lib, device):
    p, g = _param_and_grad(lib, device)

    def call():
        with lib.no_grad():
            p.add_(g, alpha=-LR)

    return call


def _isub(lib, device):
    p, g = _param_and_grad(lib, device)

    def call():
        nonlocal p
        with lib.no_grad():
            p -= LR * g

    return call


def _grad_set_clear(lib, device):
    p, g = _param_and_grad(lib, device)

    def call():
        p.grad = g
        p.grad = None

    return call


def _small_params(lib, device):
    params = []
    for _ in range(N_PARAMS // 2):
        params += [lib.randn(C, C, device=device, requires_grad=True), lib.randn(C, device=device, requires_grad=True)]
    grads = [lib.randn_like(p) for p in params]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    return params, grads


def _zero_grad(lib, device):
    params, grads = _small_params(lib, device)
    opt = lib.optim.SGD(params, lr=LR)

    def call():
        for p, g in zip(params, grads):
            p.grad = g
        opt.zero_grad()

    return call


def _optimizer_step(kind):
    def setup(lib, device):
        params, _ = _small_params(lib, device)
        opt = {"adamw": lambda: lib.optim.AdamW(params, lr=1e-3, weight_decay=0.1),
               "sgd": lambda: lib.optim.SGD(params, lr=LR)}[kind]()
        return opt.step

    return setup


def _clip(lib, device):
    params, _ = _small_params(lib, device)
    return lambda: lib.nn.utils.clip_grad_norm_(params, 1.0)


X = f"x {B}x{T}x{C}"
ATT = f"scores {B}x{HEADS}x{T}x{T}"
HEAD = f"q, k, v {B}x{HEADS}x{T}x{C // HEADS}"
PARAM = f"p {4 * C}x{C}"
SMALL = f"{N_PARAMS} params ({N_PARAMS // 2} of {C}x{C}, {N_PARAMS // 2} of {C})"
GRAD = ("fwd", "fwd+bwd")
CALL = ("call",)

# name -> (what the call is, on what, passes, setup). A differentiable setup returns (the op as a
# function of nothing, the leaves that require grad); a ``call`` setup returns the call.
OPS = {
    "view": ("x.view(B*T, C)", X, GRAD, _views("view")),
    "reshape": ("x.reshape(B, T, 4, C/4)", X, GRAD, _views("reshape")),
    "transpose": ("x.transpose(1, 2)", X, GRAD, _views("transpose")),
    "permute": ("x.permute(0, 2, 1)", X, GRAD, _views("permute")),
    "unsqueeze": ("x.unsqueeze(1)", X, GRAD, _views("unsqueeze")),
    "contiguous": ("x.transpose(1, 2).contiguous()", X, GRAD, _views("contiguous")),
    "split": ("qkv.split(C, dim=2)", f"qkv {B}x{T}x{3 * C}", GRAD, _split),
    "chunk": ("x.chunk(4, dim=-1)", X, GRAD, _views("chunk")),
    "cat": ("cat([a, b, c], dim=-1)", f"3 of {B}x{T}x{C}", GRAD, _cat),
    "stack": ("stack([a, b])", f"2 of {B}x{T}x{C}", GRAD, _stack),
    "slice": ("x[:, :T/2] (basic indexing)", X, GRAD, _views("slice")),
    "select": ("x[:, -1, :] (basic indexing)", X, GRAD, _views("select")),
    "table_lookup": ("C[Xb] (advanced indexing)", "C 27x10, Xb 32x3", GRAD, _table_lookup),
    "pick": ("logprobs[arange(n), Yb] (advanced indexing)", "logprobs 32x27", GRAD, _pick),
    "masked_fill": ("att.masked_fill(future, -inf)", ATT, GRAD, _masked_fill),
    "softmax": ("F.softmax(att, dim=-1)", ATT, GRAD, _softmax),
    "softmax_x": ("F.softmax(x, dim=-1)", X, GRAD, _views("softmax_x")),
    "log_softmax": ("F.log_softmax(x, dim=-1)", X, GRAD, _views("log_softmax")),
    "layer_norm": ("F.layer_norm(x, (C,), w, b)", X, GRAD, _layer_norm),
    "embedding": ("F.embedding(idx, weight)", f"idx {B}x{T}, weight {VOCAB}x{C}", GRAD, _embedding),
    "dropout": ("F.dropout(x, 0.1, training=True)", X, GRAD, _views("dropout")),
    "gelu": ("F.gelu(x)", X, GRAD, _views("gelu")),
    "linear": ("F.linear(x, w, b), C -> 3C", X, GRAD, _linear),
    "attention_scores": ("q @ k.transpose(-2, -1)", HEAD, GRAD, _attention_scores),
    "sdpa": ("F.scaled_dot_product_attention(q, k, v, is_causal=True)", HEAD, GRAD, _sdpa),
    "cross_entropy": ("F.cross_entropy(logits, targets)", f"logits {B * T}x{VOCAB}", GRAD, _cross_entropy),
    "add": ("x + y", X, GRAD, _views("add")),
    "mul_scalar": ("x * 0.5", X, GRAD, _views("mul_scalar")),
    "mm_small": ("H @ W_hh (raw parameter)", f"H {SCRATCH_BATCH}x{SCRATCH_HIDDEN}, W {SCRATCH_HIDDEN}x{SCRATCH_HIDDEN}",
                 GRAD, _scratch("mm")),
    "bias_add": ("h + b (bias broadcast)", f"h {SCRATCH_BATCH}x{SCRATCH_HIDDEN}, b {SCRATCH_HIDDEN}", GRAD,
                 _scratch("bias_add")),
    "sigmoid_small": ("torch.sigmoid(h)", f"h {SCRATCH_BATCH}x{SCRATCH_HIDDEN}", GRAD, _scratch("sigmoid")),
    "tanh_small": ("torch.tanh(h)", f"h {SCRATCH_BATCH}x{SCRATCH_HIDDEN}", GRAD, _scratch("tanh")),
    "one_minus": ("1 - z", f"z {SCRATCH_BATCH}x{SCRATCH_HIDDEN}", GRAD, _scratch("one_minus")),
    "add_": ("p.add_(g, alpha=-lr) under no_grad", PARAM, CALL, _add_),
    "isub": ("p -= lr * g under no_grad", PARAM, CALL, _isub),
    "grad_set_clear": ("p.grad = g; p.grad = None", PARAM, CALL, _grad_set_clear),
    "zero_grad": ("set 20 .grad, then optimizer.zero_grad()", SMALL, CALL, _zero_grad),
    "sgd_step": ("SGD(lr).step()", SMALL, CALL, _optimizer_step("sgd")),
    "adamw_step": ("AdamW(weight_decay=0.1).step()", SMALL, CALL, _optimizer_step("adamw")),
    "clip_grad_norm": ("clip_grad_norm_(params, 1.0)", SMALL, CALL, _clip),
}


def keys():
    """The timed cases, in run order: ``ops.<name>:<pass>``."""
    return [f"ops.{name}:{p}" for name, (_, _, passes, _) in OPS.items() for p in passes]


def split_key(key):
    name, kind = key[len("ops."):].split(":")
    return name, kind


def op_case(lib, device, key):
    """The call to time for one case (``key`` from ``keys()``)."""
    name, kind = split_key(key)
    setup = OPS[name][3]
    if kind == "call":
        return setup(lib, device)
    op, leaves = setup(lib, device)
    if kind == "fwd":
        return op
    first = op()
    outputs = list(first) if isinstance(first, (tuple, list)) else [first]
    grads = [lib.randn_like(out) for out in outputs]

    def forward_backward():
        out = op()
        lib.autograd.backward(list(out) if isinstance(out, (tuple, list)) else [out], grads)
        for leaf in leaves:
            leaf.grad = None

    return forward_backward
