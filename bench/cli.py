"""``python -m bench``: gradkit against the hand-written NumPy/CuPy limit and PyTorch.

    python -m bench                    # everything, on cpu (and cuda where a GPU is present)
    python -m bench --quick            # fewer repeats, capped CPU sweeps: a few minutes on 2 cores
    python -m bench --only overhead    # one section: digits, overhead, step, models, ops, sweep, memory
    python -m bench --only models      # whole training programs of small models, beside PyTorch
    python -m bench --only ops         # the per-op table: µs per call of each op, beside PyTorch
    python -m bench --torch-python /path/to/python-with-torch

Each library runs in its own worker process (``bench.worker``) with the same thread counts;
the timed blocks of the libraries are interleaved, one process measuring at a time
(``bench.schedule``). The markdown report goes to stdout, the progress display to stderr,
and JSON + markdown + PNG plots to ``bench/results/`` (or ``--out``).

Threads: one per library process by default (``--threads N`` to change; the header reports
it). The targets compare per-op efficiency, which one thread measures best, and on a small
or shared machine multi-threaded BLAS/OpenMP pools turn into scheduling noise: on the 2-core
development box, busy with other jobs, two threads made the hand-written NumPy MLP step
~30x slower and PyTorch's 10x10 backward ~300x slower than one thread did. On a dedicated
machine (bench/gpu_check.sh passes all cores) more threads give the CPU its full matmul rate.

Clock: on the CPU with one thread, process CPU time (``time.process_time``): on a shared
machine a wall clock also counts the time slices the scheduler hands to other processes,
which made one library's blocks 2-3x slower than the next one's at random. ``--wall-clock``
(or more than one thread) uses ``time.perf_counter``. CUDA is timed with CUDA events.

Caps: the CPU sweeps stop at n = 1024 / 1e7 elements with --quick and at 4096 / 1e8 in a
full run (``bench.workloads.CPU_CAPS``); each point also has a time budget (0.4 s quick,
4 s full) that cuts its repeats (never below 3), so a full run stays bounded (~3-6 minutes
on 2 cores). GPUs run every size.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys

from . import report, runner, schedule, workloads as W
from .progress import Progress
from .timing import Plan

SECTIONS = ("digits", "overhead", "step", "models", "ops", "sweep", "memory")
ALIASES = {"programs": "models", "model": "models", "op": "ops", "per-op": "ops", "mlp": "step", "train": "step", "cnn": "step", "lenet": "step", "resnet": "step", "sweeps": "sweep",
           "mem": "memory", "accuracy": "digits"}

# timeout: the longest one worker command may take (a digits run, one sweep point's warm-up)
QUICK = {"plan": Plan(repeats=9, warmup=2, min_block_s=0.01, budget_s=0.4, min_repeats=3),
         "digits_epochs": 20, "timeout": 300}
FULL = {"plan": Plan(repeats=15, warmup=5, min_block_s=0.05, budget_s=4.0, min_repeats=3),
        "digits_epochs": 20, "timeout": 900}


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", action="append", default=None,
                   help="cpu, cuda or cuda:N (repeatable or comma-separated; default: cpu, plus cuda when "
                        "gradkit.cuda.is_available())")
    p.add_argument("--quick", action="store_true", help="fewer repeats, capped CPU sweeps")
    p.add_argument("--only", action="append", default=None, metavar="SECTION",
                   help=f"run only these sections ({', '.join(SECTIONS)}; repeatable or comma-separated)")
    p.add_argument("--compare", choices=("auto", "torch", "none"), default="auto",
                   help="PyTorch alongside gradkit: auto (when a python with torch is found; the default), "
                        "torch (required: stop if none is found), none. The hand-written NumPy/CuPy limit "
                        "always runs.")
    p.add_argument("--torch-python", default=None, metavar="PATH",
                   help="a python interpreter that has torch (default: this one, if it has torch)")
    p.add_argument("--repeats", type=int, default=None, help="timed blocks per measurement (default 9 quick, 15 full)")
    p.add_argument("--threads", type=int, default=1,
                   help="threads per library process, the same for every library (default 1; on a dedicated "
                        "machine try --threads %d, all cores here)" % (os.cpu_count() or 1))
    p.add_argument("--wall-clock", action="store_true",
                   help="time the CPU with time.perf_counter (the default with --threads 1 is process CPU time, "
                        "which other processes' load does not inflate; more threads always use the wall clock)")
    p.add_argument("--out", default=os.path.join(runner.ROOT, "bench", "results"),
                   help="where the JSON, markdown and PNG files go (default bench/results)")
    p.add_argument("--no-save", action="store_true", help="write no files, only the report on stdout")
    p.add_argument("--no-progress", action="store_true", help="no progress display on stderr")
    p.add_argument("--fail-on-miss", action="store_true", help="exit 3 when a target is missed")
    args = p.parse_args(argv)
    args.sections = _sections(args.only, p)
    if args.repeats is not None and args.repeats < 1:
        p.error("--repeats must be at least 1")
    return args


def _split(values):
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _sections(only, parser):
    if not only:
        return list(SECTIONS)
    wanted = []
    for name in _split(only):
        name = ALIASES.get(name, name)
        if name not in SECTIONS:
            parser.error(f"--only {name}: choose from {', '.join(SECTIONS)}")
        if name not in wanted:
            wanted.append(name)
    return [s for s in SECTIONS if s in wanted]


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
        ram_text = f", {ram:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        ram_text = ""
    cores = os.cpu_count() or 1
    return f"{platform.system()} {platform.machine()}, {cpu}, {cores} CPU cores{ram_text}", cores


def gpu_info():
    """(name or None, text for the header)."""
    import gradkit

    if gradkit.cuda.is_available():
        name = gradkit.cuda.get_device_name(0)
        return name, name
    reason = str(gradkit.cuda.unavailable_reason()).replace("CUDA was asked for but ", "")
    return None, f"no GPU ({reason})"


def resolve_devices(requested, has_gpu):
    """The devices to run, one per kind: cpu, plus cuda (or cuda:N) where a GPU is present.
    CUDA asked for without a GPU is dropped (its columns then say "no GPU")."""
    if not requested:
        return ["cpu", "cuda"] if has_gpu else ["cpu"]
    devices = []
    for name in _split(requested):
        if name == "all":
            devices += ["cpu", "cuda"] if has_gpu else ["cpu"]
        elif name == "cpu" or name.startswith("cuda"):
            if name.startswith("cuda") and not has_gpu:
                continue
            devices.append(name)
        else:
            raise SystemExit(f"--device {name}: benchmark devices are cpu, cuda and cuda:N "
                             "(the strict test device is not a benchmark device)")
    seen, out = set(), []
    for d in devices:
        if runner.device_kind(d) not in seen:
            seen.add(runner.device_kind(d))
            out.append(d)
    return out


def absent_columns(devices, has_gpu, torch_python, torch_note):
    absent = {}
    kinds = {runner.device_kind(d) for d in devices}
    for lib, kind, _ in report.ALL_COLUMNS:
        name = f"{lib}/{kind}"
        if kind == "cuda" and not has_gpu:
            absent[name] = "no GPU"
        elif kind not in kinds:
            absent[name] = "not run"
        elif lib == "torch" and not torch_python:
            absent[name] = "no PyTorch" if torch_note else "not run"
    return absent


def _has_blas_axpy():
    """Whether gradkit's CPU backend and the NumPy limit update large parameters with
    OpenBLAS's axpy here (backends/_blas.py)."""
    from gradkit.backends._blas import axpy_for

    return axpy_for("float32") is not None


