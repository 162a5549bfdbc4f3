"""Worker processes: one library on one device per process, all with the same thread counts.

OpenMP/OpenBLAS/MKL read their thread counts from the environment when they load, so the
counts are set in the child's environment (and PyTorch's intra-op count again with
``torch.set_num_threads`` in its worker). Workers wait on stdin between commands, so only
the one being asked to measure uses the CPU (see ``bench.worker`` for the protocol and
``bench.schedule`` for the order of the commands).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading

from .worker import READY, REPLY

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
               "NUMEXPR_NUM_THREADS")


def column_lib(lib, device):
    """The name a worker library has in the tables: the hand-written limit is NumPy on the CPU
    and CuPy on CUDA."""
    return "cupy" if lib == "numpy" and device.startswith("cuda") else lib


def device_kind(device):
    return device.split(":")[0]


def worker_env(threads, base=None):
    env = dict(os.environ if base is None else base)
    for var in THREAD_VARS:
        env[var] = str(threads)
    # Idle OpenMP threads sleep instead of spinning: on a machine shared with other work a
    # spinning pool turns every parallel region into a wait for a descheduled core (PyTorch's
    # 10x10 backward went from ~10 µs to ~3 ms per op on a busy 2-core box). Kept if set.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("GRADKIT_DEVICE", None)  # the worker's device is explicit
    env["PYTHONUNBUFFERED"] = "1"
    return env


def has_torch(python):
    """True when ``python`` can import torch (asked without importing it here: torch is never
    loaded into the harness or a gradkit process)."""
    if python == sys.executable:
        import importlib.util

        return importlib.util.find_spec("torch") is not None
    try:
        proc = subprocess.run([python, "-c", "import importlib.util, sys; "
                                             "sys.exit(importlib.util.find_spec('torch') is None)"],
                              capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def find_torch_python(option):
    """(interpreter, note): the ``--torch-python`` given, else this interpreter when it has
    torch, else None with a note saying how to add PyTorch to the comparison."""
    if option:
        if not os.path.exists(option):
            return None, f"--torch-python {option}: no such file; PyTorch skipped"
        if not has_torch(option):
            return None, f"--torch-python {option} cannot import torch; PyTorch skipped"
        return option, None
    if has_torch(sys.executable):
        return sys.executable, None
    return None, "PyTorch skipped: torch is not importable here (pass --torch-python PATH to a python with torch)"


class WorkerError(RuntimeError):
    """The worker process died, or did not answer in time."""


class WorkerProcess:
    """A running ``python -m bench.worker``: ``start``, ``call`` commands, ``close``."""

    def __init__(self, lib, device, sections, python, config, plan, threads, timeout=None):
        self.lib, self.device, self.sections = lib, device, list(sections)
        self.python = python
        self.spec = {"lib": lib, "device": device, "sections": self.sections, "config": config, "plan": plan}
        self.threads = threads
        self.timeout = timeout
        self.proc = None
        self.ready = None
        self.alive = False
        self._err = None

    @property
    def name(self):
        return f"{column_lib(self.lib, self.device)}/{device_kind(self.device)}"

    @property
    def label(self):
        return f"{column_lib(self.lib, self.device)} {self.device}"

    def start(self):
        self._err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([self.python, "-m", "bench.worker", json.dumps(self.spec)], cwd=ROOT,
                                     env=worker_env(self.threads), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._err, text=True)
        self.alive = True
        return self

    def _read(self, prefix):
        """The next line with ``prefix``, within the timeout (the process is killed past it)."""
        timer = None
        timed_out = []
        if self.timeout:
            def kill():
                timed_out.append(True)
                self.proc.kill()

            timer = threading.Timer(self.timeout, kill)
            timer.start()
        try:
            for line in self.proc.stdout:
                if line.startswith(prefix):
                    return json.loads(line[len(prefix):])
        finally:
            if timer:
                timer.cancel()
        self.alive = False
        self.proc.wait()
        why = f"timed out after {self.timeout:.0f}s" if timed_out else f"worker exited {self.proc.returncode}"
        tail = self.stderr_tail().strip().splitlines()[-1:] or [""]
        raise WorkerError(f"{why}: {tail[0][:200]}")

    def wait_ready(self):
        self.ready = self._read(READY)
        return self.ready

    def call(self, **cmd):
        if not self.alive:
            raise WorkerError("worker is not running")
        try:
            self.proc.stdin.write(json.dumps(cmd) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.alive = False
            raise WorkerError("worker exited: " + (self.stderr_tail().strip().splitlines()[-1:] or [""])[0])
        return self._read(REPLY)

    def stderr_tail(self, size=2000):
        if self._err is None:
            return ""
        self._err.seek(0)
        return self._err.read()[-size:]

    def close(self):
        if self.proc is None:
            return
        if self.alive:
            try:
                self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (BrokenPipeError, OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.alive = False
        if self._err is not None:
            self._err.close()
            self._err = None
