"""CUDA tensors' collectives over NCCL (``cupy.cuda.nccl``), one communicator per group and
device, its unique id sent from the group's rank 0 over MPI.

Collectives are enqueued on the tensor's current CUDA stream, so later work on that stream
sees their results (PyTorch's NCCL work does the same through stream waits): a blocking call
returns once enqueued, and its Work's ``is_completed`` asks a CUDA event.

Not verified on hardware: the machines this was written on have no GPU. The CPU path and the
rest of the package are tested; this module has only been read against CuPy's NCCL API."""
from __future__ import annotations

import importlib

from .work import CompletedWork

_DTYPES = {"float32": "NCCL_FLOAT32", "float64": "NCCL_FLOAT64", "float16": "NCCL_FLOAT16",
           "bfloat16": "NCCL_BFLOAT16", "int32": "NCCL_INT32", "int64": "NCCL_INT64", "int8": "NCCL_INT8",
           "uint8": "NCCL_UINT8", "uint32": "NCCL_UINT32", "uint64": "NCCL_UINT64", "bool": "NCCL_UINT8"}
_OPS = {"SUM": "NCCL_SUM", "AVG": "NCCL_AVG", "PRODUCT": "NCCL_PROD", "MIN": "NCCL_MIN", "MAX": "NCCL_MAX"}


