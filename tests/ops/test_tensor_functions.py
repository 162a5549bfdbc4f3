"""softmax/log_softmax as gradkit functions and Tensor methods, diagonal, diag_embed,
tril_indices, triu_indices, cartesian_prod, column_stack, rot90, every form of
repeat_interleave, flip(dims=), unique(dim=) and unique_consecutive: values recorded from
PyTorch 2.13, float64 gradcheck and gradgradcheck on every device, PyTorch's errors."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values, const


# ----------------------------------------------------------------------------- softmax
def test_softmax_functions_and_methods(device):
    x = const([[1., 2, 3], [4, 5, 6]], device, dtype=gk.float32)
    assert_values(x.softmax(1), [[0.09003057, 0.24472848, 0.66524094]] * 2, dtype=gk.float32, rtol=1e-6)
    assert_values(gk.softmax(x, 0, dtype=gk.float64), [[0.04742587317756678] * 3, [0.9525741268224334] * 3],
                  dtype=gk.float64)
    assert_values(x.log_softmax(dim=0), [[-3.0485873] * 3, [-0.04858732] * 3], rtol=1e-6)
    assert_values(gk.log_softmax(x, 1, gk.float64), [[-2.4076059644443806, -1.4076059644443806,
                                                      -0.4076059644443806]] * 2, dtype=gk.float64)
    if device == "cpu":  # the strict device has no float16
        assert x.softmax(0, gk.float16).dtype == gk.float16
    assert_values(gk.softmax(const(2., device), 0), 1.0)
    assert_values(gk.softmax(gk.tensor([1, 2], device=device), 0, dtype=gk.float32), [0.26894142, 0.7310586],
                  rtol=1e-6)
    # the same nodes as nn.functional's
    assert gk.softmax(x.requires_grad_(), 1).grad_fn.name() == gk.nn.functional.softmax(x, 1).grad_fn.name()


def test_softmax_errors(device):
    x = const([[1., 2]], device)
    with pytest.raises(TypeError):
        gk.softmax(x)
    with pytest.raises(NotImplementedError, match="\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"):
        gk.softmax(gk.tensor([1, 2], device=device), 0)
    with pytest.raises(NotImplementedError, match="\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'"):
        gk.tensor([1, 2], device=device).log_softmax(0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.softmax(dim=3)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_grads(device, name):
    x = rand64(3, 4, device=device, seed=0)
    check_grads(lambda t: getattr(gk, name)(t, -1), (x,))
    check_grads(lambda t: getattr(t, name)(0), (x,))


# ----------------------------------------------------------------------------- diagonal, diag_embed
def test_diagonal_values(device):
    m = gk.arange(12., device=device).reshape(3, 4)
    x = gk.arange(24., device=device).reshape(2, 3, 4)
    assert_values(m.diagonal(), [0., 5, 10])
    assert_values(gk.diagonal(m, 1), [1., 6, 11])
    assert_values(gk.diagonal(m, -1), [4., 9])
    assert gk.diagonal(m, 5).shape == (0,) and gk.diagonal(m, -4).shape == (0,)
    assert_values(gk.diagonal(x, 0, 0, 2), [[0., 13], [4, 17], [8, 21]])
    assert_values(x.diagonal(offset=1, dim1=-1, dim2=1), [[4., 9], [16, 21]])
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)"):
        gk.diagonal(const([1., 2], device))
    with pytest.raises(RuntimeError, match="diagonal dimensions cannot be identical 1, 1"):
        gk.diagonal(m, 0, 1, 1)
    with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\], but got 2"):
        gk.diagonal(m, 0, 0, 2)


def test_diagonal_is_a_view_on_cpu():
    m = gk.arange(12., device="cpu").reshape(3, 4)
    d = m.diagonal(1)
    d.mul_(-1)
    assert_values(m, [[0., -1, 2, 3], [4, 5, -6, 7], [8, 9, 10, -11]])
    # a write through the view while recording reaches the base's history
    a = gk.ones(3, 3, dtype=gk.float64, requires_grad=True)
    b = a * 2
    b.diagonal().zero_()
    b.sum().backward()
    assert_values(a.grad, [[0., 2, 2], [2, 0, 2], [2, 2, 0]])


def test_diagonal_shares_the_version_counter(device):
    m = gk.zeros(3, 3, device=device)
    d = m.diagonal()
    m.add_(1)
    assert d._version is m._version


@pytest.mark.parametrize("args", [(0, 0, 1), (1, 0, 1), (-1, 1, 0), (1, -1, 0), (2, 0, 2)])
def test_diagonal_grads(device, args):
    x = rand64(3, 4, 5, device=device, seed=1)
    check_grads(lambda t: gk.diagonal(t, *args), (x,))


def test_diag_embed_values(device):
    v = const([[1., 2], [3, 4]], device, dtype=gk.float32)
    assert_values(gk.diag_embed(v), [[[1., 0], [0, 2]], [[3., 0], [0, 4]]], dtype=gk.float32)
    assert_values(gk.diag_embed(v, 1), [[[0., 1, 0], [0, 0, 2], [0, 0, 0]], [[0., 3, 0], [0, 0, 4], [0, 0, 0]]])
    assert gk.diag_embed(v, -1, 0, 2).shape == (3, 2, 3)
    assert_values(gk.diag_embed(v, 0, 0, 2), [[[1., 0], [3, 0]], [[0., 2], [0, 4]]])
    assert_values(gk.diag_embed(gk.tensor([1, 2], device=device)), [[1, 0], [0, 2]], dtype=gk.int64)
    assert v.diag_embed(offset=1, dim1=-1, dim2=0).shape == (3, 2, 3)
    with pytest.raises(RuntimeError, match="diagonal dimensions cannot be identical 1, 1"):
        gk.diag_embed(v, 0, 1, 1)
    with pytest.raises(IndexError, match=r"expected to be in range of \[-1, 0\], but got -2"):
        gk.diag_embed(const(3., device))


@pytest.mark.parametrize("args", [(0, -2, -1), (1, -2, -1), (-2, 0, 2), (1, -1, 0)])
def test_diag_embed_grads(device, args):
    v = rand64(2, 3, device=device, seed=2)
    check_grads(lambda t: gk.diag_embed(t, *args), (v,))


def test_diagonal_of_diag_embed_is_the_input(device):
    v = rand64(2, 3, device=device, seed=3, requires_grad=False)
    assert_values(gk.diag_embed(v, 1, 0, 2).diagonal(1, 0, 2), host(v))


# ----------------------------------------------------------------------------- index helpers
def test_tril_triu_indices(device):
    assert_values(gk.tril_indices(3, 3, device=device), [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]], dtype=gk.int64)
    assert_values(gk.tril_indices(4, 3, 1, device=device), [[0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3],
                                                            [0, 1, 0, 1, 2, 0, 1, 2, 0, 1, 2]])
    assert_values(gk.triu_indices(3, 4, -1, device=device), [[0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2],
                                                             [0, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3]])
    assert_values(gk.triu_indices(3, 3, dtype=gk.int32, device=device), [[0, 0, 0, 1, 1, 2], [0, 1, 2, 1, 2, 2]],
                  dtype=gk.int32)
    assert_values(gk.tril_indices(3, 3, offset=-1, device=device), [[1, 2, 2], [0, 0, 1]])
    for empty in (gk.tril_indices(0, 3, device=device), gk.tril_indices(3, 4, -5, device=device),
                  gk.triu_indices(2, 2, 5, device=device)):
        assert empty.shape == (2, 0) and empty.dtype == gk.int64
    assert gk.tril_indices(2, 2, device=device).device == gk.tensor(0, device=device).device
    with pytest.raises(RuntimeError, match="row must be non-negative, got-1"):
        gk.tril_indices(-1, 3)
    with pytest.raises(NotImplementedError, match="\"tril_indices\" not implemented for 'Float'"):
        gk.tril_indices(3, 3, dtype=gk.float32)


def test_cartesian_prod(device):
    a, b = gk.tensor([1, 2], device=device), gk.tensor([3, 4, 5], device=device)
    assert_values(gk.cartesian_prod(a, b), [[1, 3], [1, 4], [1, 5], [2, 3], [2, 4], [2, 5]], dtype=gk.int64)
    assert_values(gk.cartesian_prod(a), [1, 2])
    assert gk.cartesian_prod(a, b, gk.tensor([6, 7], device=device)).shape == (12, 3)
    assert gk.cartesian_prod(a, gk.tensor([], dtype=gk.int64, device=device)).shape == (0, 2)
    with pytest.raises(RuntimeError, match="meshgrid expects all tensors to have the same dtype"):
        gk.cartesian_prod(a, gk.tensor([6.], device=device))
    with pytest.raises(RuntimeError, match=r"Expect a 1D vector, but got shape \[3, 4\]"):
        gk.cartesian_prod(gk.zeros(3, 4, device=device))


def test_cartesian_prod_grads(device):
    a, b = rand64(2, device=device, seed=4), rand64(3, device=device, seed=5)
    check_grads(lambda s, t: gk.cartesian_prod(s, t), (a, b))


def test_column_stack(device):
    a = gk.tensor([1, 2], device=device)
    assert_values(gk.column_stack((a, gk.tensor([7, 8], device=device))), [[1, 7], [2, 8]], dtype=gk.int64)
    assert_values(gk.column_stack([const(1., device), const([2.], device)]), [[1., 2]])
    m = gk.arange(12., device=device).reshape(3, 4)
    assert_values(gk.column_stack([m[:2], a, const([[1.], [2]], device)]), [[0., 1, 2, 3, 1, 1], [4, 5, 6, 7, 2, 2]])
    assert gk.column_stack([gk.zeros(2, 3, 4, device=device)] * 2).shape == (2, 6, 4)
    with pytest.raises(RuntimeError, match="column_stack expects a non-empty TensorList"):
        gk.column_stack([])
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 1"):
        gk.column_stack([a, gk.tensor([1, 2, 3], device=device)])


def test_column_stack_grads(device):
    a, b = rand64(3, device=device, seed=6), rand64(3, 2, device=device, seed=7)
    check_grads(lambda s, t: gk.column_stack([s, t]), (a, b))


def test_rot90(device):
    s = gk.arange(6, device=device).reshape(2, 3)
    assert_values(gk.rot90(s), [[2, 5], [1, 4], [0, 3]], dtype=gk.int64)
    assert_values(gk.rot90(s, 2), [[5, 4, 3], [2, 1, 0]])
    assert_values(gk.rot90(s, -1), [[3, 0], [4, 1], [5, 2]])
    assert_values(s.rot90(3, [1, 0]), [[2, 5], [1, 4], [0, 3]])
    assert_values(gk.rot90(s, 5), [[2, 5], [1, 4], [0, 3]])
    assert_values(gk.rot90(s, 1, (-1, 0)), [[3, 0], [4, 1], [5, 2]])
    assert_values(gk.rot90(s, 0), host(s))
    assert gk.rot90(gk.zeros(2, 3, 4, device=device), 1, [2, 0]).shape == (4, 3, 2)
    with pytest.raises(RuntimeError, match="expected rotation dims to be different, but got dim0 = 0 and dim1 = 0"):
        gk.rot90(s, 1, dims=[0, 0])
    with pytest.raises(RuntimeError, match="expected total rotation dims == 2, but got dims = 1"):
        gk.rot90(s, 1, [0])
    with pytest.raises(RuntimeError, match="expected total dims >= 2, but got total dims = 1"):
        gk.rot90(gk.tensor([1, 2], device=device), 1)
    with pytest.raises(IndexError, match="Dimension out of range"):
        gk.rot90(s, 1, [0, 2])


@pytest.mark.parametrize("k", [0, 1, 2, 3, -1])
def test_rot90_grads(device, k):
    x = rand64(2, 3, 2, device=device, seed=8)
    check_grads(lambda t: gk.rot90(t, k, (2, 0)), (x,))


# ----------------------------------------------------------------------------- repeat_interleave, flip
def test_repeat_interleave_forms(device):
    x = const([[1., 2], [3, 4]], device, dtype=gk.float32)
    counts = gk.tensor([1, 2], device=device)
    assert_values(gk.repeat_interleave(x, counts, dim=0), [[1., 2], [3, 4], [3, 4]], dtype=gk.float32)
    assert_values(x.repeat_interleave(gk.tensor([2], device=device), dim=1), [[1., 1, 2, 2], [3, 3, 4, 4]])
    assert_values(gk.repeat_interleave(x, gk.tensor(2, device=device), dim=1), [[1., 1, 2, 2], [3, 3, 4, 4]])
    assert_values(gk.repeat_interleave(x, gk.tensor([1, 2, 0, 1], device=device)), [1., 2, 2, 4])
    assert_values(gk.repeat_interleave(x, 2), [1., 1, 2, 2, 3, 3, 4, 4])
    assert_values(gk.repeat_interleave(x, counts, dim=0, output_size=3), [[1., 2], [3, 4], [3, 4]])
    assert_values(gk.repeat_interleave(x, 2, dim=0, output_size=4), [[1., 2], [1, 2], [3, 4], [3, 4]])
    assert_values(gk.repeat_interleave(const(3., device), 2), [3., 3.])
    # the one-argument form: each index repeated
    assert_values(gk.repeat_interleave(gk.tensor([2, 0, 3], device=device)), [0, 0, 2, 2, 2], dtype=gk.int64)
    assert_values(gk.repeat_interleave(gk.tensor([2, 1], device=device), output_size=3), [0, 0, 1])
    assert_values(gk.repeat_interleave(gk.tensor([2, 1], dtype=gk.int32, device=device)), [0, 0, 1], dtype=gk.int32)


def test_repeat_interleave_errors(device):
    x = const([[1., 2], [3, 4]], device)
    with pytest.raises(RuntimeError, match="allocated size does not match required size"):
        gk.repeat_interleave(x, gk.tensor([1, 2], device=device), dim=0, output_size=4)
    with pytest.raises(RuntimeError, match=r"repeats must have the same size as input along dim, but got "
                                           r"repeats.size\(0\) = 3 and input.size\(0\) = 2"):
        gk.repeat_interleave(x, gk.tensor([1, 2, 3], device=device), dim=0)
    with pytest.raises(RuntimeError, match="repeats can not be negative"):
        gk.repeat_interleave(x, gk.tensor([1, -2], device=device), dim=0)
    with pytest.raises(RuntimeError, match="repeats must be 0-dim or 1-dim tensor"):
        gk.repeat_interleave(x, gk.tensor([[1, 2]], device=device), dim=0)
    with pytest.raises(NotImplementedError, match="\"repeat_interleave_cpu\" not implemented for 'Float'"):
        gk.repeat_interleave(x, gk.tensor([1., 2], device=device), dim=0)
    with pytest.raises(RuntimeError, match="Repeats must be non-negative"):
        gk.repeat_interleave(x, -1)
    with pytest.raises(IndexError, match="Dimension out of range"):
        gk.repeat_interleave(x, gk.tensor([1, 2], device=device), dim=2)


def test_repeat_interleave_tensor_gradient(device):
    y = const([[1., 2], [3, 4]], device, requires_grad=True)
    gk.repeat_interleave(y, gk.tensor([1, 3], device=device), dim=0).sum().backward()
    assert_values(y.grad, [[1., 1], [3, 3]])


@pytest.mark.parametrize("dim", [0, 1, None])
def test_repeat_interleave_grads(device, dim):
    x = rand64(3, 2, device=device, seed=9)
    counts = gk.tensor([2, 0, 1] if dim == 0 else [1, 3] if dim == 1 else [1, 0, 2, 1, 1, 3], device=device)
    check_grads(lambda t: gk.repeat_interleave(t, counts, dim), (x,))


def test_flip_dims_keyword(device):
    x = const([[1., 2], [3, 4]], device)
    assert_values(gk.flip(x, dims=(0,)), [[3., 4], [1, 2]])
    assert_values(x.flip(dims=[0, 1]), [[4., 3], [2, 1]])
    assert_values(x.flip(dims=1), [[2., 1], [4, 3]])
    assert_values(x.flip([1]), [[2., 1], [4, 3]])
    assert_values(x.flip(0, 1), [[4., 3], [2, 1]])
    with pytest.raises(TypeError, match="flip\\(\\) got multiple values for argument 'dims'"):
        gk.flip(x, (0,), dims=1)
    check_grads(lambda t: t.flip(dims=(0, 1)), (rand64(2, 3, device=device, seed=10),))


# ----------------------------------------------------------------------------- unique
U = [[1, 2, 1], [0, 2, 1], [1, 2, 1], [0, 1, 5]]


def test_unique_dim(device):
    u = gk.tensor(U, device=device)
    values, inverse, counts = gk.unique(u, dim=0, return_inverse=True, return_counts=True)
    assert_values(values, [[0, 1, 5], [0, 2, 1], [1, 2, 1]], dtype=gk.int64)
    assert_values(inverse, [2, 1, 2, 0], dtype=gk.int64)
    assert_values(counts, [1, 1, 2], dtype=gk.int64)
    values, inverse, counts = u.unique(dim=1, return_inverse=True, return_counts=True)
    assert_values(values, [[1, 1, 2], [0, 1, 2], [1, 1, 2], [0, 5, 1]])
    assert_values(inverse, [0, 2, 1])
    assert_values(counts, [1, 1, 1])
    assert_values(gk.unique(u, dim=-1), [[1, 1, 2], [0, 1, 2], [1, 1, 2], [0, 5, 1]])
    values, inverse = gk.unique(const([[2., 1], [2, 1]], device), dim=0, return_inverse=True)
    assert_values(values, [[2., 1]])
    assert_values(inverse, [0, 0])
    assert_values(gk.unique(gk.tensor([[True, False], [True, False]], device=device), dim=1),
                  [[False, True], [False, True]])
    values, counts = gk.unique(gk.zeros(0, 3, device=device), dim=0, return_counts=True)
    assert values.shape == (0, 3) and counts.shape == (0,)
    with pytest.raises(IndexError, match="Dimension out of range"):
        gk.unique(u, dim=2)
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no dimensions"):
        gk.unique(gk.tensor(3, device=device), dim=0)


def test_unique_without_dim_keeps_its_forms(device):
    assert_values(gk.tensor(U, device=device).unique(sorted=False), [0, 1, 2, 5])
    values, inverse, counts = gk.unique(gk.tensor([3, 1, 2, 3, 1], device=device), sorted=False,
                                        return_inverse=True, return_counts=True)
    assert_values(values, [1, 2, 3])
    assert_values(inverse, [2, 0, 1, 2, 0])
    assert_values(counts, [2, 1, 2])


def test_unique_consecutive(device):
    c = gk.tensor([1, 1, 2, 2, 3, 1, 1, 2], device=device)
    assert_values(gk.unique_consecutive(c), [1, 2, 3, 1, 2], dtype=gk.int64)
    values, inverse, counts = gk.unique_consecutive(c, return_inverse=True, return_counts=True)
    assert_values(values, [1, 2, 3, 1, 2])
    assert_values(inverse, [0, 0, 1, 1, 2, 3, 3, 4])
    assert_values(counts, [2, 2, 1, 2, 1])
    values, counts = c.unique_consecutive(return_counts=True)
    assert_values(counts, [2, 2, 1, 2, 1])
    values, inverse, counts = gk.unique_consecutive(gk.tensor(U, device=device), dim=0, return_inverse=True,
                                                    return_counts=True)
    assert_values(values, U)
    assert_values(inverse, [0, 1, 2, 3])
    assert_values(counts, [1, 1, 1, 1])
    m = gk.tensor([[1, 1, 2], [3, 3, 4]], device=device)
    values, inverse = gk.unique_consecutive(m, return_inverse=True)
    assert_values(values, [1, 2, 3, 4])
    assert_values(inverse, [[0, 0, 1], [2, 2, 3]])
    values, inverse, counts = gk.unique_consecutive(m, dim=1, return_inverse=True, return_counts=True)
    assert_values(values, [[1, 2], [3, 4]])
    assert_values(inverse, [0, 0, 1])
    assert_values(counts, [2, 1])
    values, inverse, counts = gk.unique_consecutive(gk.tensor([], dtype=gk.int64, device=device),
                                                    return_inverse=True, return_counts=True)
    assert values.shape == inverse.shape == counts.shape == (0,)
    values, inverse, counts = gk.unique_consecutive(gk.tensor(5, device=device), return_inverse=True,
                                                    return_counts=True)
    assert_values(values, [5])
    assert_values(inverse, 0)
    assert_values(counts, [1])


def test_unique_matches_numpy_on_random_rows(device):
    data = np.random.default_rng(0).integers(0, 3, size=(40, 3))
    values, inverse, counts = gk.unique(gk.tensor(data, device=device), dim=0, return_inverse=True,
                                        return_counts=True)
    ref_values, ref_inverse, ref_counts = np.unique(data, axis=0, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(host(values), ref_values)
    np.testing.assert_array_equal(host(inverse), ref_inverse.reshape(-1))
    np.testing.assert_array_equal(host(counts), ref_counts)
