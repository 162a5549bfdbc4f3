"""``gradkit.special``: PyTorch's ``torch.special`` names for the special functions (the ops
themselves live in gradkit.ops.unary, with the rest of the unary family)."""
from __future__ import annotations

from .ops.unary import erf, erfinv, exp2, expm1, log1p, logit, round, sigmoid as expit

__all__ = ["erf", "erfinv", "exp2", "expit", "expm1", "log1p", "logit", "round"]
