"""What is measured: the workloads every library runs the same way, and the size caps.

Pure Python; the library modules (``lib_gradkit``, ``lib_numpy``, ``lib_torch``) implement
each workload with their own arrays.

- overhead.op: ``a * b`` on 10x10 float32 tensors, ``a`` requiring grad (forward only: the
  node is recorded, never run backward), in µs per op.
- overhead.chain: 100 ops on a 10x10 tensor that requires grad, cycling ``* w``, ``+ b``,
  ``tanh``, ``* 0.5`` (w, b constant 10x10 tensors), then ``.sum().backward()``; the whole
  forward+backward time divided by 100, in µs per op. The NumPy column is the same chain
  and its hand-written backward on raw arrays: what an engine cannot go below.
- step.mlpB: one training step of a 784-256-256-10 MLP (ReLU, cross-entropy, SGD lr 0.01,
  no momentum) on a fixed synthetic batch of B: forward, loss, zero_grad, backward, step.
  The NumPy/CuPy column is the same step written by hand on raw arrays.
- step.lenet256: the book's LeNet (conv 1->6 5x5 pad 2, sigmoid, 2x2 average pooling,
  conv 6->16 5x5, sigmoid, pooling, linear 400-120-84-10 with sigmoids) on 1x28x28, batch
  256, cross-entropy and SGD as above.
- step.resnet18: torchvision's ResNet-18 (7x7 stride-2 stem, 3x3 max pooling, four stages
  of two basic blocks, batch normalisation in training mode, 10 classes) on 3x32x32, batch 32.
- step.lstm / step.lstm_scratch: a character language model's training step as D2L writes
  it (vocab 28 one-hot, hidden 256, batch 32, 35 time steps, a linear output layer,
  cross-entropy over every step, gradient clipping to norm 1, SGD lr 1): with ``nn.LSTM``, and
  with the book's from-scratch LSTM (its gates written with tensor ops, one time step at a
  time).
- step.gpt: a small GPT's training step (token and position embeddings, 2 pre-norm
  ``TransformerEncoderLayer``s with GELU and a causal mask, 4 heads, width 128, context 64,
  a linear head over a 65-character vocabulary) at batch 32, cross-entropy, AdamW.
- models.* (the models section, ``bench.models``): whole training steps of small models as
  their authors write them, one program for both libraries:
- models.nanogpt: nanoGPT's GPT (2 layers, 4 heads, width 128, context 64, batch 32, vocab
  65): its own causal self-attention (fused qkv Linear, split, view/transpose,
  scaled_dot_product_attention with is_causal=True), GELU MLP, its LayerNorm, the token
  embedding tied to the head, dropout 0.0; AdamW with weight decay on the 2-D parameters
  only, clip_grad_norm_(1.0), zero_grad(set_to_none=True).
- models.char_mlp: makemore part 2/3's character MLP: a 27x10 table C indexed by a context
  of 3, tanh hidden layer of 200, F.cross_entropy, batch 32 drawn each step from 4,096 fixed
  examples, the manual SGD update ``p.data += -lr * p.grad`` over the parameter list.
- models.bow: PyTorch's text-classification tutorial: nn.EmbeddingBag (vocab 5,000, 64
  dims, bags of 20-60 tokens given by offsets) and a linear layer to 4 classes, batch 64,
  cross-entropy, clip_grad_norm_(0.1), SGD lr 5.
- models.vae: pytorch/examples' VAE on 784-dim inputs (400 hidden, 20 latent,
  reparameterisation with randn_like, BCE (sum) + KL), Adam lr 1e-3, batch 128.
- models.rnn_scratch / models.gru_scratch: D2L's from-scratch RNN and GRU language models,
  the sizes of step.lstm_scratch (vocab 28 one-hot, hidden 256, batch 32, 35 steps),
  cross-entropy, clipping to norm 1, SGD lr 1.
- models.raw_mlp16: the 784-256-256-10 MLP at batch 16 on raw parameters (weights stored
  (in, out)), ``@`` and relu, F.cross_entropy, and the hand-written update
  ``p -= lr * p.grad; p.grad = None`` under no_grad (lr 0.01). The NumPy column is the
  hand-written step of step.mlp16 (the same arithmetic). The module + optimizer MLP of
  step.mlp16 is the section's last row (measured once when both sections run).
- models.raw_mlp16_arith (NumPy only): that program's own arithmetic written in NumPy with no
  library around it ((in, out) weights; the update ``p -= lr * p.grad`` as a scaled temporary
  and a subtraction, where step.mlp16's limit makes one axpy): what the program costs before
  any library overhead, beside the limit that models.raw_mlp16 is held to.
- ops.<op>:<pass> (the ops section, ``bench.op_costs``): µs per call of each op of the generic
  path at the GPT's shapes, forward (node recorded), forward+backward, or an update call.
- sweep.conv2d: a 3x3 convolution, C -> C channels, padding 1, forward only, batch 16, at
  ResNet-like pairs of channels and image size (``CONV_SWEEP``); GFLOP/s = 2 N C^2 9 H W / t.
- memory.resnet_rss (CPU): peak RSS of a fresh process that builds the ResNet-18 and trains
  it for a few steps at batch 32 (every library, PyTorch included, in its own process).
- digits: the MLP of examples/mlp.py (64-256-256-10, ReLU, dropout 0.2) trained on the
  embedded UCI digits (1,438 train / 359 test), batch 32, SGD lr 0.1 momentum 0.9,
  weight decay 1e-4 on the weights; test accuracy and training samples/s.
- sweep.matmul: ``a @ b`` on n x n float32, GFLOP/s = 2 n^3 / t.
- sweep.elementwise: ``relu(x * 2 + 1)`` (three ops) on N float32 elements, GB/s counted
  as 3 ops x (4 bytes read + 4 written) per element = 24 N / t. Sweep inputs do not
  require grad: the sweeps measure the op, the overhead rows measure the engine.
- memory (CPU): a fresh process makes the batch, then builds the 784-256-256-10 MLP and
  trains 20 steps at batch 128; peak traced allocations over model building + training
  (tracemalloc, started after imports and after the batch is made: the target uses this)
  and the process's peak RSS (see ``bench.memory``).
"""
from __future__ import annotations