class NcclCommunicator:
    def __init__(self, pg, device):
        backend = device.backend
        self._cupy = cupy = backend.xp
        self._nccl = nccl = importlib.import_module(cupy.__name__ + ".cuda.nccl")
        self._device = device
        self._pg = pg
        uid = nccl.get_unique_id() if pg.rank() == 0 else None
        uid = pg.comm.bcast(uid, root=0)
        with cupy.cuda.Device(device.index or 0):
            self._comm = nccl.NcclCommunicator(pg.size(), uid, pg.rank())

    def destroy(self):
        comm, self._comm = self._comm, None
        if comm is not None:
            comm.destroy()

    # -- helpers ------------------------------------------------------------------------------
    def _dtype(self, tensor):
        name = _DTYPES.get(tensor.dtype.name)
        if name is None or not hasattr(self._nccl, name):
            raise RuntimeError(f"NCCL cannot move {tensor.dtype} tensors")
        return getattr(self._nccl, name)

    def _op(self, op):
        name = _OPS.get(op.name)
        if name is None:
            raise RuntimeError(f"NCCL does not support ReduceOp.{op.name}")
        if not hasattr(self._nccl, name):  # NCCL before 2.10 has no average: a sum, divided below
            name = "NCCL_SUM"
        return getattr(self._nccl, name), name == "NCCL_SUM" and op.name == "AVG"

    def _contiguous(self, tensor):
        data = tensor._data
        return data if data.flags.c_contiguous else self._cupy.ascontiguousarray(data)

    def _stream(self):
        return self._cupy.cuda.get_current_stream()

    def _done(self, what, outputs, async_op):
        for t in outputs:
            t._version[0] += 1
        if not async_op:
            return None
        event = self._stream().record()
        return CompletedWork(self._pg, what, outputs, event)

    def _write_back(self, tensor, buffer):
        if buffer is not tensor._data:
            tensor._data[...] = buffer

    def _run(self, device_body):
        with self._cupy.cuda.Device(self._device.index or 0):
            device_body(self._stream().ptr)

    # -- collectives --------------------------------------------------------------------------
    def all_reduce(self, tensor, op, async_op):
        buf = self._contiguous(tensor)
        nccl_op, divide = self._op(op)
        self._run(lambda s: self._comm.allReduce(buf.data.ptr, buf.data.ptr, buf.size, self._dtype(tensor),
                                                 nccl_op, s))
        if divide:
            buf /= self._pg.size()
        self._write_back(tensor, buf)
        return self._done("ALLREDUCE", [tensor], async_op)

    def broadcast(self, tensor, root, async_op):
        buf = self._contiguous(tensor)
        self._run(lambda s: self._comm.bcast(buf.data.ptr, buf.size, self._dtype(tensor), root, s))
        self._write_back(tensor, buf)
        return self._done("BROADCAST", [tensor], async_op)

    def reduce(self, tensor, root, op, async_op):
        buf = self._contiguous(tensor)
        nccl_op, divide = self._op(op)
        self._run(lambda s: self._comm.reduce(buf.data.ptr, buf.data.ptr, buf.size, self._dtype(tensor), nccl_op,
                                              root, s))
        if self._pg.rank() == root:
            if divide:
                buf /= self._pg.size()
            self._write_back(tensor, buf)
        return self._done("REDUCE", [tensor], async_op)

    def all_gather_into_tensor(self, output, input, async_op):
        src = self._contiguous(input)
        out = self._contiguous(output)
        self._run(lambda s: self._comm.allGather(src.data.ptr, out.data.ptr, src.size, self._dtype(input), s))
        self._write_back(output, out)
        return self._done("_ALLGATHER_BASE", [output], async_op)

    def all_gather(self, tensor_list, tensor, async_op):
        src = self._contiguous(tensor)
        out = self._cupy.empty((len(tensor_list), src.size), dtype=src.dtype)
        self._run(lambda s: self._comm.allGather(src.data.ptr, out.data.ptr, src.size, self._dtype(tensor), s))
        for i, t in enumerate(tensor_list):
            t._data[...] = out[i].reshape(t._data.shape)
        return self._done("ALLGATHER", tensor_list, async_op)

    def reduce_scatter_tensor(self, output, input, op, async_op):
        src = self._contiguous(input)
        out = self._contiguous(output)
        nccl_op, divide = self._op(op)
        self._run(lambda s: self._comm.reduceScatter(src.data.ptr, out.data.ptr, out.size, self._dtype(input),
                                                     nccl_op, s))
        if divide:
            out /= self._pg.size()
        self._write_back(output, out)
        return self._done("_REDUCE_SCATTER_BASE", [output], async_op)

    def _grouped_p2p(self, sends, recvs):
        nccl = self._nccl

        def body(s):
            nccl.groupStart()
            try:
                for buf, dtype, peer in sends:
                    self._comm.send(buf.data.ptr, buf.size, dtype, peer, s)
                for buf, dtype, peer in recvs:
                    self._comm.recv(buf.data.ptr, buf.size, dtype, peer, s)
            finally:
                nccl.groupEnd()

        self._run(body)

    def gather(self, tensor, gather_list, root, async_op):
        src = self._contiguous(tensor)
        dtype = self._dtype(tensor)
        if self._pg.rank() == root:
            outs = [self._contiguous(t) for t in gather_list]
            recvs = [(outs[r], dtype, r) for r in range(self._pg.size()) if r != root]
            self._grouped_p2p([], recvs)
            outs[root][...] = src.reshape(outs[root].shape)
            for t, buf in zip(gather_list, outs):
                self._write_back(t, buf)
            return self._done("GATHER", gather_list, async_op)
        self._grouped_p2p([(src, dtype, root)], [])
        return self._done("GATHER", [], async_op)

    def scatter(self, tensor, scatter_list, root, async_op):
        out = self._contiguous(tensor)
        dtype = self._dtype(tensor)
        if self._pg.rank() == root:
            ins = [self._contiguous(t) for t in scatter_list]
            self._grouped_p2p([(ins[r], dtype, r) for r in range(self._pg.size()) if r != root], [])
            out[...] = ins[root].reshape(out.shape)
        else:
            self._grouped_p2p([], [(out, dtype, root)])
        self._write_back(tensor, out)
        return self._done("SCATTER", [tensor], async_op)

    def send(self, tensor, peer, async_op):
        self._grouped_p2p([(self._contiguous(tensor), self._dtype(tensor), peer)], [])
        return self._done("SEND", [], async_op)

    def recv(self, tensor, peer, async_op):
        out = self._contiguous(tensor)
        self._grouped_p2p([], [(out, self._dtype(tensor), peer)])
        self._write_back(tensor, out)
        return self._done("RECV", [tensor], async_op)
