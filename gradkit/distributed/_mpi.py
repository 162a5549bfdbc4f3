"""mpi4py, loaded on first use, and how a Tensor's array travels through it.

``import gradkit`` never imports mpi4py: MPI_Init runs when a process group is made. Arrays
go to MPI as host buffers that the tensor's backend hands out (``Backend.to_host``; on the
CPU the NumPy array itself, no copy, when it is contiguous), with the MPI datatype named
explicitly; a result is written back into the tensor through its backend when the buffer
was a copy."""
from __future__ import annotations

_state = {"MPI": None}


def mpi():
    """The ``mpi4py.MPI`` module (MPI_Init on first call)."""
    MPI = _state["MPI"]
    if MPI is None:
        try:
            import mpi4py
        except ImportError as exc:
            raise RuntimeError("gradkit.distributed needs mpi4py and an MPI library: pip install "
                               "'gradkit[distributed]' (mpi4py and mpich, which brings mpiexec)") from exc
        import sys

        if "mpi4py.MPI" not in sys.modules:
            # no threads call MPI here; a lower level spares MPICH its locks
            mpi4py.rc.thread_level = "serialized"
        from mpi4py import MPI

        _state["MPI"] = MPI
    return MPI


def available() -> bool:
    """Whether mpi4py is installed (found without importing it)."""
    if _state["MPI"] is not None:
        return True
    import importlib.util

    return importlib.util.find_spec("mpi4py") is not None


# gradkit dtype name -> mpi4py datatype attribute. float16 has no MPI type everywhere, so it
# travels as float32 (an exact widening), and so does anything else not listed here.
_DATATYPES = {"float32": "FLOAT", "float64": "DOUBLE", "int64": "INT64_T", "int32": "INT32_T", "int16": "INT16_T",
              "int8": "INT8_T", "uint8": "UINT8_T", "uint16": "UINT16_T", "uint32": "UINT32_T", "uint64": "UINT64_T",
              "bool": "C_BOOL", "complex64": "C_FLOAT_COMPLEX", "complex128": "C_DOUBLE_COMPLEX"}


def datatype(dtype_name):
    name = _DATATYPES.get(dtype_name)
    return None if name is None else getattr(mpi(), name)


def _contiguous(host) -> bool:
    try:
        return memoryview(host).c_contiguous
    except (TypeError, ValueError, BufferError):
        return False


class Staged:
    """A tensor's values as an MPI buffer: ``spec`` ([array, datatype]) for mpi4py, and
    ``commit()`` to write what MPI left there back into the tensor (a no-op when the buffer
    is the tensor's own memory). ``host_dtype``: the host dtype of the tensor's values (a
    widened buffer's is float32)."""
    __slots__ = ("tensor", "host", "spec", "alias", "host_dtype")

    def __init__(self, tensor, writable):
        data = tensor._data
        host = tensor._device.backend.to_host(data)
        self.host_dtype = host.dtype
        mpi_type = datatype(tensor.dtype.name)
        if mpi_type is None:
            host = host.astype("float32")
            mpi_type = mpi().FLOAT
        elif not _contiguous(host):
            host = host.copy()  # (C order)
        elif writable and host is not data:
            host = host.copy()  # never write into memory the backend may share (a strict array's)
        self.tensor = tensor
        self.host = host
        self.alias = host is data
        self.spec = [host, mpi_type]

    def commit(self):
        """The buffer's values into the tensor, in place, as a write that bumps its version."""
        if not self.alias:
            write_host(self.tensor, self.host, self.host_dtype)
        else:
            self.tensor._version[0] += 1


def write_host(tensor, values, host_dtype):
    """Host ``values`` (any shape of the tensor's size) into ``tensor``, in place, its
    version bumped; ``host_dtype`` is the tensor's own dtype on the host."""
    data = tensor._data
    values = values.reshape(data.shape)
    if values.dtype != host_dtype:
        values = values.astype(host_dtype)
    data[...] = tensor._device.backend.from_host(values, tensor._device)
    tensor._version[0] += 1


def host_xp():
    """The array namespace of host buffers: the CPU backend's (NumPy)."""
    from ..backends import Device

    return Device("cpu").backend.xp


def host_empty(count, host_like):
    """A flat host buffer of ``count`` items of ``host_like``'s dtype (receives gathers)."""
    return host_xp().empty((count,), dtype=host_like.dtype)
