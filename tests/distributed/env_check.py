"""Run by the launcher test: prints the torchrun variables this process was given."""
import os
import sys

import gradkit.distributed as dist

dist.init_process_group()
assert dist.get_rank() == int(os.environ["RANK"]) and dist.get_world_size() == int(os.environ["WORLD_SIZE"])
names = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "NODE_RANK", "MASTER_ADDR", "MASTER_PORT")
print(f"rank {dist.get_rank()} " + " ".join(f"{n}={os.environ[n]}" for n in names) +
      f" OMP={os.environ.get('OMP_NUM_THREADS')} argv={sys.argv[1:]} main={__name__ == '__main__'}", flush=True)
dist.destroy_process_group()
