"""gradkit.linalg: values recorded from PyTorch (decompositions through quantities that do
not depend on sign choices), PyTorch's error messages, and float64 gradcheck + gradgradcheck
of every differentiable function on every device."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values, const

A_VALUES = [[2.0, -1.0, 0.5], [1.0, 3.0, -2.0], [0.0, 1.0, 4.0]]
B_VALUES = [[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]
W_VALUES = [[1.0, 2.0], [3.0, 4.0], [5.0, -6.0]]


def _a(device):
    return const(A_VALUES, device)


def test_inv_det_slogdet_solve_match_pytorch(device):
    a, b = _a(device), const(B_VALUES, device)
    # recorded from PyTorch 2.13
    assert_values(gk.linalg.inv(a), [[0.4307692307692308, 0.13846153846153847, 0.015384615384615385],
                                     [-0.12307692307692308, 0.24615384615384617, 0.13846153846153847],
                                     [0.03076923076923077, -0.06153846153846154, 0.2153846153846154]], rtol=1e-12)
    assert_values(gk.linalg.det(a), 32.5, dtype=gk.float64, rtol=1e-12)
    sign, logabsdet = gk.linalg.slogdet(-a)
    assert_values(sign, -1.0)
    assert_values(logabsdet, 3.48124008933569229, rtol=1e-12)
    assert_values(gk.linalg.solve(a, b), [[0.4769230769230769, 0.7307692307692308],
                                          [0.2923076923076923, -0.4230769230769231],
                                          [0.676923076923077, 0.23076923076923078]], rtol=1e-12)
    assert_values(gk.linalg.solve(a, b[:, 0]), [0.4769230769230769, 0.2923076923076923, 0.676923076923077],
                  rtol=1e-12)
    assert_values(gk.linalg.solve(a, b.mT, left=False), host(gk.linalg.solve(a.mT, b)).T, rtol=1e-12)
    assert_values(gk.inverse(a), host(gk.linalg.inv(a)))
    assert_values(a.det(), 32.5, rtol=1e-12)
    assert_values(a.logdet(), math.log(32.5), rtol=1e-12)
    assert math.isnan(host((-a).logdet()))


def test_decomposition_values_match_pytorch(device):
    a, w = _a(device), const(W_VALUES, device)
    s = a @ a.mT
    # recorded from PyTorch 2.13 (cholesky's factor is unique; eigen/singular values are too)
    assert_values(gk.linalg.cholesky(s), [[2.29128784747792, 0.0, 0.0],
                                          [-0.8728715609439696, 3.638419332360584, 0.0],
                                          [0.4364357804719848, -1.269520414528693, 3.8984409353764367]], rtol=1e-12)
    assert_values(gk.linalg.cholesky(s, upper=True), host(gk.linalg.cholesky(s)).T, rtol=1e-12)
    assert_values(gk.linalg.eigvalsh(s), [4.813738122224567, 10.461176265951895, 20.975085611823527], rtol=1e-12)
    assert_values(gk.linalg.svdvals(w), [8.039754922197853, 5.13442701681457], rtol=1e-12)
    assert_values(gk.linalg.pinv(w), [[0.05164319248826289, 0.13615023474178403, 0.107981220657277],
                                      [0.05046948356807511, 0.11032863849765255, -0.07629107981220658]], rtol=1e-12)
    ranks = gk.linalg.matrix_rank(gk.ones(2, 3, 3, device=device))
    assert ranks.dtype == gk.int64 and host(ranks).tolist() == [1, 1]
    assert host(gk.linalg.matrix_rank(const([[1.0, 2.0], [2.0, 4.0]], device))) == 1
    # the factors up to sign: reconstructions and orthonormality
    q, r = gk.linalg.qr(w)
    assert q.shape == (3, 2) and r.shape == (2, 2)
    assert_values(q @ r, W_VALUES, rtol=1e-12, atol=1e-12)
    assert_values(q.mT @ q, np.eye(2), atol=1e-12)
    assert_values(r, np.triu(host(r)))
    eigenvalues, eigenvectors = gk.linalg.eigh(s)
    assert_values(eigenvectors @ gk.diag_embed(eigenvalues) @ eigenvectors.mT, host(s), rtol=1e-12, atol=1e-12)
    u, sv, vh = gk.linalg.svd(w, full_matrices=False)
    assert_values(u @ gk.diag_embed(sv) @ vh, W_VALUES, rtol=1e-12, atol=1e-12)
    assert gk.linalg.svd(w).U.shape == (3, 3)


@pytest.mark.parametrize("ord,expected", [("fro", 9.539392014169456), ("nuc", 13.174181939012422), (1, 12.0),
                                          (-1, 9.0), (2, 8.039754922197853), (-2, 5.13442701681457),
                                          (math.inf, 11.0), (-math.inf, 3.0)], ids=str)
def test_matrix_norm_matches_pytorch(device, ord, expected):
    w = const(W_VALUES, device)
    assert_values(gk.linalg.matrix_norm(w, ord), expected, dtype=gk.float64, rtol=1e-12)
    assert_values(gk.linalg.norm(w, ord), expected, rtol=1e-12)
    assert gk.linalg.matrix_norm(w, ord, keepdim=True).shape == (1, 1)
    stacked = gk.stack((w, w * 2))
    assert_values(gk.linalg.matrix_norm(stacked, ord), [expected, 2 * expected], rtol=1e-12)
    assert_values(gk.linalg.matrix_norm(stacked.permute(1, 0, 2), ord, dim=(0, 2)), [expected, 2 * expected],
                  rtol=1e-12)


def test_vector_norms_and_cross_match_pytorch(device):
    w = const(W_VALUES, device)
    # recorded from PyTorch 2.13
    assert_values(gk.linalg.norm(w), 9.539392014169456, rtol=1e-12)
    assert_values(gk.linalg.norm(w[0], 3), 2.080083823051904, rtol=1e-12)
    assert_values(gk.linalg.vector_norm(w, math.inf), 6.0)
    assert_values(gk.linalg.norm(w, dim=0), [5.916079783099616, 7.483314773547883], rtol=1e-12)
    a = _a(device)
    assert_values(gk.linalg.cross(a, a.flip(0)), [[-4.5, -8.0, 2.0], [0.0, 0.0, 0.0], [4.5, 8.0, -2.0]])
    assert_values(gk.cross(a, a.flip(0), dim=0), np.cross(A_VALUES, A_VALUES[::-1], axis=0))
    assert_values(gk.linalg.vecdot(a, a.flip(0)), (np.array(A_VALUES) * np.array(A_VALUES[::-1])).sum(-1))


@pytest.mark.parametrize("fn,arg,exc,message", [
    (lambda t: gk.linalg.inv(t), gk.ones(2, 3), RuntimeError,
     "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda t: gk.linalg.inv(t), gk.ones(3), RuntimeError,
     "linalg.inv: The input tensor A must have at least 2 dimensions."),
    (lambda t: gk.linalg.inv(t), gk.ones(2, 2, dtype=gk.int64), RuntimeError,
     "linalg.inv: Expected a floating point or complex tensor as input. Got Long"),
    (lambda t: gk.linalg.norm(t, 2), gk.ones(2, 2, 2), RuntimeError,
     "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D."),
    (lambda t: gk.linalg.cross(t, t), gk.ones(2), RuntimeError,
     "linalg.cross: inputs dimension -1 must have length 3. Got 2 and 2"),
])
def test_errors_match_pytorch(device, fn, arg, exc, message):
    with pytest.raises(exc) as info:
        fn(arg.to(device))
    assert str(info.value) == message


def test_singular_and_indefinite_inputs_raise_runtime_error(device):
    # PyTorch names the failing pivot or minor; the array libraries do not say which
    with pytest.raises(RuntimeError, match=r"^linalg.inv: .*singular"):
        gk.linalg.inv(gk.ones(2, 2, dtype=gk.float64, device=device))
    with pytest.raises(RuntimeError, match=r"^linalg.cholesky: The factorization could not be completed because "
                                           r"the input is not positive-definite"):
        gk.linalg.cholesky(-gk.eye(2, dtype=gk.float64, device=device))


def test_grad_fn_names_match_pytorch(device):
    a = _a(device).requires_grad_()
    assert gk.linalg.inv(a).grad_fn.name() == "LinalgInvExBackward0"
    assert gk.linalg.det(a).grad_fn.name() == "LinalgDetBackward0"
    sign, logabsdet = gk.linalg.slogdet(a)
    assert not sign.requires_grad and logabsdet.grad_fn.name() == "LinalgSlogdetBackward0"
    assert gk.linalg.cholesky(a @ a.mT).grad_fn.name() == "LinalgCholeskyExBackward0"


def _well_conditioned(*shape, device, seed):
    n = shape[-1]
    return (rand64(*shape, device=device, seed=seed, requires_grad=False)
            + 3 * gk.eye(n, dtype=gk.float64, device=device)).requires_grad_()


def _spd(a):
    return a @ a.mT + gk.eye(a.shape[-1], dtype=a.dtype, device=a.device)


def _symmetric(a):
    return a + a.mT


GRAD_CASES = {
    "inv": (lambda a, b: gk.linalg.inv(a), ((2, 3, 3), (3,))),
    "det": (lambda a, b: gk.linalg.det(a), ((2, 3, 3), (3,))),
    "slogdet": (lambda a, b: gk.linalg.slogdet(a).logabsdet, ((3, 3), (3,))),
    "solve matrix": (lambda a, b: gk.linalg.solve(a, b), ((2, 3, 3), (3, 2))),
    "solve vector": (lambda a, b: gk.linalg.solve(a, b), ((3, 3), (3,))),
    "solve right": (lambda a, b: gk.linalg.solve(a, b, left=False), ((3, 3), (2, 3))),
    "cholesky": (lambda a, b: gk.linalg.cholesky(_spd(a)), ((2, 3, 3), (3,))),
    "qr": (lambda a, b: gk.linalg.qr(a), ((4, 3), (3,))),
    "eigh": (lambda a, b: _eigh_invariants(_symmetric(a)), ((3, 3), (3,))),
    "eigvalsh": (lambda a, b: gk.linalg.eigvalsh(_symmetric(a)), ((2, 3, 3), (3,))),
    "svd tall": (lambda a, b: _svd_invariants(a), ((4, 3), (3,))),
    "svd wide": (lambda a, b: _svd_invariants(a), ((3, 4), (3,))),
    "svdvals": (lambda a, b: gk.linalg.svdvals(a), ((3, 4), (3,))),
    "pinv": (lambda a, b: gk.linalg.pinv(a), ((4, 3), (3,))),
    "matrix_norm nuc": (lambda a, b: gk.linalg.matrix_norm(a, "nuc"), ((4, 3), (3,))),
    "matrix_norm 2": (lambda a, b: gk.linalg.matrix_norm(a, 2), ((4, 3), (3,))),
    "matrix_norm inf": (lambda a, b: gk.linalg.matrix_norm(a, math.inf), ((4, 3), (3,))),
    "vector_norm 3": (lambda a, b: gk.linalg.vector_norm(a, 3, dim=-1), ((4, 3), (3,))),
    "cross": (lambda a, b: gk.linalg.cross(a, b), ((4, 3), (3,))),
    "vecdot": (lambda a, b: gk.linalg.vecdot(a, b), ((4, 3), (3,))),
}


def _eigh_invariants(a):
    # eigenvectors are defined up to sign: their squares and the eigenvalues are not
    eigenvalues, eigenvectors = gk.linalg.eigh(a)
    return eigenvalues, eigenvectors * eigenvectors


def _svd_invariants(a):
    u, s, vh = gk.linalg.svd(a, full_matrices=False)
    return s, u @ vh, u * u


@pytest.mark.parametrize("case", list(GRAD_CASES))
def test_grads(device, case):
    fn, (shape_a, shape_b) = GRAD_CASES[case]
    if shape_a[-1] == shape_a[-2]:
        a = _well_conditioned(*shape_a, device=device, seed=0)
    else:
        a = rand64(*shape_a, device=device, seed=0)
    b = rand64(*shape_b, device=device, seed=1)
    check_grads(fn, [a, b])


def test_eigh_reads_the_named_triangle(device):
    a = _a(device)
    lower = gk.linalg.eigvalsh(a)
    upper = gk.linalg.eigvalsh(a, UPLO="U")
    assert_values(lower, np.linalg.eigvalsh(np.array(A_VALUES), UPLO="L"), rtol=1e-12)
    assert_values(upper, np.linalg.eigvalsh(np.array(A_VALUES), UPLO="U"), rtol=1e-12)


def test_solve_broadcasts_batches_and_vectors(device):
    a = _well_conditioned(2, 3, 3, device=device, seed=0)
    b = rand64(3, device=device, seed=1)
    x = gk.linalg.solve(a, b)
    assert x.shape == (2, 3)
    assert_values(x, np.linalg.solve(host(a), host(b)[:, None])[..., 0], rtol=1e-10)
    check_grads(lambda a, b: gk.linalg.solve(a, b), [a, b])
    batch_b = rand64(1, 3, 2, device=device, seed=2)
    check_grads(lambda a, b: gk.linalg.solve(a, b), [a, batch_b])


def test_full_svd_differentiates_through_the_reduced_factors(device):
    # U's columns past min(m, n) are not determined by A; a function of the reduced factors
    # has the same gradient whether it comes from the full or the reduced decomposition
    a = rand64(4, 3, device=device, seed=0)
    check_grads(lambda a: _full_svd_invariants(a), [a])


def _full_svd_invariants(a):
    u, s, vh = gk.linalg.svd(a)
    return s, u[..., :3] @ vh


def test_qr_gradients_that_pytorch_refuses(device):
    tall = rand64(4, 3, device=device, seed=0)
    q, r = gk.linalg.qr(tall, mode="complete")
    with pytest.raises(RuntimeError, match=r"^The QR decomposition is not differentiable when mode='complete' and "
                                           r"nrows > ncols.$"):
        q.sum().backward()
    square = rand64(3, 3, device=device, seed=1)
    check_grads(lambda a: gk.linalg.qr(a, mode="complete"), [square])


# d(loss)/dA recorded from PyTorch 2.13 for A = the symmetric S or the 3x2 W below, each loss a
# weighted sum of outputs (squares of eigen/singular vectors and of Q, which do not depend on
# sign choices)
_WEIGHTS = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [1.0, 2.0, 3.0]]
RECORDED_GRADS = {
    "eigh": (lambda s, c: (gk.linalg.eigh(s)[0] * c[0]).sum() + (gk.linalg.eigh(s)[1] ** 2 * c).sum(),
             [[0.47746826773173595, 0.09672104831967296, 0.3374026364490798],
              [0.09672104831967297, 0.07479540100436433, -1.3942581288048972],
              [0.3374026364490798, -1.3942581288048972, 0.9477363312638993]]),
    "cholesky": (lambda s, c: (gk.linalg.cholesky(s) * c).sum(),
                 [[0.17253051559051347, 0.31686942994412365, 0.30077561490753146],
                  [0.3168694299441236, 0.1770986244335748, 0.4090986272689408],
                  [0.30077561490753146, 0.40909862726894075, 0.38476920001230164]]),
    "inv": (lambda s, c: (gk.linalg.inv(s) * c).sum(),
            [[-0.02091153671089948, 0.004586842197402051, -0.019265599943979556],
             [-0.0335196666783376, -0.009139091768495502, -0.004311767795245265],
             [-0.023052582192500264, -0.018453779629564793, -0.014224698014775395]]),
    "det": (lambda s, c: gk.linalg.det(s),
            [[213.0, 29.0, -4.0], [28.999999999999996, 88.25, 24.25], [-4.0, 24.25, 69.5]]),
    "qr": (lambda w, c: (gk.linalg.qr(w)[0] ** 2 * c[:, :2]).sum() + (gk.linalg.qr(w)[1] * c[:2, :2]).sum(),
           [[0.30373373090209144, -0.0378381827538839], [0.8796665238337147, 0.36467178717130216],
            [-1.180154638790609, 0.9719805208679186]]),
    "svd": (lambda w, c: (gk.linalg.svd(w, full_matrices=False)[0] ** 2 * c[:, :2]).sum()
            + (gk.linalg.svd(w)[1] * c[0, :2]).sum() + (gk.linalg.svd(w)[2] ** 2 * c[:2, :2]).sum(),
            [[-0.4829454486523881, -0.10111450804100627], [-0.8688211208913216, -0.05663681125198933],
             [-0.19260087187999234, -0.5611066460167738]]),
    "pinv": (lambda w, c: (gk.linalg.pinv(w) * c[:2]).sum(),
             [[0.032370671603958644, 0.03592968216182855], [-0.034324097952346304, 0.001280472348960754],
              [-0.00700643611276423, 0.03958099142586348]]),
}


@pytest.mark.parametrize("case", list(RECORDED_GRADS))
def test_gradients_match_pytorch(device, case):
    loss, expected = RECORDED_GRADS[case]
    a = _a(device)
    x = (a @ a.mT) if case in ("eigh", "cholesky", "inv", "det") else const(W_VALUES, device)
    x = x.detach().requires_grad_()
    loss(x, const(_WEIGHTS, device)).backward()
    assert_values(x.grad, expected, rtol=1e-9, atol=1e-12)


def test_older_spellings_match_pytorch(device):
    w = const(W_VALUES, device)
    u, s, v = gk.svd(w)
    assert (u.shape, s.shape, v.shape) == ((3, 2), (2,), (2, 2))
    assert_values(u @ gk.diag_embed(s) @ v.mT, W_VALUES, rtol=1e-12, atol=1e-12)
    u, s, v = w.svd(some=False)
    assert (u.shape, s.shape, v.shape) == ((3, 3), (2,), (2, 2))
    u, s, v = gk.svd(w, compute_uv=False)
    assert_values(u, np.zeros((3, 3)))
    assert_values(v, np.zeros((2, 2)))
    assert_values(s, [8.039754922197853, 5.13442701681457], rtol=1e-12)
    q, r = gk.qr(w, some=False)
    assert (q.shape, r.shape) == ((3, 3), (3, 2))
    q, r = w.qr()
    assert_values(q @ r, W_VALUES, rtol=1e-12, atol=1e-12)
    spd = _a(device) @ _a(device).mT
    assert_values(spd.cholesky(upper=True), host(gk.linalg.cholesky(spd)).T, rtol=1e-12)
    assert_values(w.pinverse(), host(gk.linalg.pinv(w)), rtol=1e-12)
    assert_values(_a(device).inverse(), host(gk.linalg.inv(_a(device))), rtol=1e-12)
    sign, logabsdet = _a(device).slogdet()
    assert_values(sign, 1.0)
