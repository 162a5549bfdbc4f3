"""gradkit.linalg: PyTorch's torch.linalg namespace. Norms, cross, vecdot, least squares,
condition numbers, Householder products and tensor inverses are composed of gradkit ops;
inverses, solvers and decompositions are the nodes of ops/decompositions.py and
ops/linalg_more.py."""
from __future__ import annotations

import math
from collections import namedtuple as _namedtuple

from . import _dtype as _D
from ._tensor import Tensor
from .backends.kernels.linalg import LinAlgError
from .ops.contraction import linalg_cross as cross
from .ops.decompositions import (check_matrices as _check_matrices, cholesky, cholesky_ex, det, eigh, eigvalsh, inv,
                                 inv_ex, matrix_rank, pinv, qr, slogdet, solve, solve_ex, svd, svdvals,
                                 writes_out as _writes_out)
from .ops.linalg import matmul
from .ops.linalg_more import (linalg_vander as vander, lu, lu_factor, lu_factor_ex, lu_solve, matrix_exp, matrix_power,
                              solve_triangular)
from .ops.reduction import norm as _norm

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve", "cholesky", "qr", "svd",
           "svdvals", "eigh", "eigvalsh", "pinv", "matrix_rank", "cross", "vecdot", "LinAlgError", "matmul",
           "diagonal", "vander", "matrix_power", "multi_dot", "inv_ex", "cholesky_ex", "solve_ex", "solve_triangular",
           "lstsq", "lu_factor", "lu_factor_ex", "lu", "lu_solve", "matrix_exp", "cond", "householder_product",
           "tensorinv", "tensorsolve", "eig", "eigvals"]

_LstsqResult = _namedtuple("lstsq", ["solution", "residuals", "rank", "singular_values"])


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The ord-norm of x's elements over ``dim`` (all of them by default)."""
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord}")
    return _norm(x, ord, dim, keepdim, dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """'fro', 'nuc', 1, -1, 2, -2, inf or -inf norm of the matrices over the two dims ``dim``."""
    if dtype is not None:
        A = A.to(dtype)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got " + str(dim))
    rows, cols = (d % A.ndim for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return _norm(A, 2, (rows, cols), keepdim)
    if ord in ("nuc", 2, -2):
        s = svdvals(A.movedim((rows, cols), (-2, -1)))
        out = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            for d in sorted((rows, cols)):
                out = out.unsqueeze(d)
        return out
    if ord in (1, -1, math.inf, -math.inf):
        # 1: the largest column sum of |A|; inf: the largest row sum
        summed, extreme = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = A.abs().sum(summed, keepdim=True)
        out = sums.amax(extreme, keepdim=True) if ord > 0 else sums.amin(extreme, keepdim=True)
        return out if keepdim else out.squeeze((rows, cols))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """vector_norm for a 1-D input or one dim, matrix_norm for a 2-D input or two dims; with
    neither ord nor dim, the 2-norm of all elements."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if len(dim) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.ndim}D.")


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """torch.diagonal with the last two dims as the default (a view)."""
    return A.diagonal(offset, dim1, dim2)


def vecdot(x, y, *, dim=-1):
    """sum(x * y) over ``dim`` (broadcast)."""
    if not isinstance(x, Tensor) or not isinstance(y, Tensor):
        raise TypeError("linalg.vecdot(): argument must be Tensor")
    return (x * y).sum(dim)


# -- least squares, condition numbers, Householder products, tensor inverses -------------------
_LSTSQ_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of A X = B through the pseudo-inverse (the minimum-norm
    solution, which LAPACK's gelsy, gelsd and gelss give too); residuals, rank and singular
    values where PyTorch's CPU driver reports them."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    _check_matrices("torch.linalg.lstsq", A, square=False)
    if driver is None:
        driver = "gelsy"
    if driver not in _LSTSQ_DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vector = B.ndim == A.ndim - 1
    if not vector and B.ndim != A.ndim:
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    b = B.unsqueeze(-1) if vector else B
    if b.shape[-2] != A.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input's dtype {_D.scalar_type_name(A.dtype)} and other's dtype "
                           f"{_D.scalar_type_name(B.dtype)}")
    m, n = A.shape[-2], A.shape[-1]
    if rcond is None:
        rcond = _D.finfo(A.dtype).eps * max(m, n)
    solution = pinv(A, rtol=rcond) @ b
    empty = A.new_empty((0,))
    full_rank = matrix_rank(A, rtol=rcond)
    rank = empty.long() if driver == "gels" else full_rank
    singular_values = svdvals(A.detach()) if driver in ("gelsd", "gelss") else empty
    residuals = empty
    # LAPACK leaves the residuals in B's last m - n rows only where it solved a full-rank tall
    # system (every driver but gelsy)
    if m > n and driver != "gelsy" and bool((full_rank == n).all()):
        residuals = ((A @ solution - b) ** 2).sum(-2)
    if vector:
        solution = solution.squeeze(-1)
        if residuals.numel():
            residuals = residuals.squeeze(-1)
    return _LstsqResult(solution, residuals, rank, singular_values)


@_writes_out
def cond(A, p=None):
    """The condition number in the p-norm: the ratio of the extreme singular values for
    p = None, 2, -2; ||A|| ||A^-1|| otherwise (inf for a singular matrix, as in PyTorch)."""
    from .ops.select import where

    if p in (None, 2, -2):
        _check_matrices("linalg.cond", A, square=False)
        s = svdvals(A)
        largest, smallest = s[..., 0], s[..., -1]
        return largest / smallest if p != -2 else smallest / largest
    if p not in ("fro", "nuc", 1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    _check_matrices(f"linalg.cond(ord={p})", A)
    inverse, info = inv_ex(A)
    failed = info != 0
    if not bool(failed.any()):
        return matrix_norm(A, p) * matrix_norm(inverse, p)
    # inv_ex left nan where a matrix is singular: its condition number is inf, as in PyTorch
    finite_inverse = where(failed.unsqueeze(-1).unsqueeze(-1), 0.0, inverse)
    return where(failed, math.inf, matrix_norm(A, p) * matrix_norm(finite_inverse, p))


@_writes_out
def householder_product(A, tau):
    """The first n columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^T, v_i the i-th column of A
    below its diagonal with a one on it (LAPACK's orgqr)."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.householder_product: input must have at least 2 dimensions.")
    m, n = A.shape[-2], A.shape[-1]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    k = tau.shape[-1]
    if k > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError("torch.linalg.householder_product: Expected tau to have one dimension less than input, "
                           f"but got tau.ndim equal to {tau.ndim} and input.ndim is equal to {A.ndim}")
    return _householder_matrix(A, tau)[..., :, :n]


def _householder_matrix(A, tau):
    """The whole m x m product H_1 ... H_k (torch.ormqr multiplies by it)."""
    from .ops.creation import eye
    from .ops.reorder import tril

    m, n = A.shape[-2], A.shape[-1]
    vectors = tril(A, -1) + eye(m, n, dtype=A.dtype, device=A.device)
    q = eye(m, dtype=A.dtype, device=A.device)
    for i in range(tau.shape[-1]):
        v = vectors[..., :, i:i + 1]
        q = q - (q @ v) * tau[..., i:i + 1].unsqueeze(-1) @ v.mT
    return q


@_writes_out
def multi_dot(tensors):
    """The product of a chain of matrices (the first may be a row vector, the last a column
    vector), multiplied in the order that costs the fewest multiplications."""
    count = len(tensors)
    if count < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {count}")
    first_vector = tensors[0].ndim == 1
    last_vector = tensors[-1].ndim == 1
    for i, t in enumerate(tensors):
        expected = 2 if 0 < i < count - 1 else (1, 2)
        if t.ndim not in ((expected,) if isinstance(expected, int) else expected):
            where = "first" if i == 0 else "last" if i == count - 1 else None
            raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.ndim}D" if where else
                               f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{_c_type_name(tensors[0].dtype)} and tensor {i} {_c_type_name(t.dtype)}")
    mats = list(tensors)
    if first_vector:
        mats[0] = mats[0].unsqueeze(0)
    if last_vector:
        mats[-1] = mats[-1].unsqueeze(-1)
    for i in range(count - 1):
        if mats[i].shape[-1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} and "
                               f"{list(tensors[i + 1].shape)} cannot be multiplied")
    result = _chain(mats, _chain_order(mats), 0, count - 1)
    if first_vector and last_vector:
        return result.reshape(())
    if first_vector:
        return result.squeeze(0)
    if last_vector:
        return result.squeeze(-1)
    return result


# the C++ type names PyTorch's multi_dot message uses
_C_TYPE_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
                 "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
                 "uint8": "unsigned char", "bool": "bool"}


