"""D2L (zh, zh-v2.d2l.ai) 3.3 线性回归的简洁实现 /
chapter_linear-networks/linear-regression-concise.md, the pytorch cells.

Displayed values are printed with print(repr(...)); the book's print() calls are kept.
d2l.synthetic_data draws from NumPy (see _d2l.py). The book's load_array (shuffle=True) is
kept and checked: its first batch has the right form and one epoch visits every example
once. Training then reads the same data through load_array with shuffle=True played by a
NumPy-drawn sampler, and starts from weights drawn from NumPy after the book's normal_ /
fill_ calls, so both libraries take the same steps.
"""
import torch
from torch.utils import data

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("true_w = torch.tensor([2, -3.4]); true_b = 4.2; features, labels = d2l.synthetic_data(true_w, true_b, 1000)")
true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = d2l.synthetic_data(true_w, true_b, 1000)
print(features.shape, labels.shape, repr(features[:2]), repr(labels[:2]))


def load_array(data_arrays, batch_size, is_train=True):  #@save
    """构造一个PyTorch数据迭代器"""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


cell("batch_size = 10; data_iter = load_array((features, labels), batch_size); next(iter(data_iter))  [form only: shuffled]")
batch_size = 10
data_iter = load_array((features, labels), batch_size)
batch = next(iter(data_iter))
print(type(batch).__name__, len(batch), batch[0].shape, batch[0].dtype, batch[1].shape, batch[1].dtype, len(data_iter))

cell("[not in the book] one shuffled epoch visits every example once")
seen = torch.cat([y for X, y in data_iter])
print(seen.shape, bool((seen.sort(dim=0)[0] == labels.sort(dim=0)[0]).all()),
      bool((seen == labels).all()))

cell("[not in the book] data_iter = d2l.load_array(...): the same order in both libraries")
data_iter = d2l.load_array((features, labels), batch_size)
print(repr(next(iter(data_iter))))

cell("from torch import nn; net = nn.Sequential(nn.Linear(2, 1))")
# nn是神经网络的缩写
from torch import nn

net = nn.Sequential(nn.Linear(2, 1))
print(net, net[0].weight.shape, net[0].bias.shape, [p.shape for p in net.parameters()])

cell("net[0].weight.data.normal_(0, 0.01); net[0].bias.data.fill_(0)")
print(repr(net[0].weight.data.normal_(0, 0.01).shape), repr(net[0].bias.data.fill_(0)))
print(abs(float(net[0].weight.data.abs().max())) < 0.1, net[0].weight.requires_grad, net[0].weight.data.requires_grad)

cell("[not in the book] net[0].weight.data.copy_(the same draw from NumPy)")
net[0].weight.data.copy_(d2l.normal(0, 0.01, (1, 2)))
print(repr(net[0].weight), repr(net[0].bias))

cell("loss = nn.MSELoss(); trainer = torch.optim.SGD(net.parameters(), lr=0.03)")
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)
print(loss, trainer.defaults['lr'], len(trainer.param_groups[0]['params']))

cell("for epoch in range(num_epochs): ... print(f'epoch {epoch + 1}, loss {l:f}')")
num_epochs = 3
for epoch in range(num_epochs):
    for X, y in data_iter:
        l = loss(net(X) ,y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f'epoch {epoch + 1}, loss {l:f}')

cell("w = net[0].weight.data; print('w的估计误差：', true_w - d2l.reshape(w, true_w.shape)); b = net[0].bias.data; ...")
w = net[0].weight.data
print('w的估计误差：', true_w - d2l.reshape(w, true_w.shape))
b = net[0].bias.data
print('b的估计误差：', true_b - b)

cell("[not in the book] the last loss, the parameters and their gradients")
print(repr(l), repr(net[0].weight), repr(net[0].weight.grad), repr(net[0].bias.grad))
trainer.zero_grad()
print(net[0].weight.grad, net[0].bias.grad)
