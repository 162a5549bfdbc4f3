"""Work handles (what ``async_op=True`` returns) and waiting with a deadline.

Every collective is started non-blocking (MPI's ``I``-variants) and waited on by polling, so
that a wait can give up: a rank that died or stopped calling collectives makes the others
raise ``DistBackendError`` when the process group's timeout runs out, never hang. MPI moves
a message only while its ranks poll (a large one goes in chunks, each needing both sides),
so the poll yields the core between tests rather than sleeping -- a sleeping rank would hold
up its peers by the nap at every chunk -- and naps only once the wait has lasted long enough
to mean a peer is slow or gone.
"""
from __future__ import annotations

from os import sched_yield
from time import monotonic, sleep

from ._mpi import mpi

_SPINS = 100  # tests before the clock is read
_YIELDING = 0.05  # seconds of polling that yields; then naps
_MAX_NAP = 1e-3


class DistError(RuntimeError):
    """``torch.distributed.DistError``: an error of the distributed package."""


class DistBackendError(DistError):
    """``torch.distributed.DistBackendError``: a collective failed or timed out in its backend."""


DistError.__module__ = DistBackendError.__module__ = "gradkit.distributed"  # where users import them from


def wait_requests(requests, group, what, statuses=None, timeout=None):
    """Waits for every MPI request in ``requests``; DistBackendError after the group's timeout."""
    Testall = mpi().Request.Testall
    for _ in range(_SPINS):
        if Testall(requests, statuses):
            return
    limit = group.timeout_s if timeout is None else timeout
    start = monotonic()
    nap = 5e-5
    while not Testall(requests, statuses):
        waited = monotonic() - start
        if waited < _YIELDING:
            sched_yield()
            continue
        if waited > limit:
            raise DistBackendError(
                f"[Rank {group.global_rank}] Timed out: collective operation {what} ran for {int(waited * 1000)} "
                f"milliseconds before timing out (Timeout(ms)={int(limit * 1000)}); a rank of the group may have "
                f"failed, exited, or not reached the same collective")
        sleep(nap)
        nap = min(nap * 2, _MAX_NAP)


class Work:
    """``torch.distributed.Work``: a collective in flight. ``wait()`` blocks until it is done
    (and its results are in the output tensors); ``is_completed()`` asks without blocking."""

    def __init__(self, group, requests, what, finish=None, outputs=(), statuses=None):
        self._group = group
        self._requests = requests
        self._what = what
        self._finish = finish  # writes results into the output tensors once MPI is done
        self._outputs = list(outputs)
        self._statuses = statuses
        self._done = False
        self._exception = None

    def _complete(self):
        self._done = True
        finish, self._finish = self._finish, None
        if finish is not None:
            finish()

    def wait(self, timeout=None):
        if not self._done:
            seconds = None if timeout is None else (timeout.total_seconds() if hasattr(timeout, "total_seconds")
                                                    else float(timeout))
            try:
                wait_requests(self._requests, self._group, self._what, self._statuses, seconds)
            except DistBackendError as exc:
                self._exception = exc
                raise
            self._complete()
        return True

    def is_completed(self) -> bool:
        if not self._done and mpi().Request.Testall(self._requests, self._statuses):
            self._complete()
        return self._done

    def is_success(self) -> bool:
        return self.is_completed() and self._exception is None

    def exception(self):
        return self._exception

    def result(self):
        return self._outputs

    def synchronize(self):
        self.wait()

    def get_future(self):
        return _Future(self)

    def __repr__(self):
        return f"Work({self._what}, completed={self._done})"


class _Future:
    """The part of ``torch.futures.Future`` that user code reads off a Work: ``wait()``,
    ``value()``, ``done()``, ``then()``."""

    def __init__(self, work):
        self._work = work

    def wait(self):
        self._work.wait()
        return self._work.result()

    def value(self):
        return self.wait()

    def done(self) -> bool:
        return self._work.is_completed()

    def then(self, callback):
        return _Then(self, callback)


class _Then(_Future):
    def __init__(self, parent, callback):
        self._parent = parent
        self._callback = callback
        self._result = None
        self._has_result = False

    def wait(self):
        if not self._has_result:
            self._parent.wait()
            self._result = self._callback(self._parent)
            self._has_result = True
        return self._result

    def done(self) -> bool:
        return self._parent.done()


class CompletedWork(Work):
    """The handle of a collective that had nothing to wait for (e.g. enqueued on a CUDA stream)."""

    def __init__(self, group, what, outputs=(), event=None):
        super().__init__(group, [], what, outputs=outputs)
        self._event = event
        self._done = event is None

    def is_completed(self) -> bool:
        if not self._done and self._event.done:
            self._done = True
        return self._done

    def wait(self, timeout=None):
        # stream order already makes later work on the tensor's stream see the result (as a
        # NCCL work's wait() does in PyTorch), so the host does not block here
        return True
