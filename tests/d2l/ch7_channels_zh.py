"""D2L (zh, zh-v2.d2l.ai) 6.4 多输入多输出通道 / chapter_convolutional-neural-networks/channels.md,
the pytorch cells (d2l.normal draws from NumPy, as everywhere in these scripts).
"""
import torch

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


def corr2d_multi_in(X, K):
    # 先遍历“X”和“K”的第0个维度（通道维度），再把它们加在一起
    return sum(d2l.corr2d(x, k) for x, k in zip(X, K))


cell("X = ...; K = ...; corr2d_multi_in(X, K)")
X = d2l.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
               [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
K = d2l.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])

print(repr(corr2d_multi_in(X, K)))


def corr2d_multi_in_out(X, K):
    # 迭代“K”的第0个维度，每次都对输入“X”执行互相关运算。
    # 最后将所有结果都叠加在一起
    return d2l.stack([corr2d_multi_in(X, k) for k in K], 0)


cell("K = d2l.stack((K, K + 1, K + 2), 0); K.shape")
K = d2l.stack((K, K + 1, K + 2), 0)
print(K.shape)

cell("corr2d_multi_in_out(X, K)")
print(repr(corr2d_multi_in_out(X, K)))

cell("[not in the book] the same with nn.functional.conv2d")
print(repr(torch.nn.functional.conv2d(X.unsqueeze(0), K)))


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = d2l.reshape(X, (c_i, h * w))
    K = d2l.reshape(K, (c_o, c_i))
    # 全连接层中的矩阵乘法
    Y = d2l.matmul(K, X)
    return d2l.reshape(Y, (c_o, h, w))


cell("X = d2l.normal(0, 1, (3, 3, 3)); K = d2l.normal(0, 1, (2, 3, 1, 1)); Y1 = ...; Y2 = ...; assert ...")
X = d2l.normal(0, 1, (3, 3, 3))
K = d2l.normal(0, 1, (2, 3, 1, 1))
Y1 = corr2d_multi_in_out_1x1(X, K)
Y2 = corr2d_multi_in_out(X, K)
assert float(d2l.reduce_sum(d2l.abs(Y1 - Y2))) < 1e-6
print(repr(Y1[0]))
Y3 = torch.nn.functional.conv2d(X.unsqueeze(0), K)[0]
print(float(d2l.reduce_sum(d2l.abs(Y1 - Y3))) < 1e-6)
