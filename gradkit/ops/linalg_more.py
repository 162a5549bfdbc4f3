"""The rest of torch.linalg's nodes and PyTorch's top-level spellings of linear algebra:
triangular, Cholesky and LU solvers, the matrix exponential, matrix powers, Householder
products (orgqr, ormqr), and the matrix-shaped tensor functions (kron, block_diag, vander,
trapezoid, renorm, prelu). Three nodes (triangular solve, LU, matrix exponential) call backend
kernels; the rest is composed of gradkit ops, so gradients of every order come from theirs.
gradkit/linalg.py composes least squares, condition numbers and tensor inverses from these."""
from __future__ import annotations

import math
import warnings
from collections import namedtuple

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.node import Node
from ..backends.kernels.linalg import LinAlgError
from ._table import Family
from .decompositions import _run_kernel, _wrap, check_matrices, inv, writes_out

FAMILY = Family("linalg_more")

LUFactorResult = namedtuple("lu_factor", ["LU", "pivots"])
LUFactorExResult = namedtuple("lu_factor_ex", ["LU", "pivots", "info"])
LUResult = namedtuple("lu", ["P", "L", "U"])
LUUnpackResult = namedtuple("lu_unpack", ["P", "L", "U"])
TriangularSolveResult = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


def _deprecated(name, instead):
    # PyTorch warns on these spellings, so code ported from it gets the same nudge
    warnings.warn(f"gradkit.{name} is deprecated, as torch.{name} is: use {instead} instead", UserWarning,
                  stacklevel=3)


def _broadcast_batches(op, a, b):
    from ._core import broadcast_shapes_checked

    batch = tuple(broadcast_shapes_checked(op, tuple(a.shape[:-2]), tuple(b.shape[:-2])))
    return a.broadcast_to(batch + tuple(a.shape[-2:])), b.broadcast_to(batch + tuple(b.shape[-2:]))


# -- triangular solves -------------------------------------------------------------------------
class SolveTriangular(Node):
    _backward_name = "LinalgSolveTriangularBackward0"
    saves_inputs = (0,)
    saves_output = True

    def forward(self, backend, a, b, upper, unitriangular):
        self._upper, self._unit = upper, unitriangular
        return backend.linalg_solve_triangular(a, b, upper, unitriangular)

    def backward(self, g):
        # T X = B: gB = T^-T gX, gT = -gB X^T restricted to the triangle that was read
        from .reorder import tril, triu

        (a,) = self.saved_tensors
        gb = SolveTriangular.apply(a.mT, g, upper=not self._upper, unitriangular=self._unit)
        ga = None
        if self.next_edges[0] is not None:
            outer = -(gb @ self.saved_output.mT)
            skip = 1 if self._unit else 0
            ga = triu(outer, skip) if self._upper else tril(outer, -skip)
        return ga, gb


@writes_out
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """X with T X = B (X T = B when not ``left``), T the upper or lower triangle of A (its
    diagonal taken as ones when ``unitriangular``); the other triangle is never read."""
    if isinstance(A, Tensor) and A.ndim >= 2 and A.dtype.category != D.FLOAT:
        raise NotImplementedError(f'"triangular_solve_cpu" not implemented for \'{D.scalar_type_name(A.dtype)}\'')
    check_matrices("linalg.solve_triangular", A)
    if not isinstance(B, Tensor) or B.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    if B.dtype is not A.dtype:
        B = B.to(A.dtype)  # PyTorch computes in A's dtype
    if not left:
        return solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    if B.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B "
                           f"({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    a, b = _broadcast_batches("linalg.solve_triangular", A, B)
    return SolveTriangular.apply(a, b, upper=bool(upper), unitriangular=bool(unitriangular))


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    """torch.triangular_solve (deprecated in PyTorch): X with op(T) X = input, and a copy of A."""
    _deprecated("triangular_solve", "gradkit.linalg.solve_triangular(A, B) (its arguments reversed; no copy of A "
                "is returned)")
    coefficient = A.mT if transpose else A
    solution = solve_triangular(coefficient, input, upper=upper != bool(transpose), unitriangular=unitriangular)
    return TriangularSolveResult(solution, A.clone())


FAMILY.export(triangular_solve)


