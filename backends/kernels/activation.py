"""Activation kernels: the elementwise functions of a network's layers and their gradients,
rounded as PyTorch rounds them on the device.
"""
from __future__ import annotations

import math

from .special import PHI_CENTRAL32, PHI_CENTRAL64, PHI_SHIFT, PHI_SPLIT, horner, gelu_tail

_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class ActivationKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def exp(self, a):
        """e^a, rounded as PyTorch rounds it on this device. Float32 goes through float64:
        NumPy's float32 exp (a SIMD kernel) is off PyTorch's CPU result in the last bit for
        about a third of inputs (exp(12.) prints 162754.7812 where torch prints 162754.7969);
        the float64 exp rounded to float32 agrees with torch for ~99%."""
        xp = self.xp
        if a.dtype == xp.float32:
            return xp.astype(xp.exp(xp.astype(a, xp.float64)), xp.float32)
        return xp.exp(a)

    def sigmoid(self, a):
        """1 / (1 + e^-a), through exp of a non-positive number only (e/(1+e) for a < 0), so
        that large |a| neither overflows nor warns."""
        xp = self.xp
        e = xp.exp(-xp.abs(a))
        return xp.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def relu(self, a):
        """max(a, 0), keeping NaN and -0. as PyTorch does."""
        xp = self.xp
        return xp.where(a < 0, xp.zeros_like(a), a)

    def relu_backward(self, out, g):
        """relu's gradient: ``g`` where the output ``out`` is > 0 (or NaN), +0. elsewhere."""
        xp = self.xp
        return xp.where(out <= 0, xp.zeros_like(g), g)

    def tanh_backward(self, y, g):
        """tanh's gradient from its output ``y``: g * (1 - y^2)."""
        return g * (1.0 - y * y)

    def sigmoid_backward(self, y, g):
        """sigmoid's gradient from its output ``y``: g * y * (1 - y)."""
        return g * y * (1.0 - y)

    def gelu_and_cdf(self, a):
        """The exact GELU a * Phi(a), Phi the standard normal CDF, and Phi(a), which the gradient
        reuses: a polynomial in a^2 for |a| <= 2, the upper-tail formula (in float64) beyond
        (backends/kernels/special.py). Dtypes below float32 go through float32, as PyTorch's."""
        xp = self.xp
        if a.dtype == xp.float64:
            central, small = PHI_CENTRAL64, False
        elif a.dtype == xp.float32:
            central, small = PHI_CENTRAL32, True
        else:
            out, cdf = self.gelu_and_cdf(xp.astype(a, xp.float32))
            return xp.astype(out, a.dtype), xp.astype(cdf, a.dtype)
        # the polynomial sees only its own range (clipped), so it never overflows beyond it
        near = xp.clip(a, -PHI_SPLIT, PHI_SPLIT)
        cdf = horner(central, near * near - PHI_SHIFT) * near + 0.5
        far_out, far_cdf = gelu_tail(xp, xp.astype(a, xp.float64), small)
        far = xp.abs(a) > PHI_SPLIT  # (NaN fails the test: it stays NaN)
        cdf = xp.where(far, xp.astype(far_cdf, a.dtype), cdf)
        return xp.where(far, xp.astype(far_out, a.dtype), a * cdf), cdf

    def gelu(self, a):
        return self.gelu_and_cdf(a)[0]

    def gelu_backward(self, x, g, cdf=None):
        """The exact GELU's gradient from its input ``x``: g * (Phi(x) + x * phi(x)); ``cdf``
        is Phi(x) where the forward kept it."""
        xp = self.xp
        if x.dtype != xp.float64 and x.dtype != xp.float32:
            # below float32, through float32 as PyTorch's kernel (from x: the kept Phi was rounded)
            dx = self.gelu_backward(xp.astype(x, xp.float32), xp.astype(g, xp.float32))
            return xp.astype(dx, g.dtype)
        if cdf is None:
            cdf = self.gelu_and_cdf(x)[1]
        # the array library's exp, not self.exp (which rounds as PyTorch's exp op, at a cost):
        # the density is internal to the gradient, whose last bit PyTorch's kernel does not tie to that op
        pdf = _INV_SQRT_2PI * xp.exp(-0.5 * (x * x))
        return g * (cdf + x * pdf)

    def hardswish(self, a):
        """a * relu6(a + 3) / 6, in PyTorch's order of operations (the same rounding)."""
        return a * self.xp.clip(a + 3.0, 0.0, 6.0) / 6.0

    def hardswish_backward(self, x, g):
        """hardswish's gradient from its input ``x``: 0 for x <= -3, g * (x / 3 + 1/2) for
        -3 < x < 3, g from 3 on (PyTorch's choice at the two kinks)."""
        xp = self.xp
        return xp.where(x <= -3.0, xp.zeros_like(g), xp.where(x < 3.0, g * (x / 3.0 + 0.5), g))

    def hardsigmoid(self, a):
        """relu6(a + 3) / 6."""
        return self.xp.clip(a + 3.0, 0.0, 6.0) / 6.0

    def hardsigmoid_backward(self, x, g):
        """hardsigmoid's gradient from its input ``x``: g / 6 strictly inside (-3, 3), 0 elsewhere
        (a product with 1/6 as PyTorch rounds it)."""
        xp = self.xp
        return xp.where((x > -3.0) & (x < 3.0), g * (1.0 / 6.0), xp.zeros_like(g))

    def hardtanh_backward(self, x, g, min_val, max_val):
        """hardtanh's gradient from its input ``x``: 0 at and beyond the bounds (where clamp's
        gradient would pass g at the bounds), g elsewhere (NaN included, as in PyTorch)."""
        xp = self.xp
        return xp.where((x <= min_val) | (x >= max_val), xp.zeros_like(g), g)

    def dropout(self, x, u, keep_prob):
        """Dropout from uniform draws ``u`` (x's shape and dtype): (x * mask, mask), the mask
        1 / keep_prob where u < keep_prob and 0 elsewhere, in x's dtype."""
        xp = self.xp
        mask = xp.astype(u < keep_prob, x.dtype) * (1.0 / keep_prob)
        return x * mask, mask