MLP_DIMS = (784, 256, 256, 10)
BATCHES = (16, 128, 1024)
LR = 0.01
CHAIN_LEN = 100
OP_SHAPE = (10, 10)
LENET_BATCH = 256
RESNET_BATCH = 32
RESNET_MEMORY_STEPS = 3
LSTM = {"vocab": 28, "hidden": 256, "batch": 32, "steps": 35}
GPT = {"vocab": 65, "width": 128, "heads": 4, "layers": 2, "context": 64, "batch": 32}
NANOGPT = dict(GPT, dropout=0.0)
CHAR_MLP = {"vocab": 27, "embed": 10, "context": 3, "hidden": 200, "batch": 32, "examples": 4096, "lr": 0.1}
BOW = {"vocab": 5000, "embed": 64, "classes": 4, "batch": 64, "min_len": 20, "max_len": 60}
VAE = {"inputs": 784, "hidden": 400, "latent": 20, "batch": 128}
RAW_MLP_BATCH = 16
# sweep.conv2d: channels -> image size (square), as the stages of a ResNet pair them
CONV_SWEEP = {16: 64, 32: 32, 64: 32, 128: 16, 256: 8, 512: 4}
CONV_BATCH = 16
MEMORY_BATCH = 128
MEMORY_STEPS = 20

