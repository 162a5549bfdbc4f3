"""Matrix products. Operands must share a dtype, as in PyTorch (no implicit promotion)."""
from __future__ import annotations

from .._tensor import Tensor
from ..autograd.node import Node
from ._core import check_same_device, sum_to
from ._table import Family
from .._dtype import bool_ as _BOOL
from .nn.linear import Linear as _Linear
from .nn.linear import LinearGradWeight as _LinearGradWeight

FAMILY = Family("linalg")


def _dims(shape):
    return "x".join(str(s) for s in shape)


class MatMul(Node):
    saves_inputs = (0, 1)

    def forward(self, backend, a, b):
        return backend.matmul(a, b)

    def backward(self, g):
        a, b = self.saved_tensors
        wa, wb = self.next_edges[0] is not None, self.next_edges[1] is not None
        ga = gb = None
        if a.ndim == 1 and b.ndim == 1:
            ga = g * b if wa else None
            gb = g * a if wb else None
        elif a.ndim == 1:
            g2 = g.unsqueeze(-2)
            ga = sum_to(g2 @ b.mT, (1, a.shape[0])).reshape(a.shape) if wa else None
            gb = sum_to(a.unsqueeze(-1) @ g2, b.shape) if wb else None
        elif b.ndim == 1:
            g2 = g.unsqueeze(-1)
            ga = sum_to(g2 @ b.unsqueeze(0), a.shape) if wa else None
            gb = sum_to(a.mT @ g2, (b.shape[0], 1)).reshape(b.shape) if wb else None
        elif b.ndim == 2:
            # a linear layer's two products, without the transposes: g @ b^T is Linear(g, b),
            # a^T @ g is LinearGradWeight(a, g) (each its own differentiable op), which sums
            # over a stack of a's matrices in the one product
            ga = _Linear.apply(g, b) if wa else None
            gb = _LinearGradWeight.run(a, g) if wb else None
        else:
            ga = sum_to(g @ b.mT, a.shape) if wa else None
            gb = sum_to(a.mT @ g, b.shape) if wb else None
        return ga, gb


# PyTorch names the backward node after the kernel a matmul dispatches to; scripts and
# tests print grad_fn, so gradkit uses the same names for the same cases.
class DotNode(MatMul):
    _backward_name = "DotBackward0"


class MvNode(MatMul):
    _backward_name = "MvBackward0"


class MmNode(MatMul):
    _backward_name = "MmBackward0"


class BmmNode(MatMul):
    _backward_name = "BmmBackward0"


def _matmul_node(ndim_a, ndim_b):
    if ndim_a == 1 and ndim_b == 1:
        return DotNode
    if ndim_a == 2 and ndim_b == 1:
        return MvNode
    if ndim_a == 2 and ndim_b == 2:
        return MmNode
    if ndim_a == 3 and ndim_b == 3:
        return BmmNode
    return MatMul


def _check(op, a, b):
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        bad = a if not isinstance(a, Tensor) else b
        raise TypeError(f"{op}(): argument must be Tensor, not {type(bad).__name__}")
    check_same_device(op, a, b)
    # one array dtype object gives one gradkit dtype: the lookups only when the objects differ
    if a._data.dtype is not b._data.dtype and a.dtype is not b.dtype and not _autocast_casts(a, b):
        raise RuntimeError(f"{op}: expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}")
    if a.dtype is _BOOL:
        raise RuntimeError(f"{op}: \"addmm\" not implemented for 'Bool'")


def _autocast_casts(a, b):
    """Whether an autocast region will give the operands one dtype (asked only when they differ)."""
    from ..amp._state import mixes_lower_precision

    return mixes_lower_precision(a._device.type, a.dtype, b.dtype)


def matmul(input, other, *, out=None):
    """Matrix product with NumPy's rules for 1-D operands and broadcast batch dims."""
    _check("matmul", input, other)
    sa, sb = input._data.shape, other._data.shape
    if not sa or not sb:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {len(sa)}D and {len(sb)}D")
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        if len(sa) == 1 and len(sb) == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the "
                               f"same number of elements, but got {sa[0]} and {sb[0]} elements respectively")
        left = _dims(sa if len(sa) > 1 else (1,) + sa)
        right = _dims(sb if len(sb) > 1 else sb + (1,))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({left} and {right})")
    if len(sa) > 2 and len(sb) > 2:
        from ._core import broadcast_shapes_checked

        broadcast_shapes_checked("matmul", sa[:-2], sb[:-2])
    result = _matmul_node(len(sa), len(sb)).apply(input, other)
    if out is not None:
        from ._core import _out

        return _out(result, out)
    return result


