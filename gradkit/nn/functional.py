"""``gradkit.nn.functional`` (``import gradkit.nn.functional as F``): activations, layers
and losses as functions, with PyTorch's signatures and numbers.

Each function parses PyTorch's arguments and calls ops: gradkit's, or nn's own in
``gradkit.ops.nn`` (relu, log_softmax, softmax, exact GELU, logsigmoid, linear, the fused
cross-entropy, nll, mse, binary_cross_entropy), whose gradients are ops again, so every
function is differentiable to any order. The layers and utilities (linear, embedding,
layer_norm, pad, ...) live in ``_functional_layers`` and are re-exported here.

Value checks that need the data (class targets out of range, BCE inputs outside [0, 1])
run on the CPU only, where they cost nothing; on an accelerator they would wait for the
device, so there an out-of-range class target gives a NaN loss instead of an error.
"""
from __future__ import annotations

import math
import warnings

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dim
from ..ops import shape as _S
from ..ops._core import cast as _cast
from ..ops._core import check_same_device as _same_device
from ..ops.nn import activation as _A
from ..ops.nn import loss as _L
from ..ops.nn import softmax as _SM
from ..ops.select import clamp as _clamp, where as _where
from ..ops.unary import erf  # noqa: F401  (also gradkit.nn.functional.erf)
from ..ops.unary import expm1 as _expm1, sigmoid as _sigmoid, tanh as _tanh
from ._functional_activations import (  # noqa: F401  (nn.functional's pointwise activations)
    glu, hardsigmoid, hardswish, hardtanh, in_place as _in_place, mish, prelu, relu6, silu, softplus, softsign)
from ._functional_norm import *  # noqa: F401,F403  (group/instance/local-response norm, dropout Nd)
from ._functional_resample import *  # noqa: F401,F403  (interpolate, upsample*, pixel_(un)shuffle)
from ._functional_layers import (  # noqa: F401  (nn.functional's layers and utilities)
    _kind, _norm_shape, batch_norm, bilinear, cosine_similarity, dropout, embedding, embedding_bag, layer_norm,
    linear, normalize, one_hot, pad)
from ._functional_conv import (  # noqa: F401  (nn.functional's convolutions, unfold and fold)
    conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, fold, unfold)
from ._functional_pooling import *  # noqa: F401,F403  (max/avg/adaptive/Lp pooling, max unpooling)
from ._functional_pooling import __all__ as _pooling_all
from ._functional_attention import *  # noqa: F401,F403  (scaled_dot_product_attention, multi_head_attention_forward)

__all__ = [
    "relu", "relu_", "relu6", "sigmoid", "tanh", "gelu", "silu", "mish", "softmax", "log_softmax", "softmin",
    "leaky_relu", "elu", "selu", "celu", "softplus", "softsign", "logsigmoid", "hardtanh", "prelu", "hardswish",
    "hardsigmoid", "glu", "dropout",
    "linear", "bilinear", "embedding", "layer_norm", "batch_norm", "mse_loss", "l1_loss", "huber_loss",
    "smooth_l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "kl_div", "one_hot", "pad", "normalize", "cosine_similarity", "erf",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold", "fold",
] + _pooling_all


# --------------------------------------------------------------------------- helpers
def _float_input(input, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.dtype.category != D.FLOAT:
        raise RuntimeError(f'"{op}" not implemented for \'{input.dtype.name}\' (it needs a floating-point tensor)')
    return input


def _float_target(input, target):
    """PyTorch's refusals of a non-float BCE target: the loss's (1 - target) * input is
    written into the target's dtype, which a float result can't be cast to (and for bool,
    1 - target is itself refused)."""
    category = target.dtype.category
    if category == D.BOOL:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if category != D.FLOAT:
        raise RuntimeError(f"result type {D.scalar_type_name(input.dtype)} can't be cast to the desired output type "
                           f"{D.scalar_type_name(target.dtype)}")


def _legacy_reduction(size_average, reduce):
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='{}' instead.".format(
        "none" if reduce is False else ("mean" if size_average is not False else "sum")), stacklevel=3)
    if reduce is False:
        return "none"
    return "mean" if size_average is not False else "sum"


def _reduction(reduction, size_average=None, reduce=None):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.mean()


