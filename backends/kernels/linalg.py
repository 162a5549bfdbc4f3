"""Matrix decompositions and solvers through the array API's ``linalg`` extension
(numpy.linalg, cupy.linalg, array_api_strict.linalg all provide it), so ops never name a
library. A failure of the library (a singular or non positive-definite matrix) becomes
RuntimeError worded as PyTorch words it."""
from __future__ import annotations


class LinalgKernels:
    def _linalg_call(self, op, reason, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            # numpy.linalg.LinAlgError, which cupy and array_api_strict raise too; matched by
            # name so that this module imports no array library
            if type(exc).__name__ == "LinAlgError":
                raise RuntimeError(f"{op}: {reason}") from exc
            raise

    def linalg_inv(self, a):
        return self._linalg_call("linalg.inv", "The input matrix is singular, the inversion could not be completed.",
                                 self.xp.linalg.inv, a)

    def linalg_det(self, a):
        return self.xp.linalg.det(a)

    def linalg_slogdet(self, a):
        sign, logabsdet = self.xp.linalg.slogdet(a)
        return sign, logabsdet

    def linalg_solve(self, a, b):
        return self._linalg_call("linalg.solve", "The solver failed because the input matrix is singular.",
                                 self.xp.linalg.solve, a, b)

    def linalg_cholesky(self, a):
        out = self._linalg_call("linalg.cholesky", "The factorization could not be completed because the input is "
                                "not positive-definite.", self.xp.linalg.cholesky, a)
        xp = self.xp
        # NumPy and cupy may return nan rather than raise for some non positive-definite inputs
        if not bool(xp.all(xp.isfinite(out))):
            raise RuntimeError("linalg.cholesky: The factorization could not be completed because the input is not "
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
