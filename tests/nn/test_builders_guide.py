"""D2L's "Builders' Guide" chapter (d2l-en, chapter_builders-guide/*.md), its pytorch cells run
with ``import gradkit as torch``: layers and blocks, parameter management, initialisation,
lazy initialisation, custom layers, file I/O and the GPU section on a machine without a GPU.
The expected results are PyTorch 2.13's for the same cells (CPU build, no GPU); where a cell
prints random values, the test checks what does not depend on the draw."""
from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import pytest

import gradkit as torch
from gradkit import nn
from gradkit.nn import functional as F
from helpers import host


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


# ----------------------------------------------------------------------------- layers and modules
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.LazyLinear(256)
        self.out = nn.LazyLinear(10)

    def forward(self, X):
        return self.out(F.relu(self.hidden(X)))


class MySequential(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            self.add_module(str(idx), module)

    def forward(self, X):
        for module in self.children():
            X = module(X)
        return X


class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.rand_weight = torch.rand((20, 20))
        self.linear = nn.LazyLinear(20)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.LazyLinear(64), nn.ReLU(), nn.LazyLinear(32), nn.ReLU())
        self.linear = nn.LazyLinear(16)

    def forward(self, X):
        return self.linear(self.net(X))


def test_model_construction():
    X = torch.rand(2, 20)
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    assert net(X).shape == torch.Size([2, 10])
    assert MLP()(X).shape == torch.Size([2, 10])
    net = MySequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    assert net(X).shape == torch.Size([2, 10])
    out = FixedHiddenMLP()(X)
    assert out.shape == () and out.grad_fn.name() == "SumBackward0" and abs(out.item()) <= 1
    chimera = nn.Sequential(NestMLP(), nn.LazyLinear(20), FixedHiddenMLP())
    out = chimera(X)
    assert out.shape == () and repr(out).endswith("grad_fn=<SumBackward0>)")


# ----------------------------------------------------------------------------- parameter management
def test_parameter_access():
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    X = torch.rand(size=(2, 4))
    assert net(X).shape == torch.Size([2, 1])
    state = net[2].state_dict()
    assert isinstance(state, OrderedDict) and list(state) == ["weight", "bias"]
    assert state["weight"].shape == (1, 8) and state["bias"].shape == (1,)
    assert repr(state).startswith("OrderedDict([('weight', tensor([[")
    assert type(net[2].bias) is nn.Parameter and type(net[2].bias).__name__ == "Parameter"
    assert type(net[2].bias.data) is torch.Tensor and not net[2].bias.data.requires_grad
    assert net[2].weight.grad == None  # noqa: E711  (the book's spelling)
    assert [(name, param.shape) for name, param in net.named_parameters()] == [
        ("0.weight", torch.Size([8, 4])), ("0.bias", torch.Size([8])), ("2.weight", torch.Size([1, 8])),
        ("2.bias", torch.Size([1]))]


def test_tied_parameters():
    X = torch.rand(size=(2, 4))
    shared = nn.LazyLinear(8)
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.LazyLinear(1))
    net(X)
    assert repr(net[2].weight.data[0] == net[4].weight.data[0]) == \
        "tensor([True, True, True, True, True, True, True, True])"
    net[2].weight.data[0, 0] = 100
    assert repr(net[2].weight.data[0] == net[4].weight.data[0]) == \
        "tensor([True, True, True, True, True, True, True, True])"
    assert net[2].weight is net[4].weight
    assert len(list(net.parameters())) == 6  # the shared layer's parameters once
    net(X).sum().backward()  # its gradient is the sum over both uses
    assert net[2].weight.grad is net[4].weight.grad


# ----------------------------------------------------------------------------- initialisation
def test_parameter_initialization(capsys):
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    X = torch.rand(size=(2, 4))
    assert net(X).shape == torch.Size([2, 1])

    def init_normal(module):
        if type(module) == nn.Linear:
            nn.init.normal_(module.weight, mean=0, std=0.01)
            nn.init.zeros_(module.bias)

    assert net.apply(init_normal) is net
    w0, b0 = net[0].weight.data[0], net[0].bias.data[0]
    assert w0.shape == (4,) and float(w0.abs().max()) < 0.05 and repr(b0) == "tensor(0.)"

    def init_constant(module):
        if type(module) == nn.Linear:
            nn.init.constant_(module.weight, 1)
            nn.init.zeros_(module.bias)

    net.apply(init_constant)
    assert repr((net[0].weight.data[0], net[0].bias.data[0])) == "(tensor([1., 1., 1., 1.]), tensor(0.))"

    def init_xavier(module):
        if type(module) == nn.Linear:
            nn.init.xavier_uniform_(module.weight)

    def init_42(module):
        if type(module) == nn.Linear:
            nn.init.constant_(module.weight, 42)

    net[0].apply(init_xavier)
    net[2].apply(init_42)
    bound = math.sqrt(6 / (4 + 8))
    assert float(net[0].weight.data.abs().max()) <= bound
    assert repr(net[2].weight.data) == "tensor([[42., 42., 42., 42., 42., 42., 42., 42.]])"

    def my_init(module):
        if type(module) == nn.Linear:
            print("Init", *[(name, param.shape) for name, param in module.named_parameters()][0])
            nn.init.uniform_(module.weight, -10, 10)
            module.weight.data *= module.weight.data.abs() >= 5

    net.apply(my_init)
    assert capsys.readouterr().out == ("Init weight torch.Size([8, 4])\nInit weight torch.Size([1, 8])\n"
                                       .replace("torch.Size", "gradkit.Size"))
    w = net[0].weight[:2]
    assert w.grad_fn.name() == "SliceBackward0"
    vals = host(w)
    assert np.all((vals == 0) | (np.abs(vals) >= 5)) and np.all(np.abs(vals) <= 10)
    net[0].weight.data[:] += 1
    net[0].weight.data[0, 0] = 42
    row = host(net[0].weight.data[0])
    assert row[0] == 42 and np.all((row[1:] == 1) | (np.abs(row[1:] - 1) >= 5))


