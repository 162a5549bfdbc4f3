"""What ``gradkit.distributed.run`` has mpiexec start in each process: torchrun's environment
variables from the MPI launcher's, then the user's script as ``__main__`` (or module, or
program)."""
from __future__ import annotations

import os
import runpy
import sys

from . import _env


def torchrun_environment(environ):
    """RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK/NODE_RANK from the MPI
    launcher's variables (MASTER_ADDR/MASTER_PORT come from the launcher's command line)."""
    rank = _env.env_rank(_without_torchrun(environ))
    world = _env.env_world_size(_without_torchrun(environ))
    if rank is None or world is None:
        raise SystemExit("gradkit.distributed.run: this process was not started by an MPI launcher "
                         "(no PMI_RANK/OMPI_COMM_WORLD_RANK in its environment)")
    per_node = int(environ.get("GRADKIT_NPROC_PER_NODE", world))
    local_rank = _env.env_local_rank(_without_torchrun(environ))
    local_world = _env.env_local_world_size(_without_torchrun(environ))
    out = {"RANK": rank, "WORLD_SIZE": world,
           "LOCAL_RANK": local_rank if local_rank is not None else rank % per_node,
           "LOCAL_WORLD_SIZE": local_world if local_world is not None else per_node,
           "GROUP_RANK": rank // per_node, "NODE_RANK": rank // per_node, "ROLE_RANK": rank,
           "ROLE_WORLD_SIZE": world}
    return {k: str(v) for k, v in out.items()}


def _without_torchrun(environ):
    # the launcher's own variables decide; a RANK inherited from the shell must not
    return {k: v for k, v in environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE")}


def main(argv):
    as_module = no_python = False
    while argv and argv[0] in ("-m", "--no-python"):
        as_module |= argv[0] == "-m"
        no_python |= argv[0] == "--no-python"
        argv = argv[1:]
    if not argv:
        raise SystemExit("gradkit.distributed._spawned: no script given")
    os.environ.update(torchrun_environment(os.environ))
    target, args = argv[0], argv[1:]
    if no_python:
        os.execvp(target, [target] + args)
    if as_module:
        sys.argv = [target] + args
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [target] + args
        sys.path[0] = os.path.dirname(os.path.abspath(target))
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
