"""The workloads written once against PyTorch's API: the timed ones and the one-shot digits
training and memory runs. ``lib`` is the library module: gradkit in gradkit's worker, torch
in PyTorch's (which imports no gradkit), so both run exactly the same code."""
from __future__ import annotations

import functools
import time

from . import memory, workloads as W
from .stats import summarize


# -- engine overhead -----------------------------------------------------------------------
def one_op(lib, device):
    a = lib.randn(*W.OP_SHAPE, device=device, requires_grad=True)
    b = lib.randn(*W.OP_SHAPE, device=device)

    def run():
        a * b

    return run


def chain(lib, device):
    w = lib.randn(*W.OP_SHAPE, device=device) * 0.1 + 1.0
    c = lib.randn(*W.OP_SHAPE, device=device) * 0.1
    x = lib.randn(*W.OP_SHAPE, device=device, requires_grad=True)
    names = W.chain_ops()

    def run():
        y = x
        for name in names:
            if name == "mul":
                y = y * w
            elif name == "add":
                y = y + c
            elif name == "tanh":
                y = y.tanh()
            else:
                y = y * 0.5
        y.sum().backward()
        x.grad = None

    return run


# -- training steps -----------------------------------------------------------------------
def make_mlp(lib, device, dims=W.MLP_DIMS):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(dims[:-1], dims[1:])):
        if i:
            layers.append(lib.nn.ReLU())
        layers.append(lib.nn.Linear(n_in, n_out))
    return lib.nn.Sequential(*layers).to(device)


def step_fn(lib, net, X, y):
    opt = lib.optim.SGD(net.parameters(), lr=W.LR)
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        loss = loss_fn(net(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return step


def mlp_step_fn(lib, device, batch):
    lib.manual_seed(0)
    return step_fn(lib, make_mlp(lib, device), lib.randn(batch, W.MLP_DIMS[0], device=device),
                   lib.randint(0, W.MLP_DIMS[-1], (batch,), device=device))


def lenet(lib):
    """D2L's LeNet (section 7.6), sigmoids and average pooling as the book has them."""
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
                         nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
                         nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(),
                         nn.Linear(84, 10))


def lenet_step_fn(lib, device):
    lib.manual_seed(0)
    return step_fn(lib, lenet(lib).to(device), lib.randn(W.LENET_BATCH, 1, 28, 28, device=device),
                   lib.randint(0, 10, (W.LENET_BATCH,), device=device))


def resnet18(lib, num_classes=10):
    """torchvision's ResNet-18, written out here so that every library runs the same model
    without torchvision (its layers, strides and names)."""
    nn = lib.nn

    class BasicBlock(nn.Module):
        def __init__(self, c_in, c_out, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(c_out)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(c_out)
            self.downsample = None
            if stride != 1 or c_in != c_out:
                self.downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + identity)

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
    c_in = 64
    for c_out, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [BasicBlock(c_in, c_out, stride), BasicBlock(c_out, c_out, 1)]
        c_in = c_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, num_classes)]
    return nn.Sequential(*layers)


def resnet18_step_fn(lib, device):
    lib.manual_seed(0)
    return step_fn(lib, resnet18(lib).to(device), lib.randn(W.RESNET_BATCH, 3, 32, 32, device=device),
                   lib.randint(0, 10, (W.RESNET_BATCH,), device=device))


def _char_batch(lib, device, sizes=W.LSTM):
    """A fixed minibatch of the character model: one-hot inputs (steps, batch, vocab), as D2L
    feeds them, and the next-character targets (steps * batch,)."""
    v, b, n = sizes["vocab"], sizes["batch"], sizes["steps"]
    tokens = lib.randint(0, v, (b, n + 1), device=device)
    X = lib.nn.functional.one_hot(tokens[:, :-1].T, v).float()
    return X, tokens[:, 1:].T.reshape(-1)


def _clipped_sgd_step(lib, params, loss_fn):
    def step():
        loss = loss_fn()
        for p in params:
            p.grad = None
        loss.backward()
        lib.nn.utils.clip_grad_norm_(params, 1.0)
        with lib.no_grad():
            for p in params:
                p -= p.grad  # lr 1, as the book trains its language models
        return loss

    return step


