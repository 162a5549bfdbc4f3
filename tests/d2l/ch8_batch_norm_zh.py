"""D2L (zh, zh-v2.d2l.ai) 7.5 批量规范化 / chapter_convolutional-modern/batch-norm.md,
the pytorch cells: batch normalisation from scratch and the concise nn.BatchNorm2d/1d.

d2l is tests/d2l/_d2l.py. Departures from the book: a layer-shape walk (in prediction mode)
before training the from-scratch net; for a short deterministic run: both nets
train on the first 512 training and 128 test images of the fake Fashion-MNIST in batches of
128 (not 256), for 2 epochs (not 10); weights are NumPy draws (train_ch6).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # 通过is_grad_enabled来判断当前模式是训练模式还是预测模式
    if not torch.is_grad_enabled():
        # 如果是在预测模式下，直接使用传入的移动平均所得的均值和方差
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            # 使用全连接层的情况，计算特征维上的均值和方差
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            # 使用二维卷积层的情况，计算通道维上（axis=1）的均值和方差。
            # 这里我们需要保持X的形状以便后面可以做广播运算
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        # 训练模式下，用当前的均值和方差做标准化
        X_hat = (X - mean) / torch.sqrt(var + eps)
        # 更新移动平均的均值和方差
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta  # 缩放和移位
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    # num_features：完全连接层的输出数量或卷积层的输出通道数。
    # num_dims：2表示完全连接层，4表示卷积层
    def __init__(self, num_features, num_dims):
        super().__init__()
        if num_dims == 2:
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        # 参与求梯度和迭代的拉伸和偏移参数，分别初始化成1和0
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # 非模型参数的变量初始化为0和1
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        # 如果X不在内存上，将moving_mean和moving_var
        # 复制到X所在显存上
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        # 保存更新过的moving_mean和moving_var
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean,
            self.moving_var, eps=1e-5, momentum=0.9)
        return Y


cell("net = nn.Sequential(nn.Conv2d(1, 6, kernel_size=5), BatchNorm(6, num_dims=4), nn.Sigmoid(), ...)")
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5), BatchNorm(6, num_dims=4), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), BatchNorm(16, num_dims=4), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
    nn.Linear(16*4*4, 120), BatchNorm(120, num_dims=2), nn.Sigmoid(),
    nn.Linear(120, 84), BatchNorm(84, num_dims=2), nn.Sigmoid(),
    nn.Linear(84, 10))
print([(name, tuple(p.shape)) for name, p in net.named_parameters()][:4])
X = d2l.rand(2, 1, 28, 28)
with torch.no_grad():  # (prediction mode: the moving averages stay where they start)
    for layer in net:
        X = layer(X)
        print(layer.__class__.__name__, 'output shape:\t', X.shape)

cell("lr, num_epochs, batch_size = 1.0, 10, 256; ...; d2l.train_ch6(net, ...)  [batch_size 128, 512/128 images, 2 epochs]")
lr, num_epochs, batch_size = 1.0, 2, 128
train_iter, test_iter = d2l.load_data_fashion_mnist_small(batch_size, n_train=512, n_test=128)
d2l.seed(85)
d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())

cell("net[1].gamma.reshape((-1,)), net[1].beta.reshape((-1,))")
print(net[1].gamma.reshape((-1,)), net[1].beta.reshape((-1,)))
print(repr(net[1].moving_mean.reshape((-1,))), repr(net[1].moving_var.reshape((-1,))))

cell("net = nn.Sequential(nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(), ...)")
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
    nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
    nn.Linear(84, 10))
print(net)

cell("d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())")
d2l.seed(85)
d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())
print(repr(net[1].weight), repr(net[1].running_mean), repr(net[1].running_var), net[1].num_batches_tracked)
