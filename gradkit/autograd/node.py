"""Graph nodes: what one recorded op keeps for the backward pass.

An op is a Node subclass with ``forward(self, backend, *arrays, **params)`` on raw backend
arrays and ``backward(self, *grads)`` written with gradkit ops on Tensors (so that running
it with recording on gives higher-order gradients). ``apply`` runs the forward pass and,
only when some input requires grad and grad mode is on, records the node: one edge per
input, and the tensors backward needs, with their versions.
"""
from __future__ import annotations

import itertools
import weakref

from .grad_mode import is_grad_enabled_fast
from .._tensor import Tensor

_make = Tensor._make
_new = object.__new__
# creation order of nodes: a node's inputs' nodes are older, so the backward pass runs nodes
# newest first and each runs after every node that sends it a gradient (as PyTorch orders
# its ready queue by sequence number)
next_seq = itertools.count().__next__
_FIRST = ((), (0,), (0, 1), (0, 1, 2), (0, 1, 2, 3))


class Node:
    __slots__ = ("next_edges", "_seq", "_saved", "_saved_versions", "_saved_output", "_released",
                 "_anomaly_trace", "__dict__", "__weakref__")

    # defaults that a node overrides only when it has hooks or several outputs (class
    # attributes, so that recording a node, once per op, need not write them)
    _pre_hooks = None  # output index -> hooks on that output's gradient
    _post_hooks = None  # hooks on (grad_inputs, grad_outputs) after backward
    # True when running this node runs user code, which may read a leaf's .grad (a custom
    # Function's backward, post hooks): the backward walk finishes every complete leaf first
    _runs_user_code = False
    _n_outputs = 1
    # indices of inputs that backward reads back, and whether it reads the output
    saves_inputs: tuple = ()
    saves_output: bool = False
    # output indices that carry no gradient (indices of max, ...)
    non_differentiable: tuple = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "_backward_name" not in cls.__dict__:
            cls._backward_name = f"{cls.__name__}Backward0"

    # -- recording -------------------------------------------------------------------
    @classmethod
    def apply(cls, *inputs, **params):
        """Runs the op on Tensors that share one device (checked by the caller)."""
        device = inputs[0]._device
        node = _new(cls)  # Node subclasses take no constructor arguments
        n = len(inputs)
        if n == 1:
            out = node.forward(device.backend, inputs[0]._data, **params)
        elif n == 2:
            out = node.forward(device.backend, inputs[0]._data, inputs[1]._data, **params)
        elif n == 3:  # a linear layer with its bias
            out = node.forward(device.backend, inputs[0]._data, inputs[1]._data, inputs[2]._data, **params)
        else:
            out = node.forward(device.backend, *[t._data for t in inputs], **params)
        # recorded when grad mode is on and some input requires grad; otherwise the plain result
        if is_grad_enabled_fast():
            for t in inputs:
                if t._requires_grad:
                    return node._record(inputs, out, device)
        if type(out) is tuple:
            return _plain_outputs(out, device)
        return _make(out, device)

    def _record(self, inputs, out, device):
        """Makes this node (its forward has run, giving ``out``) the grad_fn of the outputs:
        one edge per input, the saved inputs with their versions. Ops with a fast path of
        their own (the arithmetic operators) call this directly."""
        n = len(inputs)
        # one to three inputs, spelled out: nearly every op, and this runs once per recorded op
        if n == 1:
            self.next_edges = (inputs[0]._edge(),)
        elif n == 2:
            self.next_edges = (inputs[0]._edge(), inputs[1]._edge())
        elif n == 3:
            self.next_edges = (inputs[0]._edge(), inputs[1]._edge(), inputs[2]._edge())
        else:
            self.next_edges = tuple([t._edge() for t in inputs])
        self._seq = next_seq()  # after the edges: a node's inputs' nodes were all made before it
        self._released = False
        if _anomaly_or_capture[0]:
            _record_trace(self)
        saves = self.saves_inputs  # forward may narrow it (x * 3 needs nothing saved)
        if saves:
            k = len(saves)
            if k < 5 and saves == _FIRST[k]:
                # the first k inputs (a scalar operand leaves one fewer than the op's signature)
                saved = inputs[:k] if k < n else inputs
            else:
                saved = _picked(inputs, saves)
            k = len(saved)
            if k == 1:
                self._saved_versions = (saved[0]._version[0],)
            elif k == 2:
                self._saved_versions = (saved[0]._version[0], saved[1]._version[0])
            else:
                self._saved_versions = tuple([t._version[0] for t in saved])
            self._saved = saved
        if type(out) is tuple:
            return _record_outputs(self, out, device)
        result = _make(out, device, True, self)
        if self.saves_output:
            self._saved_output = (out, result._version, 0, device)
        return result

    # -- what backward reads ----------------------------------------------------------
    @property
    def saved_tensors(self):
        if self._released:
            raise_freed(self)
        saved = self._saved
        for t, v in zip(saved, self._saved_versions):
            if t._version[0] != v:
                raise_modified(self, t, v)
        return saved

    @property
    def saved_output(self):
        """The op's output as a Tensor whose grad_fn is this node, so that a backward
        that uses it stays differentiable."""
        if self._released:
            raise_freed(self)
        data, counter, version, device = self._saved_output
        if counter[0] != version:
            raise_modified(self, None, version, counter[0], data, counter)
        out = _make(data, device, True, self)
        out._version = counter
        return out

    def needs_input_grad(self, i: int) -> bool:
        return self.next_edges[i] is not None

    def release(self) -> None:
        self._saved = None
        self._saved_output = None
        self._released = True

    # -- introspection (PyTorch names) --------------------------------------------------
    def name(self) -> str:
        return self._backward_name

    @property
    def next_functions(self):
        return tuple((e[0], e[1]) if e is not None else (None, 0) for e in self.next_edges)

    def register_hook(self, hook):
        """hook(grad_inputs, grad_outputs) after this node's backward runs."""
        if self._post_hooks is None:
            self._post_hooks = []
            self._runs_user_code = True
        self._post_hooks.append(hook)
        return _RemovableHandle(self._post_hooks, hook)

    def __repr__(self):
        return f"<{self._backward_name} object at {hex(id(self))}>"

    # -- to implement -------------------------------------------------------------------
    def forward(self, backend, *arrays, **params):
        raise NotImplementedError

    def backward(self, *grads):
        raise NotImplementedError(f"{self._backward_name} is not differentiable")


