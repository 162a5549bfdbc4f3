"""Adoption: a leaf keeps the gradient Tensor it is handed as its ``.grad``, without a copy,
only when nothing else can see it -- decided at run time for each gradient (references to
the Tensor and its array, views, writability), never promised by an op class."""
from __future__ import annotations

import weakref

import numpy as np

import gradkit as gk
from gradkit.autograd import Function
from gradkit.autograd.node import Node
from helpers import host


def _shares_memory(a, b):
    return np.shares_memory(host(a), host(b)) if a.device.type == "cpu" else a._data is b._data


def test_a_leaf_written_into_a_slice_accumulates_twice(device):
    """The gradient of x[0:2] = v reaches v as a read-only view of a broadcast array: kept
    as .grad, the second backward could not add to it ("output array is read-only")."""
    v = gk.ones(2, requires_grad=True, device=device)
    for _ in range(2):
        x = gk.zeros(4, device=device).clone()
        x[0:2] = v
        x.sum().backward()
    assert host(v.grad).tolist() == [2.0, 2.0]  # PyTorch: tensor([2., 2.])


def test_two_leaves_fed_one_gradient_get_their_own_buffers(device):
    x = gk.ones(3, requires_grad=True, device=device)
    y = gk.ones(3, requires_grad=True, device=device)
    (x + y).sum().backward()
    assert x.grad is not y.grad
    assert not (device == "cpu" and _shares_memory(x.grad, y.grad))
    x.grad.add_(5.0)
    assert host(y.grad).tolist() == [1.0, 1.0, 1.0]


def test_a_user_gradient_is_never_adopted(device):
    g = gk.tensor([1.0, 2.0], device=device)
    a = gk.tensor([1.0, 1.0], device=device, requires_grad=True)
    a.backward(g)  # straight into the leaf
    assert a.grad is not g and not _shares_memory(a.grad, g)
    b = gk.tensor([1.0, 1.0], device=device, requires_grad=True)
    (b + 0.0).backward(g)  # passed on unchanged by add
    assert b.grad is not g and not _shares_memory(b.grad, g)
    (b + 0.0).backward(g)
    assert host(g).tolist() == [1.0, 2.0] and host(b.grad).tolist() == [2.0, 4.0]


def test_a_fresh_gradient_is_kept_without_a_copy(device):
    made = []

    class Scale(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 3.0

        @staticmethod
        def backward(ctx, g):
            out = g * 3.0
            made.append(weakref.ref(out))  # (a weak reference: no holder)
            return out

    x = gk.ones(2, requires_grad=True, device=device)
    Scale.apply(x).sum().backward()
    assert x.grad is made[0]()
    y = gk.ones(2, requires_grad=True, device=device)  # the same through autograd.grad's walk
    (gy,) = gk.autograd.grad(Scale.apply(y).sum(), y)
    assert gy is made[1]()


def test_a_fresh_gradient_from_a_node_is_kept_without_a_copy(device):
    """The same for a gradkit node (no user code runs, so the leaf is finished at the end of
    the walk, where the test is taken on other references)."""
    made = []

    class Triple(Node):
        def forward(self, backend, a):
            return a * 3.0

        def backward(self, g):
            out = g * 3.0
            made.append(weakref.ref(out))
            return out

    x = gk.ones(2, requires_grad=True, device=device)
    Triple.apply(x).sum().backward()
    assert x.grad is made[0]() and host(x.grad).tolist() == [3.0, 3.0]
    Triple.apply(x).sum().backward()  # accumulated in place into the kept tensor
    assert x.grad is made[0]() and host(x.grad).tolist() == [6.0, 6.0]


def test_a_gradient_someone_else_holds_is_copied(device):
    kept = []

    class Keep(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0

        @staticmethod
        def backward(ctx, g):
            out = g * 2.0
            kept.append(out)
            return out

    x = gk.ones(2, requires_grad=True, device=device)
    Keep.apply(x).sum().backward()
    Keep.apply(x).sum().backward()
    assert x.grad is not kept[0] and host(kept[0]).tolist() == [2.0, 2.0]
    assert host(x.grad).tolist() == [4.0, 4.0]


def test_a_gradient_whose_array_another_tensor_holds_is_copied(device):
    class ArrayAlias(Node):
        """Passes its gradient on as a new Tensor over the same array."""

        def forward(self, backend, a):
            return a

        def backward(self, g):
            self.seen = g  # keeps the Tensor whose array it hands on
            return gk.Tensor._make(g._data, g._device)

    x = gk.ones(2, requires_grad=True, device=device)
    y = ArrayAlias.apply(x * 1.0)
    y.backward(gk.ones(2, device=device) * 1.0)
    seen = y.grad_fn.seen
    x.grad.add_(1.0)
    assert host(seen).tolist() == [1.0, 1.0]


def test_backend_adoptable_answers(device):
    backend = gk.device(device).backend if device != "strict" else gk.ones(1, device=device)._device.backend
    xp = backend.xp

    class Holder:
        __slots__ = ("data",)

    h = Holder()
    # (each answer is taken outside the assert: pytest's rewritten asserts keep their operands)
    h.data = xp.ones(4)
    alone = backend.adoptable(h.data)
    other = h.data
    shared = backend.adoptable(h.data)  # a second holder
    del other
    h.data = xp.ones(4)[1:]
    view = backend.adoptable(h.data)
    h.data = xp.broadcast_to(xp.ones(1), (4,))
    read_only = backend.adoptable(h.data)
    assert (alone, shared, view, read_only) == (True, False, False, False)
