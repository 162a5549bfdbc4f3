"""Anomaly detection (``detect_anomaly``, ``set_detect_anomaly``) and the engine's slow path.

With anomaly mode on:

* every recorded node keeps the stack of the forward call that created it, and an error
  raised while its backward runs comes with a warning showing that forward traceback (as
  in PyTorch: "Error detected in LogBackward0. Traceback of forward call that caused the
  error: ...");
* with ``check_nan`` (the default) a backward that returns NaN raises
  ``RuntimeError: Function 'LogBackward0' returned nan values in its 0th output.`` — and,
  beyond PyTorch, one that returns +-inf raises "... returned inf values ...". Both
  messages also show the forward source line that created the node. The check reads
  every gradient back to the host: anomaly mode is for debugging, not for speed;
* every in-place write notes its source line, so the "modified by an inplace operation"
  error says where the change was made, not only which op saved the tensor.

The hot paths (recording a node, the backward walk, in-place writes, the optimizers) read
a single flag, ``node._anomaly_or_capture[0]``: set while anomaly mode is on *or* while
some thread records nodes for ``utils.checkpoint``; the functions here sort out which of
the two applies. Anomaly mode is global (all threads),
as in PyTorch.
"""
from __future__ import annotations

import functools
import os
import sys
import threading
import traceback
import warnings

from . import node as _node

_anomaly_or_capture = _node._anomaly_or_capture


class _State:
    anomaly = False
    check_nan = True
    capturing = 0  # checkpoint recordings in progress, all threads together


_state = _State()
_lock = threading.Lock()
_local = threading.local()  # .captures: per-thread stack of lists that collect recorded nodes


def _refresh_flag():
    _anomaly_or_capture[0] = bool(_state.anomaly or _state.capturing)


# ----------------------------------------------------------------------------- public API
def is_anomaly_enabled() -> bool:
    return _state.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    return _state.check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    with _lock:
        _state.anomaly = bool(enabled)
        _state.check_nan = bool(check_nan)
        _refresh_flag()


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on for the autograd
    engine; see the module docstring. Only for debugging: it slows every op down."""

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        self.prev, self.prev_check_nan = is_anomaly_enabled(), is_anomaly_check_nan_enabled()
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _Scoped(True, self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


class _Scoped:
    def __init__(self, mode, check_nan):
        self.mode, self.check_nan = mode, check_nan

    def __enter__(self):
        self.prev, self.prev_check_nan = is_anomaly_enabled(), is_anomaly_check_nan_enabled()
        set_anomaly_enabled(self.mode, self.check_nan)

    def __exit__(self, *exc):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """``set_detect_anomaly(mode, check_nan=True)``: as a call, switches anomaly detection
    on or off at once; as a context manager, the previous setting comes back on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *args) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


# ----------------------------------------------------------------------------- stacks and sites
_OWN_DIRS = None


def _own_dirs():
    """gradkit's and its backends' source folders: frames there are not the user's."""
    global _OWN_DIRS
    if _OWN_DIRS is None:
        from .. import backends

        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        _OWN_DIRS = (here + os.sep, os.path.dirname(os.path.abspath(backends.__file__)) + os.sep)
    return _OWN_DIRS


def _is_user_frame(filename: str) -> bool:
    return not os.path.abspath(filename).startswith(_own_dirs())


def _capture_stack(skip: int):
    """(filename, lineno, function) of every frame above the caller's ``skip`` frames,
    outermost first; source lines are looked up only when the stack is shown."""
    f = sys._getframe(skip + 1)
    frames = []
    while f is not None:
        code = f.f_code
        frames.append((code.co_filename, f.f_lineno, code.co_name))
        f = f.f_back
    frames.reverse()
    return tuple(frames)


def _user_frames(frames):
    user = [fr for fr in frames if _is_user_frame(fr[0])]
    return user if user else list(frames)


def _format_frames(frames) -> str:
    summary = traceback.StackSummary.from_list([(fn, ln, name, None) for fn, ln, name in frames])
    return "".join(summary.format())


def _site(frames) -> str:
    """The innermost user frame, as 'File "...", line N, in f: <source line>'."""
    fn, ln, name = _user_frames(frames)[-1]
    import linecache

    line = linecache.getline(fn, ln).strip()
    return f'File "{fn}", line {ln}, in {name}' + (f": {line}" if line else "")


