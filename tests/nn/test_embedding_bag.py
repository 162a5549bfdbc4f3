"""F.embedding's max_norm, norm_type and scale_grad_by_freq, F.embedding_bag and
nn.EmbeddingBag: PyTorch's outputs and gradients (recorded from PyTorch 2.13,
tests/nn/_attention_ref.py), gradcheck, repr and errors."""
from __future__ import annotations

import pytest

import gradkit
import gradkit.nn as nn
import gradkit.nn.functional as F
from helpers import check_grads, rand64

from ._attention_case import assert_close, det, grads_of
from ._attention_ref import REF

EMBEDDING_CASES = {
    "emb_freq": {"scale_grad_by_freq": True},
    "emb_freq_pad": {"scale_grad_by_freq": True, "padding_idx": 1},
    "emb_max_norm": {"max_norm": 0.9},
    "emb_max_norm_l1": {"max_norm": 1.1, "norm_type": 1.0},
}


@pytest.mark.parametrize("name", list(EMBEDDING_CASES))
def test_embedding_options_match_torch(name, device):
    w = det((6, 3), 4, device).requires_grad_()
    idx = gradkit.tensor([[1, 2, 1], [4, 1, 0]], device=device)
    out = F.embedding(idx, w, **EMBEDDING_CASES[name])
    ref = REF[name]
    assert_close(out, ref["out"])
    (g,) = grads_of(out, (w,))
    assert_close(g, ref["grad"])
    assert_close(w, ref["weight_after"])  # max_norm renormalises the used rows in place


def test_scale_grad_by_freq_keeps_values_scales_gradients(device):
    """Not the derivative (no gradcheck): each row's summed gradient divided by its count."""
    w = rand64(5, 2, device=device, seed=0)
    idx = gradkit.tensor([0, 3, 3, 1, 3], device=device)
    out = F.embedding(idx, w, scale_grad_by_freq=True)
    assert gradkit.equal(out, F.embedding(idx, w))
    out.sum().backward()
    assert_close(w.grad, [[1.0, 1.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])


BAG_CASES = {
    "sum_offsets": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="sum"),
    "mean_offsets": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="mean"),
    "max_offsets": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="max"),
    "mean_2d_pad": dict(input=[[1, 2, 5], [5, 5, 3]], mode="mean", padding_idx=5),
    "max_2d": dict(input=[[1, 2, 5], [5, 0, 3]], mode="max"),
    "sum_weights": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="sum", psw=True),
    "last_offset": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 5], mode="mean", include_last_offset=True),
    "sum_pad_offsets": dict(input=[1, 2, 4, 4, 3, 0], offsets=[0, 2, 2, 5], mode="sum", padding_idx=4),
}


def _bag_args(case, device):
    idx = gradkit.tensor(case["input"], device=device)
    offsets = gradkit.tensor(case["offsets"], device=device) if "offsets" in case else None
    psw = det((len(case["input"]),), 8, device).requires_grad_() if case.get("psw") else None
    kw = dict(mode=case["mode"], include_last_offset=case.get("include_last_offset", False),
              padding_idx=case.get("padding_idx"))
    return idx, offsets, psw, kw


@pytest.mark.parametrize("name", list(BAG_CASES))
def test_embedding_bag_matches_torch(name, device):
    idx, offsets, psw, kw = _bag_args(BAG_CASES[name], device)
    w = det((6, 3), 7, device).requires_grad_()
    out = F.embedding_bag(idx, w, offsets, per_sample_weights=psw, **kw)
    ref = REF["bag_" + name]
    assert_close(out, ref["out"])
    for got, expected in zip(grads_of(out, (w,) + ((psw,) if psw is not None else ())), ref["grads"], strict=True):
        assert_close(got, expected)


@pytest.mark.parametrize("name", ["sum_weights", "mean_2d_pad", "max_offsets"])
def test_embedding_bag_gradcheck(name, device):
    idx, offsets, psw, kw = _bag_args(BAG_CASES[name], device)
    w = rand64(6, 3, device=device, seed=1)
    if psw is None:
        check_grads(lambda w: F.embedding_bag(idx, w, offsets, **kw), (w,))
    else:
        psw = rand64(*psw.shape, device=device, seed=2)
        check_grads(lambda w, p: F.embedding_bag(idx, w, offsets, per_sample_weights=p, **kw), (w, psw))


