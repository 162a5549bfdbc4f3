"""D2L's convolutional chapters (d2l-zh chapters 6-7, 图像卷积 ... 稠密连接网络; d2l-en v1.x
chapters 7-8 with the AnyNet/RegNet design section) under ``import torch`` = gradkit give
PyTorch's printed shapes, parameter counts, values and training losses when they start from
the same weights and see the same batches.

Each tests/d2l/ch7_*.py / ch8_*.py script is a reader's copy of one section's pytorch cells,
made deterministic as the chapter 3-4 scripts are (see test_chapters34.py): weights drawn from
NumPy and copied in (``d2l.same_weights``), NumPy-drawn shuffling and dropout masks, the
small fake Fashion-MNIST (the first few images, resized in NumPy where the net needs it), a
few training steps. The nets with batch normalisation (ResNet, DenseNet, RegNet) train in
float64: in float32, rounding amplified through batch norm's backward (against a float64
reference, PyTorch's and gradkit's float32 gradients are equally far off, up to 1e-3 relative
in the deepest layers) parts the two libraries' losses by more than the tolerance after a
step or two; in float64 they agree to every printed digit. Their stdout is compared with
tests/d2l/expected/ch78/<script>.txt, recorded from real PyTorch by
tests/d2l/record_chapters78.py, line by line with chapter 3-4's rules (gradkit. -> torch., the
strict device's repr suffix dropped, numbers within float32 rounding accumulated over
training, integers exact).

Devices: "cpu" and "strict" (GRADKIT_DEVICE=strict). No script hands a tensor to NumPy, so
each must match in full on both.
"""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _d2l_run import ChapterRuns  # noqa: E402
from test_chapters34 import DEVICES, first_mismatch, normalise  # noqa: E402

CHAPTER = ChapterRuns("ch78", r"ch[78]_.*\.py$")
SCRIPTS = CHAPTER.scripts


def test_scripts_and_expected_files_pair_up():
    assert CHAPTER.expected_names() == SCRIPTS
    assert CHAPTER.slow <= set(SCRIPTS)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in CHAPTER.slow else n
                                  for n in SCRIPTS])
def test_d2l_chapters78(name, device):
    rc, out, err = CHAPTER.run(name, device)
    assert rc == 0, f"{name} on {device} failed (exit code {rc}):\n{err[-3000:]}\nstdout so far:\n{out[-1500:]}"
    why = first_mismatch(normalise(out, device), CHAPTER.expected_text(name).splitlines())
    assert why is None, f"{name} on {device}: output differs from PyTorch's at {why}"
