"""gradkit's benchmarks (run from the repository root, or as ``gradkit-bench``).

    python -m bench --quick            # the main job: see bench/cli.py
    pytest bench/ --benchmark-only     # per-op regression suite (pytest-benchmark)
    bash bench/gpu_check.sh            # tests + op comparison + CPU-vs-GPU benchmark on a GPU box
    python -m bench.floor              # the MLP step on a minimal Python engine: where gradkit's time goes

Modules, one job each: ``cli`` (options, the run), ``schedule`` (the order of the
measurements: libraries' blocks interleaved), ``runner`` (worker processes, threads, finding
PyTorch), ``worker`` (one library on one device, in its own process),
``lib_gradkit`` / ``lib_numpy`` / ``lib_torch`` (the workloads per library),
``workloads`` (what is measured, sizes and caps), ``timing`` (warm-up, repeats, CUDA
events), ``memory`` (tracemalloc / RSS), ``stats`` (median, min–max, formatting),
``targets`` (PASS/MISS), ``report`` (markdown tables), ``plots`` (PNG), ``progress``;
``floor`` is a diagnostic apart (one process: gradkit, a minimal engine and the NumPy limit).

Importing this package imports neither gradkit, NumPy nor PyTorch: the PyTorch worker runs
in an interpreter that may have only torch.
"""
