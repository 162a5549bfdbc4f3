"""The Backend interface: devices, dtypes and transfers, plus the kernel families.

Each family (backends/kernels/) holds one portable implementation of its kernels written
against the array API standard (functions of ``self.xp`` only), so a new array library works
as soon as it has an array-API namespace. NumPy and CuPy override, in their own modules, the
kernels where a native form pays (``add.at``, fancy indexing, one-pass updates, fused CUDA
kernels), falling back to ``super()`` for what they do not cover. The strict test backend
keeps the portable defaults, so the test suite exercises them on every run. Ops reach kernels
only through the ``backend`` their forward receives.
"""
from __future__ import annotations

from sys import getrefcount

from .kernels.activation import ActivationKernels
from .kernels.amp import AmpKernels
from .kernels.attention import AttentionKernels
from .kernels.conv import ConvKernels
from .kernels.indexing import DiagonalKernels, IndexingKernels, ScatterKernels
from .kernels.interpolate import InterpolateKernels
from .kernels.layout import LayoutKernels
from .kernels.linalg import LinalgKernels
from .kernels.linear import LinearKernels
from .kernels.loss import LossKernels
from .kernels.normalization import NormalizationKernels
from .kernels.optimizer import OptimizerKernels
from .kernels.pooling import PoolingKernels
from .kernels.random import RandomKernels
from .kernels.recurrent import RecurrentKernels
from .kernels.reduction import ReductionKernels
from .kernels.special import SpecialKernels


# Raised when a device is asked for whose array library or hardware is missing. It is
# RuntimeError itself, not a subclass: PyTorch raises RuntimeError there, and notebooks and
# logs show the exception's class name; the message says why and what to install.
BackendUnavailable = RuntimeError


class Backend(ActivationKernels, SpecialKernels, LossKernels, LinearKernels, ReductionKernels, IndexingKernels,
              RandomKernels, OptimizerKernels, DiagonalKernels, ScatterKernels, LinalgKernels, LayoutKernels,
              InterpolateKernels, PoolingKernels, ConvKernels, RecurrentKernels, AttentionKernels,
              NormalizationKernels, AmpKernels):
    name = "abstract"
    xp = None  # the array-API namespace

    # -- devices and dtypes -------------------------------------------------------------
    def xp_device(self, device):
        """The array library's own device object for a gradkit Device."""
        raise NotImplementedError

    def resolve(self, device):
        """A concrete device (e.g. 'cuda' -> 'cuda:0')."""
        return device

    def device_count(self) -> int:
        return 1

    def xp_dtype(self, name: str):
        found = getattr(self.xp, name, None)
        if found is None:
            raise TypeError(f"gradkit's {self.name} backend has no {name} dtype (its array library does not store "
                            f"it); use float16, float32 or float64")
        return found

    def dtype_name(self, array_dtype) -> str:
        return str(array_dtype).rsplit(".", 1)[-1]

    # -- creation and transfer ----------------------------------------------------------
    def asarray(self, obj, dtype, device, copy=None):
        return self.xp.asarray(obj, dtype=dtype, device=self.xp_device(device), copy=copy)

    def to_host(self, array):
        """A NumPy array with the values of ``array`` (copies off accelerators)."""
        raise NotImplementedError

    def from_host(self, host_array, device):
        return self.xp.asarray(host_array, device=self.xp_device(device))

    def from_dlpack(self, obj, device):
        return self.xp.from_dlpack(obj)

    def synchronize(self, device=None) -> None:
        """Wait for queued work; a no-op where work runs eagerly."""

    def memory_info(self, device=None) -> dict:
        return {}

    # -- what the standard lacks ----------------------------------------------------------
    def reshape(self, array, shape):
        """``array`` in ``shape`` (row-major; a view where the layout allows, else a copy):
        the views family's one kernel."""
        return self.xp.reshape(array, shape)

    def permute(self, array, dims):
        """``array`` with its axes in the order ``dims`` (a view): transpose and permute's kernel."""
        return self.xp.permute_dims(array, dims)

    def reshape_is_view(self, array, shape) -> bool:
        """Whether ``reshape(array, shape)`` can share the array's memory (a non-contiguous
        array may need a copy): autograd treats only real views as views."""
        try:
            self.xp.reshape(array, shape, copy=False)
        except (ValueError, AttributeError, TypeError):
            return False
        return True

    def ones_like(self, a):
        """An array of ones of ``a``'s shape, dtype and device (backward()'s seed gradient)."""
        return self.xp.ones_like(a)

    # -- gradient adoption (asked by the backward engine) ---------------------------------
    def adoptable(self, array) -> bool:
        """Whether ``array``, the data of a gradient Tensor that nothing else refers to, may
        become a leaf's ``.grad`` as it is, without a copy. ``.grad`` accumulates in place
        afterwards, so the array must own its memory (not be a view of another array), be
        writable, and have that one Tensor as its only holder. The portable answer is no:
        the array API can tell neither a view nor another holder, so leaves copy."""
        return False


# What sys.getrefcount reports for an array whose only holder is one attribute (a Tensor's
# _data), read inside a method that the attribute was passed to, as the adoptable overrides
# read it. The interpreter's own references in that count differ between Python versions
# (3.14 borrows some), so it is measured once instead of written down; a higher count
# means another holder.
def _refs_seen_by_callee(array):
    return getrefcount(array)


class _Holder:
    __slots__ = ("data",)


def _sole_holder_refs():
    holder = _Holder()
    holder.data = [None]  # any object only the holder refers to
    return _refs_seen_by_callee(holder.data)


SOLE_HOLDER_REFS = _sole_holder_refs()
