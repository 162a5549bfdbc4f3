"""pytest-benchmark settings for bench/: one thread per BLAS/OpenMP pool unless the
environment says otherwise (as ``python -m bench`` does by default; set OMP_NUM_THREADS /
OPENBLAS_NUM_THREADS yourself to change it). Must run before NumPy is imported, which is
why it lives here and not in the test module."""
from __future__ import annotations

import os
import sys

from bench.runner import THREAD_VARS

if "numpy" not in sys.modules:
    for _var in THREAD_VARS:
        os.environ.setdefault(_var, "1")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def pytest_benchmark_update_machine_info(config, machine_info):
    machine_info["threads"] = {var: os.environ.get(var) for var in THREAD_VARS}
