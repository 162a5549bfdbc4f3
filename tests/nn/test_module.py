"""nn.Module and containers: registration, iteration, state_dict / load_state_dict,
hooks, modes, devices and dtypes, reprs (PyTorch's layout), Parameter."""
from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import gradkit
from gradkit import nn
from helpers import host

from ._nnutil import close, t64
from ._torch_ref import REF


class Net(nn.Module):
    def __init__(self, device="cpu"):
        super().__init__()
        self.hidden = nn.Linear(3, 4, device=device)
        self.act = nn.ReLU()
        self.out = nn.Linear(4, 2, device=device)
        self.scale = nn.Parameter(gradkit.ones(1, device=device))
        self.register_buffer("steps", gradkit.zeros((), dtype=gradkit.int64, device=device))
        self.register_buffer("cache", gradkit.zeros(2, device=device), persistent=False)
        self.note = "plain attribute"

    def forward(self, x):
        return self.out(self.act(self.hidden(x))) * self.scale


# ----------------------------------------------------------------------------- registration
def test_registration_by_assignment(device):
    net = Net(device)
    assert [n for n, _ in net.named_parameters()] == ["scale", "hidden.weight", "hidden.bias", "out.weight",
                                                      "out.bias"]
    assert [n for n, _ in net.named_children()] == ["hidden", "act", "out"]
    assert [n for n, _ in net.named_modules()] == ["", "hidden", "act", "out"]
    assert [n for n, _ in net.named_buffers()] == ["steps", "cache"]
    assert list(net.parameters(recurse=False)) == [net.scale]
    assert net.note == "plain attribute" and "note" not in net._parameters
    assert isinstance(net, nn.Module) and isinstance(net.hidden, nn.Module)
    assert len(list(net.modules())) == 4 and list(net.children())[1] is net.act
    assert net(gradkit.ones(5, 3, device=device)).shape == (5, 2)


def test_reassign_and_delete(device):
    net = Net(device)
    w = nn.Parameter(gradkit.zeros(4, 3, device=device))
    net.hidden.weight = w
    assert net.hidden.weight is w
    assert [n for n, _ in net.hidden.named_parameters()] == ["weight", "bias"]  # order kept
    with pytest.raises(TypeError, match=r"cannot assign 'gradkit(\.strict|\.cuda)?\.FloatTensor' as parameter 'weight' "
                                        r"\(gradkit.nn.Parameter or None expected\)"):
        net.hidden.weight = gradkit.zeros(4, 3, device=device)
    net.hidden.bias = None
    assert net.hidden.bias is None and [n for n, _ in net.hidden.named_parameters()] == ["weight"]
    with pytest.raises(TypeError, match="as child module 'act'"):
        net.act = 3
    net.act = None
    assert net.act is None and [n for n, _ in net.named_children()] == ["hidden", "out"]
    net.steps = gradkit.ones((), dtype=gradkit.int64, device=device)
    assert int(net.steps) == 1 and "steps" in net._buffers
    with pytest.raises(TypeError, match="as buffer 'steps'"):
        net.steps = 1.5
    del net.out
    assert "out" not in dict(net.named_children())
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'out'"):
        net.out
    net.note = nn.Linear(1, 1)  # a plain attribute becomes a submodule
    assert "note" in net._modules and "note" not in net.__dict__


def test_register_errors(device):
    m = nn.Module()
    with pytest.raises(KeyError, match="buffer name can"):
        m.register_buffer("a.b", gradkit.ones(1))
    with pytest.raises(TypeError, match="to parameter 'x'"):
        m.register_parameter("x", gradkit.ones(1))
    m.register_parameter("p", None)
    assert m.p is None and list(m.parameters()) == []
    m.add_module("sub", nn.ReLU())
    m.register_module("sub2", nn.Tanh())
    assert [n for n, _ in m.named_children()] == ["sub", "sub2"]
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("sub", gradkit.ones(1))
    with pytest.raises(NotImplementedError, match="missing the required \"forward\" function"):
        m(1)

    class Early(nn.Module):
        def __init__(self):
            self.lin = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"cannot assign module before Module.__init__\(\) call"):
        Early()


