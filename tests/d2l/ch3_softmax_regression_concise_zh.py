"""D2L (zh, zh-v2.d2l.ai) 3.7 softmax回归的简洁实现 /
chapter_linear-networks/softmax-regression-concise.md, the pytorch cells.

d2l is tests/d2l/_d2l.py: the fake 600/200-image Fashion-MNIST, NumPy-drawn shuffling.
Departures from the book: batch_size 32 instead of 256; after the book's
net.apply(init_weights) the weight gets the same N(0, 0.01) draw from NumPy in both runs,
and the bias (which the book leaves at nn.Linear's default U(-1/28, 1/28)) a NumPy draw
from that distribution.
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("batch_size = 256; train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)  [batch_size 32]")
batch_size = 32
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)

cell("net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10)); net.apply(init_weights)")
# PyTorch不会隐式地调整输入的形状。因此，
# 我们在线性层前定义了展平层（flatten），来调整网络输入的形状
net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


print(net.apply(init_weights) is net, net)
b0 = net[1].bias.detach().clone()
print(abs(float(net[1].weight.std()) - 0.01) < 1e-3, bool((b0.abs() <= 1 / 28).all()))

cell("[not in the book] the same weights in both runs, drawn from NumPy")
with torch.no_grad():
    net[1].weight.copy_(d2l.normal(0, 0.01, (10, 784)))
    net[1].bias.copy_(d2l.uniform(-1 / 28, 1 / 28, (10,)))
print(repr(net[1].bias))

cell("[not in the book] nn.Flatten keeps dim 0")
X, y = next(iter(test_iter))
print(X.shape, net[0](X).shape, net(X).shape, repr(net(X)[:2, :5]))

cell("loss = nn.CrossEntropyLoss(reduction='none')")
loss = nn.CrossEntropyLoss(reduction='none')
print(loss, loss.reduction, repr(loss(net(X), y)[:4]))

cell("trainer = torch.optim.SGD(net.parameters(), lr=0.1)")
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
print(trainer)

cell("num_epochs = 10; d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)")
num_epochs = 10
d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
print(repr(net[1].bias), repr(net[1].weight[:2, 300:304]), net.training)
