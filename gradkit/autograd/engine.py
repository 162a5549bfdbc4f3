"""The backward pass: one walk over the recorded nodes, newest first.

A node is recorded after the nodes of its inputs (``Node._seq``, its creation number), so
taking nodes off a heap newest first runs each one after every node that sends it a
gradient, with no count of the edges into it. Leaves are the exception: a leaf's
AccumulateGrad node is made on the leaf's first use, so in later graphs it is older than
every node, and its gradient is complete when the last of the edges into it has
delivered -- which takes a count of those edges (PyTorch's dependency pre-pass). A leaf is
finished (its hooks, ``.grad`` written, its post-accumulate hooks) as soon as that count
runs out, before older nodes run: data-parallel training starts reducing there.

The count is taken only when it can matter. Until user code runs (a hook, a custom
Function's backward, a leaf with hooks receiving a gradient) or an error stops the walk,
nothing can tell a leaf written now from one written at the end; so plain backward()
lets leaves' gradients wait, and at the first such point counts the edges into leaves
from the nodes still to run, once, finishes the leaves that are complete, and from there
on finishes each leaf as its count runs out. A training step without hooks pays for no
count; with ``inputs=`` or ``autograd.grad`` the pre-pass that prunes the walk to the nodes
leading to a wanted gradient counts from the start.

Adoption: a leaf keeps the gradient Tensor it is handed as its ``.grad``, with no copy,
only when nothing else can see it -- decided at run time, for each gradient: no history,
no other reference to the Tensor (``sys.getrefcount``, against the count a sole holder
gives at that point, measured once at import), and an array that its backend calls
adoptable (owns its memory, writable, held by that Tensor only: ``Backend.adoptable``).
A sum of several gradients made here is adopted on the backend's word alone. A gradient
seen by a hook, or the caller's ``gradient=``, is copied; with ``create_graph`` the leaf
gets a recorded copy (as PyTorch).

Validation of a backward's results: one gradient per input (else RuntimeError); in anomaly
mode no NaN or inf; a gradient for a leaf must have the leaf's shape, or one the leaf's
shape broadcasts to (then it is summed down, as PyTorch's engine does), else RuntimeError
"Function X returned an invalid gradient at index i - got [...] but expected shape
compatible with [...]". Nodes do not store the shapes of their inputs, so a gradient for
an interior node is not checked here; custom ``autograd.Function`` backwards check their
gradients against the recorded input shapes themselves (autograd.function).
"""
from __future__ import annotations

from heapq import heapify, heappop, heappush
from sys import getrefcount

