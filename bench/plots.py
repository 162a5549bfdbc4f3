"""PNG plots of the sweeps: throughput against size, one figure per device (matmul GFLOP/s,
elementwise GB/s and conv2d GFLOP/s side by side, one line per library). matplotlib is optional: without
it no plot is written and the run says so."""
from __future__ import annotations

import os

from .report import ALL_COLUMNS, SWEEPS, _series


def write_plots(run, out_dir, stem):
    """Writes ``<stem>-sweep-<device>.png`` files; returns (paths, note or None)."""
    if "sweep" not in run.get("sections", ()):
        return [], None
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return [], "plots skipped: matplotlib is not installed (pip install matplotlib, or the 'bench' extra)"
    paths = []
    for kind in ("cpu", "cuda"):
        columns = [(lib, label) for lib, k, label in ALL_COLUMNS if k == kind]
        data = {(lib, sweep): _series(run, lib, kind, sweep)[0] for lib, _ in columns for sweep, _, _ in SWEEPS}
        if not any(data.values()):
            continue
        fig, axes = plt.subplots(1, len(SWEEPS), figsize=(5.5 * len(SWEEPS), 4.2))
        for ax, (sweep, title, size_label) in zip(axes, SWEEPS):
            for lib, label in columns:
                series = data[(lib, sweep)]
                if not series:
                    continue
                sizes = sorted(series)
                med = [series[s]["median"] for s in sizes]
                lo = [series[s]["min"] for s in sizes]
                hi = [series[s]["max"] for s in sizes]
                ax.plot(sizes, med, marker="o", label=label)
                ax.fill_between(sizes, lo, hi, alpha=0.2)
            ax.set_xscale("log", base=10 if sweep == "elementwise" else 2)
            ax.set_yscale("log")
            ax.set_xlabel(size_label)
            ax.set_title(title, fontsize=10)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=8)
        fig.suptitle(f"gradkit bench, {kind}: {run.get('meta', {}).get('machine', '')}", fontsize=9)
        fig.tight_layout()
        path = os.path.join(out_dir, f"{stem}-sweep-{kind}.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths, None