def cholesky_solve(input, input2, upper=False):
    """X with A X = input where A = L L^T (U^T U when ``upper``) and input2 is the factor."""
    if input.ndim < 2 or input2.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.ndim} dimensions instead"
                           if input.ndim < 2 else
                           f"u should have at least 2 dimensions, but has {input2.ndim} dimensions instead")
    lower = input2.mT if upper else input2
    y = solve_triangular(lower, input, upper=False)
    return solve_triangular(lower.mT, y, upper=True)


FAMILY.export(cholesky_solve)


def cholesky_inverse(input, upper=False):
    """(L L^T)^-1 from the Cholesky factor L (U^T U with ``upper``)."""
    from .creation import eye

    if input.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    identity = eye(input.shape[-1], dtype=input.dtype, device=input.device)
    return cholesky_solve(identity.broadcast_to(tuple(input.shape)), input, upper)


FAMILY.export(cholesky_inverse)


# -- LU ---------------------------------------------------------------------------------------
class LU(Node):
    _backward_name = "LinalgLuBackward0"
    non_differentiable = (0, 3)  # the permutation and the pivots
    saves_inputs = (0,)

    def forward(self, backend, a):
        packed, pivots = backend.linalg_lu(a)
        p, lower, upper = backend.linalg_lu_unpack(packed, pivots)
        return p, lower, upper, pivots

    def backward(self, gp, gl, gu, gpivots):
        # A = P L U; with k = min(m, n), write L = [L1; L2] and U = [U1, U2], L1 and U1 k x k.
        # Square: gA = P L^-T M U^-T with M = tril(L^T gL, -1) + triu(gU U^T).
        # Wide (m < n): U2 = L^-1 (P^T A)_2 adds -gU2 U2^T to L^T gL in M, and
        #   gA = P L^-T [M U1^-T, gU2].
        # Tall (m > n): L2 = (P^T A)_2 U^-1 adds -L2^T gL2 to gU U^T in M, and
        #   gA = P [L1^-T M; gL2] U^-T.
        from .creation import zeros
        from .reorder import tril, triu
        from .shape import cat

        p, lower, upper = self._factors_of(self.saved_tensors[0])
        m, n = lower.shape[-2], upper.shape[-1]
        if gl is None:
            gl = zeros(tuple(lower.shape), dtype=lower.dtype, device=lower.device)
        if gu is None:
            gu = zeros(tuple(upper.shape), dtype=upper.dtype, device=upper.device)
        if m <= n:
            upper1, gu1, gu2 = upper[..., :, :m], gu[..., :, :m], gu[..., :, m:]
            lower_part = lower.mT @ gl
            if m < n:
                lower_part = lower_part - gu2 @ upper[..., :, m:].mT
            middle = tril(lower_part, -1) + triu(gu1 @ upper1.mT)
            right = solve_triangular(upper1.mT, middle, upper=False, left=False)
            if m < n:
                right = cat((right, gu2), -1)
            return p @ solve_triangular(lower.mT, right, upper=True, unitriangular=True)
        lower1, gl1, gl2 = lower[..., :n, :], gl[..., :n, :], gl[..., n:, :]
        upper_part = gu @ upper.mT - lower[..., n:, :].mT @ gl2
        middle = tril(lower1.mT @ gl1, -1) + triu(upper_part)
        left = cat((solve_triangular(lower1.mT, middle, upper=True, unitriangular=True), gl2), -2)
        return p @ solve_triangular(upper.mT, left, upper=False, left=False)

    @staticmethod
    def _factors_of(a):
        # recomputed from the saved input through the op, so that the factors in the formula are
        # differentiable themselves (second order)
        p, lower, upper, _ = LU.apply(a)
        return p, lower, upper


def _check_lu_input(op, A, pivot):
    check_matrices(op, A, square=False)
    if not pivot:
        # PyTorch's CPU message: without pivoting it factorizes on CUDA only
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")


@writes_out
def lu(A, *, pivot=True):
    """P, L, U with A = P L U (partial pivoting)."""
    _check_lu_input("linalg.lu", A, pivot)
    p, lower, upper, _ = LU.apply(A)
    return LUResult(p, lower, upper)


def _pack(lower, upper):
    """The factors in one matrix: L's strict lower triangle over U."""
    from .reorder import tril
    from .shape import cat
    from .creation import zeros

    m, n = lower.shape[-2], upper.shape[-1]
    strict = tril(lower, -1)
    batch = tuple(lower.shape[:-2])
    if m > n:
        upper = cat((upper, zeros(batch + (m - n, n), dtype=upper.dtype, device=upper.device)), -2)
    elif n > m:
        strict = cat((strict, zeros(batch + (m, n - m), dtype=strict.dtype, device=strict.device)), -1)
    return strict + upper


