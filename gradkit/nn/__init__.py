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
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, Fold, LazyConv1d,
                   LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d, Unfold)
from .layers import (BatchNorm1d, BatchNorm2d, BatchNorm3d, Bilinear, Dropout, Embedding, Flatten, Identity,
                     LayerNorm, LazyLinear, Linear, Unflatten)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .module import Module
from .normalization_more import (GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LazyBatchNorm1d,
                                 LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d,
                                 LazyInstanceNorm3d, LocalResponseNorm)
from .spatial import (AlphaDropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout, PixelShuffle,
                      PixelUnshuffle, Upsample, UpsamplingBilinear2d, UpsamplingNearest2d)
from .parameter import Parameter, UninitializedBuffer, UninitializedParameter
from .pooling import *  # noqa: F401,F403  (MaxPool1d/2d/3d, AvgPool1d/2d/3d, adaptive, LP, MaxUnpool)
from .pooling import __all__ as _pooling_all
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .attention import MultiheadAttention
from .layers import EmbeddingBag
from .transformer import *  # noqa: F401,F403  (Transformer, its encoder/decoder layers and stacks)
from .transformer import __all__ as _transformer_all
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
    "UninitializedBuffer", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm",
    "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
    "LazyInstanceNorm3d", "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle",
    "PixelUnshuffle", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
    "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d", "LazyConv2d",
    "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d", "Unfold", "Fold",
    "RNNBase", "RNN", "GRU", "LSTM", "RNNCellBase", "RNNCell", "GRUCell", "LSTMCell",
    "MultiheadAttention", "EmbeddingBag",
] + _pooling_all + _transformer_all


def __getattr__(name):
    # nn.parallel (and nn.DataParallel) load on first use: they bring in gradkit.distributed
    if name in ("parallel", "DataParallel"):
        import importlib

        parallel = importlib.import_module(__name__ + ".parallel")
        return parallel if name == "parallel" else parallel.DataParallel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
