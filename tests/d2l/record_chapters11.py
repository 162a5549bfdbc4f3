"""Records tests/d2l/expected/ch11/<script>.txt: the stdout of each chapter 11 script
(tests/d2l/ch11_*.py, attention mechanisms and Transformers) under real PyTorch.

    /path/to/torch-python tests/d2l/record_chapters11.py [script ...]

(run from the repository root, with a Python that has torch, numpy and pandas and not
gradkit; see expected/ch11/README.md for the versions used).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _d2l_run import HERE, run_script  # noqa: E402

import torch  # noqa: E402  (fail early without torch)

SCRIPTS = sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("ch11_") and f.endswith(".py"))
# one thread, as the test runs gradkit: the same summation order in PyTorch's own kernels
os.environ.update({k: "1" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})

os.makedirs(os.path.join(HERE, "expected", "ch11"), exist_ok=True)
for name in (sys.argv[1:] or SCRIPTS):
    rc, out, err = run_script(name, shim=False, timeout=600)
    if rc != 0:
        sys.exit(f"{name}: exit code {rc} under torch {torch.__version__}\n{err}")
    with open(os.path.join(HERE, "expected", "ch11", name + ".txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(out)
    print(f"{name}: {len(out.splitlines())} lines")
