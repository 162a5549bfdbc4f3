"""D2L (zh, zh-v2.d2l.ai) 4.4 模型选择、欠拟合和过拟合 /
chapter_multilayer-perceptrons/underfit-overfit.md, the pytorch cells (多项式回归).

The book's data cell draws from NumPy's global generator; it is seeded here. d2l is
tests/d2l/_d2l.py (load_array's shuffle=True is a NumPy-drawn sampler there). Departures
from the book, for a short deterministic run: train() starts nn.Linear from a NumPy draw of
its default U(-1/sqrt(in), 1/sqrt(in)) weights (one marked line), and runs EPOCHS[i]
epochs instead of the book's 400, 400 and 1500. The animator's points (epoch 1 and every
20th) are printed instead of plotted.
"""
import math

import numpy as np
import torch
from torch import nn

import _d2l as d2l

np.random.seed(0)
EPOCHS = iter([100, 100, 200])


def cell(title):
    print(f"-- {title}")


cell("max_degree = 20; ... features = np.random.normal(...); poly_features = ...; labels = ...")
max_degree = 20  # 多项式的最大阶数
n_train, n_test = 100, 100  # 训练和测试数据集大小
true_w = np.zeros(max_degree)  # 分配大量的空间
true_w[0:4] = np.array([5, 1.2, -3.4, 5.6])

features = np.random.normal(size=(n_train + n_test, 1))
np.random.shuffle(features)
poly_features = np.power(features, np.arange(max_degree).reshape(1, -1))
for i in range(max_degree):
    poly_features[:, i] /= math.gamma(i + 1)  # gamma(n)=(n-1)!
# labels的维度:(n_train+n_test,)
labels = np.dot(poly_features, true_w)
labels += np.random.normal(scale=0.1, size=labels.shape)

cell("true_w, features, poly_features, labels = [d2l.tensor(x, dtype=d2l.float32) for x in [...]]")
# NumPy ndarray转换为tensor
true_w, features, poly_features, labels = [torch.tensor(x, dtype=
    torch.float32) for x in [true_w, features, poly_features, labels]]
print([(tuple(t.shape), t.dtype) for t in (true_w, features, poly_features, labels)])

cell("features[:2], poly_features[:2, :], labels[:2]")
print(repr((features[:2], poly_features[:2, :], labels[:2])))


def evaluate_loss(net, data_iter, loss):  #@save
    """评估给定数据集上模型的损失"""
    metric = d2l.Accumulator(2)  # 损失的总和,样本数量
    for X, y in data_iter:
        out = net(X)
        y = d2l.reshape(y, out.shape)
        l = loss(out, y)
        metric.add(d2l.reduce_sum(l), d2l.size(l))
    return metric[0] / metric[1]


def train(train_features, test_features, train_labels, test_labels,
          num_epochs=400):
    num_epochs = next(EPOCHS)  # [shorter than the book]
    loss = nn.MSELoss(reduction='none')
    input_shape = train_features.shape[-1]
    # 不设置偏置，因为我们已经在多项式特征中实现了它
    net = nn.Sequential(nn.Linear(input_shape, 1, bias=False))
    net[0].weight.data[:] = d2l.uniform(-1, 1, (1, input_shape)) / math.sqrt(input_shape)  # [the same start]
    batch_size = min(10, train_labels.shape[0])
    train_iter = d2l.load_array((train_features, train_labels.reshape(-1,1)),
                                batch_size)
    test_iter = d2l.load_array((test_features, test_labels.reshape(-1,1)),
                               batch_size, is_train=False)
    trainer = torch.optim.SGD(net.parameters(), lr=0.01)
    for epoch in range(num_epochs):
        d2l.train_epoch_ch3(net, train_iter, loss, trainer)
        if epoch == 0 or (epoch + 1) % 20 == 0:
            print(f'epoch {epoch + 1}: train {evaluate_loss(net, train_iter, loss):.6g}, '
                  f'test {evaluate_loss(net, test_iter, loss):.6g}')
    print(repr(net[0].weight.data))  # [what the next line shows, without NumPy]
    print('weight:', net[0].weight.data.numpy())


cell("train(poly_features[:n_train, :4], poly_features[n_train:, :4], labels[:n_train], labels[n_train:])  [三阶多项式函数拟合(正态)]")
# 从多项式特征中选择前4个维度，即1,x,x^2/2!,x^3/3!
train(poly_features[:n_train, :4], poly_features[n_train:, :4],
      labels[:n_train], labels[n_train:])

cell("train(poly_features[:n_train, :2], poly_features[n_train:, :2], labels[:n_train], labels[n_train:])  [线性函数拟合(欠拟合)]")
# 从多项式特征中选择前2个维度，即1和x
train(poly_features[:n_train, :2], poly_features[n_train:, :2],
      labels[:n_train], labels[n_train:])

cell("train(poly_features[:n_train, :], poly_features[n_train:, :], labels[:n_train], labels[n_train:], num_epochs=1500)  [高阶多项式函数拟合(过拟合)]")
# 从多项式特征中选取所有维度
train(poly_features[:n_train, :], poly_features[n_train:, :],
      labels[:n_train], labels[n_train:], num_epochs=1500)