FAMILY.export(matmul)


def mm(input, mat2):
    _check("mm", input, mat2)
    if input._data.ndim != 2:
        raise RuntimeError(f"self must be a matrix (mm got a {input._data.ndim}-D tensor)")
    if mat2._data.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix (mm got a {mat2._data.ndim}-D tensor)")
    return matmul(input, mat2)


FAMILY.export(mm)


def mv(input, vec):
    _check("mv", input, vec)
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, {vec._data.ndim}")
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input._data.shape[0]}), mat ({_dims(input._data.shape)}), "
                           f"vec ({vec._data.shape[0]})")
    return matmul(input, vec)


FAMILY.export(mv)


def dot(input, other):
    _check("dot", input, other)
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    return matmul(input, other)


inner = dot
vdot = dot
FAMILY.export(dot, "inner")
FAMILY.export(dot, name="vdot", method=False)


def bmm(input, mat2):
    _check("bmm", input, mat2)
    if input._data.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor (got {input._data.ndim}D)")
    if mat2._data.ndim != 3:
        raise RuntimeError(f"batch2 must be a 3D tensor (got {mat2._data.ndim}D)")
    if input._data.shape[0] != mat2._data.shape[0]:
        raise RuntimeError(f"bmm: batch1 and batch2 must have same number of batches, got {input._data.shape[0]} and "
                           f"{mat2._data.shape[0]}")
    return matmul(input, mat2)


FAMILY.export(bmm)


def outer(input, vec2):
    _check("outer", input, vec2)
    if input._data.ndim != 1 or vec2._data.ndim != 1:
        raise RuntimeError(f"outer: expected 1-D tensors, got {input._data.ndim}-D and {vec2._data.ndim}-D")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


ger = outer
FAMILY.export(outer, "ger")


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    prod = mm(mat1, mat2)
    if beta == 0:
        # PyTorch ignores input's values then (nan and inf included), keeping its shape check
        from ._core import broadcast_shapes_checked

        broadcast_shapes_checked("addmm", tuple(input.shape), tuple(prod.shape))
        return prod * alpha if alpha != 1 else prod
    return (input * beta if beta != 1 else input) + (prod * alpha if alpha != 1 else prod)


FAMILY.export(addmm)


def tensordot(a, b, dims=2):
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da = list(range(a.ndim - dims, a.ndim))
        db = list(range(dims))
    else:
        da, db = [list(d) if isinstance(d, (list, tuple)) else [d] for d in dims]
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
        da = [d % a.ndim for d in da]
        db = [d % b.ndim for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {i} "
                               f"and second has size {b.shape[j]} in dim {j}")
    free_a = [i for i in range(a.ndim) if i not in da]
    free_b = [i for i in range(b.ndim) if i not in db]
    import math

    ka = math.prod(a.shape[i] for i in da)
    left = a.permute(tuple(free_a + da)).reshape(-1, ka)
    right = b.permute(tuple(db + free_b)).reshape(ka, -1)
    return (left @ right).reshape(tuple(a.shape[i] for i in free_a) + tuple(b.shape[i] for i in free_b))


FAMILY.export(tensordot, method=False)


def trace(input):
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    n = min(input.shape)
    from .creation import arange

    idx = arange(n, device=input.device)
    return input[idx, idx].sum()


FAMILY.export(trace)


def diag(input, diagonal=0):
    from .creation import arange, zeros

    if input.ndim == 1:
        n = input.shape[0] + abs(diagonal)
        out = zeros((n, n), dtype=input.dtype, device=input.device)
        idx = arange(input.shape[0], device=input.device)
        rows, cols = (idx, idx + diagonal) if diagonal >= 0 else (idx - diagonal, idx)
        from .indexing import IndexAdd, convert_key

        key, _ = convert_key(out, (rows, cols))
        return IndexAdd.apply(input, key=key, shape=(n, n), device=input._device)
    n = min(input.shape[0], input.shape[1] - diagonal) if diagonal >= 0 else min(input.shape[0] + diagonal,
                                                                                 input.shape[1])
    idx = arange(max(n, 0), device=input.device)
    rows, cols = (idx, idx + diagonal) if diagonal >= 0 else (idx - diagonal, idx)
    return input[rows, cols]


FAMILY.export(diag)