# The rare cases of recording, in functions of their own so that apply and _record, which
# run once per op, stay as small as the common case needs.
def _picked(inputs, saves):
    n = len(inputs)
    return tuple([inputs[i] for i in saves if i < n])


def _record_outputs(node, out, device):
    """_record's ending for an op with several outputs."""
    node._n_outputs = len(out)
    skip = node.non_differentiable
    result = tuple([_make(o, device) if i in skip else _make(o, device, True, node, i) for i, o in enumerate(out)])
    if node.saves_output:
        first = result[0]
        node._saved_output = (first._data, first._version, first._version[0], device)
    return result


def _plain_outputs(out, device):
    return tuple([_make(o, device) for o in out])


class AccumulateGrad(Node):
    """The sink of a leaf's gradient; one per leaf, shared by every edge into it, so its
    hooks see the summed gradient once. The leaf keeps it for its lifetime (made once, not
    once per step) and it refers back to the leaf weakly, so the two make no cycle."""
    _backward_name = "AccumulateGrad"

    def __init__(self, variable):
        self._variable = weakref.ref(variable)
        self.next_edges = ()
        self._seq = next_seq()
        self._released = False

    @property
    def variable(self):
        """The leaf (None once it is gone: a graph may outlive a leaf nothing else holds)."""
        return self._variable()


