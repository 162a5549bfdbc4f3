"""Planted-bug check: does the suite catch the backward bugs it exists to catch, and the
CuPy backend's bugs (caught by the cuda cases on the CuPy test double where no GPU is)?

    python tests/plant_bugs.py            # every plant; exit status 1 if one is missed or not planted
    python tests/plant_bugs.py clamp      # the plants whose name contains "clamp"
    python tests/plant_bugs.py --list     # the plants and the sites they find, nothing run

The source tree (gradkit/, backends/, pyproject.toml, tests/) is copied to a temporary
directory once; each plant then edits the copy (one bug at a time), runs a targeted part of
the suite against it in a subprocess, and puts the files back. A plant is caught when some
test fails, missed when every test passes.

A plant finds its site by content, never by line number: each edit names a file glob, a
regular expression and its replacement, and is looked for in every file the glob matches,
so it still finds its code after the code moves between modules. An edit can give several
alternatives (the first that matches is used), for code written more than one way; an edit
marked optional may find nothing (a site another version of gradkit does not have).

The subprocess imports gradkit from the copy: an editable install of gradkit puts a finder
on sys.meta_path that maps ``gradkit.backends`` to the checkout's backends/ (the copy's
gradkit would otherwise load the checkout's backends); the bootstrap removes that finder and
checks that every gradkit module it imported comes from the copy before the tests run.
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COPIED = ("gradkit", "backends", "tests", "pyproject.toml")


@dataclass
class Edit:
    """Replace the first match of one of ``patterns`` (regular expressions, tried in order)
    in the files matching ``files`` (a glob relative to the tree) by its replacement."""
    files: str
    patterns: list[tuple[str, str]]
    optional: bool = False
    what: str = ""


@dataclass
class Plant:
    name: str
    bug: str
    edits: list[Edit]
    tests: list[str]
    note: str = ""
    # a plant of code that only some versions of gradkit have: where its site is absent it
    # is reported as not applicable instead of failing the check
    applicable_only_where_found: bool = False
    found: list[str] = field(default_factory=list)


# The engine's check (PyTorch's validate_outputs): a gradient whose shape is not its input's
# is summed down to it or refused. The plant makes the check hand the gradient back as it is.
_NO_ENGINE_VALIDATION = Edit("gradkit/autograd/*.py", [
    (r"(\n([ \t]*)def fit_gradient\(node, index, grad, shape\):[^\n]*\n)", r"\1\2    return grad  # planted\n"),
    (r"(\n([ \t]*)def (?:fit_gradient|_?validate\w*)\([^)]*\b(grad|g)\b[^)]*\):[^\n]*\n)",
     r"\1\2    return \3  # planted\n"),
], optional=True, what="the engine's gradient-shape validation")

PLANTS = [
    Plant(
        name="a-unreduced-binary-gradient",
        bug="a binary op's backward returns its second operand's gradient unreduced (broadcast shape), "
            "with the engine's gradient-shape validation removed where the engine has one",
        edits=[
            Edit("gradkit/**/*.py", [
                (r"None if gb is None else sum_to\(gb, sb\)", "gb"),
                (r"sum_to\((gb|grad_b|g_b), *(sb|shape_b|self\.shapes\[1\])\)", r"\1"),
            ], what="the binary ops' reduction of b's gradient"),
            _NO_ENGINE_VALIDATION,
        ],
        tests=["tests/ops/test_broadcast_grads.py", "tests/ops/test_elementwise.py::test_binary_grads"],
        note="with the engine's validation present, the op's own backward is still checked directly "
             "(tests/ops/test_broadcast_grads.py calls grad_fn.backward) and by gradcheck's shape check",
    ),
    Plant(
        name="b-clamp-tensor-bound-unreduced",
        bug="clamp with tensor bounds: the min bound's gradient is not reduced to its broadcast shape",
        edits=[Edit("gradkit/**/*.py", [
            (r"sum_to\((g_lo), *self\.shapes\[1\]\)", r"\1"),
            (r"sum_to\((g_?(?:lo|min)\w*), *[\w.\[\]]+\)", r"\1"),
        ], what="clamp's reduction of the min bound's gradient")],
        tests=["tests/ops/test_broadcast_grads.py::test_clamp_tensor_bounds_broadcast_grads",
               "tests/ops/test_elementwise.py::test_clamp_tensor_bounds"],
    ),
    Plant(
        name="c-where-other-unreduced",
        bug="where: the gradient of `other` is not reduced to its broadcast shape",
        edits=[Edit("gradkit/**/*.py", [
            (r"sum_to\((where\(cond, 0\.0, g\)), *sb\)", r"\1"),
            (r"sum_to\((where\(\s*\w+\s*,\s*0(?:\.0)?\s*,\s*g\w*\s*\))\s*,\s*[\w.\[\]]+\)", r"\1"),
        ], what="where's reduction of other's gradient")],
        tests=["tests/ops/test_broadcast_grads.py::test_where_broadcast_input_and_other",
               "tests/ops/test_elementwise.py::test_where"],
    ),
    Plant(
        name="d-tanh-recording-path-1pct",
        bug="tanh's derivative is 1% off, only when the backward is recorded (create_graph=True)",
        edits=[Edit("gradkit/**/*.py", [
            # tanh's derivative in its table row; the factor applies only while grad mode is on,
            # which during backward means create_graph=True
            (r"(UnaryRow\(\"tanh\",[^\n]*?lambda n, g: )(TanhBackward\.run\(n\.saved_output, g\))",
             r"\1\2 * (1.01 if __import__('gradkit').is_grad_enabled() else 1.0)"),
        ], what="tanh's derivative in the unary table")],
        tests=["tests/ops/test_elementwise.py::test_unary_grads"],
    ),
    Plant(
        name="e-engine-accepts-wrong-gradient-shape",
        bug="the engine's gradient-shape validation removed (a custom Function's wrongly shaped gradient "
            "reaches .grad)",
        edits=[Edit(_NO_ENGINE_VALIDATION.files, _NO_ENGINE_VALIDATION.patterns, what=_NO_ENGINE_VALIDATION.what)],
        tests=["tests/autograd"],
        applicable_only_where_found=True,
    ),
    # The CuPy backend's bugs, caught by the cuda cases on the CuPy test double (tests/_cupy_double)
    Plant(
        name="f-cupy-lstm-kernel-gates-swapped",
        bug="the CUDA LSTM cell kernel's new cell state takes the input gate for the forget gate",
        edits=[Edit("backends/_cuda_sources.py", [
            (r"const T cn = fg \* c \+ ig \* gg;", "const T cn = ig * c + fg * gg;"),
        ], what="the LSTM forward kernel's cell update")],
        tests=["tests/nn/test_rnn.py::test_layer_matches_torch_values", "-k", "cuda"],
    ),
    Plant(
        name="g-cupy-gru-backward-reset-gate-dropped",
        bug="the CUDA GRU backward kernel leaves the reset gate out of the hidden projection's gradient",
        edits=[Edit("backends/_cuda_sources.py", [
            (r"dgh\[b \+ 2 \* n\] = dn \* r;", "dgh[b + 2 * n] = dn;"),
        ], what="the GRU backward kernel's hidden-projection gradient")],
        tests=["tests/nn/test_rnn.py::test_cell_gradients", "-k", "cuda"],
    ),
    Plant(
        name="h-cupy-device-not-made-current",
        bug="a CUDA device's backend no longer makes the device current (ops on cuda:1 run on device 0)",
        edits=[Edit("backends/_device.py", [
            (r"runtime\.setDevice\(self\.index\)", "pass  # planted"),
        ], what="the CUDA device's switch of the current device")],
        tests=["tests/test_cuda_double.py"],
    ),
    Plant(
        name="i-cupy-implicit-host-conversion",
        bug="the CUDA generator state is read with an implicit device-to-host conversion (np.asarray)",
        edits=[Edit("backends/cupy_backend.py", [
            (r"self\._cupy\.asnumpy\(buffer\)", "np.asarray(buffer)"),
        ], what="get_rng_state's explicit copy to the host")],
        tests=["tests/test_cuda_double.py::test_cuda_rng_state_round_trip"],
    ),
    Plant(
        name="j-cupy-add-at-int64",
        bug="the CUDA scatter-add hands int64 to cupy.add.at (which has no int64 atomic add)",
        edits=[Edit("backends/cupy_backend.py", [
            (r"return out\.view\(cupy\.uint64\), values\.astype\(out\.dtype, copy=False\)\.view\(cupy\.uint64\)",
             "return out, values"),
        ], what="the int64 case of the scatter-add's operands")],
        tests=["tests/ops/test_scatter.py::test_index_add", "-k", "cuda"],
    ),
    Plant(
        name="k-cupy-memory-of-the-current-device",
        bug="memory_info reads the current device's pool, whatever device is asked",
        edits=[Edit("backends/cupy_backend.py", [
            (r"with self\._cupy\.cuda\.Device\(index\):\n(\s+)pool = ", r"if True:\n\1pool = "),
        ], what="memory_info's switch to the device asked")],
        tests=["tests/test_cuda_double.py::test_memory_allocated_reads_the_device_asked"],
    ),
    Plant(
        name="l-cupy-dlpack-from-the-host",
        bug="a DLPack producer on the host goes straight to cupy.from_dlpack (which imports device memory only)",
        edits=[Edit("backends/cupy_backend.py", [
            (r"if int\(kind\) == _DLPACK_CPU:", "if False:"),
        ], what="from_dlpack's host branch")],
        tests=["tests/test_cuda_double.py::test_dlpack_from_the_host_to_a_cuda_tensor"],
    ),
    Plant(
        name="m-cuda-fused-adam-bias-correction",
        bug="the one-launch CUDA Adam divides by the square root's bias correction twice",
        edits=[Edit("backends/_cuda_sources.py", [
            (r"denom /= bias_correction2_sqrt;", "denom /= bias_correction2_sqrt * bias_correction2_sqrt;"),
        ], what="the fused Adam kernel's denominator")],
        tests=["tests/test_cuda_fused.py", "-k", "adam"],
    ),
    Plant(
        name="n-cuda-fused-cross-entropy-ignored-row",
        bug="the fused CUDA cross-entropy counts a row whose target is ignore_index",
        edits=[Edit("backends/_cuda_sources.py", [
            (r"const bool kept = t != ignore_index;", "const bool kept = true;"),
        ], what="the fused cross-entropy's ignored rows")],
        tests=["tests/test_cuda_fused.py", "-k", "cross_entropy"],
    ),
]


# ----------------------------------------------------------------------------- planting
def _files(tree, pattern):
    return sorted(p for p in glob.glob(os.path.join(tree, pattern), recursive=True) if os.path.isfile(p))


def find_site(tree, edit):
    """(path, pattern, replacement, match) of the first alternative that matches, or None."""
    for pattern, replacement in edit.patterns:
        for path in _files(tree, edit.files):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            m = re.search(pattern, text)
            if m:
                return path, pattern, replacement, m
    return None


def plant(tree, p):
    """Edits the tree; returns ({path: original text}, problems)."""
    originals, problems = {}, []
    p.found = []
    for edit in p.edits:
        site = find_site(tree, edit)
        if site is None:
            if edit.optional:
                p.found.append(f"(optional) {edit.what}: no site in this tree")
                continue
            problems.append(f"site not found: {edit.what} (no match for any of {[pt for pt, _ in edit.patterns]} "
                            f"in {edit.files})")
            continue
        path, pattern, replacement, m = site
        text = originals.get(path)
        if text is None:
            with open(path, encoding="utf-8") as f:
                text = originals[path] = f.read()
        with open(path, encoding="utf-8") as f:
            current = f.read()
        new = re.sub(pattern, replacement, current, count=1)
        line = current.count("\n", 0, m.start()) + 1
        p.found.append(f"{edit.what}: {os.path.relpath(path, tree)}:{line}: {m.group(0).strip()[:90]!r}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
    return originals, problems


def unplant(originals):
    for path, text in originals.items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


# ----------------------------------------------------------------------------- running
# Runs pytest in the copy with gradkit (and gradkit.backends) imported from it: see the
# module docstring. Exit status 5 if an import came from elsewhere.
BOOTSTRAP = r"""
import os, sys
tree = os.path.realpath(sys.argv[1])
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path_hooks[:] = [h for h in sys.path_hooks if "editable" not in repr(h).lower()]
sys.path[:] = [tree] + [p for p in sys.path if "__editable__" not in p]
sys.path_importer_cache.clear()
import gradkit, gradkit.backends, gradkit.ops
outside = sorted(name for name, m in list(sys.modules.items())
                 if name.split(".")[0] == "gradkit" and getattr(m, "__file__", None)
                 and not os.path.realpath(m.__file__).startswith(tree + os.sep))
