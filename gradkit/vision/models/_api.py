"""What torchvision's model builders share: the ``weights`` / legacy ``pretrained``
arguments (gradkit downloads no weights, so anything but None is refused, saying what to do
instead), the weights enums' names, and the ``get_model`` / ``list_models`` registry."""
from __future__ import annotations

import warnings
from enum import Enum

__all__ = ["get_model", "list_models", "get_model_builder", "register_model", "weights_enum", "check_weights"]

_BUILDERS = {}


def register_model(fn):
    _BUILDERS[fn.__name__] = fn
    return fn


def list_models():
    return sorted(_BUILDERS)


def get_model_builder(name):
    name = name.lower()
    if name not in _BUILDERS:
        raise ValueError(f"Unknown model {name}")
    return _BUILDERS[name]


def get_model(name, **config):
    return get_model_builder(name)(**config)


def weights_enum(name, members, default):
    """An enum with torchvision's member names for a model's pretrained weights (so scripts
    that name them import), whose every member the builders refuse."""
    values = {m: f"{name}.{m}" for m in members}
    enum = Enum(name, values)
    enum.DEFAULT = enum[default]
    return enum


def check_weights(builder, weights, kwargs):
    """Refuses pretrained weights: gradkit's models start from torchvision's random
    initialisation, and trained weights come in through ``load_state_dict``."""
    if "pretrained" in kwargs:
        pretrained = kwargs.pop("pretrained")
        warnings.warn("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
                      "please use 'weights' instead.")
        if pretrained:
            weights = "DEFAULT"
    if weights is None:
        return
    asked = weights.value if isinstance(weights, Enum) else weights
    raise ValueError(f"{builder}(weights={asked!r}): gradkit.vision.models does not download pretrained weights. "
                     f"Build the model with weights=None and load trained parameters with "
                     f"model.load_state_dict(...) (a state dict saved from torchvision, e.g. as safetensors, "
                     f"has the same keys and shapes)")


def _make_divisible(v, divisor, min_value=None):
    """``v`` rounded to a multiple of ``divisor`` (at least ``min_value``), never more than 10%
    below ``v`` (MobileNet's channel rule)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v
