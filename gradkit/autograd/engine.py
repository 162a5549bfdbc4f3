"""The backward pass: walks recorded nodes (no recursion) so that each runs after every node
that sends it a gradient -- newest first for backward(), by counted dependencies when only
some inputs are wanted -- sums the gradients arriving at each node's outputs, calls its
backward, and hands the results to the next nodes; leaves' AccumulateGrad nodes write
``.grad``."""
from __future__ import annotations

from heapq import heapify, heappop, heappush

from .grad_mode import _grad_enabled, set_grad_enabled
from .node import AccumulateGrad, _anomaly_enabled
from .._dtype import FLOAT
from .._tensor import Tensor


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """``gradkit.autograd.backward``: accumulate d(tensors)/d(leaves) into the leaves' .grad."""
    if grad_tensors is None and inputs is None and type(tensors) is tuple and len(tensors) == 1:
        t = tensors[0]
        if isinstance(t, Tensor) and t.grad_fn is not None and t._data.ndim == 0:  # loss.backward()
            node, nr = t._edge()
            if node._n_outputs == 1 and t.dtype.category == FLOAT:
                g = Tensor._make(t._device.backend.ones_like(t._data), t._device)
                _run_plain([node], {node: [g]}, {}, create_graph if retain_graph is None else retain_graph,
                           create_graph)
                return
    tensors = _as_tuple(tensors)
    grads = _root_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
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
    captured = _run(tensors, grads, retain_graph, create_graph, targets, accumulate=True)
    if targets is not None:
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
    captured = _run(outputs, grads, retain_graph, create_graph, targets, accumulate=False)
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


def _as_tuple(x):
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _root_grads(tensors, grad_tensors):
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    else:
        grad_tensors = _as_tuple(grad_tensors) if not isinstance(grad_tensors, (list, tuple)) else tuple(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"backward: got {len(tensors)} tensors and {len(grad_tensors)} gradients")
    grads = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward: expected a Tensor, got {type(t).__name__}")
        if t.grad_fn is None and not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t._data.ndim != 0 and t.numel() != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs (backward() called on a tensor of "
                    f"shape {list(t.shape)}; pass gradient= of that shape, or reduce it with .sum() first)")
            if t.dtype.category != FLOAT:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
            g = Tensor._make(t._device.backend.ones_like(t._data), t._device)  # ones_like(t), minus its dispatch
        else:
            if not isinstance(g, Tensor):
                from ..ops.creation import as_tensor

                g = as_tensor(g, dtype=t.dtype, device=t.device)
            if tuple(g.shape) != tuple(t.shape):
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a shape of "
                    f"{t.shape}.")
            if g._device is not t._device:
                raise RuntimeError(f"backward: gradient is on {g.device} but output[{i}] is on {t.device}")
        grads.append(g)
    return grads


def _collect(root_nodes):
    """Counts, for each node reachable from the roots, how many edges lead into it. Also
    returns the set of roots (nodes other than roots are the keys of the counts)."""
    deps = {}
    stack = list(root_nodes)
    roots = set(stack)
    while stack:
        node = stack.pop()
        for edge in node.next_edges:
            if edge is None:
                continue
            child = edge[0]
            if child in deps:
                deps[child] += 1
            else:  # first edge into child: reached for the first time, unless it is a root
                deps[child] = 1
                if child.next_edges and child not in roots:  # (a leaf's AccumulateGrad has none)
                    stack.append(child)
    return deps, roots


def _needed(roots, seen, target_nodes):
    """Nodes from which some target is reachable: only those run when ``inputs`` is given."""
    needed = set(target_nodes)
    order = []
    stack = [(n, False) for n in roots]
    visited = set()
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for edge in node.next_edges:
            if edge is not None and edge[0] not in visited:
                stack.append((edge[0], False))
    for node in order:  # children come before parents in post-order
        if node in needed:
            continue
        for edge in node.next_edges:
            if edge is not None and edge[0] in needed:
                needed.add(node)
                break
    return needed


