"""Pictures of the backward graph, in the style of torchviz.

    dot = gradkit.viz.to_dot(loss, params=dict(model.named_parameters()))
    gradkit.viz.render(loss, "graph.svg", params=dict(model.named_parameters()))

``to_dot`` returns Graphviz DOT text and needs nothing installed. Arrows run the way the
forward pass did: from the leaves (light blue, named from ``params`` when given) through
the ops (their backward names, e.g. ``MulBackward0``) to the output (green). Each box
shows the shape, dtype and device of the tensor it stands for where the graph still knows
them: leaves and outputs always; an op's output when some node saved it for backward
(before ``backward()`` frees the saved tensors). ``show_attrs=True`` adds each op's
settings (dim, keepdim, ...) and the shapes of the tensors it saved.

``render`` writes the picture to a file (svg or png); it needs the ``graphviz`` Python
package and Graphviz's ``dot`` program.
"""
from __future__ import annotations

import os
import shutil

from ._tensor import Tensor

__all__ = ["to_dot", "render"]

_HEADER = ('digraph {\n'
           '\tgraph [size="12,12"]\n'
           '\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]\n')


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _meta(shape, dtype, device) -> str:
    dims = ", ".join(str(int(s)) for s in shape)
    return f"({dims}) {getattr(dtype, 'name', dtype)} {device}"


def _tensor_meta(t: Tensor) -> str:
    return _meta(t.shape, t.dtype, t.device)


def _array_meta(data, device) -> str:
    from ._dtype import dtype_of_array

    return _meta(data.shape, dtype_of_array(data), device)


def _attrs(node) -> list[str]:
    """Simple settings of an op (ints, floats, bools, strings, tuples of them)."""
    lines = []
    for key, value in sorted(getattr(node, "__dict__", {}).items()):
        if key.startswith("_") or key in ("variable", "xp", "msg", "saves_inputs"):
            continue
        if isinstance(value, (bool, int, float, str)) or (
                isinstance(value, tuple) and all(isinstance(v, (bool, int, float, str)) for v in value)):
            lines.append(f"{key}: {value!r}")
    return lines


def _walk(roots):
    """Every node reachable from the root nodes, in a stable order (depth first)."""
    order, seen = [], set()
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        for edge in reversed(node.next_edges):
            if edge is not None and id(edge[0]) not in seen:
                stack.append(edge[0])
    return order


def to_dot(tensor, params=None, show_attrs=False) -> str:
    """The DOT text of the backward graph of ``tensor`` (or of a tuple/list of tensors).

    ``params``: a dict name -> tensor naming leaves, e.g. ``dict(model.named_parameters())``.
    """
    from .autograd.node import AccumulateGrad

    if isinstance(tensor, Tensor):
        outputs = (tensor,)
    elif isinstance(tensor, (tuple, list)):
        outputs = tuple(tensor)
    else:
        raise TypeError(f"to_dot: expected a Tensor or a tuple of Tensors, got {type(tensor).__name__}")
    for i, t in enumerate(outputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"to_dot: expected a Tensor or a tuple of Tensors, got {type(t).__name__} at position {i}")
    names = {}
    if params is not None:
        for name, p in dict(params).items():
            if not isinstance(p, Tensor):
                raise TypeError(f"to_dot: params must map names to Tensors, but {name!r} is a {type(p).__name__}")
            names[id(p)] = name
    roots = [t.grad_fn for t in outputs if t.grad_fn is not None]
    nodes = _walk(roots)
    ids = {id(n): f"n{k}" for k, n in enumerate(nodes)}

    # what the graph knows about each op's output: saved outputs, and tensors saved by their consumers
    known = {}
    for node in nodes:
        out = getattr(node, "_saved_output", None)
        if out is not None and out[0] is not None:
            known[(id(node), 0)] = _array_meta(out[0], out[3])
        for t in getattr(node, "_saved", None) or ():
            if isinstance(t, Tensor) and t.grad_fn is not None and t._data is not None:
                known.setdefault((id(t.grad_fn), t._output_nr), _tensor_meta(t))
    for t in outputs:
        if t.grad_fn is not None:
            known[(id(t.grad_fn), t._output_nr)] = _tensor_meta(t)

    lines = [_HEADER]
    for node in nodes:
        nid = ids[id(node)]
        if type(node) is AccumulateGrad:
            var = node.variable
            if var is None:  # a leaf nothing else holds any more (the node refers to it weakly)
                label = "leaf (freed)"
            else:
                label = f"{names.get(id(var), 'leaf')}\n{_tensor_meta(var)}"
            lines.append(f"\t{nid} [label={_quote(label)} fillcolor=lightblue]\n")
            continue
        label = [node.name()]
        metas = [known.get((id(node), nr)) for nr in range(getattr(node, "_n_outputs", 1))]
        if any(metas):
            label += [m if len(metas) == 1 else f"out {nr}: {m}" for nr, m in enumerate(metas) if m]
        if show_attrs:
            label += _attrs(node)
            for j, t in enumerate(getattr(node, "_saved", None) or ()):
                if isinstance(t, Tensor) and t._data is not None:
                    label.append(f"saved {j}: {_tensor_meta(t)}")
            out = getattr(node, "_saved_output", None)
            if out is not None and out[0] is not None:
                label.append(f"saved output: {_array_meta(out[0], out[3])}")
        lines.append(f"\t{nid} [label={_quote(chr(10).join(label))}]\n")
    for node in nodes:
        for edge in node.next_edges:
            if edge is not None:
                lines.append(f"\t{ids[id(edge[0])]} -> {ids[id(node)]}\n")
    for k, t in enumerate(outputs):
        oid = f"out{k}"
        label = f"{names.get(id(t), 'output' if len(outputs) == 1 else f'output {k}')}\n{_tensor_meta(t)}"
        lines.append(f"\t{oid} [label={_quote(label)} fillcolor=darkolivegreen1]\n")
        if t.grad_fn is not None:
            lines.append(f"\t{ids[id(t.grad_fn)]} -> {oid}\n")
        elif t.requires_grad:
            pass  # a leaf output: nothing recorded before it
    lines.append("}\n")
    return "".join(lines)


_FORMATS = ("svg", "png", "pdf")


def render(tensor, path, format="svg", params=None, show_attrs=False):
    """Writes the picture of ``tensor``'s backward graph to ``path`` (format ``'svg'``,
    ``'png'`` or ``'pdf'``) and returns the path. Needs the ``graphviz`` Python package and
    Graphviz's ``dot`` program; ``to_dot`` gives the DOT text without either."""
    if format not in _FORMATS:
        raise ValueError(f"render: format must be one of {', '.join(_FORMATS)}, got {format!r}")
    text = to_dot(tensor, params=params, show_attrs=show_attrs)
    try:
        import graphviz
    except ImportError:
        raise ImportError("gradkit.viz.render needs the 'graphviz' Python package (pip install graphviz) and "
                          "Graphviz's 'dot' program (apt-get install graphviz, brew install graphviz, ...); "
                          "gradkit.viz.to_dot(...) gives the DOT text without either") from None
    if shutil.which("dot") is None:
        raise RuntimeError("gradkit.viz.render needs Graphviz's 'dot' program on the PATH (apt-get install graphviz, "
                           "brew install graphviz, conda install graphviz, ...); gradkit.viz.to_dot(...) gives the DOT "
                           "text without it")
    data = graphviz.Source(text).pipe(format=format)
    path = os.fspath(path)
    with open(path, "wb") as f:
        f.write(data)
    return path
