"""gradkit: PyTorch's eager API and autograd on NumPy (CPU) and CuPy (CUDA) arrays.

    import gradkit as torch
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward()            # x.grad == 4 * x

Pick a device with ``gradkit.set_default_device("cuda")``, ``device=`` on factories,
``tensor.to(device)`` or the ``GRADKIT_DEVICE`` environment variable.
"""
from __future__ import annotations


def _find_backends():
    """Installed, backends/ is gradkit.backends. Run from a source checkout without an
    install (e.g. on a GPU machine that can install nothing), load it from beside gradkit/."""
    import importlib.util
    import os
    import sys

    if importlib.util.find_spec(__name__ + ".backends") is not None:
        return
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "backends")
    spec = importlib.util.spec_from_file_location(__name__ + ".backends", os.path.join(src, "__init__.py"),
                                                  submodule_search_locations=[src])
    if spec is None:
        raise ImportError("gradkit.backends is missing: reinstall gradkit (pip install -e .)")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)


_find_backends()


def _silence_ieee_warnings():
    """PyTorch computes 1/0 = inf and log(-1) = nan silently (IEEE semantics); NumPy warns.
    The filter matches only warnings raised from gradkit's own modules, so a user's NumPy
    code keeps its warnings."""
    import warnings

    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"gradkit(\.|$)")


_silence_ieee_warnings()

from . import _dtype  # noqa: E402
from ._dtype import (bfloat16, bool_ as bool, dtype, finfo, float16, float32, float64, get_default_dtype, iinfo, int8,
                     int16, int32, int64, promote_types, set_default_dtype, uint8)
from ._size import Size
from ._layout import channels_last, channels_last_3d, contiguous_format, memory_format, preserve_format
from ._tensor import Tensor
from . import autograd  # noqa: E402  (needs Tensor)
from . import _tensor_methods  # noqa: F401  binds ops onto Tensor
from ._device import device, get_default_device, set_default_device
from ._printing import get_printoptions, printoptions, set_printoptions
from .autograd import enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, \
    set_grad_enabled
from .autograd import is_anomaly_check_nan_enabled, is_anomaly_enabled, set_anomaly_enabled
from .ops.random import Generator, default_generator  # noqa: E402  (a class and an object, not op functions)

# every op family's functions (aliases included), as each family registers them
for _family in _tensor_methods.FAMILIES:
    globals().update(_family.functions)
del _family
from . import cuda  # noqa: E402
from .serialization import load, save  # noqa: E402  (safetensors checkpoints, no pickle)
from .backends._runtime import (are_deterministic_algorithms_enabled, get_deterministic_debug_mode,  # noqa: E402
                                get_num_threads, is_deterministic_algorithms_warn_only_enabled,
                                set_deterministic_debug_mode, set_num_threads, use_deterministic_algorithms)

float = float32  # noqa: A001  (PyTorch's aliases shadow the builtins inside this namespace only)
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16

__version__ = "0.1.0"


def is_tensor(obj) -> bool:
    """True for gradkit tensors."""
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return input.is_floating_point()


def numel(input) -> int:
    return input.numel()


def _lazy(name):
    import importlib

    return importlib.import_module(f"gradkit.{name}")


_LAZY_SUBMODULES = ("distributions", "distributed", "backends", "testing", "accelerator", "utils", "data", "datasets",
                    "optim", "nn", "func", "viz", "special", "linalg", "compiler", "amp", "cpu")


# PyTorch's top-level functions that live in a lazily loaded submodule: name -> that module
_LAZY_FUNCTIONS = dict.fromkeys(("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                                 "conv_transpose3d"), "nn._functional_conv")
_LAZY_FUNCTIONS["compile"] = "compiler"
# mixed precision (PyTorch's torch.autocast and kin) and the float32 matmul precision
_LAZY_FUNCTIONS.update(dict.fromkeys(("autocast", "is_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype",
                                      "is_autocast_cache_enabled", "set_autocast_cache_enabled",
                                      "clear_autocast_cache"), "amp.autocast_mode"))
_LAZY_FUNCTIONS.update(dict.fromkeys(("set_float32_matmul_precision", "get_float32_matmul_precision"),
                                     "backends._cuda_math"))


def __getattr__(name):
    # Submodules that pull in more code load on first use. Whatever goes wrong while one
    # loads surfaces as AttributeError (chained to the cause): hasattr(gradkit, name) and
    # getattr(gradkit, name, default) answer for any name, as they do for torch.
    if name in _LAZY_SUBMODULES:
        try:
            module = _lazy(name)
        except Exception as exc:
            raise AttributeError(f"module 'gradkit' has no attribute {name!r} (gradkit.{name} failed to load: "
                                 f"{type(exc).__name__}: {exc})") from exc
        globals()[name] = module
        return module
    if name in _LAZY_FUNCTIONS:
        function = getattr(_lazy(_LAZY_FUNCTIONS[name]), name)
        globals()[name] = function
        return function
    raise AttributeError(f"module 'gradkit' has no attribute {name!r}")
