"""Records tests/d2l/expected/ch34/<script>.txt: the stdout of each chapter 3-4 script
(tests/d2l/ch3_*.py, ch4_*.py) under real PyTorch.

    /tmp/tvenv/bin/python tests/d2l/record_chapters34.py [script ...]

(run from the repository root, with a Python that has torch, numpy and pandas and not
gradkit; see expected/ch34/README.md for the versions used).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _d2l_run import HERE, run_script  # noqa: E402

import torch  # noqa: E402  (fail early without torch)

SCRIPTS = sorted(f[:-3] for f in os.listdir(HERE) if f.startswith(("ch3_", "ch4_")) and f.endswith(".py"))

for name in (sys.argv[1:] or SCRIPTS):
    rc, out, err = run_script(name, shim=False, timeout=600)
    if rc != 0:
        sys.exit(f"{name}: exit code {rc} under torch {torch.__version__}\n{err}")
    with open(os.path.join(HERE, "expected", "ch34", name + ".txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(out)
    print(f"{name}: {len(out.splitlines())} lines")