outside += [p for p in gradkit.ops.__path__ if not os.path.realpath(p).startswith(tree + os.sep)]
if outside:
    print("plant_bugs: imported from outside the copy:", outside, file=sys.stderr)
    sys.exit(5)
import pytest
sys.exit(pytest.main(["-x", "-q", "-p", "no:cacheprovider", "--no-header", "-W", "ignore"] + sys.argv[2:]))
"""


def run_tests(tree, tests, timeout):
    """pytest's exit status (1: some test failed) and the tail of its output."""
    env = dict(os.environ, PYTHONPATH=tree, PYTHONDONTWRITEBYTECODE="1")
    env.pop("GRADKIT_SLOW", None)
    try:
        proc = subprocess.run([sys.executable, "-c", BOOTSTRAP, tree, *tests], cwd=tree, env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s"
    return proc.returncode, (proc.stdout + proc.stderr)[-1500:]


def copy_tree(dest):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis", "*.egg-info")
    for name in COPIED:
        src = os.path.join(ROOT, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, name), ignore=ignore)
        else:
            shutil.copy2(src, os.path.join(dest, name))


def _failing_test(output):
    m = re.search(r"^FAILED (\S+)", output, re.M) or re.search(r"^ERROR (\S+)", output, re.M)
    return m.group(1) if m else "?"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="run only the plants whose name contains one of these")
    ap.add_argument("--list", action="store_true", help="show each plant's site, run nothing")
    ap.add_argument("--timeout", type=float, default=170.0, help="seconds for one plant's test run")
    args = ap.parse_args(argv)
    chosen = [p for p in PLANTS if not args.names or any(n in p.name for n in args.names)]
    if not chosen:
        print(f"no plant matches {args.names}; plants: {[p.name for p in PLANTS]}")
        return 2

    failures = 0
    with tempfile.TemporaryDirectory(prefix="gradkit-plant-") as tree:
        tree = os.path.realpath(tree)
        copy_tree(tree)
        if not args.list:
            rc, out = run_tests(tree, [p.tests[0] for p in chosen[:1]] + ["--co"], args.timeout)
            if rc != 0:  # collection alone must pass on the unplanted copy
                print(f"the unplanted copy does not collect (exit {rc}):\n{out}")
                return 2
        for p in chosen:
            start = time.monotonic()
            originals, problems = plant(tree, p)
            try:
                if problems or args.list:
                    rc, out = None, ""
                else:
                    rc, out = run_tests(tree, p.tests, args.timeout)
            finally:
                unplant(originals)
            took = time.monotonic() - start
            if problems and p.applicable_only_where_found:
                verdict, problems = "not applicable: its site is absent from this tree", []
                p.found = []
                rc = 1
            elif problems:
                verdict = "NOT PLANTED"
            elif args.list:
                verdict = "site"
            elif rc == 1:
                verdict = f"caught by {_failing_test(out)}"
            elif rc == 0:
                verdict = "MISSED"
            else:
                verdict = f"ERROR (pytest exit {rc}): the plant broke the run rather than a test"
            bad = bool(problems) or (not args.list and rc != 1)
            failures += bad
            print(f"{'FAIL' if bad else 'ok  '}  {p.name}: {verdict}" + ("" if args.list else f"  ({took:.0f} s)"))
            print(f"      bug: {p.bug}")
            for line in p.found + problems:
                print(f"      {line}")
            if p.note and (args.list or rc == 0):
                print(f"      note: {p.note}")
            if bad and out and rc not in (0, None):
                print("      " + out.replace("\n", "\n      "))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