@writes_out
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    _check_lu_input("linalg.lu_factor_ex", A, pivot)
    _, lower, upper, pivots = LU.apply(A)
    packed = _pack(lower, upper)
    info = _first_zero_pivot(upper.detach())
    if check_errors:
        _refuse_zero_pivot("torch.linalg.lu_factor_ex", info)
    return LUFactorExResult(packed, pivots, info)


def _first_zero_pivot(upper):
    """getrf's info: 1 + the index of U's first zero on the diagonal, 0 where there is none."""
    from .creation import arange
    from .select import where

    k = min(upper.shape[-2], upper.shape[-1])
    zero = upper.diagonal(0, -2, -1) == 0
    order = arange(1, k + 1, dtype=D.int32, device=upper.device)
    if k == 0:
        return zero.sum(-1).to(D.int32)
    # orders past k stand for "none", which the remainder maps to 0
    return (where(zero, order, k + 1).amin(-1) % (k + 1)).to(D.int32)


def _refuse_zero_pivot(op, info):
    if bool((info != 0).any()):
        flat = info.reshape(-1)
        first = int(flat.nonzero()[0, 0])
        where = f"(Batch element {first}): " if info.ndim else ""
        k = int(flat[first])
        raise RuntimeError(f"{op}: {where}U[{k},{k}] is zero and using it on lu_solve would result in a division by "
                           "zero. If you still want to perform the factorization, consider calling linalg.lu(A, "
                           "pivot) or linalg.lu_factor_ex(A, pivot)")


@writes_out
def lu_factor(A, *, pivot=True):
    _check_lu_input("linalg.lu_factor", A, pivot)
    packed, pivots, info = lu_factor_ex(A, pivot=pivot)
    _refuse_zero_pivot("torch.linalg.lu_factor", info)
    return LUFactorResult(packed, pivots)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """P, L, U from lu_factor's packed factors (differentiable in the factors)."""
    from .reorder import tril, triu
    from .creation import eye

    m, n = LU_data.shape[-2], LU_data.shape[-1]
    k = min(m, n)
    backend = LU_data.device.backend
    p = _wrap(backend.linalg_lu_unpack(LU_data._data, LU_pivots._data)[0], LU_data) if unpack_pivots else None
    if not unpack_data:
        return LUUnpackResult(p, None, None)
    lower = tril(LU_data[..., :, :k], -1) + eye(m, k, dtype=LU_data.dtype, device=LU_data.device)
    return LUUnpackResult(p, lower, triu(LU_data[..., :k, :]))


FAMILY.export(lu_unpack, method=False)


@writes_out
def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """X with A X = B (X A = B when not ``left``; A^T in place of A with ``adjoint``) for A
    given by lu_factor."""
    check_matrices("torch.linalg.lu_solve", LU)
    if not left:
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    p, lower, upper = lu_unpack(LU, pivots)
    if adjoint:
        # A^T = U^T L^T P^T
        y = solve_triangular(upper.mT, B, upper=False)
        return p @ solve_triangular(lower.mT, y, upper=True, unitriangular=True)
    y = solve_triangular(lower, p.mT @ B, upper=False, unitriangular=True)
    return solve_triangular(upper, y, upper=True)


def lu_legacy(A, pivot=True, get_infos=False):
    """torch.lu (deprecated in PyTorch): (LU, pivots) or (LU, pivots, infos)."""
    _deprecated("lu", "gradkit.linalg.lu_factor or gradkit.linalg.lu_factor_ex")
    packed, pivots, info = lu_factor_ex(A, pivot=pivot)
    return (packed, pivots, info) if get_infos else (packed, pivots)


FAMILY.export(lu_legacy, name="lu")


def lu_solve_legacy(input, LU_data, LU_pivots):
    """torch.lu_solve(b, LU_data, LU_pivots): linalg.lu_solve with b first."""
    _deprecated("lu_solve", "gradkit.linalg.lu_solve(LU, pivots, B) (its arguments reversed)")
    return lu_solve(LU_data, LU_pivots, input)


FAMILY.export(lu_solve_legacy, name="lu_solve")


