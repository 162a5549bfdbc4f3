"""Programs that run unchanged on PyTorch and on gradkit: ``case(T, mk)`` gets the library
module ``T`` and ``mk(values, requires_grad=False)`` (a float64 tensor on the test
device) and returns ``{name: tensor or float}``.

The PyTorch results live in ``_torch_expected.py``; ``record_torch_expected.py`` rewrites
that file from a Python where ``import torch`` works. This module imports neither library.
"""
from __future__ import annotations

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


A3 = [0.5, 1.0, 2.0]
M23 = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]


# -- in-place ops on non-leaf tensors -------------------------------------------------------
@case
def chain_of_inplace(T, mk):
    a = mk(A3, True)
    x = a * 2
    x += 1
    x.exp_()
    x2 = a * 0.5
    x2.mul_(3)
    x2.sub_(a)
    x2.add_(a * a)
    x2.tanh_()
    (x * x2).sum().backward()
    return {"a.grad": a.grad, "x": x, "x2": x2}


@case
def inplace_arith_with_tensors(T, mk):
    a, b = mk(A3, True), mk([1.5, -0.5, 0.25], True)
    x = a * b
    x.add_(b, alpha=2)
    x.sub_(a)
    x.div_(b + 3)
    x.pow_(2)
    x.clamp_(max=1.0)
    x.sum().backward()
    return {"a.grad": a.grad, "b.grad": b.grad, "x": x}


@case
def inplace_operators(T, mk):
    a = mk(A3, True)
    x = a * 1
    x *= a
    x -= 0.5
    x /= 2
    x += a
    x.neg_()
    x.sum().backward()
    return {"a.grad": a.grad, "x": x}


@case
def setitem_on_nonleaf(T, mk):
    a = mk(A3, True)
    x = a * 2
    x[1] = a[0] * 5
    x[0] += a[2]
    x.sum().backward()
    return {"a.grad": a.grad, "x": x}


@case
def setitem_on_nonleaf_2d(T, mk):
    m = mk(M23, True)
    x = m * 3
    x[:, 1] = m[:, 0] ** 2
    x[0] *= m[1]
    (x * x).sum().backward()
    return {"m.grad": m.grad, "x": x}


@case
def setitem_into_constant_buffer(T, mk):
    a = mk(A3, True)
    out = T.zeros(3, 2, dtype=T.float64, device=a.device)
    out[:, 0] = a * 2
    out[1, 1] = a[1] ** 3
    (out * out).sum().backward()
    return {"a.grad": a.grad, "out": out}


@case
def zero_and_fill_on_nonleaf(T, mk):
    a = mk(A3, True)
    x = a * 2
    x.zero_()
    y = a * 3
    y.fill_(4.0)
    ((x + a) * (y + a)).sum().backward()
    return {"a.grad": a.grad, "x": x, "y": y}


@case
def fill_with_tensor_that_requires_grad(T, mk):
    a, s = mk(A3, True), mk(1.5, True)
    x = a * 2
    x.fill_(s)
    (x * a).sum().backward()
    return {"a.grad": a.grad, "s.grad": s.grad, "x": x}


@case
def copy_into_nonleaf(T, mk):
    a, b = mk(A3, True), mk([1.0, 2.0, 3.0], True)
    x = a * 2
    x.copy_(b * b)
    (x * a).sum().backward()
    return {"a.grad": a.grad, "b.grad": b.grad, "x": x}


@case
def inplace_on_zero_dim_result(T, mk):
    a = mk(A3, True)
    s = (a * a).sum()
    s += 1
    s.mul_(3)
    s.backward()
    return {"a.grad": a.grad, "s": s}


# -- in-place ops through views ---------------------------------------------------------------
@case
def inplace_on_slice_view(T, mk):
    a = mk(A3, True)
    x = a * 2
    v = x[:2]
    v.mul_(3)
    (x * x).sum().backward()
    return {"a.grad": a.grad, "x": x}


@case
def inplace_on_integer_view(T, mk):
    a = mk(A3, True)
    x = a * 2
    x[0].add_(a[1] * 10)
    x[2].exp_()
    (x * a).sum().backward()
    return {"a.grad": a.grad, "x": x}


@case
def inplace_on_view_of_view(T, mk):
    m = mk(M23, True)
    x = m * 1
    row = x[1]
    tail = row[1:]
    tail.mul_(m[0, :2])
    (x ** 2).sum().backward()
    return {"m.grad": m.grad, "x": x}


@case
def inplace_on_transposed_and_reshaped_views(T, mk):
    m = mk(M23, True)
    x = m * 2
    x.t()[2].add_(m[:, 0])
    x.reshape(6)[1:4].mul_(m[1])
    x.unsqueeze(0)[0, 0].exp_()
    (x * m).sum().backward()
    return {"m.grad": m.grad, "x": x}


@case
def copy_into_view_of_constant_buffer(T, mk):
    a = mk(A3, True)
    out = T.zeros(5, dtype=T.float64, device=a.device)
    out[1:4].copy_(a * 3)
    out[0].fill_(2.0)
    (out * out).sum().backward()
    return {"a.grad": a.grad, "out": out, "out.requires_grad": float(out.requires_grad)}


@case
def base_changed_after_view_taken(T, mk):
    a = mk(A3, True)
    x = a * 2
    v = x[1:]
    x.mul_(a)  # v sees the new values; its gradient must go through the mul_
    (v * v).sum().backward()
    return {"a.grad": a.grad, "v": v}


@case
def sibling_view_changed(T, mk):
    a = mk([0.5, 1.0, 2.0, -1.0], True)
    x = a * 1
    left, right = x[:3], x[1:]
    left.mul_(3)
    (right * a[1:]).sum().backward()
    return {"a.grad": a.grad, "right": right}


@case
def view_changed_under_no_grad(T, mk):
    a = mk(A3, True)
    x = a * 2
    v = x[:2]
    with T.no_grad():
        v.mul_(10)
    (x * a).sum().backward()
    return {"a.grad": a.grad, "x": x}


@case
def reshape_copy_is_not_a_view(T, mk):
    m = mk(M23, True)
    x = m * 1
    flat = x.t().reshape(6)  # not contiguous: a copy, writes to it don't reach x
    flat.mul_(5)
    (x.sum() + flat.sum()).backward()
    return {"m.grad": m.grad, "x": x}


@case
def detached_view_is_not_differentiable(T, mk):
    a = mk(A3, True)
    x = a * 2
    d = x.detach()
    d[0].fill_(7.0)  # changes x's values, not its history
    (x * 1).sum().backward()
    return {"a.grad": a.grad, "x": x}


@case
def setitem_through_a_view(T, mk):
    m = mk(M23, True)
    x = m * 2
    row = x[1]
    row[0] = m[0, 0] * 4
    row[1:] = (row[1:] + 1) * m[0, 1:]
    (x * m).sum().backward()
    return {"m.grad": m.grad, "x": x}


@case
def augmented_assignment_on_a_slice(T, mk):
    m = mk(M23, True)
    x = m.exp()
    y = x * 1
    y[:, 0] *= m[:, 1]
    y[1] += m[0]
    (y ** 2).sum().backward()
    return {"m.grad": m.grad, "y": y}


@case
def zero_and_fill_through_views(T, mk):
    a = mk([0.5, 1.0, 2.0, -1.0], True)
    x = a * 3
    x[1:3].zero_()
    x[3:].fill_(5.0)
    (x * a).sum().backward()
    return {"a.grad": a.grad, "x": x}