def _weighted_reduce(loss, weight, reduction, input):
    if weight is None:
        return _reduce(loss, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / weight.sum()


def _warn_target_size(input, target, stacklevel=3):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      f"This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      f"same size.", stacklevel=stacklevel)
        return _S.broadcast_tensors(input, target)
    return input, target


def _softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
                  f"argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


# --------------------------------------------------------------------------- activations
def relu(input, inplace=False):
    """max(x, 0); the gradient at 0 is 0."""
    if inplace:
        return input.relu_()
    return _A.relu(input)


def relu_(input):
    return input.relu_()


def sigmoid(input):
    return _sigmoid(input)


def tanh(input):
    return _tanh(input)


def logsigmoid(input):
    """log(sigmoid(x)), stable for large |x|."""
    return _A.LogSigmoid.apply(_float_input(input, "log_sigmoid_forward"))


def gelu(input, approximate="none"):
    """x * Phi(x) (Phi: the standard normal CDF, through erf); ``approximate='tanh'``:
    0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    input = _float_input(input, "GeluKernelImpl")
    if approximate == "none":
        return _A.GeluExact.apply(input)
    if approximate == "tanh":
        inner = (input + 0.044715 * input * input * input) * math.sqrt(2.0 / math.pi)
        return 0.5 * input * (1.0 + inner.tanh())
    raise RuntimeError(f"approximate argument must be either none or tanh (got {approximate!r})")


def leaky_relu(input, negative_slope=0.01, inplace=False):
    if inplace:
        return _in_place(input, lambda x: leaky_relu(x, negative_slope))
    return _where(input > 0, input, input * negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha (exp(x) - 1) otherwise."""
    if inplace:
        return _in_place(input, lambda x: elu(x, alpha))
    neg = _expm1(_clamp(input, max=0.0))
    return _where(input > 0, input, neg * alpha if alpha != 1 else neg)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    if inplace:
        return _in_place(input, selu)
    return elu(input, _SELU_ALPHA) * _SELU_SCALE


def celu(input, alpha=1.0, inplace=False):
    if inplace:
        return _in_place(input, lambda x: celu(x, alpha))
    neg = _expm1(_clamp(input, max=0.0) / alpha) * alpha
    return _where(input > 0, input, neg)


def _prep_softmax(input, dim, dtype, name):
    if dtype is not None:
        input = _cast(input, D.as_dtype(dtype))
    _float_input(input, name)
    ndim = input._data.ndim
    if dim is None:
        dim = _softmax_dim(name, ndim)
    return input, _wrap_dim(dim, ndim, name), ndim


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x, dim), as one stable node (max-shifted)."""
    input, d, ndim = _prep_softmax(input, dim, dtype, "log_softmax")
    if ndim == 0:
        return _SM.LogSoftmax.apply(input.reshape(1), dim=0).reshape(())
    return _SM.LogSoftmax.apply(input, dim=d)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x), dim), as one stable node (max-shifted)."""
    input, d, ndim = _prep_softmax(input, dim, dtype, "softmax")
    if ndim == 0:
        return _SM.Softmax.apply(input.reshape(1), dim=0).reshape(())
    return _SM.Softmax.apply(input, dim=d)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    return softmax(-input, dim, dtype=dtype) if dim is not None else softmax(-input, _softmax_dim("softmin",
                                                                                               input.ndim), dtype=dtype)


