"""Activation checkpointing (``torch.utils.checkpoint``): trade compute for memory.

``checkpoint(function, *args)`` returns ``function(*args)`` but keeps none of the
tensors that the ops inside it saved for backward. When backward reaches the segment, the
function runs again (with the random number generators rewound, so dropout draws the same
mask) and its ops get their saved tensors back from that recomputation.

How (PyTorch's non-reentrant variant, without saved-tensor hooks): the first run records
the graph as usual — so gradients reach every tensor the function uses, parameters and
closed-over tensors included, and ``autograd.grad`` and ``create_graph=True`` work — but
its nodes save none of their inputs, and the outputs that ops keep for backward (exp,
sigmoid, softmax, ...) are dropped when the function returns. Each recorded node gets a
pre-hook; the first one that fires recomputes the segment and hands every node what it
would have saved. The recomputation must record the same ops in the same order (it is
checked: ``CheckpointError`` otherwise), and the arguments must not be changed in place
between forward and backward (the usual in-place error says so).

Peak memory: a plain run keeps every segment's saved tensors until backward; with
checkpointing only the segments' inputs and outputs stay, and one segment's saved tensors
exist at a time, during its backward.
"""
from __future__ import annotations

import weakref

from .._tensor import Tensor
from ..autograd.anomaly import capture_nodes
from ..autograd.grad_mode import enable_grad, is_grad_enabled

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError"]


class CheckpointError(RuntimeError):
    pass


# ----------------------------------------------------------------------------- random state
def _rng_states(args=()):
    """Every loaded backend's generator state, per device, through the backends'
    get_rng_state (a copy of the generator object would not do: CuPy's holds a lock and
    cannot be copied). CUDA devices: those with a generator, and those of the tensor
    arguments (a generator the function makes on first use is made, so it is rewound too)."""
    from ..backends import Device, _backends

    states = []
    for kind, backend in list(_backends.items()):
        if kind == "cuda":
            indices = set(getattr(backend, "_generators", {}))
            indices.update(a._device.index for a in args if isinstance(a, Tensor) and a._device.type == "cuda")
            devices = [Device("cuda", index) for index in sorted(i for i in indices if i is not None)]
        else:
            devices = [Device(kind)]
        for device in devices:
            states.append((backend, device, backend.get_rng_state(device)))
    return states


def _set_rng_states(states):
    for backend, device, state in states:
        backend.set_rng_state(state, device)


# ----------------------------------------------------------------------------- the segment
class _Segment:
    """One checkpointed call: what is needed to run it again, and weak references to the
    nodes it recorded (the nodes hold this object through their pre-hooks: no cycle)."""

    def __init__(self, function, args, kwargs, rng, nodes, determinism_check):
        self.function, self.args, self.kwargs, self.rng = function, args, kwargs, rng
        self.determinism_check = determinism_check
        self.node_refs = [weakref.ref(n) for n in nodes]
        self.meta = [_meta(n) for n in nodes]
        self.arg_versions = [(i, a, a._version[0]) for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.done = False

    def recompute(self):
        if self.done:
            return
        self.done = True
        for i, a, v in self.arg_versions:
            if a._version[0] != v:
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by an inplace operation: "
                    f"[{a.dtype} of shape {list(a.shape)}], which is argument {i} of a checkpointed function, is at "
                    f"version {a._version[0]}; expected version {v} instead. checkpoint() runs the function again "
                    f"in backward and needs its arguments unchanged: clone them before changing them in place.")
        current = _rng_states(self.args) if self.rng is not None else None
        try:
            if self.rng is not None:
                _set_rng_states(self.rng)
            with enable_grad(), capture_nodes() as nodes:
                self.function(*self.args, **self.kwargs)
        finally:
            if current is not None:
                _set_rng_states(current)
        if self.determinism_check != "none":
            self._check(nodes)
        for ref, new in zip(self.node_refs, nodes):
            node = ref()
            if node is None or node._released:
                continue
            saved = getattr(new, "_saved", None)
            if saved is not None:
                node._saved = saved
                node._saved_versions = new._saved_versions
            out = getattr(node, "_saved_output", None)
            if out is not None:
                data = new._saved_output[0]
                node._saved_output = (data,) + tuple(out[1:])

    def _check(self, nodes):
        if len(nodes) != len(self.meta):
            raise CheckpointError(
                f"torch.utils.checkpoint: A different number of tensors was saved during the original forward and "
                f"recomputation (gradkit: the checkpointed function recorded {len(self.meta)} ops in forward and "
                f"{len(nodes)} when it ran again in backward; it must do the same ops each time it runs).")
        for k, (old, new) in enumerate(zip(self.meta, nodes)):
            if old != _meta(new):
                raise CheckpointError(
                    f"torch.utils.checkpoint: Recomputed values for the following tensors have different metadata "
                    f"than during the forward pass.\nop at position {k}: forward recorded {_show(old)}, the "
                    f"recomputation {_show(_meta(new))}.")


def _meta(node):
    out = getattr(node, "_saved_output", None)
    shape = tuple(out[0].shape) if out is not None and out[0] is not None else None
    return (type(node).__name__, node.name(), shape)


def _show(meta):
    name, op, shape = meta
    return op + (f" (output shape {list(shape)})" if shape is not None else "")


def _drop_saved(nodes, segment):
    """After the first run: nothing saved stays, and each node recomputes on first use."""
    from ..autograd.function import FunctionCtx

    def pre_hook(grad):
        segment.recompute()
        return None

    for node in nodes:
        if isinstance(node, FunctionCtx):
            node._saved = tuple(None for _ in node._saved)
        else:
            try:
                del node._saved  # in case the recording code saved anyway
            except AttributeError:
                pass
        out = getattr(node, "_saved_output", None)
        if out is not None:
            node._saved_output = (None,) + tuple(out[1:])
        hooks = node._pre_hooks
        if hooks is None:
            hooks = node._pre_hooks = {}
        for nr in range(node._n_outputs):
            hooks.setdefault(nr, []).insert(0, pre_hook)


# ----------------------------------------------------------------------------- public API
def checkpoint(function, *args, use_reentrant=False, context_fn=None, determinism_check="default", debug=False,
               preserve_rng_state=True, **kwargs):
    """``function(*args, **kwargs)``, keeping none of its intermediate activations for
    backward: they are recomputed when backward reaches them. Gradients (also with
    ``autograd.grad`` and ``create_graph=True``) equal those of the plain call.

    ``preserve_rng_state``: rewind the random generators for the recomputation (dropout
    draws the same mask). ``use_reentrant`` is accepted for compatibility: both values run
    the implementation described in the module docstring (PyTorch's reentrant variant's
    restrictions — no ``autograd.grad``, no ``inputs=`` — do not apply)."""
    if use_reentrant and kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if context_fn is not None:
        raise NotImplementedError("checkpoint(context_fn=...) is not supported by gradkit")
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    if not is_grad_enabled():
        return function(*args, **kwargs)
    rng = _rng_states(args) if preserve_rng_state else None
    with capture_nodes(drop_saves=True) as nodes:
        out = function(*args, **kwargs)
    if nodes:
        _drop_saved(nodes, _Segment(function, args, kwargs, rng, nodes, determinism_check))
    return out


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Runs ``functions`` (a list of callables or an ``nn.Sequential``) on ``input`` in
    ``segments`` chunks, checkpointing all but the last."""
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))

    def run_function(start, end, functions):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x

        return forward

    from ..nn.container import Sequential

    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
