"""The view record: how a view was made from its base, so that in-place writes through
the view reach the base's history and a view whose base changed regains a current one.

Every view shares its base's version counter and keeps the root base in ``_base`` (a view
of a view points at the root), so an in-place change through any of them is seen by every
saved tensor. In grad mode a differentiable view also keeps one ``ViewRecord`` in
``_extra["view"]``: the steps that make it from the root base, as ``(op, arg)`` pairs of
gradkit view functions, and the version its history was made at. A view of a view extends
its parent's steps, so replaying is one pass from the root whatever the nesting.

- ``rebase_view``: after an in-place write through a view, the base's history becomes
  "base with the view's elements replaced" (PyTorch's CopySlices).
- ``refresh_view``: a view whose storage changed since its history was made (through the
  base, or another view) gets the history "this view of the base as it is now"; the Tensor
  calls it when it is next used in the graph (``Tensor._edge``).
"""
from __future__ import annotations

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, is_grad_enabled_fast, no_grad

_make = Tensor._make


class ViewRecord:
    __slots__ = ("steps", "version", "_positions")

    def __init__(self, steps, version):
        self.steps = steps
        self.version = version
        self._positions = None  # (base shape, index key), made on the first write through the view

    def replay(self, base: Tensor) -> Tensor:
        """This view, made afresh from ``base`` (recorded in the current grad mode)."""
        for op, arg in self.steps:
            base = op(base, arg)
        return base

    def positions(self, base: Tensor):
        """The base's elements this view covers, as one index array per base dim (a key
        for IndexPut). Found once per record, by replaying the steps on the base's flat
        positions: the steps are gradkit ops, so any view any backend makes is covered."""
        shape = base._data.shape
        cached = self._positions
        if cached is not None and cached[0] == shape:
            return cached[1]
        from .creation import arange

        with no_grad():
            flat = self.replay(arange(base.numel(), device=base._device).reshape(shape))
            key, stride = [], 1
            for n in reversed(shape):
                key.insert(0, ((flat // stride) % n)._data)
                stride *= n
        key = tuple(key)
        self._positions = (shape, key)
        return key


def as_view(out: Tensor, base: Tensor, steps=None) -> Tensor:
    """Marks ``out`` as a view of ``base``. ``steps`` (a tuple of ``(op, arg)``, empty for
    an alias) says how ``out`` is made from ``base``; None for results that share the
    version counter but are not differentiable views (copies, no-grad results)."""
    out._version = base._version
    root = base._base
    out._base = root if root is not None else base
    if steps is not None and is_grad_enabled_fast():
        if root is not None:
            extra = base._extra
            parent = extra.get("view") if extra is not None else None
            if parent is None:  # a view of a detached tensor: not a differentiable view
                return out
            steps = parent.steps + steps
        if out._extra is None:
            out._extra = {}
        out._extra["view"] = ViewRecord(steps, out._version[0])
    return out


def rebase_view(view: Tensor, result: Tensor) -> None:
    """``view`` was just overwritten in place by ``result`` while recording: its base takes
    the history "base with the view's elements replaced by result" (a CopySlices node, an
    IndexPut at the view's positions), so later uses of the base (and of its other views)
    differentiate through the change. Views made outside grad mode, and views of detached
    tensors, have no record: they are not differentiable views."""
    extra = view._extra
    record = extra.get("view") if extra is not None else None
    if record is None:
        return
    record.version = view._version[0]  # the view's own history is current
    base = view._base
    if not (base._requires_grad or result._requires_grad):
        return
    from ._core import cast
    from .indexing import CopySlices

    key = record.positions(base)
    if result.dtype is not base.dtype:
        result = cast(result, base.dtype)
    before = _make(base._data, base._device, base._requires_grad, base.grad_fn, base._output_nr)
    new = CopySlices.apply(before, result, key=key)
    base.grad_fn, base._output_nr, base._requires_grad = new.grad_fn, 0, True


def refresh_view(view: Tensor, record: ViewRecord) -> None:
    """Gives ``view`` the history "this view of its base as the base is now"."""
    record.version = view._version[0]
    base = view._base
    if base.grad_fn is None and not base._requires_grad:
        return
    with enable_grad():
        fresh = record.replay(base)
    if fresh.grad_fn is not None:
        view.grad_fn, view._output_nr = fresh.grad_fn, fresh._output_nr
