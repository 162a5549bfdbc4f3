"""``python -m gradkit.distributed.run``: torchrun's command line, starting the processes
through the MPI launcher.

    python -m gradkit.distributed.run --nproc-per-node 2 train.py --epochs 3
    python -m gradkit.distributed.run --nnodes 2 --nproc-per-node 4 --hostfile hosts train.py

runs ``mpiexec`` (MPICH's Hydra or Open MPI's), which starts every process of the job, on
this machine or, with a host file, over several (Hydra reaches them with ssh: the same Python
environment must exist at the same path on each). Each process gets torchrun's variables --
``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``LOCAL_WORLD_SIZE``, ``GROUP_RANK``/``NODE_RANK``,
``MASTER_ADDR``, ``MASTER_PORT`` -- before the script runs, for scripts that read them;
``init_process_group()`` learns the same from MPI itself. ``mpiexec -n N python script.py``
works as well, without those variables.

With several nodes the job starts from one command, on the node of ``--node-rank 0``: run
elsewhere (``--node-rank`` > 0, as a torchrun command line copied to every node would), the
launcher says so and exits without starting anything."""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys


def _parser():
    p = argparse.ArgumentParser(
        prog="python -m gradkit.distributed.run", allow_abbrev=False,
        description="Start a data-parallel job through mpiexec, with torchrun's environment variables.")
    p.add_argument("--nproc-per-node", "--nproc_per_node", default="1",
                   help="processes per node: a number, or 'cpu' (one per core), 'gpu' (one per CUDA device)")
    p.add_argument("--nnodes", default="1", help="number of nodes (a host file lists them)")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0, help="this node's rank among the nodes")
    p.add_argument("--hostfile", "--host-file", default=None,
                   help="a file of host names, one per line (MPI's host file); needed for --nnodes > 1")
    p.add_argument("--master-addr", "--master_addr", default=None,
                   help="MASTER_ADDR for scripts that read it (default: the first host, or 127.0.0.1)")
    p.add_argument("--master-port", "--master_port", type=int, default=29500)
    p.add_argument("--standalone", action="store_true", help="accepted for torchrun's command lines (one node)")
    p.add_argument("--mpiexec", default=None, help="the MPI launcher to use (default: the environment's mpiexec)")
    p.add_argument("-m", "--module", action="store_true", help="run the target as a module (python -m)")
    p.add_argument("--no-python", "--no_python", action="store_true",
                   help="run the target as a program, not a Python script")
    p.add_argument("script", help="the training script (or module with -m, program with --no-python)")
    p.add_argument("script_args", nargs=argparse.REMAINDER)
    return p


def find_mpiexec(given=None):
    """The MPI launcher: the one given, else the Python environment's own (pip's mpich puts
    it beside the interpreter), else the first on PATH."""
    if given:
        return given
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.access(beside, os.X_OK):
        return beside
    found = shutil.which("mpiexec") or shutil.which("mpirun")
    if found is None:
        raise SystemExit("gradkit.distributed.run: no mpiexec found; pip install 'gradkit[distributed]' "
                         "(mpi4py and mpich, which brings mpiexec)")
    return found


def _flavour(mpiexec):
    try:
        out = subprocess.run([mpiexec, "--version"], capture_output=True, text=True, timeout=30)
        text = out.stdout + out.stderr
    except (OSError, subprocess.SubprocessError):
        text = ""
    return "openmpi" if ("Open MPI" in text or "OpenRTE" in text or "PRRTE" in text) else "hydra"


def _nproc(value):
    if value == "cpu":
        return os.cpu_count() or 1
    if value == "gpu":
        from .. import cuda

        return max(cuda.device_count(), 1)
    if value == "auto":
        from .. import cuda

        return cuda.device_count() if cuda.is_available() else (os.cpu_count() or 1)
    return int(value)


def _hosts(path):
    with open(path) as f:
        return [line.split()[0].split(":")[0] for line in f if line.strip() and not line.lstrip().startswith("#")]


def build_command(args, mpiexec=None, flavour=None):
    """The mpiexec command line that starts the job (a list), or None where this node starts nothing."""
    nproc = _nproc(args.nproc_per_node)
    nnodes = int(str(args.nnodes).split(":")[-1])
    if nproc < 1 or nnodes < 1:
        raise SystemExit("gradkit.distributed.run: --nproc-per-node and --nnodes must be at least 1")
    if nnodes > 1 and args.hostfile is None:
        raise SystemExit("gradkit.distributed.run: --nnodes > 1 needs --hostfile, a file naming the nodes' hosts "
                         "(MPI starts the processes on every node from one command)")
    if args.node_rank != 0:
        return None
    mpiexec = find_mpiexec(args.mpiexec if mpiexec is None else mpiexec)
    flavour = flavour or _flavour(mpiexec)
    hosts = _hosts(args.hostfile) if args.hostfile else []
    if hosts and len(hosts) < nnodes:
        raise SystemExit(f"gradkit.distributed.run: --nnodes {nnodes} but {args.hostfile} names {len(hosts)} "
                         f"host{'s' if len(hosts) != 1 else ''}")
    master = args.master_addr or (hosts[0] if hosts and nnodes > 1 else "127.0.0.1")
    env = {"MASTER_ADDR": master, "MASTER_PORT": str(args.master_port),
           "GRADKIT_NPROC_PER_NODE": str(nproc), "GRADKIT_NNODES": str(nnodes)}
    if "OMP_NUM_THREADS" not in os.environ and nproc > 1:
        env["OMP_NUM_THREADS"] = "1"  # torchrun's default: processes sharing a node do not each take every core
    world = nproc * nnodes
    cmd = [mpiexec]
    if flavour == "openmpi":
        cmd += ["-n", str(world), "--map-by", f"ppr:{nproc}:node"]
        if hosts:
            cmd += ["--host", ",".join(f"{h}:{nproc}" for h in hosts[:nnodes])]
        elif nproc > (os.cpu_count() or 1):
            cmd += ["--oversubscribe"]
        for name, value in env.items():
            cmd += ["-x", f"{name}={value}"]
    else:
        cmd += ["-n", str(world), "-ppn", str(nproc)]
        if hosts:
            cmd += ["-hosts", ",".join(hosts[:nnodes])]
        for name, value in env.items():
            cmd += ["-genv", name, value]
    child = [sys.executable, "-m", "gradkit.distributed._spawned"]
    if args.module:
        child.append("-m")
    if args.no_python:
        child.append("--no-python")
    return cmd + child + [args.script] + list(args.script_args)


def main(argv=None):
    args = _parser().parse_args(argv)
    cmd = build_command(args)
    if cmd is None:
        print(f"gradkit.distributed.run: node rank {args.node_rank}: the job's processes on every node are started "
              f"by the launcher on node rank 0 (through MPI and the host file); nothing to start here",
              file=sys.stderr)
        return 0
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
