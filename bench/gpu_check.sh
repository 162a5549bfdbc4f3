#!/usr/bin/env bash
# GPU check: run on a machine with an NVIDIA GPU, from anywhere in the repository.
#   bash bench/gpu_check.sh [OUTPUT_DIR]
# Installs nothing. It needs python, numpy, cupy and pytest; pure-Python wheels it is told
# about (array-api-compat; array-api-strict, hypothesis, pandas where present) load from
# GPU_CHECK_WHEELS (a folder of *.whl, default bench/wheels) through PYTHONPATH. Within 10 minutes:
#   1. says first whether cupy can compile and run a kernel (NVRTC and the CUDA headers),
#   2. runs the CUDA test cases (pytest -k cuda; strict-device cases are skipped cleanly where
#      array_api_strict is absent, and never run here anyway),
#   3. compares every op's forward values and gradients on CUDA against the CPU,
#   4. runs the benchmark's CUDA columns (python -m bench --device cuda; PyTorch CUDA where
#      torch imports),
#   5. prints one short table last.
# The NVRTC kernel cache lives under the output folder (CUPY_CACHE_DIR), so a second run
# finds its kernels compiled. Stage time limits: GPU_CHECK_TEST_S, GPU_CHECK_OPS_S, GPU_CHECK_BENCH_S.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
OUT=${1:-${GPU_CHECK_LOG:-/tmp/gradkit_gpu_check}}
mkdir -p "$OUT"
export CUPY_CACHE_DIR="$OUT/cupy_kernel_cache"
WHEELS=${GPU_CHECK_WHEELS:-bench/wheels}
path="$PWD"
if [ -d "$WHEELS" ]; then
  for w in "$WHEELS"/*.whl; do [ -e "$w" ] && path="$path:$(cd "$(dirname "$w")" && pwd)/$(basename "$w")"; done
fi
export PYTHONPATH="$path${PYTHONPATH:+:$PYTHONPATH}"
# the double is for CPU machines: a GPU run must never fall back to it
export GRADKIT_CUPY_DOUBLE=0

# 1. one kernel through NVRTC: the verdict is the marker line on stdout (warnings on stderr
# are kept in a file, not read as failure)
probe=$(timeout 120 "$PY" - 2>"$OUT/probe.err" <<'PYEOF'
import sys
try:
    import cupy
except Exception as exc:
    print(f"NO cupy does not import: {type(exc).__name__}: {exc}".splitlines()[0]); sys.exit()
try:
    n = cupy.cuda.runtime.getDeviceCount()
    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    name = name.decode() if isinstance(name, bytes) else name
except Exception as exc:
    print(f"NO no CUDA device: {type(exc).__name__}: {exc}".splitlines()[0]); sys.exit()
try:
    value = float((cupy.arange(4, dtype=cupy.float32) * 2).sum())
    assert value == 12.0, value
except Exception as exc:
    print(f"NO cupy sees {name} but cannot compile and run a kernel (NVRTC or the CUDA headers missing: pip "
          f"install 'gradkit[cuda12]' or 'gradkit[cuda13]'): {type(exc).__name__}: {exc}".splitlines()[0]); sys.exit()
try:
    import gradkit.cuda
    reason = gradkit.cuda.unavailable_reason()
except Exception as exc:
    reason = f"gradkit does not import: {type(exc).__name__}: {exc}"
if reason:
    print(f"NO cupy runs kernels on {name}, but gradkit cannot use CUDA: {reason}".splitlines()[0]); sys.exit()
print(f"OK cupy compiles and runs kernels on {name} ({n} device(s), CUDA runtime "
      f"{cupy.cuda.runtime.runtimeGetVersion()}, cupy {cupy.__version__})")
PYEOF
)
case "$probe" in
  OK*) echo "gpu_check: ${probe#OK }" ;;
  *) [ -n "$probe" ] || probe="NO the probe printed nothing (see $OUT/probe.err)"
     echo "gpu_check: no CUDA: ${probe#NO }"
     exit 2 ;;
esac
start=$SECONDS

# 2. the CUDA test cases
timeout "${GPU_CHECK_TEST_S:-300}" "$PY" -m pytest -q -p no:cacheprovider -k cuda tests >"$OUT/pytest.txt" 2>&1
tests_rc=$?
tests=$(grep -E "[0-9]+ (passed|failed|error)" "$OUT/pytest.txt" | tail -1)
[ "$tests_rc" -eq 124 ] && tests="timed out after ${GPU_CHECK_TEST_S:-300} s; $tests"

# 3. op by op, CUDA against the CPU
timeout "${GPU_CHECK_OPS_S:-90}" "$PY" -m bench.op_compare --device cuda >"$OUT/op_compare.txt" 2>&1
ops_rc=$?
ops=$(tail -1 "$OUT/op_compare.txt")

# 4. the benchmark's CUDA columns (and PyTorch CUDA's where torch imports)
compare=none
"$PY" -c "import torch; assert torch.cuda.is_available()" 2>/dev/null && compare=torch
timeout "${GPU_CHECK_BENCH_S:-150}" "$PY" -m bench --quick --device cuda --compare "$compare" --no-progress \
  --threads "$(nproc)" --out "$OUT/bench" >"$OUT/bench.md" 2>"$OUT/bench.err"
bench_rc=$?

status() { case "$1" in 0) echo PASS ;; 124) echo TIMEOUT ;; *) echo FAIL ;; esac; }
echo
echo "| check | result | detail |"
echo "| --- | --- | --- |"
echo "| cupy kernel | PASS | ${probe#OK } |"
echo "| cuda test cases | $(status $tests_rc) | $tests |"
echo "| ops, cuda vs cpu | $(status $ops_rc) | $ops |"
echo "| benchmark (cuda$( [ $compare = torch ] && echo ', PyTorch CUDA')) | $(status $bench_rc) | $OUT/bench.md |"
echo "| minutes | - | $(( (SECONDS - start) / 60 )) (logs and kernel cache in $OUT) |"
[ "$tests_rc" -eq 0 ] && [ "$ops_rc" -eq 0 ] && [ "$bench_rc" -eq 0 ]
