"""Where a process learns its place in the job: torchrun-style variables (``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ``LOCAL_WORLD_SIZE``), or the MPI launcher's own (MPICH's
``PMI_*``/``MPI_LOCALRANKID``, Open MPI's ``OMPI_COMM_WORLD_*``, Slurm's ``SLURM_*``).
The MPI communicator is the final word; these only name ranks before it exists or where a
launcher chose them."""
from __future__ import annotations

import os

# the first variable set wins, in this order
_RANK = ("RANK", "OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID")
_WORLD_SIZE = ("WORLD_SIZE", "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS")
_LOCAL_RANK = ("LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID")
_LOCAL_WORLD_SIZE = ("LOCAL_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS")


def _first_int(names, environ):
    for name in names:
        value = environ.get(name)
        if value not in (None, ""):
            try:
                return int(value)
            except ValueError:
                raise ValueError(f"environment variable {name} must be an integer, got {value!r}") from None
    return None


def env_rank(environ=None):
    return _first_int(_RANK, os.environ if environ is None else environ)


def env_world_size(environ=None):
    return _first_int(_WORLD_SIZE, os.environ if environ is None else environ)


def env_local_rank(environ=None):
    return _first_int(_LOCAL_RANK, os.environ if environ is None else environ)


def env_local_world_size(environ=None):
    return _first_int(_LOCAL_WORLD_SIZE, os.environ if environ is None else environ)


def launched_by_mpi(environ=None) -> bool:
    """Whether an MPI launcher started this process (so MPI_Init joins a job of several)."""
    environ = os.environ if environ is None else environ
    return any(name in environ for name in ("PMI_RANK", "PMI_FD", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE",
                                            "HYDRA_CONTROL_FD", "PMI_PORT"))
