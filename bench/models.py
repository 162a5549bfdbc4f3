"""The whole programs of the models section, written once against PyTorch's API (``lib`` is
gradkit or torch, as in ``bench.torchlike``): small models as their authors write them, each
returning the training step to time. Sizes come from ``bench.workloads``; every builder takes
``sizes`` to override them (the tests run each model at tiny sizes)."""
from __future__ import annotations

import math

from . import workloads as W
from .torchlike import _char_batch, _clipped_sgd_step


def _sizes(default, override):
    return dict(default, **(override or {}))


# -- nanoGPT ----------------------------------------------------------------------------------------
def nanogpt(lib, s):
    """Karpathy's nanoGPT model.py: its own LayerNorm (optional bias, F.layer_norm), a causal
    self-attention with one fused qkv Linear, split, view/transpose and
    F.scaled_dot_product_attention(is_causal=True), a GELU MLP, pre-norm blocks, the token
    embedding tied to the head, dropout layers at 0.0 and its weight initialisation."""
    nn, F = lib.nn, lib.nn.functional

    class LayerNorm(nn.Module):
        def __init__(self, ndim, bias):
            super().__init__()
            self.weight = nn.Parameter(lib.ones(ndim))
            self.bias = nn.Parameter(lib.zeros(ndim)) if bias else None

        def forward(self, x):
            return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(s["width"], 3 * s["width"])
            self.c_proj = nn.Linear(s["width"], s["width"])
            self.attn_dropout = nn.Dropout(s["dropout"])
            self.resid_dropout = nn.Dropout(s["dropout"])
            self.n_head, self.n_embd, self.dropout = s["heads"], s["width"], s["dropout"]

        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
            k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
            q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
            v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=None,
                                               dropout_p=self.dropout if self.training else 0, is_causal=True)
            y = y.transpose(1, 2).contiguous().view(B, T, C)
            return self.resid_dropout(self.c_proj(y))

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_fc = nn.Linear(s["width"], 4 * s["width"])
            self.gelu = nn.GELU()
            self.c_proj = nn.Linear(4 * s["width"], s["width"])
            self.dropout = nn.Dropout(s["dropout"])

        def forward(self, x):
            return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = LayerNorm(s["width"], bias=True)
            self.attn = CausalSelfAttention()
            self.ln_2 = LayerNorm(s["width"], bias=True)
            self.mlp = MLP()

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = nn.ModuleDict(dict(
                wte=nn.Embedding(s["vocab"], s["width"]), wpe=nn.Embedding(s["context"], s["width"]),
                drop=nn.Dropout(s["dropout"]), h=nn.ModuleList([Block() for _ in range(s["layers"])]),
                ln_f=LayerNorm(s["width"], bias=True)))
            self.lm_head = nn.Linear(s["width"], s["vocab"], bias=False)
            self.transformer.wte.weight = self.lm_head.weight  # weight tying
            self.apply(self._init_weights)
            for pn, p in self.named_parameters():
                if pn.endswith("c_proj.weight"):
                    nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * s["layers"]))

        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)

        def forward(self, idx, targets):
            b, t = idx.size()
            pos = lib.arange(0, t, dtype=lib.long, device=idx.device)
            x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
            for block in self.transformer.h:
                x = block(x)
            logits = self.lm_head(self.transformer.ln_f(x))
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
            return logits, loss

        def configure_optimizers(self, weight_decay, learning_rate, betas):
            params = {pn: p for pn, p in self.named_parameters() if p.requires_grad}
            groups = [{"params": [p for p in params.values() if p.dim() >= 2], "weight_decay": weight_decay},
                      {"params": [p for p in params.values() if p.dim() < 2], "weight_decay": 0.0}]
            return lib.optim.AdamW(groups, lr=learning_rate, betas=betas)

    return GPT()


def nanogpt_step_fn(lib, device, sizes=None):
    """nanoGPT's train.py step (one micro-step, no scaler): forward, backward, clip to norm
    1.0, AdamW step (weight decay 0.1 on the 2-D parameters only), zero_grad(set_to_none)."""
    s = _sizes(W.NANOGPT, sizes)
    lib.manual_seed(0)
    model = nanogpt(lib, s).to(device)
    optimizer = model.configure_optimizers(0.1, 6e-4, (0.9, 0.95))
    data = lib.randint(0, s["vocab"], (s["batch"], s["context"] + 1), device=device)
    X, Y = data[:, :-1].contiguous(), data[:, 1:].contiguous()

    def step():
        logits, loss = model(X, Y)
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    return step


