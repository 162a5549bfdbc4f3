"""Inverses, determinants, solvers and decompositions of (batches of) real matrices, with
PyTorch's gradients. Forwards call the backend's linalg kernels; backwards are written with
gradkit ops, so the gradient of a gradient comes from the same formulas."""
from __future__ import annotations

import math
from collections import namedtuple

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.node import Node
from ..backends.kernels.linalg import _NOT_PD, _SINGULAR, LinAlgError
from ._table import Family

FAMILY = Family("decompositions")

SlogdetResult = namedtuple("slogdet", ["sign", "logabsdet"])
QRResult = namedtuple("qr", ["Q", "R"])
SVDResult = namedtuple("svd", ["U", "S", "Vh"])
EighResult = namedtuple("eigh", ["eigenvalues", "eigenvectors"])
InvExResult = namedtuple("inv_ex", ["inverse", "info"])
CholeskyExResult = namedtuple("cholesky_ex", ["L", "info"])
SolveExResult = namedtuple("solve_ex", ["result", "info"])


def check_matrices(op, a, square=True):
    if not isinstance(a, Tensor):
        raise TypeError(f"{op}(): argument 'A' (position 1) must be Tensor, not {type(a).__name__}")
    if a.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if a.dtype.category != D.FLOAT:
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got "
                           f"{D.scalar_type_name(a.dtype)}")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")


def _run_kernel(kernel, *tensors):
    """A kernel's raw result on the tensors' arrays (for info tensors: nothing to differentiate)."""
    return getattr(tensors[0].device.backend, kernel)(*[t._data for t in tensors])


def _wrap(array, like):
    return Tensor._make(array, like._device)


def _matrix_scalar(t):
    """A batch of scalars broadcast against a batch of matrices."""
    return t.unsqueeze(-1).unsqueeze(-1)


def _eye_like(a):
    from .creation import eye

    return eye(a.shape[-1], dtype=a.dtype, device=a.device)


# -- inverse, determinant, solve ------------------------------------------------------------
class Inv(Node):
    _backward_name = "LinalgInvExBackward0"
    saves_output = True

    def forward(self, backend, a):
        return backend.linalg_inv(a)

    def backward(self, g):
        inverse_t = self.saved_output.mT
        return -(inverse_t @ g @ inverse_t)


def inv(A):
    check_matrices("linalg.inv", A)
    return Inv.apply(A)


def inverse(input):
    return inv(input)


FAMILY.export(inverse)


class Det(Node):
    _backward_name = "LinalgDetBackward0"
    saves_inputs = (0,)
    saves_output = True

    def forward(self, backend, a):
        return backend.linalg_det(a)

    def backward(self, g):
        # d det(A) = det(A) tr(A^-1 dA); written with the inverse, so A must be invertible
        (a,) = self.saved_tensors
        return _matrix_scalar(g * self.saved_output) * inv(a).mT


def det(A):
    check_matrices("linalg.det", A)
    return Det.apply(A)


FAMILY.export(det)


class Slogdet(Node):
    _backward_name = "LinalgSlogdetBackward0"
    saves_inputs = (0,)
    non_differentiable = (0,)  # the sign

    def forward(self, backend, a):
        return backend.linalg_slogdet(a)

    def backward(self, gsign, glogabsdet):
        (a,) = self.saved_tensors
        return _matrix_scalar(glogabsdet) * inv(a).mT


def slogdet(A):
    """(sign, log|det|): the sign carries no gradient, as in PyTorch."""
    check_matrices("linalg.slogdet", A)
    return SlogdetResult(*Slogdet.apply(A))


FAMILY.export(slogdet)


def logdet(input):
    """log det(A): nan where the determinant is negative, -inf where it is 0, as in PyTorch."""
    sign, logabsdet = slogdet(input)
    from .select import where

    return where(sign < 0, float("nan"), logabsdet)


FAMILY.export(logdet)


class Solve(Node):
    _backward_name = "LinalgSolveExBackward0"
    saves_inputs = (0,)
    saves_output = True

    def forward(self, backend, a, b):
        return backend.linalg_solve(a, b)

    def backward(self, g):
        # solve() broadcast A and B to one batch shape first, so no gradient needs summing here
        (a,) = self.saved_tensors
        gb = Solve.apply(a.mT, g)
        ga = -(gb @ self.saved_output.mT) if self.next_edges[0] is not None else None
        return ga, gb


