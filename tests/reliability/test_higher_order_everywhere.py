"""create_graph=True works for every differentiable op: nn's fused nodes, the losses, the
distributions, and each Node's backward is written with gradkit ops (a backward on raw
arrays would silently be first-order only). Where an op is first-order only by design (a
custom Function marked @once_differentiable), differentiating its gradient raises a clear
RuntimeError instead of giving zeros.

Audit: every Node subclass in gradkit is run under create_graph=True by the suite; the one
backward that touches raw arrays multiplies the incoming gradient by a constant mask (linear
in the gradient, so still differentiable: MaxMinDim). The hot ops' gradients are ops of their
own (ops/_gradient.GradientOp): their kernels run on arrays only when no graph is recorded,
and with create_graph=True they are recorded and differentiated by their own backwards."""
from __future__ import annotations

import pytest

import gradkit as gk
import gradkit.distributions as D
import gradkit.nn as nn
import gradkit.nn.functional as F
from gradkit.autograd import Function, gradcheck, gradgradcheck, once_differentiable
from gradkit.autograd.node import Node
from helpers import assert_recording_matches_plain

# backwards that read raw arrays, reviewed: each multiplies the gradient by a constant
REVIEWED_RAW_BACKWARDS = {
    "MaxMinDim": "g * one_hot(indices): the indices are constants",
    "Dropout": "g * mask: the mask is a constant",
}
# nodes whose backward raises on purpose
NOT_DIFFERENTIABLE = {"NotDifferentiable", "FloorDivide", "DelayedError"}


def _all_node_classes():
    import gradkit.distributions  # noqa: F401  (load every module that defines nodes)
    import gradkit.func  # noqa: F401
    import gradkit.nn  # noqa: F401
    import gradkit.optim  # noqa: F401
    import gradkit.utils.checkpoint  # noqa: F401
    import gradkit.nn._backward_hooks  # noqa: F401

    out, stack = [], [Node]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            out.append(sub)
            stack.append(sub)
    return out


_GRAD_MODE_CHECKS = {"is_grad_enabled_fast", "is_grad_enabled", "grad_enabled"}


def _raw_array_uses(fn):
    """Names the backward's code (and the functions and lambdas inside it) uses that reach
    below Tensors: xp calls, ._data, _make. A backward that reads the grad mode first may
    take a raw-array fast path when no graph is being recorded (create_graph=False): the
    second-order checks below exercise its recording branch."""
    hits, names, stack = set(), set(), [fn.__code__]
    while stack:
        code = stack.pop()
        names.update(code.co_names)
        hits.update(set(code.co_names) & {"_data", "xp", "_make"})
        stack.extend(c for c in code.co_consts if hasattr(c, "co_names"))
    return set() if names & _GRAD_MODE_CHECKS else hits


def test_every_backward_is_written_with_gradkit_ops():
    offenders = []
    for cls in _all_node_classes():
        fn = cls.__dict__.get("backward")
        if fn is None or cls.__name__ in NOT_DIFFERENTIABLE or cls.__name__ in REVIEWED_RAW_BACKWARDS:
            continue
        uses = _raw_array_uses(getattr(fn, "__func__", fn))
        if uses:
            offenders.append(f"{cls.__module__}.{cls.__qualname__}: {sorted(uses)}")
    assert not offenders, (
        "these backwards compute on raw arrays, so create_graph=True can't differentiate them; write them with "
        "gradkit ops, or review them and add them to REVIEWED_RAW_BACKWARDS:\n" + "\n".join(offenders))


def test_the_reviewed_and_raising_nodes_still_exist():
    names = {c.__name__ for c in _all_node_classes()}
    assert set(REVIEWED_RAW_BACKWARDS) <= names and NOT_DIFFERENTIABLE <= names


# ----------------------------------------------------------------------------- second-order checks
def _r(device, *shape, lo=-1.0, hi=1.0, seed=0):
    gk.manual_seed(seed)
    t = gk.rand(*shape, dtype=gk.float64, device=device) * (hi - lo) + lo
    return t.detach().requires_grad_()


