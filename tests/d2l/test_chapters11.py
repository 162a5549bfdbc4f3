"""D2L's attention chapter (d2l-en v1.x chapter 11, Attention Mechanisms and Transformers;
d2l-zh chapter 10, 注意力机制) under ``import torch`` = gradkit gives PyTorch's printed
shapes, values, attention weights, training losses, translations and BLEU scores when it
starts from the same weights and sees the same batches.

Each tests/d2l/ch11_*.py script is a reader's copy of one section's pytorch cells, made
deterministic as the earlier chapters' scripts are (see test_chapters34.py and
test_chapters78.py): inputs and weights drawn from NumPy and copied in, NumPy-drawn
shuffling and dropout masks, a few training epochs on small data (the machine-translation
sections on a few dozen English-French pairs in fra.txt's format, tests/d2l/_d2l.py's
load_data_nmt_sample; the vision Transformer on the fake Fashion-MNIST at 28x28). Heatmaps
are printed, not drawn. Their stdout is compared with tests/d2l/expected/ch11/<script>.txt,
recorded from real PyTorch by tests/d2l/record_chapters11.py, line by line with chapter
3-4's rules (gradkit. -> torch., the strict device's repr suffix dropped, numbers within
float32 rounding accumulated over training, integers and generated text exact), with a
tensor repr's suffixes joined to the line before where either library broke the line there
(see join_suffix_breaks).

Devices: "cpu" and "strict" (GRADKIT_DEVICE=strict). No script hands a tensor to NumPy, so
each must match in full on both.
"""
from __future__ import annotations

import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _d2l_run import ChapterRuns  # noqa: E402
from test_chapters34 import DEVICES, first_mismatch, normalise  # noqa: E402

CHAPTER = ChapterRuns("ch11", r"ch11_.*\.py$")
SCRIPTS = CHAPTER.scripts


# A tensor repr's suffixes (device=, dtype=, grad_fn=) go on a new line when the last line of
# values would grow too long, and "gradkit.float64" is two characters longer than
# "torch.float64", so the break can fall one suffix earlier or later than PyTorch's (and on
# the strict device a CPU tensor's device='cpu' may start the line). Both sides are compared
# with such breaks joined.
_SUFFIX_BREAK = re.compile(r",\n\s+(?=(?:device|dtype|grad_fn|requires_grad)=)")


def join_suffix_breaks(text: str) -> str:
    return _SUFFIX_BREAK.sub(", ", text)


def test_suffix_breaks_are_joined():
    torch_repr = "tensor([[0.2589, 0.2550]], dtype=torch.float64,\n       grad_fn=<SliceBackward0>)"
    gradkit_repr = "tensor([[0.2589, 0.2550]],\n       dtype=gradkit.float64, grad_fn=<SliceBackward0>)"
    assert normalise(join_suffix_breaks(gradkit_repr), "cpu") == join_suffix_breaks(torch_repr).splitlines()
    strict_repr = "tensor([[0.2589, 0.2550]],\n       device='cpu', dtype=gradkit.float64, grad_fn=<SliceBackward0>)"
    assert normalise(join_suffix_breaks(strict_repr), "strict") == join_suffix_breaks(torch_repr).splitlines()
    assert join_suffix_breaks("tensor([[1.],\n        [2.]])") == "tensor([[1.],\n        [2.]])"


def test_scripts_and_expected_files_pair_up():
    assert CHAPTER.expected_names() == SCRIPTS
    assert CHAPTER.slow <= set(SCRIPTS)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in CHAPTER.slow else n
                                  for n in SCRIPTS])
def test_d2l_chapter11(name, device):
    rc, out, err = CHAPTER.run(name, device)
    assert rc == 0, f"{name} on {device} failed (exit code {rc}):\n{err[-3000:]}\nstdout so far:\n{out[-1500:]}"
    want = join_suffix_breaks(CHAPTER.expected_text(name)).splitlines()
    why = first_mismatch(normalise(join_suffix_breaks(out), device), want)
    assert why is None, f"{name} on {device}: output differs from PyTorch's at {why}"