# ----------------------------------------------------------------------------- lazy initialisation
def test_lazy_initialization():
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    assert repr(net[0].weight) == "<UninitializedParameter>"
    with pytest.raises(RuntimeError, match="^Can't access the shape of an uninitialized parameter or buffer"):
        net[0].weight.shape
    X = torch.rand(2, 20)
    net(X)
    assert net[0].weight.shape == torch.Size([256, 20])
    assert repr(net[0]) == "Linear(in_features=20, out_features=256, bias=True)"

    class Module(nn.Module):  # the book adds apply_init to its d2l.Module
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))

        def forward(self, X):
            return self.net(X)

        def apply_init(self, inputs, init=None):
            self.forward(*inputs)
            if init is not None:
                self.net.apply(init)

    def init_constant(module):
        if type(module) == nn.Linear:
            nn.init.constant_(module.weight, 0.5)

    m = Module()
    m.apply_init([torch.rand(3, 5)], init_constant)
    assert m.net[0].weight.shape == (8, 5) and m.net[0].weight.min().item() == 0.5


# ----------------------------------------------------------------------------- custom layers
class CenteredLayer(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, X):
        return X - X.mean()


class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units,))

    def forward(self, X):
        linear = torch.matmul(X, self.weight.data) + self.bias.data
        return F.relu(linear)


def test_custom_layers():
    layer = CenteredLayer()
    assert repr(layer(torch.tensor([1.0, 2, 3, 4, 5]))) == "tensor([-2., -1.,  0.,  1.,  2.])"
    net = nn.Sequential(nn.LazyLinear(128), CenteredLayer())
    Y = net(torch.rand(4, 8))
    assert abs(Y.mean().item()) < 1e-6 and Y.mean().grad_fn.name() == "MeanBackward0"
    linear = MyLinear(5, 3)
    assert repr(linear.weight).startswith("Parameter containing:\ntensor([[") and \
        repr(linear.weight).endswith("requires_grad=True)")
    out = linear(torch.rand(2, 5))
    assert out.shape == (2, 3) and float(out.min()) >= 0 and not out.requires_grad  # .data: no graph
    net = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
    assert net(torch.rand(2, 64)).shape == (2, 1)


# ----------------------------------------------------------------------------- file I/O
def test_file_io(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x = torch.arange(4)
    torch.save(x, "x-file")
    x2 = torch.load("x-file")
    assert repr(x2) == "tensor([0, 1, 2, 3])"
    y = torch.zeros(4)
    torch.save([x, y], "x-files")
    x2, y2 = torch.load("x-files")
    assert repr((x2, y2)) == "(tensor([0, 1, 2, 3]), tensor([0., 0., 0., 0.]))"
    mydict = {"x": x, "y": y}
    torch.save(mydict, "mydict")
    mydict2 = torch.load("mydict")
    assert repr(mydict2) == "{'x': tensor([0, 1, 2, 3]), 'y': tensor([0., 0., 0., 0.])}"

    class MLP2(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.LazyLinear(256)
            self.output = nn.LazyLinear(10)

        def forward(self, x):
            return self.output(F.relu(self.hidden(x)))

    net = MLP2()
    X = torch.randn(size=(2, 20))
    Y = net(X)
    torch.save(net.state_dict(), "mlp.params")
    clone = MLP2()
    clone.load_state_dict(torch.load("mlp.params"))
    # as in PyTorch, loading gives the lazy layers their parameters; they stay Lazy* until called
    assert repr(clone.eval()) == ("MLP2(\n  (hidden): LazyLinear(in_features=0, out_features=256, bias=True)\n"
                                  "  (output): LazyLinear(in_features=0, out_features=10, bias=True)\n)")
    Y_clone = clone(X)
    assert Y_clone.shape == (2, 10) and bool((Y_clone == Y).all())


# ----------------------------------------------------------------------------- GPUs (none here)
def cpu():
    return torch.device("cpu")


def gpu(i=0):
    return torch.device(f"cuda:{i}")


def num_gpus():
    return torch.cuda.device_count()


def try_gpu(i=0):
    if num_gpus() >= i + 1:
        return gpu(i)
    return cpu()


def try_all_gpus():
    return [gpu(i) for i in range(num_gpus())]


@pytest.mark.skipif(torch.cuda.is_available(), reason="the book's results on a machine without a GPU")
def test_gpu_section_without_a_gpu():
    assert repr((cpu(), gpu(), gpu(1))) == \
        "(device(type='cpu'), device(type='cuda', index=0), device(type='cuda', index=1))"
    assert num_gpus() == 0
    assert repr((try_gpu(), try_gpu(10), try_all_gpus())) == "(device(type='cpu'), device(type='cpu'), [])"
    x = torch.tensor([1, 2, 3])
    assert repr(x.device) == "device(type='cpu')"
    X = torch.ones(2, 3, device=try_gpu())
    assert repr(X) == "tensor([[1., 1., 1.],\n        [1., 1., 1.]])"
    Y = torch.rand(2, 3, device=try_gpu(1))
    assert Y.device == cpu()
    with pytest.raises(RuntimeError):  # PyTorch: "Cannot access accelerator device when none is available."
        X.cuda(1)
    net = nn.Sequential(nn.LazyLinear(1))
    net = net.to(device=try_gpu())
    out = net(X)
    assert out.shape == (2, 1) and out.grad_fn.name() == "AddmmBackward0" and bool(out[0] == out[1])
    assert repr(net[0].weight.data.device) == "device(type='cpu')"