def test_embedding_bag_module():
    gradkit.manual_seed(0)
    bag = nn.EmbeddingBag(5, 3, mode="max", padding_idx=0, max_norm=1.0)
    assert repr(bag) == REF["bag_repr"]
    assert not bool(bag.weight[0].any())
    assert list(bag.state_dict()) == ["weight"]
    out = bag(gradkit.tensor([[1, 2], [3, 4]]))
    assert out.shape == (2, 3)
    pre = nn.EmbeddingBag.from_pretrained(det((4, 2), 0).float(), mode="sum")
    assert not pre.weight.requires_grad
    assert_close(pre(gradkit.tensor([0, 1, 2]), gradkit.tensor([0, 1])), (det((4, 2), 0)[0:1].tolist() +
                                                                          [(det((4, 2), 0)[1] + det((4, 2), 0)[2])
                                                                           .tolist()]), rtol=1e-6)
    from gradkit.nn.modules.sparse import EmbeddingBag

    assert EmbeddingBag is nn.EmbeddingBag


def test_embedding_bag_errors():
    w = gradkit.zeros(5, 3)
    with pytest.raises(NotImplementedError, match="per_sample_weights is only supported for mode='sum' "
                                                  r"\(got mode='max'\)"):
        F.embedding_bag(gradkit.tensor([1, 2, 3]), w, gradkit.tensor([0, 2]), mode="max",
                        per_sample_weights=gradkit.ones(3))
    with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None"):
        F.embedding_bag(gradkit.tensor([[1, 2, 3]]), w, gradkit.tensor([0, 2]))
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        F.embedding_bag(gradkit.tensor([1, 2, 3]), w)
    with pytest.raises(RuntimeError, match=r"offsets\[0\] has to be 0"):
        F.embedding_bag(gradkit.tensor([1, 2, 3]), w, gradkit.tensor([1, 2]))
    with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
        F.embedding_bag(gradkit.tensor([1, 2, 3]), w, gradkit.tensor([0, 2]), mode="foo")


@pytest.mark.parametrize("name", ["sum_offsets", "mean_offsets", "last_offset", "sum_pad_offsets"])
def test_embedding_bag_sum_mean_gradcheck(name, device):
    """The sum and mean op (ops/nn/embedding.py) and its gradient op, to second order."""
    idx, offsets, _, kw = _bag_args(BAG_CASES[name], device)
    w = rand64(6, 3, device=device, seed=3)
    assert F.embedding_bag(idx, w, offsets, **kw).grad_fn.name() == "EmbeddingBagBackward0"
    check_grads(lambda w: F.embedding_bag(idx, w, offsets, **kw), (w,))


@pytest.mark.parametrize("mode", ["sum", "mean"])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_bag_numpy_kernel_matches_portable(mode, padding_idx):
    """The NumPy bag kernels (a gather summed over the bags' positions, a repeat and the row
    add) against the portable ones they override: empty bags, padding, repeated indices."""
    import numpy as np

    from gradkit.backends.base import Backend

    rng = np.random.default_rng(0)
    lengths = rng.integers(0, 7, 9)
    lengths[[0, 4]] = 0
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    indices = rng.integers(0, 5, int(lengths.sum()))
    weight = rng.standard_normal((5, 4)).astype(np.float32)
    from gradkit._device import resolve

    cpu = resolve("cpu")
    backend = cpu.backend
    pad = -1 if padding_idx is None else padding_idx
    mean = mode == "mean"
    got, counts = backend.embedding_bag(weight, indices, starts, mean, pad, cpu)
    want, want_counts = Backend.embedding_bag(backend, weight, indices, starts, mean, pad, cpu)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(counts, want_counts)
    g = rng.standard_normal(got.shape).astype(np.float32)
    got_w = backend.embedding_bag_backward(g, indices, starts, counts, mean, pad, 5, cpu)
    want_w = Backend.embedding_bag_backward(backend, g, indices, starts, counts, mean, pad, 5, cpu)
    np.testing.assert_allclose(got_w, want_w, rtol=1e-6, atol=1e-7)
