"""The parts of gradkit.distributed that need no second process: import cost, errors before
init_process_group, the launcher's command lines, DistributedSampler's index arithmetic
(recorded from PyTorch), DataParallel, and the engine's end-of-backward callbacks."""
from __future__ import annotations

import subprocess
import sys

import pytest

import gradkit as torch
import gradkit.distributed as dist
from gradkit import nn
from gradkit.autograd.engine import queue_callback
from gradkit.distributed import run as launcher
from gradkit.utils.data import DistributedSampler

from ._mpirun import child_env, needs_mpi


def test_importing_gradkit_and_distributed_loads_no_mpi():
    code = ("import sys, gradkit, gradkit.distributed as d, gradkit.nn.parallel; "
            "assert 'mpi4py' not in sys.modules, 'mpi4py imported'; "
            "assert gradkit.distributed is d and gradkit.nn.parallel.DistributedDataParallel; "
            "assert gradkit.nn.DataParallel is gradkit.nn.parallel.DataParallel; print(d.is_initialized())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr


@pytest.mark.parametrize("call", [lambda: dist.all_reduce(torch.ones(1)), lambda: dist.get_rank(),
                                  lambda: dist.get_world_size(), lambda: dist.barrier(),
                                  lambda: dist.broadcast(torch.ones(1), src=0),
                                  lambda: dist.all_gather_object([None], 1), lambda: dist.new_group([0]),
                                  lambda: DistributedSampler(range(3))])
def test_collectives_before_init_process_group_raise_as_pytorch(call):
    assert not dist.is_initialized()
    with pytest.raises(ValueError, match=r"^Default process group has not been initialized, please make sure to "
                                         r"call init_process_group\.$"):
        call()


def test_argument_types_are_checked_first():
    with pytest.raises(TypeError, match="Expected parameter `tensor` of type torch.Tensor"):
        dist.all_reduce([1.0])
    with pytest.raises(TypeError, match="Expected parameter `tensor_list` of type List"):
        dist.all_gather(torch.ones(1), torch.ones(1))


def test_names():
    assert dist.is_available() and dist.is_mpi_available() and dist.is_gloo_available()
    assert dist.Backend("GLOO") == "gloo" and dist.Backend.NCCL == "nccl"
    with pytest.raises(ValueError, match="Invalid backend: 'tcp'"):
        dist.Backend("tcp")
    assert {op.name for op in dist.ReduceOp.RedOpType} >= {"SUM", "AVG", "PRODUCT", "MIN", "MAX"}
    assert dist.group.WORLD is None and issubclass(dist.DistBackendError, RuntimeError)


# -- the launcher's command lines --------------------------------------------------------------
def _args(*argv):
    return launcher._parser().parse_args(list(argv))


def test_hydra_command_line():
    cmd = launcher.build_command(_args("--nproc-per-node", "3", "train.py", "--lr", "0.1", "--master-port", "7"),
                                 mpiexec="mpiexec", flavour="hydra")
    assert cmd[:5] == ["mpiexec", "-n", "3", "-ppn", "3"]
    assert cmd[cmd.index("MASTER_PORT") + 1] == "29500"  # the script's own --master-port is its own
    assert cmd[-7:] == ["-m", "gradkit.distributed._spawned", "train.py", "--lr", "0.1", "--master-port", "7"]


def test_several_nodes_from_a_host_file(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("node-a slots=4\n# a comment\nnode-b:4\n")
    cmd = launcher.build_command(_args("--nnodes", "2", "--nproc-per-node", "4", "--hostfile", str(hosts),
                                       "train.py"), mpiexec="mpiexec", flavour="hydra")
    assert cmd[1:7] == ["-n", "8", "-ppn", "4", "-hosts", "node-a,node-b"]
    assert cmd[cmd.index("MASTER_ADDR") + 1] == "node-a"
    cmd = launcher.build_command(_args("--nnodes", "2", "--nproc-per-node", "4", "--hostfile", str(hosts),
                                       "train.py"), mpiexec="mpirun", flavour="openmpi")
    assert cmd[1:7] == ["-n", "8", "--map-by", "ppr:4:node", "--host", "node-a:4,node-b:4"]
    assert "MASTER_ADDR=node-a" in cmd
    assert launcher.build_command(_args("--nnodes", "2", "--node-rank", "1", "--hostfile", str(hosts), "t.py"),
                                  mpiexec="mpiexec", flavour="hydra") is None
    with pytest.raises(SystemExit, match="needs --hostfile"):
        launcher.build_command(_args("--nnodes", "2", "t.py"), mpiexec="mpiexec", flavour="hydra")


def test_spawned_process_environment():
    from gradkit.distributed._spawned import torchrun_environment

    env = torchrun_environment({"PMI_RANK": "5", "PMI_SIZE": "8", "MPI_LOCALRANKID": "1", "MPI_LOCALNRANKS": "4",
                                "GRADKIT_NPROC_PER_NODE": "4", "RANK": "99"})
    assert env["RANK"] == "5" and env["WORLD_SIZE"] == "8" and env["LOCAL_RANK"] == "1"
    assert env["LOCAL_WORLD_SIZE"] == "4" and env["NODE_RANK"] == env["GROUP_RANK"] == "1"
    env = torchrun_environment({"OMPI_COMM_WORLD_RANK": "2", "OMPI_COMM_WORLD_SIZE": "4",
                                "GRADKIT_NPROC_PER_NODE": "2"})
    assert (env["RANK"], env["LOCAL_RANK"], env["NODE_RANK"]) == ("2", "0", "1")


# -- DistributedSampler -----------------------------------------------------------------------
# (len, num_replicas, drop_last) -> each rank's indices, unshuffled, recorded from PyTorch 2.13
RECORDED = {
    (10, 3, False): [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]],
    (10, 3, True): [[0, 3, 6], [1, 4, 7], [2, 5, 8]],
    (11, 4, False): [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 0]],
    (11, 4, True): [[0, 4], [1, 5], [2, 6], [3, 7]],
    (2, 5, False): [[0], [1], [0], [1], [0]],
    (7, 2, False): [[0, 2, 4, 6], [1, 3, 5, 0]],
    (8, 2, True): [[0, 2, 4, 6], [1, 3, 5, 7]],
    (3, 8, False): [[0], [1], [2], [0], [1], [2], [0], [1]],
}


