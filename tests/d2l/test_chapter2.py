"""Every code example of D2L chapter 2 (zh and en editions) under ``import torch`` = gradkit
gives PyTorch's values, dtypes, shapes and printed forms.

Each tests/d2l/ch2_*.py script is a reader's copy of one section's pytorch cells. It runs
in a subprocess with tests/d2l/shim first on PYTHONPATH (``import torch`` -> gradkit) and
its stdout must equal tests/d2l/expected/<script>.txt, recorded from real PyTorch (see
expected/README.md). Normalised: ``gradkit.`` -> ``torch.`` (module prefix in dtype, Size
and class reprs) and, on strict, the ``, device='strict'`` repr suffix. Nothing else.

Devices: "cpu" and "strict" (array_api_strict's second device, GRADKIT_DEVICE=strict, the
test suite's stand-in for an accelerator). On strict, ``.numpy()`` and ``np.asarray(t)``
raise TypeError, as torch does for CUDA tensors: a script that converts to NumPy must print
exactly the expected lines up to the conversion (a prefix of the expected output that
reaches the cell named in NUMPY_CELL) and then stop with that TypeError; a script that
never converts (linear algebra, autograd, pandas, lookup-api) must match in full. CUDA is
not run here: the expected files come from torch on the CPU, and float32 transcendental
functions (exp) may differ in the last bit on a GPU, for torch as well.
"""
from __future__ import annotations

import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _d2l_run import HERE, SCRIPTS, run_script  # noqa: E402

# First cell of each script that hands a tensor to NumPy (.numpy() / np.asarray).
NUMPY_CELL = {
    "ch2_ndarray_zh": "-- A = X.numpy(); B = torch.tensor(A); type(A), type(B)",
    "ch2_ndarray_en": "-- A = X.numpy(); B = torch.from_numpy(A); type(A), type(B)",
    "ch2_calculus_zh": "-- [not in the book] the same plot data as tensors",
    "ch2_calculus_en": "-- [not in the book] the same plot data as tensors",
    "ch2_probability_zh": "-- for i in range(6): estimates[:, i].numpy()  [what d2l.plt.plot gets]",
    "ch2_probability_en": "-- counts = Multinomial(1, fair_probs).sample((10000,)); ... estimates = estimates.numpy()",
}
NUMPY_ERROR = re.compile(r"^TypeError: can't convert strict device type tensor to numpy")


def _strict_available():
    try:
        import array_api_strict  # noqa: F401
        return True
    except ImportError:
        return False


DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param("strict", id="strict", marks=pytest.mark.skipif(not _strict_available(),
                                                                 reason="array_api_strict not installed")),
]


def normalise(text: str, device: str) -> list[str]:
    text = re.sub(r"\bgradkit\.", "torch.", text)
    if device != "cpu":
        text = re.sub(r", device='strict'", "", text)
    return text.splitlines()


def expected_lines(name: str) -> list[str]:
    with open(os.path.join(HERE, "expected", name + ".txt"), encoding="utf-8") as f:
        return f.read().splitlines()


def first_difference(got: list[str], want: list[str]) -> str:
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"line {i + 1}:\n  gradkit: {g!r}\n  torch:   {w!r}"
    return f"gradkit printed {len(got)} lines, torch {len(want)}"


def test_scripts_and_expected_files_pair_up():
    expected = sorted(f[:-4] for f in os.listdir(os.path.join(HERE, "expected")) if f.endswith(".txt"))
    assert expected == SCRIPTS
    assert set(NUMPY_CELL) <= set(SCRIPTS)


_RUNS = {}


def _run(name, device):
    """The script's (returncode, stdout, stderr); the first call starts every script on
    both devices at once (subprocesses in threads), which keeps the whole module to a few
    seconds."""
    if not _RUNS:
        from concurrent.futures import ThreadPoolExecutor

        jobs = [(n, d) for n in SCRIPTS for d in ("cpu", "strict" if _strict_available() else None) if d]
        with ThreadPoolExecutor(max_workers=min(len(jobs), max(2, os.cpu_count() or 2))) as pool:
            futures = {job: pool.submit(run_script, job[0], shim=True, device=None if job[1] == "cpu" else job[1])
                       for job in jobs}
        _RUNS.update({job: f.result() for job, f in futures.items()})
    return _RUNS[name, device]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", SCRIPTS)
def test_d2l_chapter2(name, device):
    rc, out, err = _run(name, device)
    got, want = normalise(out, device), expected_lines(name)
    stops = device != "cpu" and name in NUMPY_CELL
    if not stops:
        assert rc == 0, f"{name} on {device} failed (exit code {rc}):\n{err[-3000:]}\nstdout so far:\n{out[-1500:]}"
        assert got == want, f"{name} on {device}: output differs from PyTorch's at {first_difference(got, want)}"
        return
    # On strict the script must stop with torch's TypeError at its first NumPy conversion,
    # having printed exactly what torch printed up to there.
    last = err.strip().splitlines()[-1] if err.strip() else ""
    assert rc != 0 and NUMPY_ERROR.match(last), (
        f"{name} on {device}: expected the NumPy-conversion TypeError, got exit code {rc}:\n{err[-3000:]}")
    assert got == want[:len(got)], f"{name} on {device}: output differs at {first_difference(got, want)}"
    cells = [line for line in got if line.startswith("-- ")]
    assert cells and cells[-1] == NUMPY_CELL[name], (
        f"{name} on {device} did not stop in the cell that converts to NumPy ({NUMPY_CELL[name]!r}):\n{err[-2000:]}")
