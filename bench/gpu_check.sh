#!/usr/bin/env bash
# GPU check: run on a machine with an NVIDIA GPU, from the repository root.
#   bash bench/gpu_check.sh
# Installs nothing: it needs numpy, cupy, array-api-compat and pytest importable already
# (a carried wheel directory can be put on PYTHONPATH first). It
#   1. runs the whole test suite with the `cuda` device included,
#   2. compares every op's forward values and gradients on CUDA against the CPU,
#   3. runs the CPU-vs-GPU benchmark (python -m bench; BENCH_ARGS, default --quick, and
#      BENCH_THREADS, default all cores: a GPU box is not shared),
#   4. prints a short pass/fail table, then the benchmark's tables last.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
LOG=${GPU_CHECK_LOG:-/tmp/gradkit_gpu_check}
mkdir -p "$LOG"

reason=$($PY -c "import gradkit.cuda as c; r = c.unavailable_reason(); print(r or '')" 2>&1)
if [ -n "$reason" ]; then
  echo "gpu_check: no usable CUDA device here: $reason"
  echo "gpu_check: run this on a machine with an NVIDIA GPU and cupy installed."
  exit 2
fi
gpu=$($PY -c "import gradkit; print(gradkit.cuda.get_device_name(0))")
echo "gpu_check on: $gpu"

$PY -m pytest -q -p no:cacheprovider tests 2>&1 | tee "$LOG/pytest.txt"
tests_rc=${PIPESTATUS[0]}
cuda_tests=$($PY -m pytest -q -p no:cacheprovider tests -k cuda --co 2>/dev/null | tail -1)

$PY bench/op_compare.py --device cuda 2>&1 | tee "$LOG/op_compare.txt"
ops_rc=${PIPESTATUS[0]}

# the benchmark: progress and notes to bench.err, its markdown report printed last, below
$PY -m bench ${BENCH_ARGS:---quick} --threads "${BENCH_THREADS:-$(nproc)}" --no-progress --out "$LOG/bench" \
  >"$LOG/bench.md" 2>"$LOG/bench.err"
bench_rc=$?

summary=$(grep -E "passed|failed|error" "$LOG/pytest.txt" | tail -1)
ops=$(tail -1 "$LOG/op_compare.txt")
status() { [ "$1" -eq 0 ] && echo PASS || echo FAIL; }
echo
echo "| check | result | detail |"
echo "| --- | --- | --- |"
echo "| GPU | - | $gpu |"
echo "| test suite (cpu, strict, cuda) | $(status $tests_rc) | $summary |"
echo "| cuda test ids collected | - | $cuda_tests |"
echo "| op forward+backward, cuda vs cpu | $(status $ops_rc) | $ops |"
echo "| CPU-vs-GPU benchmark ran | $(status $bench_rc) | $(tail -1 "$LOG/bench.err") |"
echo
[ "$bench_rc" -eq 0 ] || tail -20 "$LOG/bench.err"
cat "$LOG/bench.md"
[ "$tests_rc" -eq 0 ] && [ "$ops_rc" -eq 0 ] && [ "$bench_rc" -eq 0 ]
