"""Matrix decompositions and solvers through the array API's ``linalg`` extension
(numpy.linalg, cupy.linalg, array_api_strict.linalg all provide it), so ops never name a
library. A failure of the library (a singular or non positive-definite matrix) becomes
LinAlgError worded as PyTorch words it.

What the standard lacks (triangular solves, LU, the matrix exponential) is written here on
the standard's functions, so it runs on every device."""
from __future__ import annotations


class LinAlgError(RuntimeError):
    """PyTorch's torch.linalg.LinAlgError: a RuntimeError, so code that catches either works."""


_SINGULAR = ("The diagonal element {} is zero, the inversion could not be completed because the input matrix is "
             "singular.")
_NOT_PD = ("The factorization could not be completed because the input is not positive-definite (the leading minor "
           "of order {} is not positive-definite).")

# Pade [13/13] coefficients of exp and the largest 1-norm they serve within double precision
# (Higham, "The scaling and squaring method for the matrix exponential revisited", 2005)
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
           10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0,
           1.0)
_PADE13_THETA = 5.371920351148152


def _transposed(xp, a):
    """a with its last two axes swapped."""
    axes = tuple(range(a.ndim - 2)) + (a.ndim - 1, a.ndim - 2)
    return xp.permute_dims(a, axes)


def _unless_refused(fn, *args):
    """fn(*args), or None where the library refuses a singular or non positive-definite matrix
    (numpy.linalg.LinAlgError, which cupy and array_api_strict raise too; matched by name so
    that this module imports no array library)."""
    try:
        return fn(*args)
    except Exception as exc:
        if type(exc).__name__ != "LinAlgError":
            raise
    return None


