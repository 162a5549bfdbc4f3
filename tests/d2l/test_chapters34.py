"""D2L chapters 3-4 (zh edition, plus the d2l-en v1.x patterns) under ``import torch`` = gradkit
give PyTorch's values, dtypes, shapes and printed forms when they start from the same weights
and see the same batches.

Each tests/d2l/ch3_*.py / ch4_*.py script is a reader's copy of one section's pytorch cells
(helpers as ``d2l.xxx`` from tests/d2l/_d2l.py; d2l-en classes from tests/d2l/_d2l_en.py).
Randomness that feeds numbers is removed: parameters and synthetic data are drawn from NumPy
and copied in, shuffling is a NumPy-drawn sampler, Fashion-MNIST is a small deterministic
fake (tests/d2l/_fake_fashion_mnist.py). Dropout is compared through fixed masks or
statistics, never through the libraries' own random streams.

Each script runs in a subprocess with tests/d2l/shim first on PYTHONPATH (``import torch``
-> gradkit); its stdout is compared with tests/d2l/expected/ch34/<script>.txt, recorded from
real PyTorch by tests/d2l/record_chapters34.py. Normalised as for chapter 2: ``gradkit.`` ->
``torch.`` and, on strict, the ``, device='strict'`` repr suffix (and ``, device='cpu'``, which
PyTorch too prints for a CPU tensor when the default device is another one).

Comparison: a line equal to PyTorch's passes. Otherwise the line is split into numbers and
the text between them; the text must be equal up to blanks (column padding follows the
values), some number must differ (a line that differs in blanks alone fails), each number
must be printed in the same form (fixed or scientific; with a point or without, so an int
never passes for a float) though not necessarily with as many decimals (NumPy prints the
shortest repr; a tensor whose elements are all integral prints "1." where a sum off by an
ulp prints "1.0000"), and the values must agree within float32 rounding accumulated over
training:
|gradkit - torch| <= ATOL + RTOL * |torch| + one unit in the last digit of the finer of
the two prints (a value near a rounding boundary may print either way). RTOL = 1e-4 and
ATOL = 1e-5 allow the few-ulp differences of float32 reductions and matmuls (summation
order, BLAS kernels, libm's exp/tanh) after a few hundred SGD steps; real mistakes (a wrong
gradient, a missing weight decay, a wrong reduction) are orders of magnitude larger.
Integers (counts, labels, shapes, int tensors) must be equal.

Devices: "cpu" and "strict" (GRADKIT_DEVICE=strict, the array-API stand-in for a GPU). On
strict a script that hands a tensor to NumPy (``.numpy()``) must print what PyTorch printed
up to the cell named in NUMPY_CELL and stop there with the TypeError PyTorch raises for a
CUDA tensor; every other script must match in full.
"""
from __future__ import annotations

import math
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _d2l_run import HERE, run_script, strict_available  # noqa: E402

EXPECTED = os.path.join(HERE, "expected", "ch34")
SCRIPTS = sorted(f[:-3] for f in os.listdir(HERE) if re.match(r"ch[34]_.*\.py$", f))
RTOL, ATOL = 1e-4, 1e-5

# First cell of each script that hands a tensor to NumPy.
NUMPY_CELL = {
    "ch4_numerical_stability_zh": "-- d2l.plot(x.detach().numpy(), [y.detach().numpy(), x.grad.numpy()], ...)  [what plot gets]",
    "ch4_underfit_overfit_zh": "-- train(poly_features[:n_train, :4], poly_features[n_train:, :4], labels[:n_train], labels[n_train:])  [三阶多项式函数拟合(正态)]",
    "ch4_kaggle_house_price_zh": "-- train_and_pred(train_features, test_features, train_labels, test_data, num_epochs, lr, weight_decay, batch_size)",
    "ch4_kaggle_house_price_en": "-- preds = [model(torch.tensor(data.val.values.astype(float), dtype=torch.float32)) for model in models]; ... submission",
}
NUMPY_ERROR = re.compile(r"^TypeError: can't convert strict device type tensor to numpy")

