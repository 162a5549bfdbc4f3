"""D2L (zh, zh-v2.d2l.ai) 7.7 稠密连接网络（DenseNet） / chapter_convolutional-modern/densenet.md,
the pytorch cells.

d2l is tests/d2l/_d2l.py. Departures from the book, for a short deterministic run: the block
cells' inputs come from d2l.randn; the training sees the first 32 training and 16 test
images of the fake Fashion-MNIST resized to 32 (not 96; three transition layers halve 28
too often) in NumPy, in batches of 16, for two epochs;
the training runs in float64 (net.double(), float64 images): after a step or two, float32
rounding amplified through the batch-norm layers' backward (PyTorch's and gradkit's alike,
equally far from a float64 reference) parts the two libraries' losses by more than a few ulps;
weights are NumPy draws (train_ch6).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


def conv_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1))


class DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super(DenseBlock, self).__init__()
        layer = []
        for i in range(num_convs):
            layer.append(conv_block(
                num_channels * i + input_channels, num_channels))
        self.net = nn.Sequential(*layer)

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            # 连接通道维度上每个块的输入和输出
            X = torch.cat((X, Y), dim=1)
        return X


cell("blk = DenseBlock(2, 3, 10); X = torch.randn(4, 3, 8, 8); Y = blk(X); Y.shape")
blk = DenseBlock(2, 3, 10)
X = torch.randn(4, 3, 8, 8)
Y = blk(X)
print(Y.shape)
d2l.seed(88)
d2l.same_weights(blk)
X = d2l.randn(4, 3, 8, 8)  # [the same values in both runs]
Y = blk(X)
print(repr(Y[0, -1, :2]))


def transition_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))


cell("blk = transition_block(23, 10); blk(Y).shape")
blk = transition_block(23, 10)
print(blk(Y).shape)
print(blk)
d2l.same_weights(blk)
print(repr(blk(Y)[0, 0]))

cell("b1 = ...; blks = [...]; net = nn.Sequential(b1, *blks, nn.BatchNorm2d(num_channels), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(num_channels, 10))")
b1 = nn.Sequential(
    nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3),
    nn.BatchNorm2d(64), nn.ReLU(),
    nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
# num_channels为当前的通道数
num_channels, growth_rate = 64, 32
num_convs_in_dense_blocks = [4, 4, 4, 4]
blks = []
for i, num_convs in enumerate(num_convs_in_dense_blocks):
    blks.append(DenseBlock(num_convs, num_channels, growth_rate))
    # 上一个稠密块的输出通道数
    num_channels += num_convs * growth_rate
    # 在稠密块之间添加一个转换层，使通道数量减半
    if i != len(num_convs_in_dense_blocks) - 1:
        blks.append(transition_block(num_channels, num_channels // 2))
        num_channels = num_channels // 2
net = nn.Sequential(
    b1, *blks,
    nn.BatchNorm2d(num_channels), nn.ReLU(),
    nn.AdaptiveAvgPool2d((1, 1)),
    nn.Flatten(),
    nn.Linear(num_channels, 10))
print(num_channels, sum(p.numel() for p in net.parameters()), len(net.state_dict()))
X = d2l.rand(1, 1, 96, 96)  # [a layer-shape walk on d2l.rand: it updates the running statistics]
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__,'output shape:\t', X.shape)

cell("lr, num_epochs, batch_size = 0.1, 10, 256; ...resize=96...; d2l.train_ch6(...)  [batch_size 16, 32/16 images at 32x32, 2 epochs, float64]")
lr, num_epochs, batch_size = 0.1, 2, 16
train_iter, test_iter = d2l.load_data_fashion_mnist_small(batch_size, resize=32, n_train=32, n_test=16,
                                                          dtype=torch.float64)
d2l.seed(89)
net.double()
d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())
print(repr(net[-1].bias))
