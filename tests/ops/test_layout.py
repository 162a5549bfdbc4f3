"""Strides, contiguity and storage offsets as PyTorch reports them; view() refusing layouts it
cannot view; reversed slices refused; the in-place view ops that change a tensor's shape
(t_, transpose_, squeeze_, unsqueeze_). Expected values recorded from PyTorch 2.13."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64


def _cases(x):
    return {
        "base": x, "t01": x.transpose(0, 1), "perm": x.permute(2, 0, 1), "slice": x[:, 1:, ::2],
        "expand": x[:, :1].expand(2, 5, 4), "unsq": x.unsqueeze(2), "sel": x[1], "diag": x.diagonal(0, 1, 2),
        "narrow": x.narrow(2, 1, 2), "chunk": x.chunk(2, 2)[1], "mT_mul": x.mT * 2, "mT_clone": x.mT.clone(),
        "flip": x.flip(1), "cl": x.reshape(1, 2, 3, 4).contiguous(memory_format=gk.channels_last),
    }


# name: (shape, stride(), storage_offset(), is_contiguous())
TORCH_LAYOUT = {
    "base": ((2, 3, 4), (12, 4, 1), 0, True),
    "t01": ((3, 2, 4), (4, 12, 1), 0, False),
    "perm": ((4, 2, 3), (1, 12, 4), 0, False),
    "slice": ((2, 2, 2), (12, 4, 2), 4, False),
    "expand": ((2, 5, 4), (12, 0, 1), 0, False),
    "unsq": ((2, 3, 1, 4), (12, 4, 4, 1), 0, True),
    "sel": ((3, 4), (4, 1), 12, True),
    "diag": ((2, 3), (12, 5), 0, False),
    "narrow": ((2, 3, 2), (12, 4, 1), 1, False),
    "chunk": ((2, 3, 2), (12, 4, 1), 2, False),
    "mT_mul": ((2, 4, 3), (12, 1, 4), 0, False),
    "mT_clone": ((2, 4, 3), (12, 1, 4), 0, False),
    "flip": ((2, 3, 4), (12, 4, 1), 0, True),
    "cl": ((1, 2, 3, 4), (24, 1, 8, 2), 0, False),
}


@pytest.mark.parametrize("name", sorted(TORCH_LAYOUT))
def test_layout_as_pytorch_reports_it(name, device):
    if name == "diag" and device == "strict":
        pytest.skip("the strict device's diagonal is a copy (the array API has no strided views)")
    x = gk.arange(24.0, device=device).reshape(2, 3, 4)
    t = _cases(x)[name]
    shape, stride, offset, contiguous = TORCH_LAYOUT[name]
    assert tuple(t.shape) == shape
    assert t.stride() == stride and t.stride(-1) == stride[-1] and t.stride(0) == stride[0]
    assert t.storage_offset() == offset
    assert t.is_contiguous() is contiguous


@pytest.mark.parametrize("shape,stride", [((0, 3), (3, 1)), ((3, 0, 2), (2, 2, 1)), ((), ()), ((2, 1, 4, 5), (20, 20, 5, 1))])
def test_layout_of_fresh_tensors(shape, stride, device):
    t = gk.ones(shape, device=device)
    assert t.stride() == stride and t.is_contiguous() and t.storage_offset() == 0


def test_data_ptr_follows_the_memory():
    x = gk.arange(12.0).reshape(3, 4)
    assert x[1:].data_ptr() == x.data_ptr() + 4 * x.element_size()
    assert x.t().data_ptr() == x.data_ptr() and x.clone().data_ptr() != x.data_ptr()


def test_contiguous_copies_only_when_needed(device):
    x = gk.arange(12.0, device=device).reshape(3, 4)
    assert x.contiguous() is x
    y = x.t().contiguous()
    assert y.is_contiguous() and y.stride() == (3, 1) and y.grad_fn is None
    y.mul_(0)  # a copy: x keeps its values
    assert host(x).tolist() == np.arange(12.0).reshape(3, 4).tolist()
    w = gk.ones(3, 4, device=device, requires_grad=True)
    assert w.t().contiguous().grad_fn.name() == "CloneBackward0"


def test_channels_last(device):
    x = gk.arange(120.0, device=device).reshape(2, 3, 4, 5)
    assert not x.is_contiguous(memory_format=gk.channels_last)
    y = x.contiguous(memory_format=gk.channels_last)
    assert y.stride() == (60, 1, 15, 3) and not y.is_contiguous() and y.is_contiguous(memory_format=gk.channels_last)
    assert (y * 2).stride() == (60, 1, 15, 3) and y.clone().stride() == (60, 1, 15, 3)  # layouts are kept
    assert x.to(memory_format=gk.channels_last).stride() == (60, 1, 15, 3)
    assert host(y).tolist() == host(x).tolist()
    assert y.contiguous(memory_format=gk.channels_last) is y and y.contiguous().stride() == (60, 20, 5, 1)
    assert not gk.ones(2, 3, device=device).is_contiguous(memory_format=gk.channels_last)
    with pytest.raises(RuntimeError, match="rank 4"):
        gk.ones(2, 3, device=device).contiguous(memory_format=gk.channels_last)
    assert repr(gk.channels_last) == "gradkit.channels_last"


@pytest.mark.parametrize("name,shape,viewable", [
    ("t01", (-1,), False), ("t01", (3, -1), False), ("t01", (3, 2, 4, 1), True),
    ("slice", (-1,), False), ("slice", (2, -1), True), ("slice", (2, 2, 2, 1), True),
    ("expand", (-1,), False), ("expand", (2, -1), False), ("expand", (2, 5, 4, 1), True),
    ("perm", (-1,), False), ("perm", (4, -1), True), ("perm", (4, 2, 3, 1), True)])
def test_view_refuses_layouts_it_cannot_view(name, shape, viewable, device):
    t = _cases(gk.arange(24.0, device=device).reshape(2, 3, 4))[name]
    if viewable:
        v = t.view(shape)
        assert host(v).ravel().tolist() == host(t).ravel().tolist()
        assert v.storage_offset() == t.storage_offset()
    else:
        with pytest.raises(RuntimeError, match=r"view size is not compatible .* Use \.reshape\(\.\.\.\) instead"):
            t.view(shape)
        assert host(t.reshape(shape)).ravel().tolist() == host(t).ravel().tolist()  # reshape copies instead


def test_reversed_slices_raise(device):
    x = gk.arange(12.0, device=device).reshape(3, 4)
    for key in (slice(None, None, -1), (slice(None), slice(None, None, -2)), slice(None, None, 0)):
        with pytest.raises(ValueError, match="step must be greater than zero"):
            x[key]
        with pytest.raises(ValueError, match="step must be greater than zero"):
            x[key] = 0.0


def test_non_view_results_own_their_memory(device):
    """flip and rot90 copy in PyTorch; NumPy's are views: a write to the result must not reach x."""
    x = gk.arange(6.0, device=device).reshape(2, 3)
    for out in (x.flip(0), x.rot90(), x.rot90(2), x.t().contiguous(), x.clone()):
        out.mul_(0)
    assert host(x).tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    gk.einsum("ij->ji", x).mul_(0)  # a permutation: a view in PyTorch too
    assert host(x).tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]


