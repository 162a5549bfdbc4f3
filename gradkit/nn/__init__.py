"""``gradkit.nn``: modules, parameters, losses and initialisers with PyTorch's API.

    from gradkit import nn
    import gradkit.nn.functional as F

    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    loss = nn.CrossEntropyLoss()(net(X), y)
"""
from . import functional, init, utils  # noqa: F401
from .activation import (CELU, ELU, GELU, GLU, SELU, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU, LogSigmoid,
                         LogSoftmax, Mish, PReLU, ReLU, ReLU6, Sigmoid, SiLU, Softmax, Softmin, Softplus, Softsign,
                         Tanh)
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .layers import (BatchNorm1d, BatchNorm2d, BatchNorm3d, Bilinear, Dropout, Embedding, Flatten, Identity,
                     LayerNorm, LazyLinear, Linear, Unflatten)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .module import Module
from .parameter import Parameter, UninitializedParameter
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from . import modules  # noqa: F401  (PyTorch's import paths: nn.modules.linear.Linear, ...)

__all__ = [
    "Module", "Parameter", "UninitializedParameter", "functional", "init", "utils", "modules",
    "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
    "Identity", "Linear", "LazyLinear", "Bilinear", "Flatten", "Unflatten", "Dropout", "Embedding", "LayerNorm",
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
    "ReLU", "ReLU6", "Sigmoid", "Tanh", "GELU", "SiLU", "Mish", "Softmax", "LogSoftmax", "Softmin", "LeakyReLU",
    "ELU", "SELU", "CELU", "Softplus", "Softsign", "LogSigmoid", "Hardtanh", "PReLU", "Hardswish", "Hardsigmoid", "GLU",
    "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
    "KLDivLoss",
    "RNNBase", "RNN", "GRU", "LSTM", "RNNCellBase", "RNNCell", "GRUCell", "LSTMCell",
]
