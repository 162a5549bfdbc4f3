"""The special family's NumPy kernels (a mixin of NumpyBackend): erf on cache-sized blocks.

The portable erf (backends/kernels/special.py) runs Clenshaw's recurrence over the whole
array, one new array per step, for both of its ranges. Here the |x| <= 2 range, where nearly
every GELU input lies, runs block by block in place on a few block-sized buffers that stay in
cache, with the same operations in the same order (the results are bit for bit the portable
kernel's); the few elements beyond 2 go through the portable kernel together.
"""
from __future__ import annotations

import numpy as np

from .kernels.special import _SMALL32, _SMALL64, _SPLIT

# elements per block: four buffers of it fit a core's L2 cache
_BLOCK_BYTES = 1 << 17


class NumpySpecial:
    def erf(self, a):
        if a.dtype == np.float32:
            coeffs = _SMALL32
        elif a.dtype == np.float64:
            coeffs = _SMALL64
        else:
            return super().erf(a)
        kind = a.dtype.type
        coeffs = [kind(c) for c in coeffs]
        flat = np.ascontiguousarray(a).reshape(-1)
        out = np.empty_like(flat)
        step = max(1, _BLOCK_BYTES // a.itemsize)
        for lo in range(0, flat.size, step):
            near = np.clip(flat[lo:lo + step], -_SPLIT, _SPLIT)
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
            t *= near
            out[lo:lo + step] = t
        far = np.flatnonzero(np.abs(flat) > _SPLIT)
        if far.size:
            out[far] = super().erf(flat[far])
        return out.reshape(a.shape)
