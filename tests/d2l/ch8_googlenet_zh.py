"""D2L (zh, zh-v2.d2l.ai) 7.4 含并行连结的网络（GoogLeNet） / chapter_convolutional-modern/googlenet.md,
the pytorch cells.

d2l is tests/d2l/_d2l.py. Departures from the book, for a short deterministic run: the
training sees the first 32 training and 16 test images of the fake Fashion-MNIST at their
28x28 (not resized to 96: the global average pooling takes any size), in batches of 16, for
two epochs; weights are NumPy draws (train_ch6).
"""
import torch
from torch import nn
from torch.nn import functional as F

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


class Inception(nn.Module):
    # c1--c4是每条路径的输出通道数
    def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
        super(Inception, self).__init__(**kwargs)
        # 线路1，单1x1卷积层
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        # 线路2，1x1卷积层后接3x3卷积层
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        # 线路3，1x1卷积层后接5x5卷积层
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        # 线路4，3x3最大汇聚层后接1x1卷积层
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        # 在通道维度上连结输出
        return torch.cat((p1, p2, p3, p4), dim=1)


cell("b1 = ...; b2 = ...; b3 = ...; b4 = ...; b5 = ...; net = nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))")
b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3),
                   nn.ReLU(),
                   nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
b2 = nn.Sequential(nn.Conv2d(64, 64, kernel_size=1),
                   nn.ReLU(),
                   nn.Conv2d(64, 192, kernel_size=3, padding=1),
                   nn.ReLU(),
                   nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
b3 = nn.Sequential(Inception(192, 64, (96, 128), (16, 32), 32),
                   Inception(256, 128, (128, 192), (32, 96), 64),
                   nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
b4 = nn.Sequential(Inception(480, 192, (96, 208), (16, 48), 64),
                   Inception(512, 160, (112, 224), (24, 64), 64),
                   Inception(512, 128, (128, 256), (24, 64), 64),
                   Inception(512, 112, (144, 288), (32, 64), 64),
                   Inception(528, 256, (160, 320), (32, 128), 128),
                   nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
b5 = nn.Sequential(Inception(832, 256, (160, 320), (32, 128), 128),
                   Inception(832, 384, (192, 384), (48, 128), 128),
                   nn.AdaptiveAvgPool2d((1,1)),
                   nn.Flatten())

net = nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))
print(b3[0], b5[-2:])
print(sum(p.numel() for p in net.parameters()), len(list(net.named_parameters())), list(b3.state_dict())[:4])

cell("X = torch.rand(size=(1, 1, 96, 96)); for layer in net: ...")
X = torch.rand(size=(1, 1, 96, 96))
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__,'output shape:\t', X.shape)

cell("lr, num_epochs, batch_size = 0.1, 10, 128; ...resize=96...; d2l.train_ch6(...)  [batch_size 16, 32/16 images at 28x28, 2 epochs]")
lr, num_epochs, batch_size = 0.1, 2, 16
train_iter, test_iter = d2l.load_data_fashion_mnist_small(batch_size, n_train=32, n_test=16)
d2l.seed(84)
d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())
print(repr(net[-1].bias))
