"""The tensor collectives of ``torch.distributed``, over MPI for CPU tensors (and CUDA ones
under the MPI backend, through host memory) and over NCCL for CUDA tensors.

Each is started non-blocking; ``async_op=True`` returns its Work, otherwise it is waited for
here (with the group's timeout). Results land in the caller's tensors in place, as PyTorch
writes them: outside autograd, each written tensor's version bumped. ``src``/``dst`` are
ranks of the default group; ``group_src``/``group_dst`` ranks within ``group``."""
from __future__ import annotations

import enum

from .._tensor import Tensor
from . import _group
from ._mpi import Staged, host_empty, host_xp, mpi, write_host
from .work import Work


class RedOpType(enum.Enum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7


class ReduceOp:
    """``torch.distributed.ReduceOp``: SUM, AVG, PRODUCT, MIN, MAX, BAND, BOR, BXOR."""
    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR


# op -> MPI op name, for numbers and for bool (where a sum is an "or", as in PyTorch)
_MPI_OPS = {RedOpType.SUM: ("SUM", "LOR"), RedOpType.AVG: ("SUM", "LOR"), RedOpType.PRODUCT: ("PROD", "LAND"),
            RedOpType.MIN: ("MIN", "LAND"), RedOpType.MAX: ("MAX", "LOR"), RedOpType.BAND: ("BAND", "LAND"),
            RedOpType.BOR: ("BOR", "LOR"), RedOpType.BXOR: ("BXOR", "LXOR")}


def _mpi_op(op, tensor):
    names = _MPI_OPS.get(op)
    if names is None:
        raise ValueError(f"Unsupported ReduceOp: {op!r}")
    if op in (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR) and tensor.dtype.is_floating_point:
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with floating point inputs")
    return getattr(mpi(), names[1] if tensor.dtype.name == "bool" else names[0])


def _check_single_tensor(param, name):
    if not isinstance(param, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type torch.Tensor\n"
                        f"             but got {type(param)} instead.")


def _check_tensor_list(param, name):
    if not isinstance(param, list):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]\n"
                        f"             but got {type(param)} instead.")
    if not all(isinstance(p, Tensor) for p in param):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]\n"
                        f"             but got {type(param)} with elements of type {[type(p) for p in param]}.")


def _nccl_for(pg, tensor):
    """The NCCL communicator that moves ``tensor``, or None when it travels over MPI."""
    kind = tensor._device.type
    if kind == "cuda":
        return pg.nccl(tensor._device) if pg.name() == "nccl" else None
    if pg.name() == "nccl":
        raise RuntimeError(f"No backend type associated with device type {kind}")
    return None


def _root(pg, rank, group_rank, name):
    """The group rank of a root given as a default-group rank (``src``/``dst``) or a group rank."""
    if group_rank is not None:
        if rank is not None:
            raise ValueError(f"Can not specify both {name} and group_{name}")
        if not 0 <= group_rank < pg.size():
            raise ValueError(f"Group rank {group_rank} is not part of group {pg!r}")
        return group_rank
    return pg.group_rank(0 if rank is None else rank)


def _finish(work, async_op):
    if async_op:
        return work
    work.wait()
    return None


def _averaged(staged, pg):
    """AVG is a SUM divided here, by the number of ranks (integers divide with floor)."""
    host = staged.host
    if host.dtype.kind in "fc":
        host /= pg.size()
    else:
        host //= pg.size()