from .grad_mode import _grad_enabled
from ._roots import _as_tuple, _root_grads, _seed
from .node import AccumulateGrad, _anomaly_or_capture, fit_gradient
from .._dtype import FLOAT
from .._tensor import Tensor


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """``gradkit.autograd.backward``: accumulate d(tensors)/d(leaves) into the leaves' .grad."""
    if grad_tensors is None and inputs is None and type(tensors) is tuple and len(tensors) == 1:
        t = tensors[0]
        if isinstance(t, Tensor) and t.grad_fn is not None and t._data.ndim == 0:  # loss.backward()
            node, nr = t._edge()
            if node._n_outputs == 1 and t.dtype.category == FLOAT:
                seed = Tensor._make(t._device.backend.ones_like(t._data), t._device)
                _walk([node], {node: [seed]}, create_graph if retain_graph is None else retain_graph, create_graph)
                return
    tensors = _as_tuple(tensors)
    grads = _root_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    non_leaves = ()
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("backward: 'inputs' argument to backward() cannot be empty.")
        targets = {}
        non_leaves = []
        for t in inputs:
            edge = t._edge()
            if edge is None:
                raise RuntimeError("backward: one of the differentiated Tensors in 'inputs' does not require grad")
            targets[edge] = None
            if t.grad_fn is not None and not t.retains_grad:  # retain_grad's hook fills .grad itself
                non_leaves.append((t, edge))
    roots, buffers = _seed(tensors, grads)
    # (``grads`` holds the caller's gradients through the walk: one that a backward passes on
    # unchanged is never adopted by a leaf)
    captured = _walk(roots, buffers, retain_graph, create_graph, targets, accumulate=True)
    # a non-leaf named in inputs= gets its gradient accumulated into .grad, as in PyTorch
    for t, edge in non_leaves:
        g = captured.pop(edge, None)
        if g is not None:
            _accumulate_into(t, g, False, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """``gradkit.autograd.grad``: returns d(outputs)/d(inputs) without touching ``.grad``."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    grads = _root_grads(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    targets = {}
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: inputs must be Tensors, got {type(t).__name__} at position {i}")
        edge = t._edge()
        if edge is None:
            raise RuntimeError(f"grad: One of the differentiated Tensors (input {i}) does not require grad")
        targets.setdefault(edge, None)
    roots, buffers = _seed(outputs, grads)
    captured = _walk(roots, buffers, retain_graph, create_graph, targets, accumulate=False)
    result = []
    for i, t in enumerate(inputs):
        g = captured.get(t._edge())
        if g is None:
            if materialize_grads:
                from ..ops.creation import zeros_like

                g = zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(
                    f"grad: One of the differentiated Tensors (input {i}, shape {list(t.shape)}) appears to not have "
                    f"been used in the graph. Set allow_unused=True if this is the desired behavior.")
        result.append(g)
    return tuple(result)


# -- counting the edges into leaves ----------------------------------------------------------
def _leaf_fan_in(nodes):
    """For each leaf node reachable from ``nodes`` (and fed by them), the number of edges
    into it from these nodes and the nodes below them: the gradients still to come."""
    acc_type = AccumulateGrad
    fan_in = {}
    interior = set(nodes)
    stack = list(nodes)
    while stack:
        for edge in stack.pop().next_edges:
            if edge is not None:
                child = edge[0]
                if type(child) is acc_type:
                    fan_in[child] = fan_in.get(child, 0) + 1
                elif child not in interior:
                    interior.add(child)
                    stack.append(child)
    return fan_in


def _pruned_plan(roots, targets):
    """For autograd.grad / backward(inputs=): the nodes whose backward must run (some target
    is reachable from them), the nodes that are visited at all (those, and the nodes of
    targets, whose gradient is captured), and the fan-in of the target leaves from the nodes
    that run."""
    order = []  # post-order: a node after the nodes it sends gradients to
    visited = set()
    stack = [(n, False) for n in roots]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for edge in node.next_edges:
                if edge is not None and edge[0] not in visited:
                    stack.append((edge[0], False))
    runs = set()
    for node in order:
        for edge in node.next_edges:
            if edge is not None and (edge in targets or edge[0] in runs):
                runs.add(node)
                break
    fan_in = {}
    for node in runs:
        for edge in node.next_edges:
            if edge is not None and type(edge[0]) is AccumulateGrad and edge in targets:
                fan_in[edge[0]] = fan_in.get(edge[0], 0) + 1
    return fan_in, runs | {edge[0] for edge in targets}, runs


# sys.getrefcount of a gradient that only the walk holds, at its two adoption tests: measured
# once on the same code shapes, since the interpreter's own references in the count differ
# between Python versions (3.14 borrows some). A higher count means another holder.
def _refs_in_delivery():
    """In the delivery loop: the backward's result tuple, the tuple zip reuses for its
    items, the loop variable."""
    out = ([None],)
    for _edge, g in zip(((None, 0),), out):
        return getrefcount(g)


def _refs_in_final_pass():
    """In the pass that finishes the waiting leaves: the ``pending`` dict, the tuple its
    items() iterator reuses, the loop variable."""
    pending = {None: [None]}
    for _acc, g in pending.items():
        return getrefcount(g)


_SOLE_IN_DELIVERY = _refs_in_delivery()
_SOLE_IN_FINAL_PASS = _refs_in_final_pass()


# -- callbacks at the end of backward ------------------------------------------------------
# One list per walk in progress (a backward may run another inside a node, e.g. a recomputing
# checkpoint): the innermost walk owns what is queued while it runs.
_final_callbacks = []


def queue_callback(callback):
    """PyTorch's ``Variable._execution_engine.queue_callback``: ``callback()`` runs once the
    backward pass now running has finished every node and leaf (data-parallel training waits
    there for its gradient reductions). Callbacks run in the order queued; one may queue more."""
    if not _final_callbacks:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    _final_callbacks[-1].append(callback)


# -- the walk --------------------------------------------------------------------------------
def _walk(roots, buffers, retain_graph, create_graph, targets=None, accumulate=True):
    """Runs the backward pass from ``roots``, whose gradients are in ``buffers`` (node ->
    one slot per output). ``targets`` (edges) given: only what they need runs, and their
    gradients are returned ({edge: gradient}); leaves are written when ``accumulate``.
    ``fan_in`` is None while leaves wait uncounted (see the module docstring), then the
    edges still to deliver into each leaf."""
    acc_type = AccumulateGrad
    if targets is None:
        fan_in = visits = runs = None  # no counts yet
    else:
        fan_in, visits, runs = _pruned_plan(roots, targets)
    captured = {}
    pending = {}  # leaf node -> the sum of the gradients arrived for it (the leaf is not finished)
    summed = {}  # leaf nodes whose pending gradient is a sum made here (a leaf may adopt it): True
    # leaf node -> the node that sent its only pending gradient, not yet checked against the
    # leaf's shape (checked when the leaf is finished: a mismatch is rare, a check costs)
    senders = {}
    finish = (create_graph, targets, captured, accumulate, pending, summed, senders)
    sync = False  # a leaf with hooks got a gradient: count once the current node has delivered
    anomaly = _anomaly_or_capture
    node = nxt = None  # nxt: the one node due to run, kept off the heap while it is the only one
    token = _grad_enabled.set(bool(create_graph))  # set_grad_enabled(create_graph), minus its object
    callbacks = []
    _final_callbacks.append(callbacks)
    try:
        try:
            heap = []
            if len(roots) == 1 and type(roots[0]) is not acc_type and visits is None:
                nxt = roots[0]  # backward() of one output (a loss): no heap to make
                roots = ()
            for root in roots:
                if type(root) is acc_type:
                    # the caller's gradient for a leaf (which backward()'s ``grads`` still holds,
                    # so that it is copied, never adopted)
                    g = buffers.pop(root)[0]
                    if targets is None or (root, 0) in targets:
                        pending[root] = g
                        if fan_in is not None and not fan_in.get(root):
                            _finish_leaf(root, pending.pop(root), False, finish)
                elif visits is None or root in visits:
                    heap.append((-root._seq, root))
            heapify(heap)
            while True:
                # (nodes in a chain, each handing the next its gradient, skip the heap)
                if nxt is not None:
                    node = nxt
                    nxt = None
                elif heap:
                    node = heappop(heap)[1]
                else:
                    break
                gs = buffers.pop(node)  # a node is due to run once it has a gradient
                if node._pre_hooks is not None or node._runs_user_code:
                    if fan_in is None:
                        fan_in = _sync(finish, heap, node)
                    if node._pre_hooks is not None:
                        gs = _run_pre_hooks(node, gs)
                if targets is not None:
                    _capture(node, gs, targets, captured)
                    if node not in runs:
                        continue
                try:  # free when nothing is raised (Python >= 3.11)
                    out = node.backward(gs[0]) if node._n_outputs == 1 else node.backward(*gs)
                except Exception:
                    if anomaly[0]:  # PyTorch's warning with the forward traceback of the failing node
                        from .anomaly import report_backward_error

                        report_backward_error(node)
                    raise
                if type(out) is not tuple:
                    out = (out,)
                edges = node.next_edges
                if len(out) != len(edges) or anomaly[0] or node._post_hooks:
                    out = _checked_result(node, gs, out)
                gs = None  # a gradient passed on unchanged is then held by ``out`` only
                if not retain_graph:
                    node.release()
                for edge, g in zip(edges, out):
                    if edge is None:
                        continue
                    child = edge[0]
                    if type(child) is acc_type:
                        if fan_in is None:  # not counting: the gradient waits
                            if g is not None:
                                if child._pre_hooks is None and child not in pending:  # the usual case, inline
                                    pending[child] = g
                                    senders[child] = node
                                elif _wait(child, g, node, edges, out, edge, finish):
                                    sync = True
                            continue
                        left = fan_in.get(child)
                        if left is None:  # a leaf whose gradient is not wanted
                            continue
                        if left != 1 or child in pending:  # one of several
                            if g is not None:
                                _wait(child, g, node, edges, out, edge, finish)
                            if left != 1:
                                fan_in[child] = left - 1
                            elif child in pending:  # the last
                                _finish_waiting(child, pending.pop(child), finish)
                            continue
                        if g is None:
                            continue
                        leaf = child._variable()
                        if leaf is not None and g._data.shape != leaf._data.shape:
                            g = fit_gradient(node, _index_of(edges, out, edge, g), g, leaf._data.shape)
                            _finish_leaf(child, g, True, finish)
                        else:  # (counted before the call, whose arguments would hold g too)
                            sole = getrefcount(g) <= _SOLE_IN_DELIVERY
                            _finish_leaf(child, g, sole, finish)
                        continue
                    if g is None:
                        continue
                    if child not in buffers:  # the first gradient for child: it will run
                        if visits is not None and child not in visits:
                            continue
                        if nxt is None and not heap:
                            nxt = child
                        else:
                            if nxt is not None:
                                heappush(heap, (-nxt._seq, nxt))
                                nxt = None
                            heappush(heap, (-child._seq, child))
                        if child._n_outputs == 1:  # the usual case, inline
                            buffers[child] = [g]
                            continue
                    _deliver(buffers, child, edge[1], g)
                if sync:
                    sync = False
                    fan_in = _sync(finish, heap, nxt)
        except Exception:
            if fan_in is None and pending:
                # stopped by an error: the leaves whose every gradient had arrived are finished,
                # as they would have been before it (the failing node counts as still to run)
                _sync(finish, heap, node, nxt)
            raise
        # the walk is over: every waiting leaf is complete, or waits for a gradient that will
        # not come (from a node that sent None, or got nothing and did not run)
        gs = out = g = None  # (so that the gradients are held by ``pending`` alone)
        adopt = targets is None and not create_graph
        for acc, g in pending.items():
            leaf = acc._variable()
            # a training step's every parameter, inline: the leaf keeps a gradient that nothing
            # else holds (what _finish_waiting does, less its checks; a leaf with any hooks,
            # post-accumulate ones included, has _pre_hooks: see grad_accumulator)
            if adopt and leaf is not None and leaf._grad is None and acc._pre_hooks is None and \
                    g._data.shape == leaf._data.shape and \
                    (g._data.dtype is leaf._data.dtype or g.dtype is leaf.dtype) and g.grad_fn is None and \
                    not g._requires_grad and (getrefcount(g) <= _SOLE_IN_FINAL_PASS or acc in summed) and \
                    g._device.backend.adoptable(g._data):
                leaf._grad = g
            else:
                _finish_waiting(acc, g, finish)
        pending.clear()
        for callback in callbacks:  # (the loop reaches callbacks that these queue)
            callback()
    finally:
        _final_callbacks.pop()
        _grad_enabled.reset(token)
    return captured


def _sync(finish, heap, *nodes):
    """Starts counting: the fan-in of every leaf from the nodes still to run (those on the
    heap, and ``nodes`` that are not None), whose complete leaves (no edge left) are
    finished now, in the order their gradients arrived."""
    pending = finish[4]
    fan_in = _leaf_fan_in([entry[1] for entry in heap] + [n for n in nodes if n is not None])
    for acc in [acc for acc in pending if acc not in fan_in]:
        _finish_waiting(acc, pending.pop(acc), finish)
    return fan_in


_ADDED = "added"  # summed's mark of a sum made by adding here (not a gradient fitted to its leaf)


def _wait(acc, g, node, edges, out, edge, finish):
    """A gradient for a leaf that is not finished yet: checked against the leaf's shape and
    added to what arrived before (a sum made here, which the leaf may adopt). True when the
    leaf has hooks (its finishing must then be counted, not left to the end)."""
    pending, summed, senders = finish[4:]
    leaf = acc._variable()
    if leaf is not None and g._data.shape != leaf._data.shape:
        g = fit_gradient(node, _index_of(edges, out, edge, g), g, leaf._data.shape)
        summed[acc] = True
    old = pending.get(acc)
    if old is None:
        pending[acc] = g
    else:
        sender = senders.pop(acc, None)
        if sender is not None and leaf is not None:
            old = _checked_shape(sender, acc, old, leaf)
        if summed.get(acc) is _ADDED and old._data.dtype is g._data.dtype and not finish[0]:
            # the running sum is an array this walk made and nothing else sees: a weight used
            # at every step of a sequence gets its many gradients added without a new array each
            old._data += g._data
        else:
            pending[acc] = old + g
            summed[acc] = _ADDED
    return acc._pre_hooks is not None


def _checked_shape(sender, acc, g, leaf):
    """``g``, sent to the leaf by ``sender``, fitted to the leaf's shape (see fit_gradient)."""
    if g._data.shape == leaf._data.shape:
        return g
    return fit_gradient(sender, sender.next_edges.index((acc, 0)), g, leaf._data.shape)


def _finish_waiting(acc, g, finish):
    """Finishes a leaf whose gradient ``g`` waited in ``pending`` (removed from it by the caller)."""
    summed, senders = finish[5:]
    sole = acc in summed
    sender = senders.pop(acc, None)
    if sender is not None:
        leaf = acc._variable()
        if leaf is not None and g._data.shape != leaf._data.shape:
            g = _checked_shape(sender, acc, g, leaf)
            sole = True
    _finish_leaf(acc, g, sole, finish)


def _index_of(edges, out, edge, g):
    """Which input of its node the gradient ``g`` for ``edge`` is (for error messages)."""
    for i, (e, o) in enumerate(zip(edges, out)):
        if e is edge and o is g:
            return i
    return edges.index(edge)


def _deliver(buffers, node, nr, g):
    """Adds a gradient for output ``nr`` of ``node`` to what arrived for it so far."""
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node._n_outputs
    old = buf[nr]
    buf[nr] = g if old is None else old + g


def _finish_leaf(acc, grad, sole, finish):
    """The leaf's whole gradient ``grad`` has arrived: its hooks run, then it is captured
    (autograd.grad, backward(inputs=)) and/or accumulated into ``.grad``. ``sole``: nothing
    outside the walk refers to ``grad`` (a sum made here, or a count that says so)."""
    create_graph, targets, captured, accumulate = finish[:4]
    hooks = acc._pre_hooks  # {0: the leaf's hook list}, which may have been emptied since
    if hooks is not None and hooks[0]:
        grad = _run_pre_hooks(acc, [grad])[0]
        sole = False  # a hook may keep the gradient it saw, or return one it keeps
    if targets is not None:
        captured[(acc, 0)] = grad
        if not accumulate:
            return
    leaf = acc._variable()
    if leaf is not None:
        _accumulate_into(leaf, grad, sole, create_graph)


def _capture(node, gs, targets, captured):
    """autograd.grad / backward(inputs=): keeps the gradients of this node's outputs that
    are targets."""
    for nr, g in enumerate(gs):
        if g is not None and (node, nr) in targets:
            captured[(node, nr)] = g


def _run_pre_hooks(node, gs):
    gs = list(gs)
    for nr, hooks in node._pre_hooks.items():
        if gs[nr] is None:
            continue
        for hook in list(hooks):
            new = hook(gs[nr])
            if new is not None:
                gs[nr] = new
    return gs


def _checked_result(node, gs, out):
    """A backward's gradients after the checks and hooks that follow it: one per edge, no
    NaN in anomaly mode, then the node's post hooks."""
    if len(out) != len(node.next_edges):
        raise RuntimeError(
            f"{node.name()} returned {len(out)} gradients for {len(node.next_edges)} inputs")
    if _anomaly_or_capture[0]:
        from .anomaly import check_backward_result

        check_backward_result(node, out)
    post = node._post_hooks
    if post:
        for hook in list(post):
            res = hook(out, tuple(gs))
            if res is not None:
                out = tuple(res)
    return out


def _accumulate_into(leaf, g, sole, create_graph):
    """Adds ``g`` to ``leaf.grad`` (PyTorch's AccumulateGrad): the first gradient is kept
    as it is when ``sole`` (nothing else refers to it) and its array is adoptable, else
    copied; later ones add in place, or out of place when a graph is being made of them;
    then the leaf's post-accumulate hooks run."""
    # equal array dtype objects (NumPy, CuPy) answer without looking up gradkit dtypes
    if g._data.dtype is not leaf._data.dtype and g.dtype is not leaf.dtype:
        g = g.to(leaf.dtype)
        sole = True
    old = leaf._grad
    if old is None:
        if create_graph:
            leaf._grad = g.clone()  # recorded: .grad is differentiable, and nobody else's tensor
        elif sole and g.grad_fn is None and not g._requires_grad and g._device.backend.adoptable(g._data):
            leaf._grad = g
        else:
            xp = g._device.backend.xp
            leaf._grad = Tensor._make(xp.asarray(g._data, copy=True), g._device)
    elif create_graph or old._requires_grad:
        leaf._grad = old + g
    else:
        old._data += g._data
        old._version[0] += 1
    extra = leaf._extra
    if extra is not None:
        hooks = extra.get("post_acc_hooks")
        if hooks:
            _run_post_hooks(leaf, hooks)


def _run_post_hooks(leaf, hooks):
    for hook in list(hooks):
        if hook(leaf) is not None:
            raise RuntimeError("Tensor post accumulate grad hooks should return None.")
