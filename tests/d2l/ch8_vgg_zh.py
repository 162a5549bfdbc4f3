"""D2L (zh, zh-v2.d2l.ai) 7.2 使用块的网络（VGG） / chapter_convolutional-modern/vgg.md,
the pytorch cells.

d2l is tests/d2l/_d2l.py. Departures from the book, for a short deterministic run: the
small VGG trains on the first 16 training and 8 test images of the fake Fashion-MNIST
(resized to 224 in NumPy) in batches of 8, for one epoch; weights are NumPy draws
(train_ch6) and the nn.Dropout layers draw their masks from NumPy (d2l.numpy_dropout).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels,
                                kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2,stride=2))
    return nn.Sequential(*layers)


conv_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))


def vgg(conv_arch):
    conv_blks = []
    in_channels = 1
    # 卷积层部分
    for (num_convs, out_channels) in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels

    return nn.Sequential(
        *conv_blks, nn.Flatten(),
        # 全连接层部分
        nn.Linear(out_channels * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 10))


cell("conv_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)); net = vgg(conv_arch)")
net = vgg(conv_arch)
print(net[:2], net[2])
print(sum(p.numel() for p in net.parameters()))

cell("X = torch.randn(size=(1, 1, 224, 224)); for blk in net: ...")
X = torch.randn(size=(1, 1, 224, 224))
for blk in net:
    X = blk(X)
    print(blk.__class__.__name__,'output shape:\t',X.shape)

cell("ratio = 4; small_conv_arch = [(pair[0], pair[1] // ratio) for pair in conv_arch]; net = vgg(small_conv_arch)")
ratio = 4
small_conv_arch = [(pair[0], pair[1] // ratio) for pair in conv_arch]
net = vgg(small_conv_arch)
print(small_conv_arch, sum(p.numel() for p in net.parameters()))

cell("lr, num_epochs, batch_size = 0.05, 10, 128; ...; d2l.train_ch6(...)  [batch_size 8, 16/8 images, NumPy dropout masks, 1 epoch]")
lr, num_epochs, batch_size = 0.05, 1, 8
train_iter, test_iter = d2l.load_data_fashion_mnist_small(batch_size, resize=224, n_train=16, n_test=8)
d2l.seed(82)
d2l.numpy_dropout(net)
d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())
print(repr(net[-1].bias))