def _run(tensors, grads, retain_graph, create_graph, targets, accumulate):
    captured = {}
    # node -> the gradients arrived so far, one slot per output
    buffers = {}
    # AccumulateGrad node -> True when its buffered gradient is an array the engine made (a
    # fresh_grads backward's result, or a sum), which the leaf may keep as .grad without a
    # copy. Only leaves adopt gradients, so ownership is tracked for their nodes only.
    owned = {}
    roots = []
    for t, g in zip(tensors, grads):
        node, nr = t._edge()
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
            roots.append(node)
        old = buf[nr]
        if old is None:
            buf[nr] = g
        else:
            buf[nr] = old + g
            owned[node] = True

    if targets is None:
        _run_plain(roots, buffers, owned, retain_graph, create_graph)
        return captured
    # autograd.grad / backward(inputs=): only nodes that lead to a target run
    deps, seen = _collect(roots)
    needed = _needed(roots, seen, {edge[0] for edge in targets})
    ready = _without_deps(roots, deps)
    with set_grad_enabled(create_graph):
        while ready:
            node = ready.pop()
            gs = buffers.pop(node, None)
            # a buffer holds at least one gradient (slots are filled as it is made), so a node
            # runs when something arrived for it and it leads to a target
            if gs is None or node not in needed:
                _edges_done(node.next_edges, deps, ready)
                continue
            if node._pre_hooks is not None:
                gs = _run_pre_hooks(node, gs)
                # a hook may keep the gradient it saw, or return one it keeps: never adopt it
                owned.pop(node, None)
            if type(node) is AccumulateGrad:
                # a leaf's .grad is written only when the leaf is one of the inputs
                if _capture(node, gs, targets, captured) and accumulate:
                    leaf = node.variable
                    if leaf is not None:
                        _accumulate_into(leaf, gs[0], owned.pop(node, False), create_graph)
                continue
            _capture(node, gs, targets, captured)
            in_grads = _call_backward(node, gs)
            if not retain_graph:
                node.release()
            fresh = node.fresh_grads
            # _call_backward checked that there is one gradient per edge
            for edge, g in zip(node.next_edges, in_grads):
                if edge is None:
                    continue
                child = edge[0]
                if g is not None:
                    _add_to_buffer(buffers, owned, child, edge[1], g, fresh)
                left = deps[child]
                if left == 1:  # this was the last edge into child: it can run
                    ready.append(child)
                else:
                    deps[child] = left - 1
    return captured


def _without_deps(roots, deps):
    # (a comprehension in _run would keep its variables in cells, slower to read, on every call)
    return [n for n in roots if n not in deps]


def _edges_done(edges, deps, ready):
    """A node that passes nothing on: its children still count its edges as done."""
    for edge in edges:
        if edge is not None:
            child = edge[0]
            left = deps[child]
            if left == 1:
                ready.append(child)
            else:
                deps[child] = left - 1


def _add_to_buffer(buffers, owned, child, nr, g, fresh):
    """Adds a gradient for output ``nr`` of ``child`` to what arrived for it so far."""
    buf = buffers.get(child)
    if buf is None:  # the first gradient for child
        if child._n_outputs == 1:
            buffers[child] = [g]
        else:
            buf = buffers[child] = [None] * child._n_outputs
            buf[nr] = g
        if fresh and type(child) is AccumulateGrad:
            owned[child] = True
    else:
        old = buf[nr]
        buf[nr] = g if old is None else old + g
        if type(child) is AccumulateGrad and (old is not None or fresh):
            owned[child] = True  # a sum made here, or a fresh array


def _run_plain(roots, buffers, owned, retain_graph, create_graph):
    """backward() without inputs=, where every node that receives a gradient runs. Nodes run
    newest first (a heap on their creation numbers): every node that sends a node a
    gradient is newer than it, so when a node comes off the heap all its gradients have
    arrived, and no count of the edges into each node is needed. A node's backward runs
    inline in its common case (one call, the right number of gradients, no anomaly mode, no
    post hooks)."""
    heap = [(-node._seq, node) for node in roots]
    heapify(heap)
    leaves = []  # AccumulateGrad nodes (other than roots) that got a gradient: written last
    acc_type = AccumulateGrad
    anomaly = _anomaly_enabled
    token = _grad_enabled.set(bool(create_graph))  # set_grad_enabled(create_graph), minus its object
    try:
        while heap:
            node = heappop(heap)[1]
            gs = buffers.pop(node)  # a node is on the heap once it has a gradient
            if type(node) is acc_type:
                _finish_leaf(node, gs[0], owned.pop(node, False), create_graph)
                continue
            if node._pre_hooks is not None:
                gs = _run_pre_hooks(node, gs)
            try:  # free when nothing is raised (Python >= 3.11)
                out = node.backward(gs[0]) if node._n_outputs == 1 else node.backward(*gs)
            except Exception:
                if anomaly[0]:
                    from .anomaly import report_backward_error

                    report_backward_error(node)
                raise
            if type(out) is not tuple:
                out = (out,)
            edges = node.next_edges
            if len(out) != len(edges) or anomaly[0] or node._post_hooks:
                out = _checked_result(node, gs, out)
            if not retain_graph:
                node.release()
            fresh = node.fresh_grads
            for edge, g in zip(edges, out):
                if edge is None or g is None:
                    continue
                child = edge[0]
                if child not in buffers:  # the first gradient for child: it will run
                    if type(child) is acc_type:
                        # a leaf's gradient is complete once the newer nodes that feed it
                        # have run: it waits in a list for the end of the walk instead of
                        # the heap (a parameter's node is older than the graph anyway; only
                        # its hooks may run later than the heap's order would run them)
                        leaves.append(child)
                        buffers[child] = [g]
                        if fresh:
                            owned[child] = True
                        continue
                    heappush(heap, (-child._seq, child))
                    if child._n_outputs == 1:  # the usual case, inline
                        buffers[child] = [g]
                        continue
                _add_to_buffer(buffers, owned, child, edge[1], g, fresh)
        for acc in leaves:
            grad = buffers.pop(acc)[0]
            adopt = owned.pop(acc, False)
            if adopt and acc._pre_hooks is None and not create_graph:
                # a training step's every parameter: a gradient this walk made, no hooks, no
                # .grad yet: the leaf keeps it (what _accumulate_into does, less its checks)
                leaf = acc._variable()
                if leaf is not None and leaf._grad is None and grad._data.dtype is leaf._data.dtype and \
                        grad.grad_fn is None and grad._base is None and not grad._requires_grad and \
                        "post_acc_hooks" not in leaf._extra:
                    leaf._grad = grad
                    continue
            _finish_leaf(acc, grad, adopt, create_graph)
    finally:
        _grad_enabled.reset(token)


