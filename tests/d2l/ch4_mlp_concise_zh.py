"""D2L (zh, zh-v2.d2l.ai) 4.3 多层感知机的简洁实现 /
chapter_multilayer-perceptrons/mlp-concise.md, the pytorch cells.

d2l is tests/d2l/_d2l.py: the fake 600/200-image Fashion-MNIST, NumPy-drawn shuffling.
Departures from the book: batch_size 32 instead of 256; after the book's
net.apply(init_weights) the weights get the same N(0, 0.01) draws from NumPy in both runs,
and the biases (left by the book at nn.Linear's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)))
NumPy draws from that distribution.
"""
import math

import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)); net.apply(init_weights)")
net = nn.Sequential(nn.Flatten(),
                    nn.Linear(784, 256),
                    nn.ReLU(),
                    nn.Linear(256, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)
print([name for name, _ in net.named_parameters()], [type(m).__name__ for m in net.modules()])

cell("[not in the book] the same weights in both runs, drawn from NumPy")
with torch.no_grad():
    for m in net:
        if type(m) == nn.Linear:
            bound = 1 / math.sqrt(m.in_features)
            m.weight.copy_(d2l.normal(0, 0.01, m.weight.shape))
            m.bias.copy_(d2l.uniform(-bound, bound, m.bias.shape))
print(repr(net[3].bias))

cell("batch_size, lr, num_epochs = 256, 0.1, 10; loss = ...; trainer = ...; d2l.train_ch3(...)  [batch_size 32]")
batch_size, lr, num_epochs = 32, 0.1, 10
loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=lr)

train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
print(repr(net[3].bias), repr(net[1].weight[100, 300:305]))
