"""D2L (zh, zh-v2.d2l.ai) 10.2 注意力汇聚：Nadaraya-Watson 核回归 /
chapter_attention-mechanisms/nadaraya-waston.md, the pytorch cells (d2l-en v1.x 11.2
Attention Pooling by Similarity covers the same ground; the zh edition also trains the
parametric version).

d2l is tests/d2l/_d2l.py: d2l.rand and d2l.normal draw from NumPy, so the training data are
the same in both runs; plots print what they would draw (shapes) and the script prints the
predictions instead; show_heatmaps prints the matrices. Departures from the book: the
parameter w starts from d2l.rand (torch.rand in the book).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("n_train = 50; x_train, _ = torch.sort(d2l.rand(n_train) * 5)")
d2l.seed(110)
n_train = 50  # 训练样本数
x_train, _ = torch.sort(d2l.rand(n_train) * 5)   # 排序后的训练样本
print(repr(x_train[:6]), repr(_[:6]))

cell("def f(x): ...; y_train = f(x_train) + d2l.normal(0.0, 0.5, (n_train,)); x_test = d2l.arange(0, 5, 0.1); ...; n_test")


def f(x):
    return 2 * d2l.sin(x) + x**0.8


y_train = f(x_train) + d2l.normal(0.0, 0.5, (n_train,))  # 训练样本的输出
x_test = d2l.arange(0, 5, 0.1)  # 测试样本
y_truth = f(x_test)  # 测试样本的真实输出
n_test = len(x_test)  # 测试样本数
print(n_test)
print(repr(y_train[:5]), repr(x_test[-3:]), repr(y_truth[:5]))


def plot_kernel_reg(y_hat):
    d2l.plot(x_test, [y_truth, y_hat], 'x', 'y', legend=['Truth', 'Pred'],
             xlim=[0, 5], ylim=[-1, 5])
    d2l.plt.plot(x_train, y_train, 'o', alpha=0.5);
    print(repr(y_hat.reshape(-1)[::7]))  # [what the plot shows]


cell("y_hat = torch.repeat_interleave(y_train.mean(), n_test); plot_kernel_reg(y_hat)")
y_hat = torch.repeat_interleave(y_train.mean(), n_test)
plot_kernel_reg(y_hat)

cell("X_repeat = ...; attention_weights = nn.functional.softmax(-(X_repeat - x_train)**2 / 2, dim=1); y_hat = d2l.matmul(attention_weights, y_train); plot_kernel_reg(y_hat)")
# X_repeat的形状:(n_test,n_train),
# 每一行都包含着相同的测试输入（例如：同样的查询）
X_repeat = d2l.reshape(x_test.repeat_interleave(n_train), (-1, n_train))
# x_train包含着键。attention_weights的形状：(n_test,n_train),
# 每一行都包含着要在给定的每个查询的值（y_train）之间分配的注意力权重
attention_weights = nn.functional.softmax(-(X_repeat - x_train)**2 / 2, dim=1)
# y_hat的每个元素都是值的加权平均值，其中的权重是注意力权重
y_hat = d2l.matmul(attention_weights, y_train)
plot_kernel_reg(y_hat)

cell("d2l.show_heatmaps(attention_weights.unsqueeze(0).unsqueeze(0), ...)")
d2l.show_heatmaps(attention_weights.unsqueeze(0).unsqueeze(0),
                  xlabel='Sorted training inputs',
                  ylabel='Sorted testing inputs')

cell("X = d2l.ones((2, 1, 4)); Y = d2l.ones((2, 4, 6)); torch.bmm(X, Y).shape")
X = d2l.ones((2, 1, 4))
Y = d2l.ones((2, 4, 6))
print(torch.bmm(X, Y).shape)

cell("weights = d2l.ones((2, 10)) * 0.1; values = ...; torch.bmm(weights.unsqueeze(1), values.unsqueeze(-1))")
weights = d2l.ones((2, 10)) * 0.1
values = d2l.reshape(d2l.arange(20.0), (2, 10))
print(repr(torch.bmm(weights.unsqueeze(1), values.unsqueeze(-1))))


class NWKernelRegression(nn.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = nn.Parameter(torch.rand((1,), requires_grad=True))

    def forward(self, queries, keys, values):
        # queries和attention_weights的形状为(查询个数，“键－值”对个数)
        queries = d2l.reshape(
            queries.repeat_interleave(keys.shape[1]), (-1, keys.shape[1]))
        self.attention_weights = nn.functional.softmax(
            -((queries - keys) * self.w)**2 / 2, dim=1)
        # values的形状为(查询个数，“键－值”对个数)
        return torch.bmm(self.attention_weights.unsqueeze(1),
                         values.unsqueeze(-1)).reshape(-1)


cell("X_tile = x_train.repeat((n_train, 1)); Y_tile = ...; keys = ...; values = ...")
# X_tile的形状:(n_train，n_train)，每一行都包含着相同的训练输入
X_tile = x_train.repeat((n_train, 1))
# Y_tile的形状:(n_train，n_train)，每一行都包含着相同的训练输出
Y_tile = y_train.repeat((n_train, 1))
# keys的形状:('n_train'，'n_train'-1)
keys = d2l.reshape(X_tile[(1 - d2l.eye(n_train)).type(torch.bool)],
                   (n_train, -1))
# values的形状:('n_train'，'n_train'-1)
values = d2l.reshape(Y_tile[(1 - d2l.eye(n_train)).type(torch.bool)],
                     (n_train, -1))
print(X_tile.shape, keys.shape, values.shape, repr(keys[1, :4]), repr(values[0, :4]))

cell("net = NWKernelRegression(); loss = nn.MSELoss(reduction='none'); trainer = torch.optim.SGD(net.parameters(), lr=0.5); for epoch in range(5): ...")
net = NWKernelRegression()
print(net.w.shape, net.w.requires_grad)
d2l.seed(113)
with torch.no_grad():
    net.w.copy_(d2l.rand(1))  # [the same start]
print(repr(net.w))
loss = nn.MSELoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
animator = d2l.Animator(xlabel='epoch', ylabel='loss', xlim=[1, 5])

for epoch in range(5):
    trainer.zero_grad()
    l = loss(net(x_train, keys, values), y_train)
    l.sum().backward()
    trainer.step()
    print(f'epoch {epoch + 1}, loss {float(l.sum()):.6f}')
    animator.add(epoch + 1, float(l.sum()))
print(repr(net.w), animator.X, [f'{y:.5f}' for y in animator.Y[0]])

cell("keys = x_train.repeat((n_test, 1)); values = y_train.repeat((n_test, 1)); y_hat = net(x_test, keys, values).unsqueeze(1).detach(); plot_kernel_reg(y_hat)")
# keys的形状:(n_test，n_train)，每一行包含着相同的训练输入（例如，相同的键）
keys = x_train.repeat((n_test, 1))
# value的形状:(n_test，n_train)
values = y_train.repeat((n_test, 1))
y_hat = net(x_test, keys, values).unsqueeze(1).detach()
plot_kernel_reg(y_hat)

cell("d2l.show_heatmaps(net.attention_weights.unsqueeze(0).unsqueeze(0), ...)")
d2l.show_heatmaps(net.attention_weights.unsqueeze(0).unsqueeze(0),
                  xlabel='Sorted training inputs',
                  ylabel='Sorted testing inputs')