def _cases(device):
    r = lambda *s, **k: _r(device, *s, **k)  # noqa: E731
    tgt = gk.tensor([0, 2], device=device)
    f64 = lambda v: gk.tensor(v, dtype=gk.float64, device=device)  # noqa: E731
    kink = f64([[-2.3, -0.7, 0.4, 1.9], [0.9, -1.4, 2.6, -0.2]]).requires_grad_()
    return {
        # nn's nodes (gradkit/ops/nn)
        "linear": (F.linear, (r(2, 3), r(4, 3, seed=1), r(4, seed=2))),
        "linear_3d_no_bias": (lambda x, w: F.linear(x, w), (r(2, 2, 3), r(4, 3, seed=1))),
        "log_softmax": (lambda x: F.log_softmax(x, 1), (r(2, 3),)),
        "softmax": (lambda x: F.softmax(x, 0), (r(2, 3),)),
        "logsigmoid": (F.logsigmoid, (r(2, 3),)),
        "gelu": (F.gelu, (r(2, 3, lo=-3, hi=3),)),
        "erf": (F.erf, (r(2, 3, lo=-3, hi=3),)),
        "mse_loss": (F.mse_loss, (r(2, 3), r(2, 3, seed=1))),
        "binary_cross_entropy": (F.binary_cross_entropy, (r(2, 3, lo=0.1, hi=0.9), r(2, 3, lo=0.1, hi=0.9, seed=1))),
        "nll_loss": (lambda x: F.nll_loss(F.log_softmax(x, 1), tgt), (r(2, 3),)),
        "cross_entropy": (lambda x: F.cross_entropy(x, tgt), (r(2, 3),)),
        "cross_entropy_sum_none": (lambda x: F.cross_entropy(x, tgt, reduction="sum") +
                                   F.cross_entropy(x, tgt, reduction="none").sum() * 0.5, (r(2, 3),)),
        "cross_entropy_smoothing": (lambda x: F.cross_entropy(x, tgt, label_smoothing=0.1), (r(2, 3),)),
        # piecewise activations (away from their kinks: second derivative 0)
        "relu": (F.relu, (kink,)),
        "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), (kink,)),
        "hardtanh": (lambda x: F.hardtanh(x, -0.5, 0.5), (kink,)),
        "relu6": (lambda x: F.relu6(x * 4), (kink,)),
        # other losses and layers
        "l1_loss": (F.l1_loss, (r(2, 3), r(2, 3, seed=1))),
        "huber_loss": (lambda a, b: F.huber_loss(a, b, delta=0.5), (r(2, 3), r(2, 3, seed=1))),
        "smooth_l1_loss": (lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), (r(2, 3), r(2, 3, seed=1))),
        "bce_with_logits": (F.binary_cross_entropy_with_logits, (r(2, 3), r(2, 3, lo=0, hi=1, seed=1))),
        "kl_div": (lambda a, b: F.kl_div(a, b, reduction="batchmean"), (r(2, 3), r(2, 3, lo=0.1, hi=0.9, seed=1))),
        "prelu": (F.prelu, (r(2, 3), r(1, seed=1))),
        "bilinear": (F.bilinear, (r(2, 3), r(2, 2, seed=1), r(4, 3, 2, seed=2), r(4, seed=3))),
        "embedding": (lambda w: F.embedding(gk.tensor([[0, 2], [1, 0]], device=device), w), (r(3, 2),)),
        "layer_norm": (lambda a, w, b: F.layer_norm(a, (3,), w, b), (r(2, 3), r(3, seed=1), r(3, seed=2))),
        "batch_norm": (lambda a, w, b: F.batch_norm(a, None, None, w, b, training=True),
                       (r(4, 3), r(3, seed=1), r(3, seed=2))),
        "cosine_similarity": (F.cosine_similarity, (r(2, 3), r(2, 3, seed=1))),
        # distributions
        "normal_log_prob": (lambda m, s, v: D.Normal(m, s).log_prob(v), (r(3), r(3, lo=0.5, hi=1.5, seed=1),
                                                                         r(3, seed=2))),
        "normal_cdf": (lambda m, s, v: D.Normal(m, s).cdf(v), (r(3), r(3, lo=0.5, hi=1.5, seed=1), r(3, seed=2))),
        "normal_rsample": (lambda m, s: (gk.manual_seed(3), D.Normal(m, s).rsample((2,)))[1],
                           (r(3), r(3, lo=0.5, hi=1.5, seed=1))),
        "normal_entropy": (lambda s: D.Normal(gk.zeros(3, dtype=gk.float64, device=device), s).entropy(),
                           (r(3, lo=0.5, hi=1.5),)),
        "uniform_log_prob_cdf": (lambda a, b: D.Uniform(a, b).cdf(f64([0.05] * 3)) + D.Uniform(a, b).entropy(),
                                 (r(3, lo=-1, hi=0), r(3, lo=0.1, hi=1, seed=1))),
        "uniform_rsample": (lambda a, b: (gk.manual_seed(3), D.Uniform(a, b).rsample((2,)))[1],
                            (r(3, lo=-1, hi=0), r(3, lo=0.1, hi=1, seed=1))),
        "bernoulli_log_prob": (lambda p: D.Bernoulli(probs=p).log_prob(f64([0.0, 1.0, 1.0])),
                               (r(3, lo=0.1, hi=0.9),)),
        "bernoulli_logits_entropy": (lambda lg: D.Bernoulli(logits=lg).entropy(), (r(3),)),
        "categorical_log_prob": (lambda p: D.Categorical(probs=p).log_prob(tgt), (r(2, 3, lo=0.1, hi=0.9),)),
        "categorical_entropy": (lambda lg: D.Categorical(logits=lg).entropy(), (r(2, 3),)),
        "multinomial_log_prob": (lambda p: D.Multinomial(4, probs=p).log_prob(f64([1.0, 0.0, 3.0])),
                                 (r(3, lo=0.1, hi=0.9),)),
    }


