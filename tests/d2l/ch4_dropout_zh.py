"""D2L (zh, zh-v2.d2l.ai) 4.6 暂退法（Dropout） / chapter_multilayer-perceptrons/dropout.md,
the pytorch cells (从零开始实现 and 简洁实现).

Dropout draws random masks, and gradkit's generator is not PyTorch's, so:
- the book's dropout_layer is checked on what doesn't depend on the draw (p = 0 and p = 1
  exactly; for p = 0.5 every element is 0 or 2x, about half are 0);
- the scratch Net is trained with dropout_layer's masks drawn from NumPy
  (torch.rand -> d2l.rand, one marked line), so both runs drop the same units: values compared;
- nn.Dropout is checked on its statistics (share of zeros, scaling of the kept units by
  1/(1-p), identity after net.eval()), and the concise net is trained with the libraries'
  own masks: only that d2l.train_ch3's asserts pass is compared.
d2l is tests/d2l/_d2l.py (fake Fashion-MNIST, NumPy-drawn shuffling). Departures from the
book: batch_size 32 and lr 0.1 instead of 256 and 0.5 (the small fake dataset); the
parameters start from NumPy draws of nn.Linear's default U(-1/sqrt(in), 1/sqrt(in)) in both
nets (the book's concise net uses N(0, 0.01), which doesn't learn in 190 steps here).
"""
import contextlib
import io
import math

import torch
from torch import nn

import _d2l as d2l

torch.manual_seed(0)


def cell(title):
    print(f"-- {title}")


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    # 在本情况中，所有元素都被丢弃
    if dropout == 1:
        return torch.zeros_like(X)
    # 在本情况中，所有元素都被保留
    if dropout == 0:
        return X
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


cell("X= torch.arange(16, dtype = torch.float32).reshape((2, 8)); print(X); print(dropout_layer(X, 0.)); print(dropout_layer(X, 0.5)); print(dropout_layer(X, 1.))")
X= torch.arange(16, dtype = torch.float32).reshape((2, 8))
print(X)
print(dropout_layer(X, 0.))
D = dropout_layer(X, 0.5)
print(D.shape, D.dtype, bool(((D == 0) | (D == 2 * X)).all()), dropout_layer(X, 0.) is X)
print(dropout_layer(X, 1.))

cell("[not in the book] dropout_layer(X, 0.5) on many elements: about half are kept, each doubled")
big = torch.ones(100, 100)
D = dropout_layer(big, 0.5)
kept = float((D != 0).float().mean())
print(abs(kept - 0.5) < 0.03, float(D.max()), float(D.min()), (torch.rand(big.shape) > 0.5).dtype)


def dropout_layer_fixed_masks(X, dropout):
    """dropout_layer with the mask drawn from NumPy (the only changed line is marked)."""
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    if dropout == 0:
        return X
    mask = (d2l.rand(X.shape) > dropout).float()  # [torch.rand -> d2l.rand]
    return mask * X / (1.0 - dropout)


num_inputs, num_outputs, num_hiddens1, num_hiddens2 = 784, 10, 256, 256

dropout1, dropout2 = 0.2, 0.5


class Net(nn.Module):
    def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2,
                 is_training = True):
        super(Net, self).__init__()
        self.num_inputs = num_inputs
        self.training = is_training
        self.lin1 = nn.Linear(num_inputs, num_hiddens1)
        self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3 = nn.Linear(num_hiddens2, num_outputs)
        self.relu = nn.ReLU()

    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape((-1, self.num_inputs))))
        # 只有在训练模型时才使用dropout
        if self.training == True:
            # 在第一个全连接层之后添加一个dropout层
            H1 = dropout_layer(H1, dropout1)
        H2 = self.relu(self.lin2(H1))
        if self.training == True:
            # 在第二个全连接层之后添加一个dropout层
            H2 = dropout_layer(H2, dropout2)
        out = self.lin3(H2)
        return out


def same_start(net):
    """[not in the book] nn.Linear's default init, drawn from NumPy: the same in both runs."""
    with torch.no_grad():
        for m in net.modules():
            if type(m) == nn.Linear:
                bound = 1 / math.sqrt(m.in_features)
                m.weight.copy_(d2l.uniform(-bound, bound, m.weight.shape))
                m.bias.copy_(d2l.uniform(-bound, bound, m.bias.shape))


cell("net = Net(num_inputs, num_outputs, num_hiddens1, num_hiddens2)")
net = Net(num_inputs, num_outputs, num_hiddens1, num_hiddens2)
print(net)
print(net.training, net.num_inputs, [name for name, _ in net.named_parameters()], [m.training for m in net.children()])
same_start(net)

cell("num_epochs, lr, batch_size = 10, 0.5, 256; ... d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)  [lr 0.1, batch_size 32, NumPy masks]")
num_epochs, lr, batch_size = 10, 0.1, 32
loss = nn.CrossEntropyLoss(reduction='none')
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
trainer = torch.optim.SGD(net.parameters(), lr=lr)
dropout_layer_book = dropout_layer
dropout_layer = dropout_layer_fixed_masks  # [the masks come from NumPy]
d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
dropout_layer = dropout_layer_book
print(net.training, [m.training for m in net.children()], repr(net.lin3.bias))

cell("net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(dropout1), ...); net.apply(init_weights)")
net = nn.Sequential(nn.Flatten(),
        nn.Linear(784, 256),
        nn.ReLU(),
        # 在第一个全连接层之后添加一个dropout层
        nn.Dropout(dropout1),
        nn.Linear(256, 256),
        nn.ReLU(),
        # 在第二个全连接层之后添加一个dropout层
        nn.Dropout(dropout2),
        nn.Linear(256, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)

cell("[not in the book] nn.Dropout: share of zeros, scaling of the kept units, identity in eval mode")
H = torch.ones(64, 256) * 3.0
for p, layer in ((dropout1, net[3]), (dropout2, net[6])):
    layer.train()
    out = layer(H)
    dropped = float((out == 0).float().mean())
    kept = out[out != 0]
    print(layer, layer.p, abs(dropped - p) < 0.02, bool(torch.allclose(kept, torch.full_like(kept, 3.0 / (1 - p)))))
    layer.eval()
    print(layer.training, bool(torch.equal(layer(H), H)))
net.train()
print([m.training for m in net], net(torch.zeros(2, 1, 28, 28)).shape)

cell("trainer = torch.optim.SGD(net.parameters(), lr=lr); d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)  [own masks: asserts only]")
same_start(net)
trainer = torch.optim.SGD(net.parameters(), lr=lr)
with contextlib.redirect_stdout(io.StringIO()):
    d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
print('train_ch3 passed its asserts', net.training)