def forward_trace(node) -> str | None:
    """The user's part of the forward stack that created ``node`` (anomaly mode only)."""
    frames = getattr(node, "_anomaly_trace", None)
    if not frames:
        return None
    return _format_frames(_user_frames(frames))


def forward_site(node) -> str | None:
    frames = getattr(node, "_anomaly_trace", None)
    if not frames:
        return None
    return _site(frames)


# ----------------------------------------------------------------------------- engine hooks
def on_node_recorded(node) -> None:
    """Called by Node.apply / Function.apply for each node recorded while the slow-path
    flag is set."""
    if _state.anomaly:
        node._anomaly_trace = _capture_stack(3)  # above on_node_recorded, _record_trace and apply
    captures = getattr(_local, "captures", None)
    if captures:
        nodes, drop_saves = captures[-1]
        nodes.append(node)
        if drop_saves:
            node.saves_inputs = ()  # read by the recording code right after this call: nothing is saved


def note_inplace(tensor) -> None:
    """An in-place op just bumped ``tensor``'s version: in anomaly mode, remember where.
    The site goes on the tensor (``_extra['inplace_site']``) and on its version counter,
    which views and saved outputs share."""
    if not _state.anomaly:
        return
    site = _site(_capture_stack(1))
    extra = tensor._extra
    if extra is None:
        extra = tensor._extra = {}
    extra["inplace_site"] = site
    counter = tensor._version
    if type(counter) is list:
        if len(counter) > 1:
            counter[1] = site
        else:
            counter.append(site)


def inplace_site_of(tensor=None, counter=None):
    if tensor is not None:
        extra = tensor._extra
        if extra is not None and extra.get("inplace_site"):
            site = extra["inplace_site"]
            c = tensor._version
            # a later write through a view only reached the shared counter
            if type(c) is list and len(c) > 1 and c[1] != site:
                return c[1]
            return site
        counter = tensor._version
    if type(counter) is list and len(counter) > 1:
        return counter[1]
    return None


def check_backward_result(node, grads) -> None:
    """Anomaly mode with check_nan: no NaN (nor inf) may come out of a backward."""
    if not (_state.anomaly and _state.check_nan):
        return
    for i, g in enumerate(grads):
        if g is None or not g.is_floating_point():
            continue
        kind = None
        if bool(g.isnan().any()):
            kind = "nan"
        elif bool(g.isinf().any()):
            kind = "inf"
        if kind is not None:
            msg = f"Function '{node.name()}' returned {kind} values in its {i}th output."
            site = forward_site(node)
            if site:
                msg += f"\nThe forward call that created {node.name()} was at {site}"
            report_backward_error(node)
            raise RuntimeError(msg)


def _user_stacklevel() -> int:
    """warnings.warn's stacklevel that points at the user's call (backward(), ...)."""
    level, f = 2, sys._getframe(2)
    while f is not None and not _is_user_frame(f.f_code.co_filename):
        level += 1
        f = f.f_back
    return level if f is not None else 2


def report_backward_error(node) -> None:
    """An error happened in ``node``'s backward: show the forward traceback (PyTorch's
    warning), in anomaly mode only."""
    if not _state.anomaly:
        return
    trace = forward_trace(node)
    if trace is None:
        warnings.warn(f"Error detected in {node.name()}. No forward pass information available. Enable detect "
                      f"anomaly during forward pass for more information.", stacklevel=_user_stacklevel())
        return
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n{trace}",
                  stacklevel=_user_stacklevel())


# ----------------------------------------------------------------------------- node capture
class capture_nodes:
    """Collects, in creation order, the nodes recorded by this thread inside the block
    (used by ``utils.checkpoint``); with ``drop_saves`` they save none of their inputs.
    Nested captures: a node goes to the innermost one."""

    def __init__(self, drop_saves=False):
        self.drop_saves = drop_saves

    def __enter__(self):
        self.nodes = []
        stack = getattr(_local, "captures", None)
        if stack is None:
            stack = _local.captures = []
        stack.append((self.nodes, self.drop_saves))
        with _lock:
            _state.capturing += 1
            _refresh_flag()
        return self.nodes

    def __exit__(self, *exc):
        _local.captures.pop()
        with _lock:
            _state.capturing -= 1
            _refresh_flag()
        return False
