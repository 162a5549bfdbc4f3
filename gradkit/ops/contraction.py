"""Contractions and fused multiply-adds: einsum, baddbmm, addcmul, addcdiv, lerp, cdist, dist.

Each is composed of gradkit ops (diagonal, sum, permute, reshape, matmul, arithmetic), so its
gradient, and the gradient of that gradient, come from those ops' backwards, and the strict
array-API device runs it through standard functions only.
"""
from __future__ import annotations

import math

from .._tensor import Tensor
from ._table import Family

FAMILY = Family("contraction")

_ELLIPSIS = "..."


# -- einsum ------------------------------------------------------------------------------
def _parse_operand_labels(term, operand, index):
    """The labels of one operand's dims: letters, and for '...' one placeholder per dim it
    covers (("...", k) counted from the right, so ellipses of different ranks line up as
    broadcasting aligns them)."""
    ndim = operand.ndim
    if term.count(_ELLIPSIS) > 1 or (term.replace(_ELLIPSIS, "").count(".")):
        raise RuntimeError("einsum(): found '.' for operand " f"{index} that is not part of any ellipsis")
    head, sep, tail = term.partition(_ELLIPSIS)
    for ch in head + tail:
        if not ch.isalpha():
            raise RuntimeError(f"einsum(): invalid subscript given at index {term.index(ch)} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
    n_letters = len(head) + len(tail)
    if not sep:
        if n_letters != ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n_letters}) does not match the "
                               f"number of dimensions ({ndim}) for operand {index} and no ellipsis was given")
        return list(head)
    if n_letters > ndim:
        raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n_letters}) is more than the "
                           f"number of dimensions ({ndim}) for operand {index}")
    covered = ndim - n_letters
    return list(head) + [(_ELLIPSIS, covered - k) for k in range(covered)] + list(tail)


def _take_repeated_labels(operand, labels, index):
    """A label repeated within one operand reads that operand's diagonal (a trace once summed)."""
    while True:
        seen = {}
        for position, label in enumerate(labels):
            if label in seen:
                first = seen[label]
                if operand.shape[first] != operand.shape[position]:
                    raise RuntimeError(f"einsum(): subscript {label} is repeated for operand {index} but the sizes don't "
                                       f"match, {operand.shape[first]} != {operand.shape[position]}")
                operand = operand.diagonal(0, first, position)
                labels = [lb for k, lb in enumerate(labels) if k not in (first, position)] + [label]
                break
            seen[label] = position
        else:
            return operand, labels


def _sum_labels(operand, labels, drop):
    axes = tuple(k for k, label in enumerate(labels) if label in drop)
    if not axes:
        return operand, labels
    return operand.sum(axes), [label for label in labels if label not in drop]


def _contract_pair(a, la, b, lb, keep):
    """a and b contracted over the labels they share that ``keep`` (the output's and later
    operands' labels) does not hold, as one broadcasting matmul."""
    only_a = {label for label in la if label not in lb and label not in keep}
    only_b = {label for label in lb if label not in la and label not in keep}
    a, la = _sum_labels(a, la, only_a)
    b, lb = _sum_labels(b, lb, only_b)
    shared = [label for label in la if label in lb]
    contracted = [label for label in shared if label not in keep]
    # a size-1 dim broadcasts against its partner: summing the partner first is the same product
    size_a = dict(zip(la, a.shape))
    size_b = dict(zip(lb, b.shape))
    a, la = _sum_labels(a, la, {label for label in contracted if size_a[label] != 1 and size_b[label] == 1})
    b, lb = _sum_labels(b, lb, {label for label in contracted if size_b[label] != 1 and size_a[label] == 1})
    shared = [label for label in la if label in lb]
    contracted = [label for label in shared if label not in keep]
    batch = [label for label in shared if label in keep]
    free_a = [label for label in la if label not in lb]
    free_b = [label for label in lb if label not in la]
    size_a = dict(zip(la, a.shape))
    size_b = dict(zip(lb, b.shape))
    left = a.permute(tuple(la.index(label) for label in batch + free_a + contracted))
    right = b.permute(tuple(lb.index(label) for label in batch + contracted + free_b))
    rows = math.prod(size_a[label] for label in free_a)
    inner = math.prod(size_a[label] for label in contracted)
    cols = math.prod(size_b[label] for label in free_b)
    left = left.reshape(tuple(size_a[label] for label in batch) + (rows, inner))
    right = right.reshape(tuple(size_b[label] for label in batch) + (inner, cols))
    product = left @ right
    batch_shape = tuple(product.shape[:len(batch)])
    out = product.reshape(batch_shape + tuple(size_a[label] for label in free_a)
                          + tuple(size_b[label] for label in free_b))
    return out, batch + free_a + free_b