# -- reductions and broadcast -------------------------------------------------------------------
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    _check_single_tensor(tensor, "tensor")
    pg = _group.resolve(group)
    if pg is None:
        return None
    nccl = _nccl_for(pg, tensor)
    if nccl is not None:
        return nccl.all_reduce(tensor, op, async_op)
    staged = Staged(tensor, True)
    request = pg.comm.Iallreduce(mpi().IN_PLACE, staged.spec, _mpi_op(op, tensor))

    def finish():
        if op is RedOpType.AVG:
            _averaged(staged, pg)
        staged.commit()

    return _finish(Work(pg, [request], "ALLREDUCE", finish, [tensor]), async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    _check_single_tensor(tensor, "tensor")
    pg = _group.resolve(group)
    if pg is None:
        return None
    root = _root(pg, src, group_src, "src")
    nccl = _nccl_for(pg, tensor)
    if nccl is not None:
        return nccl.broadcast(tensor, root, async_op)
    receiving = pg.rank() != root
    staged = Staged(tensor, receiving)
    request = pg.comm.Ibcast(staged.spec, root)
    return _finish(Work(pg, [request], "BROADCAST", staged.commit if receiving else None, [tensor]), async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    _check_single_tensor(tensor, "tensor")
    pg = _group.resolve(group)
    if pg is None:
        return None
    root = _root(pg, dst, group_dst, "dst")
    nccl = _nccl_for(pg, tensor)
    if nccl is not None:
        return nccl.reduce(tensor, root, op, async_op)
    at_root = pg.rank() == root
    staged = Staged(tensor, at_root)
    MPI = mpi()
    if at_root:
        request = pg.comm.Ireduce(MPI.IN_PLACE, staged.spec, _mpi_op(op, tensor), root)
    else:
        request = pg.comm.Ireduce(staged.spec, None, _mpi_op(op, tensor), root)

    def finish():
        if at_root:
            if op is RedOpType.AVG:
                _averaged(staged, pg)
            staged.commit()

    return _finish(Work(pg, [request], "REDUCE", finish, [tensor]), async_op)


# -- gathers and scatters -----------------------------------------------------------------------
def all_gather(tensor_list, tensor, group=None, async_op=False):
    _check_tensor_list(tensor_list, "tensor_list")
    _check_single_tensor(tensor, "tensor")
    pg = _group.resolve(group)
    if pg is None:
        return None
    if len(tensor_list) != pg.size():
        raise ValueError(f"all_gather: tensor_list must hold {pg.size()} tensors (one per rank), got "
                         f"{len(tensor_list)}")
    _check_same_size(tensor_list, tensor, "tensor_list")
    nccl = _nccl_for(pg, tensor)
    if nccl is not None:
        return nccl.all_gather(tensor_list, tensor, async_op)
    staged = Staged(tensor, False)
    count = tensor.numel()
    received = host_empty(count * pg.size(), staged.host)
    request = pg.comm.Iallgather(staged.spec, [received, staged.spec[1]])

    def finish():
        for i, out in enumerate(tensor_list):
            write_host(out, received[i * count:(i + 1) * count], staged.host_dtype)

    return _finish(Work(pg, [request], "ALLGATHER", finish, tensor_list), async_op)


def _check_same_size(tensors, tensor, name):
    for t in tensors:
        if t.numel() != tensor.numel() or t.dtype is not tensor.dtype:
            raise ValueError(f"Tensors in {name} must have the size and dtype of the input tensor: got "
                             f"{list(t.shape)} {t.dtype} for {list(tensor.shape)} {tensor.dtype}")


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    _check_single_tensor(input_tensor, "input_tensor")
    _check_single_tensor(output_tensor, "output_tensor")
    pg = _group.resolve(group)
    if pg is None:
        return None
    if output_tensor.numel() != input_tensor.numel() * pg.size():
        raise ValueError(f"output tensor size must be equal to world_size times input tensor size: got "
                         f"{output_tensor.numel()} for {pg.size()} x {input_tensor.numel()}")
    if output_tensor.dtype is not input_tensor.dtype:
        raise ValueError("output tensor must have the same type as input tensor")
    nccl = _nccl_for(pg, input_tensor)
    if nccl is not None:
        return nccl.all_gather_into_tensor(output_tensor, input_tensor, async_op)
    staged_in = Staged(input_tensor, False)
    staged_out = Staged(output_tensor, True)
    request = pg.comm.Iallgather(staged_in.spec, staged_out.spec)
    return _finish(Work(pg, [request], "_ALLGATHER_BASE", staged_out.commit, [output_tensor]), async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    _check_single_tensor(output, "output")
    _check_single_tensor(input, "input")
    pg = _group.resolve(group)
    if pg is None:
        return None
    if input.numel() != output.numel() * pg.size():
        raise ValueError(f"input tensor must be the same size as output size times world size: got "
                         f"{input.numel()} for {pg.size()} x {output.numel()}")
    if output.dtype is not input.dtype:
        raise ValueError("input tensor must be the same type as the output tensor.")
    nccl = _nccl_for(pg, input)
    if nccl is not None:
        return nccl.reduce_scatter_tensor(output, input, op, async_op)
    staged_in = Staged(input, False)
    staged_out = Staged(output, True)
    request = pg.comm.Ireduce_scatter_block(staged_in.spec, staged_out.spec, _mpi_op(op, input))

    def finish():
        if op is RedOpType.AVG:
            _averaged(staged_out, pg)
        staged_out.commit()

    return _finish(Work(pg, [request], "_REDUCE_SCATTER_BASE", finish, [output]), async_op)


def _rooted(op, tensor, tensors, root, group_root, group):
    """The checks gather (its list on the destination) and scatter (on the source) share:
    (group, root, whether this rank is the root), or None outside the group."""
    name, role, arg = (f"{op}_list", "destination", "dst") if op == "gather" else (f"{op}_list", "source", "src")
    _check_single_tensor(tensor, "tensor")
    if tensors:
        _check_tensor_list(tensors, name)
    pg = _group.resolve(group)
    if pg is None:
        return None
    root = _root(pg, root, group_root, arg)
    at_root = pg.rank() == root
    if at_root:
        if not tensors:
            raise ValueError(f"Argument ``{name}`` must be specified on {role} rank.")
        if len(tensors) != pg.size():
            raise ValueError(f"{op}: {name} must hold {pg.size()} tensors, got {len(tensors)}")
        _check_same_size(tensors, tensor, name)
    elif tensors:
        raise ValueError(f"Argument ``{name}`` must NOT be specified on non-{role} ranks.")
    return pg, root, at_root


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    rooted = _rooted("gather", tensor, gather_list, dst, group_dst, group)
    if rooted is None:
        return None
    pg, root, at_root = rooted
    nccl = _nccl_for(pg, tensor)
    if nccl is not None:
        return nccl.gather(tensor, gather_list, root, async_op)
    staged = Staged(tensor, False)
    count = tensor.numel()
    received = host_empty(count * pg.size(), staged.host) if at_root else None
    request = pg.comm.Igather(staged.spec, [received, staged.spec[1]] if at_root else None, root)

    def finish():
        if at_root:
            for i, out in enumerate(gather_list):
                write_host(out, received[i * count:(i + 1) * count], staged.host_dtype)

    return _finish(Work(pg, [request], "GATHER", finish, gather_list or []), async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    rooted = _rooted("scatter", tensor, scatter_list, src, group_src, group)
    if rooted is None:
        return None
    pg, root, at_root = rooted
    nccl = _nccl_for(pg, tensor)
    if nccl is not None:
        return nccl.scatter(tensor, scatter_list, root, async_op)
    staged = Staged(tensor, True)
    send = None
    if at_root:
        parts = [Staged(t, False).host.reshape(-1) for t in scatter_list]
        send = [host_xp().concatenate(parts), staged.spec[1]]
    request = pg.comm.Iscatter(send, staged.spec, root)
    return _finish(Work(pg, [request], "SCATTER", staged.commit, [tensor]), async_op)


# -- point to point -----------------------------------------------------------------------------
def _peer(pg, rank, group_rank, name):
    peer = _root(pg, rank, group_rank, name)
    if peer == pg.rank():
        raise ValueError(f"Invalid {name} rank: {name} rank should not be the same as the rank of the current "
                         f"process.")
    return peer


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    _check_single_tensor(tensor, "tensor")
    pg = _group.resolve(group)
    if pg is None:
        return None
    peer = _peer(pg, dst, group_dst, "dst")
    nccl = _nccl_for(pg, tensor)
    if nccl is not None:
        return nccl.send(tensor, peer, True)
    staged = Staged(tensor, False)
    request = pg.comm.Isend(staged.spec, peer, tag)
    return Work(pg, [request], "SEND", None, [tensor])


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    _check_single_tensor(tensor, "tensor")
    pg = _group.resolve(group)
    if pg is None:
        return None
    MPI = mpi()
    peer = MPI.ANY_SOURCE if src is None and group_src is None else _peer(pg, src, group_src, "src")
    nccl = _nccl_for(pg, tensor)
    if nccl is not None:
        if peer == MPI.ANY_SOURCE:
            raise RuntimeError("NCCL does not support receiving from any source: pass src")
        return nccl.recv(tensor, peer, True)
    staged = Staged(tensor, True)
    status = MPI.Status()
    request = pg.comm.Irecv(staged.spec, peer, tag)
    work = Work(pg, [request], "RECV", staged.commit, [tensor], statuses=[status])
    work._source = lambda: pg.global_ranks[status.Get_source()]
    return work


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receives into ``tensor``; returns the sender's rank (-1 when not in ``group``)."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    work.wait()
    source = getattr(work, "_source", None)
    return source() if source is not None else src


def barrier(group=None, async_op=False, device_ids=None):
    pg = _group.resolve(group)
    if pg is None:
        return None
    request = pg.comm.Ibarrier()
    return _finish(Work(pg, [request], "BARRIER"), async_op)
