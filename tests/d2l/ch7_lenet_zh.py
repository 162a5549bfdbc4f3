"""D2L (zh, zh-v2.d2l.ai) 6.6 卷积神经网络（LeNet） / chapter_convolutional-neural-networks/lenet.md,
the pytorch cells.

d2l is tests/d2l/_d2l.py: the fake Fashion-MNIST, NumPy-drawn shuffling and weights
(train_ch6 gives every layer NumPy draws after the book's Xavier init). Departures from the
book: batch_size 64, the first 512 training and 128 test images, 3 epochs instead of 10; the layer-shape
walk's input comes from d2l.rand.
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("net = nn.Sequential(nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), ...)")
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.Sigmoid(),
    nn.Linear(84, 10))
print(net)
print(sum(p.numel() for p in net.parameters()), [(name, tuple(p.shape)) for name, p in net.named_parameters()])

cell("X = torch.rand(size=(1, 1, 28, 28), dtype=torch.float32); for layer in net: ...")
X = torch.rand(size=(1, 1, 28, 28), dtype=torch.float32)
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__,'output shape: \t',X.shape)

cell("batch_size = 256; train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size=batch_size)  [batch_size 64, 512/128 images]")
batch_size = 64
train_iter, test_iter = d2l.load_data_fashion_mnist_small(batch_size=batch_size, n_train=512, n_test=128)

cell("lr, num_epochs = 0.9, 10; train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())  [3 epochs]")
d2l.seed(6)
lr, num_epochs = 0.9, 3
d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())
print(repr(net[-1].bias), repr(net[0].weight[0, 0, 0]))
X = d2l.rand(2, 1, 28, 28)
print(repr(net(X)))
