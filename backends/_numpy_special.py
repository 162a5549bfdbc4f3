"""The special family's NumPy kernels (a mixin of NumpyBackend): erf, and the exact GELU with
its gradient, on cache-sized blocks.

The portable erf (backends/kernels/special.py) runs its series (Horner's rule in float32,
Clenshaw's recurrence in float64) over the whole array, one new array per step, for both of
its ranges. Here the |x| <= 2 range, where nearly every input lies, runs block by block in
place on a few block-sized buffers that stay in cache, with the same operations in the same
order (the results are bit for bit the portable kernel's); the few elements beyond 2 go through
the portable kernel together. The GELU evaluates its own polynomial in x^2 (Phi directly, no
erf) the same way, gathers the elements beyond |x| = 2 of all blocks for one call of the
portable tail formula, and matches the portable GELU bit for bit; its float32 gradient uses
exp2 where the portable one uses exp.
"""
from __future__ import annotations

import math

import numpy as np

from ._numpy_dtypes import BLAS_FLOATS
from .kernels.activation import _INV_SQRT_2PI
from .kernels.special import (_SMALL32_POWER, _SMALL64, _SPLIT, PHI_CENTRAL32, PHI_CENTRAL64, PHI_SHIFT,
                              gelu_tail)

# bytes per block: four buffers of it fit a core's L2 cache (1 MiB on current x86 cores);
# smaller blocks pay NumPy's per-call cost more often (each block makes 20 to 30 calls)
_BLOCK_BYTES = 1 << 18


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
    if a.dtype not in BLAS_FLOATS:
        return None
    return np.ascontiguousarray(a).reshape(-1)


def _true_positions(mask):
    """np.flatnonzero of a fresh 1-D bool array. NumPy's scan mispredicts a branch at nearly
    every True when they are a few percent of the array and scattered (|x| > 2 among normal
    values): here it scans eight flags at a time (a uint64 word), then only the words that
    hold a True, where NumPy's branch-free scan for dense masks takes over."""
    if mask.size % 8:
        return np.flatnonzero(mask)
    words = mask.view(np.uint64)
    hits = np.flatnonzero(words != 0)
    within = np.flatnonzero(words[hits].view(np.bool_))
    return (hits[within >> 3] << 3) + (within & 7)


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
        small = kind is np.float32
        coeffs = [kind(c) for c in (PHI_CENTRAL32 if small else PHI_CENTRAL64)]
        shift, half = kind(PHI_SHIFT), kind(0.5)
        out, cdf = np.empty_like(flat), np.empty_like(flat)
        step = max(1, _BLOCK_BYTES // flat.itemsize)
        u = np.empty(min(step, flat.size), kind)
        far = []
        # no clip: beyond |x| = 2 the polynomial may overflow (or meet inf), and those elements
        # are overwritten by the tail formula below
        with np.errstate(over="ignore", invalid="ignore"):
            for lo in range(0, flat.size, step):
                part = slice(lo, lo + step)
                xb, t = flat[part], cdf[part]
                ub = u[:xb.size]
                np.multiply(xb, xb, out=ub)
                ub -= shift  # exact (Sterbenz) near 4, so ub > 0 exactly where |x| > 2
                np.multiply(ub, coeffs[0], out=t)
                t += coeffs[1]
                for c in coeffs[2:]:
                    t *= ub
                    t += c
                t *= xb
                t += half
                np.multiply(xb, t, out=out[part])
                if not ub.max() <= 0:  # some |x| > 2 (or a NaN, which the mask below leaves out)
                    far.append(_true_positions(ub > 0) + lo)
            if far:
                far_at = np.concatenate(far)
                out[far_at], cdf[far_at] = gelu_tail(np, flat[far_at].astype(np.float64), small)
        return out.reshape(a.shape), cdf.reshape(a.shape)

    def gelu_backward(self, x, g, cdf=None):
        flat_x = _flat_float(x)
        if flat_x is None or g.dtype != x.dtype:
            return super().gelu_backward(x, g, cdf)
        kind = flat_x.dtype.type
        if cdf is None:
            cdf = self.gelu_and_cdf(x)[1]
        if kind is np.float32:
            # exp(-x^2/2) as exp2(-x^2 / (2 ln 2)): NumPy's float32 exp2 is a cheaper SIMD kernel
            # than its exp, and within an ulp where exp is within about 2.4
            scale, power = kind(-0.5 / math.log(2.0)), np.exp2
        else:
            scale, power = kind(-0.5), np.exp  # (the portable kernel's operations, bit for bit)
        flat_cdf, flat_g = np.ascontiguousarray(cdf).reshape(-1), np.ascontiguousarray(g).reshape(-1)
        out = np.empty_like(flat_x)
        step = max(1, _BLOCK_BYTES // flat_x.itemsize)
        for lo in range(0, flat_x.size, step):
            part = slice(lo, lo + step)
            xb, t = flat_x[part], out[part]
            np.multiply(xb, xb, out=t)
            t *= scale
            power(t, out=t)
            t *= kind(_INV_SQRT_2PI)
            t *= xb
            t += flat_cdf[part]
            t *= flat_g[part]
        return out.reshape(x.shape)