# op: (result shape, stride, PyTorch's grad_fn name)
RESTRIDE = {
    "t_": (lambda y: y.t_(), (3, 2), (1, 3), "TBackward1"),
    "transpose_": (lambda y: y.transpose_(0, 1), (3, 2), (1, 3), "TransposeBackward1"),
    "swapdims_": (lambda y: y.swapdims_(0, 1), (3, 2), (1, 3), "TransposeBackward1"),
    "swapaxes_": (lambda y: y.swapaxes_(1, 0), (3, 2), (1, 3), "TransposeBackward1"),
    "unsqueeze_": (lambda y: y.unsqueeze_(1), (2, 1, 3), (3, 3, 1), "UnsqueezeBackward1"),
    "squeeze_": (lambda y: y.unsqueeze(0).squeeze_(), (2, 3), (3, 1), "SqueezeBackward3"),
    "squeeze_dim": (lambda y: y.unsqueeze(0).squeeze_(0), (2, 3), (3, 1), "SqueezeBackward4"),
}


@pytest.mark.parametrize("op", sorted(RESTRIDE))
def test_inplace_views_change_self(op, device):
    fn, shape, stride, name = RESTRIDE[op]
    x = gk.arange(6.0, device=device).reshape(2, 3)
    expected = host(x)
    expected = expected.T if stride == (1, 3) else expected.reshape(shape)
    y = x.clone()
    version = y._version[0]
    out = fn(y)
    assert tuple(out.shape) == shape and out.stride() == stride
    assert out._version[0] > version
    np.testing.assert_array_equal(host(out), expected)
    w = gk.ones(2, 3, dtype=gk.float64, device=device, requires_grad=True)
    assert fn(w * 1).grad_fn.name() == name


def test_inplace_view_of_a_leaf_requiring_grad_raises(device):
    w = gk.ones(2, 3, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        w.unsqueeze_(0)
    with gk.no_grad():
        assert tuple(w.t_().shape) == (3, 2)


def test_gradients_flow_through_inplace_views(device):
    # recorded from PyTorch: x.grad == [0, 200, 400, 6, 8, 10]
    x = gk.arange(6.0, device=device, requires_grad=True)
    v = x * 1
    u = v.view(2, 3)[0]
    u.unsqueeze_(0)  # u stays a view of v, one step further
    u.mul_(10)
    (v * v).sum().backward()
    assert host(x.grad).tolist() == [0.0, 200.0, 400.0, 6.0, 8.0, 10.0]

    def restrided(a):
        b = a * 1
        b.unsqueeze_(0)
        b.t_()
        return b * b.sum()
    check_grads(restrided, (rand64(4, device=device, seed=3),))


def test_saved_tensors_notice_the_version_change(device):
    x = gk.ones(2, 3, device=device, requires_grad=True)
    y = x * 2
    z = y * y  # saves y
    y.t_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
