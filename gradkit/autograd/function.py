"""``gradkit.autograd.Function``: user-defined ops with PyTorch's static-method API.

The ctx object is the graph node itself, so ``save_for_backward`` gets the engine's
version checks and freeing for free."""
from __future__ import annotations

from .grad_mode import is_grad_enabled_fast, no_grad
from .node import Node, _anomaly_or_capture, _record_trace, fit_gradient, next_seq
from .._tensor import Tensor

_make = Tensor._make


class FunctionCtx(Node):
    _runs_user_code = True  # backward is the user's

    def __init__(self, fn_cls):
        self._fn_cls = fn_cls
        self._released = False
        self._saved = ()
        self._saved_versions = ()
        self._non_diff = set()
        self.materialize_grads = True
        self.needs_input_grad = ()
        self.next_edges = ()

    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save tensors, but argument {len(self._saved)} is of "
                                f"type {type(t).__name__}")
        self._saved = tuple(tensors)
        self._saved_versions = tuple(t._version[0] if t is not None else 0 for t in tensors)

    @property
    def saved_tensors(self):
        if self._released:
            from .node import raise_freed

            raise_freed(self)
        from .node import raise_modified

        for t, v in zip(self._saved, self._saved_versions):
            if t is not None and t._version[0] != v:
                raise_modified(self, t, v)
        return self._saved

    def mark_non_differentiable(self, *tensors):
        self._non_diff.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        pass

    def set_materialize_grads(self, value: bool):
        self.materialize_grads = bool(value)

    def name(self):
        return f"{self._fn_cls.__name__}Backward"

    def backward(self, *grads):
        if self.materialize_grads:
            grads = tuple(g if g is not None else _zeros_for(meta) for g, meta in zip(grads, self._out_meta))
        result = self._fn_cls.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        extra = result[self._n_args:]
        if len(result) < self._n_args or any(g is not None for g in extra):
            raise RuntimeError(f"function {self._fn_cls.__name__}Backward returned an incorrect number of gradients "
                               f"(expected {self._n_args}, got {len(result)})")
        grads = [result[pos] for pos in self._tensor_positions]
        # each gradient against its input's shape, as PyTorch's engine checks every backward
        # (a custom backward is where a wrong shape comes from; gradkit's nodes are not checked)
        for i, (g, shape) in enumerate(zip(grads, self._input_shapes)):
            if isinstance(g, Tensor) and g.shape != shape:
                grads[i] = fit_gradient(self, i, g, shape)
        return tuple(grads)


def _zeros_for(meta):
    from ..ops.creation import zeros

    shape, dtype, device = meta
    return zeros(shape, dtype=dtype, device=device)


class Function:
    """Subclass with ``@staticmethod forward(ctx, *args)`` and ``@staticmethod
    backward(ctx, *grad_outputs)`` (one gradient per forward argument, None for
    non-tensors); call it with ``MyFn.apply(*args)``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx(cls)
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        tensors = [args[i] for i in positions]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        record = is_grad_enabled_fast() and any(t._requires_grad for t in tensors)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not record:
            return out
        ctx._tensor_positions = positions
        ctx._n_args = len(args)
        ctx.next_edges = tuple(t._edge() for t in tensors)
        ctx._input_shapes = tuple(t.shape for t in tensors)
        ctx._seq = next_seq()
        if _anomaly_or_capture[0]:
            _record_trace(ctx)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        ctx._n_outputs = len(outs)
        ctx._out_meta = tuple((o.shape, o.dtype, o.device) if isinstance(o, Tensor) else None for o in outs)
        wrapped = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                wrapped.append(o)
                continue
            if id(o) in ctx._non_diff or o.dtype.category != 2:
                wrapped.append(o)
                continue
            w = _make(o._data, o._device, True, ctx, i)
            w._version = o._version
            wrapped.append(w)
        return wrapped[0] if single else tuple(wrapped)


def once_differentiable(fn):
    """Marks a custom Function's backward as first-order only (PyTorch's decorator): it
    runs under no_grad, and when its gradients are built with ``create_graph=True`` they
    carry a node whose backward raises a RuntimeError saying so, so a double backward
    through it fails loudly instead of silently giving zeros."""
    import functools

    from .grad_mode import is_grad_enabled

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not is_grad_enabled():
            return outputs
        # create_graph=True (the only way grad mode is on in a backward): PyTorch wraps only when a
        # grad_output requires grad; gradkit also when the forward's inputs do, so that
        # differentiating the result says why it can't instead of "does not require grad"
        if not (any(isinstance(a, Tensor) and a._requires_grad for a in args)
                or any(e is not None for e in getattr(ctx, "next_edges", ()))):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        name = getattr(ctx, "_fn_cls", None)
        name = f"{name.__name__}Backward" if name is not None else "a custom Function's backward"
        msg = (f"trying to differentiate twice a function that was marked with @once_differentiable ({name} is "
               f"first-order only: its gradient can't be differentiated again, e.g. with create_graph=True)")
        wrapped = []
        for o in outs:
            if isinstance(o, Tensor) and o.dtype.is_floating_point:
                o = DelayedError.apply(o.detach().requires_grad_(), msg=msg)
            wrapped.append(o)
        return wrapped[0] if single else tuple(wrapped)

    return wrapper


class DelayedError(Node):
    """Passes its input through; its backward raises ``msg`` (marks gradients that must
    not be differentiated again)."""

    def forward(self, backend, a, msg):
        self.msg = msg
        return a

    def backward(self, g):
        raise RuntimeError(self.msg)
