"""The NumPy dtypes the CPU backend's fast paths serve: float32 and float64, the types OpenBLAS
and NumPy's SIMD loops cover (float16 and the integer types take the portable kernels)."""
from __future__ import annotations

import numpy as np

FLOAT32 = np.dtype(np.float32)
BLAS_FLOATS = (FLOAT32, np.dtype(np.float64))
