"""D2L (zh, zh-v2.d2l.ai) 6.5 汇聚层 / chapter_convolutional-neural-networks/pooling.md,
the pytorch cells, plus average pooling with the same windows (the book's text names it).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    Y = d2l.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == 'max':
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == 'avg':
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y


cell("X = d2l.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]); pool2d(X, (2, 2))")
X = d2l.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
print(repr(pool2d(X, (2, 2))))

cell("pool2d(X, (2, 2), 'avg')")
print(repr(pool2d(X, (2, 2), 'avg')))

cell("X = d2l.reshape(d2l.arange(16, dtype=d2l.float32), (1, 1, 4, 4)); X")
X = d2l.reshape(d2l.arange(16, dtype=d2l.float32), (1, 1, 4, 4))
print(repr(X))

cell("pool2d = nn.MaxPool2d(3); pool2d(X)")
pool2d = nn.MaxPool2d(3)
print(pool2d, repr(pool2d(X)))

cell("pool2d = nn.MaxPool2d(3, padding=1, stride=2); pool2d(X)")
pool2d = nn.MaxPool2d(3, padding=1, stride=2)
print(pool2d, repr(pool2d(X)))

cell("pool2d = nn.MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1)); pool2d(X)")
pool2d = nn.MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1))
print(pool2d, repr(pool2d(X)))

cell("X = d2l.concat((X, X + 1), 1); X")
X = d2l.concat((X, X + 1), 1)
print(repr(X))

cell("pool2d = nn.MaxPool2d(3, padding=1, stride=2); pool2d(X)")
pool2d = nn.MaxPool2d(3, padding=1, stride=2)
print(repr(pool2d(X)))

cell("[not in the book] nn.AvgPool2d with the same windows, and a gradient through each")
for pool in (nn.AvgPool2d(3, padding=1, stride=2), nn.AvgPool2d((2, 3), stride=(2, 3), padding=(0, 1)),
             nn.MaxPool2d(3, padding=1, stride=2)):
    Xg = X.clone().requires_grad_(True)
    Y = pool(Xg)
    (Y * d2l.arange(Y.numel(), dtype=d2l.float32).reshape(Y.shape)).sum().backward()
    print(pool, repr(Y[0, 1]), repr(Xg.grad[0, 0]))
