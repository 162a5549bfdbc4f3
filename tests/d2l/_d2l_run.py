"""Run one tests/d2l script in a fresh interpreter and return its stdout (shared by the
test and by record_expected.py)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM = os.path.join(HERE, "shim")
REPO = os.path.dirname(os.path.dirname(HERE))  # this checkout's gradkit/, also when not installed


def run_script(name: str, *, python: str = sys.executable, shim: bool, device: str | None = None,
               timeout: float = 120):
    """Runs tests/d2l/<name>.py with cwd and D2L_DATA_DIR in a fresh temporary directory.
    shim=True puts tests/d2l/shim and then the repository root first on PYTHONPATH, so
    ``import torch`` is this checkout's gradkit; device sets GRADKIT_DEVICE.
    Returns (returncode, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRADKIT_DEVICE")}
    if shim:
        env["PYTHONPATH"] = os.pathsep.join([SHIM, REPO])
    if device is not None:
        env["GRADKIT_DEVICE"] = device
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONHASHSEED"] = "0"
    with tempfile.TemporaryDirectory() as tmp:
        env["D2L_DATA_DIR"] = tmp
        proc = subprocess.run([python, os.path.join(HERE, name + ".py")], cwd=tmp, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


SCRIPTS = sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("ch2_") and f.endswith(".py"))


def strict_available() -> bool:
    try:
        import array_api_strict  # noqa: F401
        return True
    except ImportError:
        return False


class ChapterRuns:
    """A group of chapter scripts (tests/d2l/ files matching ``pattern``), the outputs recorded
    from PyTorch for them in tests/d2l/expected/<folder>/, and their gradkit runs. ``slow``: the
    scripts run only when asked for one by one (over 20 s on a 2-core machine)."""

    def __init__(self, folder: str, pattern: str, slow=(), timeout: float = 600):
        self.expected_dir = os.path.join(HERE, "expected", folder)
        self.scripts = sorted(f[:-3] for f in os.listdir(HERE) if re.match(pattern, f))
        self.slow = set(slow)
        self.timeout = timeout
        self._runs = {}

    def expected_text(self, name: str) -> str:
        with open(os.path.join(self.expected_dir, name + ".txt"), encoding="utf-8") as f:
            return f.read()

    def expected_names(self) -> list[str]:
        return sorted(f[:-4] for f in os.listdir(self.expected_dir) if f.endswith(".txt"))

    def run(self, name: str, device: str):
        """The script's (returncode, stdout, stderr) on ``device`` ("cpu" or "strict"); the first
        call starts every script of the group that is not slow (or the slow one asked for), on
        every device, at once: subprocesses in threads."""
        if (name, device) not in self._runs:
            from concurrent.futures import ThreadPoolExecutor
            from unittest import mock

            devices = ["cpu"] + (["strict"] if strict_available() else [])
            names = [n for n in self.scripts if n not in self.slow] if name not in self.slow else [name]
            jobs = sorted(((n, d) for n in names for d in devices if (n, d) not in self._runs),
                          key=lambda j: (j[1] != "strict", j[0]))
            # one BLAS thread per script: the scripts' matmuls are small, and with as many
            # scripts as cores a threaded BLAS only oversubscribes them
            one_thread = {k: "1" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
            with mock.patch.dict(os.environ, one_thread), \
                    ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
                futures = {job: pool.submit(run_script, job[0], shim=True,
                                            device=None if job[1] == "cpu" else job[1], timeout=self.timeout)
                           for job in jobs}
                self._runs.update({job: f.result() for job, f in futures.items()})
        return self._runs[name, device]