def raise_freed(node):
    raise RuntimeError(
        f"Trying to backward through the graph a second time (or directly access saved tensors after they "
        f"have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
        f"or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
        f"or if you need to access saved tensors after calling backward. (node: {node.name()})"
    )


def raise_modified(node, tensor, expected, actual=None, data=None, counter=None):
    if tensor is not None:
        actual = tensor._version[0]
        shape, dtype = tuple(tensor.shape), tensor.dtype
        which = f"output {tensor._output_nr} of {tensor.grad_fn.name()}" if tensor.grad_fn is not None else "a leaf"
    else:
        from .._dtype import dtype_of_array

        shape, dtype, which = tuple(data.shape), dtype_of_array(data), f"output 0 of {node.name()}"
    where = _inplace_site_hint(tensor, node, counter)
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{dtype or 'tensor'} of shape {list(shape)}], which is {which}, is at version {actual}; expected version "
        f"{expected} instead. It was saved for backward by {node.name()}.{where} Hint: the in-place change "
        f"happened after the forward pass recorded {node.name()}; use an out-of-place op (x = x + y instead of "
        f"x += y) or .clone() the tensor before changing it."
    )


def _inplace_site_hint(tensor, node=None, counter=None):
    """Where the in-place write happened and where the node was created (both known in
    anomaly mode only; otherwise a hint to turn it on)."""
    from .anomaly import forward_site, inplace_site_of

    site = inplace_site_of(tensor, counter)
    where = f" The in-place change was made at {site}." if site else ""
    created = forward_site(node) if node is not None else None
    if created:
        where += f" {node.name()} was created at {created}."
    if not site and not created:
        where += (" Enable anomaly detection (gradkit.autograd.set_detect_anomaly(True)) to see where the "
                  "in-place change was made.")
    return where


class _RemovableHandle:
    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks, hook):
        self._hooks = hooks
        self._hook = hook

    def remove(self):
        try:
            self._hooks.remove(self._hook)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


# The one flag the hot paths read for both slow paths: set while anomaly mode is on or while
# some thread records a utils.checkpoint segment (autograd.anomaly sorts out which). A list,
# so that reading it is one item lookup.
_anomaly_or_capture = [False]


def _record_trace(node):
    """Slow path of recording: the forward stack in anomaly mode, node capture for checkpoint."""
    from .anomaly import on_node_recorded

    on_node_recorded(node)


def grad_accumulator(tensor):
    """The leaf's AccumulateGrad node, created on first use and kept by the leaf."""
    extra = tensor._extra
    if extra is not None:
        acc = extra.get("acc")
        if acc is not None:
            return acc
    else:
        extra = tensor._extra = {}
    acc = extra["acc"] = AccumulateGrad(tensor)
    extra["edge"] = (acc, 0)  # what Tensor._edge hands every node recorded on the leaf
    if extra.get("hooks") or "post_acc_hooks" in extra:
        # any hooks, post-accumulate ones too: the backward walk tells a leaf with hooks by
        # its node's _pre_hooks alone (hooks.register_post_accumulate_hook keeps this so)
        acc._pre_hooks = {0: extra.setdefault("hooks", [])}
    return acc


def fit_gradient(node, index, grad, shape):
    """A gradient whose shape differs from that of the input it is for, checked as PyTorch's
    engine checks a backward's results: summed down to ``shape`` when ``shape`` broadcasts
    to the gradient's shape, else the RuntimeError that names the node and the input."""
    got = tuple(grad._data.shape)
    shape = tuple(shape)
    if len(shape) <= len(got) and all(s == 1 or s == t for s, t in zip(reversed(shape), reversed(got))):
        from ..ops._core import sum_to

        return sum_to(grad, shape)
    raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {index} - got {list(got)} but "
                       f"expected shape compatible with {list(shape)}")


RemovableHandle = _RemovableHandle
