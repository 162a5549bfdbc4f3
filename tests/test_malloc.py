"""The CPU backend's malloc setting (backends/_malloc.py): on glibc, large temporaries reuse
freed heap instead of being mapped afresh (and page-faulted in) at every op; the
environment switch turns it off."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"),
    reason="the setting applies to glibc only")

_FAULTS_PER_OP = """
import resource
import gradkit as gk
from gradkit.backends._malloc import keep_freed_memory
x = gk.randn(1_000_000)
for _ in range(3):
    (x * 2.0 + 1.0).relu()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    (x * 2.0 + 1.0).relu()
print(keep_freed_memory(), (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
"""


def _run(env_value):
    env = dict(os.environ)
    env.pop("GRADKIT_MALLOC_TUNING", None)
    if env_value is not None:
        env["GRADKIT_MALLOC_TUNING"] = env_value
    out = subprocess.run([sys.executable, "-c", _FAULTS_PER_OP], env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    return out[0] == "True", float(out[1])


def test_large_temporaries_do_not_page_fault_at_every_op():
    applied, faults = _run(None)
    assert applied
    # three 4 MB temporaries an op: mapped afresh, they would fault ~1,000-3,000 pages each time
    assert faults < 100


def test_the_environment_switch_leaves_malloc_alone():
    applied, _ = _run("0")
    assert not applied
