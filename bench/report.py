"""Markdown tables from one run's record (the same dict that is saved as JSON).

The record: ``meta`` (machine, threads, versions, mode), ``sections`` run, ``columns``
(``"lib/device"`` -> the worker's ``results``/``errors``/``info``), ``absent`` (``"lib/device"``
-> why that column has no numbers: "no GPU", "no PyTorch", "not run"), ``cpu_sizes`` (the
capped CPU sweep sizes) and ``notes``.
"""
from __future__ import annotations

from . import workloads as W
from .stats import cost_ratio, fmt_ratio, fmt_stat, is_number, median_interval, paired_ratios
from .targets import ALL_TARGETS, evaluate

CPU_COLUMNS = (("gradkit", "cpu", "gradkit cpu"), ("numpy", "cpu", "NumPy cpu (limit)"),
               ("torch", "cpu", "PyTorch cpu"))
CUDA_COLUMNS = (("gradkit", "cuda", "gradkit cuda"), ("cupy", "cuda", "CuPy cuda (limit)"),
                ("torch", "cuda", "PyTorch cuda"))
ALL_COLUMNS = CPU_COLUMNS + CUDA_COLUMNS

SECTION_ORDER = ("digits", "overhead", "step", "models", "ops", "sweep", "memory")


def rows_for(run):
    epochs = run.get("config", {}).get("digits_epochs", "?")
    batches = run.get("config", {}).get("batches", W.BATCHES)
    rows = [("digits.accuracy", f"digits MLP, {epochs} epochs: test accuracy", "%"),
            ("digits.throughput", "digits MLP: training throughput", "samples/s"),
            ("overhead.op", "1 tracked op fwd (10x10 mul)", "µs/op"),
            ("overhead.chain", "100-op chain fwd+bwd (10x10)", "µs/op")]
    rows += [(f"step.mlp{b}", f"MLP 784-256-256-10 step, batch {b}", "ms") for b in batches]
    rows += [("step.lenet256", f"LeNet step (D2L: sigmoid, avg pooling), batch {W.LENET_BATCH}", "ms"),
             ("step.resnet18", f"ResNet-18 step, batch {W.RESNET_BATCH}, 3x32x32", "ms"),
             ("step.lstm", f"nn.LSTM char-model step (hidden {W.LSTM['hidden']}, batch {W.LSTM['batch']}, "
                           f"{W.LSTM['steps']} steps)", "ms"),
             ("step.lstm_scratch", "from-scratch LSTM step (D2L's gates in tensor ops), same sizes", "ms"),
             ("step.gpt", f"small GPT step ({W.GPT['layers']} layers, {W.GPT['heads']} heads, width {W.GPT['width']}, "
                          f"context {W.GPT['context']}, batch {W.GPT['batch']})", "ms"),
             ("models.nanogpt", f"nanoGPT step ({W.NANOGPT['layers']} layers, {W.NANOGPT['heads']} heads, width "
                                f"{W.NANOGPT['width']}, context {W.NANOGPT['context']}, batch {W.NANOGPT['batch']}; "
                                "AdamW groups, clipping)", "ms"),
             ("models.char_mlp", f"makemore char MLP step (27x10 table, context {W.CHAR_MLP['context']}, tanh "
                                 f"{W.CHAR_MLP['hidden']}, batch {W.CHAR_MLP['batch']}, p.data update)", "ms"),
             ("models.bow", f"bag-of-words step (EmbeddingBag {W.BOW['vocab']}x{W.BOW['embed']}, linear, batch "
                            f"{W.BOW['batch']})", "ms"),
             ("models.vae", f"VAE step (784-{W.VAE['hidden']}-{W.VAE['latent']}, BCE + KL, Adam, batch "
                            f"{W.VAE['batch']})", "ms"),
             ("models.rnn_scratch", "from-scratch RNN step (D2L, tensor ops), sizes of the LSTM rows", "ms"),
             ("models.gru_scratch", "from-scratch GRU step (D2L, tensor ops), same sizes", "ms"),
             (f"models.raw_mlp{W.RAW_MLP_BATCH}", f"MLP 784-256-256-10 on raw parameters, batch {W.RAW_MLP_BATCH} "
                                                  "(p -= lr * p.grad under no_grad)", "ms"),
             (f"models.raw_mlp{W.RAW_MLP_BATCH}_arith", "the raw-parameter MLP's own arithmetic in NumPy, no "
                                                        "library ((in, out) weights, p -= lr * g in two passes)", "ms"),
             ("memory.traced", "MLP training: peak traced memory (tracemalloc)", "MiB"),
             ("memory.rss", "MLP training: process peak RSS", "MiB"),
             ("memory.resnet_rss", f"ResNet-18 training ({W.RESNET_MEMORY_STEPS} steps): process peak RSS", "MiB")]
    sections = run.get("sections", SECTION_ORDER)
    out = [r for r in rows if r[0].split(".")[0] in sections]
    if "models" in sections and "step" not in sections:  # the models section's last row is the step section's
        key = f"step.mlp{W.RAW_MLP_BATCH}"
        at = max(i for i, r in enumerate(out) if r[0].startswith("models.")) + 1
        out.insert(at, (key, f"MLP 784-256-256-10 with nn.Linear and optim.SGD, batch {W.RAW_MLP_BATCH} "
                             "(the step section's row)", "ms"))
    return out


