"""``gradkit.testing``: torch.testing's ``assert_close``, with its default tolerances per dtype
and its failure messages (tests written for PyTorch read the same report here).

Tensors are compared with gradkit ops on their own device; Python scalars in Python.
Sequences and mappings are compared item by item, and a failure names the item's path.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from . import _dtype as D
from ._tensor import Tensor

__all__ = ["assert_close"]

# (rtol, atol) PyTorch picks when neither is given; the looser of the two inputs' dtypes wins
_DEFAULT_TOLERANCES = {D.float16: (1e-3, 1e-5), D.float32: (1.3e-6, 1e-5), D.float64: (1e-7, 1e-7)}


class _Mismatch(Exception):
    """A failed comparison on the way up to assert_close, which adds the item's path."""

    def __init__(self, message, error=AssertionError):
        super().__init__(message)
        self.message = message
        self.error = error


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raises AssertionError unless ``actual`` and ``expected`` are close: elementwise
    ``|actual - expected| <= atol + rtol * |expected|`` (NaNs equal only with ``equal_nan``),
    with equal shapes and, unless switched off, equal dtypes and devices."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype)
    try:
        _compare(actual, expected, (), options)
    except _Mismatch as failure:
        message = failure.message
        if failure.error is AssertionError and msg is not None:
            message = msg(message) if callable(msg) else msg
        raise failure.error(message) from None


def _compare(actual, expected, path, options):
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        return _located(_compare_tensors, actual, expected, path, options)
    if _is_host_array(actual) and _is_host_array(expected):  # two NumPy arrays, compared as CPU tensors
        from .ops.creation import as_tensor

        return _located(_compare_tensors, as_tensor(actual), as_tensor(expected), path, options)
    if _is_scalar(actual) and _is_scalar(expected):
        return _located(_compare_scalars, actual, expected, path, options)
    if actual is None and expected is None:
        return None
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for index, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, path + (index,), options)
        return None
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            missing = sorted((k for k in expected if k not in actual), key=repr)
            extra = sorted((k for k in actual if k not in expected), key=repr)
            raise _Mismatch(f"The keys of the mappings do not match:\nMissing keys in the actual mapping: {missing}\n"
                            f"Additional keys in the actual mapping: {extra}")
        for key in expected:
            _compare(actual[key], expected[key], path + (key,), options)
        return None
    raise _Mismatch(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.",
                    TypeError)


def _located(compare, actual, expected, path, options):
    try:
        compare(actual, expected, options)
    except _Mismatch as failure:
        if path and failure.error is AssertionError:
            where = "".join(f"[{key!r}]" for key in path)
            failure.message += f"\n\nThe failure occurred for item {where}"
        raise


def _is_host_array(value) -> bool:
    return type(value).__name__ == "ndarray" and type(value).__module__ == "numpy"


def _is_scalar(value) -> bool:
    return isinstance(value, (bool, int, float))