def test_shared_parameters_are_deduplicated(device):
    lin = nn.Linear(2, 3, device=device)
    net = nn.Sequential(lin, nn.ReLU(), lin)
    assert [n for n, _ in net.named_parameters()] == ["0.weight", "0.bias"]
    assert [n for n, _ in net.named_modules()] == ["", "0", "1"]
    assert len(list(net.named_parameters(remove_duplicate=False))) == 4
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_get_submodule_and_parameter(device):
    net = nn.Sequential(nn.Sequential(nn.Linear(1, 2, device=device)), nn.ReLU())
    assert net.get_submodule("0.0") is net[0][0]
    assert net.get_submodule("") is net
    assert net.get_parameter("0.0.bias") is net[0][0].bias
    with pytest.raises(AttributeError, match="Sequential has no attribute `5`"):
        net.get_submodule("0.5")
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.get_parameter("0.0.nope")
    assert "0" not in dir(net) and "forward" in dir(net)
    assert "weight" in dir(net[0][0]) and "in_features" in dir(net[0][0])


# ----------------------------------------------------------------------------- state_dict
def test_state_dict(device):
    net = Net(device)
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == ["scale", "steps", "hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert "cache" not in sd  # non-persistent buffer
    w = sd["hidden.weight"]
    assert type(w) is gradkit.Tensor and not w.requires_grad and w.grad_fn is None
    with gradkit.no_grad():
        net.hidden.weight[0, 0] = 42.0
    assert float(w[0, 0]) == 42.0  # shares storage with the parameter
    kept = net.state_dict(keep_vars=True)
    assert kept["hidden.weight"] is net.hidden.weight


def test_load_state_dict_roundtrip(device):
    a, b = Net(device), Net(device)
    b.load_state_dict(a.state_dict())
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters()):
        assert na == nb
        close(pb, host(pa))
    before = b.hidden.weight
    b.load_state_dict(a.state_dict())
    assert b.hidden.weight is before  # loaded in place
    r = b.load_state_dict(a.state_dict(), strict=False)
    assert r.missing_keys == [] and r.unexpected_keys == []
    assert repr(r) == "<All keys matched successfully>"


def test_load_state_dict_errors(device):
    a = nn.Sequential(nn.Linear(2, 1, device=device))
    b = nn.Sequential(nn.Linear(3, 1, device=device), nn.ReLU())
    sd = b.state_dict()
    sd["x.y"] = gradkit.ones(1, device=device)
    del sd["0.bias"]
    with pytest.raises(RuntimeError) as info:
        a.load_state_dict(sd)
    assert str(info.value) == (
        'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias". \n\t'
        'Unexpected key(s) in state_dict: "x.y". \n\tsize mismatch for 0.weight: copying a param with shape '
        'gradkit.Size([1, 3]) from checkpoint, the shape in current model is gradkit.Size([1, 2]).')
    del sd["0.weight"]
    result = a.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["0.weight", "0.bias"] and result.unexpected_keys == ["x.y"]
    assert repr(result) == "_IncompatibleKeys(missing_keys=['0.weight', '0.bias'], unexpected_keys=['x.y'])"
    missing, unexpected = result
    assert unexpected == ["x.y"]
    with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):  # even when not strict
        a.load_state_dict({"0.weight": gradkit.ones(1, 3, device=device)}, strict=False)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        a.load_state_dict([1, 2])


def test_load_state_dict_casts_and_moves():
    net = nn.Linear(2, 2)
    sd = {"weight": gradkit.ones(2, 2, dtype=gradkit.float64, device="strict"),
          "bias": gradkit.zeros(2, dtype=gradkit.float64)}
    net.load_state_dict(sd)
    assert net.weight.dtype == gradkit.float32 and net.weight.device.type == "cpu"
    close(net.weight, np.ones((2, 2)))


# ----------------------------------------------------------------------------- hooks and call
def test_forward_hooks(device):
    lin = nn.Linear(2, 2, device=device)
    calls = []

    def pre(module, args):
        calls.append(("pre", module))
        return (args[0] * 0,)

    def post(module, args, output):
        calls.append(("post", module))
        return output + 1

    h1 = lin.register_forward_pre_hook(pre)
    h2 = lin.register_forward_hook(post)
    out = lin(gradkit.ones(1, 2, device=device))
    close(out, host(lin.bias).reshape(1, 2) + 1, rtol=1e-6)
    assert calls == [("pre", lin), ("post", lin)]
    h1.remove()
    h2.remove()
    out = lin(gradkit.zeros(1, 2, device=device))
    close(out, host(lin.bias).reshape(1, 2), rtol=1e-6)
    assert len(calls) == 2
    seen = []
    with lin.register_forward_hook(lambda m, a, o: seen.append(o.shape)):
        lin(gradkit.ones(3, 2, device=device))
    lin(gradkit.ones(3, 2, device=device))
    assert seen == [(3, 2)]
    expected = host(lin(gradkit.full((1, 2), 2.0, device=device)))
    kw = lin.register_forward_pre_hook(lambda m, a, k: ((a[0] * 2,), k), with_kwargs=True)
    close(lin(gradkit.ones(1, 2, device=device)), expected)
    kw.remove()


