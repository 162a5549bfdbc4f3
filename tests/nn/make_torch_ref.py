"""Writes tests/nn/_torch_ref.py: PyTorch's values for the fixed inputs the nn tests use.

Not a test, and not run by the suite (gradkit never imports torch). Run it with a
PyTorch install to refresh the numbers:

    /path/to/torch-venv/bin/python tests/nn/make_torch_ref.py

The numbers in _torch_ref.py come from PyTorch 2.13.0 (CPU), float64 unless the key says 32.
"""
import os
import pprint

import torch
import torch.nn.functional as F
from torch import nn

f64 = torch.float64
REF = {}


def r(name, value):
    REF[name] = value.detach().tolist() if isinstance(value, torch.Tensor) else value


# activations
x = torch.linspace(-4, 4, 17, dtype=f64)
r("gelu64", F.gelu(x))
r("gelu32", F.gelu(x.float()).double())
r("gelu_tanh64", F.gelu(x, approximate="tanh"))
xe = torch.tensor([-7.0, -5.5, -3.2, -2.0001, -2.0, -1.3, -0.5, -1e-3, 0.0, 1e-8, 0.25, 0.9, 1.7, 1.9999, 2.5, 3.3,
                   4.4, 5.9, 6.1, 9.0], dtype=f64)
r("erf_x", xe)
r("erf64", torch.erf(xe))
r("erf32", torch.erf(xe.float()).double())
r("softplus", F.softplus(x, beta=2, threshold=5))
r("elu", F.elu(x, alpha=0.7))
r("leaky", F.leaky_relu(x, 0.2))
r("logsigmoid_x", [-800.0, -30.0, -1.0, 0.0, 2.0, 40.0, 800.0])
r("logsigmoid", F.logsigmoid(torch.tensor(REF["logsigmoid_x"], dtype=f64)))
r("silu", F.silu(x))
r("selu", F.selu(x))
r("mish", F.mish(x))
r("celu", F.celu(x, 1.5))
r("hardtanh", F.hardtanh(x, -2, 3))
M = torch.tensor([[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 1000.0, 999.0]], dtype=f64)
r("softmax_in", M)
r("softmax1", F.softmax(M, 1))
r("log_softmax1", F.log_softmax(M, 1))
r("log_softmax0", F.log_softmax(M, 0))

# normalization
X = torch.tensor([[0.5, -1.0, 2.0, 3.0, 0.0, 1.5], [4.0, 4.0, 1.0, -2.0, 0.5, 0.25]], dtype=f64).reshape(2, 2, 3)
r("ln_in", X)
r("ln_w", [1.0, 0.5, 2.0])
r("ln_b", [0.0, 0.1, -0.3])
r("layer_norm", F.layer_norm(X, (3,), torch.tensor(REF["ln_w"], dtype=f64), torch.tensor(REF["ln_b"], dtype=f64)))
r("layer_norm2", F.layer_norm(X, (2, 3), eps=1e-3))
bn = nn.BatchNorm1d(3).double()
A = torch.tensor([[1.0, 2.0, 3.0], [2.0, 0.0, -1.0], [0.5, 0.5, 4.0], [3.0, -2.0, 0.0]], dtype=f64)
B = torch.tensor([[0.0, 1.0, 2.0], [5.0, 3.0, 1.0]], dtype=f64)
r("bn_A", A)
r("bn_B", B)
r("bn_w", [1.0, 2.0, 0.5])
r("bn_b", [0.0, -1.0, 1.0])
with torch.no_grad():
    bn.weight.copy_(torch.tensor(REF["bn_w"]))
    bn.bias.copy_(torch.tensor(REF["bn_b"]))
r("bn_train1", bn(A))
r("bn_train2", bn(B))
r("bn_rm", bn.running_mean)
r("bn_rv", bn.running_var)
r("bn_nbt", bn.num_batches_tracked.item())
bn.eval()
r("bn_eval", bn(A))
bn3 = nn.BatchNorm1d(2, momentum=None).double()
C3 = torch.arange(12, dtype=f64).reshape(2, 2, 3) ** 1.5
bn3(C3)
bn3(C3 * 0.5 + 1)
r("bn3_rm", bn3.running_mean)
r("bn3_rv", bn3.running_var)

