"""D2L (zh, zh-v2.d2l.ai) 4.5 权重衰减 / chapter_multilayer-perceptrons/weight-decay.md, the
pytorch cells (从零开始实现 and 简洁实现).

d2l is tests/d2l/_d2l.py: synthetic_data draws from NumPy, load_array's shuffle=True is a
NumPy-drawn sampler. The parameters are drawn by the book's calls (torch.normal, normal_)
and then given the same N(0, 1) draw from NumPy in both runs (marked lines). The animator's
points are printed instead of plotted, every 10th epoch instead of every 5th (to halve the
evaluation work).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5; ... train_iter = d2l.load_array(train_data, batch_size); ...")
n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5
true_w, true_b = d2l.ones((num_inputs, 1)) * 0.01, 0.05
train_data = d2l.synthetic_data(true_w, true_b, n_train)
train_iter = d2l.load_array(train_data, batch_size)
test_data = d2l.synthetic_data(true_w, true_b, n_test)
test_iter = d2l.load_array(test_data, batch_size, is_train=False)
print(repr(true_w[:3]), [tuple(t.shape) for t in train_data], len(train_iter), len(test_iter))


def init_params():
    w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    w.data[:] = d2l.normal(0, 1, (num_inputs, 1))  # [the same start in both runs]
    return [w, b]


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


cell("[not in the book] l2_penalty and the loss it is added to")
w, b = init_params()
X, y = next(iter(train_iter))
l = d2l.squared_loss(d2l.linreg(X, w, b), y) + 3 * l2_penalty(w)
print(repr(l2_penalty(w)), l.shape, l.grad_fn.name())


def train(lambd):
    w, b = init_params()
    net, loss = lambda X: d2l.linreg(X, w, b), d2l.squared_loss
    num_epochs, lr = 100, 0.003
    for epoch in range(num_epochs):
        for X, y in train_iter:
            # 增加了L2范数惩罚项，
            # 广播机制使l2_penalty(w)成为一个长度为batch_size的向量
            l = loss(net(X), y) + lambd * l2_penalty(w)
            l.sum().backward()
            d2l.sgd([w, b], lr, batch_size)
        if (epoch + 1) % 10 == 0:  # [the book's animator: every 5th]
            print(f'epoch {epoch + 1}: train {d2l.evaluate_loss(net, train_iter, loss):.6g}, '
                  f'test {d2l.evaluate_loss(net, test_iter, loss):.6g}')
    print('w的L2范数是：', torch.norm(w).item())


cell("train(lambd=0)  [忽略正则化直接训练]")
train(lambd=0)

cell("train(lambd=3)  [使用权重衰减]")
train(lambd=3)


def train_concise(wd):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
        param.data[:] = d2l.normal(0, 1, param.shape)  # [the same start in both runs]
    loss = nn.MSELoss(reduction='none')
    num_epochs, lr = 100, 0.003
    # 偏置参数没有衰减
    trainer = torch.optim.SGD([
        {"params":net[0].weight,'weight_decay': wd},
        {"params":net[0].bias}], lr=lr)
    for epoch in range(num_epochs):
        for X, y in train_iter:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.mean().backward()
            trainer.step()
        if (epoch + 1) % 10 == 0:  # [the book's animator: every 5th]
            print(f'epoch {epoch + 1}: train {d2l.evaluate_loss(net, train_iter, loss):.6g}, '
                  f'test {d2l.evaluate_loss(net, test_iter, loss):.6g}')
    print('w的L2范数：', net[0].weight.norm().item())
    return trainer


cell("train_concise(0)")
trainer = train_concise(0)
print([(len(g['params']), g['weight_decay'], g['lr']) for g in trainer.param_groups])

cell("train_concise(3)")
trainer = train_concise(3)
print([(len(g['params']), g['weight_decay'], g['lr']) for g in trainer.param_groups])