def solve(A, B, *, left=True):
    """X with A X = B (X A = B when not ``left``); B is a batch of vectors when its shape is
    A's without the last dim (or it is 1-D), as in PyTorch."""
    check_matrices("linalg.solve", A)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{D.scalar_type_name(A.dtype)} and B of type {D.scalar_type_name(B.dtype)} instead")
    if not left:
        return solve(A.mT, B.mT).mT
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector:
        return solve(A, B.unsqueeze(-1)).squeeze(-1)
    if B.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    from ._core import broadcast_shapes_checked

    batch = broadcast_shapes_checked("linalg.solve", tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    return Solve.apply(A.broadcast_to(tuple(batch) + tuple(A.shape[-2:])),
                       B.broadcast_to(tuple(batch) + tuple(B.shape[-2:])))


# -- cholesky -------------------------------------------------------------------------------
def _phi(m):
    """The lower triangle of m with its diagonal halved."""
    from .reorder import diag_embed, tril

    return tril(m) - 0.5 * diag_embed(m.diagonal(0, -2, -1))


class Cholesky(Node):
    _backward_name = "LinalgCholeskyExBackward0"
    saves_output = True

    def forward(self, backend, a):
        return backend.linalg_cholesky(a)

    def backward(self, g):
        # A = L L^T: gA = sym(L^-T phi(L^T gL) L^-1), with sym(X) = (X + X^T) / 2
        from .reorder import tril

        lower = self.saved_output
        lower_inv = inv(lower)
        middle = lower_inv.mT @ _phi(lower.mT @ tril(g)) @ lower_inv
        return 0.5 * (middle + middle.mT)


def cholesky(A, *, upper=False):
    check_matrices("linalg.cholesky", A)
    lower = Cholesky.apply(A)
    return lower.mT if upper else lower


# -- qr, eigh, svd ---------------------------------------------------------------------------
# Their backwards recompute the decomposition from the saved input with gradkit's op, so the
# factors used in the formulas are themselves differentiable (second order) and the node keeps
# no reference to its own outputs.
def _skew(x):
    return x - x.mT


class QR(Node):
    _backward_name = "LinalgQrBackward0"
    saves_inputs = (0,)

    def forward(self, backend, a, mode):
        self._complete = mode == "complete"
        return backend.linalg_qr(a, mode)

    def backward(self, gq, gr):
        # A = QR with m >= n (reduced): M = R gR^T - gQ^T Q, gA = (gQ + Q copyltu(M)) R^-T,
        # where copyltu(M) mirrors M's strict lower triangle above the diagonal
        (a,) = self.saved_tensors
        rows, cols = a.shape[-2], a.shape[-1]
        if rows < cols:
            raise NotImplementedError("gradkit differentiates linalg.qr only for matrices with at least as many "
                                      "rows as columns")
        if self._complete and rows > cols:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        from .reorder import tril

        q, r = qr(a)
        m = 0
        if gr is not None:
            m = r @ gr.mT
        if gq is not None:
            m = m - gq.mT @ q
        total = q @ (tril(m, -1).mT + tril(m))
        if gq is not None:
            total = total + gq
        return total @ inv(r).mT


def qr(A, mode="reduced"):
    check_matrices("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           "'r', or 'complete'")
    q, r = QR.apply(A, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":
        from .creation import empty

        return QRResult(empty(0, dtype=A.dtype, device=A.device), r)
    return QRResult(q, r)


class Eigh(Node):
    _backward_name = "LinalgEighBackward0"
    saves_inputs = (0,)

    def forward(self, backend, a):
        return backend.linalg_eigh(a)

    def backward(self, geigenvalues, geigenvectors):
        # gA = V (diag(gw) + F o (V^T gV)) V^T with F_ij = 1 / (w_j - w_i) off the diagonal,
        # made symmetric as PyTorch's is (eigenvalues assumed distinct)
        from .reorder import diag_embed

        (a,) = self.saved_tensors
        w, v = eigh(a)
        inner = 0
        if geigenvectors is not None:
            gaps = w.unsqueeze(-2) - w.unsqueeze(-1)
            off_diagonal = 1 - _eye_like(a)
            inner = (v.mT @ geigenvectors) * off_diagonal / (gaps + _eye_like(a))
        if geigenvalues is not None:
            inner = inner + diag_embed(geigenvalues)
        grad = v @ inner @ v.mT
        return 0.5 * (grad + grad.mT)


def eigh(A, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, read from its lower
    triangle (upper with UPLO='U')."""
    check_matrices("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    # the kernels read the lower triangle; the upper one is the lower one of A^T
    return EighResult(*Eigh.apply(A.mT if UPLO == "U" else A))


def eigvalsh(A, UPLO="L"):
    return eigh(A, UPLO).eigenvalues


class SVD(Node):
    _backward_name = "LinalgSvdBackward0"
    saves_inputs = (0,)

    def forward(self, backend, a, full_matrices):
        return backend.linalg_svd(a, full_matrices)

    def backward(self, gu, gs, gvh):
        # PyTorch's formula for the reduced SVD of a real matrix (distinct singular values)
        from .reorder import diag_embed

        (a,) = self.saved_tensors
        u, s, vh = svd(a, full_matrices=False)
        rows, cols = a.shape[-2], a.shape[-1]
        # with full_matrices, the columns of U (rows of Vh) past min(m, n) are not determined
        # by A: only the first min(m, n) carry a gradient, as in PyTorch
        k = min(rows, cols)
        if gu is not None and gu.shape[-1] != k:
            gu = gu[..., :k]
        if gvh is not None and gvh.shape[-2] != k:
            gvh = gvh[..., :k, :]
        if gu is None and gvh is None:
            return u @ diag_embed(gs) @ vh if gs is not None else None
        v = vh.mT
        gv = gvh.mT if gvh is not None else None
        squares = s * s
        gaps = squares.unsqueeze(-2) - squares.unsqueeze(-1) + _eye_like(s.unsqueeze(-1) * s.unsqueeze(-2))
        inner = 0
        if gu is not None:
            inner = _skew(u.mT @ gu) * s.unsqueeze(-2)
        if gv is not None:
            inner = inner + s.unsqueeze(-1) * _skew(v.mT @ gv)
        inner = inner / gaps
        if gs is not None:
            inner = inner + diag_embed(gs)
        if rows > cols and gu is not None:
            ga = u @ inner
            gu_scaled = gu / s.unsqueeze(-2)
            ga = ga + gu_scaled - u @ (u.mT @ gu_scaled)
            return ga @ vh
        if rows < cols and gv is not None:
            ga = inner @ vh
            gv_scaled = gv / s.unsqueeze(-2)
            ga = ga + gv_scaled.mT - (gv_scaled.mT @ v) @ vh
            return u @ ga
        return u @ inner @ vh


def svd(A, full_matrices=True):
    check_matrices("linalg.svd", A, square=False)
    return SVDResult(*SVD.apply(A, full_matrices=full_matrices))


def svdvals(A):
    check_matrices("linalg.svdvals", A, square=False)
    return svd(A, full_matrices=False).S


# -- what the decompositions give --------------------------------------------------------------
def pinv(A, *, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse, V diag(1/s) U^T over the singular values above
    rtol * max(s) (rtol = eps * max(m, n) by default, as in PyTorch)."""
    check_matrices("linalg.pinv", A, square=False)
    from .select import where

    u, s, vh = svd(A, full_matrices=False)
    if rtol is None:
        rtol = D.finfo(A.dtype).eps * max(A.shape[-2], A.shape[-1])
    cutoff = rtol * s.amax(-1, keepdim=True)
    kept = s > cutoff
    s_inv = where(kept, 1.0 / where(kept, s, 1.0), 0.0)
    return (vh.mT * s_inv.unsqueeze(-2)) @ u.mT


def pinverse(input, rcond=1e-15):
    return pinv(input, rtol=rcond)


FAMILY.export(pinverse)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """The number of singular values above max(atol, rtol * max(s)); not differentiable."""
    check_matrices("linalg.matrix_rank", A, square=False)
    from ..autograd.grad_mode import no_grad

    with no_grad():
        s = svdvals(A.detach())
        if rtol is None:
            rtol = 0.0 if atol is not None and atol > 0 else D.finfo(A.dtype).eps * max(A.shape[-2], A.shape[-1])
        cutoff = rtol * s.amax(-1, keepdim=True) if s.shape[-1] else 0.0
        if atol is not None:
            from .select import maximum

            cutoff = maximum(cutoff, atol) if isinstance(cutoff, Tensor) else max(cutoff, atol)
        return (s > cutoff).sum(-1)


# -- PyTorch's older spellings (torch.cholesky, torch.qr, torch.svd) ----------------------------
def cholesky_legacy(input, upper=False):
    return cholesky(input, upper=upper)


FAMILY.export(cholesky_legacy, name="cholesky")

SVDLegacyResult = namedtuple("svd", ["U", "S", "V"])


def qr_legacy(input, some=True):
    return QRResult(*qr(input, "reduced" if some else "complete"))


FAMILY.export(qr_legacy, name="qr")


def svd_legacy(input, some=True, compute_uv=True):
    """torch.svd: V rather than Vh, the reduced factors unless ``some`` is false; without
    ``compute_uv``, U and V are full-size zeros."""
    if not compute_uv:
        from .creation import zeros

        rows, cols = input.shape[-2], input.shape[-1]
        batch = tuple(input.shape[:-2])
        return SVDLegacyResult(zeros(batch + (rows, rows), dtype=input.dtype, device=input.device),
                               svdvals(input),
                               zeros(batch + (cols, cols), dtype=input.dtype, device=input.device))
    u, s, vh = svd(input, full_matrices=not some)
    return SVDLegacyResult(u, s, vh.mT)


FAMILY.export(svd_legacy, name="svd")


# -- the _ex forms: an info tensor instead of an exception ------------------------------------
def _check_info(op, info, template, check_errors):
    """Raises PyTorch's LinAlgError when asked to and some matrix failed."""
    if check_errors and bool((info != 0).any()):
        flat = info.reshape(-1)
        first = int(flat.nonzero()[0, 0])
        where = f"(Batch element {first}): " if info.ndim else ""
        raise LinAlgError(f"{op}: {where}{template.format(int(flat[first]))}")


def _nan_where_failed(fn, A, info, fill=math.nan):
    """fn(A) where the matrix succeeded, ``fill`` where it did not (fn sees the identity there,
    so it raises nothing and the gradients of the other matrices are untouched)."""
    if not bool((info != 0).any()):
        return fn(A)
    from .creation import eye
    from .select import where

    failed = (info != 0).unsqueeze(-1).unsqueeze(-1)
    safe = where(failed, eye(A.shape[-1], dtype=A.dtype, device=A.device), A)
    return where(failed, fill, fn(safe))


def writes_out(fn):
    """PyTorch's ``out=`` for a function without one: the result (each tensor of a tuple)
    written into the tensors given, which are returned."""
    def with_out(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        if out is None:
            return result
        from ._core import _out

        if not isinstance(result, tuple):
            return _out(result, out)
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{fn.__name__}(): argument 'out' must be tuple of {len(result)} Tensors")
        written = [_out(r, o) for r, o in zip(result, out)]
        return type(result)(*written)

    with_out.__name__ = with_out.__qualname__ = fn.__name__
    with_out.__doc__ = fn.__doc__
    with_out.__wrapped__ = fn
    return with_out


def _no_failures(A):
    from .creation import zeros

    return zeros(tuple(A.shape[:-2]), dtype=D.int32, device=A.device)


# The _ex forms run the plain op first: LAPACK's info (a loop over the columns) is worked out
# only for a batch where some matrix failed.
@writes_out
def inv_ex(A, *, check_errors=False):
    check_matrices("linalg.inv_ex", A)
    try:
        return InvExResult(inv(A), _no_failures(A))
    except LinAlgError:
        info = _wrap(_run_kernel("linalg_lu_info", A), A)
    _check_info("linalg.inv_ex", info, _SINGULAR, check_errors)
    return InvExResult(_nan_where_failed(inv, A, info), info)


@writes_out
def cholesky_ex(A, *, upper=False, check_errors=False):
    check_matrices("linalg.cholesky_ex", A)
    try:
        return CholeskyExResult(cholesky(A, upper=upper), _no_failures(A))
    except LinAlgError:
        info = _wrap(_run_kernel("linalg_cholesky_info", A), A)
    _check_info("linalg.cholesky_ex", info, _NOT_PD, check_errors)
    return CholeskyExResult(_nan_where_failed(lambda a: cholesky(a, upper=upper), A, info), info)


@writes_out
def solve_ex(A, B, *, left=True, check_errors=False):
    check_matrices("linalg.solve_ex", A)
    try:
        return SolveExResult(solve(A, B, left=left), _no_failures(A))
    except LinAlgError:
        info = _wrap(_run_kernel("linalg_lu_info", A), A)
    _check_info("torch.linalg.solve_ex", info, "The solver failed because the input matrix is singular.",
                check_errors)
    from .creation import eye
    from .select import where

    failed = (info != 0).unsqueeze(-1).unsqueeze(-1)
    result = solve(where(failed, eye(A.shape[-1], dtype=A.dtype, device=A.device), A), B, left=left)
    mask = failed if result.ndim == A.ndim else failed.squeeze(-1)
    return SolveExResult(where(mask, math.nan, result), info)
