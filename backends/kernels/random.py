"""Random-number kernels: each backend owns its generator (seed, uniform, normal, integers);
the samplers built on them (permutation, categorical, multinomial counts) are portable.
"""
from __future__ import annotations


class RandomKernels:
    xp = None  # the array-API namespace (set by the Backend)

    def seed(self, seed: int) -> None:
        raise NotImplementedError

    def get_rng_state(self, device):
        """The generator of ``device`` as a host uint8 array (NumPy), for set_rng_state."""
        raise NotImplementedError

    def set_rng_state(self, state, device) -> None:
        """Restores a state from get_rng_state (a host uint8 array); RuntimeError if it has
        the wrong size."""
        raise NotImplementedError

    def uniform(self, shape, dtype, device):
        raise NotImplementedError

    def normal(self, shape, dtype, device):
        raise NotImplementedError

    def integers(self, low, high, shape, dtype, device):
        raise NotImplementedError

    def permutation(self, n, device):
        """A random permutation of range(n), int64: the order that sorts n uniform keys
        (ties, at 2**-53 apart, are vanishingly rare)."""
        xp = self.xp
        return xp.astype(xp.argsort(self.uniform((n,), xp.float64, device), stable=True), xp.int64)

    def categorical(self, probs, num_samples, device):
        """``num_samples`` category indices drawn with replacement from each row of ``probs``
        (rows, k): float64 non-negative weights, every row with a positive sum. Returns
        int64 (rows, num_samples).

        Inverse-CDF sampling of all rows at once: row r's CDF is shifted onto [r, r + 1], so
        one sorted 1-D array holds every row and a single ``searchsorted`` (which takes a
        1-D sorted array in the standard) places every draw."""
        xp = self.xp
        rows, k = probs.shape
        if rows == 0 or num_samples == 0:
            return xp.zeros((rows, num_samples), dtype=xp.int64, device=self.xp_device(device))
        cdf = self.cumsum(probs, 1)
        cdf = cdf / cdf[:, -1:]
        shift = xp.reshape(xp.arange(rows, dtype=cdf.dtype, device=self.xp_device(device)), (rows, 1))
        u = self.uniform((rows, num_samples), cdf.dtype, device) + shift
        pos = xp.searchsorted(xp.reshape(cdf + shift, (-1,)), xp.reshape(u, (-1,)), side="right")
        idx = xp.reshape(xp.astype(pos, xp.int64), (rows, num_samples)) - xp.astype(shift, xp.int64) * k
        # rounding of u + r can land on a neighbouring row's edge: keep indices in the row
        return xp.clip(idx, 0, k - 1)

    def multinomial_counts(self, total_count, probs, num, device):
        """Counts of ``total_count`` draws from each row of ``probs`` (rows, k), ``num``
        independent times: int64 (num, rows, k). The portable default draws every index
        (``categorical``) and counts them all with one sort and one ``searchsorted``."""
        xp = self.xp
        rows, k = probs.shape
        dev = self.xp_device(device)
        if total_count == 0 or num == 0 or rows == 0:
            return xp.zeros((num, rows, k), dtype=xp.int64, device=dev)
        idx = xp.reshape(self.categorical(probs, num * total_count, device), (rows, num, total_count))
        cell = (xp.reshape(xp.arange(num, dtype=xp.int64, device=dev), (1, num, 1)) * rows
                + xp.reshape(xp.arange(rows, dtype=xp.int64, device=dev), (rows, 1, 1))) * k + idx
        keys = xp.sort(xp.reshape(cell, (-1,)))
        edges = xp.searchsorted(keys, xp.arange(num * rows * k + 1, dtype=xp.int64, device=dev), side="left")
        counts = xp.astype(edges[1:] - edges[:-1], xp.int64)
        return xp.reshape(counts, (num, rows, k))
