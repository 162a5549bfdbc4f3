"""D2L (zh, zh-v2.d2l.ai) 4.1 多层感知机 / chapter_multilayer-perceptrons/mlp.md, the pytorch
cells (激活函数: ReLU, sigmoid, tanh and their gradients).

The plots are skipped; the tensors handed to d2l.plot are printed (in full: 160 values).
"""
import torch

import _d2l as d2l  # noqa: F401  (the book's import; plotting is left out)


def cell(title):
    print(f"-- {title}")


cell("x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True); y = torch.relu(x); d2l.plot(x.detach(), y.detach(), 'x', 'relu(x)', ...)")
x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.relu(x)
print(repr(x.detach()))
print(repr(y.detach()))
print(x.shape, x.dtype, x.is_leaf, repr(y.grad_fn.name()), f'{x[80].item():.6g}', repr(y[78:83]))

cell("y.backward(torch.ones_like(x), retain_graph=True); d2l.plot(x.detach(), x.grad, 'x', 'grad of relu', ...)")
y.backward(torch.ones_like(x), retain_graph=True)
print(repr(x.grad))

cell("y = torch.sigmoid(x); d2l.plot(x.detach(), y.detach(), 'x', 'sigmoid(x)', ...)")
y = torch.sigmoid(x)
print(repr(y.detach()))

cell("x.grad.data.zero_(); y.backward(torch.ones_like(x),retain_graph=True); d2l.plot(x.detach(), x.grad, 'x', 'grad of sigmoid', ...)")
# 清除以前的梯度
x.grad.data.zero_()
y.backward(torch.ones_like(x),retain_graph=True)
print(repr(x.grad))

cell("y = torch.tanh(x); d2l.plot(x.detach(), y.detach(), 'x', 'tanh(x)', ...)")
y = torch.tanh(x)
print(repr(y.detach()))

cell("x.grad.data.zero_(); y.backward(torch.ones_like(x),retain_graph=True); d2l.plot(x.detach(), x.grad, 'x', 'grad of tanh', ...)")
# 清除以前的梯度
x.grad.data.zero_()
y.backward(torch.ones_like(x),retain_graph=True)
print(repr(x.grad))

cell("[not in the book] retain_graph kept the graph: a second backward accumulates")
y.backward(torch.ones_like(x))
print(repr(x.grad[75:85]), y.grad_fn.name())
