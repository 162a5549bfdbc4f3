"""Gradient shapes checked as PyTorch's engine checks a backward's results (validate_outputs):
a gradient whose shape the input's shape broadcasts to is summed down to it; any other
shape is a RuntimeError naming the function and the input. Checked for custom Functions
(against their recorded input shapes) and at leaves (against the leaf's shape)."""
from __future__ import annotations

import pytest

import gradkit as gk
from gradkit.autograd import Function
from gradkit.autograd.node import Node
from helpers import host


def _returning(shape):
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0

        @staticmethod
        def backward(ctx, g):
            return gk.ones(*shape, device=g.device)

    return Bad


class BadNode(Node):
    """Passes its input through; its backward returns a gradient of the shape it is told."""

    def forward(self, backend, a, shape):
        self.shape = shape
        return a

    def backward(self, g):
        return gk.ones(*self.shape, device=g.device)


def test_a_function_gradient_the_input_broadcasts_to_is_summed(device):
    x = gk.ones(3, requires_grad=True, device=device)
    _returning((2, 3)).apply(x).sum().backward()
    assert host(x.grad).tolist() == [2.0, 2.0, 2.0]  # PyTorch: tensor([2., 2., 2.])
    y = gk.ones(3, requires_grad=True, device=device)
    _returning((2, 1, 3)).apply(y * 1.0).sum().backward()  # into an interior node
    assert host(y.grad).tolist() == [2.0, 2.0, 2.0]
    z = gk.ones(2, 1, requires_grad=True, device=device)
    _returning((2, 3)).apply(z).sum().backward()  # a dim of 1 summed, keepdim
    assert host(z.grad).tolist() == [[3.0], [3.0]]


def test_a_function_gradient_of_another_shape_raises(device):
    x = gk.ones(3, requires_grad=True, device=device)
    with pytest.raises(RuntimeError) as info:
        _returning((2,)).apply(x).sum().backward()
    assert str(info.value) == ("Function BadBackward returned an invalid gradient at index 0 - got [2] but "
                               "expected shape compatible with [3]")


@pytest.mark.parametrize("walk", ["backward", "autograd.grad", "used twice"])
def test_a_node_gradient_is_checked_at_the_leaf(device, walk):
    x = gk.ones(3, requires_grad=True, device=device)

    def run(shape):
        y = BadNode.apply(x, shape=shape)
        if walk == "backward":
            y.sum().backward()
            return x.grad
        if walk == "autograd.grad":
            return gk.autograd.grad(y.sum(), x)[0]
        (y.sum() + (x * 1.0).sum()).backward()  # x gets two gradients
        return x.grad

    got = run((4, 3))
    assert host(got).tolist() == ([5.0] * 3 if walk == "used twice" else [4.0] * 3)
    x.grad = None
    with pytest.raises(RuntimeError, match=r"^Function BadNodeBackward0 returned an invalid gradient at index 0 - "
                                           r"got \[2\] but expected shape compatible with \[3\]$"):
        run((2,))