def lstm_step_fn(lib, device):
    lib.manual_seed(0)
    nn = lib.nn
    rnn = nn.LSTM(W.LSTM["vocab"], W.LSTM["hidden"]).to(device)
    head = nn.Linear(W.LSTM["hidden"], W.LSTM["vocab"]).to(device)
    X, y = _char_batch(lib, device)
    loss_fn = nn.CrossEntropyLoss()

    def loss():
        out, _ = rnn(X)
        return loss_fn(head(out.reshape(-1, out.shape[-1])), y)

    return _clipped_sgd_step(lib, list(rnn.parameters()) + list(head.parameters()), loss)


def lstm_scratch_step_fn(lib, device):
    """D2L's LSTM from scratch: twelve gate parameters plus the output layer, a Python loop
    over the time steps."""
    lib.manual_seed(0)
    v, h = W.LSTM["vocab"], W.LSTM["hidden"]

    def normal(*shape):
        return (lib.randn(*shape, device=device) * 0.01).requires_grad_()

    def gate():
        return normal(v, h), normal(h, h), lib.zeros(h, device=device, requires_grad=True)

    (W_xi, W_hi, b_i), (W_xf, W_hf, b_f), (W_xo, W_ho, b_o), (W_xc, W_hc, b_c) = gate(), gate(), gate(), gate()
    W_hq, b_q = normal(h, v), lib.zeros(v, device=device, requires_grad=True)
    params = [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q]
    X, y = _char_batch(lib, device)
    loss_fn = lib.nn.CrossEntropyLoss()

    def loss():
        H = lib.zeros(W.LSTM["batch"], h, device=device)
        C = lib.zeros(W.LSTM["batch"], h, device=device)
        outputs = []
        for x in X:
            I = lib.sigmoid(x @ W_xi + H @ W_hi + b_i)  # noqa: E741  (the book's names)
            F = lib.sigmoid(x @ W_xf + H @ W_hf + b_f)
            O = lib.sigmoid(x @ W_xo + H @ W_ho + b_o)
            C_tilda = lib.tanh(x @ W_xc + H @ W_hc + b_c)
            C = F * C + I * C_tilda
            H = O * lib.tanh(C)
            outputs.append(H @ W_hq + b_q)
        return loss_fn(lib.cat(outputs, dim=0), y)

    return _clipped_sgd_step(lib, params, loss)


def gpt(lib):
    """A small GPT written with PyTorch's own layers: embeddings, pre-norm Transformer encoder
    layers under a causal mask (decoder-only), a final norm and a linear head."""
    nn, g = lib.nn, W.GPT

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(g["vocab"], g["width"])
            self.pos = nn.Embedding(g["context"], g["width"])
            layer = nn.TransformerEncoderLayer(g["width"], g["heads"], 4 * g["width"], dropout=0.0,
                                               activation="gelu", batch_first=True, norm_first=True)
            self.blocks = nn.TransformerEncoder(layer, g["layers"], enable_nested_tensor=False)
            self.norm = nn.LayerNorm(g["width"])
            self.head = nn.Linear(g["width"], g["vocab"])

        def forward(self, idx):
            t = idx.shape[1]
            x = self.tok(idx) + self.pos(lib.arange(t, device=idx.device))
            mask = nn.Transformer.generate_square_subsequent_mask(t, device=idx.device)
            return self.head(self.norm(self.blocks(x, mask=mask, is_causal=True)))

    return GPT()


