"""Probability distributions with PyTorch's ``torch.distributions`` interface::

    import gradkit as torch
    from gradkit.distributions import multinomial
    fair_probs = torch.ones([6]) / 6
    multinomial.Multinomial(10, fair_probs).sample()       # counts of 10 die rolls

``Distribution`` is the base class; ``Normal``, ``Uniform`` (with reparameterised
``rsample``), ``Bernoulli``, ``Categorical`` and ``Multinomial`` are provided. Parameters
are numbers or tensors on any device; ``log_prob``, ``entropy`` and ``cdf`` are written
with gradkit ops, so they are differentiable. Arguments are validated as in PyTorch
(``validate_args``, on by default: an invalid parameter raises ValueError).
"""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .multinomial import Multinomial
from .normal import Normal
from .uniform import Uniform
from . import bernoulli, categorical, distribution, multinomial, normal, uniform, utils  # noqa: F401  (submodules)

__all__ = ["Bernoulli", "Categorical", "Distribution", "Multinomial", "Normal", "Uniform", "constraints"]