CASE_NAMES = sorted(_cases("cpu"))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_second_order(device, name):
    fn, inputs = _cases(device)[name]
    assert gradcheck(fn, inputs)
    assert_recording_matches_plain(fn, inputs)
    assert gradgradcheck(fn, inputs)


def test_third_derivative_through_fused_ops(device):
    # d^3/dx^3 of sum(gelu(x)) and of logsigmoid against central differences of the second derivative
    x = _r(device, 5, lo=-2, hi=2)

    def d2(fn, x):
        (g,) = gk.autograd.grad(fn(x).sum(), x, create_graph=True)
        (h,) = gk.autograd.grad(g.sum(), x, create_graph=True)
        return h

    for fn in (F.gelu, F.logsigmoid, F.erf):
        (d3,) = gk.autograd.grad(d2(fn, x).sum(), x)
        eps = 1e-5
        num = (d2(fn, (x.detach() + eps).requires_grad_()) - d2(fn, (x.detach() - eps).requires_grad_())) / (2 * eps)
        assert float((d3 - num).abs().max().detach()) < 1e-5, fn


def test_gradient_penalty_through_a_model(device):
    """WGAN-GP: loss = (||d critic(x) / dx|| - 1)^2 trained by backward() on the critic's
    parameters: a second derivative through Linear (AddmmBackward0), tanh and the losses."""
    gk.manual_seed(0)
    critic = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).to(dtype=gk.float64, device=device)
    x = _r(device, 5, 3)

    def penalty():
        (g,) = gk.autograd.grad(critic(x).sum(), x, create_graph=True)
        return ((g.pow(2).sum(1) + 1e-12).sqrt() - 1).pow(2).mean()

    loss = penalty()
    loss.backward()
    w = critic[0].weight
    analytic = w.grad.detach().cpu().numpy()[1, 2]
    eps = 1e-6
    with gk.no_grad():
        w[1, 2] += eps
    up = float(penalty().detach())
    with gk.no_grad():
        w[1, 2] -= 2 * eps
    down = float(penalty().detach())
    assert abs(analytic - (up - down) / (2 * eps)) < 1e-6


# ----------------------------------------------------------------------------- first-order-only ops
class _Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


def test_once_differentiable_first_order_works(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    _Square.apply(x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    (g,) = gk.autograd.grad(_Square.apply(x).sum(), x)
    assert g.tolist() == [2.0, 4.0] and not g.requires_grad


def test_once_differentiable_refuses_double_backward(device):
    x = gk.tensor([1.0, 2.0], device=device, requires_grad=True)
    (g,) = gk.autograd.grad(_Square.apply(x).sum(), x, create_graph=True)
    assert g.tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match=r"trying to differentiate twice a function that was marked with "
                                           r"@once_differentiable \(_SquareBackward is first-order only"):
        g.sum().backward()
    # a grad_output that requires grad (PyTorch's own trigger) is refused the same way
    v = gk.ones(2, device=device, requires_grad=True)
    (g2,) = gk.autograd.grad(_Square.apply(x), x, grad_outputs=v, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g2.sum().backward()