# -- matrix exponential -----------------------------------------------------------------------
class MatrixExp(Node):
    _backward_name = "LinalgMatrixExpBackward0"
    saves_inputs = (0,)

    def forward(self, backend, a):
        return backend.linalg_matrix_exp(a)

    def backward(self, g):
        # the derivative of exp at A applied to G is the upper-right block of exp([[A, G], [0, A]])
        # (Mathias 1996); the adjoint takes A^T in place of A
        from .creation import zeros
        from .shape import cat

        (a,) = self.saved_tensors
        n = a.shape[-1]
        at = a.mT
        block = cat((cat((at, g), -1), cat((zeros(tuple(a.shape), dtype=a.dtype, device=a.device), at), -1)), -2)
        return matrix_exp(block)[..., :n, n:]


def matrix_exp(A):
    check_matrices("linalg.matrix_exp", A)
    return MatrixExp.apply(A)


FAMILY.export(matrix_exp)


# -- powers and chains of products --------------------------------------------------------------
def matrix_power(A, n):
    """A^n by repeated squaring; negative n through inv(A)."""
    if not isinstance(A, Tensor):
        raise TypeError(f"linalg_matrix_power(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(A).__name__}")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if n == 0:
        from .creation import eye
        from .select import where

        # the identity, connected to A with a zero gradient (PyTorch's result requires grad too)
        identity = eye(A.shape[-1], dtype=A.dtype, device=A.device)
        return where(identity == identity, identity, A)
    if n < 0:
        A = inv(A)
        n = -n
    if n == 1:
        return A.clone()
    result, square = None, None
    while n:
        square = A if square is None else square @ square
        if n & 1:
            result = square if result is None else result @ square
        n >>= 1
    return result


FAMILY.export(matrix_power)


@writes_out
def chain_matmul(*matrices):
    """torch.chain_matmul (deprecated in PyTorch): multi_dot of 2-D matrices."""
    from ..linalg import multi_dot

    _deprecated("chain_matmul", "gradkit.linalg.multi_dot, which takes a list of two or more tensors")
    if len(matrices) == 1:
        return matrices[0].clone()
    for i, m in enumerate(matrices):
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    return multi_dot(matrices)


FAMILY.export(chain_matmul, method=False)



def orgqr(input, input2):
    """torch.orgqr: linalg.householder_product."""
    from ..linalg import householder_product

    return householder_product(input, input2)


FAMILY.export(orgqr)


def ormqr(input, input2, input3, left=True, transpose=False):
    """Q C, Q^T C, C Q or C Q^T for the m x m Q = H_1 ... H_k that geqrf's ``input`` (the
    Householder vectors) and ``input2`` (their scales) stand for."""
    from ..linalg import _householder_matrix

    m = input.shape[-2]
    rows = input3.shape[-2] if left else input3.shape[-1]
    if rows != m:
        side = "other.shape[-2]" if left else "other.shape[-1]"
        raise RuntimeError(f"torch.ormqr: {side} must be equal to input.shape[-2]")
    if input2.shape[-1] > min(rows, input.shape[-1]):
        raise RuntimeError(f"torch.ormqr: tau.shape[-1] must be equal to min(other.shape[{-2 if left else -1}], "
                           "input.shape[-1])")
    q = _householder_matrix(input, input2)
    if transpose:
        q = q.mT
    return q @ input3 if left else input3 @ q


FAMILY.export(ormqr)


# -- matrix-shaped tensor functions -------------------------------------------------------------
def _powers(x, count):
    """x^0 .. x^(count-1) along a new last dim, as running products (PyTorch forms them so)."""
    from .creation import ones_like
    from .shape import cat

    ones = ones_like(x).unsqueeze(-1)
    if count <= 1:
        return ones[..., :count]
    repeated = x.unsqueeze(-1).expand(tuple(x.shape) + (count - 1,))
    return cat((ones, repeated.cumprod(-1)), -1)


def vander(x, N=None, increasing=False):
    """torch.vander: the columns x^(N-1) .. x^0 (x^0 .. x^(N-1) when ``increasing``)."""
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is None:
        N = x.shape[0]
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if x.dtype.category != D.FLOAT:
        x = x.to(D.int64)
    out = _powers(x, N)
    return out if increasing else out.flip(-1)


FAMILY.export(vander, method=False)


def linalg_vander(x, *, N=None):
    """torch.linalg.vander: x^0 .. x^(N-1) along a new last dim, for a batch of vectors."""
    if N is None:
        N = x.shape[-1] if x.ndim else 1
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    return _powers(x, N)


