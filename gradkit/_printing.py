"""Text layout of tensors, reproducing PyTorch's ``repr(tensor)``.

This is a port of the dense, strided, real/bool part of torch/_tensor_str.py
(PyTorch 2.13), so that gradkit tensors print character for character like
torch tensors. Users compare printed tensors with torch docs and tutorials,
so even odd-looking corners (``tensor([0., nan])`` not being column aligned,
the way suffixes wrap) are kept on purpose.

Nothing here imports numpy or cupy: the host array is only sliced, measured
(``shape``/``ndim``/``size``) and turned into Python scalars with
``tolist()``. All number formatting then happens on Python floats/ints,
which is also what torch does (it formats ``tensor.item()`` / ``tolist()``
values), so rounding matches exactly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any

__all__ = ["format_tensor", "set_printoptions", "get_printoptions", "printoptions"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTS = _PrintOptions()

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
) -> None:
    """Set options for printing tensors; same semantics as torch.set_printoptions.

    ``profile`` ("default", "short", "full") is applied first and the other
    arguments override it. As in torch, an unknown profile is ignored and
    ``sci_mode`` is always assigned, so omitting it resets it to automatic.
    """
    if profile is not None and profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(_OPTS, name, value)
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Current print options, as keyword arguments for set_printoptions."""
    return dataclasses.asdict(_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs) -> Iterator[None]:
    """Temporarily change print options (arguments as for set_printoptions)."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------

_KINDS = ("float", "int", "uint", "bool")


def format_tensor(
    host,
    kind: str,
    dtype_suffix: str | None,
    extras: list[str],
    prefix: str = "tensor(",
) -> str:
    """Return the torch-style repr of the values in ``host``.

    ``host`` is a host array (numpy.ndarray) of any shape; ``kind`` is one of
    "float", "int", "uint", "bool". ``dtype_suffix`` (e.g.
    "dtype=gradkit.float64") and ``extras`` (e.g. "requires_grad=True",
    "grad_fn=<MulBackward0>") are appended the way torch appends its
    suffixes, wrapping onto a new line when they would overflow linewidth.

    Torch lists the device before size/dtype, so ``device=...`` items of
    ``extras`` are moved to the front; the rest keep the order given.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")
    indent = len(prefix)
    shape = tuple(int(d) for d in host.shape)

    suffixes = [e for e in extras if e.startswith("device=")]
    if host.size == 0:
        # torch spells out every empty shape except (0,), like numpy does.
        if len(shape) != 1:
            suffixes.append(f"size={shape}")
        body = "[]"
    else:
        # With edgeitems=0 a summarized tensor shows no values at all, so
        # torch states the size instead (even when nothing is summarized).
        if not _OPTS.edgeitems:
            suffixes.append(f"size={shape}")
        body = _format_values(host, kind, indent)
    if dtype_suffix:
        suffixes.append(dtype_suffix)
    suffixes.extend(e for e in extras if not e.startswith("device="))
    return _add_suffixes(prefix + body, suffixes, indent)


def _add_suffixes(tensor_str: str, suffixes: list[str], indent: int) -> str:
    parts = [tensor_str]
    # Torch's arithmetic, off by a few characters: without a newline rfind
    # gives -1 and the count comes out two longer than the line. Kept so
    # suffixes wrap at exactly the same lengths as in torch.
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > _OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------

# Marks where an elided run of entries (printed as "...") sits in the nested
# lists built by _gather.
_ELIDED = object()


def _format_values(host, kind: str, indent: int) -> str:
    summarize = host.size > _OPTS.threshold
    nested = _gather(host, summarize, _OPTS.edgeitems)
    formatter = _Formatter(kind, list(_leaves(nested, host.ndim)))
    return _layout(nested, host.ndim, indent, formatter)