class LinalgKernels:
    def _raise_with_info(self, op, info, template):
        """LinAlgError naming the first failing matrix of a batch (row-major) and LAPACK's info,
        in PyTorch's words."""
        xp = self.xp
        flat = xp.reshape(info, (-1,))
        failing = xp.nonzero(flat != 0)[0]
        if failing.shape[0] == 0:
            return
        first = int(failing[0])
        where = f"(Batch element {first}): " if info.ndim else ""
        raise LinAlgError(f"{op}: {where}{template.format(int(flat[first]))}")

    def linalg_inv(self, a):
        out = _unless_refused(self.xp.linalg.inv, a)
        if out is None:
            self._raise_with_info("linalg.inv", self.linalg_lu_info(a), _SINGULAR)
            # the library found a zero pivot that this module's elimination did not
            raise LinAlgError("linalg.inv: The input matrix is singular, the inversion could not be completed.")
        return out

    def linalg_det(self, a):
        return self.xp.linalg.det(a)

    def linalg_slogdet(self, a):
        sign, logabsdet = self.xp.linalg.slogdet(a)
        return sign, logabsdet

    def linalg_solve(self, a, b):
        out = _unless_refused(self.xp.linalg.solve, a, b)
        if out is None:
            message = "The solver failed because the input matrix is singular."
            self._raise_with_info("torch.linalg.solve", self.linalg_lu_info(a), message)
            raise LinAlgError("torch.linalg.solve: " + message)
        return out

    def linalg_cholesky(self, a):
        xp = self.xp
        out = _unless_refused(xp.linalg.cholesky, a)
        # NumPy and cupy may return nan rather than raise for some non positive-definite inputs
        if out is None or not bool(xp.all(xp.isfinite(out))):
            self._raise_with_info("linalg.cholesky", self.linalg_cholesky_info(a), _NOT_PD)
            # the library failed where the elimination finds no failing minor (an overflow, say)
            raise LinAlgError("linalg.cholesky: The factorization could not be completed because the input is not "
                              "positive-definite.")
        return out

    def linalg_qr(self, a, mode):
        q, r = self.xp.linalg.qr(a, mode=mode)
        return q, r

    def linalg_svd(self, a, full_matrices):
        u, s, vh = self.xp.linalg.svd(a, full_matrices=full_matrices)
        return u, s, vh

    def linalg_svdvals(self, a):
        linalg = self.xp.linalg
        # svdvals is the standard's name; cupy has only NumPy's older spelling
        return linalg.svdvals(a) if hasattr(linalg, "svdvals") else linalg.svd(a, compute_uv=False)

    def linalg_eigh(self, a):
        eigenvalues, eigenvectors = self.xp.linalg.eigh(a)
        return eigenvalues, eigenvectors

    def linalg_eigvalsh(self, a):
        return self.xp.linalg.eigvalsh(a)

    # -- what the standard lacks, on its functions ----------------------------------------------
    def linalg_solve_triangular(self, a, b, upper, unitriangular):
        """X with T X = B for T the upper (lower) triangle of a, with ones on its diagonal when
        ``unitriangular``; a and b share their batch shape."""
        xp = self.xp
        n = a.shape[-1]
        t = xp.triu(a) if upper else xp.tril(a)
        if unitriangular:
            eye = xp.eye(n, dtype=a.dtype, device=a.device)
            t = t * (1 - eye) + eye
        out = _unless_refused(xp.linalg.solve, t, b)
        if out is not None:
            return out
        # a zero on the diagonal: substitution gives the infinities and nans LAPACK's trsm gives
        x = xp.zeros(b.shape, dtype=b.dtype, device=b.device)
        order = range(n - 1, -1, -1) if upper else range(n)
        for i in order:
            row = t[..., i:i + 1, :]
            x[..., i, :] = (b[..., i, :] - xp.matmul(row, x)[..., 0, :]) / t[..., i, i:i + 1]
        return x

    def linalg_lu(self, a):
        """Gaussian elimination with partial pivoting, as LAPACK's getrf: the packed factors (L's
        strict lower triangle, its unit diagonal implied, over U) and the row swaps, 1-based
        int32. A zero pivot leaves its column as it is, so the elimination goes on."""
        xp = self.xp
        lu = xp.asarray(a, copy=True)
        m, n = a.shape[-2], a.shape[-1]
        rows = xp.arange(m, device=a.device)
        swaps = []
        for j in range(min(m, n)):
            pivot_row = xp.argmax(xp.abs(lu[..., j:, j]), axis=-1) + j
            swaps.append(pivot_row)
            target = pivot_row[..., None]
            order = xp.where(rows == j, target, xp.where(rows == target, j, rows))
            lu = xp.take_along_axis(lu, xp.broadcast_to(order[..., None], lu.shape), axis=-2)
            pivot = lu[..., j, j:j + 1]
            lu[..., j + 1:, j] = lu[..., j + 1:, j] / xp.where(pivot == 0, xp.ones_like(pivot), pivot)
            lu[..., j + 1:, j + 1:] = lu[..., j + 1:, j + 1:] - lu[..., j + 1:, j:j + 1] * lu[..., j:j + 1, j + 1:]
        if swaps:
            pivots = xp.stack(swaps, axis=-1)
        else:
            pivots = xp.zeros(a.shape[:-2] + (0,), dtype=xp.int64, device=a.device)
        return lu, xp.astype(pivots + 1, xp.int32)

    def linalg_lu_unpack(self, lu, pivots):
        """P, L, U with A = P L U from lu_factor's packed factors and row swaps."""
        xp = self.xp
        m, n = lu.shape[-2], lu.shape[-1]
        k = min(m, n)
        lower = xp.tril(lu[..., :, :k], k=-1) + xp.eye(m, k, dtype=lu.dtype, device=lu.device)
        upper = xp.triu(lu[..., :k, :])
        # the swaps, applied in order to 0..m-1, give the row of A that each row of L U is
        batch = pivots.shape[:-1]
        rows = xp.arange(m, device=lu.device)
        perm = xp.broadcast_to(rows, batch + (m,))
        swaps = xp.astype(pivots, xp.int64) - 1
        for j in range(swaps.shape[-1]):
            target = swaps[..., j:j + 1]
            at_j = xp.take_along_axis(perm, target, axis=-1)
            at_target = perm[..., j:j + 1]
            perm = xp.where(rows == j, at_j, xp.where(rows == target, at_target, perm))
        # P[perm[i], i] = 1
        permutation = xp.astype(perm[..., None, :] == rows[:, None], lu.dtype)
        return permutation, lower, upper

    def linalg_lu_info(self, a):
        """getrf's info: 1 + the index of U's first zero on the diagonal, 0 where there is none."""
        lu, _ = self.linalg_lu(a)
        return self._first_failure(self.diagonal(lu, 0, -2, -1) == 0)

    def _first_failure(self, failed):
        xp = self.xp
        k = failed.shape[-1]
        order = xp.arange(1, k + 1, dtype=xp.int32, device=failed.device)
        # the smallest failing order: orders past k stand for "none"
        return xp.astype(xp.min(xp.where(failed, order, k + 1), axis=-1) % (k + 1), xp.int32) if k else \
            xp.zeros(failed.shape[:-1], dtype=xp.int32, device=failed.device)

    def linalg_cholesky_info(self, a):
        """potrf's info: the order of the first leading minor that is not positive-definite, 0
        where there is none (elimination on the lower triangle: the j-th pivot is the ratio of
        the j-th and (j-1)-th leading minors)."""
        xp = self.xp
        # the symmetric matrix the lower triangle stands for
        work = xp.tril(a) + _transposed(xp, xp.tril(a, k=-1))
        n = a.shape[-1]
        failed = []
        for j in range(n):
            pivot = work[..., j, j:j + 1]
            bad = ~(pivot > 0)
            failed.append(bad[..., 0])
            safe = xp.where(bad, xp.ones_like(pivot), pivot)
            column = work[..., j + 1:, j:j + 1]
            work[..., j + 1:, j + 1:] = work[..., j + 1:, j + 1:] - column * _transposed(xp, column) / safe[..., None]
        if not failed:
            return xp.zeros(a.shape[:-2], dtype=xp.int32, device=a.device)
        failed = xp.stack(failed, axis=-1)
        # once a minor fails, later pivots mean nothing; only the first failure counts
        return self._first_failure(failed)

    def linalg_matrix_exp(self, a):
        """exp(A) by scaling and squaring: A / 2^s has a 1-norm within the Pade [13/13]
        approximant's reach; the approximant's square is taken s times (s per matrix)."""
        xp = self.xp
        n = a.shape[-1]
        eye = xp.eye(n, dtype=a.dtype, device=a.device)
        if n == 0:
            return xp.asarray(a, copy=True)
        norm = xp.max(xp.sum(xp.abs(a), axis=-2), axis=-1)
        ratio = norm / _PADE13_THETA
        positive = ratio > 1
        squarings = xp.where(positive, xp.ceil(xp.log2(xp.where(positive, ratio, xp.ones_like(ratio)))),
                             xp.zeros_like(ratio))
        most = int(xp.max(squarings)) if squarings.ndim else int(squarings)
        scaled = a / (2.0 ** squarings)[..., None, None]
        b = _PADE13
        a2 = xp.matmul(scaled, scaled)
        a4 = xp.matmul(a2, a2)
        a6 = xp.matmul(a4, a2)
        u = xp.matmul(scaled, xp.matmul(a6, b[13] * a6 + b[11] * a4 + b[9] * a2)
                      + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
        v = xp.matmul(a6, b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
        out = xp.linalg.solve(v - u, v + u)
        for step in range(most):
            square = xp.matmul(out, out)
            out = xp.where((squarings > step)[..., None, None], square, out)
        return out