# classification losses
logits = torch.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0], [2.0, 2.0, 2.0], [-0.5, 1.5, 0.0]], dtype=f64)
tgt = torch.tensor([0, 2, -100, 1])
wt = torch.tensor([1.0, 2.0, 0.5], dtype=f64)
r("logits", logits)
r("targets", tgt)
r("class_w", wt)
for red in ["mean", "sum", "none"]:
    r(f"ce_{red}", F.cross_entropy(logits, tgt, reduction=red))
    r(f"ce_ls_{red}", F.cross_entropy(logits, tgt, reduction=red, label_smoothing=0.1))
    r(f"ce_w_ls_{red}", F.cross_entropy(logits, tgt, weight=wt, reduction=red, label_smoothing=0.2))
    r(f"ce_ig1_{red}", F.cross_entropy(logits, torch.tensor([0, 1, 2, 1]), weight=wt, ignore_index=1, reduction=red,
                                       label_smoothing=0.3))
probs = torch.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.1, 0.1, 0.8]], dtype=f64)
r("probs", probs)
for red in ["mean", "sum", "none"]:
    r(f"ce_prob_{red}", F.cross_entropy(logits, probs, reduction=red, label_smoothing=0.1, weight=wt))
L3 = torch.tensor([[[1.0, 0.0], [2.0, -1.0], [0.5, 0.5]], [[0.0, 3.0], [1.0, 1.0], [-2.0, 0.0]]], dtype=f64)
T3 = torch.tensor([[0, 2], [1, -100]])
r("ce3_in", L3)
r("ce3_t", T3)
r("ce3_mean", F.cross_entropy(L3, T3))
r("ce3_none", F.cross_entropy(L3, T3, reduction="none"))
r("ce1d", F.cross_entropy(torch.tensor([1.0, 2.0, 3.0], dtype=f64), torch.tensor(2)))
lp = F.log_softmax(logits, 1)
r("nll_w_mean", F.nll_loss(lp, tgt, weight=wt))
r("nll_none", F.nll_loss(lp, tgt, reduction="none"))
r("ce_all_ignored", F.cross_entropy(logits[:1], torch.tensor([-100])))
p = torch.tensor([0.0, 0.1, 0.5, 0.9, 1.0, 0.3], dtype=f64)
t = torch.tensor([0.0, 1.0, 0.5, 1.0, 0.0, 0.2], dtype=f64)
r("bce_p", p)
r("bce_t", t)
r("bce_w", [1.0, 2, 1, 1, 0.5, 3])
r("bce_none", F.binary_cross_entropy(p, t, reduction="none"))
r("bce_mean_w", F.binary_cross_entropy(p, t, weight=torch.tensor(REF["bce_w"], dtype=f64)))
z = torch.tensor([-50.0, -2.0, 0.0, 0.5, 3.0, 60.0], dtype=f64)
r("bcel_z", z)
r("bcel_pw", [1.0, 2.0, 0.5])
r("bcel_none", F.binary_cross_entropy_with_logits(z, t, reduction="none"))
r("bcel_pw_none", F.binary_cross_entropy_with_logits(z.reshape(2, 3), t.reshape(2, 3),
                                                     pos_weight=torch.tensor(REF["bcel_pw"], dtype=f64),
                                                     reduction="none"))

# regression losses
a = torch.tensor([0.0, 0.3, -1.2, 2.5, 0.9], dtype=f64)
bb = torch.tensor([0.1, 0.3, 0.4, -0.5, 1.0], dtype=f64)
r("reg_a", a)
r("reg_b", bb)
r("huber_none", F.huber_loss(a, bb, reduction="none", delta=0.5))
r("smoothl1_none", F.smooth_l1_loss(a, bb, reduction="none", beta=0.5))
r("mse", F.mse_loss(a, bb))
r("l1_sum", F.l1_loss(a, bb, reduction="sum"))

# utilities
r("one_hot", F.one_hot(torch.tensor([[0, 2], [1, 3]]), 5))
P = torch.arange(6, dtype=f64).reshape(1, 2, 3)
r("pad_const", F.pad(P, (1, 2), value=-1.0))
r("pad_2d", F.pad(P, (1, -1, 0, 1)))
r("pad_reflect", F.pad(P, (2, 1), mode="reflect"))
r("pad_replicate", F.pad(P, (2, 1, 1, 0), mode="replicate"))
r("pad_circular", F.pad(P, (1, 2), mode="circular"))
r("normalize", F.normalize(torch.tensor([[3.0, 4.0], [0.0, 0.0], [1.0, -1.0]], dtype=f64), dim=1))
r("normalize_p1", F.normalize(torch.tensor([[3.0, 4.0], [1.0, -1.0]], dtype=f64), p=1, dim=0))