DIGITS = {"batch": 32, "lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4, "dropout": 0.2, "hidden": 256}

MATMUL_SIZES = (64, 128, 256, 512, 1024, 2048, 4096)
ELEMENTWISE_SIZES = tuple(10 ** k for k in range(3, 9))

# CPU caps (2 cores, 24 GiB): n = 4096 is ~137 GFLOP (about 1-2 s per matmul on two cores)
# and 1e8 elements are 400 MB per array (~1.2 GB live in the chain); --quick stops a decade
# earlier. GPUs run every size.
CPU_CAPS = {"quick": {"matmul": 1024, "elementwise": 10 ** 7}, "full": {"matmul": 4096, "elementwise": 10 ** 8}}


def sweep_sizes(kind, device_type, quick):
    sizes = MATMUL_SIZES if kind == "matmul" else ELEMENTWISE_SIZES
    if device_type != "cpu":
        return list(sizes)
    cap = CPU_CAPS["quick" if quick else "full"][kind]
    return [s for s in sizes if s <= cap]


def matmul_flops(n):
    return 2.0 * n ** 3


def elementwise_bytes(n):
    return 24.0 * n


def conv2d_flops(channels):
    size = CONV_SWEEP[channels]
    return 2.0 * CONV_BATCH * channels * channels * 9 * size * size


MODELS = ("nanogpt", "char_mlp", "bow", "vae", "rnn_scratch", "gru_scratch")

US_PER_OP = ("scale", 1e6, "µs/op")
US_PER_CHAIN_OP = ("scale", 1e6 / CHAIN_LEN, "µs/op")
MS_PER_STEP = ("scale", 1e3, "ms/step")

TIMED_SECTIONS = ("overhead", "step", "models", "ops", "sweep")   # repeated blocks, interleaved across libraries
ONE_SHOT_SECTIONS = ("digits", "memory")          # one run per library (memory: in a fresh process)


def case_list(cfg, sections):
    """Every timed measurement of the sections, in run order: (key, builder, args, conversion).
    Each library maps ``builder`` to a function ``(device, *args) -> the call to time``; the
    conversion turns seconds per call into the unit shown (see ``stats.convert``). Sweep
    points are keyed ``sweep.<kind>/<size>``."""
    out = []
    if "overhead" in sections:
        out += [("overhead.op", "one_op", (), US_PER_OP), ("overhead.chain", "chain", (), US_PER_CHAIN_OP)]
    if "step" in sections:
        out += [(f"step.mlp{b}", "mlp_step", (b,), MS_PER_STEP) for b in cfg["batches"]]
        out.append(("step.lenet256", "lenet_step", (), MS_PER_STEP))
        out.append(("step.resnet18", "resnet18_step", (), MS_PER_STEP))
        out.append(("step.lstm", "lstm_step", (), MS_PER_STEP))
        out.append(("step.lstm_scratch", "lstm_scratch_step", (), MS_PER_STEP))
        out.append(("step.gpt", "gpt_step", (), MS_PER_STEP))
    if "models" in sections:
        out += [(f"models.{name}", f"{name}_step", (), MS_PER_STEP) for name in MODELS]
        out.append((f"models.raw_mlp{RAW_MLP_BATCH}", "raw_mlp_step", (RAW_MLP_BATCH,), MS_PER_STEP))
        out.append((f"models.raw_mlp{RAW_MLP_BATCH}_arith", "raw_mlp_arith", (RAW_MLP_BATCH,), MS_PER_STEP))
        if "step" not in sections:  # the module + optimizer MLP: the step section's own row
            out.append((f"step.mlp{RAW_MLP_BATCH}", "mlp_step", (RAW_MLP_BATCH,), MS_PER_STEP))
    if "ops" in sections:
        from .op_costs import keys

        out += [(key, "op", (key,), US_PER_OP) for key in keys()]
    if "sweep" in sections:
        out += [(f"sweep.matmul/{n}", "matmul", (n,), ("rate", matmul_flops(n) / 1e9, "GFLOP/s"))
                for n in cfg["matmul_sizes"]]
        out += [(f"sweep.elementwise/{n}", "elementwise", (n,), ("rate", elementwise_bytes(n) / 1e9, "GB/s"))
                for n in cfg["elementwise_sizes"]]
        out += [(f"sweep.conv2d/{c}", "conv2d", (c,), ("rate", conv2d_flops(c) / 1e9, "GFLOP/s"))
                for c in CONV_SWEEP]
    return out


def chain_ops():
    """The cycle of the 100-op chain, by name (each library maps the names to its ops)."""
    return [("mul", "add", "tanh", "scale")[i % 4] for i in range(CHAIN_LEN)]
