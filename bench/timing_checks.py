"""Wall-clock checks that used to sit inside unit tests, where a busy or slow machine made
them fail without any change to gradkit. The behaviour each one also checked stays in the
unit tests (tests/test_distributions.py, tests/test_examples.py,
tests/reliability/test_memory_and_stress.py); here only the time is judged.

    python -m bench.timing_checks            # all checks, a table, exit status 1 on a miss
    python -m bench.timing_checks chain      # the checks whose name contains "chain"

Each check returns (measured, limit, unit, note): it passes when measured < limit. A
time measured once on a shared machine is a hint, not a verdict: rerun a miss."""
from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def multinomial_draws_are_vectorised(scale=1.0):
    """10,000 one-trial draws in well under the time a Python loop over draws would take."""
    import gradkit
    from gradkit.distributions import Multinomial

    gradkit.manual_seed(1)
    n = max(1, int(10_000 * scale))
    probs = gradkit.tensor([0.5, 0.5])
    start = time.perf_counter()
    counts = Multinomial(1, probs).sample((n,))
    elapsed = time.perf_counter() - start
    assert counts.shape == (n, 2)
    return elapsed, 2.0, "s", f"{n} draws"


def multinomial_large_total_count(scale=1.0):
    """Multinomial(1,000,000, p).sample((2,)): the count is split by binomials, not trial by trial."""
    import gradkit
    from gradkit.distributions import Multinomial

    gradkit.manual_seed(2)
    total = max(1, int(1_000_000 * scale))
    start = time.perf_counter()
    Multinomial(total, gradkit.tensor([0.1, 0.2, 0.3, 0.4])).sample((2,))
    return time.perf_counter() - start, 5.0, "s", f"total_count {total}"


def _example_training_time(script):
    """(seconds the example reports for its training, its final test accuracy)."""
    examples = os.path.join(ROOT, "examples")
    proc = subprocess.run([sys.executable, os.path.join(examples, script)], capture_output=True, text=True,
                          cwd=examples, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    seconds = float(re.search(r"trained in ([0-9.]+)s", proc.stdout).group(1))
    return seconds, float(re.search(r"final test accuracy ([0-9.]+)", proc.stdout).group(1))


def mlp_example_trains_within_a_minute(scale=1.0):
    """examples/mlp.py reaches 95% on digits; its own report of the training time."""
    seconds, accuracy = _example_training_time("mlp.py")
    return seconds, 60.0, "s", f"accuracy {accuracy}"


def lenet_example_trains_within_a_minute(scale=1.0):
    """examples/lenet.py reaches 98% on digits (the CNN issue's LeNet target) within a minute."""
    seconds, accuracy = _example_training_time("lenet.py")
    return seconds, 60.0, "s", f"accuracy {accuracy}"


def _chain_seconds(n):
    import gradkit as gk

    x = gk.ones(4, requires_grad=True)
    y = x
    start = time.perf_counter()
    for i in range(n):
        y = y * 1.0001 if i % 3 else (y + x if i % 2 else y.sin() + 1.0)
    y.sum().backward()
    elapsed = time.perf_counter() - start
    del y
    gc.collect()
    return elapsed


def long_chain_time_is_linear(scale=1.0):
    """Forward and backward of a 100,000-op chain take about 4x a 25,000-op chain's time
    (below 10x: nothing in the engine is quadratic in the graph's length)."""
    small = max(10, int(25_000 * scale))
    _chain_seconds(max(10, small // 10))  # warm up
    t_small = _chain_seconds(small)
    t_big = _chain_seconds(4 * small)
    return t_big / t_small, 10.0, "x", f"{4 * small} ops {t_big:.2f}s, {small} ops {t_small:.2f}s"


CHECKS = [multinomial_draws_are_vectorised, multinomial_large_total_count, mlp_example_trains_within_a_minute,
          lenet_example_trains_within_a_minute, long_chain_time_is_linear]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    chosen = [c for c in CHECKS if not argv or any(a in c.__name__ for a in argv)]
    missed = 0
    for check in chosen:
        measured, limit, unit, note = check()
        ok = measured < limit
        missed += not ok
        print(f"{'PASS' if ok else 'MISS'}  {check.__name__:<40} {measured:8.3f} {unit} (limit {limit} {unit})  {note}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
