"""D2L (zh, zh-v2.d2l.ai) 3.6 softmax回归的从零开始实现 /
chapter_linear-networks/softmax-regression-scratch.md, the pytorch cells.

Displayed values are printed with print(repr(...)). d2l is tests/d2l/_d2l.py (see its
docstring): Fashion-MNIST is a 600/200-image fake, shuffling and random draws that feed the
training come from NumPy, so gradkit and PyTorch train from the same numbers.
Departures from the book, all for a small deterministic run:
- batch_size 32 instead of 256 (the fake dataset is small; 19 steps an epoch);
- W = torch.normal(...) is kept and checked on shape, dtype and spread, then its values are
  replaced in place by the same draw from NumPy; X = d2l.normal(...) comes from NumPy.
"""
import torch

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("batch_size = 256; train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)  [batch_size 32]")
batch_size = 32
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
print(len(train_iter), len(test_iter))

cell("W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True); b = torch.zeros(...)")
num_inputs = 784
num_outputs = 10

W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)
print(W.shape, W.dtype, W.requires_grad, W.is_leaf, b.shape, b.dtype, b.requires_grad)
print(abs(float(W.mean())) < 1e-3, abs(float(W.std()) - 0.01) < 1e-3)

cell("[not in the book] W.data[:] = the same N(0, 0.01) draw from NumPy")
W.data[:] = d2l.normal(0, 0.01, size=(num_inputs, num_outputs))
print(repr(W[:2, :4]), W.requires_grad, W.is_leaf, W.grad)

cell("X = d2l.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]); d2l.reduce_sum(X, 0, keepdim=True), d2l.reduce_sum(X, 1, keepdim=True)")
X = d2l.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(repr((d2l.reduce_sum(X, 0, keepdim=True), d2l.reduce_sum(X, 1, keepdim=True))))


def softmax(X):
    X_exp = d2l.exp(X)
    partition = d2l.reduce_sum(X_exp, 1, keepdim=True)
    return X_exp / partition  # 这里应用了广播机制


cell("X = d2l.normal(0, 1, (2, 5)); X_prob = softmax(X); X_prob, d2l.reduce_sum(X_prob, 1)")
X = d2l.normal(0, 1, (2, 5))
X_prob = softmax(X)
print(repr((X_prob, d2l.reduce_sum(X_prob, 1))))


def net(X):
    return softmax(d2l.matmul(d2l.reshape(X, (-1, W.shape[0])), W) + b)


cell("y = d2l.tensor([0, 2]); y_hat = d2l.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]); y_hat[[0, 1], y]")
y = d2l.tensor([0, 2])
y_hat = d2l.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(repr(y_hat[[0, 1], y]))


def cross_entropy(y_hat, y):
    return - d2l.log(y_hat[range(len(y_hat)), y])


cell("cross_entropy(y_hat, y)")
print(repr(cross_entropy(y_hat, y)))

accuracy = d2l.accuracy

cell("accuracy(y_hat, y) / len(y)")
print(repr(accuracy(y_hat, y) / len(y)))

evaluate_accuracy = d2l.evaluate_accuracy
Accumulator = d2l.Accumulator

cell("evaluate_accuracy(net, test_iter)")
print(repr(evaluate_accuracy(net, test_iter)))

train_epoch_ch3 = d2l.train_epoch_ch3
train_ch3 = d2l.train_ch3

lr = 0.1


def updater(batch_size):
    return d2l.sgd([W, b], lr, batch_size)


cell("num_epochs = 10; train_ch3(net, train_iter, test_iter, cross_entropy, num_epochs, updater)")
num_epochs = 10
train_ch3(net, train_iter, test_iter, cross_entropy, num_epochs, updater)
print(repr(W[300:302, :4]), repr(b))

cell("predict_ch3(net, test_iter)")
d2l.predict_ch3(net, test_iter)
