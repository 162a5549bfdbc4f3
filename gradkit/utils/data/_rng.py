"""Where samplers and ``random_split`` get their random numbers.

Without a generator (or with ``gradkit.default_generator``) they draw from gradkit's CPU
generator, so ``gradkit.manual_seed(s)`` makes shuffling reproducible, as in PyTorch.

With a ``gradkit.Generator`` they draw from a stream that belongs to that generator alone:
gradkit's Generator is a seed holder (its numbers come from the per-device generators), so
the stream is a host-side ``random.Random`` seeded from ``generator.initial_seed()``, made
on first use and kept on the generator; ``generator.manual_seed(s)`` restarts it. Other
random ops (dropout, init) do not touch it, so a loader with its own generator yields the
same order whatever else the script draws, and two generators seeded alike give the same
orders. The orders differ from PyTorch's for the same seed (different algorithms).
"""
from __future__ import annotations

import random

__all__ = ["randperm_list", "randint_list", "host_stream"]


def _is_global(generator) -> bool:
    if generator is None:
        return True
    from ...ops.random import default_generator

    return generator is default_generator


def host_stream(generator) -> random.Random:
    """The host-side stream of ``generator`` (made on first use)."""
    rng = getattr(generator, "_host_rng", None)
    if rng is None:
        try:
            seed = generator.initial_seed()
        except AttributeError:
            raise TypeError(f"generator must be a gradkit.Generator, got {type(generator).__name__}") from None
        rng = random.Random(int(seed))
        generator._host_rng = rng
    return rng


def randperm_list(n: int, generator=None) -> list:
    """A random permutation of ``range(n)`` as Python ints."""
    if _is_global(generator):
        from ...ops.random import randperm

        return randperm(n, device="cpu").tolist()
    out = list(range(n))
    host_stream(generator).shuffle(out)
    return out


def randint_list(high: int, size: int, generator=None) -> list:
    """``size`` integers drawn uniformly from ``[0, high)``."""
    if _is_global(generator):
        from ...ops.random import randint

        return randint(0, high, (size,), device="cpu").tolist()
    rng = host_stream(generator)
    return [rng.randrange(high) for _ in range(size)]
