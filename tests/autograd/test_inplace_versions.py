"""Version counters and in-place safety: in-place changes of tensors saved for backward
are caught (naming the op that saved them), in-place ops on leaves that require grad are
refused outside no_grad, and in-place ops on non-leaves (directly or through views)
differentiate correctly (numerical PyTorch comparisons: test_torch_parity.py)."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace operation"


def leaf(values, device, dtype=None):
    return gk.tensor(values, dtype=dtype or gk.float32, device=device, requires_grad=True)


def test_every_inplace_op_bumps_the_version(device):
    x = leaf([1.0, 2.0, 3.0], device) * 2
    versions = [x._version_number]
    for change in (lambda: x.add_(1), lambda: x.__iadd__(1), lambda: x.mul_(x.detach()),
                   lambda: x.__setitem__(0, 3.0), lambda: x.exp_(), lambda: x.zero_(), lambda: x.fill_(2.0),
                   lambda: x.copy_(gk.ones(3, device=device)), lambda: x[1:].mul_(2)):
        change()
        versions.append(x._version_number)
    assert versions == list(range(len(versions)))


def test_views_share_the_version_counter(device):
    x = leaf([[1.0, 2.0], [3.0, 4.0]], device) * 1
    views = [x[0], x[:, 1], x.t(), x.reshape(4), x.view(2, 2), x.unsqueeze(0), x.squeeze(), x.detach()]
    x.add_(1)
    assert all(v._version_number == x._version_number == 1 for v in views)
    views[1].mul_(2)
    assert all(v._version_number == 2 for v in views) and x._version_number == 2


def test_outputs_are_unaffected_by_a_later_plain_copy(device):
    """A fresh result has version 0; clone() starts a new counter."""
    x = leaf([1.0, 2.0], device) * 2
    x.add_(1)
    c = x.clone()
    assert c._version_number == 0 and x._version_number == 1


@pytest.mark.parametrize("change", ["add_", "iadd", "setitem", "zero_", "view_mul_", "detached"])
def test_modified_saved_input_raises(device, change):
    a = leaf([1.0, 2.0, 3.0], device)
    b = a * 2
    c = b * b  # MulBackward0 saves b
    {"add_": lambda: b.add_(1), "iadd": lambda: b.__iadd__(1), "setitem": lambda: b.__setitem__(0, 5.0),
     "zero_": lambda: b.zero_(), "view_mul_": lambda: b[:2].mul_(2), "detached": lambda: b.detach().add_(1)}[change]()
    with pytest.raises(RuntimeError, match=MODIFIED) as info:
        c.sum().backward()
    msg = str(info.value)
    assert "It was saved for backward by MulBackward0" in msg
    assert "is at version 1; expected version 0 instead" in msg


@pytest.mark.parametrize("op, name", [("exp", "ExpBackward0"), ("tanh", "TanhBackward0"),
                                      ("sigmoid", "SigmoidBackward0"), ("sqrt", "SqrtBackward0")])
def test_modified_saved_output_raises(device, op, name):
    a = leaf([1.0, 2.0, 3.0], device)
    y = getattr(a, op)()  # saves its own output
    s = y.sum()
    y.add_(1)
    with pytest.raises(RuntimeError, match=MODIFIED) as info:
        s.backward()
    assert f"saved for backward by {name}" in str(info.value)
    assert "which is output 0 of " in str(info.value)


def test_tensor_times_scalar_does_not_save_the_tensor(device):
    a = leaf([1.0, 2.0], device)
    x = a * 1
    y = x * 3 + x / 2
    x.add_(1)
    y.sum().backward()
    np.testing.assert_allclose(host(a.grad), [3.5, 3.5])


def test_modified_saved_output_under_no_grad_still_raises(device):
    a = leaf([1.0, 2.0], device)
    y = a.exp()
    s = y.sum()
    with gk.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match=MODIFIED):
        s.backward()


def test_modified_leaf_saved_by_mul_raises(device):
    """Changing a parameter in no_grad before backward of a graph that saved it."""
    w = leaf([1.0, 2.0], device)
    loss = (w * w).sum()
    with gk.no_grad():
        w.sub_(0.1)
    with pytest.raises(RuntimeError, match=MODIFIED) as info:
        loss.backward()
    assert "which is a leaf" in str(info.value)


def test_unsaved_tensor_may_change(device):
    a = leaf([1.0, 2.0], device)
    b = a * 2
    c = b + 1  # add saves nothing
    d = b.exp()  # saves its output, not b
    b.add_(10)
    (c.sum() + d.sum()).backward()
    np.testing.assert_allclose(host(a.grad), 2 + 2 * np.exp([2.0, 4.0]), rtol=1e-6)


def test_modified_tensor_in_custom_function_raises(device):
    class Square(gk.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    a = leaf([1.0, 2.0], device)
    b = a * 1
    y = Square.apply(b)
    b.add_(1)
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.sum().backward()


def test_dot_data_changes_are_invisible_to_autograd(device):
    """As in PyTorch: .data shares storage without the version counter."""
    a = leaf([1.0, 1.0], device)
    y = (a * a).sum()
    a.data.mul_(2)
    y.backward()
    np.testing.assert_array_equal(host(a.grad), [4.0, 4.0])
    assert a._version_number == 0


# -- leaves --------------------------------------------------------------------------------
LEAF = "a leaf Variable that requires grad is being used in an in-place operation"


@pytest.mark.parametrize("change", ["add_", "iadd", "mul_tensor", "zero_", "fill_", "setitem", "exp_", "copy_",
                                    "clamp_"])
def test_inplace_on_leaf_that_requires_grad_raises(device, change):
    a = leaf([1.0, 2.0, 3.0], device)
    with pytest.raises(RuntimeError, match=LEAF):
        {"add_": lambda: a.add_(1), "iadd": lambda: a.__iadd__(1), "mul_tensor": lambda: a.mul_(gk.ones(3, device=device)),
         "zero_": lambda: a.zero_(), "fill_": lambda: a.fill_(1.0), "setitem": lambda: a.__setitem__(0, 2.0),
         "exp_": lambda: a.exp_(), "copy_": lambda: a.copy_(gk.zeros(3, device=device)),
         "clamp_": lambda: a.clamp_(min=0)}[change]()
    np.testing.assert_array_equal(host(a), [1.0, 2.0, 3.0])  # refused before any change
    assert a._version_number == 0


def test_inplace_on_view_of_leaf_raises(device):
    a = leaf([1.0, 2.0, 3.0], device)
    with pytest.raises(RuntimeError, match="view of a leaf Variable that requires grad"):
        a[:2].mul_(2)


def test_inplace_on_leaf_allowed_under_no_grad(device):
    a = leaf([1.0, 2.0, 3.0], device)
    with gk.no_grad():
        a += 1
        a.mul_(2)
        a[0] = 7.0
        a[1:].add_(gk.ones(2, device=device, requires_grad=True))
        a.clamp_(max=8.5)
    assert a.is_leaf and a.requires_grad and a.grad_fn is None
    np.testing.assert_array_equal(host(a), [7.0, 7.0, 8.5])
    assert a._version_number == 5


def test_inplace_on_leaf_without_grad_is_recorded(device):
    """A leaf that doesn't require grad overwritten with differentiable values gets their history."""
    w = leaf([1.0, 2.0], device)
    buf = gk.zeros(2, device=device)
    buf.add_(w * 3)
    assert buf.requires_grad and not buf.is_leaf and buf.grad_fn is not None
    buf.sum().backward()
    np.testing.assert_array_equal(host(w.grad), [3.0, 3.0])


