"""D2L (zh, zh-v2.d2l.ai) 6.2 图像卷积 / chapter_convolutional-neural-networks/conv-layer.md,
the pytorch cells.

d2l is tests/d2l/_d2l.py. Departures from the book: Conv2D's torch.rand kernel and
nn.Conv2d's default initialisation are replaced by NumPy draws (the same start in both runs).
"""
import math

import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


def corr2d(X, K):  #@save
    """计算二维互相关运算"""
    h, w = K.shape
    Y = d2l.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = d2l.reduce_sum((X[i: i + h, j: j + w] * K))
    return Y


cell("X = d2l.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]); K = d2l.tensor([[0.0, 1.0], [2.0, 3.0]]); corr2d(X, K)")
X = d2l.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
K = d2l.tensor([[0.0, 1.0], [2.0, 3.0]])
print(repr(corr2d(X, K)))


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


cell("class Conv2D(nn.Module): ...  [the kernel from NumPy]")
layer = Conv2D((2, 2))
print([(name, tuple(p.shape)) for name, p in layer.named_parameters()])
layer.weight.data[:] = d2l.rand(2, 2)  # [the same start]
print(repr(layer(X)))

cell("X = d2l.ones((6, 8)); X[:, 2:6] = 0; X")
X = d2l.ones((6, 8))
X[:, 2:6] = 0
print(repr(X))

cell("K = d2l.tensor([[1.0, -1.0]]); Y = corr2d(X, K); Y")
K = d2l.tensor([[1.0, -1.0]])
Y = corr2d(X, K)
print(repr(Y))

cell("corr2d(d2l.transpose(X), K)")
print(repr(corr2d(d2l.transpose(X), K)))

cell("conv2d = nn.Conv2d(1,1, kernel_size=(1, 2), bias=False); ... for i in range(10): ...  [weight from NumPy]")
# 构造一个二维卷积层，它具有1个输出通道和形状为（1，2）的卷积核
conv2d = nn.Conv2d(1,1, kernel_size=(1, 2), bias=False)
print(conv2d, tuple(conv2d.weight.shape), conv2d.bias)
conv2d.weight.data[:] = d2l.uniform(-1 / math.sqrt(2), 1 / math.sqrt(2), (1, 1, 1, 2))  # [the same start]

# 这个二维卷积层使用四维输入和输出格式（批量大小、通道、高度、宽度），
# 其中批量大小和通道数都为1
X = X.reshape((1, 1, 6, 8))
Y = Y.reshape((1, 1, 6, 7))
lr = 3e-2  # 学习率

for i in range(10):
    Y_hat = conv2d(X)
    l = (Y_hat - Y) ** 2
    conv2d.zero_grad()
    l.sum().backward()
    # 迭代卷积核
    conv2d.weight.data[:] -= lr * conv2d.weight.grad
    if (i + 1) % 2 == 0:
        print(f'epoch {i+1}, loss {l.sum():.3f}')

cell("d2l.reshape(conv2d.weight.data, (1, 2))")
print(repr(d2l.reshape(conv2d.weight.data, (1, 2))))
print(repr(Y_hat), Y_hat.grad_fn.name() if hasattr(Y_hat.grad_fn, 'name') else None)
