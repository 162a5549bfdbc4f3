"""One library on one device, in its own process: ``python -m bench.worker SPEC``.

SPEC is JSON: ``{"lib": "gradkit"|"numpy"|"torch", "device": "cpu"|"cuda"|"cuda:N",
"sections": [...], "config": {...}, "plan": {...}}``. The parent sets the thread-count
environment variables before this process starts (they must be set before NumPy or PyTorch
load their thread pools).

The worker imports its library, then prints one ``@@bench ready <json>`` line on stdout: its
versions, the keys of the timed cases it can run (``bench.workloads.case_list`` for the
sections, less those the library has no builder for), the cells it answers without timing
("not available ...") and, for a library that cannot run on the device at all (PyTorch
built without CUDA), why. It then answers commands, one JSON line each on stdin, with one
``@@bench reply <json>`` line:

- ``{"cmd": "prepare", "key": K}``: set the case up, warm it up, time one call ->
  ``{"inner": calls per block, "one": seconds}``
- ``{"cmd": "block", "key": K}``: time one block -> ``{"seconds": per call}``
- ``{"cmd": "release", "key": K}``: drop the case (its arrays) -> ``{}``
- ``{"cmd": "section", "name": S}``: run a one-shot section (digits, memory) ->
  ``{"results": {key: stat}}``
- ``{"cmd": "quit"}``

A command that fails replies ``{"error": "..."}`` (traceback on stderr) and the worker goes on.
Between commands it blocks on stdin, so an idle worker takes no CPU from the one measuring.
"""
from __future__ import annotations

import gc
import importlib
import json
import os
import platform
import sys
import traceback

READY = "@@bench ready "
REPLY = "@@bench reply "

LIB_MODULES = {"gradkit": "bench.lib_gradkit", "numpy": "bench.lib_numpy", "torch": "bench.lib_torch"}


def _emit(prefix, obj):
    sys.stdout.write(prefix + json.dumps(obj) + "\n")
    sys.stdout.flush()


class Worker:
    def __init__(self, spec):
        from . import workloads
        from .stats import na
        from .timing import Plan

        self.module = importlib.import_module(LIB_MODULES[spec["lib"]])
        self.device = spec["device"]
        self.config = spec["config"]
        self.plan = Plan(**spec.get("plan", {}))
        threads = self.config.get("threads")
        if threads and hasattr(self.module, "set_threads"):
            self.module.set_threads(threads)
        self.unavailable = self.module.unavailable(self.device) if hasattr(self.module, "unavailable") else None
        self.clock = None if self.unavailable else self.module.clock_for(self.device)
        if self.clock is not None and self.device == "cpu" and self.config.get("cpu_clock") == "process":
            from .timing import ProcessClock

            self.clock = ProcessClock()
        self.cases, self.static = {}, {}
        if not self.unavailable:
            for key, builder, args, conversion in workloads.case_list(self.config, spec["sections"]):
                make = self.module.BUILDERS.get(builder)
                if isinstance(make, str):
                    self.static[key] = na(make)
                elif make is not None:
                    self.cases[key] = (make, args, conversion)
        self.live = {}

    def ready(self):
        info = dict(self.module.info(), python=platform.python_version(), executable=sys.executable,
                    clock=getattr(self.clock, "name", None),
                    thread_env={k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                               "MKL_NUM_THREADS", "OMP_WAIT_POLICY")})
        return {"info": info, "unavailable": self.unavailable, "static": self.static,
                "cases": [{"key": k, "conversion": c[2]} for k, c in self.cases.items()],
                "one_shot": [] if self.unavailable else sorted(self.module.ONE_SHOT)}

    def handle(self, cmd):
        from .timing import block, prepare

        kind = cmd["cmd"]
        if kind == "prepare":
            make, args, _ = self.cases[cmd["key"]]
            fn = make(self.device, *args)
            inner, one = prepare(fn, self.clock, self.plan)
            self.live[cmd["key"]] = (fn, inner)
            return {"inner": inner, "one": one}
        if kind == "block":
            fn, inner = self.live[cmd["key"]]
            return {"seconds": block(fn, self.clock, inner)}
        if kind == "release":
            self.live.pop(cmd["key"], None)
            gc.collect()
            return {}
        if kind == "section":
            return {"results": self.module.ONE_SHOT[cmd["name"]](self.device, self.config)}
        raise ValueError(f"unknown command {kind!r}")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    worker = Worker(json.loads(argv[0]))
    _emit(READY, worker.ready())
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        if cmd.get("cmd") == "quit":
            break
        try:
            reply = worker.handle(cmd)
        except Exception as exc:  # one broken case must not stop the others
            traceback.print_exc()
            reply = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0][:200]}
        _emit(REPLY, reply)
    return 0


if __name__ == "__main__":
    sys.exit(main())