def test_zero_dim_results_can_be_changed_in_place(device):
    """NumPy returns 0-d results as immutable scalars; in-place ops on them must still work."""
    x = gk.tensor([1.0, 2.0, 3.0], device=device)
    s = x.sum()
    s += 1
    s.mul_(2)
    s.sub_(gk.tensor(1.0, device=device))
    assert s.item() == 13.0
    s.zero_()
    assert s.item() == 0.0
    s.fill_(4.0)
    s[...] = s + 1
    assert s.item() == 5.0


def test_integer_index_is_a_view(device):
    x = gk.tensor([1.0, 2.0, 3.0], device=device)
    v = x[0]
    v.add_(10)
    assert x[0].item() == 11.0 and v.item() == 11.0
    m = gk.zeros(2, 2, device=device)
    m[1, 0].fill_(3.0)
    m[0][1].add_(1.0)
    np.testing.assert_array_equal(host(m), [[0.0, 1.0], [3.0, 0.0]])


# -- non-leaves: gradients through in-place changes ----------------------------------------
def _equivalent(device, inplace_fn, plain_fn, shape=(3, 4), seed=0):
    a = rand64(*shape, device=device, seed=seed)
    inplace_fn(a).sum().backward()
    g_inplace = host(a.grad).copy()
    a.grad = None
    plain_fn(a).sum().backward()
    np.testing.assert_allclose(g_inplace, host(a.grad), rtol=1e-12, atol=1e-12)


def _inplace_chain(a):
    x = a * 2
    x += 1
    x.exp_()
    x.mul_(a)
    x -= a
    x.tanh_()
    x[0] = x[1].clone() * a[2]
    x[:, 1:3].mul_(a[:, :2])
    x.t()[0].div_(a[0, 0] + 3)
    return x


def _plain_chain(a):
    x = ((a * 2 + 1).exp() * a - a).tanh()
    x = gk.cat([(x[1] * a[2]).unsqueeze(0), x[1:]])
    x = gk.cat([x[:, :1], x[:, 1:3] * a[:, :2], x[:, 3:]], dim=1)
    return gk.cat([x[:, :1] / (a[0, 0] + 3), x[:, 1:]], dim=1)


def test_inplace_chain_matches_out_of_place(device):
    _equivalent(device, _inplace_chain, _plain_chain)


def test_inplace_chain_gradcheck(device):
    a = rand64(3, 4, device=device, seed=1)
    check_grads(_inplace_chain, (a,))


def test_split_pieces_changed_in_place(device):
    def inplace(a):
        x = a * 1
        first, second = x.split(2)
        first.mul_(3)
        second.add_(a[:1])
        return x * x

    def plain(a):
        return gk.cat([a[:2] * 3, a[2:] + a[:1]]) ** 2

    _equivalent(device, inplace, plain, shape=(4, 3))