def gpt_step_fn(lib, device):
    lib.manual_seed(0)
    g = W.GPT
    net = gpt(lib).to(device)
    tokens = lib.randint(0, g["vocab"], (g["batch"], g["context"] + 1), device=device)
    X, y = tokens[:, :-1], tokens[:, 1:].reshape(-1)
    opt = lib.optim.AdamW(net.parameters(), lr=3e-4)
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        loss = loss_fn(net(X).reshape(-1, g["vocab"]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return step


# -- one-shot sections ---------------------------------------------------------------------
def digits_run(lib, device, cfg, train, test, sync):
    """The digits MLP trained for ``cfg['digits_epochs']`` epochs on the ``train`` loader, then
    scored on ``test``: test accuracy and training samples/s per epoch. ``sync(device)``
    waits for the device before each clock reading."""
    nn, d = lib.nn, W.DIGITS
    net = nn.Sequential(nn.Flatten(), nn.Linear(64, d["hidden"]), nn.ReLU(), nn.Dropout(d["dropout"]),
                        nn.Linear(d["hidden"], d["hidden"]), nn.ReLU(), nn.Dropout(d["dropout"]),
                        nn.Linear(d["hidden"], 10)).to(device)
    decay = [p for name, p in net.named_parameters() if name.endswith("weight")]
    rest = [p for name, p in net.named_parameters() if not name.endswith("weight")]
    opt = lib.optim.SGD([{"params": decay, "weight_decay": d["weight_decay"]}, {"params": rest}], lr=d["lr"],
                        momentum=d["momentum"])
    loss_fn = nn.CrossEntropyLoss()
    epoch_rates = []
    now = time.process_time if device == "cpu" and cfg.get("cpu_clock") == "process" else time.perf_counter
    for _ in range(cfg["digits_epochs"]):
        net.train()
        seen = 0
        sync(device)
        start = now()
        for X, y in train:
            loss = loss_fn(net(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += y.shape[0]
        sync(device)
        epoch_rates.append(seen / (now() - start))
    net.eval()
    correct = total = 0
    with lib.no_grad():
        for X, y in test:
            correct += int((net(X).argmax(dim=1) == y).sum())
            total += y.shape[0]
    return {"digits.accuracy": summarize([100.0 * correct / total], "%"),
            "digits.throughput": summarize(epoch_rates, "samples/s")}


def memory_run(lib, device, traced):
    """Peak memory of the memory section's training run: the MLP built, then trained for
    ``W.MEMORY_STEPS`` steps on one batch made beforehand (see ``bench.memory``)."""
    lib.manual_seed(0)
    X = lib.randn(W.MEMORY_BATCH, W.MLP_DIMS[0], device=device)
    y = lib.randint(0, W.MLP_DIMS[-1], (W.MEMORY_BATCH,), device=device)
    # gradkit loads nn and optim on first use: loaded here, so the trace holds training, not imports
    lib.nn.Linear, lib.optim.SGD  # noqa: B018

    def train():
        step = step_fn(lib, make_mlp(lib, device), X, y)
        for _ in range(W.MEMORY_STEPS):
            loss = step()
        return loss.item()

    return memory.profile(train, traced=traced)


def resnet_memory_run(lib, device):
    """Peak RSS of building the ResNet-18 and training it a few steps (a fresh process; RSS,
    not tracemalloc, so that PyTorch's allocations count too)."""
    lib.manual_seed(0)
    X = lib.randn(W.RESNET_BATCH, 3, 32, 32, device=device)
    y = lib.randint(0, 10, (W.RESNET_BATCH,), device=device)

    def train():
        step = step_fn(lib, resnet18(lib).to(device), X, y)
        for _ in range(W.RESNET_MEMORY_STEPS):
            loss = step()
        return loss.item()

    return {"memory.resnet_rss": memory.profile(train, traced=False)["memory.rss"]}


# -- sweeps (inputs do not require grad) ------------------------------------------------------
def matmul(lib, device, n):
    a, b = lib.randn(n, n, device=device), lib.randn(n, n, device=device)
    return lambda: a @ b


def elementwise(lib, device, n):
    x = lib.randn(n, device=device)
    return lambda: (x * 2.0 + 1.0).relu()


def conv2d(lib, device, channels):
    size = W.CONV_SWEEP[channels]
    x = lib.randn(W.CONV_BATCH, channels, size, size, device=device)
    w = lib.randn(channels, channels, 3, 3, device=device) * 0.05
    conv = lib.nn.functional.conv2d
    return lambda: conv(x, w, padding=1)


def builders(lib):
    """``BUILDERS`` for a worker: each ``builder(device, *args)`` returns the call to time."""
    from . import models, op_costs

    return {name: functools.partial(fn, lib) for name, fn in (
        ("one_op", one_op), ("chain", chain), ("mlp_step", mlp_step_fn), ("lenet_step", lenet_step_fn),
        ("resnet18_step", resnet18_step_fn), ("lstm_step", lstm_step_fn), ("lstm_scratch_step", lstm_scratch_step_fn),
        ("gpt_step", gpt_step_fn), ("matmul", matmul), ("elementwise", elementwise), ("conv2d", conv2d),
        *models.BUILDERS, ("op", op_costs.op_case))}