@pytest.mark.parametrize("config", sorted(RECORDED))
def test_distributed_sampler_matches_pytorch_unshuffled(config):
    n, replicas, drop_last = config
    samplers = [DistributedSampler(range(n), num_replicas=replicas, rank=r, shuffle=False, drop_last=drop_last)
                for r in range(replicas)]
    assert [list(s) for s in samplers] == RECORDED[config]
    assert all(len(s) == len(RECORDED[config][0]) for s in samplers)


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 3, False), (11, 4, True), (12, 3, False)])
def test_distributed_sampler_shuffles_the_same_on_every_rank(n, replicas, drop_last):
    def epoch(e, seed=0):
        parts = []
        for r in range(replicas):
            s = DistributedSampler(list(range(n)), num_replicas=replicas, rank=r, seed=seed, drop_last=drop_last)
            s.set_epoch(e)
            parts.append(list(s))
        return parts

    parts = epoch(0)
    assert parts == epoch(0)  # every rank (a fresh sampler) draws the same order
    flat = [i for step in zip(*parts) for i in step]
    if drop_last:
        assert len(set(flat)) == len(flat) == (n // replicas) * replicas
    else:
        assert set(flat) == set(range(n)) and len(flat) == -(-n // replicas) * replicas
    if n % replicas == 0:
        assert sorted(flat) == list(range(n)) and flat != list(range(n))  # a permutation, shuffled
    assert epoch(1) != parts and epoch(0, seed=1) != parts


def test_distributed_sampler_errors():
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(range(3), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match=r"Invalid rank -1"):
        DistributedSampler(range(3), num_replicas=2, rank=-1)
    from gradkit.utils.data.distributed import DistributedSampler as same

    assert same is DistributedSampler


def test_distributed_sampler_in_a_loader():
    data = torch.utils.data.TensorDataset(torch.arange(10))
    sampler = DistributedSampler(data, num_replicas=2, rank=1, shuffle=False)
    loader = torch.utils.data.DataLoader(data, batch_size=2, sampler=sampler)
    assert [b[0].tolist() for b in loader] == [[1, 3], [5, 7], [9]]


# -- DataParallel --------------------------------------------------------------------------------
def test_data_parallel_is_a_pass_through_with_the_module_prefix():
    inner = nn.Linear(3, 2)
    wrapped = nn.DataParallel(inner)
    x = torch.randn(4, 3)
    assert torch.equal(wrapped(x), inner(x))
    assert list(wrapped.state_dict()) == ["module.weight", "module.bias"]
    assert wrapped.module is inner
    with pytest.raises(NotImplementedError, match="DistributedDataParallel"):
        nn.DataParallel(inner, device_ids=[0, 1])


# -- the engine's end-of-backward callbacks ------------------------------------------------------
def test_queue_callback_outside_backward_raises():
    with pytest.raises(RuntimeError, match="Final callbacks can only be installed during backward pass."):
        queue_callback(lambda: None)


def test_queued_callbacks_run_after_every_leaf_is_written_in_order():
    w = torch.ones(3, requires_grad=True)
    b = torch.ones(3, requires_grad=True)
    seen = []

    def hook(grad):
        queue_callback(lambda: seen.append(("first", w.grad.tolist(), b.grad.tolist())))
        queue_callback(lambda: (seen.append("second"), queue_callback(lambda: seen.append("queued by a callback"))))

    w.register_hook(hook)
    (w * 2 + b).sum().backward()
    assert seen == [("first", [2.0] * 3, [1.0] * 3), "second", "queued by a callback"]
    seen.clear()
    (w * 3).sum().backward()  # the callbacks of a backward do not outlive it
    assert seen[0][1] == [5.0] * 3 and len(seen) == 3


def test_queued_callbacks_do_not_run_when_backward_fails():
    from gradkit.autograd import Function

    class Fails(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            raise ValueError("backward fails")

    x = torch.ones(2, requires_grad=True)
    ran = []
    y = Fails.apply(x * 2)
    y.register_hook(lambda g: queue_callback(lambda: ran.append(1)))
    with pytest.raises(ValueError, match="backward fails"):
        y.sum().backward()
    assert ran == []
    with pytest.raises(RuntimeError, match="Final callbacks"):
        queue_callback(lambda: None)  # the failed walk left no list behind


@needs_mpi
def test_one_process_without_a_launcher_is_a_world_of_one():
    code = ("import gradkit as torch, gradkit.distributed as dist\n"
            "dist.init_process_group()\n"
            "assert (dist.get_rank(), dist.get_world_size()) == (0, 1)\n"
            "t = torch.arange(3.); dist.all_reduce(t, op=dist.ReduceOp.AVG); assert t.tolist() == [0., 1., 2.]\n"
            "m = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 1))\n"
            "m(torch.ones(4, 2)).sum().backward(); assert m.module.weight.grad.tolist() == [[4., 4.]]\n"
            "try:\n    dist.init_process_group()\nexcept ValueError as e:\n    print(e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "trying to initialize the default process group twice!"