# --------------------------------------------------------------------------- regression losses
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean (or sum, or none) of (input - target)^2 (no factor 1/2)."""
    input_, target = _warn_target_size(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    if weight is None and input_.dtype is target.dtype and input_.dtype.category == D.FLOAT:
        _same_device("mse_loss", input_, target)
        return _L.MseLoss.apply(input_, target, reduction=reduction)
    diff = input_ - target
    return _weighted_reduce(diff * diff, weight, reduction, input)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    input_, target = _warn_target_size(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    return _weighted_reduce((input_ - target).abs(), weight, reduction, input)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere (d = input - target)."""
    input_, target = _warn_target_size(input, target)
    reduction = _reduction(reduction)
    d = input_ - target
    ad = d.abs()
    loss = _where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta))
    if weight is not None:  # PyTorch: a weighted Huber 'mean' is the plain mean of the weighted losses
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError("Weights and input must have the same size.")
        loss = loss * weight
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (beta = 0: L1)."""
    input, target = _warn_target_size(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = input - target
    ad = d.abs()
    if beta == 0.0:
        return _reduce(ad, reduction)
    loss = _where(ad < beta, (0.5 / beta) * d * d, ad - 0.5 * beta)
    return _reduce(loss, reduction)


# --------------------------------------------------------------------------- classification losses
def _class_last(x, class_dim):
    """Moves the class dim of (N, C, d1, ...) last; (C,) and (N, C) stay as they are."""
    return x if x._data.ndim <= 2 else x.movedim(class_dim, -1)


def _nll(logp, target, weight, ignore_index, reduction, op):
    """For class-index targets: the reduced loss of -w[y] * logp[y] (0 where ignored),
    the per-element weights w[y] (0 where ignored), logp with its class dim last, and
    the checked class weights."""
    target, weight, cpu, _ = _check_class_targets(logp, target, weight, ignore_index, op)
    lp = _class_last(logp, 1)
    loss, w = _L.NLLPick.apply(lp, target, weight=None if weight is None else weight._data,
                                   ignore_index=ignore_index, reduction=reduction, check=not cpu)
    return loss, w, lp, weight


def _check_class_targets(logp, target, weight, ignore_index, op):
    """Checks class-index targets (and class weights) against (log-)probabilities ``logp``
    of shape (C,), (N, C) or (N, C, d1, ...); returns the int64 target, the weight in
    logp's dtype, whether the device is the CPU (where a bad target is an error), and
    whether every target is known to be a class index (checked on the CPU)."""
    if not isinstance(target, Tensor):
        raise TypeError(f"{op}(): argument 'target' must be Tensor, not {type(target).__name__}")
    if target.dtype.category != D.INT:
        raise RuntimeError(f"expected scalar type Long but found {_kind(target.dtype)}")
    shape, tshape = logp._data.shape, target._data.shape
    ndim = len(shape)
    if ndim == 0:
        raise ValueError(f"{op}: input must have a class dimension (got a 0-d tensor)")
    if ndim == 1:
        if tshape:
            raise RuntimeError(f"{op}: 0D or 1D target tensor expected, multi-target not supported (input of shape "
                               f"{list(logp.shape)} needs a 0-d target, got {list(target.shape)})")
    else:
        if not tshape or shape[0] != tshape[0]:
            got = tshape[0] if tshape else "a 0-d target"
            raise ValueError(f"Expected input batch_size ({logp.shape[0]}) to match target batch_size ({got}).")
        if tshape[1:] != shape[2:]:
            raise RuntimeError(f"{op}: expected target of size {[logp.shape[0]] + list(logp.shape[2:])}, got "
                               f"{list(target.shape)}")
    n_classes = shape[0 if ndim == 1 else 1]
    if weight is not None:
        _same_device(op, logp, weight)
        if tuple(weight.shape) != (n_classes,):
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no classes but "
                               f"got weight tensor of shape: {list(weight.shape)}")
        weight = _cast(weight, logp.dtype)
    _same_device(op, logp, target)
    if target.dtype is not D.int64:
        target = _cast(target, D.int64)
    cpu = logp.device.type == "cpu"
    in_range = False
    if cpu and target._data.size:
        # on the CPU a bad target is an error, as in PyTorch (elsewhere it gives NaN: no sync)
        backend = logp._device.backend
        t = target._data
        in_range = backend.indices_in_range(t, n_classes)
        if not in_range:
            bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
            if bool(backend.xp.any(bad)):
                raise IndexError(f"Target {int(t[bad].reshape(-1)[0])} is out of bounds.")
    return target, weight, cpu, in_range


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """-input[n, target[n]] (times weight[target[n]]) for log-probabilities ``input`` of
    shape (N, C) (or (C,), or (N, C, d1, ...)); 'mean' divides by the summed weights of
    the targets that are not ``ignore_index``."""
    reduction = _reduction(reduction, size_average, reduce)
    return _nll(input, target, weight, ignore_index, reduction, "nll_loss")[0]


def _class_index_cross_entropy(input, target, ignore_index, reduction):
    """The usual classifier's loss, (N, C) logits and N class indices: log_softmax and the
    pick of the targets as one node (the same values and gradients as the unfused ops)."""
    device = input._device
    x, t = input._data, target._data
    n, c = x.shape
    backend = device.backend
    cpu = device.type == "cpu"
    if input.dtype.category == D.FLOAT and target.dtype is D.int64 and t.shape[0] == n and \
            target._device is device and (not cpu or backend.indices_in_range(t, c)):
        in_range = cpu  # (targets are checked on the CPU only: elsewhere that would sync)
    else:  # the full checks: their errors, an int32 target cast, ignored rows
        _prep_softmax(input, 1, None, "log_softmax")
        target, _, cpu, in_range = _check_class_targets(input, target, None, ignore_index, "cross_entropy")
    # every target a class index, and ignore_index none: no row is ignored
    all_valid = in_range and not 0 <= ignore_index < c
    return _L.CrossEntropy.apply(input, target, ignore_index=ignore_index, reduction=reduction, check=not cpu,
                                 all_valid=all_valid)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """Cross entropy of logits ``input`` (N, C) (or (C,), or (N, C, d1, ...)) against class
    indices (int64, shape (N,)) or class probabilities (same shape as input):
    nll_loss(log_softmax(input, 1), target) with PyTorch's ``weight``, ``ignore_index``
    and ``label_smoothing`` rules."""
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if not isinstance(input, Tensor):
        raise TypeError(f"cross_entropy(): argument 'input' must be Tensor, not {type(input).__name__}")
    if weight is None and label_smoothing <= 0.0 and input._data.ndim == 2 and input._data.size and \
            isinstance(target, Tensor) and target._data.ndim == 1 and target.dtype.category == D.INT:
        return _class_index_cross_entropy(input, target, ignore_index, reduction)
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    n_classes = input.shape[class_dim]
    if isinstance(target, Tensor) and target.dtype.category == D.FLOAT and tuple(target.shape) == tuple(input.shape):
        return _prob_cross_entropy(logp, target, weight, ignore_index, reduction, label_smoothing, class_dim)
    nll, w, lp, weight = _nll(logp, target, weight, ignore_index, reduction, "cross_entropy")
    if label_smoothing <= 0.0:
        return nll
    smooth = -(lp * weight).sum(-1) if weight is not None else -lp.sum(-1)
    smooth = _where(target == ignore_index, 0.0, smooth)
    if reduction == "sum":
        smooth = smooth.sum()
    elif reduction == "mean":
        smooth = smooth.sum() / w.sum()
    return (1.0 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


def _prob_cross_entropy(logp, target, weight, ignore_index, reduction, label_smoothing, class_dim):
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    n_classes = logp.shape[class_dim]
    target = _cast(target, logp.dtype)
    if label_smoothing > 0.0:
        target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target
    if weight is not None:
        view = [1] * logp.ndim
        view[class_dim] = n_classes
        prod = prod * _cast(weight, logp.dtype).reshape(view)
    if reduction == "none":
        return -prod.sum(class_dim)
    if reduction == "sum":
        return -prod.sum()
    count = logp.numel() // n_classes if n_classes else 0
    return -prod.sum() / count if count else -prod.sum() * math.nan


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(t log x + (1 - t) log(1 - x)) for probabilities x, with the logs clamped at -100."""
    reduction = _reduction(reduction, size_average, reduce)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         f"is deprecated. Please ensure they have the same size.")
    _float_input(input, "binary_cross_entropy")
    _same_device("binary_cross_entropy", input, target)
    if input.device.type == "cpu" and input.numel() and bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = _L.BinaryCrossEntropy.apply(input, _cast(target, input.dtype))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """binary_cross_entropy(sigmoid(input), target), computed stably from the logits:
    (1 - t) x - (1 + (pos_weight - 1) t) logsigmoid(x)."""
    reduction = _reduction(reduction, size_average, reduce)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    _float_input(input, "binary_cross_entropy_with_logits")
    _float_target(input, target)
    target = _cast(target, input.dtype)
    log_sig = _A.LogSigmoid.apply(input)
    if pos_weight is not None:
        log_weight = 1.0 + (pos_weight - 1.0) * target
        loss = (1.0 - target) * input - log_weight * log_sig
    else:
        loss = (1.0 - target) * input - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Pointwise target * (log target - input) (input holds log-probabilities);
    ``reduction='batchmean'`` divides the sum by the batch size."""
    if reduction != "batchmean":
        reduction = _reduction(reduction, size_average, reduce)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _where(target > 0, target * _where(target > 0, target, 1.0).log(), 0.0) - target * input
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)




from . import _functional_norm, _functional_resample  # noqa: E402  (their names join nn.functional's)

__all__ += _functional_norm.__all__ + _functional_resample.__all__
