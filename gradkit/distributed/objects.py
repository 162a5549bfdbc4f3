"""Collectives of picklable Python objects (``all_gather_object``, ``broadcast_object_list``,
``gather_object``, ``scatter_object_list``), as in PyTorch: objects are pickled, their sizes
exchanged first, then their bytes. Plain ``bytearray``/``array`` buffers carry them, and the
waits have the group's timeout like every other collective."""
from __future__ import annotations

import pickle
from array import array

from . import _group
from ._mpi import mpi
from .work import wait_requests


def _run(pg, request, what):
    wait_requests([request], pg, what)


def _sizes_everywhere(pg, size):
    sizes = array("q", [0]) * pg.size()
    _run(pg, pg.comm.Iallgather([array("q", [size]), mpi().INT64_T], [sizes, mpi().INT64_T]), "ALLGATHER")
    return list(sizes)


def _displacements(sizes):
    out, at = [], 0
    for s in sizes:
        out.append(at)
        at += s
    return out


def all_gather_object(object_list, obj, group=None):
    """Fills ``object_list`` (one slot per rank) with every rank's ``obj``."""
    pg = _group.resolve(group)
    if pg is None:
        return
    if len(object_list) != pg.size():
        raise ValueError(f"all_gather_object: object_list must have {pg.size()} slots (one per rank), got "
                         f"{len(object_list)}")
    data = pickle.dumps(obj)
    sizes = _sizes_everywhere(pg, len(data))
    received = bytearray(sum(sizes))
    BYTE = mpi().BYTE
    request = pg.comm.Iallgatherv([data, BYTE], [received, (sizes, _displacements(sizes)), BYTE])
    _run(pg, request, "ALLGATHER")
    _unpickle_into(object_list, received, sizes)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    pg = _group.resolve(group)
    if pg is None:
        return
    root = _group_root(pg, dst, group_dst)
    at_root = pg.rank() == root
    if at_root and (object_gather_list is None or len(object_gather_list) != pg.size()):
        raise ValueError("Argument ``object_gather_list`` must be specified on destination rank, with one slot "
                         "per rank.")
    data = pickle.dumps(obj)
    sizes = _sizes_everywhere(pg, len(data))
    BYTE = mpi().BYTE
    received = bytearray(sum(sizes)) if at_root else None
    recv_spec = [received, (sizes, _displacements(sizes)), BYTE] if at_root else None
    _run(pg, pg.comm.Igatherv([data, BYTE], recv_spec, root), "GATHER")
    if at_root:
        _unpickle_into(object_gather_list, received, sizes)


def _unpickle_into(object_list, received, sizes):
    """The ranks' pickles, laid end to end in ``received``, as the items of ``object_list``."""
    view = memoryview(received)
    for i, (start, size) in enumerate(zip(_displacements(sizes), sizes)):
        object_list[i] = pickle.loads(view[start:start + size])


def _group_root(pg, rank, group_rank):
    if group_rank is not None:
        return group_rank
    return pg.group_rank(0 if rank is None else rank)


def _broadcast_bytes(pg, data, root):
    size = array("q", [len(data) if data is not None else 0])
    INT64 = mpi().INT64_T
    _run(pg, pg.comm.Ibcast([size, INT64], root), "BROADCAST")
    buffer = bytearray(data) if data is not None else bytearray(size[0])
    _run(pg, pg.comm.Ibcast([buffer, mpi().BYTE], root), "BROADCAST")
    return buffer


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Replaces the items of ``object_list`` on every rank with those of ``src``'s list."""
    pg = _group.resolve(group)
    if pg is None:
        return
    root = _group_root(pg, src, group_src)
    at_root = pg.rank() == root
    buffer = _broadcast_bytes(pg, pickle.dumps(list(object_list)) if at_root else None, root)
    if not at_root:
        values = pickle.loads(buffer)
        if len(values) != len(object_list):
            raise ValueError(f"broadcast_object_list: the source's list has {len(values)} items, this rank's "
                             f"{len(object_list)}")
        object_list[:] = values


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    """Puts item ``rank`` of ``src``'s input list into ``scatter_object_output_list[0]``."""
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at least 1.")
    pg = _group.resolve(group)
    if pg is None:
        return
    root = _group_root(pg, src, group_src)
    at_root = pg.rank() == root
    buffer = _broadcast_bytes(pg, pickle.dumps(list(scatter_object_input_list)) if at_root else None, root)
    values = pickle.loads(buffer)
    scatter_object_output_list[0] = values[pg.rank()]
