"""Process groups: the default one made by ``init_process_group`` and subgroups from
``new_group``, each an MPI communicator plus, for CUDA tensors, NCCL communicators made on
first use. PyTorch's names, defaults and errors."""
from __future__ import annotations

import sys
import time
from datetime import timedelta

from . import _env
from ._mpi import mpi

default_pg_timeout = timedelta(minutes=30)

_BACKENDS = ("mpi", "gloo", "nccl")


class Backend(str):
    """``torch.distributed.Backend``: the backend names, and a constructor that checks them."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    MPI = "mpi"

    def __new__(cls, name: str):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        value = name.lower()
        if value not in _BACKENDS and value != cls.UNDEFINED:
            raise ValueError(f"Invalid backend: '{name}'")
        return str.__new__(cls, value)


class ProcessGroup:
    """A set of ranks that run collectives together (``torch.distributed.ProcessGroup``)."""

    def __init__(self, comm, backend, timeout, global_ranks):
        self.comm = comm
        self._backend = backend
        self.timeout = timeout
        self.timeout_s = timeout.total_seconds()
        self.global_ranks = global_ranks  # group rank -> rank in the default group
        self._rank = comm.Get_rank()
        self._size = comm.Get_size()
        self.global_rank = global_ranks[self._rank]
        self._nccl = {}  # CUDA device index -> NCCL communicator

    def rank(self) -> int:
        return self._rank

    def size(self) -> int:
        return self._size

    def name(self) -> str:
        return self._backend

    def group_rank(self, global_rank, what="rank"):
        try:
            return self.global_ranks.index(global_rank)
        except ValueError:
            raise ValueError(f"Group {self!r} does not contain {what} {global_rank}") from None

    def nccl(self, device):
        """The NCCL communicator of this group on a CUDA device, made (collectively) on first use."""
        comm = self._nccl.get(device.index)
        if comm is None:
            from ._nccl import NcclCommunicator

            comm = self._nccl[device.index] = NcclCommunicator(self, device)
        return comm

    def __repr__(self):
        return f"<ProcessGroup {self._backend} rank {self._rank} of {self._size}>"


class _NonGroupMember:
    def __repr__(self):
        return "GroupMember.NON_GROUP_MEMBER"


class GroupMember:
    WORLD = None  # the default group once made
    NON_GROUP_MEMBER = _NonGroupMember()


class _WorldGroup:
    """``torch.distributed.group.WORLD``: the default group (None until it exists)."""
    WORLD = None


group = _WorldGroup


_world = {"excepthook": None}


def is_initialized() -> bool:
    return GroupMember.WORLD is not None


def default_group() -> ProcessGroup:
    pg = GroupMember.WORLD
    if pg is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    return pg


def resolve(group):
    """The ProcessGroup for ``group`` (None: the default), or None when this rank is not in it."""
    if group is None:
        return default_group()
    if group is GroupMember.NON_GROUP_MEMBER:
        return None
    if not isinstance(group, ProcessGroup):
        raise TypeError(f"group must be a ProcessGroup returned by new_group, got {type(group).__name__}")
    return group


def _as_timedelta(timeout):
    if timeout is None:
        return default_pg_timeout
    if isinstance(timeout, timedelta):
        return timeout
    raise TypeError(f"Expected timeout argument to be of typedatetime.timedelta, got {type(timeout)}")


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Joins this process to the job. The MPI launcher (``mpiexec``, or
    ``python -m gradkit.distributed.run``) starts the processes and MPI tells each its rank;
    ``rank``/``world_size`` given here or in ``RANK``/``WORLD_SIZE`` must describe the same
    job (a rank differing from MPI's renumbers the processes accordingly)."""
    if GroupMember.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if backend is None:
        backend = "mpi"
    else:
        backend = str(Backend(backend)) if ":" not in str(backend) else _device_backends(backend)
    timeout = _as_timedelta(timeout)
    if store is not None and init_method is not None:
        raise ValueError("Cannot specify both init_method and store.")
    if world_size is None:
        world_size = -1
    if rank is None:
        rank = -1
    if rank < 0:
        rank = _env.env_rank() if _env.env_rank() is not None else -1
    if world_size < 0:
        world_size = _env.env_world_size() if _env.env_world_size() is not None else -1
    MPI = mpi()
    comm = MPI.COMM_WORLD
    size = comm.Get_size()
    if world_size >= 0 and world_size != size:
        hint = ("" if _env.launched_by_mpi() else " (this process was not started by an MPI launcher: start "
                "the job with `python -m gradkit.distributed.run --nproc-per-node N script.py` or `mpiexec -n N "
                "python script.py`)")
        raise ValueError(f"init_process_group: world_size={world_size}, but the MPI job has {size} "
                         f"process{'es' if size != 1 else ''}{hint}")
    if rank >= 0:
        if rank >= size:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {size - 1}]")
        if rank != comm.Get_rank():
            comm = comm.Split(0, rank)  # number the processes as the launcher named them
            if comm.Get_rank() != rank:
                raise ValueError(f"init_process_group: rank {rank} was given to more than one process")
        else:
            comm = comm.Dup()
    else:
        comm = comm.Dup()  # collectives of the library never meet a user's own on COMM_WORLD
    pg = ProcessGroup(comm, backend, timeout, list(range(size)))
    GroupMember.WORLD = _WorldGroup.WORLD = pg
    if size > 1:
        _install_excepthook()
    return None


