"""Records tests/d2l/expected/<script>.txt: the stdout of each script under real PyTorch.

    /tmp/tvenv/bin/python tests/d2l/record_expected.py

(run from the repository root, with a Python that has torch, numpy and pandas and not
gradkit; see expected/README.md for the versions used).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _d2l_run import HERE, SCRIPTS, run_script  # noqa: E402

import torch  # noqa: E402  (fail early without torch)

for name in (sys.argv[1:] or SCRIPTS):
    rc, out, err = run_script(name, shim=False)
    if rc != 0:
        sys.exit(f"{name}: exit code {rc} under torch {torch.__version__}\n{err}")
    with open(os.path.join(HERE, "expected", name + ".txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(out)
    print(f"{name}: {len(out.splitlines())} lines")
