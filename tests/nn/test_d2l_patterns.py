"""The nn idioms of D2L chapters 3-4 (zh and en), written as the book writes them, with
``import gradkit as torch`` (small data so that each runs in well under a second)."""
from __future__ import annotations

import numpy as np

import gradkit as torch
from gradkit import nn
from gradkit.nn import functional as F
from helpers import host


def _synthetic_data(w, b, num_examples, device):
    X = torch.normal(0, 1, (num_examples, len(w)), device=device)
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape, device=device)
    return X, y.reshape((-1, 1))


def test_linear_regression_concise(device):
    torch.manual_seed(0)
    true_w = torch.tensor([2, -3.4], device=device)
    true_b = 4.2
    features, labels = _synthetic_data(true_w, true_b, 1000, device)
    net = nn.Sequential(nn.Linear(2, 1))
    net = net.to(device)
    net[0].weight.data.normal_(0, 0.01)
    net[0].bias.data.fill_(0)
    loss = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=0.03)
    for epoch in range(3):
        for i in range(0, 1000, 10):
            X, y = features[i:i + 10], labels[i:i + 10]
            l = loss(net(X), y)  # noqa: E741  (the book's name)
            trainer.zero_grad()
            l.backward()
            trainer.step()
        l = loss(net(features), labels)  # noqa: E741
        line = f"epoch {epoch + 1}, loss {l:f}"
    assert line.startswith("epoch 3, loss 0.000")
    w = net[0].weight.data
    assert float((true_w - w.reshape(true_w.shape)).abs().max()) < 0.01
    assert abs(true_b - float(net[0].bias.data)) < 0.01


def test_softmax_regression_concise(device):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(16, 3)).to(device)

    def init_weights(m):
        if type(m) == nn.Linear:
            nn.init.normal_(m.weight, std=0.01)

    net.apply(init_weights)
    loss = nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=0.5)
    y = torch.tensor([0, 1, 2] * 10, device=device)
    X = torch.randn(30, 1, 4, 4, device=device) * 0.3 + torch.nn.functional.one_hot(y, 16).float().reshape(30, 1, 4,
                                                                                                            4)
    assert isinstance(net, torch.nn.Module)
    first = None
    for _ in range(20):
        net.train()
        l = loss(net(X), y)  # noqa: E741
        assert l.shape == (30,)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        first = float(l.detach().sum()) if first is None else first
    net.eval()
    with torch.no_grad():
        acc = float((net(X).argmax(axis=1).type(y.dtype) == y).type(torch.float32).mean())
        final = float(loss(net(X), y).sum())
    assert final < first / 3 and acc > 0.9


def test_mlp_scratch(device):
    torch.manual_seed(0)
    num_inputs, num_outputs, num_hiddens = 16, 3, 8
    W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens, requires_grad=True, device=device) * 0.01)
    b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True, device=device))
    W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs, requires_grad=True, device=device) * 0.01)
    b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True, device=device))
    params = [W1, b1, W2, b2]
    assert all(p.is_leaf for p in params)

    def relu(X):
        a = torch.zeros_like(X)
        return torch.max(X, a)

    def net(X):
        X = X.reshape((-1, num_inputs))
        H = relu(X @ W1 + b1)
        return H @ W2 + b2

    loss = nn.CrossEntropyLoss(reduction="none")
    updater = torch.optim.SGD(params, lr=0.1)
    X = torch.randn(6, 4, 4, device=device)
    y = torch.tensor([0, 1, 2, 0, 1, 2], device=device)
    assert not isinstance(net, nn.Module)
    l = loss(net(X), y)  # noqa: E741
    updater.zero_grad()
    l.mean().backward()
    before = host(W2).copy()
    updater.step()
    assert W1.grad.shape == (16, 8) and not np.allclose(host(W2), before)


