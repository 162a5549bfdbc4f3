"""The ``gradkit-bench`` console script: runs the benchmark harness of a gradkit source
checkout (``bench/`` beside ``gradkit/``, as in an editable install), exactly as
``python -m bench`` does from the repository root.

The harness stays in the repository rather than in the package: it is development tooling
(it compares against PyTorch in other interpreters and writes results into the checkout's
``bench/results/``), and the wheel need not ship it. Installed from a wheel, there is no
checkout, and the script says so.
"""
from __future__ import annotations

import importlib.util
import os
import sys


def find_bench():
    """The directory of the checkout's ``bench`` package, or None."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates = [root, os.getcwd()]
    for base in candidates:
        path = os.path.join(base, "bench")
        if os.path.isfile(os.path.join(path, "__main__.py")) and os.path.isfile(os.path.join(path, "worker.py")):
            return path
    return None


def main(argv=None):
    path = find_bench()
    if path is None:
        sys.stderr.write("gradkit-bench: the benchmark harness lives in gradkit's source checkout (bench/); "
                         "install gradkit from a checkout with `pip install -e .`, or run `python -m bench` "
                         "from the repository root\n")
        return 2
    loaded = sys.modules.get("bench")
    if loaded is not None and os.path.dirname(os.path.abspath(getattr(loaded, "__file__", "") or "")) != path:
        sys.stderr.write(f"gradkit-bench: another module named 'bench' is already imported ({loaded!r})\n")
        return 2
    if loaded is None:
        spec = importlib.util.spec_from_file_location("bench", os.path.join(path, "__init__.py"),
                                                      submodule_search_locations=[path])
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench"] = module
        spec.loader.exec_module(module)
    from bench.cli import main as bench_main

    return bench_main(argv)


if __name__ == "__main__":
    sys.exit(main())