# -- makemore's character MLP -------------------------------------------------------------------
def char_mlp_step_fn(lib, device, sizes=None):
    """makemore part 2/3 (Bengio et al. 2003): an embedding table C indexed by the context,
    flattened with view, a tanh hidden layer, cross-entropy, and a manual SGD update of the
    parameter list through ``p.data``; the minibatch is drawn each step from a fixed set of
    (context, next character) pairs, as makemore draws it from its training split."""
    s = _sizes(W.CHAR_MLP, sizes)
    F = lib.nn.functional
    g = lib.Generator(device=device).manual_seed(2147483647)
    n_in = s["context"] * s["embed"]
    C = lib.randn((s["vocab"], s["embed"]), generator=g, device=device)
    W1 = lib.randn((n_in, s["hidden"]), generator=g, device=device) * (5 / 3) / n_in ** 0.5
    b1 = lib.randn(s["hidden"], generator=g, device=device) * 0.01
    W2 = lib.randn((s["hidden"], s["vocab"]), generator=g, device=device) * 0.01
    b2 = lib.randn(s["vocab"], generator=g, device=device) * 0
    parameters = [C, W1, b1, W2, b2]
    for p in parameters:
        p.requires_grad = True
    Xtr = lib.randint(0, s["vocab"], (s["examples"], s["context"]), generator=g, device=device)
    Ytr = lib.randint(0, s["vocab"], (s["examples"],), generator=g, device=device)

    def step():
        ix = lib.randint(0, Xtr.shape[0], (s["batch"],), generator=g, device=device)
        Xb, Yb = Xtr[ix], Ytr[ix]
        emb = C[Xb]
        h = lib.tanh(emb.view(emb.shape[0], -1) @ W1 + b1)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Yb)
        for p in parameters:
            p.grad = None
        loss.backward()
        for p in parameters:
            p.data += -s["lr"] * p.grad
        return loss

    return step


# -- bag of words -----------------------------------------------------------------------------------
def bow_step_fn(lib, device, sizes=None):
    """PyTorch's text-classification tutorial: nn.EmbeddingBag (mean of each bag, the bags
    given as one flat token tensor and offsets) and a linear layer, cross-entropy, gradient
    clipping to 0.1 and SGD lr 5; bag lengths vary as sentences do."""
    s = _sizes(W.BOW, sizes)
    nn = lib.nn
    lib.manual_seed(0)

    class TextClassificationModel(nn.Module):
        def __init__(self, vocab_size, embed_dim, num_class):
            super().__init__()
            self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
            self.fc = nn.Linear(embed_dim, num_class)
            self.embedding.weight.data.uniform_(-0.5, 0.5)
            self.fc.weight.data.uniform_(-0.5, 0.5)
            self.fc.bias.data.zero_()

        def forward(self, text, offsets):
            return self.fc(self.embedding(text, offsets))

    model = TextClassificationModel(s["vocab"], s["embed"], s["classes"]).to(device)
    lengths = lib.randint(s["min_len"], s["max_len"] + 1, (s["batch"],))
    offsets = lib.cat([lib.zeros(1, dtype=lib.long), lengths[:-1].cumsum(0)]).to(device)
    text = lib.randint(0, s["vocab"], (int(lengths.sum()),), device=device)
    label = lib.randint(0, s["classes"], (s["batch"],), device=device)
    criterion = nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=5)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(text, offsets), label)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        return loss

    return step


# -- VAE --------------------------------------------------------------------------------------------
def vae_step_fn(lib, device, sizes=None):
    """pytorch/examples' VAE on 784-dim inputs: fc1 -> (fc21, fc22), the reparameterisation
    with randn_like, fc3 -> fc4 with a sigmoid, BCE (sum) + KL divergence, Adam lr 1e-3."""
    s = _sizes(W.VAE, sizes)
    nn, F = lib.nn, lib.nn.functional
    lib.manual_seed(0)

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(s["inputs"], s["hidden"])
            self.fc21 = nn.Linear(s["hidden"], s["latent"])
            self.fc22 = nn.Linear(s["hidden"], s["latent"])
            self.fc3 = nn.Linear(s["latent"], s["hidden"])
            self.fc4 = nn.Linear(s["hidden"], s["inputs"])

        def encode(self, x):
            h1 = F.relu(self.fc1(x))
            return self.fc21(h1), self.fc22(h1)

        def reparameterize(self, mu, logvar):
            std = lib.exp(0.5 * logvar)
            eps = lib.randn_like(std)
            return mu + eps * std

        def decode(self, z):
            h3 = F.relu(self.fc3(z))
            return lib.sigmoid(self.fc4(h3))

        def forward(self, x):
            mu, logvar = self.encode(x.view(-1, s["inputs"]))
            z = self.reparameterize(mu, logvar)
            return self.decode(z), mu, logvar

    def loss_function(recon_x, x, mu, logvar):
        BCE = F.binary_cross_entropy(recon_x, x.view(-1, s["inputs"]), reduction="sum")
        KLD = -0.5 * lib.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return BCE + KLD

    model = VAE().to(device)
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    data = lib.rand(s["batch"], 1, 28, 28, device=device)

    def step():
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        optimizer.step()
        return loss

    return step


