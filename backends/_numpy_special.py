"""The special family's NumPy kernels (a mixin of NumpyBackend): erf, and the exact GELU built
on it, on cache-sized blocks.

The portable erf (backends/kernels/special.py) runs its series (Horner's rule in float32,
Clenshaw's recurrence in float64) over the whole array, one new array per step, for both of
its ranges. Here the |x| <= 2 range, where nearly
every GELU input lies, runs block by block in place on a few block-sized buffers that stay in
cache, with the same operations in the same order (the results are bit for bit the portable
kernel's); the few elements beyond 2 go through the portable kernel together. The GELU and its
gradient finish each block while it is still in cache, again in the portable kernels' order.
"""
from __future__ import annotations

import numpy as np

from .kernels.activation import _INV_SQRT_2PI, _SQRT1_2
from .kernels.special import _SMALL32_POWER, _SMALL64, _SPLIT

# bytes per block: four buffers of it fit a core's L2 cache (1 MiB on current x86 cores);
# smaller blocks pay NumPy's per-call cost more often (each block makes ~30 calls)
_BLOCK_BYTES = 1 << 18
_BLOCKED = (np.dtype(np.float32), np.dtype(np.float64))


class _ErfBlocks:
    """erf of a flat float32/float64 array, block by block: ``blocks()`` yields each block's
    slice with its erf in a scratch buffer (valid until the next block), for a caller that
    finishes the block in cache."""

    def __init__(self, kernels, flat):
        self.kernels, self.flat = kernels, flat
        self.kind = kind = flat.dtype.type
        self.power = kind is np.float32  # the portable kernel's Horner form, else Clenshaw
        self.coeffs = [kind(c) for c in (_SMALL32_POWER if self.power else _SMALL64)]
        self.step = max(1, _BLOCK_BYTES // flat.itemsize)

    def blocks(self):
        flat, kind = self.flat, self.kind
        for lo in range(0, flat.size, self.step):
            block = flat[lo:lo + self.step]
            near = np.clip(block, -_SPLIT, _SPLIT)
            t = self._horner(near) if self.power else self._clenshaw(near)
            t *= near
            far = np.flatnonzero(np.abs(block) > _SPLIT)
            if far.size:
                t[far] = self.kernels.portable_erf(block[far])
            yield slice(lo, lo + self.step), t

    def _horner(self, near):
        kind, coeffs = self.kind, self.coeffs
        s = near * near
        s *= kind(0.5)
        s -= kind(1.0)
        t = np.full_like(near, coeffs[0])
        for c in coeffs[1:]:
            t *= s
            t += c
        return t

    def _clenshaw(self, near):
        kind, coeffs = self.kind, self.coeffs
        # twice the portable kernel's Chebyshev variable s = near^2 / 2 - 1 (scaling by 2 is exact)
        s2 = near * near
        s2 -= kind(2.0)
        b1, b2, t = np.full_like(near, coeffs[-1]), np.zeros_like(near), np.empty_like(near)
        for c in coeffs[-2:0:-1]:
            np.multiply(s2, b1, out=t)
            t -= b2
            t += c
            b2, b1, t = b1, t, b2
        s2 *= kind(0.5)
        np.multiply(s2, b1, out=t)
        t -= b2
        t += coeffs[0]
        return t


def _flat_float(a):
    """``a`` as a flat C-ordered array when its dtype has a blocked kernel, else None."""
    if a.dtype not in _BLOCKED:
        return None
    return np.ascontiguousarray(a).reshape(-1)


class NumpySpecial:
    def portable_erf(self, a):
        return super().erf(a)

    def erf(self, a):
        flat = _flat_float(a)
        if flat is None:
            return super().erf(a)
        out = np.empty_like(flat)
        for part, erf in _ErfBlocks(self, flat).blocks():
            out[part] = erf
        return out.reshape(a.shape)

    def gelu_and_cdf(self, a):
        flat = _flat_float(a)
        if flat is None:
            return super().gelu_and_cdf(a)
        kind = flat.dtype.type
        scaled = flat * kind(_SQRT1_2)
        cdf = np.empty_like(flat)
        for part, erf in _ErfBlocks(self, scaled).blocks():
            erf += kind(1.0)
            np.multiply(erf, kind(0.5), out=cdf[part])
        return (flat * cdf).reshape(a.shape), cdf.reshape(a.shape)

    def gelu_backward(self, x, g, cdf=None):
        flat_x = _flat_float(x)
        if flat_x is None or g.dtype != x.dtype:
            return super().gelu_backward(x, g, cdf)
        kind = flat_x.dtype.type
        if cdf is None:
            cdf = self.gelu_and_cdf(x)[1]
        flat_cdf, flat_g = np.ascontiguousarray(cdf).reshape(-1), np.ascontiguousarray(g).reshape(-1)
        out = np.empty_like(flat_x)
        step = max(1, _BLOCK_BYTES // flat_x.itemsize)
        for lo in range(0, flat_x.size, step):
            part = slice(lo, lo + step)
            xb, t = flat_x[part], out[part]
            np.multiply(xb, xb, out=t)
            t *= kind(-0.5)
            np.exp(t, out=t)
            t *= kind(_INV_SQRT_2PI)
            t *= xb
            t += flat_cdf[part]
            t *= flat_g[part]
        return out.reshape(x.shape)
