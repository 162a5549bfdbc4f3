"""``gradkit.backends.cudnn``: PyTorch's cuDNN switches, so scripts that set them run.

gradkit never calls cuDNN (CuPy's convolution here is unfold/fold and a cuBLAS GEMM, and
gradkit's kernels give the same results run after run), so ``is_available()`` is False and
the flags are recorded for the script to read back; they change nothing."""
from __future__ import annotations

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True
benchmark_limit = 10


def is_available() -> bool:
    return False


def version():
    """None: no cuDNN library is loaded (PyTorch answers None where it has none)."""
    return None