# more functionals
ea = torch.tensor([[0.2, -1.0, 0.5], [1.5, 0.3, -0.2]], dtype=f64)
eb = torch.tensor([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]], dtype=f64)
eW = torch.tensor([[[0.1, 0.2, 0.3], [0.0, -1.0, 0.5], [1.0, 1.0, 1.0]],
                   [[0.5, 0.5, 0.5], [0.1, 0.2, 0.3], [-0.3, 0.0, 0.3]]], dtype=f64)
r("ex_a", ea)
r("ex_b", eb)
r("ex_W", eW)
r("ex_kl_batchmean", F.kl_div(F.log_softmax(ea, 1), eb, reduction="batchmean"))
r("ex_kl_none", F.kl_div(F.log_softmax(ea, 1), eb, reduction="none"))
r("ex_kl_log_sum", F.kl_div(F.log_softmax(ea, 1), eb.log(), reduction="sum", log_target=True))
r("ex_bilinear", F.bilinear(ea, eb, eW, torch.tensor([0.5, -0.5], dtype=f64)))
r("ex_softmin", F.softmin(ea, 1))
r("ex_cosine", F.cosine_similarity(ea, eb))
r("ex_prelu", F.prelu(ea.reshape(2, 3, 1), torch.tensor([0.1, 0.2, 0.3], dtype=f64)))
r("ex_huber_sum", F.huber_loss(ea, eb, reduction="sum", delta=0.3))
r("ex_huber_weighted", F.huber_loss(ea, eb, weight=eb, reduction="mean"))
r("ex_smooth_l1_beta0", F.smooth_l1_loss(ea, eb, beta=0.0))
r("ex_l1_weighted", F.l1_loss(ea, eb, weight=torch.ones(2, 3, dtype=f64) * 2))
r("ex_embedding_max_norm", F.embedding(torch.tensor([0, 1]), ea.clone(), max_norm=1.0))

# gradient clipping
p1 = torch.zeros(3, requires_grad=True)
p2 = torch.zeros(2, 2, requires_grad=True)
r("clip_grad1", [3.0, 0.0, -4.0])
r("clip_grad2", [[1.0, 2.0], [-2.0, 1.0]])


def set_grads():
    p1.grad = torch.tensor(REF["clip_grad1"])
    p2.grad = torch.tensor(REF["clip_grad2"])


set_grads()
r("clip_total", nn.utils.clip_grad_norm_([p1, p2], 1.0))
r("clip_g1", p1.grad)
r("clip_g2", p2.grad)
set_grads()
r("clipinf_total", nn.utils.clip_grad_norm_([p1, p2], 2.0, norm_type="inf"))
r("clipinf_g1", p1.grad)
set_grads()
r("clip1_total", nn.utils.clip_grad_norm_([p1, p2], 100.0, norm_type=1))
r("clip1_g1", p1.grad)

# reprs
r("repr_seq", repr(nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2),
                                 nn.Linear(256, 10, bias=False))))
r("repr_nested", repr(nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.GELU()), nn.LayerNorm(3), nn.BatchNorm1d(3),
                                    nn.Embedding(10, 3, padding_idx=0), nn.Softmax(dim=1), nn.LeakyReLU(0.2))))
r("repr_modulelist", repr(nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.Tanh(), nn.Tanh()])))
r("repr_lazy", repr(nn.LazyLinear(3)))
r("repr_param", repr(nn.Parameter(torch.tensor([1.0, 2.0]))))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_torch_ref.py")
with open(path, "w") as f:
    f.write('"""Reference values computed with PyTorch 2.13.0 (CPU) by tests/nn/make_torch_ref.py; do not edit."""\n'
            "# flake8: noqa\nfrom math import inf, nan\n\n")
    f.write("REF = " + pprint.pformat(REF, width=118, sort_dicts=False) + "\n")
print(f"wrote {len(REF)} entries to {path} (torch {torch.__version__})")
