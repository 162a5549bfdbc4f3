"""Fast tests of the benchmark harness (bench/): statistics, table formatting, the targets'
PASS/MISS logic, the "no GPU" columns, job planning, the timing loop, the hand-written
limits (also their CuPy code path, on a stand-in module), and one short real run."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import report, runner, schedule, stats, targets, timing, workloads  # noqa: E402
from bench.cli import resolve_devices  # noqa: E402


def stat(median, lo=None, hi=None, unit="ms", n=5):
    return {"median": median, "min": median if lo is None else lo, "max": median if hi is None else hi, "n": n,
            "unit": unit}


# -- statistics ----------------------------------------------------------------------------
def test_summarize_median_min_max():
    s = stats.summarize([3.0, 1.0, 2.0, 10.0], "s")
    assert (s["median"], s["min"], s["max"], s["n"], s["unit"]) == (2.5, 1.0, 10.0, 4, "s")
    assert stats.summarize([4, 1, 7], "s")["median"] == 4
    with pytest.raises(ValueError):
        stats.summarize([], "s")


def test_rate_turns_times_into_throughput_and_swaps_the_extremes():
    times = stats.summarize([0.5, 1.0, 2.0], "s")
    r = stats.rate(times, 10.0, "GFLOP/s")
    assert (r["median"], r["min"], r["max"], r["unit"]) == (10.0, 5.0, 20.0, "GFLOP/s")
    assert stats.scaled(times, 1e3, "ms")["median"] == 1000.0
    assert stats.rate(stats.na("no GPU"), 1.0, "GB/s") == {"na": "no GPU"}


def test_cost_ratio_is_a_cost_for_times_and_for_throughputs():
    assert stats.cost_ratio(stat(3.0), stat(2.0)) == 1.5
    # twice the throughput is half the cost
    assert stats.cost_ratio(stat(200.0, unit="GB/s"), stat(100.0, unit="GB/s")) == 0.5
    assert stats.cost_ratio(stat(1.0), stats.na("no GPU")) is None
    assert stats.cost_ratio(None, stat(1.0)) is None


def test_cost_ratio_pairs_interleaved_blocks():
    # a burst of load slows round 1 for both libraries: the paired ratio stays 2, while the
    # ratio of the medians (3 ms / 1.1 ms) would not
    ours = stats.convert([0.002, 0.020, 0.003, 0.002], ("scale", 1e3, "ms"))
    ref = stats.convert([0.001, 0.010, 0.0015, 0.001, 0.001], ("scale", 1e3, "ms"))
    assert ours["samples_s"] == [0.002, 0.020, 0.003, 0.002]
    assert stats.cost_ratio(ours, ref) == 2.0
    thr = stats.convert([0.5, 1.0], ("rate", 10.0, "GFLOP/s"))     # a cost ratio for throughputs too
    assert stats.cost_ratio(thr, stats.convert([1.0, 2.0], ("rate", 10.0, "GFLOP/s"))) == 0.5


def test_median_interval_is_the_binomial_order_statistics():
    assert stats.median_interval(list(range(15, 0, -1))) == (4, 12)   # k = 4 of 15 (96.5%)
    assert stats.median_interval([3, 1, 2, 6, 5, 4]) == (1, 6)        # 6 values: min and max (96.9%)
    assert stats.median_interval([1, 2, 3, 4, 5]) is None             # too few for 95%


def test_ratio_target_says_when_the_rounds_do_not_settle_it():
    ref = stats.convert([0.001] * 15, ("scale", 1e3, "ms"))
    spread = stats.convert([0.001 * r for r in (1.0, 1.1, 1.2, 1.3, 1.4) * 3], ("scale", 1e3, "ms"))
    v = targets.evaluate(_target(limit=1.25), spread, ref)
    assert v["status"] == "PASS" and "95% interval of the ratio 1.10–1.30" in v["detail"]  # median 1.2
    assert "not settled by this run" in v["detail"]
    tight = stats.convert([0.001 * r for r in (1.0, 1.01, 1.02) * 5], ("scale", 1e3, "ms"))
    v = targets.evaluate(_target(limit=1.25), tight, ref)
    assert v["status"] == "PASS" and "95% interval" in v["detail"] and "not settled" not in v["detail"]


def test_formatting():
    assert stats.fmt_stat(stat(1.234, 1.2, 1.31)) == "1.23 [1.20–1.31]"
    assert stats.fmt_stat(stat(1234.0, 1000.0, 1500.0)) == "1,234 [1,000–1,500]"
    assert stats.fmt_stat(stat(0.5, n=1)) == "0.500"
    assert stats.fmt_stat(stats.na("no GPU")) == "no GPU"
    assert stats.fmt_stat(None) == "—"
    assert stats.fmt_ratio(1.149) == "1.15×" and stats.fmt_ratio(None) == "—"
    assert stats.fmt_number(float("nan")) == "nan"


def test_md_table_shape_and_escaping():
    text = report.md_table(["a", "b"], [["x|y", 1]])
    lines = text.splitlines()
    assert lines[0] == "| a | b |" and lines[1] == "| --- | --- |"
    assert lines[2] == "| x\\|y | 1 |"


# -- targets ------------------------------------------------------------------------------------
def _target(key="step.mlp128", ref="numpy", limit=1.15):
    return targets.Target("t", key, ref, limit)


@pytest.mark.parametrize("ours, status", [(1.15, "PASS"), (1.0, "PASS"), (1.16, "MISS")])
def test_ratio_target(ours, status):
    v = targets.evaluate(_target(), stat(ours), stat(1.0))
    assert v["status"] == status
    assert v["measured"] == f"{ours:.2f}×"


@pytest.mark.parametrize("ours, status, shown", [(1.1512, "MISS", "1.151×"), (1.1481, "PASS", "1.148×")])
def test_a_ratio_that_rounds_to_the_limit_shows_which_side_it_is_on(ours, status, shown):
    v = targets.evaluate(_target(), stat(ours), stat(1.0))
    assert (v["status"], v["measured"]) == (status, shown)
    assert ("over it" if status == "MISS" else "under it") in v["detail"]


def test_target_without_reference_or_measurement_is_not_applicable():
    v = targets.evaluate(_target(ref="torch", limit=1.0), stat(1.0), None, missing="no PyTorch")
    assert v["status"] == "n/a" and "no PyTorch" in v["detail"]
    assert targets.evaluate(_target(), stats.na("not available"), stat(1.0))["status"] == "n/a"
    assert targets.evaluate(_target(), None, stat(1.0))["status"] == "n/a"


def test_threshold_target():
    acc = targets.Target("acc", "digits.accuracy", "", 95.0)
    assert targets.evaluate(acc, stat(95.0, unit="%"))["status"] == "PASS"
    assert targets.evaluate(acc, stat(94.9, unit="%"))["status"] == "MISS"


def test_issue_targets_are_all_listed():
    keys = {(t.key, t.reference, t.limit) for t in targets.TARGETS}
    assert keys == {("step.mlp128", "numpy", 1.15), ("step.mlp128", "torch", 1.0), ("step.mlp16", "numpy", 1.3),
                    ("step.mlp16", "torch", 1.0), ("overhead.chain", "torch", 1.0), ("overhead.op", "torch", 1.5),
                    ("memory.traced", "numpy", 1.2), ("digits.accuracy", "", 95.0),
                    ("step.lenet256", "torch", 1.5), ("step.resnet18", "torch", 1.3), ("step.lstm", "torch", 1.3),
                    ("step.lstm_scratch", "torch", 1.0), ("step.gpt", "torch", 1.2)}


# -- report -------------------------------------------------------------------------------------
def fake_run(absent=None, sections=("step", "sweep")):
    gk = {"step.mlp16": stat(2.6, 2.5, 2.7), "step.mlp128": stat(4.0, 3.9, 4.4), "step.mlp1024": stat(20.0),
          "step.lenet256": stats.na("not available (no nn.Conv2d yet)"),
          "sweep.matmul": {64: stat(10.0, unit="GFLOP/s"), 128: stat(50.0, unit="GFLOP/s")},
          "sweep.elementwise": {1000: stat(1.0, unit="GB/s")}}
    np_ = {"step.mlp16": stat(2.0), "step.mlp128": stat(4.0), "step.mlp1024": stat(19.0),
           "sweep.matmul": {64: stat(20.0, unit="GFLOP/s")}}
    return {"meta": {"mode": "quick", "machine": "test box", "cores": 2, "threads": 1, "load": 0.1},
            "config": {"digits_epochs": 20, "batches": [16, 128, 1024]}, "sections": list(sections),
            "columns": {"gradkit/cpu": {"results": gk, "errors": {}}, "numpy/cpu": {"results": np_, "errors": {}}},
            "absent": absent if absent is not None else {"gradkit/cuda": "no GPU", "cupy/cuda": "no GPU",
                                                         "torch/cuda": "no GPU", "torch/cpu": "no PyTorch"},
            "cpu_sizes": {"matmul": [64, 128], "elementwise": [1000]}, "notes": []}


def _row(text, label):
    return next(line for line in text.splitlines() if line.startswith(f"| {label}"))


def test_results_table_cells_ratios_and_no_gpu_columns():
    text = report.results_table(fake_run())
    row = _row(text, "MLP 784-256-256-10 step, batch 16 ")
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2] == "2.60 [2.50–2.70]"       # gradkit cpu
    assert cells[3] == "2.00"                    # NumPy cpu
    assert cells[4] == "no PyTorch"
    assert cells[5] == "1.30×" and cells[6] == "no PyTorch"
    assert len(cells) == 7 and "cuda" not in text  # nothing ran on CUDA: no CUDA columns at all
    assert "not available (no nn.Conv2d yet)" in _row(text, "LeNet step")
    assert "digits" not in text                  # only the sections that ran
    assert "CUDA columns left out" in report.render(fake_run())


def _run_with_some_cuda():
    run = fake_run()
    run["columns"]["gradkit/cuda"] = {"results": {"step.mlp16": stat(0.5),
                                                  "sweep.matmul": {64: stat(5.0, unit="GFLOP/s")}}, "errors": {}}
    del run["absent"]["gradkit/cuda"]
    return run


def test_no_number_is_ever_invented_for_missing_cuda():
    text = report.render(_run_with_some_cuda())
    assert "CUDA columns left out" not in text
    rows = [line for line in text.splitlines() if line.startswith("| MLP 784") or line.startswith("| LeNet step (")]
    assert len(rows) == 4
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[-4:] == ["no GPU"] * 4     # CuPy, PyTorch cuda and both ratios
        assert cells[-5] == ("0.500" if "batch 16 " in line else "—")
    sweep_rows = [line for line in text.splitlines() if line.startswith("| 64 ") or line.startswith("| 1,000 ")]
    assert len(sweep_rows) == 3  # matmul n = 64, elementwise 1,000, conv2d C = 64
    for line in sweep_rows:
        assert [c.strip() for c in line.strip("|").split("|")][-2:] == ["no GPU"] * 2


def test_sweep_table_and_crossover_without_cuda():
    text = report.sweep_table(fake_run(), "matmul")
    assert "| 64 | 10.0 | 20.0 | no PyTorch |" in text and "cuda" not in text and "overtakes" not in text
    assert "| 128 | 50.0 | — |" in text
    text = report.sweep_table(_run_with_some_cuda(), "matmul")
    assert "| 64 | 10.0 | 20.0 | no PyTorch | 5.00 | no GPU | no GPU |" in text
    assert "CUDA overtakes the CPU per op (gradkit): CUDA is not faster up to 64" in text


def g(v):
    return stat(v, unit="GFLOP/s")


def test_crossover():
    cpu = {64: g(50), 128: g(60), 256: g(70), 512: g(80)}
    assert report.crossover(cpu, None) == "no CUDA"
    assert report.crossover(cpu, {64: g(1), 128: g(70), 256: g(10), 512: g(900)}, "n") == "n = 512"
    assert report.crossover(cpu, {64: g(1), 128: g(61), 256: g(71), 512: g(900)}, "n") == "n = 128"
    assert report.crossover(cpu, {s: g(1000) for s in cpu}, "n").startswith("CUDA faster at every size")
    assert report.crossover(cpu, {s: g(1) for s in cpu}, "n") == "CUDA is not faster up to 512"
    beyond = {**{s: g(1) for s in cpu}, 4096: g(5000)}
    assert "capped" in report.crossover(cpu, beyond, "n")


def test_targets_in_report_use_cpu_columns():
    run = fake_run()
    verdicts = {v["target"]: v for v in report.target_results(run)}
    b128 = verdicts["MLP step, batch 128: ≤ 1.15× hand-written NumPy"]
    assert b128["status"] == "PASS" and b128["measured"] == "1.00×"
    assert verdicts["MLP step, batch 16: ≤ 1.3× hand-written NumPy"]["status"] == "PASS"
    assert verdicts["MLP step, batch 16: ≤ 1.0× PyTorch"]["status"] == "n/a"
    assert not any("digits" in name for name in verdicts)   # the digits section did not run


def test_errors_show_in_cells_and_notes():
    run = fake_run()
    run["columns"]["numpy/cpu"] = {"results": {}, "errors": {"step": "ValueError: boom"}}
    text = report.render(run)
    assert "ValueError: boom" in _row(text, "MLP 784-256-256-10 step, batch 16 ")
    assert "- note: numpy/cpu step: ValueError: boom" in text


# -- planning --------------------------------------------------------------------------------------
class FakeWorker:
    """Stands in for a worker process: answers the protocol from a table of seconds per call."""

    def __init__(self, lib, device, sections, seconds, log, die_on=None, error_on=None):
        self.lib, self.device, self.sections = lib, device, list(sections)
        self.name, self.label = f"{runner.column_lib(lib, device)}/{device}", lib
        self.seconds, self.log, self.die_on, self.error_on = seconds, log, die_on, error_on
        self.alive = False
        keys = [k for k, *_ in workloads.case_list({"batches": [16], "matmul_sizes": [64],
                                                     "elementwise_sizes": []}, sections)]
        self.ready = {"info": {"lib": lib}, "unavailable": None,
                      "static": {"step.lenet256": stats.na("not available")} if lib == "gradkit" else {},
                      "cases": [{"key": k, "conversion": ["scale", 1e3, "ms"]} for k in keys if k in seconds],
                      "one_shot": ["memory"]}

    def start(self):
        self.alive = True
        return self

    def wait_ready(self):
        return self.ready

    def call(self, **cmd):
        if not self.alive:
            raise schedule.WorkerError("not running")
        self.log.append((self.lib, cmd["cmd"], cmd.get("key") or cmd.get("name")))
        if cmd["cmd"] == "block" and cmd["key"] == self.die_on:
            self.alive = False
            raise schedule.WorkerError("worker exited -9")
        if cmd.get("key") == self.error_on and cmd["cmd"] == "prepare":
            return {"error": "ValueError: boom"}
        if cmd["cmd"] == "prepare":
            return {"inner": 1, "one": self.seconds[cmd["key"]]}
        if cmd["cmd"] == "block":
            return {"seconds": self.seconds[cmd["key"]]}
        if cmd["cmd"] == "section":
            return {"results": {"memory.traced": stat(1.0, unit="MiB")}}
        return {}

    def stderr_tail(self):
        return ""

    def close(self):
        self.alive = False


def run_fake(monkeypatch, seconds, sections=("step",), **kw):
    log, columns = [], {}
    plan = timing.Plan(repeats=3, warmup=1, min_block_s=0.01, budget_s=10, min_repeats=2)

    def make(self, lib, secs):
        return FakeWorker(lib, self.device, secs, seconds[lib], log, **kw.get(lib, {}))

    monkeypatch.setattr(schedule.DeviceRun, "_worker", make)
    cfg = {"batches": [16], "matmul_sizes": [64], "elementwise_sizes": []}
    schedule.DeviceRun("cpu", list(sections), ["gradkit", "numpy"], {}, cfg, plan, 1, 10, columns).run()
    return log, columns


def test_schedule_interleaves_blocks_and_rotates_the_first(monkeypatch):
    log, columns = run_fake(monkeypatch, {"gradkit": {"step.mlp16": 0.002}, "numpy": {"step.mlp16": 0.001}})
    blocks = [lib for lib, cmd, key in log if cmd == "block"]
    # a case a target reads: 2 * 3 + 1 rounds, the first library alternating
    assert blocks == ["gradkit", "numpy", "numpy", "gradkit"] * 3 + ["gradkit", "numpy"]
    assert [c for _, c, _ in log if c != "block"] == ["prepare", "prepare", "release", "release"]
    got = columns["gradkit/cpu"]["results"]
    assert got["step.mlp16"]["median"] == 2.0 and got["step.mlp16"]["n"] == 7
    assert got["step.lenet256"] == {"na": "not available"}    # answered without timing
    assert columns["numpy/cpu"]["results"]["step.mlp16"]["median"] == 1.0


def test_cases_read_by_targets_get_more_rounds():
    plan = timing.Plan(repeats=15, warmup=5, min_block_s=0.05, budget_s=4.0, min_repeats=3)
    run = schedule.DeviceRun("cpu", ["step"], ["gradkit"], {}, {}, plan, 1, 10, {})
    assert run._plan_for("sweep.matmul/64") is plan
    assert {t.key for t in targets.TARGETS} <= schedule.TARGET_KEYS
    more = run._plan_for("step.mlp16")
    assert (more.repeats, more.budget_s, more.min_block_s) == (31, 8.0, 0.05)


def test_schedule_records_errors_and_dead_workers(monkeypatch):
    seconds = {"gradkit": {"sweep.matmul/64": 0.01, "step.mlp16": 0.002},
               "numpy": {"sweep.matmul/64": 0.01, "step.mlp16": 0.001}}
    log, columns = run_fake(monkeypatch, seconds, sections=("step", "sweep"),
                            gradkit={"error_on": "step.mlp16"}, numpy={"die_on": "sweep.matmul/64"})
    gk_col, np_col = columns["gradkit/cpu"], columns["numpy/cpu"]
    assert gk_col["errors"]["step"] == "step.mlp16: ValueError: boom"
    assert "step.mlp16" not in gk_col["results"] and 64 in gk_col["results"]["sweep.matmul"]
    assert np_col["results"]["step.mlp16"]["median"] == 1.0            # measured before it died
    assert "worker exited" in np_col["errors"]["sweep"] and "step" not in np_col["errors"]
    assert "sweep.matmul" not in np_col["results"]


def test_schedule_memory_runs_in_fresh_workers(monkeypatch):
    log, columns = run_fake(monkeypatch, {"gradkit": {}, "numpy": {}}, sections=("memory",))
    assert [(lib, cmd, name) for lib, cmd, name in log] == [("gradkit", "section", "memory"),
                                                             ("numpy", "section", "memory")]
    assert columns["numpy/cpu"]["results"]["memory.traced"]["unit"] == "MiB"


def test_store_groups_sweep_points_and_units_count_the_progress():
    entry = schedule.new_entry()
    schedule.store(entry, "sweep.matmul/64", stat(1.0))
    schedule.store(entry, "sweep.matmul/128", stat(2.0))
    schedule.store(entry, "step.mlp16", stat(3.0))
    assert sorted(entry["results"]["sweep.matmul"]) == [64, 128] and "step.mlp16" in entry["results"]
    cfg = {"batches": [16, 128], "matmul_sizes": [64], "elementwise_sizes": [1000]}
    keys = workloads.case_list(cfg, ["overhead", "step", "sweep"])
    assert [k for k, *_ in keys] == ["overhead.op", "overhead.chain", "step.mlp16", "step.mlp128", "step.lenet256",
                                     "step.resnet18", "step.lstm", "step.lstm_scratch", "step.gpt",
                                     "sweep.matmul/64", "sweep.elementwise/1000"] + [f"sweep.conv2d/{c}" for c in workloads.CONV_SWEEP]
    n = len(keys)
    # digits: gradkit and torch; memory: the MLP run for all three, the ResNet run for gradkit and torch
    assert schedule.units(keys, ["digits", "memory"], ["gradkit", "numpy", "torch"], "cpu") == n + 2 + 3 + 2
    assert schedule.units(keys, ["digits", "memory"], ["gradkit", "numpy"], "cuda") == n + 1
    assert runner.column_lib("numpy", "cuda:1") == "cupy" and runner.column_lib("numpy", "cpu") == "numpy"


def test_worker_env_sets_every_thread_count():
    env = runner.worker_env(3, base={"PYTHONPATH": "/elsewhere", "GRADKIT_DEVICE": "cuda"})
    assert all(env[v] == "3" for v in runner.THREAD_VARS)
    assert env["PYTHONPATH"].split(os.pathsep) == [runner.ROOT, "/elsewhere"]
    assert "GRADKIT_DEVICE" not in env and env["OMP_WAIT_POLICY"] == "PASSIVE"


def test_devices():
    assert resolve_devices(None, False) == ["cpu"]
    assert resolve_devices(None, True) == ["cpu", "cuda"]
    assert resolve_devices(["cpu,cuda"], False) == ["cpu"]
    assert resolve_devices(["cuda:1"], True) == ["cuda:1"]
    assert resolve_devices(["cuda", "cpu"], True) == ["cuda", "cpu"]
    with pytest.raises(SystemExit):
        resolve_devices(["strict"], True)


def test_sweep_caps():
    assert workloads.sweep_sizes("matmul", "cpu", True)[-1] == 1024
    assert workloads.sweep_sizes("matmul", "cpu", False)[-1] == 4096
    assert workloads.sweep_sizes("elementwise", "cpu", True)[-1] == 10 ** 7
    assert workloads.sweep_sizes("elementwise", "cuda", True)[-1] == 10 ** 8


# -- timing ---------------------------------------------------------------------------------------
class FakeClock:
    """Each call of the timed function costs `cost` seconds of fake time."""
    name = "fake"

    def __init__(self):
        self.now = 0.0

    def sync(self):
        pass

    def start(self):
        return self.now

    def stop(self, token):
        return self.now - token


def test_measure_warms_up_calibrates_and_respects_the_budget():
    clock = FakeClock()
    calls = []

    def fn():
        calls.append(1)
        clock.now += 0.001

    samples = timing.measure(fn, clock, timing.Plan(repeats=4, warmup=2, min_block_s=0.01, budget_s=10))
    assert len(samples) == 4 and all(math.isclose(s, 0.001) for s in samples)
    assert len(calls) == 2 + 1 + 4 * 10          # warm-up, calibration, 4 blocks of 10 calls

    clock, calls = FakeClock(), []

    def slow():
        calls.append(1)
        clock.now += 1.0

    samples = timing.measure(slow, clock, timing.Plan(repeats=10, warmup=1, min_block_s=0.01, budget_s=2.0,
                                                      min_repeats=3))
    assert len(samples) == 3                      # the budget cuts the repeats, never below min_repeats


# -- the hand-written limits ------------------------------------------------------------------------
def test_hand_written_mlp_step_matches_gradkit():
    np = pytest.importorskip("numpy")
    import gradkit as gk

    from bench import lib_gradkit, lib_numpy

    gk.manual_seed(0)
    net = lib_gradkit.make_mlp("cpu")
    params = [p.detach().numpy().copy() for p in net.parameters()]
    X = gk.randn(16, 784)
    y = gk.randint(0, 10, (16,))
    opt = gk.optim.SGD(net.parameters(), lr=workloads.LR)
    loss = gk.nn.CrossEntropyLoss()(net(X), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    hand_loss = lib_numpy.mlp_step(np, params, X.numpy(), y.numpy(), np.arange(16))
    assert math.isclose(float(hand_loss), loss.item(), rel_tol=1e-5)
    for mine, theirs in zip(params, net.parameters()):
        np.testing.assert_allclose(mine, theirs.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_floor_engine_steps_exactly_as_gradkit_does():
    # the floor's timings compare with gradkit's only if it does the same arithmetic
    np = pytest.importorskip("numpy")
    from bench import floor

    net, gradkit_step, engine = floor._gradkit_step(16)
    for _ in range(3):
        assert gradkit_step().item() == float(engine.step().data)
    for theirs, mine in zip(net.parameters(), engine.params):
        assert np.array_equal(theirs.detach().numpy(), mine.data)


def test_floor_comparison_table():
    from bench import floor

    plan = timing.Plan(warmup=1, min_block_s=0.001)
    samples = floor.compare(16, rounds=6, plan=plan)
    assert set(samples) == {"gradkit", "floor", "NumPy"}
    assert all(len(v) == 6 and all(s > 0 for s in v) for v in samples.values())
    header, rule, row = floor.table({16: samples}).splitlines()
    assert header.count("|") == rule.count("|") == row.count("|") == 8
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "16" and all(float(c) > 0 for c in cells[1:4])
    for cell in cells[4:]:  # median, then the 95% interval that holds it (6 rounds are enough for one)
        median, lo, hi = (float(v) for v in cell.replace("×", "").replace("[", "").replace("]", "")
                          .replace("–", " ").split())
        assert 0 < lo <= median <= hi


@pytest.fixture
def fake_cupy(monkeypatch):
    """A stand-in `cupy` module backed by NumPy, with the bits of cupy.cuda the harness uses,
    so the CuPy code paths (which only run where CUDA exists) are exercised here."""
    import time

    import numpy

    mod = types.ModuleType("cupy")
    mod.__getattr__ = lambda name: getattr(numpy, name)

    class Event:
        def record(self):
            self.t = time.perf_counter()

        def synchronize(self):
            pass

    class Stream:
        def synchronize(self):
            pass

    class Device:
        def __init__(self, index=0):
            self.index = index

        def use(self):
            pass

    mod.cuda = types.SimpleNamespace(Event=Event, Device=Device, get_current_stream=lambda: Stream(),
                                     get_elapsed_time=lambda a, b: (b.t - a.t) * 1e3)
    monkeypatch.setitem(sys.modules, "cupy", mod)
    return mod


def test_cupy_limit_code_path(fake_cupy):
    from bench import lib_numpy

    plan = timing.Plan(repeats=2, warmup=1, min_block_s=0.001, budget_s=1)
    clock = lib_numpy.clock_for("cuda:0")
    assert isinstance(clock, timing.CupyClock)
    for builder, args in (("mlp_step", (16,)), ("one_op", ()), ("chain", ()), ("matmul", (64,)),
                          ("elementwise", (1000,))):
        fn = lib_numpy.BUILDERS[builder]("cuda:0", *args)
        samples = timing.measure(fn, clock, plan)
        assert len(samples) == 2 and all(s > 0 for s in samples)


# -- the console script and one real run -----------------------------------------------------------
def test_console_entry_finds_the_checkout():
    from gradkit import _bench_entry

    assert _bench_entry.find_bench() == os.path.join(ROOT, "bench")


def test_quick_overhead_smoke_run(tmp_path):
    """The real thing, small: workers in subprocesses, a table on stdout, JSON on disk."""
    cmd = [sys.executable, "-m", "bench", "--quick", "--only", "overhead", "--repeats", "2", "--compare", "none",
           "--no-progress", "--out", str(tmp_path)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "| 1 tracked op fwd (10x10 mul) | µs/op |" in out
    assert "100-op chain fwd+bwd" in out
    row = _row(out, "1 tracked op fwd")
    if "no GPU" in row:  # where CUDA exists these cells hold numbers instead
        assert row.rstrip(" |").endswith("no GPU")
    (json_file,) = list(tmp_path.glob("*.json"))
    run = json.loads(json_file.read_text())
    assert run["sections"] == ["overhead"] and run["meta"]["threads"] == 1
    measured = run["columns"]["gradkit/cpu"]["results"]["overhead.op"]
    # --repeats 2: a case a target reads gets 2 * 2 + 1 rounds
    assert measured["unit"] == "µs/op" and measured["n"] == 5 and measured["min"] <= measured["median"]
    assert {t["status"] for t in run["targets"]} == {"n/a"}   # PyTorch was not compared
    from gradkit.backends._blas import axpy_for

    assert run["meta"]["blas_axpy"] is (axpy_for("float32") is not None)
    assert ("one pass with the axpy of NumPy's bundled OpenBLAS" in out) is run["meta"]["blas_axpy"]


def test_progress_fallback_writes_plain_lines():
    import io

    from bench.progress import Progress

    stream = io.StringIO()
    p = Progress(3, stream=stream, use_tqdm=False)
    p.show(0, "gradkit cpu: overhead")
    p.show(2, "numpy cpu: step")
    p.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[0/3] gradkit cpu: overhead") and lines[1].startswith("[2/3] numpy cpu: step")
    quiet = io.StringIO()
    Progress(2, enabled=False, stream=quiet).show(1, "x")
    assert quiet.getvalue() == ""
    logged = io.StringIO()  # not a terminal: plain lines even where tqdm is installed
    p = Progress(2, stream=logged, use_tqdm=True)
    p.show(1, "gradkit cpu: step")
    p.close()
    assert "\r" not in logged.getvalue() and logged.getvalue().startswith("[1/2] gradkit cpu: step")


# -- the timing checks moved out of the unit tests -------------------------------------------
def test_timing_checks_run_and_report():
    """bench.timing_checks runs (small sizes here, and no time is judged: that is its job
    when run by hand)."""
    from bench import timing_checks

    assert [c.__name__ for c in timing_checks.CHECKS] == [
        "multinomial_draws_are_vectorised", "multinomial_large_total_count", "mlp_example_trains_within_a_minute",
        "lenet_example_trains_within_a_minute", "long_chain_time_is_linear"]
    for check in (timing_checks.multinomial_draws_are_vectorised, timing_checks.multinomial_large_total_count,
                  timing_checks.long_chain_time_is_linear):
        measured, limit, unit, note = check(scale=0.01)
        assert measured >= 0 and limit > 0 and unit in ("s", "x") and note


# -- the models and ops sections -------------------------------------------------------------------
TINY_MODELS = {"nanogpt_step": {"vocab": 11, "width": 16, "heads": 2, "layers": 1, "context": 8, "batch": 2},
               "char_mlp_step": {"hidden": 8, "batch": 4, "examples": 16},
               "bow_step": {"vocab": 50, "embed": 8, "batch": 4, "min_len": 1, "max_len": 5},
               "vae_step": {"hidden": 16, "latent": 4, "batch": 4},
               "rnn_scratch_step": {"hidden": 8, "batch": 2, "steps": 3},
               "gru_scratch_step": {"hidden": 8, "batch": 2, "steps": 3}}


def test_models_section_cases_and_targets():
    from bench import lib_gradkit, lib_numpy, models

    cases = workloads.case_list({}, ["models"])
    assert [k for k, *_ in cases] == ["models.nanogpt", "models.char_mlp", "models.bow", "models.vae",
                                      "models.rnn_scratch", "models.gru_scratch", "models.raw_mlp16",
                                      "models.raw_mlp16_arith", "step.mlp16"]
    # the raw program's arithmetic in NumPy alone: a NumPy row, no library's
    assert all(builder in lib_gradkit.BUILDERS for _, builder, _, _ in cases if builder != "raw_mlp_arith")
    assert "raw_mlp_arith" not in lib_gradkit.BUILDERS and "raw_mlp_arith" in lib_numpy.BUILDERS
    assert "raw_mlp_step" in lib_numpy.BUILDERS       # the raw MLP's NumPy column
    assert set(TINY_MODELS) | {"raw_mlp_step"} == {name for name, _ in models.BUILDERS}
    # both sections: the module + optimizer MLP is measured once, by the step section
    assert [k for k, *_ in workloads.case_list({"batches": [16]}, ["step", "models"])].count("step.mlp16") == 1
    model_targets = {(t.key, t.reference, t.limit) for t in targets.MODEL_TARGETS}
    assert model_targets == {(f"models.{m}", "torch", 1.0) for m in workloads.MODELS} | {
        ("models.raw_mlp16", "torch", 1.0), ("models.raw_mlp16", "numpy", 1.15)}
    assert {t.key for t in targets.MODEL_TARGETS} <= schedule.TARGET_KEYS
    from bench.cli import parse_args

    assert parse_args(["--only", "ops,programs"]).sections == ["models", "ops"]
    assert {"models", "ops"} <= set(parse_args([]).sections)


@pytest.mark.parametrize("name", sorted(TINY_MODELS) + ["raw_mlp_step"])
def test_every_model_builds_and_trains_under_gradkit(name):
    import gradkit as gk

    from bench import models

    build = dict(models.BUILDERS)[name]
    step = build(gk, "cpu", 4) if name == "raw_mlp_step" else build(gk, "cpu", sizes=TINY_MODELS[name])
    first, second = step().item(), step().item()
    assert math.isfinite(first) and math.isfinite(second) and first != second


def test_raw_mlp_numpy_reference_gives_gradkit_loss():
    np = pytest.importorskip("numpy")
    import gradkit as gk

    from bench import lib_numpy, models

    gk.manual_seed(0)
    params = models.raw_mlp(gk, "cpu")
    # the hand-written step stores weights (out, in), as nn.Linear does; the raw model (in, out)
    hand = [p.detach().numpy().T.copy() for p in params]
    X, y = gk.randn(16, 784), gk.randint(0, 10, (16,))
    loss = models.raw_mlp_step(gk, params, X, y)
    hand_loss = lib_numpy.mlp_step(np, hand, X.numpy(), y.numpy(), np.arange(16))
    assert math.isclose(float(hand_loss), loss.item(), rel_tol=1e-5)
    for mine, theirs in zip(hand, params):
        np.testing.assert_allclose(mine.T, theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
        assert theirs.grad is None


def test_raw_mlp_arith_is_the_raw_programs_step():
    """The NumPy row of the raw program's own arithmetic computes what gradkit's step does:
    the same loss and the same parameters after the update."""
    np = pytest.importorskip("numpy")
    import gradkit as gk

    from bench import lib_numpy, models

    gk.manual_seed(1)
    params = models.raw_mlp(gk, "cpu")
    mine = [p.detach().numpy().copy() for p in params]  # (in, out), as the raw model stores them
    before = [p.copy() for p in mine]
    X, y = gk.randn(16, 784), gk.randint(0, 10, (16,))
    loss = models.raw_mlp_step(gk, params, X, y)
    arith_loss = lib_numpy.raw_mlp_arith(np, mine, X.numpy(), y.numpy(), np.arange(16))
    assert math.isclose(float(arith_loss), loss.item(), rel_tol=1e-5)
    for ours, theirs, start in zip(mine, params, before):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
        assert not np.array_equal(ours, start)  # every parameter moved: the update ran


def test_every_op_case_runs_under_gradkit():
    import gradkit as gk

    from bench import op_costs

    keys = op_costs.keys()
    assert [k for k, *_ in workloads.case_list({}, ["ops"])] == keys
    passes = {op_costs.split_key(k)[1] for k in keys}
    assert passes == {"fwd", "fwd+bwd", "call"}
    for key in keys:
        call = op_costs.op_case(gk, "cpu", key)
        call()
        call()


def test_ops_table_sorts_by_ratio_and_models_rows_show():
    ours = {"ops.view:fwd": stat(3.0, unit="µs/op"), "ops.gelu:fwd": stat(900.0, unit="µs/op"),
            "ops.add_:call": stat(20.0, unit="µs/op")}
    theirs = {"ops.view:fwd": stat(1.0, unit="µs/op"), "ops.gelu:fwd": stat(60.0, unit="µs/op")}
    run = fake_run(absent={}, sections=("models", "ops"))
    run["columns"] = {"gradkit/cpu": {"results": dict(ours, **{"models.vae": stat(7.0), "step.mlp16": stat(0.4)}),
                                      "errors": {}},
                      "torch/cpu": {"results": dict(theirs, **{"models.vae": stat(8.0)}), "errors": {}}}
    text = report.render(run)
    table = report.ops_table(run)
    rows = [line for line in table.splitlines() if line.startswith("| F.") or line.startswith("| x.")
            or line.startswith("| p.")]
    assert [r.split("|")[1].strip() for r in rows] == ["F.gelu(x)", "x.view(B*T, C)",
                                                        "p.add_(g, alpha=-lr) under no_grad"]
    assert "15.00×" in rows[0] and "3.00×" in rows[1] and "—" in rows[2]
    assert "0.88×" in _row(text, "VAE step")
    assert "(the step section's row)" in _row(text, "MLP 784-256-256-10 with nn.Linear")
    assert "VAE step: ≤ 1.0× PyTorch" in text
