"""Statistics of repeated measurements and how they are written in the tables.

Pure Python (no NumPy): every worker imports it, including the PyTorch one, which runs in
another interpreter that may have nothing but torch installed.

A measurement is a dict ``{"median", "min", "max", "n", "unit"}`` (see ``summarize``) or
``{"na": "why"}`` for a cell that has no number: "no GPU", "not available", a skip note.
Nothing here ever turns a missing measurement into a number.
"""
from __future__ import annotations

import math
import statistics

# units whose numbers grow with speed; every other unit is a cost (time, bytes)
THROUGHPUT_UNITS = ("samples/s", "GFLOP/s", "GB/s", "%")


def summarize(samples, unit):
    """Median, min and max of repeated samples (at least one)."""
    values = [float(v) for v in samples]
    if not values:
        raise ValueError("summarize needs at least one sample")
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values),
            "unit": unit}


def scaled(stat, factor, unit):
    """The same measurement in another unit (``factor`` > 0 multiplies every value)."""
    if "na" in stat:
        return dict(stat)
    return {"median": stat["median"] * factor, "min": stat["min"] * factor, "max": stat["max"] * factor,
            "n": stat["n"], "unit": unit}


def rate(stat, work, unit):
    """Turns time samples (seconds) into throughput ``work / time``: the median maps to the
    median, and the fastest run becomes the maximum."""
    if "na" in stat:
        return dict(stat)
    return {"median": work / stat["median"], "min": work / stat["max"], "max": work / stat["min"], "n": stat["n"],
            "unit": unit}


def convert(samples, conversion):
    """Seconds per call (one sample per timed block) in the unit a case reports:
    ``("scale", factor, unit)`` multiplies, ``("rate", work, unit)`` divides work by time."""
    kind, amount, unit = conversion
    seconds = summarize(samples, "s")
    out = scaled(seconds, amount, unit) if kind == "scale" else rate(seconds, amount, unit)
    out["samples_s"] = [float(v) for v in samples]  # in timing order: block i ran in round i
    return out


def na(reason):
    """A cell that has no number, with the reason it shows instead."""
    return {"na": str(reason)}


def is_number(stat):
    return isinstance(stat, dict) and "median" in stat and "na" not in stat


def cost_ratio(ours, reference):
    """How many times the reference's cost ours is (< 1: ours is cheaper/faster); None when
    either side has no number.

    Interleaved measurements (both carry ``samples_s``, block i of each timed in the same
    round, moments apart) give the median of the per-round ratios: load on a shared machine
    that changes more slowly than a round cancels out. Otherwise the ratio of the medians;
    for throughput units it is taken the other way round, so it is always a cost ratio."""
    if not (is_number(ours) and is_number(reference)):
        return None
    paired = paired_ratios(ours, reference)
    if paired:
        return statistics.median(paired)
    a, b = ours["median"], reference["median"]
    if ours.get("unit") in THROUGHPUT_UNITS:
        a, b = b, a
    if b == 0 or a == 0:
        return None
    return a / b


def paired_ratios(ours, reference):
    """The per-round cost ratios of two interleaved measurements (both with ``samples_s``),
    or None."""
    a_s, b_s = ours.get("samples_s"), reference.get("samples_s")
    if not (a_s and b_s and all(v > 0 for v in b_s)):
        return None
    return [a_s[i] / b_s[i] for i in range(min(len(a_s), len(b_s)))]


def median_interval(values, level=0.95):
    """A distribution-free confidence interval of the median: the order statistics
    (x_(k), x_(n+1-k)) with the largest k for which P(Binomial(n, 1/2) < k) <= (1 - level) / 2
    (k = 4 of 15: 96.5%). None for fewer than 6 values, where no such k exists at 95%."""
    n = len(values)
    tail, k = 0.0, 0
    while True:
        tail += math.comb(n, k) / 2.0 ** n  # P(B <= k)
        if tail > (1.0 - level) / 2.0:
            break
        k += 1
    if k == 0:
        return None
    ordered = sorted(values)
    return ordered[k - 1], ordered[n - k]


def fmt_number(value):
    """Three significant figures, no exponent for the magnitudes the tables show."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "nan"
    v = abs(value)
    if v == 0:
        return "0"
    if v >= 1000:
        return f"{value:,.0f}"
    if v >= 100:
        return f"{value:.0f}"
    if v >= 10:
        return f"{value:.1f}"
    if v >= 1:
        return f"{value:.2f}"
    if v >= 0.01:
        return f"{value:.3f}"
    return f"{value:.2g}"


def fmt_stat(stat, spread=True):
    """``median [min–max]``; a single sample or ``spread=False`` gives just the median; a
    cell without a number gives its reason."""
    if stat is None:
        return "—"
    if "na" in stat:
        return stat["na"]
    text = fmt_number(stat["median"])
    if spread and stat.get("n", 1) > 1 and stat["min"] != stat["max"]:
        text += f" [{fmt_number(stat['min'])}–{fmt_number(stat['max'])}]"
    return text


def fmt_ratio(ratio):
    return "—" if ratio is None else f"{ratio:.2f}×"
