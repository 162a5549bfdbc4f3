"""``gradkit.backends.cuda``: PyTorch's CUDA math switches (``matmul.allow_tf32`` and kin).

The values are recorded with PyTorch's defaults so scripts that set or read them run;
``allow_tf32`` (and ``gradkit.set_float32_matmul_precision``) also sets CuPy's float32 GEMM
compute type (TF32 where allowed), the others change no result."""
from __future__ import annotations

from . import _cuda_math


class _MatmulSettings:
    """``backends.cuda.matmul``: a fixed set of attributes, as PyTorch's (an unknown name
    raises AttributeError on reading and on setting, so a misspelt switch is not silently
    kept)."""
    _defaults = {"allow_fp16_reduced_precision_reduction": True,
                 "allow_bf16_reduced_precision_reduction": True, "fp32_precision": "ieee"}

    def __init__(self):
        self.__dict__.update(self._defaults)

    def __getattr__(self, name):  # only reached for names that are not set
        raise AttributeError(f"Unknown attribute {name}")

    # allow_tf32 is set_float32_matmul_precision's switch ("highest" is False), which drives
    # CuPy's GEMM compute type (_cuda_math)
    @property
    def allow_tf32(self) -> bool:
        return _cuda_math.tf32_allowed()

    @allow_tf32.setter
    def allow_tf32(self, value):
        _cuda_math.allow_tf32(bool(value))

    def __setattr__(self, name, value):
        if name == "allow_tf32":
            return object.__setattr__(self, name, value)
        if name not in self._defaults:
            raise AttributeError(f"Unknown attribute {name}")
        self.__dict__[name] = value

    def __repr__(self):
        return f"<gradkit.backends.cuda.matmul {dict(self.__dict__, allow_tf32=self.allow_tf32)}>"


matmul = _MatmulSettings()


def is_built() -> bool:
    """Whether CUDA support is installed (cupy importable), without importing it."""
    import importlib.util

    return importlib.util.find_spec("cupy") is not None