# ----------------------------------------------------------------------------- modes, grads
def test_apply_order_and_returns_self(device):
    net = nn.Sequential(nn.Linear(2, 2, device=device), nn.Sequential(nn.ReLU(), nn.Linear(2, 1, device=device)))
    order = []
    assert net.apply(lambda m: order.append(type(m).__name__)) is net
    assert order == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]


def test_train_eval_propagate(device):
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5)))
    assert net.training and net[1][0].training
    assert net.eval() is net
    assert not net.training and not net[1][0].training
    net.train()
    assert all(m.training for m in net.modules())
    net.train(False)
    assert not any(m.training for m in net.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_zero_grad_and_requires_grad(device):
    net = nn.Linear(2, 1, device=device)
    net(gradkit.ones(3, 2, device=device)).sum().backward()
    assert net.weight.grad is not None
    net.zero_grad(set_to_none=False)
    close(net.weight.grad, [[0.0, 0.0]])
    net.zero_grad()
    assert net.weight.grad is None and net.bias.grad is None
    assert net.requires_grad_(False) is net
    assert not net.weight.requires_grad
    assert net(gradkit.ones(1, 2, device=device)).grad_fn is None


def test_to_keeps_parameter_identity(device):
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    params = list(net.parameters())
    opt = gradkit.optim.SGD(net.parameters(), lr=0.1)
    (net(gradkit.arange(8.0).reshape(4, 2)) ** 2).sum().backward()
    assert net.to(device) is net
    assert [p for p in net.parameters()] == params and all(a is b for a, b in zip(net.parameters(), params))
    assert all(p.device == gradkit.device(device) for p in net.parameters())
    assert all(b.device == gradkit.device(device) for b in net.buffers())
    assert net[0].weight.grad.device == gradkit.device(device)
    before = host(net[0].weight).copy()
    opt.step()  # the optimizer built before .to() still updates the moved parameters
    assert not np.allclose(host(net[0].weight), before)
    net.double()
    assert net[0].weight.dtype == gradkit.float64 and net[1].running_mean.dtype == gradkit.float64
    assert net[1].num_batches_tracked.dtype == gradkit.int64  # only floating tensors are cast
    assert net[0].weight is params[0]
    net.to(gradkit.float32)
    assert net[0].weight.dtype == gradkit.float32
    net.float().cpu()
    assert net[0].weight.device.type == "cpu"
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
        net.to(gradkit.int64)


# ----------------------------------------------------------------------------- containers
def test_sequential_container(device):
    a, b, c = nn.Linear(2, 2, device=device), nn.ReLU(), nn.Tanh()
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c and list(seq) == [a, b, c]
    part = seq[1:]
    assert isinstance(part, nn.Sequential) and list(part) == [b, c]
    assert list(part._modules) == ["1", "2"]  # keys kept, as in PyTorch
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    seq.append(nn.Sigmoid())
    seq.insert(0, nn.Identity())
    assert [type(m).__name__ for m in seq] == ["Identity", "Linear", "ReLU", "Tanh", "Sigmoid"]
    del seq[0]
    assert list(seq._modules) == ["0", "1", "2", "3"] and seq[0] is a
    seq.extend([nn.ReLU()])
    assert len(seq) == 5
    assert isinstance(seq.pop(-1), nn.ReLU) and len(seq) == 4
    seq[1] = nn.GELU()
    assert isinstance(seq[1], nn.GELU)
    named = nn.Sequential(OrderedDict([("lin", nn.Linear(2, 1, device=device)), ("act", nn.Sigmoid())]))
    assert [n for n, _ in named.named_parameters()] == ["lin.weight", "lin.bias"]
    assert named.lin is named[0]
    out = named(gradkit.ones(4, 2, device=device))
    assert out.shape == (4, 1)


def test_module_list_dict_parameter_list(device):
    layers = nn.ModuleList([nn.Linear(2, 2, device=device) for _ in range(3)])
    layers.append(nn.ReLU())
    assert len(layers) == 4 and len(list(layers.parameters())) == 6
    assert isinstance(layers[1:3], nn.ModuleList) and layers[-1] is layers[3]
    layers += [nn.Tanh()]
    del layers[0]
    assert list(layers._modules) == ["0", "1", "2", "3"]
    with pytest.raises(TypeError, match="should be called with an iterable"):
        layers.extend(5)
    md = nn.ModuleDict({"a": nn.Linear(1, 1, device=device), "b": nn.ReLU()})
    assert list(md.keys()) == ["a", "b"] and "a" in md and len(md) == 2
    md["c"] = nn.Tanh()
    assert [n for n, _ in md.named_parameters()] == ["a.weight", "a.bias"]
    pl = nn.ParameterList([nn.Parameter(gradkit.ones(2, 3, device=device)), gradkit.zeros(4, device=device)])
    assert isinstance(pl[1], nn.Parameter) and pl[1].requires_grad
    pl.append(gradkit.ones(1, device=device))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"] and len(pl) == 3
    line = "Parameter containing: [gradkit.float32 of size 2x3" + (f" ({pl[0].device})]" if device != "cpu" else "]")
    assert repr(pl).splitlines()[1] == "    (0): " + line
    pd = nn.ParameterDict({"w": nn.Parameter(gradkit.ones(2, device=device))})
    pd["v"] = gradkit.zeros(1, device=device)
    assert list(pd.keys()) == ["w", "v"] and [n for n, _ in pd.named_parameters()] == ["w", "v"]


# ----------------------------------------------------------------------------- repr
def test_repr_matches_torch_layout():
    seq = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10, bias=False))
    assert repr(seq) == REF["repr_seq"]
    nested = nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.GELU()), nn.LayerNorm(3), nn.BatchNorm1d(3),
                           nn.Embedding(10, 3, padding_idx=0), nn.Softmax(dim=1), nn.LeakyReLU(0.2))
    assert repr(nested) == REF["repr_nested"]
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.Tanh(), nn.Tanh()])
    assert repr(ml) == REF["repr_modulelist"]
    assert repr(nn.Sequential()) == "Sequential()"
    assert str(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"


# ----------------------------------------------------------------------------- Parameter
def test_parameter(device):
    sigma = 0.01
    p = nn.Parameter(gradkit.randn(3, 4, device=device, requires_grad=True) * sigma)  # from a non-leaf
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    assert isinstance(p, gradkit.Tensor) and isinstance(p, nn.Parameter)
    q = p * 2
    assert type(q) is gradkit.Tensor and q.grad_fn is not None
    assert type(p.data) is gradkit.Tensor and type(p.detach()) is gradkit.Tensor
    (p.sum() + (p @ gradkit.ones(4, device=device)).sum()).backward()
    close(p.grad, np.full((3, 4), 2.0))
    frozen = nn.Parameter(gradkit.zeros(2, device=device), requires_grad=False)
    assert not frozen.requires_grad
    empty = nn.Parameter()
    assert empty.shape == (0,)
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(gradkit.tensor([1, 2], device=device))
    with gradkit.no_grad():
        p.mul_(0.0)
    close(p, np.zeros((3, 4)))


def test_parameter_repr_and_copy():
    p = nn.Parameter(gradkit.tensor([1.0, 2.0]))
    assert repr(p) == REF["repr_param"]
    assert repr(nn.Parameter(gradkit.tensor([1.0]), requires_grad=False)) == "Parameter containing:\ntensor([1.])"
    c = copy.deepcopy(p)
    assert type(c) is nn.Parameter and c is not p and c.requires_grad
    net = nn.Sequential(nn.Linear(2, 2))
    clone = copy.deepcopy(net)
    assert clone[0].weight is not net[0].weight and type(clone[0].weight) is nn.Parameter
    close(clone[0].weight, host(net[0].weight))


def test_parameter_works_with_every_op_path(device):
    p = nn.Parameter(t64([[1.0, -2.0], [3.0, 0.5]], device))
    outs = [p + 1, 1 - p, p * p, p / 2, p ** 2, -p, p.exp(), p.relu(), p[0], p[:, 1], p.T, p.sum(0), p.mean(),
            p.reshape(4), gradkit.cat([p, p]), gradkit.where(p > 0, p, 0.0), p.clamp(-1, 1), p @ p, p.max(),
            p.softmax(1) if hasattr(p, "softmax") else p.abs(), p.unsqueeze(0), p.to(gradkit.float32)]
    total = sum(o.sum() for o in outs)
    total.backward()
    assert p.grad.shape == (2, 2)
    x = p.detach().clone()
    x += p.data
    assert type(x) is gradkit.Tensor
