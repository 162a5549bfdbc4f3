"""D2L's recurrent chapters (d2l-zh chapters 8-9, 循环神经网络 and 现代循环神经网络; d2l-en
v1.x chapters 9-10: sequence models, text preprocessing, language models, RNNs from scratch and
concise, GRU, LSTM, deep and bidirectional RNNs, machine translation data, the encoder-decoder
interface, seq2seq) under ``import torch`` = gradkit give PyTorch's printed shapes, vocabularies,
minibatches, perplexities, losses and generated text when they start from the same weights and
see the same batches.

Each tests/d2l/ch9_*.py / ch10_*.py script is a reader's copy of one section's pytorch cells,
made deterministic as the chapter 3-4 and 7-8 scripts are (see test_chapters34.py): weights
drawn from NumPy and copied in (``d2l.randn`` in the from-scratch models, ``d2l.same_rnn_weights``
for nn.RNN/GRU/LSTM, Linear and Embedding layers), Python's ``random`` seeded where the book's
minibatch iterators draw from it, a NumPy-drawn sampler where the book shuffles, a few epochs.
The Time Machine is the copy shipped inside gradkit; in the gradkit run the shim's text pipeline
(read_time_machine ... load_data_time_machine; for the en scripts, ch9_*_en with
tests/d2l/_d2l_en.py, the TimeMachine data module's vocabulary and windows) is gradkit.datasets'
own, so it is compared with the book's code that the PyTorch run uses. ch9_rnn_concise_zh and
ch10_seq2seq_zh train in float64 (their docstrings say why: their training amplifies float32
rounding past the tolerance within a few epochs, while float64 runs agree to every printed
digit). The English-French pairs are the small fake of
tests/d2l/_fake_fra_eng.py. Their stdout is compared with tests/d2l/expected/ch910/<script>.txt,
recorded from real PyTorch by tests/d2l/record_chapters910.py, line by line with chapter 3-4's
rules (gradkit. -> torch., the strict device's repr suffix dropped, numbers within float32
rounding accumulated over training, integers and generated text exact).

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

CHAPTER = ChapterRuns("ch910", r"ch(9|10)_.*\.py$")
SCRIPTS = CHAPTER.scripts


def test_scripts_and_expected_files_pair_up():
    assert CHAPTER.expected_names() == SCRIPTS
    assert CHAPTER.slow <= set(SCRIPTS)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in CHAPTER.slow else n
                                  for n in SCRIPTS])
def test_d2l_chapters910(name, device):
    rc, out, err = CHAPTER.run(name, device)
    assert rc == 0, f"{name} on {device} failed (exit code {rc}):\n{err[-3000:]}\nstdout so far:\n{out[-1500:]}"
    why = first_mismatch(normalise(out, device), CHAPTER.expected_text(name).splitlines())
    assert why is None, f"{name} on {device}: output differs from PyTorch's at {why}"