# -- D2L's RNN and GRU from scratch -------------------------------------------------------------------
def _recurrent_step_fn(lib, device, sizes, gates, cell):
    """D2L's from-scratch language models (sections 8.5 and 9.1): parameters as plain tensors
    (``gates`` triples of W_x, W_h, b, then the output layer), the cell run one time step at
    a time over one-hot inputs, every step's output concatenated, cross-entropy, clipping to
    norm 1 and SGD lr 1 (``torchlike._clipped_sgd_step``, which the LSTM rows share)."""
    s = _sizes(W.LSTM, sizes)
    lib.manual_seed(0)
    v, h = s["vocab"], s["hidden"]

    def normal(*shape):
        return (lib.randn(*shape, device=device) * 0.01).requires_grad_()

    def zeros(n):
        return lib.zeros(n, device=device, requires_grad=True)

    params = [p for _ in range(gates) for p in (normal(v, h), normal(h, h), zeros(h))]
    params += [normal(h, v), zeros(v)]
    X, y = _char_batch(lib, device, s)
    loss_fn = lib.nn.CrossEntropyLoss()

    def loss():
        H = lib.zeros(s["batch"], h, device=device)
        outputs = []
        for x in X:
            H = cell(lib, x, H, params)
            outputs.append(lib.mm(H, params[-2]) + params[-1])
        return loss_fn(lib.cat(outputs, dim=0), y)

    return _clipped_sgd_step(lib, params, loss)


def _rnn_cell(lib, X, H, params):
    W_xh, W_hh, b_h = params[:3]
    return lib.tanh(lib.mm(X, W_xh) + lib.mm(H, W_hh) + b_h)


def _gru_cell(lib, X, H, params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h = params[:9]
    Z = lib.sigmoid((X @ W_xz) + (H @ W_hz) + b_z)
    R = lib.sigmoid((X @ W_xr) + (H @ W_hr) + b_r)
    H_tilda = lib.tanh((X @ W_xh) + ((R * H) @ W_hh) + b_h)
    return Z * H + (1 - Z) * H_tilda


def rnn_scratch_step_fn(lib, device, sizes=None):
    return _recurrent_step_fn(lib, device, sizes, 1, _rnn_cell)


def gru_scratch_step_fn(lib, device, sizes=None):
    return _recurrent_step_fn(lib, device, sizes, 3, _gru_cell)


# -- the MLP on raw parameters ------------------------------------------------------------------------
def raw_mlp(lib, device, dims=W.MLP_DIMS):
    """The 784-256-256-10 MLP as plain tensors, weights stored (in, out) as D2L's from-scratch
    MLP stores them, initialised as nn.Linear initialises (uniform within 1/sqrt(fan_in))."""
    params = []
    for n_in, n_out in zip(dims[:-1], dims[1:]):
        bound = 1.0 / math.sqrt(n_in)
        params += [(lib.rand(n_in, n_out, device=device) * (2 * bound) - bound).requires_grad_(),
                   (lib.rand(n_out, device=device) * (2 * bound) - bound).requires_grad_()]
    return params


def raw_mlp_step(lib, params, X, y, lr=W.LR):
    """Forward with ``@`` and relu, cross-entropy, backward, then the hand-written update:
    ``p -= lr * p.grad; p.grad = None`` under no_grad."""
    W1, b1, W2, b2, W3, b3 = params
    h = lib.relu(X @ W1 + b1)
    h = lib.relu(h @ W2 + b2)
    loss = lib.nn.functional.cross_entropy(h @ W3 + b3, y)
    loss.backward()
    with lib.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    return loss


def raw_mlp_step_fn(lib, device, batch):
    lib.manual_seed(0)
    params = raw_mlp(lib, device)
    X = lib.randn(batch, W.MLP_DIMS[0], device=device)
    y = lib.randint(0, W.MLP_DIMS[-1], (batch,), device=device)
    return lambda: raw_mlp_step(lib, params, X, y)


BUILDERS = (("nanogpt_step", nanogpt_step_fn), ("char_mlp_step", char_mlp_step_fn), ("bow_step", bow_step_fn),
            ("vae_step", vae_step_fn), ("rnn_scratch_step", rnn_scratch_step_fn),
            ("gru_scratch_step", gru_scratch_step_fn), ("raw_mlp_step", raw_mlp_step_fn))
