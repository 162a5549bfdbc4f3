"""Optimizers and learning-rate schedulers (PyTorch's ``torch.optim``).

    opt = gradkit.optim.SGD(params, lr=0.1, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()

``params`` is an iterable of tensors (leaves with ``requires_grad=True``) or of
parameter-group dicts such as ``{"params": w, "weight_decay": 1e-4}``.
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "LBFGS", "lr_scheduler"]
