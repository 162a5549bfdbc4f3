"""NumPy's form of the mixed-precision kernels: the in-place unscale through ``out=`` and a
sum as the first non-finite test (an inf or nan in any element makes the sum non-finite;
only a sum that is non-finite is checked element by element, since finite values can
also overflow it)."""
from __future__ import annotations

import numpy as np


class NumpyAmp:
    def amp_unscale_and_check(self, grads, inv_scale):
        inv = float(inv_scale)
        found = False
        for g in grads:
            if g.dtype == np.float32 or g.dtype == np.float64:
                np.multiply(g, inv, out=g)
            else:
                g[...] = g.astype(np.float32) * np.float32(inv)
            if not found and not np.isfinite(np.add.reduce(g, axis=None)):
                found = not np.isfinite(g).all()
        return np.asarray(1.0 if found else 0.0, dtype=np.float32)
