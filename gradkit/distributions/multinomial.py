"""The multinomial distribution: counts of ``total_count`` categorical draws."""
from __future__ import annotations

import math

from .._size import Size
from ..ops import select as E
from ..ops.random import _multinomial_counts
from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .utils import _as_size, broadcast_all, lgamma

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    """Multinomial(total_count=1, probs=None, logits=None): how often each of K categories
    turns up in ``total_count`` independent draws. ``probs`` need not be normalised.

    ``sample(sample_shape)`` gives float count vectors (probs' dtype) of shape
    sample_shape + batch_shape + (K,), each summing to total_count::

        fair_probs = gradkit.ones(6) / 6
        Multinomial(10, fair_probs).sample((500,))     # 500 rows of 10 die rolls' counts

    All draws are made at once on the device (NumPy: one binomial per category, so the
    cost does not grow with total_count)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int) or isinstance(total_count, bool):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        if total_count < 0:
            raise ValueError(f"Expected parameter total_count ({total_count}) of distribution Multinomial to satisfy "
                             f"the constraint IntegerGreaterThan(lower_bound=0), but found invalid values:\n"
                             f"{total_count}")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        batch_shape = Size(batch_shape)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        super(Multinomial, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=Size()):
        sample_shape = _as_size(sample_shape)
        return _multinomial_counts(self.probs, self.total_count, sample_shape)

    def log_prob(self, value):
        """log n! - sum log x_i! + sum x_i log p_i (0 * log 0 counts as 0)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = lgamma(value.sum(-1) + 1)
        log_factorial_xs = lgamma(value + 1).sum(-1)
        logits = E.where((value == 0) & (logits == -math.inf), 0.0, logits)
        log_powers = (logits * value).sum(-1)
        return log_factorial_n - log_factorial_xs + log_powers