def _device_backends(spec):
    """PyTorch's "cpu:gloo,cuda:nccl" form: CPU tensors always go over MPI here; the CUDA entry
    names the group's backend."""
    names = dict(item.split(":", 1) for item in str(spec).split(","))
    for value in names.values():
        Backend(value)
    return names.get("cuda", "mpi")


def destroy_process_group(group=None):
    if group is None or group is GroupMember.WORLD:
        pg = default_group() if group is None else group
        GroupMember.WORLD = _WorldGroup.WORLD = None
        _restore_excepthook()
    else:
        pg = resolve(group)
        if pg is None:
            return
    for nccl in pg._nccl.values():
        nccl.destroy()
    pg._nccl.clear()
    comm, pg.comm = pg.comm, None
    if comm is not None:
        comm.Free()


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """A subgroup of the default group's ranks. Every rank of the default group calls it (as in
    PyTorch); ranks outside ``ranks`` get ``GroupMember.NON_GROUP_MEMBER``."""
    world = default_group()
    size = world.size()
    ranks = list(range(size)) if ranks is None else sorted(int(r) for r in ranks)
    for r in ranks:
        if r < 0 or r >= size:
            raise ValueError(f"The new group's rank should be within the world_size set by init_process_group")
    if len(set(ranks)) != len(ranks):
        raise ValueError("new_group: ranks must be unique")
    MPI = mpi()
    member = world.rank() in ranks
    comm = world.comm.Split(0 if member else MPI.UNDEFINED, world.rank())
    if not member:
        return GroupMember.NON_GROUP_MEMBER
    name = world.name() if backend is None else str(Backend(backend))
    return ProcessGroup(comm, name, _as_timedelta(timeout) if timeout is not None else world.timeout, ranks)


def get_rank(group=None) -> int:
    pg = resolve(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group=None) -> int:
    pg = resolve(group)
    return -1 if pg is None else pg.size()


def get_backend(group=None) -> str:
    pg = resolve(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return Backend(pg.name())


def get_global_rank(group, group_rank) -> int:
    pg = resolve(group)
    if pg is None:
        raise ValueError("Group is not part of the default process group")
    if not 0 <= group_rank < pg.size():
        raise ValueError(f"Group rank {group_rank} is not part of group {pg!r}")
    return pg.global_ranks[group_rank]


def get_group_rank(group, global_rank) -> int:
    pg = resolve(group)
    if pg is None:
        raise ValueError("Group is not part of the default process group")
    return pg.group_rank(global_rank, "global rank")


def get_process_group_ranks(group) -> list:
    pg = resolve(group)
    return [] if pg is None else list(pg.global_ranks)


# -- a rank that raises ends the job ------------------------------------------------------------
def _install_excepthook():
    """An uncaught exception prints its traceback, then aborts the whole MPI job, so that the
    other ranks stop at once instead of waiting in their next collective until the timeout."""
    if _world["excepthook"] is not None:
        return
    previous = sys.excepthook
    _world["excepthook"] = previous

    def abort_job(kind, value, tb):
        previous(kind, value, tb)
        rank = GroupMember.WORLD.global_rank if GroupMember.WORLD is not None else "?"
        print(f"[gradkit.distributed] rank {rank} raised {kind.__name__}; aborting the job", file=sys.stderr)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        # the launcher forwards output through pipes and drops what is still in them when the
        # abort kills the job: a moment lets the traceback get out first
        time.sleep(1.0)
        mpi().COMM_WORLD.Abort(1)

    sys.excepthook = abort_job


def _restore_excepthook():
    previous = _world["excepthook"]
    if previous is not None:
        sys.excepthook = previous
        _world["excepthook"] = None
