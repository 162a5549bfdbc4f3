"""D2L (zh, zh-v2.d2l.ai) 6.3 填充和步幅 / chapter_convolutional-neural-networks/padding-and-strides.md,
the pytorch cells.

Departures from the book: X comes from NumPy (d2l.rand) and the layers' weights too, so the
outputs' values are printed beside their shapes.
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


# 为了方便起见，我们定义了一个计算卷积层的函数。
# 此函数初始化卷积层权重，并对输入和输出提高和缩减相应的维数
def comp_conv2d(conv2d, X):
    # 这里的（1，1）表示批量大小和通道数都是1
    X = X.reshape((1, 1) + X.shape)
    Y = conv2d(X)
    # 省略前两个维度：批量大小和通道
    return Y.reshape(Y.shape[2:])


cell("conv2d = nn.Conv2d(1, 1, kernel_size=3, padding=1); X = torch.rand(size=(8, 8)); comp_conv2d(conv2d, X).shape")
# 请注意，这里每边都填充了1行或1列，因此总共添加了2行或2列
conv2d = nn.Conv2d(1, 1, kernel_size=3, padding=1)
X = torch.rand(size=(8, 8))
print(comp_conv2d(conv2d, X).shape)
print(conv2d)
X = d2l.rand(8, 8)  # [the same values in both runs]
d2l.same_weights(conv2d)
print(repr(comp_conv2d(conv2d, X)[:2]))

cell("conv2d = nn.Conv2d(1, 1, kernel_size=(5, 3), padding=(2, 1)); comp_conv2d(conv2d, X).shape")
conv2d = nn.Conv2d(1, 1, kernel_size=(5, 3), padding=(2, 1))
print(comp_conv2d(conv2d, X).shape)
print(conv2d)
d2l.same_weights(conv2d)
print(repr(comp_conv2d(conv2d, X)[-2:]))

cell("conv2d = nn.Conv2d(1, 1, kernel_size=3, padding=1, stride=2); comp_conv2d(conv2d, X).shape")
conv2d = nn.Conv2d(1, 1, kernel_size=3, padding=1, stride=2)
print(comp_conv2d(conv2d, X).shape)
print(conv2d)
d2l.same_weights(conv2d)
print(repr(comp_conv2d(conv2d, X)))

cell("conv2d = nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)); comp_conv2d(conv2d, X).shape")
conv2d = nn.Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))
print(comp_conv2d(conv2d, X).shape)
print(conv2d)
d2l.same_weights(conv2d)
print(repr(comp_conv2d(conv2d, X)))
