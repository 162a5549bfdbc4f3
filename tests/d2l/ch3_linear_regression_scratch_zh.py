"""D2L (zh, zh-v2.d2l.ai) 3.2 线性回归的从零开始实现 /
chapter_linear-networks/linear-regression-scratch.md, the pytorch cells.

Displayed values are printed with print(repr(...)); the book's print() calls are kept.
Random numbers: synthetic_data draws through d2l.normal, here NumPy's (see _d2l.py), and
data_iter's random.shuffle is seeded, so both libraries train on the same data in the same
order. The book's w = torch.normal(...) is kept and checked on shape, dtype and flags, then
its values are replaced in place by the same draw from NumPy. The scatter plot is skipped;
what it would be handed is described without converting to NumPy.
"""
import random

import torch

import _d2l as d2l

random.seed(0)


def cell(title):
    print(f"-- {title}")


def synthetic_data(w, b, num_examples):  #@save
    """生成y=Xw+b+噪声"""
    X = d2l.normal(0, 1, (num_examples, len(w)))
    y = d2l.matmul(X, w) + b
    y += d2l.normal(0, 0.01, y.shape)
    return X, d2l.reshape(y, (-1, 1))


cell("true_w = d2l.tensor([2, -3.4]); true_b = 4.2; features, labels = synthetic_data(true_w, true_b, 1000)")
true_w = d2l.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
print(repr(true_w), features.shape, features.dtype, labels.shape, labels.dtype)

cell("print('features:', features[0],'\\nlabel:', labels[0])")
print('features:', features[0], '\nlabel:', labels[0])

cell("d2l.plt.scatter(d2l.numpy(features[:, 1]), d2l.numpy(labels), 1)  [what it gets, unconverted]")
print(features[:, 1].shape, labels.shape, len(features))


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    # 这些样本是随机读取的，没有特定的顺序
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = d2l.tensor(
            indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


cell("batch_size = 10; for X, y in data_iter(batch_size, features, labels): print(X, '\\n', y); break")
batch_size = 10

for X, y in data_iter(batch_size, features, labels):
    print(X, '\n', y)
    break

cell("w = torch.normal(0, 0.01, size=(2,1), requires_grad=True); b = torch.zeros(1, requires_grad=True)")
w = torch.normal(0, 0.01, size=(2,1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
print(w.shape, w.dtype, w.requires_grad, w.is_leaf, repr(b))

cell("[not in the book] with torch.no_grad(): w[:] = the same N(0, 0.01) draw from NumPy")
with torch.no_grad():
    w[:] = d2l.normal(0, 0.01, (2, 1))
print(repr(w))


def linreg(X, w, b):  #@save
    """线性回归模型"""
    return d2l.matmul(X, w) + b


def squared_loss(y_hat, y):  #@save
    """均方损失"""
    return (y_hat - d2l.reshape(y, y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):  #@save
    """小批量随机梯度下降"""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr = 0.03
num_epochs = 3
net = linreg
loss = squared_loss

cell("for epoch in range(num_epochs): ... l.sum().backward(); sgd([w, b], lr, batch_size) ...")
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y)  # X和y的小批量损失
        # 因为l形状是(batch_size,1)，而不是一个标量。l中的所有元素被加到一起，
        # 并以此计算关于[w,b]的梯度
        l.sum().backward()
        sgd([w, b], lr, batch_size)  # 使用参数的梯度更新参数
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')

cell("[not in the book] the last minibatch's loss and the parameters")
print(repr(l), repr(w), repr(b), repr(w.grad), repr(b.grad))

cell("print(f'w的估计误差: {true_w - d2l.reshape(w, true_w.shape)}'); print(f'b的估计误差: {true_b - b}')")
print(f'w的估计误差: {true_w - d2l.reshape(w, true_w.shape)}')
print(f'b的估计误差: {true_b - b}')
