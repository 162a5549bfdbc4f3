"""float32 matmul precision (PyTorch's ``set_float32_matmul_precision`` and
``backends.cuda.matmul.allow_tf32``), carried to CuPy's GEMM compute type.

"highest" keeps full float32 GEMMs; "high" and "medium" allow TF32 tensor-core math on
devices that have it (compute capability 8.0 and up), which CuPy selects per dtype through
``cupy._core._routines_linalg.set_compute_type``. The setting is recorded without CUDA (the
CPU's float32 matmul is always full precision) and applied to CuPy as soon as it is loaded.
Written against CuPy 14's sources; not yet run on a GPU."""
from __future__ import annotations

import sys
import warnings

PRECISIONS = ("highest", "high", "medium")
_precision = ["highest"]
_hooked = [False]


def set_float32_matmul_precision(precision: str) -> None:
    if precision not in PRECISIONS:
        # PyTorch warns and keeps the old setting
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      f"setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _precision[0] = precision
    _apply()


def get_float32_matmul_precision() -> str:
    return _precision[0]


def tf32_allowed() -> bool:
    return _precision[0] != "highest"


def allow_tf32(flag: bool) -> None:
    """``backends.cuda.matmul.allow_tf32 = flag``: the same switch, as PyTorch's legacy spelling."""
    _precision[0] = "high" if flag else "highest"
    _apply()


def _apply():
    if not _hooked[0]:
        from . import on_create

        on_create.append(_on_backend_created)
        _hooked[0] = True
    if "cupy" not in sys.modules:
        return  # nothing to drive yet: applied when the CUDA backend is made
    from . import loaded_backends

    for backend in loaded_backends():
        _on_backend_created(backend)


def _on_backend_created(backend):
    if backend.name != "cupy":
        return
    import numpy
    from cupy._core import _routines_linalg as gemm

    # the values of CuPy's compute-type enum (_routines_linalg.pxd), where a build hides its names
    tf32, default = getattr(gemm, "COMPUTE_TYPE_TF32", 7), getattr(gemm, "COMPUTE_TYPE_DEFAULT", 1)
    gemm.set_compute_type(numpy.float32, tf32 if tf32_allowed() else default)