@writes_out
def kron(input, other):
    """The Kronecker product: block (i, j, ...) of the result is input[i, j, ...] * other."""
    ndim = max(input.ndim, other.ndim)
    a_shape = (1,) * (ndim - input.ndim) + tuple(input.shape)
    b_shape = (1,) * (ndim - other.ndim) + tuple(other.shape)
    interleaved_a, interleaved_b = [], []
    for size_a, size_b in zip(a_shape, b_shape):
        interleaved_a += [size_a, 1]
        interleaved_b += [1, size_b]
    product = input.reshape(tuple(interleaved_a)) * other.reshape(tuple(interleaved_b))
    return product.reshape(tuple(size_a * size_b for size_a, size_b in zip(a_shape, b_shape)))


FAMILY.export(kron)


def block_diag(*tensors):
    """The tensors (0-D, 1-D as a row, or 2-D) along the diagonal of one matrix, zeros elsewhere."""
    from .creation import zeros
    from .shape import cat

    blocks = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
        blocks.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not blocks:
        return zeros(1, 0)
    dtype = blocks[0].dtype
    for b in blocks[1:]:
        dtype = D.promote_types(dtype, b.dtype)
    device = blocks[0].device
    width = sum(b.shape[1] for b in blocks)
    rows, start = [], 0
    for b in blocks:
        height, cols = b.shape
        rows.append(cat((zeros(height, start, dtype=dtype, device=device), b.to(dtype),
                         zeros(height, width - start - cols, dtype=dtype, device=device)), 1))
        start += cols
    return cat(rows, 0)


FAMILY.export(block_diag, method=False)


def _spacing(y, x, dx, dim, op):
    """The steps between samples along ``dim``: dx (a number, 1 by default) or the differences
    of x (1-D along dim, or broadcast against y)."""
    if x is not None and dx is not None:
        raise TypeError(f"{op}() received an invalid combination of arguments: x and dx given together")
    if x is None:
        return 1 if dx is None else dx
    dim = dim % y.ndim
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        x = x.reshape((-1,) + (1,) * (y.ndim - 1 - dim))
        axis = -1 - (y.ndim - 1 - dim)
    else:
        axis = dim - y.ndim
    n = x.shape[axis]
    return x.narrow(axis, 1, n - 1) - x.narrow(axis, 0, n - 1)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of y along ``dim`` by the trapezoidal rule."""
    spacing = _spacing(y, x, dx, dim, "trapezoid")
    n = y.shape[dim]
    if n == 0:
        return y.sum(dim) * 0
    if isinstance(spacing, Tensor):
        return ((y.narrow(dim, 1, n - 1) + y.narrow(dim, 0, n - 1)) * spacing).sum(dim) / 2
    # equal steps: the sum of the samples, less half of each end
    ends = y.narrow(dim, 0, 1) + y.narrow(dim, n - 1, 1)
    return (y.sum(dim) - ends.squeeze(dim) * 0.5) * spacing


FAMILY.export(trapezoid, "trapz", method=False)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal integral of y along ``dim`` (one fewer element than y)."""
    spacing = _spacing(y, x, dx, dim, "cumulative_trapezoid")
    n = y.shape[dim]
    pairs = y.narrow(dim, 1, max(n - 1, 0)) + y.narrow(dim, 0, max(n - 1, 0))
    return (pairs * spacing / 2).cumsum(dim)


FAMILY.export(cumulative_trapezoid, method=False)


def renorm(input, p, dim, maxnorm):
    """Each slice along ``dim`` whose p-norm is above maxnorm, scaled to norm maxnorm."""
    from .reduction import norm
    from .select import where

    if input.dtype.category != D.FLOAT:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{D.scalar_type_name(input.dtype)}")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        shown = int(maxnorm) if float(maxnorm).is_integer() else maxnorm  # as PyTorch prints a Scalar
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {shown}")
    n = max(input.ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    dim %= n
    others = tuple(d for d in range(input.ndim) if d != dim)
    norms = norm(input, p, others, True) if others else input.abs()
    # the 1e-7 keeps a slice from dividing by its norm exactly, as PyTorch's kernel does
    return input * where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


FAMILY.export(renorm, inplace=True)


def prelu(input, weight):
    """torch.prelu: nn.functional.prelu."""
    from ..nn._functional_activations import prelu as functional_prelu

    return functional_prelu(input, weight)


FAMILY.export(prelu)
