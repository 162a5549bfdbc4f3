"""Running a script of this folder under mpiexec, one thread per process, for the tests."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def mpiexec_path():
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.access(beside, os.X_OK):
        return beside
    return shutil.which("mpiexec")


def missing_reason():
    if importlib.util.find_spec("mpi4py") is None:
        return "mpi4py is not installed (pip install 'gradkit[distributed]')"
    if mpiexec_path() is None:
        return "no mpiexec found (pip install mpich, or an MPI library's launcher on PATH)"
    return None


needs_mpi = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))


def child_env():
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    # the children import this checkout's gradkit, whatever the working directory
    root = os.path.dirname(os.path.dirname(HERE))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"):
        env.pop(name, None)
    return env


class Result:
    def __init__(self, returncode, output, seconds):
        self.returncode = returncode
        self.output = output
        self.seconds = seconds


def run(command, timeout=90):
    start = time.monotonic()
    try:
        done = subprocess.run(command, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout, cwd=HERE)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        pytest.fail(f"{command} hung for {timeout} s:\n{out}")
    return Result(done.returncode, done.stdout, time.monotonic() - start)


def mpirun(n, script, *args, timeout=90):
    return run([mpiexec_path(), "-n", str(n), sys.executable, os.path.join(HERE, script), *args], timeout)


def expect_success(result):
    assert result.returncode == 0, result.output
    return result.output
