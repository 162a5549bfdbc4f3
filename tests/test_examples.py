"""The examples run as a user runs them (a subprocess per script) and do what they say."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")


# One BLAS thread unless the caller chose: on a busy machine a pool of waiting BLAS threads made a
# script of two seconds run past its timeout; these tests check what the scripts do, not their speed
_ONE_THREAD = {k: os.environ.get(k, "1") for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}


def run(script, *args, timeout=120):
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=EXAMPLES, env=dict(os.environ, **_ONE_THREAD))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize("device", ["cpu", "strict"])
@pytest.mark.parametrize("script", ["linear_regression_scratch.py", "linear_regression_concise.py",
                                    "softmax_regression.py"])
def test_example_runs_and_prints_epochs(script, device, tmp_path):
    out = run(script, "--device", device, "--epochs", "2", "--checkpoint", str(tmp_path / "model.safetensors"))
    assert f"device: {device}" in out
    assert re.search(r"^epoch 2,? ", out, re.M) or re.search(r"^epoch  2, ", out, re.M), out
    assert (tmp_path / "model.safetensors").exists()


def test_linear_regression_recovers_the_true_parameters():
    out = run("linear_regression_concise.py", "--epochs", "3")
    w_err = [float(v) for v in re.search(r"error in estimating w: tensor\(\[([^\]]+)\]", out).group(1).split(",")]
    assert max(abs(v) for v in w_err) < 0.01, out


def test_mlp_reaches_95_percent_on_digits(tmp_path):
    # the "within a minute" of its docstring is timed by python -m bench.timing_checks mlp (lenet likewise)
    out = run("mlp.py", "--checkpoint", str(tmp_path / "mlp.safetensors"), timeout=600)
    accuracy = float(re.search(r"final test accuracy ([0-9.]+)", out).group(1))
    assert re.search(r"trained in ([0-9.]+)s", out), out
    assert accuracy >= 0.95, out
    assert "predictions identical: True" in out


def test_example_leaves_no_temporary_files_and_no_warnings(tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONWARNINGS="default", **_ONE_THREAD)
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, "softmax_regression.py"), "--epochs", "1"],
                          capture_output=True, text=True, timeout=120, cwd=EXAMPLES, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "predictions identical: True" in proc.stdout
    assert list(tmp_path.iterdir()) == []  # the checkpoint's temporary folder is gone
    assert "Warning" not in proc.stderr, proc.stderr


def test_example_on_a_device_that_cannot_work_says_so_in_one_line():
    import gradkit

    if gradkit.cuda.is_available():
        pytest.skip("CUDA works here")
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, "mlp.py"), "--device", "cuda"],
                          capture_output=True, text=True, timeout=120, cwd=EXAMPLES)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and proc.stderr.startswith("error: CUDA was asked for but ")
    assert "Traceback" not in proc.stderr


def test_lenet_reaches_98_percent_on_digits(tmp_path):
    out = run("lenet.py", "--checkpoint", str(tmp_path / "lenet.safetensors"), timeout=600)
    accuracy = float(re.search(r"final test accuracy ([0-9.]+)", out).group(1))
    assert re.search(r"trained in ([0-9.]+)s", out), out
    assert accuracy >= 0.98, out
    assert "predictions identical: True" in out


def test_resnet_digits_runs_an_epoch(tmp_path):
    # cpu only: an epoch on the strict device's portable kernels takes about a minute
    out = run("resnet_digits.py", "--epochs", "1", "--checkpoint", str(tmp_path / "resnet.safetensors"), timeout=600)
    assert re.search(r"^epoch  1, loss [0-9.]+, test acc [0-9.]+$", out, re.M), out
    assert "predictions identical: True" in out


def test_char_lstm_learns_the_time_machine(tmp_path):
    # 10 epochs: from 28 equally likely characters (perplexity 28) to well under half of that
    out = run("char_lstm.py", "--epochs", "10", "--checkpoint", str(tmp_path / "lstm.safetensors"))
    perplexity = float(re.search(r"final perplexity ([0-9.]+)", out).group(1))
    assert perplexity < 12, out
    assert re.search(r"epoch  10, perplexity [0-9.]+: 'time traveller", out), out
    assert "predictions identical: True" in out


def test_char_gpt_trains_and_generates(tmp_path):
    out = run("char_gpt.py", "--steps", "40", "--checkpoint", str(tmp_path / "gpt.safetensors"))
    perplexity = float(re.search(r"step   40, loss [0-9.]+, perplexity ([0-9.]+)", out).group(1))
    assert perplexity < 20, out  # 28 characters: 28 is the perplexity of a uniform guess
    assert "'time traveller " in out and "predictions identical: True" in out


def test_ddp_example_trains_as_one_plain_process(tmp_path):
    # (tests/distributed runs it under the launcher with two processes)
    out = run("ddp_train.py", "--epochs", "4", "--checkpoint", str(tmp_path / "ddp.safetensors"))
    assert "world size 1" in out and "predictions identical: True" in out, out
    acc = float(re.search(r"final test accuracy ([0-9.]+)", out).group(1))
    assert acc > 0.9, out
