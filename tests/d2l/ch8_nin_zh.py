"""D2L (zh, zh-v2.d2l.ai) 7.3 网络中的网络（NiN） / chapter_convolutional-modern/nin.md,
the pytorch cells.

d2l is tests/d2l/_d2l.py. Departures from the book, for a short deterministic run: the
training sees the first 32 training and 16 test images of the fake Fashion-MNIST resized
to 96 (not 224; the global average pooling takes any size from 96 up) in NumPy, in batches
of 16, for two epochs; weights are NumPy draws (train_ch6) and the nn.Dropout layer draws
its masks from NumPy (d2l.numpy_dropout).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


cell("net = nn.Sequential(nin_block(1, 96, kernel_size=11, strides=4, padding=0), ...)")
net = nn.Sequential(
    nin_block(1, 96, kernel_size=11, strides=4, padding=0),
    nn.MaxPool2d(3, stride=2),
    nin_block(96, 256, kernel_size=5, strides=1, padding=2),
    nn.MaxPool2d(3, stride=2),
    nin_block(256, 384, kernel_size=3, strides=1, padding=1),
    nn.MaxPool2d(3, stride=2),
    nn.Dropout(0.5),
    # 标签类别数是10
    nin_block(384, 10, kernel_size=3, strides=1, padding=1),
    nn.AdaptiveAvgPool2d((1, 1)),
    # 将四维的输出转成二维的输出，其形状为(批量大小,10)
    nn.Flatten())
print(net[0], net[-2:])
print(sum(p.numel() for p in net.parameters()))

cell("X = torch.rand(size=(1, 1, 224, 224)); for layer in net: ...")
X = torch.rand(size=(1, 1, 224, 224))
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__,'output shape:\t', X.shape)

cell("lr, num_epochs, batch_size = 0.1, 10, 128; ...resize=224...; d2l.train_ch6(...)  [batch_size 16, 32/16 images at 96, NumPy dropout masks, 2 epochs]")
lr, num_epochs, batch_size = 0.1, 2, 16
train_iter, test_iter = d2l.load_data_fashion_mnist_small(batch_size, resize=96, n_train=32, n_test=16)
d2l.seed(83)
d2l.numpy_dropout(net)
d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())
print(repr(net[-3][0].bias[:4]))