def _finish_leaf(acc, grad, adopt, create_graph):
    """Writes the leaf's gradient ``grad`` (the sum of what arrived for it); ``adopt``: the
    walk made it, so the leaf may keep it without a copy."""
    hooks = acc._pre_hooks  # {0: the leaf's hook list}, which may have been emptied since
    if hooks is not None and hooks[0]:
        grad = _run_pre_hooks(acc, [grad])[0]
        adopt = False  # a hook may keep the gradient it saw, or return one it keeps
    leaf = acc._variable()
    if leaf is not None:
        _accumulate_into(leaf, grad, adopt, create_graph)


def _capture(node, gs, targets, captured):
    """autograd.grad / backward(inputs=): keeps the gradients of this node's outputs that
    are targets; True when the node's first output is one."""
    for nr, g in enumerate(gs):
        if g is not None and (node, nr) in targets:
            captured[(node, nr)] = g
    return (node, 0) in targets


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


def _call_backward(node, gs):
    try:  # free when nothing is raised (Python >= 3.11)
        if node._n_outputs == 1:
            out = node.backward(gs[0])
        else:
            out = node.backward(*gs)
    except Exception:
        if _anomaly_enabled[0]:  # PyTorch's warning with the forward traceback of the failing node
            from .anomaly import report_backward_error

            report_backward_error(node)
        raise
    if type(out) is not tuple:
        out = (out,)
    return _checked_result(node, gs, out)


def _checked_result(node, gs, out):
    """A backward's gradients after the checks and hooks that follow it: one per edge, no
    NaN in anomaly mode, then the node's post hooks."""
    if len(out) != len(node.next_edges):
        raise RuntimeError(
            f"{node.name()} returned {len(out)} gradients for {len(node.next_edges)} inputs")
    if _anomaly_enabled[0]:
        from .anomaly import check_backward_result

        check_backward_result(node, out)
    post = node._post_hooks
    if post:
        for hook in list(post):
            res = hook(out, tuple(gs))
            if res is not None:
                out = tuple(res)
    return out


def _accumulate_into(leaf, g, owned, create_graph):
    # equal array dtype objects (NumPy, CuPy) answer without looking up gradkit dtypes
    if g._data.dtype is not leaf._data.dtype and g.dtype is not leaf.dtype:
        g = g.to(leaf.dtype)
    old = leaf._grad
    if old is None:
        if create_graph:
            leaf._grad = g if owned else g.clone()
        elif owned and g.grad_fn is None and g._base is None and not g._requires_grad:
            leaf._grad = g  # a tensor the engine made for this gradient: the leaf keeps it, no copy
        else:
            leaf._grad = _copy(g)
    elif create_graph or old._requires_grad:
        leaf._grad = old + g
    else:
        old._data += g._data
        old._version[0] += 1
    extra = leaf._extra
    if extra is not None:
        hooks = extra.get("post_acc_hooks")
        if hooks:
            for hook in list(hooks):
                if hook(leaf) is not None:
                    raise RuntimeError("Tensor post accumulate grad hooks should return None.")


def _copy(g):
    xp = g._device.backend.xp
    return Tensor._make(xp.asarray(g._data, copy=True), g._device)
