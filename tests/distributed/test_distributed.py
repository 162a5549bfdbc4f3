"""gradkit.distributed and DistributedDataParallel across processes: each test starts a script
of this folder under ``mpiexec -n 2`` or ``-n 3`` (one thread per process) and reads its
output. Skipped, with the reason, where mpi4py or mpiexec is missing."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ._mpirun import expect_success, mpirun, needs_mpi

pytestmark = needs_mpi


@pytest.mark.parametrize("ranks", [2, 3])
def test_every_collective_matches_numpy(ranks):
    out = expect_success(mpirun(ranks, "collectives_check.py"))
    assert out.count("collectives OK") == ranks


@pytest.mark.parametrize("mode", ["plain", "no_sync", "view", "unused", "hook"])
def test_ddp_two_halves_equal_one_process_on_the_whole_batch(mode):
    out = expect_success(mpirun(2, "ddp_equivalence.py", mode))
    assert out.count("ranks_equal True") == 2


def test_ddp_on_three_ranks_and_a_checkpoint_from_rank_0(tmp_path):
    out = expect_success(mpirun(3, "ddp_equivalence.py", "plain", str(tmp_path / "ddp.safetensors")))
    assert out.count("ranks_equal True") == 3


@pytest.mark.parametrize("mode", ["default", "hook"])
def test_bucket_all_reduces_start_during_backward(mode):
    out = expect_success(mpirun(2, "overlap_check.py", mode))
    assert out.count("events") == 4


def test_a_rank_that_raises_ends_the_job_with_its_traceback():
    result = mpirun(2, "fault_check.py", "raise", timeout=60)
    assert result.returncode != 0
    assert "ValueError: rank 1 fails on purpose in step 2" in result.output
    assert "finished" not in result.output
    assert result.seconds < 30


def test_a_rank_that_dies_ends_the_job():
    result = mpirun(2, "fault_check.py", "exit", timeout=60)
    assert result.returncode != 0
    assert "finished" not in result.output
    assert result.seconds < 30


def test_a_rank_that_stops_calling_collectives_times_the_others_out():
    # rank 1 sleeps for a minute; rank 0's all-reduce gives up after the group's 2 s timeout
    result = mpirun(2, "fault_check.py", "timeout", timeout=60)
    assert result.returncode != 0
    assert "DistBackendError" in result.output and "Timed out" in result.output, result.output
    assert "Timeout(ms)=2000" in result.output
    assert result.seconds < 30


def test_different_parameter_shapes_are_refused_at_wrap_time():
    result = mpirun(2, "fault_check.py", "shapes", timeout=60)
    assert result.returncode != 0
    assert "DDP expects same model across all ranks" in result.output
    assert "'2.weight'" in result.output and "[5, 16]" in result.output and "[4, 16]" in result.output


def test_launcher_sets_torchrun_variables_and_passes_arguments():
    result = expect_success(_launch("--nproc-per-node", "2", "env_check.py", "--flag", "value"))
    # (mpiexec merges the ranks' output as it comes: one rank's line may break into another's)
    lines = sorted(re.findall(r"rank \d RANK=.*?main=True", result))
    assert lines == [f"rank {r} RANK={r} WORLD_SIZE=2 LOCAL_RANK={r} LOCAL_WORLD_SIZE=2 NODE_RANK=0 "
                     f"MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 OMP=1 argv=['--flag', 'value'] main=True"
                     for r in range(2)], result


def test_launcher_runs_a_module_too():
    result = expect_success(_launch("--nproc-per-node", "2", "-m", "env_check", "--m"))
    assert result.count("argv=['--m'] main=True") == 2


def _launch(*args):
    from ._mpirun import run

    return run([sys.executable, "-m", "gradkit.distributed.run", *args], timeout=60)


def test_launcher_on_another_node_starts_nothing():
    done = subprocess.run([sys.executable, "-m", "gradkit.distributed.run", "--nnodes", "2", "--node-rank", "1",
                           "--hostfile", __file__, "script.py"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "nothing to start here" in done.stderr


@pytest.mark.parametrize("model, epochs", [("mlp", "4"), ("lenet", "2")])
def test_ddp_example_under_the_launcher(model, epochs):
    import os

    from ._mpirun import HERE, run

    script = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "ddp_train.py")
    out = expect_success(run([sys.executable, "-m", "gradkit.distributed.run", "--nproc-per-node", "2", script,
                              "--model", model, "--epochs", epochs], timeout=120))
    assert "world size 2" in out and "predictions identical: True" in out, out
    losses = [float(v) for v in re.findall(r"loss ([0-9.]+)", out)]
    assert len(losses) == int(epochs) and losses[-1] < losses[0], out
    if model == "mlp":
        assert float(re.search(r"final test accuracy ([0-9.]+)", out).group(1)) > 0.9, out