# a number with a point may follow letters (f'log rmse{x:f}' prints "rmse0.4659"); one without
# must stand alone (not the 32 of float32, the 0 of SubBackward0)
_NUMBER = re.compile(r"(?<![\d.])[-+]?(?:\d+\.\d*|\.\d+)(?:e[-+]?\d+)?(?![\d.])"
                     r"|(?<![\w.])[-+]?\d+(?:e[-+]?\d+)?(?![\w.])|(?<![\w.])-?(?:nan|inf)(?![\w.])")


DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param("strict", id="strict", marks=pytest.mark.skipif(not strict_available(),
                                                                 reason="array_api_strict not installed")),
]


def normalise(text: str, device: str) -> list[str]:
    text = re.sub(r"\bgradkit\.", "torch.", text)
    if device != "cpu":
        # as PyTorch with a CUDA default device: its own tensors unmarked, CPU ones (read
        # from files by a dataset) marked device='cpu'
        text = re.sub(r", device='(strict|cpu)'", "", text)
    return text.splitlines()


def expected_lines(name: str) -> list[str]:
    with open(os.path.join(EXPECTED, name + ".txt"), encoding="utf-8") as f:
        return f.read().splitlines()


def _form(token):
    """How a number is printed: (scientific?, digits after the point or None)."""
    mantissa = token.lower().split("e")[0]
    return "e" in token.lower(), (len(mantissa.split(".")[1]) if "." in mantissa else None)


def _last_digit(token):
    """One unit in the last printed digit of token (0 for an integer)."""
    sci, decimals = _form(token)
    if decimals is None:
        return 0.0
    unit = 10.0 ** -decimals
    return unit * 10.0 ** int(token.lower().split("e")[1]) if sci else unit


def line_mismatch(got: str, want: str) -> str | None:
    """None when got matches want (see the module docstring), else what differs."""
    if got == want:
        return None
    g_nums, w_nums = _NUMBER.findall(got), _NUMBER.findall(want)
    g_text = [re.sub(r"\s+", "", t) for t in _NUMBER.split(got)]
    w_text = [re.sub(r"\s+", "", t) for t in _NUMBER.split(want)]
    if len(g_nums) != len(w_nums) or g_text != w_text or g_nums == w_nums:
        return "text differs"
    for g, w in zip(g_nums, w_nums):
        if g == w:
            continue
        (g_sci, g_dec), (w_sci, w_dec) = _form(g), _form(w)
        if g_sci != w_sci or (g_dec is None) != (w_dec is None):
            return f"number printed differently: {g} (torch {w})"
        if g_dec is None and not g_sci:
            return f"integer {g} (torch {w})"
        gv, wv = float(g), float(w)
        if math.isnan(gv) or math.isnan(wv) or math.isinf(gv) or math.isinf(wv):
            return f"{g} (torch {w})"
        if abs(gv - wv) > ATOL + RTOL * abs(wv) + min(_last_digit(g), _last_digit(w)):
            return f"{g} differs from torch's {w} by more than float32 rounding"
    return None


def first_mismatch(got: list[str], want: list[str]) -> str | None:
    for i, (g, w) in enumerate(zip(got, want)):
        why = line_mismatch(g, w)
        if why is not None:
            return f"line {i + 1} ({why}):\n  gradkit: {g!r}\n  torch:   {w!r}"
    if len(got) != len(want):
        return f"gradkit printed {len(got)} lines, torch {len(want)}"
    return None