def _is_sequence(value) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def _tolerances(dtypes, options):
    if options["rtol"] is not None:
        return options["rtol"], options["atol"]
    pairs = [_DEFAULT_TOLERANCES.get(d, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _compare_scalars(actual, expected, options):
    if isinstance(actual, bool) or isinstance(expected, bool):
        if type(actual) is not type(expected) and options["check_dtype"]:
            raise _Mismatch(f"The (d)types do not match: {type(actual)} != {type(expected)}.")
        if isinstance(actual, bool) and isinstance(expected, bool):
            if actual is not expected:
                raise _Mismatch(f"Booleans mismatch: {actual} is not {expected}")
            return
    if type(actual) is not type(expected) and options["check_dtype"]:
        raise _Mismatch(f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    is_float = isinstance(actual, float) or isinstance(expected, float)
    rtol, atol = _tolerances([D.float64 if is_float else D.int64], options)
    if actual == expected or (options["equal_nan"] and _both_nan(actual, expected)):
        return
    diff = abs(actual - expected)
    if diff <= atol + rtol * abs(expected):
        return
    if expected != 0:
        relative = diff / abs(expected)
    else:
        relative = math.inf if diff == diff else math.nan
    raise _Mismatch(_report("Scalars", rtol, atol, f"Expected {expected} but got {actual}.", diff, None, relative, None))


def _both_nan(a, b):
    return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)


def _compare_tensors(actual, expected, options):
    from .autograd import no_grad

    if actual.shape != expected.shape:
        raise _Mismatch(f"The values for attribute 'shape' do not match: {actual.shape} != {expected.shape}.")
    if actual.device != expected.device:
        if options["check_device"]:
            raise _Mismatch(f"The values for attribute 'device' do not match: {actual.device} != {expected.device}.")
        actual, expected = actual.cpu(), expected.cpu()
    if actual.dtype is not expected.dtype:
        if options["check_dtype"]:
            raise _Mismatch(f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}.")
        common = D.promote_types(actual.dtype, expected.dtype)
        rtol, atol = _tolerances([actual.dtype, expected.dtype], options)
        actual, expected = actual.to(common), expected.to(common)
    else:
        rtol, atol = _tolerances([actual.dtype], options)
    with no_grad():
        _compare_values(actual.detach(), expected.detach(), rtol, atol, options["equal_nan"])


def _compare_values(actual, expected, rtol, atol, equal_nan):
    from .ops.compare import isclose

    if actual.dtype.category == D.FLOAT:
        matches = isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    elif rtol == 0 and atol == 0:
        matches = actual == expected
    else:  # integers compared with a tolerance: in the default float dtype, as PyTorch's isclose does
        matches = isclose(actual.to(D.get_default_dtype()), expected.to(D.get_default_dtype()), rtol=rtol, atol=atol)
    if bool(matches.all()):
        return
    numel = actual.numel()
    if numel == 0:
        return
    if actual.ndim == 0:
        a, e = actual.item(), expected.item()
        diff = abs(a - e)
        relative = diff / abs(e) if e != 0 else (math.inf if diff == diff else math.nan)
        raise _Mismatch(_report("Scalars", rtol, atol, f"Expected {e} but got {a}.", diff, None, relative, None))
    if actual.dtype.category != D.FLOAT:  # widened, so the difference cannot wrap around
        actual, expected = actual.to(D.int64), expected.to(D.int64)
    flat_matches = matches.reshape(-1)
    abs_diff = (actual.reshape(-1) - expected.reshape(-1)).abs()
    abs_diff = abs_diff.masked_fill(flat_matches, 0)
    rel_diff = (abs_diff / expected.reshape(-1).abs()).masked_fill(flat_matches, 0)
    abs_at, rel_at = _first_max(abs_diff), _first_max(rel_diff)
    mismatches = int((~flat_matches).sum().item())
    extra = f"Mismatched elements: {mismatches} / {numel} ({mismatches / numel:.1%})"
    shape = tuple(actual.shape)
    raise _Mismatch(_report("Tensor-likes", rtol, atol, extra, abs_diff[abs_at].item(), _unravel(abs_at, shape),
                            rel_diff[rel_at].item(), _unravel(rel_at, shape)))


def _first_max(values) -> int:
    """The index of the greatest value, a NaN counting as greatest (as torch.max reports it)."""
    from .ops.compare import isnan

    nans = isnan(values)
    if bool(nans.any()):
        return int(nans.to(D.int64).argmax().item())
    return int(values.argmax().item())


def _unravel(flat, shape):
    index = []
    for size in reversed(shape):
        index.append(flat % size)
        flat //= size
    return tuple(reversed(index))


def _report(identifier, rtol, atol, extra, abs_diff, abs_at, rel_diff, rel_at):
    equality = rtol == 0 and atol == 0
    lines = [f"{identifier} are not {'equal' if equality else 'close'}!", "", extra]
    for kind, diff, at, tol in (("absolute", abs_diff, abs_at, atol), ("relative", rel_diff, rel_at, rtol)):
        line = f"{kind.title()} difference: {diff}" if at is None else f"Greatest {kind} difference: {diff} at index {at}"
        if tol > 0:
            line += f" (up to {tol} allowed)"
        lines.append(line)
    return "\n".join(lines)
