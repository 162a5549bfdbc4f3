"""PyTorch's module import paths (``torch.nn.modules.linear.Linear``, ``torch.nn.parameter.Parameter``,
...) lead to gradkit's classes themselves, so scripts that import from them, or test
isinstance against them, work after ``import gradkit as torch``."""
from __future__ import annotations

import importlib

import pytest

import gradkit
import gradkit.nn as nn

PATHS = {
    "linear": ["Identity", "Linear", "LazyLinear", "Bilinear"],
    "activation": ["ReLU", "ReLU6", "Sigmoid", "Tanh", "GELU", "SiLU", "Mish", "Softmax", "LogSoftmax", "Softmin",
                   "LeakyReLU", "ELU", "SELU", "CELU", "Softplus", "Softsign", "LogSigmoid", "Hardtanh", "PReLU",
                   "Hardswish", "Hardsigmoid", "GLU"],
    "loss": ["MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
             "BCEWithLogitsLoss", "KLDivLoss"],
    "module": ["Module"],
    "container": ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"],
    "dropout": ["Dropout"],
    "flatten": ["Flatten", "Unflatten"],
    "normalization": ["LayerNorm"],
    "batchnorm": ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"],
    "sparse": ["Embedding"],
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_module_paths_reexport_the_same_classes(path):
    module = importlib.import_module(f"gradkit.nn.modules.{path}")
    assert getattr(nn.modules, path) is module
    for name in PATHS[path]:
        cls = getattr(module, name)
        assert cls is getattr(nn, name), name
        assert getattr(nn.modules, name) is cls, name  # torch.nn.modules.Linear too


def test_from_imports_as_scripts_write_them():
    from gradkit.nn.modules.activation import ReLU
    from gradkit.nn.modules.linear import Linear
    from gradkit.nn.modules.loss import CrossEntropyLoss, _Loss, _WeightedLoss
    from gradkit.nn.modules.module import Module
    from gradkit.nn.parameter import Parameter

    assert (Linear, ReLU, Module, Parameter, CrossEntropyLoss) == (nn.Linear, nn.ReLU, nn.Module, nn.Parameter,
                                                                   nn.CrossEntropyLoss)
    assert issubclass(CrossEntropyLoss, _WeightedLoss) and issubclass(nn.MSELoss, _Loss)


def test_attribute_paths_after_import_gradkit_as_torch():
    torch = gradkit
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3), torch.nn.Embedding(4, 2))
    assert isinstance(net[0], torch.nn.modules.linear.Linear)
    assert isinstance(net, torch.nn.modules.container.Sequential)
    assert isinstance(net[0].weight, torch.nn.parameter.Parameter)
    # the base class that GPT-style scripts test to keep norm weights out of weight decay
    assert isinstance(net[1], torch.nn.modules.batchnorm._BatchNorm)
    assert isinstance(net[2], torch.nn.modules.sparse.Embedding)
    assert torch.nn.modules.module.Module is torch.nn.Module
