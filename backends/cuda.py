"""``gradkit.backends.cuda``: PyTorch's CUDA math switches (``matmul.allow_tf32`` and kin).

The values are recorded with PyTorch's defaults so scripts that set or read them run; CuPy
picks its own GEMM precision (full float32 unless CUPY_TF32=1 is set before it starts), so
they do not change results."""
from __future__ import annotations


class _MatmulSettings:
    """``backends.cuda.matmul``: a fixed set of attributes, as PyTorch's (an unknown name
    raises AttributeError on reading and on setting, so a misspelt switch is not silently
    kept)."""
    _defaults = {"allow_tf32": False, "allow_fp16_reduced_precision_reduction": True,
                 "allow_bf16_reduced_precision_reduction": True, "fp32_precision": "ieee"}

    def __init__(self):
        self.__dict__.update(self._defaults)

    def __getattr__(self, name):  # only reached for names that are not set
        raise AttributeError(f"Unknown attribute {name}")

    def __setattr__(self, name, value):
        if name not in self._defaults:
            raise AttributeError(f"Unknown attribute {name}")
        self.__dict__[name] = value

    def __repr__(self):
        return f"<gradkit.backends.cuda.matmul {dict(self.__dict__)}>"


matmul = _MatmulSettings()


def is_built() -> bool:
    """Whether CUDA support is installed (cupy importable), without importing it."""
    import importlib.util

    return importlib.util.find_spec("cupy") is not None