def md_table(headers, rows):
    """A GitHub markdown table; ``|`` inside cells is escaped."""
    def clean(cell):
        return str(cell).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(clean(h) for h in headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(clean(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def cell(run, lib, kind, key):
    """The measurement of one table cell: a stats dict, ``{"na": why}``, or None (not
    measured: shown as "—")."""
    name = f"{lib}/{kind}"
    if name in run.get("absent", {}):
        return {"na": run["absent"][name]}
    if kind != "cpu" and key.startswith("memory."):
        return {"na": "CPU only"}
    entry = run.get("columns", {}).get(name)
    if entry is None:
        return None
    if entry.get("unavailable"):
        return {"na": entry["unavailable"]}
    if key in entry.get("results", {}):
        return entry["results"][key]
    error = entry.get("errors", {}).get(key.split(".")[0])
    if error:
        return {"na": "error" if len(error) > 40 else error}
    return None


def _ratio_cell(run, kind, key, ref):
    ours, theirs = cell(run, "gradkit", kind, key), cell(run, ref, kind, key)
    ratio = cost_ratio(ours, theirs)
    if ratio is not None:
        return fmt_ratio(ratio)
    for lib in ("gradkit", ref):  # a whole column missing: say why, as its cells do
        why = run.get("absent", {}).get(f"{lib}/{kind}")
        if why:
            return why
    return "—"


def cuda_ran(run) -> bool:
    """Whether any CUDA column has measurements; without a GPU the report leaves the CUDA
    columns out (the header says why) instead of filling them with "no GPU"."""
    return any(f"{lib}/{kind}" in run.get("columns", {}) for lib, kind, _ in CUDA_COLUMNS)


def results_table(run):
    cuda = cuda_ran(run)
    headers = ["benchmark", "unit"] + [c[2] for c in CPU_COLUMNS] + ["gk ÷ NumPy", "gk ÷ PyTorch"]
    if cuda:
        headers += [c[2] for c in CUDA_COLUMNS] + ["gk ÷ CuPy", "gk ÷ PyTorch cuda"]
    rows = []
    for key, label, unit in rows_for(run):
        row = [label, unit]
        row += [fmt_stat(cell(run, lib, kind, key)) for lib, kind, _ in CPU_COLUMNS]
        row += [_ratio_cell(run, "cpu", key, "numpy"), _ratio_cell(run, "cpu", key, "torch")]
        if cuda:
            row += [fmt_stat(cell(run, lib, kind, key)) for lib, kind, _ in CUDA_COLUMNS]
            row += [_ratio_cell(run, "cuda", key, "cupy"), _ratio_cell(run, "cuda", key, "torch")]
        rows.append(row)
    return md_table(headers, rows)


def _series(run, lib, kind, sweep):
    got = cell(run, lib, kind, f"sweep.{sweep}")
    if not isinstance(got, dict) or "na" in got:
        return None, got
    return {int(k): v for k, v in got.items()}, None


def crossover(cpu, cuda, label="size"):
    """Where CUDA overtakes the CPU per op: the smallest size from which gradkit on CUDA has
    the higher throughput at every larger size measured on both; text for the table."""
    if not cuda:
        return "no CUDA"
    if not cpu:
        return "no CPU measurement"
    both = sorted(s for s in cpu if s in cuda and is_number(cpu[s]) and is_number(cuda[s]))
    if not both:
        return "no size measured on both"
    faster = [cuda[s]["median"] > cpu[s]["median"] for s in both]
    first = None
    for i in range(len(both)):
        if all(faster[i:]):
            first = both[i]
            break
    if first is None:
        beyond = [s for s in cuda if s > both[-1]]
        return (f"not up to {both[-1]:,} (CPU sweep capped there)" if beyond
                else f"CUDA is not faster up to {both[-1]:,}")
    if first == both[0]:
        return f"CUDA faster at every size measured (from {label} = {first:,})"
    return f"{label} = {first:,}"


SWEEPS = (("matmul", "matmul n x n (float32), GFLOP/s", "n"),
          ("elementwise", "elementwise chain relu(x*2+1), GB/s", "elements"),
          ("conv2d", f"conv2d 3x3, C -> C channels, forward, batch {W.CONV_BATCH}, image size "
                     + ", ".join(f"{s}x{s} at C = {c}" for c, s in W.CONV_SWEEP.items()) + " (float32), GFLOP/s", "C"))
SWEEP_SIZES = {"matmul": W.MATMUL_SIZES, "elementwise": W.ELEMENTWISE_SIZES, "conv2d": tuple(W.CONV_SWEEP)}


def sweep_table(run, sweep):
    cuda = cuda_ran(run)
    columns = ALL_COLUMNS if cuda else CPU_COLUMNS
    series = {(lib, kind): _series(run, lib, kind, sweep) for lib, kind, _ in columns}
    sizes = sorted({s for values, _ in series.values() if values for s in values})
    if not sizes:
        sizes = list(SWEEP_SIZES[sweep])
    cpu_sizes = set(run.get("cpu_sizes", {}).get(sweep, sizes))
    title = dict((s[0], s[1]) for s in SWEEPS)[sweep]
    rows = []
    for size in sizes:
        row = [f"{size:,}"]
        for lib, kind, _ in columns:
            values, missing = series[(lib, kind)]
            if values is not None and size in values:
                row.append(fmt_stat(values[size]))
            elif kind == "cpu" and size not in cpu_sizes and values is not None:
                row.append("capped")
            elif missing is not None and "na" in missing:
                row.append(missing["na"])
            else:
                row.append("—")
        rows.append(row)
    size_label = dict((s[0], s[2]) for s in SWEEPS)[sweep]
    table = md_table([size_label] + [c[2] for c in columns], rows)
    if not cuda:
        return f"**{title}**\n\n{table}"
    cross = crossover(series[("gradkit", "cpu")][0], series[("gradkit", "cuda")][0], size_label)
    return f"**{title}**\n\n{table}\n\nCUDA overtakes the CPU per op (gradkit): {cross}"


def target_results(run):
    """Each target with its verdict (only those whose section ran)."""
    out = []
    for target in ALL_TARGETS:
        if target.section not in run.get("sections", SECTION_ORDER):
            continue
        ours = cell(run, "gradkit", "cpu", target.key)
        ref = cell(run, target.reference, "cpu", target.key) if target.reference else None
        verdict = evaluate(target, ours, ref)
        verdict["target"] = target.name
        out.append(verdict)
    return out


def ops_table(run, kind="cpu"):
    """The per-op table: µs per call of each case of the ops section, gradkit beside PyTorch,
    the largest cost ratio first (by gradkit's time where PyTorch did not run)."""
    from .op_costs import OPS, keys, split_key

    rows = []
    for key in keys():
        ours, theirs = cell(run, "gradkit", kind, key), cell(run, "torch", kind, key)
        if ours is None and theirs is None:
            continue
        ratio = cost_ratio(ours, theirs)
        paired = paired_ratios(ours, theirs) if ratio is not None else None
        interval = median_interval(paired) if paired else None
        name, kind_of_pass = split_key(key)
        what, shape, _, _ = OPS[name]
        ratio_text = _ratio_cell(run, kind, key, "torch")
        rows.append(((ratio if ratio is not None else -1.0, (ours or {}).get("median", 0.0)),
                     [what, shape, kind_of_pass, fmt_stat(ours), fmt_stat(theirs), ratio_text,
                      f"{interval[0]:.2f}–{interval[1]:.2f}" if interval else "—"]))
    rows.sort(key=lambda r: r[0], reverse=True)
    table = md_table(["op", "on", "pass", f"gradkit {kind}, µs", f"PyTorch {kind}, µs", "gk ÷ PyTorch",
                      "95% interval"], [r[1] for r in rows])
    return (f"**per-op cost on {kind}, µs per call, largest ratio first** (fwd: inputs require grad, the node is "
            "recorded; fwd+bwd: then backward from a fixed output gradient and the inputs' .grad cleared; call: "
            f"an update, no graph)\n\n{table}")


def targets_table(verdicts):
    rows = [[v["target"], v["measured"], v["limit"], v["status"], v["detail"]] for v in verdicts]
    return md_table(["target (CPU)", "measured", "limit", "result", "detail"], rows)


def header(run):
    m = run.get("meta", {})
    lines = [f"### gradkit bench ({m.get('mode', '?')}), {m.get('date', '')}", ""]
    lines.append(f"- machine: {m.get('machine', '?')}; GPU: {m.get('gpu', '?')}")
    if not cuda_ran(run):
        lines.append("- CUDA columns left out: nothing ran on CUDA in this run (the GPU line says why); on a "
                     "machine with a GPU the tables gain gradkit, CuPy and PyTorch CUDA columns")
    if m.get("load") is not None:
        loads = [m["load"]] + ([m["load_end"]] if m.get("load_end") is not None else [])
        busy = max(loads) > 0.5 * (m.get("cores") or 1)
        lines.append(f"- load average (1 min): {m['load']:.2f} at start"
                     + (f", {m['load_end']:.2f} at the end" if len(loads) > 1 else "")
                     + f", on {m.get('cores', '?')} cores" + (" (busy machine: timings are noisy)" if busy else ""))
    lines.append(f"- threads: {m.get('threads', '?')} per process (OMP/OPENBLAS/MKL_NUM_THREADS, "
                 f"torch.set_num_threads; OMP_WAIT_POLICY={m.get('omp_wait_policy', 'PASSIVE')}); "
                 "each library in its own process, one measuring at a time, blocks interleaved")
    lines.append("- malloc: the gradkit and NumPy processes keep freed memory for reuse (on glibc; the setting "
                 "gradkit's CPU backend makes, backends/_malloc.py); PyTorch runs as installed")
    if m.get("blas_axpy") is not None:
        lines.append("- SGD update: gradkit and the NumPy limit update parameters of 16k elements or more "
                     + ("in one pass with the axpy of NumPy's bundled OpenBLAS (backends/_blas.py), as PyTorch's "
                        "add_ does in its own kernel" if m["blas_axpy"] else
                        "in NumPy's two passes (this NumPy brings no OpenBLAS axpy: backends/_blas.py)"))
    if "openblas_coretype" in m:
        core = m["openblas_coretype"]
        lines.append("- OpenBLAS (NumPy's, in the gradkit and NumPy processes): "
                     + (f"kernels forced to {core} by OPENBLAS_CORETYPE in the environment (PyTorch's MKL and "
                        "oneDNN ignore it)" if core else "kernels chosen by OpenBLAS for this CPU"))
    if m.get("versions"):
        lines.append("- versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    lines.append(f"- timing: {m.get('timing', '')}")
    lines.append("- cells show median [min–max]; ratios are cost ratios (gradkit's time or memory ÷ the "
                 "reference's; below 1: gradkit is cheaper), for timed rows the median of the per-round ratios of "
                 "the interleaved blocks, which cancels load that changes slower than a round")
    return "\n".join(lines)


def render(run):
    """The whole markdown report: header, results, sweeps, targets, notes."""
    parts = [header(run), "", results_table(run)] if rows_for(run) else [header(run)]
    if "ops" in run.get("sections", SECTION_ORDER):
        parts += ["", ops_table(run, "cpu")]
        if cuda_ran(run):
            parts += ["", ops_table(run, "cuda")]
    if "sweep" in run.get("sections", SECTION_ORDER):
        for sweep, _, _ in SWEEPS:
            parts += ["", sweep_table(run, sweep)]
    verdicts = target_results(run)
    if verdicts:
        parts += ["", targets_table(verdicts)]
    notes = list(run.get("notes", []))
    for name, entry in sorted(run.get("columns", {}).items()):
        for section, error in sorted(entry.get("errors", {}).items()):
            notes.append(f"{name} {section}: {error}")
    if notes:
        parts += [""] + [f"- note: {n}" for n in notes]
    return "\n".join(parts) + "\n"
