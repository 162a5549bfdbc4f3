"""D2L (zh, zh-v2.d2l.ai) 7.6 残差网络（ResNet） / chapter_convolutional-modern/resnet.md,
the pytorch cells.

d2l is tests/d2l/_d2l.py. Departures from the book, for a short deterministic run: the
residual-block cells' inputs come from d2l.rand; the training sees the first 32 training and
16 test images of the fake Fashion-MNIST at their 28x28 (not resized to 96: the global
average pooling takes any size), in batches of 16, for two epochs;
the training runs in float64 (net.double(), float64 images): after a step or two, float32
rounding amplified through the batch-norm layers' backward (PyTorch's and gradkit's alike,
equally far from a float64 reference) parts the two libraries' losses by more than a few ulps;
weights are NumPy draws (train_ch6).
"""
import torch
from torch import nn
from torch.nn import functional as F

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


class Residual(nn.Module):  #@save
    def __init__(self, input_channels, num_channels,
                 use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels,
                               kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels,
                               kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels,
                                   kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


cell("blk = Residual(3,3); X = torch.rand(4, 3, 6, 6); Y = blk(X); Y.shape")
blk = Residual(3,3)
X = torch.rand(4, 3, 6, 6)
Y = blk(X)
print(Y.shape)
print(blk)
d2l.seed(86)
d2l.same_weights(blk)
X = d2l.rand(4, 3, 6, 6)  # [the same values in both runs]
Y = blk(X)
print(repr(Y[0, 0]), Y.grad_fn.name())

cell("blk = Residual(3,6, use_1x1conv=True, strides=2); blk(X).shape")
blk = Residual(3,6, use_1x1conv=True, strides=2)
print(blk(X).shape)
d2l.same_weights(blk)
print(repr(blk(X)[1, 5]))

cell("b1 = ...; def resnet_block(...); b2 = ...; b3 = ...; b4 = ...; b5 = ...; net = nn.Sequential(b1, b2, b3, b4, b5, nn.AdaptiveAvgPool2d((1,1)), nn.Flatten(), nn.Linear(512, 10))")
b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3),
                   nn.BatchNorm2d(64), nn.ReLU(),
                   nn.MaxPool2d(kernel_size=3, stride=2, padding=1))


def resnet_block(input_channels, num_channels, num_residuals,
                 first_block=False):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels,
                                use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return blk


b2 = nn.Sequential(*resnet_block(64, 64, 2, first_block=True))
b3 = nn.Sequential(*resnet_block(64, 128, 2))
b4 = nn.Sequential(*resnet_block(128, 256, 2))
b5 = nn.Sequential(*resnet_block(256, 512, 2))
net = nn.Sequential(b1, b2, b3, b4, b5,
                    nn.AdaptiveAvgPool2d((1,1)),
                    nn.Flatten(), nn.Linear(512, 10))
print(b1, net[-3:])
print(sum(p.numel() for p in net.parameters()), len(net.state_dict()), list(net.state_dict())[:8])

cell("X = torch.rand(size=(1, 1, 224, 224)); for layer in net: ...")
X = d2l.rand(1, 1, 224, 224)  # [torch.rand -> d2l.rand: this forward updates the running statistics]
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__,'output shape:\t', X.shape)

cell("lr, num_epochs, batch_size = 0.05, 10, 256; ...resize=96...; d2l.train_ch6(...)  [batch_size 16, 32/16 images at 28x28, 2 epochs, float64]")
lr, num_epochs, batch_size = 0.05, 2, 16
train_iter, test_iter = d2l.load_data_fashion_mnist_small(batch_size, n_train=32, n_test=16, dtype=torch.float64)
d2l.seed(87)
net.double()
d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())
print(repr(net[-1].bias), repr(net[1][0].bn1.running_var[:4]))
