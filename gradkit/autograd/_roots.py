"""What a backward call starts from: its output tensors checked, each one's gradient (given,
or the implicit 1 of a scalar), and the walk's roots with the gradients arrived at them."""
from __future__ import annotations

from .._dtype import FLOAT
from .._tensor import Tensor


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


def _seed(tensors, grads):
    """The roots of the walk (their nodes, in order) and the gradients arrived at them."""
    buffers = {}
    roots = []
    for t, g in zip(tensors, grads):
        node, nr = t._edge()
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
            roots.append(node)
        old = buf[nr]
        buf[nr] = g if old is None else old + g
    return roots, buffers