def build_config(args, devices):
    mode = QUICK if args.quick else FULL
    plan = mode["plan"]
    if args.repeats is not None:
        plan = Plan(repeats=args.repeats, warmup=plan.warmup, min_block_s=plan.min_block_s, budget_s=plan.budget_s,
                    min_repeats=min(plan.min_repeats, args.repeats))
    threads = max(1, args.threads)
    cpu_clock = "wall" if args.wall_clock or threads > 1 else "process"
    base = {"threads": threads, "batches": list(W.BATCHES), "digits_epochs": mode["digits_epochs"], "seed": 0,
            "quick": args.quick, "cpu_clock": cpu_clock}
    per_device = {}
    for d in devices:
        kind = runner.device_kind(d)
        per_device[d] = dict(base, matmul_sizes=W.sweep_sizes("matmul", kind, args.quick),
                             elementwise_sizes=W.sweep_sizes("elementwise", kind, args.quick))
    return base, per_device, plan, mode["timeout"]


def main(argv=None):
    args = parse_args(argv)
    machine, cores = machine_info()
    gpu_name, gpu_text = gpu_info()
    devices = resolve_devices(args.device, gpu_name is not None)
    notes = []
    if args.device and any(d.startswith("cuda") for d in _split(args.device)) and gpu_name is None:
        notes.append(f"cuda was asked for but {gpu_text}: CUDA columns say 'no GPU'")
    torch_python, torch_note = (None, None)
    if args.compare != "none":
        torch_python, torch_note = runner.find_torch_python(args.torch_python)
        if torch_note:
            if args.compare == "torch":
                print(f"bench: --compare torch: {torch_note}", file=sys.stderr)
                return 2
            notes.append(torch_note)
    base, per_device, plan, timeout = build_config(args, devices)

    now = datetime.datetime.now()
    run = {"meta": {"mode": "quick" if args.quick else "full", "date": now.strftime("%Y-%m-%d %H:%M"),
                    "argv": sys.argv[1:] if argv is None else list(argv), "machine": machine, "cores": cores,
                    "gpu": gpu_text, "threads": base["threads"],
                    "omp_wait_policy": runner.worker_env(base["threads"])["OMP_WAIT_POLICY"],
                    "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
                    "blas_axpy": _has_blas_axpy(),
                    "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
                    "timing": (f"median [min–max] of up to {plan.repeats} timed blocks ({2 * plan.repeats + 1} for "
                               "the cases a target reads; each ≥ "
                               f"{plan.min_block_s * 1e3:.0f} ms of calls) after {plan.warmup} warm-up calls, the "
                               "libraries' blocks interleaved; on the CPU "
                               + ("process CPU time (time.process_time)" if base["cpu_clock"] == "process"
                                  else "wall time (time.perf_counter)") + ", CUDA events on CUDA; fewer "
                               f"blocks (≥ {plan.min_repeats}) where one call exceeds the {plan.budget_s:g} s "
                               "per-measurement budget"),
                    "versions": {"python": platform.python_version()}, "torch_python": torch_python,
                    "devices": devices},
           "config": dict(base, plan=plan.__dict__), "sections": args.sections, "columns": {},
           "absent": absent_columns(devices, gpu_name is not None, torch_python, torch_note),
           "cpu_sizes": {"matmul": W.sweep_sizes("matmul", "cpu", args.quick),
                         "elementwise": W.sweep_sizes("elementwise", "cpu", args.quick)},
           "notes": notes}
    if args.quick and "sweep" in args.sections:
        notes.append(f"--quick caps the CPU sweeps at n = {W.CPU_CAPS['quick']['matmul']} and "
                     f"{W.CPU_CAPS['quick']['elementwise']:,} elements (full run: {W.CPU_CAPS['full']['matmul']} "
                     f"and {W.CPU_CAPS['full']['elementwise']:,}); GPUs run every size")

    libs = schedule.libs_for(torch_python)
    pythons = {"gradkit": sys.executable, "numpy": sys.executable, "torch": torch_python}
    total = sum(schedule.units(W.case_list(per_device[d], args.sections), args.sections, libs, d) for d in devices)
    progress = Progress(total, enabled=not args.no_progress)
    counter = [0]

    def step(label):
        progress.show(counter[0], label)
        counter[0] += 1

    for device in devices:
        schedule.DeviceRun(device, args.sections, libs, pythons, per_device[device], plan, base["threads"], timeout,
                           run["columns"], step).run()
    progress.close()
    failed = False
    for name, entry in sorted(run["columns"].items()):
        if entry.get("errors"):
            failed = True
            sys.stderr.write(f"bench: {name}: {'; '.join(entry['errors'].values())}\n"
                             f"{entry.pop('stderr_tail', '')}\n")
    run["meta"]["load_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    _versions(run)

    stem = f"bench-{now.strftime('%Y%m%d-%H%M%S')}-{run['meta']['mode']}"
    if not args.no_save:
        os.makedirs(args.out, exist_ok=True)
        from .plots import write_plots

        plots, plot_note = write_plots(run, args.out, stem)
        if plot_note:
            notes.append(plot_note)
        run["files"] = plots
    text = report.render(run)
    run["targets"] = report.target_results(run)
    print(text, end="")
    if not args.no_save:
        with open(os.path.join(args.out, stem + ".json"), "w") as fh:
            json.dump(run, fh, indent=1, default=str)
        with open(os.path.join(args.out, stem + ".md"), "w") as fh:
            fh.write(text)
        files = [os.path.join(args.out, stem + ext) for ext in (".json", ".md")] + run["files"]
        print("bench: wrote " + ", ".join(os.path.relpath(f) for f in files), file=sys.stderr)
    if failed:
        return 1
    if args.fail_on_miss and any(t["status"] == "MISS" for t in run["targets"]):
        return 3
    return 0


def _versions(run):
    versions = run["meta"]["versions"]
    for name, entry in run["columns"].items():
        info = entry.get("info", {})
        for key in ("version", "numpy", "cupy", "torch"):
            if key in info:
                label = "gradkit" if key == "version" else key
                versions.setdefault(label, info[key])
        if name.startswith("torch/") and "torch_threads" in info:
            versions.setdefault("torch threads", info["torch_threads"])