def test_line_comparison_tolerates_rounding_only():
    assert line_mismatch("epoch 3, loss 0.000046", "epoch 3, loss 0.000047") is None
    assert line_mismatch("tensor([5.9280e-06, 1.0000])", "tensor([5.9288e-06, 1.0000])") is None
    assert line_mismatch("tensor([ 0.1235, -1.0000])", "tensor([ 0.1234, -1.0000])") is None  # last digit
    assert line_mismatch("loss 0.52", "loss 0.50") is not None
    assert line_mismatch("tensor([1.0000, 1.0000])", "tensor([1., 1.])") is None  # a sum off by an ulp
    assert line_mismatch("tensor([1.1000, 1.0000])", "tensor([1., 1.])") is not None
    assert line_mismatch("tensor([1, 2])", "tensor([1., 2.])") is not None  # int vs float
    assert line_mismatch("tensor([1, 2]) 4367", "tensor([1, 2]) 4368") is not None  # integers are exact
    assert line_mismatch("tensor([0.0000e+00, 1.0e-01])", "tensor([4.4409e-16, 1.0e-01])") is None
    assert line_mismatch("tensor([0.0000, 0.1000])", "tensor([4.4409e-16, 1.0000e-01])") is not None
    assert line_mismatch("grad_fn=<SubBackward0>", "grad_fn=<RsubBackward1>") is not None
    assert line_mismatch("train acc 0.998333", "train acc 1.000000") is not None
    assert line_mismatch("weight: [[3.476431  2.9860203]]", "weight: [[3.4764311 2.98602  ]]") is None  # NumPy
    assert line_mismatch("tensor([1.,  2.])", "tensor([1., 2.])") is not None  # blanks alone
    assert line_mismatch("折1，训练log rmse0.230278", "折1，训练log rmse0.230279") is None
    assert line_mismatch("torch.float32 SubBackward0", "torch.float64 SubBackward0") is not None


def test_scripts_and_expected_files_pair_up():
    expected = sorted(f[:-4] for f in os.listdir(EXPECTED) if f.endswith(".txt"))
    assert expected == SCRIPTS
    assert set(NUMPY_CELL) <= set(SCRIPTS)


_RUNS = {}


def _run(name, device):
    """The script's (returncode, stdout, stderr); the first call starts every script on
    both devices at once (subprocesses in threads)."""
    if not _RUNS:
        from concurrent.futures import ThreadPoolExecutor
        from unittest import mock

        devices = ["cpu"] + (["strict"] if strict_available() else [])
        # the slowest first, so the pool ends together
        jobs = sorted(((n, d) for n in SCRIPTS for d in devices), key=lambda j: (j[1] != "strict", j[0]))
        # One BLAS thread per script: the scripts' matmuls are small, and with as many scripts
        # as cores a threaded BLAS only oversubscribes them (10-50x slower under load).
        one_thread = {k: "1" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
        with mock.patch.dict(os.environ, one_thread), \
                ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            futures = {job: pool.submit(run_script, job[0], shim=True, device=None if job[1] == "cpu" else job[1],
                                        timeout=300)
                       for job in jobs}
            _RUNS.update({job: f.result() for job, f in futures.items()})
    return _RUNS[name, device]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", SCRIPTS)
def test_d2l_chapters34(name, device):
    rc, out, err = _run(name, device)
    got, want = normalise(out, device), expected_lines(name)
    stops = device != "cpu" and name in NUMPY_CELL
    if not stops:
        assert rc == 0, f"{name} on {device} failed (exit code {rc}):\n{err[-3000:]}\nstdout so far:\n{out[-1500:]}"
        why = first_mismatch(got, want)
        assert why is None, f"{name} on {device}: output differs from PyTorch's at {why}"
        return
    last = err.strip().splitlines()[-1] if err.strip() else ""
    assert rc != 0 and NUMPY_ERROR.match(last), (
        f"{name} on {device}: expected the NumPy-conversion TypeError, got exit code {rc}:\n{err[-3000:]}")
    why = first_mismatch(got, want[:len(got)])
    assert why is None, f"{name} on {device}: output differs from PyTorch's at {why}"
    cells = [line for line in got if line.startswith("-- ")]
    assert cells and cells[-1] == NUMPY_CELL[name], (
        f"{name} on {device} did not stop in the cell that converts to NumPy ({NUMPY_CELL[name]!r}):\n{err[-2000:]}")