def _c_type_name(dtype):
    name = str(dtype).rsplit(".", 1)[-1]
    return _C_TYPE_NAMES.get(name, name)


def _chain_order(mats):
    """split[i][j]: where the cheapest product of mats[i..j] splits (matrix-chain order)."""
    dims = [m.shape[0] for m in mats] + [mats[-1].shape[1]]
    count = len(mats)
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    k = split[i][j]
    return _chain(mats, split, i, k) @ _chain(mats, split, k + 1, j)


def _numel(shape):
    return math.prod(shape)


@_writes_out
def tensorinv(A, ind=2):
    """The tensor T with tensordot(A, T, ind) the identity: inv of A read as a matrix."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    if _numel(rows) != _numel(cols):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {_numel(cols)} != {_numel(rows)}")
    return inv(A.reshape(_numel(rows), _numel(cols))).reshape(cols + rows)


@_writes_out
def tensorsolve(A, B, dims=None):
    """X with tensordot(A, X, X.ndim) = B."""
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = A.movedim(dims, list(range(A.ndim - len(dims), A.ndim)))
    result_shape = tuple(A.shape[B.ndim:])
    rows = _numel(tuple(B.shape))
    if _numel(result_shape) != rows:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {_numel(result_shape)} != {rows}")
    return solve(A.reshape(rows, rows), B.reshape(rows)).reshape(result_shape)


def eig(A, *, out=None):
    raise TypeError("linalg.eig: the eigenvalues of a general real matrix may be complex, and gradkit has no "
                    "complex dtypes; for a symmetric matrix use linalg.eigh")


def eigvals(A, *, out=None):
    raise TypeError("linalg.eigvals: the eigenvalues of a general real matrix may be complex, and gradkit has no "
                    "complex dtypes; for a symmetric matrix use linalg.eigvalsh")
