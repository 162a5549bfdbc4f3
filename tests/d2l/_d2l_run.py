"""Run one tests/d2l script in a fresh interpreter and return its stdout (shared by the
test and by record_expected.py)."""
from __future__ import annotations

import os
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