def test_dropout_from_scratch_class(device):
    torch.manual_seed(0)

    def dropout_layer(X, dropout):
        assert 0 <= dropout <= 1
        if dropout == 1:
            return torch.zeros_like(X)
        if dropout == 0:
            return X
        mask = (torch.rand(X.shape, device=X.device) > dropout).float()
        return mask * X / (1.0 - dropout)

    X = torch.arange(16, dtype=torch.float32, device=device).reshape((2, 8))
    assert dropout_layer(X, 0.0) is X
    assert float(dropout_layer(X, 1.0).abs().sum()) == 0.0

    dropout1, dropout2 = 0.2, 0.5

    class Net(nn.Module):
        def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2, is_training=True):
            super(Net, self).__init__()
            self.num_inputs = num_inputs
            self.training = is_training
            self.lin1 = nn.Linear(num_inputs, num_hiddens1, device=device)
            self.lin2 = nn.Linear(num_hiddens1, num_hiddens2, device=device)
            self.lin3 = nn.Linear(num_hiddens2, num_outputs, device=device)
            self.relu = nn.ReLU()

        def forward(self, X):
            H1 = self.relu(self.lin1(X.reshape((-1, self.num_inputs))))
            if self.training == True:  # noqa: E712  (as in the book)
                H1 = dropout_layer(H1, dropout1)
            H2 = self.relu(self.lin2(H1))
            if self.training == True:  # noqa: E712
                H2 = dropout_layer(H2, dropout2)
            return self.lin3(H2)

    net = Net(16, 3, 12, 6)
    assert net.num_inputs == 16 and "num_inputs" not in net._parameters
    assert [n for n, _ in net.named_children()] == ["lin1", "lin2", "lin3", "relu"]
    assert len(list(net.parameters())) == 6
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    out = net(torch.ones(4, 4, 4, device=device))
    assert out.shape == (4, 3)
    nn.CrossEntropyLoss()(out, torch.tensor([0, 1, 2, 0], device=device)).backward()
    trainer.step()
    net.eval()
    assert net.training is False
    a, b = net(torch.ones(2, 16, device=device)), net(torch.ones(2, 16, device=device))
    assert torch.equal(a, b)  # no dropout in evaluation mode


def test_dropout_concise_and_weight_decay_groups(device):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3)).to(device)
    net.train()
    x = torch.ones(64, 4, 4, device=device)
    assert not torch.equal(net(x), net(x))
    net.eval()
    assert torch.equal(net(x), net(x))
    wd = 3
    trainer = torch.optim.SGD([{"params": net[1].weight, "weight_decay": wd}, {"params": net[1].bias}], lr=0.1)
    for param in net.parameters():
        param.data.normal_()
    trainer.zero_grad()
    net(x).sum().backward()
    trainer.step()
    assert net[1].weight.norm().item() > 0


def test_lazy_linear_en(device):
    # d2l-en: the optimizer is made before the first forward pass of a LazyLinear
    torch.manual_seed(0)

    class LinearRegression(nn.Module):
        def __init__(self, lr):
            super().__init__()
            self.lr = lr
            self.net = nn.LazyLinear(1, device=device)
            self.net.weight.data.normal_(0, 0.01)
            self.net.bias.data.fill_(0)

        def forward(self, X):
            return self.net(X)

        def loss(self, y_hat, y):
            fn = nn.MSELoss()
            return fn(y_hat, y)

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), self.lr)

    model = LinearRegression(lr=0.1)
    optim = model.configure_optimizers()
    X, y = _synthetic_data(torch.tensor([2, -3.4], device=device), 4.2, 100, device)
    for _ in range(60):
        loss = model.loss(model(X), y)
        optim.zero_grad()
        with torch.no_grad():
            loss.backward()  # d2l-en's Trainer runs backward and step inside no_grad
            optim.step()
    assert isinstance(model.net, nn.Linear) and model.net.weight.shape == (1, 2)
    assert float(model.loss(model(X), y).detach()) < 1e-3


def test_clip_gradients_en(device):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)).to(device)
    (net(torch.randn(5, 3, device=device)) * 100).sum().backward()

    def clip_gradients(grad_clip_val, model):
        params = [p for p in model.parameters() if p.requires_grad]
        norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
        if norm > grad_clip_val:
            for param in params:
                param.grad[:] *= grad_clip_val / norm

    clip_gradients(1.0, net)
    total = float(torch.sqrt(sum((p.grad ** 2).sum() for p in net.parameters())))
    assert abs(total - 1.0) < 1e-4


def test_functional_cross_entropy_en(device):
    Y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]], device=device)
    Y = torch.tensor([0, 2], device=device)
    averaged = F.cross_entropy(Y_hat, Y, reduction="mean")
    each = F.cross_entropy(Y_hat, Y, reduction="none")
    assert each.shape == (2,)
    assert abs(float(averaged) - float(each.mean())) < 1e-7
    assert isinstance(torch.nn.Module(), torch.nn.Module)
