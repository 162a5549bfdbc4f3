"""D2L (zh, zh-v2.d2l.ai) 8.1 序列模型 / chapter_recurrent-neural-networks/sequence.md (d2l-en
9.1 Working with Sequences), the pytorch cells: a noisy sine wave, an autoregressive MLP on
the last tau = 4 observations, one-step, multistep and k-step-ahead predictions.

d2l is tests/d2l/_d2l.py: the noise comes from d2l.normal (NumPy, as in the chapter 3
scripts); load_array shuffles with a NumPy-drawn sampler; after get_net's Xavier init every
layer gets NumPy draws (d2l.same_weights). The plots are skipped; a few values of each curve
they would draw are printed.
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("T = 1000; time = d2l.arange(1, T + 1, dtype=d2l.float32); x = d2l.sin(0.01 * time) + d2l.normal(0, 0.2, (T,))")
T = 1000  # 总共产生1000个点
time = d2l.arange(1, T + 1, dtype=d2l.float32)
x = d2l.sin(0.01 * time) + d2l.normal(0, 0.2, (T,))
print(x.shape, x.dtype, repr(x[:5]), repr(time[-3:]))

cell("tau = 4; features = d2l.zeros((T - tau, tau)); for i in range(tau): features[:, i] = x[i: T - tau + i]; labels = ...")
tau = 4
features = d2l.zeros((T - tau, tau))
for i in range(tau):
    features[:, i] = x[i: T - tau + i]
labels = d2l.reshape(x[tau:], (-1, 1))
print(features.shape, labels.shape, repr(features[:2]), repr(labels[:2]))

cell("batch_size, n_train = 16, 600; train_iter = d2l.load_array((features[:n_train], labels[:n_train]), batch_size, is_train=True)")
batch_size, n_train = 16, 600
# 只有前n_train个样本用于训练
train_iter = d2l.load_array((features[:n_train], labels[:n_train]),
                            batch_size, is_train=True)
print(len(train_iter))


# 初始化网络权重的函数
def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.xavier_uniform_(m.weight)


# 一个简单的多层感知机
def get_net():
    net = nn.Sequential(nn.Linear(4, 10),
                        nn.ReLU(),
                        nn.Linear(10, 1))
    net.apply(init_weights)
    d2l.same_weights(net)  # [the same start in both runs]
    return net


# 平方损失。注意：MSELoss计算平方误差时不带系数1/2
loss = nn.MSELoss(reduction='none')


def train(net, train_iter, loss, epochs, lr):
    trainer = torch.optim.Adam(net.parameters(), lr)
    for epoch in range(epochs):
        for X, y in train_iter:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.sum().backward()
            trainer.step()
        print(f'epoch {epoch + 1}, '
              f'loss: {d2l.evaluate_loss(net, train_iter, loss):f}')


cell("net = get_net(); train(net, train_iter, loss, 5, 0.01)")
net = get_net()
print(net)
train(net, train_iter, loss, 5, 0.01)
print(repr(net[0].weight.data), repr(net[2].bias.data))

cell("onestep_preds = net(features); d2l.plot([time, time[tau:]], [d2l.numpy(x), d2l.numpy(onestep_preds)], ...)  [a few values]")
onestep_preds = net(features)
print(onestep_preds.shape, onestep_preds.grad_fn is not None, repr(onestep_preds[::100].detach().reshape(-1)))

cell("multistep_preds = d2l.zeros(T); multistep_preds[: n_train + tau] = x[: n_train + tau]; for i in range(n_train + tau, T): ...")
multistep_preds = d2l.zeros(T)
multistep_preds[: n_train + tau] = x[: n_train + tau]
for i in range(n_train + tau, T):
    multistep_preds[i] = net(
        d2l.reshape(multistep_preds[i - tau: i], (1, -1)))
print(multistep_preds.requires_grad, repr(multistep_preds[n_train + tau::40].detach()))

cell("max_steps = 64; features = d2l.zeros((T - tau - max_steps + 1, tau + max_steps)); ... k-step-ahead predictions")
max_steps = 64
features = d2l.zeros((T - tau - max_steps + 1, tau + max_steps))
# 列i（i<tau）是来自x的观测，其时间步从（i）到（i+T-tau-max_steps+1）
for i in range(tau):
    features[:, i] = x[i: i + T - tau - max_steps + 1]

# 列i（i>=tau）是来自（i-tau+1）步的预测，其时间步从（i）到（i+T-tau-max_steps+1）
for i in range(tau, tau + max_steps):
    features[:, i] = d2l.reshape(net(features[:, i - tau: i]), -1)
print(features.shape)

cell("steps = (1, 4, 16, 64); d2l.plot([time[tau + i - 1: T - max_steps + i] for i in steps], [d2l.numpy(features[:, tau + i - 1]) for i in steps], ...)  [a few values]")
steps = (1, 4, 16, 64)
for i in steps:
    t = time[tau + i - 1: T - max_steps + i]
    print(f'{i}-step preds', t.shape, repr(t[:2]), repr(features[::150, tau + i - 1].detach()))
