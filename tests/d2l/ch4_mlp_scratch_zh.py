"""D2L (zh, zh-v2.d2l.ai) 4.2 多层感知机的从零开始实现 /
chapter_multilayer-perceptrons/mlp-scratch.md, the pytorch cells.

d2l is tests/d2l/_d2l.py: the fake 600/200-image Fashion-MNIST, NumPy-drawn shuffling.
Departures from the book: batch_size 32 instead of 256; the book's
nn.Parameter(torch.randn(...) * 0.01) lines are kept and checked, then W1 and W2 get the
same draw from NumPy in both runs (W.data[:] = ...).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("batch_size = 256; train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)  [batch_size 32]")
batch_size = 32
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)

cell("W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens, requires_grad=True) * 0.01); b1 = ...; params = [W1, b1, W2, b2]")
num_inputs, num_outputs, num_hiddens = 784, 10, 256

W1 = nn.Parameter(torch.randn(
    num_inputs, num_hiddens, requires_grad=True) * 0.01)
b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
W2 = nn.Parameter(torch.randn(
    num_hiddens, num_outputs, requires_grad=True) * 0.01)
b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))

params = [W1, b1, W2, b2]
print([type(p).__name__ for p in params], [tuple(p.shape) for p in params],
      [p.is_leaf for p in params], [p.grad_fn for p in params], [p.requires_grad for p in params])
print(isinstance(W1, torch.Tensor), abs(float(W1.std()) - 0.01) < 1e-3)

cell("[not in the book] W1, W2: the same N(0, 0.01) draws from NumPy")
W1.data[:] = d2l.randn(num_inputs, num_hiddens) * 0.01
W2.data[:] = d2l.randn(num_hiddens, num_outputs) * 0.01
print(repr(W2[:2, :5]))


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


cell("[not in the book] relu(X) = torch.max(X, torch.zeros_like(X)) and its gradient (0.5 at a tie)")
X = torch.tensor([[-1.0, 0.0, 2.0]], requires_grad=True)
r = relu(X)
r.sum().backward()
print(repr(r), repr(X.grad))


def net(X):
    X = X.reshape((-1, num_inputs))
    H = relu(X@W1 + b1)  # 这里“@”代表矩阵乘法
    return (H@W2 + b2)


cell("loss = nn.CrossEntropyLoss(reduction='none')")
loss = nn.CrossEntropyLoss(reduction='none')
X, y = next(iter(test_iter))
print(repr(net(X)[:2, :4]), repr(loss(net(X), y)[:4]))

cell("num_epochs, lr = 10, 0.1; updater = torch.optim.SGD(params, lr=lr); d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, updater)")
num_epochs, lr = 10, 0.1
updater = torch.optim.SGD(params, lr=lr)
d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, updater)
print(repr(b2), repr(W1[400, :5]))

cell("d2l.predict_ch3(net, test_iter)")
d2l.predict_ch3(net, test_iter)
