"""The scatter family: scatter (src, value, the deprecated reduce=), scatter_add,
scatter_reduce (every reduction, with and without the input's own values), index_add,
index_fill, index_copy, index_put, masked_scatter and take_along_dim. Values, dtypes, error
messages and gradients recorded from PyTorch 2.13 (written here as literals); float64
gradcheck + gradgradcheck on every device where PyTorch differentiates twice."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values, const

X23 = [[1., 2, 3], [4, 5, 6]]
SRC23 = [[10., 20, 30], [40, 50, 60]]
IDX_ROWS = [[0, 1, 0], [1, 0, 0]]
IDX_COLS = [[0, 0, 2], [1, 1, 1]]
X34 = np.arange(12, dtype=np.float32).reshape(3, 4)


def L(values, device):
    return gk.tensor(values, dtype=gk.int64, device=device)


def F32(values, device):
    return gk.tensor(values, dtype=gk.float32, device=device)


def weighted_grads(out, *inputs):
    """The gradients of out weighted by 1, 2, 3, ... (the weights the recordings used)."""
    weight = gk.arange(1, out.numel() + 1, dtype=out.dtype, device=out.device).reshape(out.shape)
    return gk.autograd.grad(out, inputs, weight)


def test_scatter_values(device):
    x, src = const(X23, device), const(SRC23, device)
    assert_values(x.scatter(0, L(IDX_ROWS, device), src), [[10, 50, 60], [40, 20, 6]], dtype=gk.float64)
    assert_values(x.scatter(1, L([[2], [0]], device), 7.5), [[1, 2, 7.5], [7.5, 5, 6]])
    assert_values(gk.scatter(x, 1, L([[2], [0]], device), value=7.5), [[1, 2, 7.5], [7.5, 5, 6]])
    assert_values(gk.tensor(1., device=device).scatter(0, L(0, device), gk.tensor(5., device=device)), 5.0)


def test_scatter_deprecated_reduce(device):
    x, src, index = const(X23, device), const(SRC23, device), L(IDX_ROWS, device)
    assert_values(x.scatter(0, index, src, reduce="add"), [[11, 52, 93], [44, 25, 6]])
    assert_values(x.scatter(0, index, src, reduce="multiply"), [[10, 100, 5400], [160, 100, 6]])
    assert_values(x.scatter(0, index, 2.0, reduce="multiply"), [[2, 4, 12], [8, 10, 6]])
    with pytest.raises(RuntimeError, match="reduce argument must be either add or multiply."):
        x.scatter(0, index, src, reduce="mean")
    with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
        x.scatter(0, index, src.requires_grad_(), reduce="multiply")


def test_scatter_inplace_keeps_identity(device):
    x = const(X23, device)
    out = x.scatter_(0, L(IDX_ROWS, device), const(SRC23, device))
    assert out is x
    assert_values(x, [[10, 50, 60], [40, 20, 6]])
    x.scatter_add_(1, L([[0, 0]], device), const([[1., 2]], device))
    assert_values(x, [[13, 50, 60], [40, 20, 6]])
    x.scatter_reduce_(1, L([[1]], device), const([[100.]], device), "amax")
    assert_values(x, [[13, 100, 60], [40, 20, 6]])


SCATTER_REDUCE = {  # (reduce, include_self): result of X23.scatter_reduce(1, IDX_COLS, SRC23)
    ("sum", True): [[31.0, 2.0, 33.0], [4.0, 155.0, 6.0]],
    ("sum", False): [[30.0, 2.0, 30.0], [4.0, 150.0, 6.0]],
    ("prod", True): [[200.0, 2.0, 90.0], [4.0, 600000.0, 6.0]],
    ("prod", False): [[200.0, 2.0, 30.0], [4.0, 120000.0, 6.0]],
    ("mean", True): [[10.333333333333334, 2.0, 16.5], [4.0, 38.75, 6.0]],
    ("mean", False): [[15.0, 2.0, 30.0], [4.0, 50.0, 6.0]],
    ("amax", True): [[20.0, 2.0, 30.0], [4.0, 60.0, 6.0]],
    ("amax", False): [[20.0, 2.0, 30.0], [4.0, 60.0, 6.0]],
    ("amin", True): [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
    ("amin", False): [[10.0, 2.0, 30.0], [4.0, 40.0, 6.0]],
}


@pytest.mark.parametrize("reduce,include_self", list(SCATTER_REDUCE))
def test_scatter_reduce_values(device, reduce, include_self):
    out = const(X23, device).scatter_reduce(1, L(IDX_COLS, device), const(SRC23, device), reduce,
                                            include_self=include_self)
    assert_values(out, SCATTER_REDUCE[reduce, include_self], dtype=gk.float64)


def test_scatter_reduce_integer_and_bool(device):
    xi = gk.tensor([[1, 2, 3], [4, 5, 6]], device=device)
    si = gk.tensor([[10, 21, 30], [40, 50, 61]], device=device)
    # an integer mean rounds down
    assert_values(xi.scatter_reduce(1, L(IDX_COLS, device), si, "mean"), [[10, 2, 16], [4, 39, 6]], dtype=gk.int64)
    assert_values(xi.scatter_reduce(1, L(IDX_COLS, device), si, "mean", include_self=False), [[15, 2, 30], [4, 50, 6]])
    def t(values):
        return gk.tensor(values, device=device)

    assert_values(t([2, 3]).scatter_reduce(0, L([0, 0, 1], device), t([4, 5, 6]), "prod", include_self=False), [20, 6])
    assert_values(t([False, True]).scatter_reduce(0, L([0, 0], device), t([True, False]), "amax"), [True, True],
                  dtype=gk.bool)
    nan = t([1., 2]).scatter_reduce(0, L([0, 0], device), t([float("nan"), 3.]), "amax")
    assert np.isnan(host(nan)[0]) and host(nan)[1] == 2.0


def test_scatter_empty_index(device):
    x = F32(X34, device)
    assert_values(x.scatter_add(0, gk.zeros(0, 4, dtype=gk.int64, device=device), x), X34)
    assert_values(x.scatter_reduce(0, gk.zeros(0, 4, dtype=gk.int64, device=device), x, "amin"), X34)


def test_scatter_errors(device):
    x, src = const(X23, device), const(SRC23, device)
    with pytest.raises(RuntimeError, match=r"scatter\(\): Expected self.dtype to be equal to src.dtype"):
        x.scatter(1, L(IDX_ROWS, device), gk.tensor([[10, 21, 30], [40, 50, 61]], device=device))
    with pytest.raises(RuntimeError, match=r"scatter_reduce\(\): Expected self.dtype to be equal to src.dtype"):
        x.scatter_reduce(1, L(IDX_ROWS, device), src.float(), "sum")
    with pytest.raises(RuntimeError, match="index 3 is out of bounds for dimension 1 with size 3"):
        x.scatter(1, L([[3]], device), src)
    with pytest.raises(RuntimeError, match="index -1 is out of bounds for dimension 0 with size 2"):
        x.scatter_reduce(0, L([[-1]], device), src, "sum")
    with pytest.raises(RuntimeError, match="Index tensor must have the same number of dimensions as self tensor"):
        x.scatter(1, L([0], device), src)
    with pytest.raises(RuntimeError, match=r"Expected index \[1, 4\] to be no larger than self \[2, 3\] apart from "
                                           r"dimension 1 and to be no larger size than src \[2, 3\]"):
        x.scatter(1, L([[0, 1, 2, 0]], device), src)
    with pytest.raises(RuntimeError, match=r"Expected index \[3, 3\] to be no larger than self \[2, 3\]"):
        x.scatter(1, L([[0, 1, 2]] * 3, device), src)
    with pytest.raises(RuntimeError, match=r"scatter\(\): Expected dtype int32/int64 for index"):
        x.scatter(1, const([[0.]], device), src)
    with pytest.raises(RuntimeError, match="reduce argument must be either sum, prod, mean, amax or amin, got foo"):
        x.scatter_reduce(0, L([[0]], device), src, "foo")


def test_scatter_grads_recorded(device):
    x, src = const(X23, device, requires_grad=True), const(SRC23, device, requires_grad=True)
    out = x.scatter(0, L(IDX_ROWS, device), src)
    gx, gsrc = weighted_grads(out, x, src)
    # every source element gets the gradient of the position it was written to, duplicates too
    assert_values(gx, [[0, 0, 0], [0, 0, 6]])
    assert_values(gsrc, [[1, 5, 3], [4, 2, 3]])


def test_scatter_check_grads(device):
    x = rand64(3, 4, device=device, seed=1)
    src = rand64(2, 4, device=device, seed=2)
    index = L([[0, 1, 2, 0], [2, 0, 1, 1]], device)  # no position written twice
    check_grads(lambda x, s: x.scatter(0, index, s), (x, src))
    check_grads(lambda x: x.scatter(1, L([[3], [0], [1]], device), 0.5), (x,))


SCATTER_REDUCE_GRADS = {  # (reduce, include_self): (out, grad self, grad src), weights [[1, 2, 3], [4, 5, 6]]
    ("sum", True): ([[3, 0, 6], [0, 9, 6]], [[1, 2, 3], [4, 5, 6]], [[1, 1, 3], [5, 5, 5]]),
    ("sum", False): ([[1, 0, 3], [0, 4, 6]], [[0, 2, 0], [4, 0, 6]], [[1, 1, 3], [5, 5, 5]]),
    ("prod", True): ([[0, 0, 9], [0, 0, 6]], [[0, 2, 9], [4, 0, 6]], [[0, 2, 9], [0, 0, 100]]),
    ("prod", False): ([[0, 0, 3], [0, 0, 6]], [[0, 2, 0], [4, 0, 6]], [[0, 1, 3], [0, 0, 20]]),
    ("mean", True): ([[1, 0, 3], [0, 2.25, 6]], [[1 / 3, 2, 1.5], [4, 1.25, 6]],
                     [[1 / 3, 1 / 3, 1.5], [1.25, 1.25, 1.25]]),
    ("mean", False): ([[0.5, 0, 3], [0, 4 / 3, 6]], [[0, 2, 0], [4, 0, 6]], [[0.5, 0.5, 3], [5 / 3, 5 / 3, 5 / 3]]),
    ("amax", True): ([[2, 0, 3], [0, 5, 6]], [[1, 2, 1.5], [4, 5, 6]], [[0, 0, 1.5], [0, 0, 0]]),
    ("amax", False): ([[1, 0, 3], [0, 2, 6]], [[0, 2, 0], [4, 0, 6]], [[1, 0, 1.5], [2.5, 2.5, 0]]),
    ("amin", True): ([[0, 0, 3], [0, 0, 6]], [[0, 2, 1.5], [4, 0, 6]], [[0, 1, 1.5], [0, 0, 5]]),
    ("amin", False): ([[0, 0, 3], [0, 0, 6]], [[0, 2, 0], [4, 0, 6]], [[0, 1, 1.5], [0, 0, 5]]),
}


@pytest.mark.parametrize("reduce,include_self", list(SCATTER_REDUCE_GRADS))
def test_scatter_reduce_grads_recorded(device, reduce, include_self):
    """Zeros (prod's rule) and ties (amax/amin split the gradient evenly, counting the input's
    own value even when include_self=False, as PyTorch does)."""
    x = const([[2., 0, 3], [0, 5, 6]], device, requires_grad=True)
    src = const([[1., 0, 3], [2, 2, 0]], device, requires_grad=True)
    out = x.scatter_reduce(1, L(IDX_COLS, device), src, reduce, include_self=include_self)
    gx, gsrc = gk.autograd.grad(out, (x, src), const([[1., 2, 3], [4, 5, 6]], device))
    expected_out, expected_gx, expected_gsrc = SCATTER_REDUCE_GRADS[reduce, include_self]
    assert_values(out, expected_out)
    assert_values(gx, expected_gx)
    assert_values(gsrc, expected_gsrc)


@pytest.mark.parametrize("include_self,expected", [
    (True, ([[3, 1, 3]], [[2, 2, 3]], [[2, 2, 0]])),
    (False, ([[3, 1, 2]], [[0, 2, 0]], [[2, 2, 3]])),
])
def test_scatter_reduce_amax_ties(device, include_self, expected):
    x = const([[3., 1, 3]], device, requires_grad=True)
    src = const([[3., 3, 2]], device, requires_grad=True)
    out = x.scatter_reduce(1, L([[0, 0, 2]], device), src, "amax", include_self=include_self)
    gx, gsrc = gk.autograd.grad(out, (x, src), const([[6., 2, 3]], device))
    assert_values(out, expected[0])
    assert_values(gx, expected[1])
    assert_values(gsrc, expected[2])


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_check_grads(device, reduce, include_self):
    x = rand64(3, 4, device=device, seed=3, low=0.5, high=2.0)
    # distinct magnitudes: no ties for amax/amin
    src = (rand64(3, 4, device=device, seed=4, low=0.5, high=2.0) * 1.01).detach().requires_grad_()
    if reduce == "prod":  # one zero among the factors of a position: PyTorch's masked rule
        src = (src * const([[1., 0, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]], device)).detach().requires_grad_()
    index = L([[0, 1, 0, 2], [0, 1, 2, 2], [2, 1, 0, 0]], device)
    check_grads(lambda x, s: x.scatter_reduce(0, index, s, reduce, include_self=include_self), (x, src))


def test_scatter_add_inplace_records(device):
    x = rand64(3, 4, device=device, seed=5)
    src = rand64(2, 4, device=device, seed=6)
    index = L([[0, 1, 0, 0], [0, 0, 2, 0]], device)

    def f(x, s):
        y = x * 1.0
        y.scatter_add_(0, index, s)
        return y

    check_grads(f, (x, src))


def test_index_add(device):
    x = F32(X34, device)
    out = x.index_add(0, L([2, 0, 2], device), gk.ones(3, 4, device=device), alpha=2.5)
    assert_values(out, [[2.5, 3.5, 4.5, 5.5], [4, 5, 6, 7], [13, 14, 15, 16]], dtype=gk.float32)
    out = x.index_add(1, L([3, 3], device), F32([[1., 2], [3, 4], [5, 6]], device))
    assert_values(out, [[0, 1, 2, 6], [4, 5, 6, 14], [8, 9, 10, 22]])
    ints = gk.tensor([1, 2, 3], device=device).index_add(0, L([0, 0], device), gk.tensor([5, 6], device=device),
                                                         alpha=2)
    assert_values(ints, [23, 2, 3], dtype=gk.int64)
    y = F32(X34, device)
    assert y.index_add_(0, L([1], device), gk.ones(1, 4, device=device)) is y
    assert_values(y, X34 + np.array([[0], [1], [0]]))


def test_index_add_errors(device):
    x = F32(X34, device)
    with pytest.raises(RuntimeError, match=r"index_add_\(\): self \(Float\) and source \(Double\) must have the same "
                                           r"scalar type"):
        x.index_add(0, L([0], device), gk.ones(1, 4, dtype=gk.float64, device=device))
    with pytest.raises(RuntimeError, match=r"index_add_\(\): Number of indices \(1\) should be equal to "
                                           r"source.size\(dim\): \(2\), for dim: 0"):
        x.index_add(0, L([0], device), gk.ones(2, 4, device=device))
    with pytest.raises(IndexError, match=r"index_add_\(\): Index is supposed to be a vector, but got dim: 2 with "
                                         r"type: Long and size: \[1, 1\]"):
        x.index_add(0, L([[0]], device), gk.ones(1, 4, device=device))
    with pytest.raises(RuntimeError, match=r"index_add_\(\): Expected dtype int32/int64 for index but got: Float"):
        x.index_add(0, F32([0.], device), gk.ones(1, 4, device=device))


def test_index_add_check_grads(device):
    x = rand64(3, 4, device=device, seed=7)
    src = rand64(4, 2, device=device, seed=8)
    check_grads(lambda x, s: x.index_add(1, L([3, 0], device), s, alpha=-1.5), (x, src[:3]))
    check_grads(lambda x, s: x.index_add(0, L([2, 0, 2, 2], device), s.reshape(2, 4).repeat(2, 1)), (x, src))


def test_index_fill_and_copy(device):
    x = F32(X34, device)
    assert_values(x.index_fill(1, L([0, 2], device), -1.5),
                  [[-1.5, 1, -1.5, 3], [-1.5, 5, -1.5, 7], [-1.5, 9, -1.5, 11]], dtype=gk.float32)
    assert_values(x.index_fill(0, L([1], device), gk.tensor(7., device=device)),
                  [[0, 1, 2, 3], [7] * 4, [8, 9, 10, 11]])
    assert_values(gk.tensor([1, 2, 3], device=device).index_fill(0, L([1], device), 2.7), [1, 2, 3], dtype=gk.int64)
    with pytest.raises(RuntimeError, match=r"index_fill_ only supports a 0-dimensional value tensor, but got tensor "
                                           r"with 1 dimension\(s\)."):
        x.index_fill(0, L([1], device), gk.tensor([7.], device=device))
    assert_values(x.index_copy(0, L([2, 0], device), F32([[1., 2, 3, 4], [5, 6, 7, 8]], device)),
                  [[5, 6, 7, 8], [4, 5, 6, 7], [1, 2, 3, 4]], dtype=gk.float32)
    with pytest.raises(RuntimeError, match=r"index_copy_\(\): self and source expected to have the same dtype, but "
                                           r"got \(self\) Float and \(source\) Double"):
        x.index_copy(0, L([0], device), gk.ones(1, 4, dtype=gk.float64, device=device))
    y = F32(X34, device)
    assert y.index_fill_(1, L([0], device), 0.5) is y
    assert y.index_copy_(0, L([0], device), gk.ones(1, 4, device=device)) is y
    assert_values(y, [[1, 1, 1, 1], [0.5, 5, 6, 7], [0.5, 9, 10, 11]])


def test_index_fill_and_copy_grads(device):
    a = const(X23, device, requires_grad=True)
    s = const(SRC23, device, requires_grad=True)
    gx, gs = weighted_grads(a.index_copy(0, L([1, 1], device), s), a, s)
    assert_values(gx, [[1, 2, 3], [0, 0, 0]])
    assert_values(gs, [[4, 5, 6], [4, 5, 6]])
    v = const(3., device, requires_grad=True)
    gx, gv = weighted_grads(a.index_fill(1, L([0, 2], device), v), a, v)
    assert_values(gx, [[0, 2, 0], [0, 5, 0]])
    assert_values(gv, 14.0)
    x = rand64(3, 4, device=device, seed=9)
    check_grads(lambda x, v: x.index_fill(1, L([3, 1], device), v), (x, rand64(device=device, seed=10)))
    check_grads(lambda x, s: x.index_copy(0, L([2, 0], device), s), (x, rand64(2, 4, device=device, seed=11)))


def test_index_put(device):
    x = F32(X34, device)
    out = x.index_put((L([0, 2], device), L([1, 3], device)), F32([-1., -2], device))
    assert_values(out, [[0, -1, 2, 3], [4, 5, 6, 7], [8, 9, 10, -2]], dtype=gk.float32)
    out = x.index_put((L([0, 0, 2], device),), gk.tensor(1., device=device), accumulate=True)
    assert_values(out, [[2, 3, 4, 5], [4, 5, 6, 7], [9, 10, 11, 12]])
    out = x.index_put((L([0, 0], device), L([1, 1], device)), F32([1., 2.], device), accumulate=True)
    assert_values(out, [[0, 4, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
    out = x.index_put((gk.tensor([True, False, True], device=device),), gk.tensor(0., device=device))
    assert_values(out, [[0] * 4, [4, 5, 6, 7], [0] * 4])
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match, got Float for "
                                           "the destination and Double for the source."):
        x.index_put((L([0], device),), gk.tensor(1., dtype=gk.float64, device=device))
    y = F32(X34, device)
    assert y.index_put_((L([1], device),), gk.tensor(-1., device=device)) is y
    assert_values(y, [[0, 1, 2, 3], [-1] * 4, [8, 9, 10, 11]])


def test_index_put_grads(device):
    a = const(X23, device, requires_grad=True)
    v = const([1., 2, 3], device, requires_grad=True)
    gx, gv = weighted_grads(a.index_put((L([0, 0], device),), v, accumulate=True), a, v)
    assert_values(gx, [[1, 2, 3], [4, 5, 6]])
    assert_values(gv, [2, 4, 6])
    x = rand64(3, 4, device=device, seed=12)
    check_grads(lambda x, v: x.index_put((L([0, 2, 0], device), L([1, 1, 1], device)), v, accumulate=True),
                (x, rand64(3, device=device, seed=13)))
    check_grads(lambda x, v: x.index_put((L([2, 0], device),), v), (x, rand64(4, device=device, seed=14)))


def test_masked_scatter(device):
    x = F32(X34, device)
    mask = gk.tensor([[True, False, True, False], [False, False, False, True], [True, True, False, False]],
                     device=device)
    out = x.masked_scatter(mask, gk.arange(100., 110., device=device).reshape(2, 5))
    assert_values(out, [[100, 1, 101, 3], [4, 5, 6, 102], [103, 104, 10, 11]], dtype=gk.float32)
    out = x.masked_scatter(gk.tensor([False, True, True, False], device=device), -gk.arange(1., 13., device=device))
    assert_values(out, [[0, -1, -2, 3], [4, -3, -4, 7], [8, -5, -6, 11]])
    with pytest.raises(RuntimeError, match="Number of elements of source < number of ones in mask"):
        x.masked_scatter(mask, gk.ones(3, device=device))
    with pytest.raises(RuntimeError, match="masked_scatter_ only supports boolean masks, but got mask with dtype Int"):
        x.masked_scatter(mask.int(), gk.ones(12, device=device))
    with pytest.raises(RuntimeError, match="masked_scatter: expected self and source to have same dtypes but "
                                           "gotFloat and Double"):
        x.masked_scatter(mask, gk.ones(12, dtype=gk.float64, device=device))
    y = F32(X34, device)
    assert y.masked_scatter_(mask, gk.zeros(5, device=device)) is y
    assert_values(y, np.where(host(mask), 0, X34))


def test_masked_scatter_grads(device):
    a = const(X23, device, requires_grad=True)
    s = const(SRC23, device, requires_grad=True)
    mask = gk.tensor([[True, False, True], [False, True, False]], device=device)
    gx, gs = weighted_grads(a.masked_scatter(mask, s), a, s)
    assert_values(gx, [[0, 2, 0], [4, 0, 6]])
    assert_values(gs, [[1, 3, 5], [0, 0, 0]])
    check_grads(lambda x, s: x.masked_scatter(mask, s), (rand64(2, 3, device=device, seed=15),
                                                         rand64(4, device=device, seed=16)))


def test_take_along_dim_broadcasts(device):
    x = F32(X34, device)
    assert_values(x.take_along_dim(L([[0, 3]], device), 1), [[0, 3], [4, 7], [8, 11]], dtype=gk.float32)
    assert_values(gk.take_along_dim(x.unsqueeze(0), L([[[2], [0], [1]]], device).expand(2, 3, 1), 2),
                  [[[2], [4], [9]], [[2], [4], [9]]])
    assert_values(x.take_along_dim(L([[11, 0]], device)), [11, 0])
    with pytest.raises(RuntimeError, match=r"torch.take_along_dim\(\): input and indices should have the same "
                                           r"number of dimensions, but got 2 dimensions for input, and 1 "
                                           r"dimensions for indices"):
        x.take_along_dim(L([0, 3], device), 1)
    check_grads(lambda x: x.take_along_dim(L([[0, 3, 3]], device), 1), (rand64(3, 4, device=device, seed=17),))


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_numpy_scatter_reduce_matches_portable_kernel(reduce, include_self, dtype):
    """The NumPy override (ufunc.at) against the portable array-API kernel, duplicates included."""
    from gradkit.backends.kernels.indexing import ScatterKernels

    if dtype == "bool" and reduce in ("sum", "mean", "prod"):
        pytest.skip("PyTorch's bool scatter_reduce is amax/amin only here")
    rng = np.random.default_rng(0)
    base = rng.integers(-3, 4, (4, 5, 3)).astype(dtype)
    values = rng.integers(-3, 4, (6, 5, 2)).astype(dtype)
    index = rng.integers(0, 4, (6, 5, 2))
    backend = gk.zeros(1)._device.backend
    got = backend.scatter_reduce(base, 0, index, values, reduce, include_self)
    portable = ScatterKernels.scatter_reduce(backend, base, 0, index, values, reduce, include_self)
    assert got.dtype == portable.dtype == base.dtype
    np.testing.assert_array_equal(got, portable)


@pytest.mark.parametrize("op,name", [
    (lambda x, i, s: x.scatter(0, i, s), "ScatterBackward0"),
    (lambda x, i, s: x.scatter(0, i, 1.0), "ScatterBackward1"),
    (lambda x, i, s: x.scatter_add(0, i, s), "ScatterAddBackward0"),
    (lambda x, i, s: x.scatter_reduce(0, i, s, "sum"), "ScatterReduceBackward0"),
    (lambda x, i, s: x.index_add(0, i[0, :2], s), "IndexAddBackward0"),
    (lambda x, i, s: x.index_fill(1, i[0, :2], -1.0), "IndexFillBackward0"),
    (lambda x, i, s: x.index_copy(0, i[0, :2], s), "IndexCopyBackward0"),
    (lambda x, i, s: x.index_put((i[0, :2],), s), "IndexPutBackward0"),
    (lambda x, i, s: x.index_put((i[0, :2],), s, accumulate=True), "IndexPutBackward0"),
    (lambda x, i, s: x.masked_scatter(x > 2, s), "MaskedScatterBackward0"),
    (lambda x, i, s: x.take_along_dim(i, 1), "GatherBackward0"),
])
def test_grad_fn_names(device, op, name):
    x = const(X23, device, requires_grad=True)
    src = const(SRC23, device, requires_grad=True)
    out = op(x, L([[1, 0, 1], [0, 1, 0]], device), src)
    assert type(out.grad_fn).__name__ == name or out.grad_fn.name() == name


def test_index_add_and_copy_shape_and_bound_errors(device):
    x = F32(X34, device)
    with pytest.raises(RuntimeError, match=r"source tensor shape must match self tensor shape, excluding the "
                                           r"specified dimension. Got self.shape = \[3, 4\] source.shape = \[1, 3\]"):
        x.index_add(0, L([0], device), gk.ones(1, 3, device=device))
    with pytest.raises(RuntimeError, match="index 5 is out of bounds for dimension 0 with size 3"):
        x.index_add(0, L([5], device), gk.ones(1, 4, device=device))
    with pytest.raises(RuntimeError, match="index -1 is out of bounds for dimension 0 with size 3"):
        x.index_add(0, L([-1], device), gk.ones(1, 4, device=device))
    with pytest.raises(IndexError, match=r"index_copy_\(\): Number of indices \(2\) should be equal to "
                                         r"source.size\(dim\) \(1\)"):
        x.index_copy(0, L([0, 1], device), gk.ones(1, 4, device=device))
    with pytest.raises(RuntimeError, match=r"index_copy_\(\): Source/destination tensor must have same slice shapes. "
                                           r"Destination slice shape: 3 at dimension 1 and source slice shape: 2 at "
                                           r"dimension 0."):
        x.index_copy(1, L([0], device), gk.ones(2, 1, device=device))
    with pytest.raises(IndexError, match=r"index_copy_\(\): index -1 is out of bounds for dimension 0 with size 3"):
        x.index_copy(0, L([-1], device), gk.ones(1, 4, device=device))
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        x.index_fill(0, L([5], device), 1.0)
    # index_fill counts from the end, as PyTorch does
    assert_values(x.index_fill(0, L([-1], device), 1.0), [[0, 1, 2, 3], [4, 5, 6, 7], [1, 1, 1, 1]])


def test_scatter_reduce_zero_dim_operands(device):
    def t(values):
        return gk.tensor(values, dtype=gk.float64, device=device)

    assert_values(t(1.).scatter_reduce(0, L([0, 0], device), t([2., 3.]), "sum"), 6.0)
    assert_values(t([1., 5.]).scatter_reduce(0, L(1, device), t(3.), "prod"), [1, 15])
    assert_values(t([1., 5.]).scatter_add(0, L([1, 1, 0], device), t([3., 4, 5])), [6, 12])
    assert_values(gk.scatter(gk.zeros(3, device=device), 0, L([2], device), src=gk.ones(1, device=device)), [0, 0, 1])
    check_grads(lambda x, s: x.scatter_reduce(0, L([0, 0], device), s, "prod"),
                (rand64(device=device, seed=18), rand64(2, device=device, seed=19)))
