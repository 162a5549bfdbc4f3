"""Mixed-precision kernels: GradScaler's unscale-and-check over a device's gradients and its
scale update, as PyTorch's ``_amp_foreach_non_finite_check_and_unscale_`` and
``_amp_update_scale_``. Both stay on the device: the answer to "was anything non-finite"
is a 0-d array, read on the host only where the optimizer step must be decided.
"""
from __future__ import annotations


class AmpKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def amp_unscale_and_check(self, grads, inv_scale):
        """Multiplies each array of ``grads`` by ``inv_scale`` (a 0-d float32 array) in place,
        in float32 math; returns a 0-d float32 array, 1.0 if any element of any gradient was
        inf or nan before unscaling, else 0.0."""
        xp = self.xp
        found = xp.zeros((), dtype=xp.bool, device=getattr(inv_scale, "device", None))
        for g in grads:
            found = xp.logical_or(found, xp.logical_not(xp.all(xp.isfinite(g))))
            if g.dtype == xp.float32:
                g *= inv_scale
            else:  # float16 (or float64): the product in float32, as PyTorch's opmath
                g[...] = xp.astype(xp.astype(g, xp.float32) * inv_scale, g.dtype)
        return xp.astype(found, xp.float32)

    def amp_update_scale(self, scale, growth_tracker, found_inf, growth_factor: float, backoff_factor: float,
                         growth_interval: int):
        """The next (scale, growth_tracker): backed off and the count reset after a step with
        non-finite gradients; grown by growth_factor (where the product stays finite) after
        growth_interval clean steps in a row. No host sync."""
        xp = self.xp
        found = found_inf > 0
        successful = growth_tracker + 1
        grown = scale * growth_factor
        grow = xp.logical_and(successful >= growth_interval, xp.isfinite(grown))
        new_scale = xp.where(found, scale * backoff_factor, xp.where(grow, grown, scale))
        new_tracker = xp.where(xp.logical_or(found, successful >= growth_interval),
                               xp.zeros_like(growth_tracker), successful)
        return new_scale, new_tracker
