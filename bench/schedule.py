"""The order of the measurements on one device.

1. The libraries' workers start together (gradkit, the NumPy/CuPy limit, PyTorch), and each
   runs its digits training in turn (a one-shot section: its epochs are its repeats).
2. Timed cases are interleaved: for each case, every library prepares it (set-up, warm-up,
   calibration), then the libraries take turns timing one block each, the first in turn
   rotating every round, until each has its repeats. On a machine shared with other work a
   burst of load then lands on all libraries alike instead of on whichever ran during it,
   and the ratios stay meaningful.
3. Memory (CPU only): each library trains once more in a fresh process (see ``bench.memory``),
   the MLP and then (not NumPy) the ResNet-18, each in a process of its own.
"""
from __future__ import annotations

import dataclasses

from .runner import WorkerError, WorkerProcess, column_lib, device_kind
from .stats import convert
from .targets import ALL_TARGETS
from .timing import repeats_for

# the cases a target reads get twice the rounds (and budget) of the rest, plus one: their
# verdicts sit close to the limits, and the per-round ratios on a shared machine spread widely
# (0.6-2.0 in one run of the batch-128 step), so the median needs the rounds
TARGET_KEYS = frozenset(t.key for t in ALL_TARGETS)

LIBS = ("gradkit", "numpy", "torch")


def new_entry():
    return {"results": {}, "errors": {}, "info": {}, "unavailable": None}


def store(entry, key, stat):
    """Puts a measurement in a column's results; sweep points go to ``sweep.<kind>[size]``."""
    if key.startswith("sweep.") and "/" in key:
        series, size = key.split("/")
        entry["results"].setdefault(series, {})[int(size)] = stat
    else:
        entry["results"][key] = stat


# the one-shot memory runs of the memory section: the MLP's, then the ResNet-18's
MEMORY_RUNS = ("memory", "memory_resnet")


def section_of(key):
    return key.split(".")[0]


def units(case_keys, sections, libs, device):
    """Progress units of a device: one per timed case, per digits run, per memory run."""
    n = len(case_keys)
    if "digits" in sections:
        n += sum(1 for lib in libs if lib != "numpy")
    if "memory" in sections and device_kind(device) == "cpu":
        n += len(libs) + sum(1 for lib in libs if lib != "numpy")  # the ResNet run has no NumPy version
    return n


class DeviceRun:
    """Runs the sections on one device and fills ``columns`` (``"lib/kind"`` -> entry)."""

    def __init__(self, device, sections, libs, pythons, config, plan, threads, timeout, columns, progress=None):
        self.device, self.sections, self.libs = device, list(sections), list(libs)
        self.pythons, self.config, self.plan, self.threads, self.timeout = pythons, config, plan, threads, timeout
        self.columns = columns
        self.progress = progress or (lambda label: None)

    def _worker(self, lib, sections):
        return WorkerProcess(lib, self.device, sections, self.pythons[lib], self.config, self.plan.__dict__,
                             self.threads, self.timeout)

    def _entry(self, worker):
        return self.columns.setdefault(worker.name, new_entry())

    def _fail(self, worker, sections, error):
        entry = self._entry(worker)
        for section in sections:
            entry["errors"].setdefault(section, str(error))
        entry["stderr_tail"] = worker.stderr_tail()

    def _started(self, workers):
        """Waits for each worker's ready line; returns those that are up."""
        up = []
        for w in workers:
            try:
                ready = w.wait_ready()
            except WorkerError as exc:
                self._fail(w, w.sections, exc)
                w.close()
                continue
            entry = self._entry(w)
            entry["info"].update(ready["info"])
            entry["unavailable"] = entry["unavailable"] or ready["unavailable"]
            for key, stat in ready["static"].items():
                store(entry, key, stat)
            up.append(w)
        return up

    def run(self):
        timed = [s for s in self.sections if s != "memory"]
        if timed:
            workers = [self._worker(lib, timed).start() for lib in self.libs]
            try:
                workers = self._started(workers)
                if "digits" in timed:
                    self._one_shot(workers, "digits")
                self._interleaved(workers)
            finally:
                for w in workers:
                    w.close()
        if "memory" in self.sections and device_kind(self.device) == "cpu":
            for run in MEMORY_RUNS:  # each in a fresh process: peak RSS is the process's
                for lib in self.libs:
                    w = self._worker(lib, ["memory"]).start()
                    try:
                        up = self._started([w])
                        self._one_shot(up, run)
                    finally:
                        w.close()

    def _one_shot(self, workers, section):
        for w in workers:
            if section not in w.ready["one_shot"]:
                continue
            self.progress(f"{w.label}: {section}")
            try:
                reply = w.call(cmd="section", name=section)
            except WorkerError as exc:
                self._fail(w, [section], exc)
                continue
            if "error" in reply:
                self._entry(w)["errors"][section] = reply["error"]
            else:
                for key, stat in reply["results"].items():
                    store(self._entry(w), key, stat)

    def _interleaved(self, workers):
        keys, conversions = [], {}
        for w in workers:
            for case in w.ready["cases"]:
                if case["key"] not in conversions:
                    keys.append(case["key"])
                conversions[case["key"]] = case["conversion"]
        for key in keys:
            self.progress(f"{self.device}: {key}")
            active = [w for w in workers if any(c["key"] == key for c in w.ready["cases"])]
            plans = {}
            for w in active:
                if not w.alive:  # died on an earlier case: say so where this one's number would be
                    self._entry(w)["errors"].setdefault(section_of(key), getattr(w, "death", "worker exited"))
                    continue
                reply = self._call(w, key, cmd="prepare", key=key)
                if reply is not None:
                    plans[w] = (repeats_for(reply["one"], reply["inner"], self._plan_for(key)), [])
            rounds = max((n for n, _ in plans.values()), default=0)
            order = list(plans)
            for i in range(rounds):
                turn = order[i % len(order):] + order[:i % len(order)]
                for w in turn:
                    n, samples = plans[w]
                    if len(samples) < n and w.alive:
                        reply = self._call(w, key, cmd="block", key=key)
                        if reply is None:
                            plans[w] = (0, samples)
                        else:
                            samples.append(reply["seconds"])
            for w, (_, samples) in plans.items():
                if w.alive:
                    self._call(w, key, cmd="release", key=key)
                if samples:
                    store(self._entry(w), key, convert(samples, conversions[key]))

    def _plan_for(self, key):
        if key not in TARGET_KEYS:
            return self.plan
        return dataclasses.replace(self.plan, repeats=2 * self.plan.repeats + 1, budget_s=2 * self.plan.budget_s)

    def _call(self, worker, case, **cmd):
        try:
            reply = worker.call(**cmd)
        except WorkerError as exc:
            worker.death = f"{case}: {exc}"
            self._fail(worker, [section_of(case)], worker.death)
            return None
        if "error" in reply:
            errors = self._entry(worker)["errors"]
            errors[section_of(case)] = f"{case}: {reply['error']}"
            return None
        return reply


def libs_for(torch_python):
    return [lib for lib in LIBS if lib != "torch" or torch_python]


__all__ = ["DeviceRun", "units", "libs_for", "column_lib", "store"]