def _output_labels(rhs, operand_labels):
    if rhs is None:
        # implicit form: the ellipsis dims first, then each label seen once, alphabetically
        counts = {}
        for labels in operand_labels:
            for label in labels:
                if isinstance(label, str):
                    counts[label] = counts.get(label, 0) + 1
        ellipsis_rank = max((sum(1 for lb in labels if not isinstance(lb, str)) for labels in operand_labels),
                            default=0)
        return [(_ELLIPSIS, ellipsis_rank - k) for k in range(ellipsis_rank)] + sorted(
            (label for label, n in counts.items() if n == 1), key=lambda ch: (ch.islower(), ch))
    out = []  # the letters checked so far
    head, sep, tail = rhs.partition(_ELLIPSIS)
    if "." in head + tail:
        raise RuntimeError("einsum(): found '.' for output but it is not part of any ellipsis (...)")
    seen_letters = {label for labels in operand_labels for label in labels if isinstance(label, str)}
    for ch in head + tail:
        if not ch.isalpha():
            raise RuntimeError(f"einsum(): invalid subscript given at index {rhs.index(ch)} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
        if ch in out:
            raise RuntimeError(f"einsum(): output subscript {ch} appears more than once in the output")
        if ch not in seen_letters:
            raise RuntimeError(f"einsum(): output subscript {ch} does not appear in the equation for any input operand")
        out.append(ch)
    ellipsis_rank = max((sum(1 for lb in labels if not isinstance(lb, str)) for labels in operand_labels), default=0)
    return list(head) + ([(_ELLIPSIS, ellipsis_rank - k) for k in range(ellipsis_rank)] if sep else []) + list(tail)


def einsum(equation, *operands):
    """Sums of products over labelled dims (NumPy/PyTorch's einsum notation): explicit
    ('ij,jk->ik') or implicit ('ij,jk') output, '...' for broadcast dims, a label repeated
    in one operand for its diagonal. Operands come as arguments or as one list."""
    if isinstance(equation, Tensor):
        equation, operands = _from_sublists((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' must be str, not {type(equation).__name__}")
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for operand in operands:
        if not isinstance(operand, Tensor):
            raise TypeError(f"einsum(): argument 'operands' must be tuple of Tensors, not {type(operand).__name__}")
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(terms) else
                           "einsum(): fewer operands were provided than specified in the equation")
    operand_labels = [_parse_operand_labels(term, operand, k) for k, (term, operand) in
                      enumerate(zip(terms, operands))]
    output = _output_labels(rhs if arrow else None, operand_labels)
    _check_sizes(operands, operand_labels)

    work = []
    for index, (operand, labels) in enumerate(zip(operands, operand_labels)):
        operand, labels = _take_repeated_labels(operand, labels, index)
        work.append((operand, labels))
    current, labels = work[0]
    for position in range(1, len(work)):
        keep = set(output)
        for _, later in work[position + 1:]:
            keep.update(later)
        current, labels = _contract_pair(current, labels, *work[position], keep)
    current, labels = _sum_labels(current, labels, {label for label in labels if label not in output})
    if labels != output:
        current = current.permute(tuple(labels.index(label) for label in output))
    return current


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _from_sublists(args):
    """einsum(op1, [0, 1], op2, [1, 2], [0, 2]): integer labels (0-51, ... as Ellipsis) as an
    equation string, as PyTorch reads them."""
    def term(sublist):
        out = []
        for label in sublist:
            if label is Ellipsis:
                out.append(_ELLIPSIS)
            elif isinstance(label, int) and 0 <= label < len(_LETTERS):
                out.append(_LETTERS[label])
            else:
                raise RuntimeError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
        return "".join(out)

    operands, terms = list(args[0:-1:2]), [term(sublist) for sublist in args[1::2]]
    equation = ",".join(terms[:len(operands)])
    if len(args) % 2:
        equation += "->" + term(args[-1])
    return equation, tuple(operands)


def _check_sizes(operands, operand_labels):
    sizes = {}
    for index, (operand, labels) in enumerate(zip(operands, operand_labels)):
        own = {}
        for size, label in zip(operand.shape, labels):
            if own.setdefault(label, size) != size:
                raise RuntimeError(f"einsum(): subscript {label} is repeated for operand {index} but the sizes don't "
                                   f"match, {size} != {own[label]}")
        for size, label in zip(operand.shape, labels):
            known = sizes.setdefault(label, size)
            if known != size and 1 not in (known, size):
                if not isinstance(label, str):
                    raise RuntimeError("einsum(): operands do not broadcast with remapped shapes (original->remapped)")
                raise RuntimeError(f"einsum(): subscript {label} has size {size} for operand {index} which does not "
                                   f"broadcast with previously seen size {known}")
            if known == 1:
                sizes[label] = size


FAMILY.export(einsum, method=False)


# -- fused multiply-adds -------------------------------------------------------------------
def _scaled(t, factor):
    return t if factor == 1 else t * factor


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2), batch by batch; beta=0 ignores input's values
    (nan and inf included), as in PyTorch."""
    from .linalg import bmm

    product = _scaled(bmm(batch1, batch2), alpha)
    if beta == 0:
        from ._core import broadcast_shapes_checked

        broadcast_shapes_checked("baddbmm", tuple(input.shape), tuple(product.shape))
        return product
    return _scaled(input, beta) + product


FAMILY.export(baddbmm)


def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 * tensor2."""
    return input + _scaled(tensor1 * tensor2, value)


FAMILY.export(addcmul, inplace=True)


def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 / tensor2 (true division; integer operands are refused, as in
    PyTorch)."""
    if not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
                           "for all dtypes.")
    return input + _scaled(tensor1 / tensor2, value)


FAMILY.export(addcdiv, inplace=True)


def lerp(input, end, weight):
    """input + weight * (end - input); ``weight`` a number or a tensor."""
    if not isinstance(end, Tensor):
        raise TypeError(f"lerp(): argument 'end' (position 1) must be Tensor, not {type(end).__name__}")
    from .. import _dtype as D

    def name(t):
        return D.scalar_type_name(t.dtype).lower()

    if end.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {name(input)} for `end` but got dtype {name(end)}")
    if isinstance(weight, Tensor) and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {name(input)} for `weight` but got dtype {name(weight)}")
    return input + weight * (end - input)


FAMILY.export(lerp, inplace=True)


# -- distances --------------------------------------------------------------------------
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of x1 (..., P, M) and each row of x2 (..., R, M):
    (..., P, R). Written as the norm of the broadcast differences, so a zero distance has
    gradient 0, as PyTorch's kernel defines it."""
    if x1.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if not x1.dtype.is_floating_point:
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {x1.dtype}")
    difference = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    if p == 0:
        # a count of the differing coordinates; PyTorch still records it, with a zero gradient
        return difference.norm(0, -1) + (difference * 0).sum(-1)
    if p in (1, 2, math.inf):
        return difference.norm(p, -1)
    return _safe_p_norm(difference, p)


def _safe_p_norm(difference, p):
    """(sum |d|^p)^(1/p) over the last dim whose gradient is 0 where an element (or the whole
    row) is 0, as PyTorch's cdist backward defines it, rather than 0 * inf for p < 1."""
    from .select import where

    magnitude = difference.abs()
    zero = magnitude == 0
    powered = where(zero, 0.0, where(zero, 1.0, magnitude) ** p)
    total = powered.sum(-1)
    empty = total == 0
    return where(empty, 0.0, where(empty, 1.0, total) ** (1.0 / p))


FAMILY.export(cdist, method=False)


def dist(input, other, p=2):
    """The p-norm of input - other (broadcast)."""
    return (input - other).norm(p)


FAMILY.export(dist)


# -- cross products ------------------------------------------------------------------------
def linalg_cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along ``dim`` (inputs broadcast)."""
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} and "
                           f"{other.shape[dim]}")
    from .shape import stack

    a, b = input.movedim(dim, -1), other.movedim(dim, -1)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    out = stack((a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0), -1)
    return out.movedim(-1, dim)


def cross(input, other, dim=None):
    """torch.cross: along ``dim``, or (deprecated in PyTorch) the first dim of size 3."""
    if dim is None:
        dim = next((k for k, size in enumerate(input.shape) if size == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim)


FAMILY.export(cross)