def _gather(a, summarize: bool, edge: int):
    """Nested Python lists of the entries that will be printed.

    When summarizing, only the first and last ``edge`` entries of each long
    dimension are converted (with _ELIDED between them), so huge arrays
    never go through tolist() whole. These are also exactly the values
    torch's get_summarized_data feeds to its formatter, so column widths and
    the choice of notation depend on the same numbers.
    """
    if a.ndim == 0 or not summarize:
        return a.tolist()
    n = a.shape[0]
    if n <= 2 * edge:
        if a.ndim == 1:
            return a.tolist()
        return [_gather(a[i], summarize, edge) for i in range(n)]
    # a[n - edge:] rather than a[-edge:]: with edge == 0 the latter would be
    # the whole axis.
    if a.ndim == 1:
        return a[:edge].tolist() + [_ELIDED] + a[n - edge :].tolist()
    head = [_gather(a[i], summarize, edge) for i in range(edge)]
    tail = [_gather(a[i], summarize, edge) for i in range(n - edge, n)]
    return head + [_ELIDED] + tail


def _leaves(node, ndim: int) -> Iterator:
    if ndim == 0:
        yield node
        return
    for child in node:
        if child is not _ELIDED:
            yield from _leaves(child, ndim - 1)


class _Formatter:
    """Chooses one notation and column width for all printed values.

    Mirrors torch's _Formatter: for floats, only nonzero finite values take
    part in the choice, so nan/inf/0 never widen the columns and may stick
    out of them (torch prints ``tensor([0., nan])``).
    """

    def __init__(self, kind: str, values: list) -> None:
        self.is_float = kind == "float"
        self.precision = _OPTS.precision
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not self.is_float:
            self.width = max([1] + [len(str(v)) for v in values])
            return
        nonzero_finite = [v for v in values if math.isfinite(v) and v != 0]
        if not nonzero_finite:
            return
        self.int_mode = all(v == math.ceil(v) for v in nonzero_finite)
        self.sci_mode = _wants_sci_mode(nonzero_finite)
        self.width = max(len(self._measure(v)) for v in nonzero_finite)

    def _measure(self, v: float) -> str:
        if self.sci_mode:
            return f"{v:.{self.precision}e}"
        if self.int_mode:
            # Room for the trailing "." that marks a float.
            return f"{v:.0f}."
        return f"{v:.{self.precision}f}"

    def format(self, v) -> str:
        if not self.is_float:
            text = f"{v}"
        elif self.sci_mode:
            text = f"{v:.{self.precision}e}"
        elif self.int_mode:
            text = f"{v:.0f}"
            if math.isfinite(v):
                text += "."
        else:
            text = f"{v:.{self.precision}f}"
        return text.rjust(self.width)


def _wants_sci_mode(nonzero_finite: list[float]) -> bool:
    if _OPTS.sci_mode is not None:
        return bool(_OPTS.sci_mode)
    magnitudes = [abs(v) for v in nonzero_finite]
    lo, hi = min(magnitudes), max(magnitudes)
    return hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4


def _layout(node, ndim: int, indent: int, formatter: _Formatter) -> str:
    """Bracketed text of ``node``; ``indent`` is the column of its "["."""
    if ndim == 0:
        return formatter.format(node)
    if ndim == 1:
        return _layout_row(node, indent, formatter)
    parts = [
        "..." if child is _ELIDED else _layout(child, ndim - 1, indent + 1, formatter)
        for child in node
    ]
    # One blank line fewer than dimensions below this one: rows of a matrix
    # are adjacent, matrices of a 3-d tensor have one blank line between.
    separator = "," + "\n" * (ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _layout_row(row: list, indent: int, formatter: _Formatter) -> str:
    # A row that is nothing but the ellipsis only happens with edgeitems=0,
    # where torch prints a bare "..." rather than the " ..." placeholder.
    if len(row) == 1 and row[0] is _ELIDED:
        return "[...]"
    items = [" ..." if v is _ELIDED else formatter.format(v) for v in row]
    # Every item counts as a full column plus ", ", the ellipsis included.
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / (formatter.width + 2)))
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
