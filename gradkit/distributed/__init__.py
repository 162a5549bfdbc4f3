"""``gradkit.distributed``: ``torch.distributed``'s interface over MPI (mpi4py) for CPU tensors
and NCCL (CuPy) for CUDA tensors.

Start the processes with ``python -m gradkit.distributed.run --nproc-per-node N script.py``
or ``mpiexec -n N python script.py``; each calls ``init_process_group()``. Importing this
package does not load mpi4py (``init_process_group`` does); ``is_available()`` says whether
it can be loaded. Install both with ``pip install 'gradkit[distributed]'``."""
from ._group import (Backend, GroupMember, ProcessGroup, default_pg_timeout, destroy_process_group, get_backend,
                     get_global_rank, get_group_rank, get_process_group_ranks, get_rank, get_world_size, group,
                     init_process_group, is_initialized, new_group)
from ._mpi import available as _mpi_available
from .collectives import (ReduceOp, all_gather, all_gather_into_tensor, all_reduce, barrier, broadcast, gather,
                          irecv, isend, recv, reduce, reduce_scatter_tensor, scatter, send)
from .objects import all_gather_object, broadcast_object_list, gather_object, scatter_object_list
from .work import DistBackendError, DistError, Work


def is_available() -> bool:
    """Whether distributed training can run here (mpi4py imports)."""
    return _mpi_available()


def is_mpi_available() -> bool:
    return _mpi_available()


def is_gloo_available() -> bool:
    # "gloo" is accepted as the CPU backend's name and served by MPI
    return _mpi_available()


def is_nccl_available() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("cupy") is not None and _mpi_available()
    except (ImportError, ValueError):
        return False


def is_torchelastic_launched() -> bool:
    import os

    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


__all__ = ["Backend", "DistBackendError", "DistError", "GroupMember", "ProcessGroup", "ReduceOp", "Work",
           "all_gather", "all_gather_into_tensor", "all_gather_object", "all_reduce", "barrier", "broadcast",
           "broadcast_object_list", "default_pg_timeout", "destroy_process_group", "gather", "gather_object",
           "get_backend", "get_global_rank", "get_group_rank", "get_process_group_ranks", "get_rank",
           "get_world_size", "group", "init_process_group", "irecv", "is_available", "is_gloo_available",
           "is_initialized", "is_mpi_available", "is_nccl_available", "is_torchelastic_launched", "isend",
           "new_group", "recv", "reduce", "reduce_scatter_tensor", "scatter", "scatter_object_list", "send"]
