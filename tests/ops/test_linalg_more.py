"""The rest of gradkit.linalg and the matrix-shaped tensor functions: values, dtypes and
error messages recorded from PyTorch 2.13, gradients recorded from PyTorch, and float64
gradcheck + gradgradcheck of every differentiable function on every device."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64

from ._util import assert_values

# torch.chain_matmul, triangular_solve, lu and lu_solve warn that they are deprecated, as in PyTorch
pytestmark = pytest.mark.filterwarnings("ignore:gradkit\\.\\w+ is deprecated:UserWarning")

NAN, INF = math.nan, math.inf
A_VALUES = [[2.0, -1.0, 0.5], [1.0, 3.0, -2.0], [0.0, 1.0, 4.0]]
B_VALUES = [[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]
W_VALUES = [[1.0, 2.0], [3.0, 4.0], [5.0, -6.0]]
C_VALUES = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]]  # needs row swaps in LU


def _inputs(device):
    kw = {"dtype": gk.float64, "device": device}
    m = SimpleNamespace(kw=kw, A=gk.tensor(A_VALUES, **kw), B=gk.tensor(B_VALUES, **kw), W=gk.tensor(W_VALUES, **kw),
                        C=gk.tensor(C_VALUES, **kw), ones=gk.ones(3, 3, **kw),
                        I=gk.tensor([[1, 2], [3, 4]], dtype=gk.int64, device=device))
    m.S = m.A @ m.A.mT
    m.L = gk.linalg.cholesky(m.S)
    m.T = (gk.arange(36, **kw).reshape(6, 2, 3) * 0.7).sin() + gk.eye(6, **kw).reshape(6, 2, 3) * 2
    return m


# name: (the call, what PyTorch 2.13 gave: (dtype, values), (dtype, shape, None) for an empty
# tensor, or a tuple of these for a tuple of tensors)
VALUES = {
    "matrix_power 3": (lambda m: gk.linalg.matrix_power(m.A, 3),
        ("float64", [[1.5, -11.5, 30.5], [16.0, -0.5, -63.5], [9.0, 34.0, 42.5]])),
    "matrix_power -2": (lambda m: gk.matrix_power(m.A, -2),
        ("float64", [[0.1689940828402367, 0.09278106508875741, 0.029112426035502962], [-0.07905325443786984,
        0.03502958579881657, 0.062011834319526636], [0.027455621301775153, -0.024142011834319528,
        0.03834319526627219]])),
    "matrix_power 0": (lambda m: m.A.matrix_power(0),
        ("float64", [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])),
    "matrix_power int": (lambda m: gk.linalg.matrix_power(m.I, 3),
        ("int64", [[37, 54], [81, 118]])),
    "multi_dot": (lambda m: gk.linalg.multi_dot([m.A, m.C, m.B]),
        ("float64", [[16.5, 2.5], [2.0, -2.5], [170.0, 50.0]])),
    "multi_dot vector first": (lambda m: gk.linalg.multi_dot([m.A[0], m.C, m.B]),
        ("float64", [16.5, 2.5])),
    "multi_dot vectors": (lambda m: gk.linalg.multi_dot([m.A[0], m.C, m.A[:, 1]]),
        ("float64", 12.5)),
    "multi_dot four": (lambda m: gk.linalg.multi_dot([m.W.mT, m.C, m.A, m.B]),
        ("float64", [[735.0, 209.0], [-324.0, -108.0]])),
    "chain_matmul": (lambda m: gk.chain_matmul(m.A, m.C, m.B),
        ("float64", [[16.5, 2.5], [2.0, -2.5], [170.0, 50.0]])),
    "solve_triangular upper": (lambda m: gk.linalg.solve_triangular(m.C, m.B, upper=True),
        ("float64", [[0.8200000000000001, 2.37], [-0.3600000000000001, -0.26], [0.30000000000000004, 0.05]])),
    "solve_triangular lower unit": (lambda m: gk.linalg.solve_triangular(m.C, m.B, upper=False, unitriangular=True),
        ("float64", [[1.0, 2.0], [-4.0, -9.0], [28.0, 58.5]])),
    "solve_triangular right": (lambda m: gk.linalg.solve_triangular(m.C, m.B.mT, upper=True, left=False),
        ("float64", [[1.0, -0.4, 0.24000000000000005], [2.0, -1.0, 0.05]])),
    "triangular_solve": (lambda m: gk.triangular_solve(m.B, m.C),
        (("float64", [[0.8200000000000001, 2.37], [-0.3600000000000001, -0.26], [0.30000000000000004, 0.05]]),
        ("float64", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]]))),
    "triangular_solve transpose lower": (lambda m: gk.triangular_solve(m.B, m.C, upper=False, transpose=True),
        (("float64", [[0.8199999999999998, 2.77], [-0.4800000000000001, -0.27999999999999997], [0.30000000000000004,
        0.05]]), ("float64", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]]))),
    "cholesky_solve": (lambda m: gk.cholesky_solve(m.B, m.L),
        ("float64", [[0.1902958579881657, 0.37396449704142015], [0.09633136094674558, -0.017159763313609466],
        [0.1936094674556213, 0.002366863905325443]])),
    "cholesky_solve upper": (lambda m: m.B.cholesky_solve(m.L.mT, upper=True),
        ("float64", [[0.1902958579881657, 0.37396449704142015], [0.09633136094674558, -0.017159763313609466],
        [0.1936094674556213, 0.002366863905325443]])),
    "cholesky_inverse": (lambda m: gk.cholesky_inverse(m.L),
        ("float64", [[0.20165680473372782, 0.027455621301775153, -0.003786982248520712], [0.027455621301775153,
        0.08355029585798818, 0.022958579881656806], [-0.003786982248520712, 0.022958579881656806,
        0.06579881656804734]])),
    "cholesky_inverse upper": (lambda m: m.L.mT.cholesky_inverse(upper=True),
        ("float64", [[0.20165680473372782, 0.027455621301775156, -0.0037869822485207105], [0.027455621301775156,
        0.08355029585798818, 0.022958579881656806], [-0.0037869822485207105, 0.022958579881656806,
        0.06579881656804734]])),
    "inv_ex": (lambda m: gk.linalg.inv_ex(m.A),
        (("float64", [[0.4307692307692308, 0.13846153846153847, 0.015384615384615385], [-0.12307692307692308,
        0.24615384615384617, 0.13846153846153847], [0.03076923076923077, -0.06153846153846154, 0.2153846153846154]]),
        ("int32", 0))),
    "inv_ex singular info": (lambda m: gk.linalg.inv_ex(gk.ones(2, 3, 3, **m.kw)).info,
        ("int32", [2, 2])),
    "cholesky_ex": (lambda m: gk.linalg.cholesky_ex(m.S),
        (("float64", [[2.29128784747792, 0.0, 0.0], [-0.8728715609439696, 3.638419332360584, 0.0],
        [0.4364357804719848, -1.269520414528693, 3.8984409353764367]]), ("int32", 0))),
    "cholesky_ex info": (lambda m: gk.linalg.cholesky_ex(gk.stack((m.S, -m.S, m.S - 5 * gk.eye(3, **m.kw)))).info,
        ("int32", [0, 1, 2])),
    "solve_ex": (lambda m: gk.linalg.solve_ex(m.A, m.B),
        (("float64", [[0.4769230769230769, 0.7307692307692308], [0.2923076923076923, -0.4230769230769231],
        [0.676923076923077, 0.23076923076923078]]), ("int32", 0))),
    "lu_factor": (lambda m: gk.linalg.lu_factor(m.C),
        (("float64", [[7.0, 8.0, 10.0], [0.14285714285714285, 0.8571428571428572, 1.5714285714285716],
        [0.5714285714285714, 0.5000000000000002, -0.49999999999999967]]), ("int32", [3, 3, 3]))),
    "lu_factor batch": (lambda m: gk.linalg.lu_factor(gk.stack((m.C, m.A, m.C.mT))),
        (("float64", [[[7.0, 8.0, 10.0], [0.14285714285714285, 0.8571428571428572, 1.5714285714285716],
        [0.5714285714285714, 0.5000000000000002, -0.49999999999999967]], [[2.0, -1.0, 0.5], [0.5, 3.5, -2.25], [0.0,
        0.2857142857142857, 4.642857142857142]], [[3.0, 6.0, 10.0], [0.3333333333333333, 2.0, 3.666666666666667],
        [0.6666666666666666, 0.5, -0.49999999999999956]]]), ("int32", [[3, 3, 3], [1, 2, 3], [3, 3, 3]]))),
    "lu": (lambda m: gk.linalg.lu(m.C),
        (("float64", [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), ("float64", [[1.0, 0.0, 0.0],
        [0.14285714285714285, 1.0, 0.0], [0.5714285714285714, 0.5000000000000002, 1.0]]), ("float64", [[7.0, 8.0,
        10.0], [0.0, 0.8571428571428572, 1.5714285714285716], [0.0, 0.0, -0.49999999999999967]]))),
    "lu tall": (lambda m: gk.linalg.lu(m.W),
        (("float64", [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]), ("float64", [[1.0, 0.0],
        [0.6000000000000001, 1.0], [0.2, 0.42105263157894735]]), ("float64", [[5.0, -6.0], [0.0,
        7.6000000000000005]]))),
    "lu wide": (lambda m: gk.linalg.lu(m.W.mT),
        (("float64", [[0.0, 1.0], [1.0, 0.0]]), ("float64", [[1.0, 0.0], [0.5, 1.0]]), ("float64", [[2.0, 4.0, -6.0],
        [0.0, 1.0, 8.0]]))),
    "lu_factor tall": (lambda m: gk.linalg.lu_factor(m.W),
        (("float64", [[5.0, -6.0], [0.6000000000000001, 7.6000000000000005], [0.2, 0.42105263157894735]]), ("int32",
        [3, 2]))),
    "lu_factor wide": (lambda m: gk.linalg.lu_factor(m.W.mT),
        (("float64", [[2.0, 4.0, -6.0], [0.5, 1.0, 8.0]]), ("int32", [2, 2]))),
    "lu_factor_ex singular": (lambda m: gk.linalg.lu_factor_ex(gk.ones(3, 3, **m.kw)),
        (("float64", [[1.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]), ("int32", [1, 2, 3]), ("int32", 2))),
    "lu_solve": (lambda m: gk.linalg.lu_solve(*gk.linalg.lu_factor(m.C), m.B),
        ("float64", [[2.3333333333333357, 0.500000000000003], [-6.666666666666672, -6.000000000000007],
        [4.000000000000003, 4.5000000000000036]])),
    "lu_solve adjoint": (lambda m: gk.linalg.lu_solve(*gk.linalg.lu_factor(m.C), m.B, adjoint=True),
        ("float64", [[2.3333333333333375, -0.1666666666666612], [-7.3333333333333375, -7.333333333333339],
        [4.000000000000002, 4.500000000000002]])),
    "lu_solve right": (lambda m: gk.linalg.lu_solve(*gk.linalg.lu_factor(m.C), m.B.mT, left=False),
        ("float64", [[2.3333333333333375, -7.3333333333333375, 4.000000000000002], [-0.1666666666666612,
        -7.333333333333339, 4.500000000000002]])),
    "lu legacy": (lambda m: m.C.lu(),
        (("float64", [[7.0, 8.0, 10.0], [0.14285714285714285, 0.8571428571428572, 1.5714285714285716],
        [0.5714285714285714, 0.5000000000000002, -0.49999999999999967]]), ("int32", [3, 3, 3]))),
    "lu_solve legacy": (lambda m: gk.lu_solve(m.B, *gk.linalg.lu_factor(m.C)),
        ("float64", [[2.3333333333333357, 0.500000000000003], [-6.666666666666672, -6.000000000000007],
        [4.000000000000003, 4.5000000000000036]])),
    "lu_unpack": (lambda m: gk.lu_unpack(*gk.linalg.lu_factor(m.C)),
        (("float64", [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), ("float64", [[1.0, 0.0, 0.0],
        [0.14285714285714285, 1.0, 0.0], [0.5714285714285714, 0.5000000000000002, 1.0]]), ("float64", [[7.0, 8.0,
        10.0], [0.0, 0.8571428571428572, 1.5714285714285716], [0.0, 0.0, -0.49999999999999967]]))),
    "matrix_exp": (lambda m: gk.linalg.matrix_exp(m.A),
        ("float64", [[4.913632553659085, -1.063119293064231, 23.633580897418526], [5.263486793225399,
        -6.6243506537601755, -39.92954608757897], [8.400735000322328, 22.064956793870063, 23.84134114043224]])),
    "matrix_exp large": (lambda m: gk.matrix_exp(m.A * 10),
        ("float64", [[-16967516697391.979, -12242457756257.525, 26009626304586.414], [15858530015613.465,
        -15573275719202.283, -57029565846718.5], [7232144518711.872, 30322819053037.21, 21981687852546.805]])),
    "matrix_exp batch": (lambda m: gk.linalg.matrix_exp(gk.stack((m.A * 0.01, m.C))),
        ("float64", [[[1.0201502464397143, -0.010226918842107278, 0.005255144556848965], [0.010252679775888247,
        1.0302998824804788, -0.020685686088243272], [5.1521867561936973e-05, 0.010355723511012122,
        1.040707127859053]], [[1892793.801966451, 2319804.348433812, 2921688.7942848783], [4267596.8779570665,
        5230361.132647129, 6587401.226390874], [7065281.73260509, 8659197.695550982, 10905868.064094782]]])),
    "matrix_exp float32": (lambda m: gk.linalg.matrix_exp(m.A.float()),
        ("float32", [[4.913632869720459, -1.0631189346313477, 23.63357925415039], [5.263487815856934,
        -6.6243438720703125, -39.929542541503906], [8.400733947753906, 22.064956665039062, 23.84134292602539]])),
    "lstsq": (lambda m: gk.linalg.lstsq(m.W, m.B),
        (("float64", [[0.37558685446009393, 0.021126760563380236], [-0.17840375586854454, -0.04753521126760566]]),
        ("float64", (0,), None), ("int64", 2), ("float64", (0,), None))),
    "lstsq gelsd": (lambda m: gk.linalg.lstsq(m.W, m.B, driver="gelsd"),
        (("float64", [[0.3755868544600941, 0.021126760563380243], [-0.17840375586854462, -0.047535211267605675]]),
        ("float64", [1.1361502347417838, 5.075704225352112]), ("int64", 2), ("float64", [8.039754922197854,
        5.13442701681457]))),
    "lstsq gelss": (lambda m: gk.linalg.lstsq(m.W, m.B, driver="gelss"),
        (("float64", [[0.37558685446009393, 0.02112676056338024], [-0.17840375586854457, -0.04753521126760566]]),
        ("float64", [1.1361502347417838, 5.075704225352112]), ("int64", 2), ("float64", [8.039754922197854,
        5.13442701681457]))),
    "lstsq gels": (lambda m: gk.linalg.lstsq(m.W, m.B, driver="gels"),
        (("float64", [[0.37558685446009393, 0.021126760563380236], [-0.17840375586854454, -0.04753521126760566]]),
        ("float64", [1.1361502347417838, 5.075704225352112]), ("int64", (0,), None), ("float64", (0,), None))),
    "lstsq wide": (lambda m: gk.linalg.lstsq(m.W.mT, m.B[:2]),
        (("float64", [[0.05164319248826291, 0.05281690140845069], [0.13615023474178398, 0.1619718309859154],
        [0.10798122065727696, 0.2922535211267605]]), ("float64", (0,), None), ("int64", 2), ("float64", (0,), None))),
    "lstsq batch": (lambda m: gk.linalg.lstsq(gk.stack((m.W, m.W * 2)), gk.stack((m.B, m.B))),
        (("float64", [[[0.3755868544600939, 0.021126760563380257], [-0.17840375586854457, -0.04753521126760561]],
        [[0.18779342723004697, 0.010563380281690118], [-0.08920187793427227, -0.02376760563380283]]]), ("float64",
        (0,), None), ("int64", [2, 2]), ("float64", (0,), None))),
    "lstsq gelsd batch": (lambda m: gk.linalg.lstsq(gk.stack((m.W, m.W * 2)), gk.stack((m.B, m.B)), driver="gelsd"),
        (("float64", [[[0.3755868544600941, 0.021126760563380243], [-0.17840375586854462, -0.047535211267605675]],
        [[0.18779342723004705, 0.010563380281690122], [-0.08920187793427231, -0.023767605633802837]]]), ("float64",
        [[1.1361502347417838, 5.075704225352112], [1.1361502347417838, 5.075704225352112]]), ("int64", [2, 2]),
        ("float64", [[8.039754922197854, 5.13442701681457], [16.07950984439571, 10.26885403362914]]))),
    "lstsq deficient": (lambda m: gk.linalg.lstsq(gk.tensor([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], **m.kw), m.B,
                                                  driver="gelsd"),
        (("float64", [[0.14285714285714293, 0.02142857142857141], [0.28571428571428575, 0.0428571428571428]]),
        ("float64", (0,), None), ("int64", 1), ("float64", [8.366600265340754, 4.440892098500627e-16]))),
    "householder_product": (lambda m: gk.linalg.householder_product(m.W, gk.tensor([1.2, 0.7], **m.kw)),
        ("float64", [[-0.19999999999999996, -26.279999999999994], [-3.5999999999999996, -78.53999999999998], [-6.0,
        -127.19999999999997]])),
    "householder_product k1": (lambda m: gk.linalg.householder_product(m.C, gk.tensor([0.5], **m.kw)),
        ("float64", [[0.5, -2.0, -3.5], [-2.0, -7.0, -14.0], [-3.5, -14.0, -23.5]])),
    "orgqr": (lambda m: gk.orgqr(m.W, gk.tensor([1.2, 0.7], **m.kw)),
        ("float64", [[-0.19999999999999996, -26.279999999999994], [-3.5999999999999996, -78.53999999999998], [-6.0,
        -127.19999999999997]])),
    "ormqr": (lambda m: gk.ormqr(m.W, gk.tensor([1.2, 0.7], **m.kw), m.C),
        ("float64", [[805.24, 908.84, 1142.52], [2443.32, 2755.62, 3462.36], [3868.6, 4361.599999999999, 5480.8]])),
    "ormqr transpose": (lambda m: gk.ormqr(m.W, gk.tensor([1.2, 0.7], **m.kw), m.C[:, :2], transpose=True),
        ("float64", [[-56.599999999999994, -66.39999999999999], [-1230.84, -1462.8599999999997],
                     [6091.24, 7241.959999999997]])),
    "ormqr right": (lambda m: gk.ormqr(m.W, gk.tensor([1.2, 0.7], **m.kw), m.C[:2], left=False),
        ("float64", [[-25.4, -564.9599999999999, 2797.5599999999995], [-54.8, -1261.02, 6249.719999999998]])),
    "ormqr method": (lambda m: m.W.ormqr(gk.tensor([1.2, 0.7], **m.kw), m.C, left=False, transpose=True),
        ("float64", [[337.47999999999996, 1022.6399999999999, 1618.1999999999998], [648.28, 1959.5399999999997, 3097.2],
                     [1089.1599999999999, 3290.8799999999997, 5202.4]])),
    "tensorinv": (lambda m: gk.linalg.tensorinv(m.T, ind=1),
        ("float64", [[[0.4588385251353998, -0.17434190293752252, -0.22552660989154905, -0.17064262826309354,
        -0.0355027521978873, 0.11633462297179072], [0.28473643709469215, 0.7073113295513358, 0.0323844643911062,
        -0.1577733203934754, -0.2737278473208706, -0.2609438905376623], [-0.23802876416673663, -0.028931342460618164,
        0.6937729416694244, 0.325342783546603, 0.30389883070059076, 0.13952650922587354]], [[-0.05134408224850029,
        -0.1789435221168722, -0.2223830274640173, 0.3387676798358213, -0.024251533366629396, 0.1241351285139072],
        [0.28837274803500484, 0.20438933871384932, 0.02427842972405656, -0.16725100412588906, 0.21988032263359938,
        -0.2612436893507967], [-0.23141163835933162, -0.02146464802539589, 0.19857750166926025, 0.3252255494698085,
        0.29891493956531584, 0.6320199629084844]]])),
    "tensorinv 2": (lambda m: gk.linalg.tensorinv(m.T.reshape(2, 3, 3, 2), ind=2),
        ("float64", [[[[0.4588385251353998, -0.17434190293752252, -0.22552660989154905], [-0.17064262826309354,
        -0.0355027521978873, 0.11633462297179072]], [[0.28473643709469215, 0.7073113295513358, 0.0323844643911062],
        [-0.1577733203934754, -0.2737278473208706, -0.2609438905376623]]], [[[-0.23802876416673663,
        -0.028931342460618164, 0.6937729416694244], [0.325342783546603, 0.30389883070059076, 0.13952650922587354]],
        [[-0.05134408224850029, -0.1789435221168722, -0.2223830274640173], [0.3387676798358213, -0.024251533366629396,
        0.1241351285139072]]], [[[0.28837274803500484, 0.20438933871384932, 0.02427842972405656],
        [-0.16725100412588906, 0.21988032263359938, -0.2612436893507967]], [[-0.23141163835933162,
        -0.02146464802539589, 0.19857750166926025], [0.3252255494698085, 0.29891493956531584,
        0.6320199629084844]]]])),
    "tensorsolve": (lambda m: gk.linalg.tensorsolve(m.T, gk.arange(6, **m.kw)),
        ("float64", [[-0.6976609014424966, -2.1008705448186724, 4.2478707604497705], [0.9162629715655756,
        -0.6755039704352904, 5.707126576526235]])),
    "tensorsolve dims": (lambda m: gk.linalg.tensorsolve(m.T.permute(1, 0, 2), gk.arange(6, **m.kw), dims=(0, 2)),
        ("float64", [[-0.6976609014424966, -2.1008705448186724, 4.2478707604497705], [0.9162629715655756,
        -0.6755039704352904, 5.707126576526235]])),
    "kron": (lambda m: gk.kron(m.A[:2, :2], m.W),
        ("float64", [[2.0, 4.0, -1.0, -2.0], [6.0, 8.0, -3.0, -4.0], [10.0, -12.0, -5.0, 6.0], [1.0, 2.0, 3.0, 6.0],
        [3.0, 4.0, 9.0, 12.0], [5.0, -6.0, 15.0, -18.0]])),
    "kron vector": (lambda m: m.A.kron(m.W[0]),
        ("float64", [[2.0, 4.0, -1.0, -2.0, 0.5, 1.0], [1.0, 2.0, 3.0, 6.0, -2.0, -4.0], [0.0, 0.0, 1.0, 2.0, 4.0,
        8.0]])),
    "kron int": (lambda m: gk.kron(m.I, m.I),
        ("int64", [[1, 2, 2, 4], [3, 4, 6, 8], [3, 6, 4, 8], [9, 12, 12, 16]])),
    "block_diag": (lambda m: gk.block_diag(m.A[:2], m.W[0], gk.tensor(7.0, **m.kw), m.W),
        ("float64", [[2.0, -1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 3.0, -2.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0,
        0.0, 1.0, 2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 7.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0,
        2.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, -6.0]])),
    "block_diag int": (lambda m: gk.block_diag(m.I, m.I[0]),
        ("int64", [[1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 1, 2]])),
    "block_diag mixed": (lambda m: gk.block_diag(m.I, m.W),
        ("float64", [[1.0, 2.0, 0.0, 0.0], [3.0, 4.0, 0.0, 0.0], [0.0, 0.0, 1.0, 2.0], [0.0, 0.0, 3.0, 4.0], [0.0,
        0.0, 5.0, -6.0]])),
    "trapezoid": (lambda m: gk.trapezoid(m.W),
        ("float64", [1.5, 3.5, -0.5])),
    "trapezoid dim0": (lambda m: gk.trapezoid(m.W, dim=0),
        ("float64", [6.0, 2.0])),
    "trapezoid x": (lambda m: gk.trapezoid(m.W, m.A[:, 0], dim=0),
        ("float64", [-6.0, -2.0])),
    "trapezoid x nd": (lambda m: gk.trapezoid(m.W, m.W * m.W),
        ("float64", [4.5, 24.5, -5.5])),
    "trapezoid dx": (lambda m: gk.trapezoid(m.W, dx=0.5, dim=0),
        ("float64", [3.0, 1.0])),
    "trapezoid int": (lambda m: gk.trapezoid(m.I),
        ("float32", [1.5, 3.5])),
    "trapz": (lambda m: gk.trapz(m.W, dim=0),
        ("float64", [6.0, 2.0])),
    "cumulative_trapezoid": (lambda m: gk.cumulative_trapezoid(m.C),
        ("float64", [[1.5, 4.0], [4.5, 10.0], [7.5, 16.5]])),
    "cumulative_trapezoid x": (lambda m: gk.cumulative_trapezoid(m.C, m.A[0]),
        ("float64", [[-4.5, -0.75], [-13.5, -5.25], [-22.5, -9.0]])),
    "cumulative_trapezoid dx": (lambda m: gk.cumulative_trapezoid(m.C, dx=2.0, dim=0),
        ("float64", [[5.0, 7.0, 9.0], [16.0, 20.0, 25.0]])),
    "vander": (lambda m: gk.vander(m.A[0]),
        ("float64", [[4.0, 2.0, 1.0], [1.0, -1.0, 1.0], [0.25, 0.5, 1.0]])),
    "vander increasing": (lambda m: gk.vander(m.A[1], 4, increasing=True),
        ("float64", [[1.0, 1.0, 1.0, 1.0], [1.0, 3.0, 9.0, 27.0], [1.0, -2.0, 4.0, -8.0]])),
    "vander int": (lambda m: gk.vander(m.I[0], 3),
        ("int64", [[1, 1, 1], [4, 2, 1]])),
    "vander empty": (lambda m: gk.vander(m.A[0], 0),
        ("float64", (3, 0), None)),
    "linalg vander": (lambda m: gk.linalg.vander(m.A),
        ("float64", [[[1.0, 2.0, 4.0], [1.0, -1.0, 1.0], [1.0, 0.5, 0.25]], [[1.0, 1.0, 1.0], [1.0, 3.0, 9.0], [1.0,
        -2.0, 4.0]], [[1.0, 0.0, 0.0], [1.0, 1.0, 1.0], [1.0, 4.0, 16.0]]])),
    "linalg vander N": (lambda m: gk.linalg.vander(m.A[0], N=5),
        ("float64", [[1.0, 2.0, 4.0, 8.0, 16.0], [1.0, -1.0, 1.0, -1.0, 1.0], [1.0, 0.5, 0.25, 0.125, 0.0625]])),
    "linalg vander int": (lambda m: gk.linalg.vander(m.I),
        ("int64", [[[1, 1], [1, 2]], [[1, 3], [1, 4]]])),
    "renorm": (lambda m: gk.renorm(m.W, 2, 0, 3.0),
        ("float64", [[1.0, 2.0], [1.7999999640000006, 2.399999952000001], [1.9205531744032762, -2.304663809283931]])),
    "renorm method": (lambda m: m.W.renorm(1, 1, 5.0),
        ("float64", [[0.5555555493827161, 0.833333326388889], [1.6666666481481482, 1.666666652777778],
        [2.7777777469135807, -2.499999979166667]])),
    "renorm inf": (lambda m: gk.renorm(m.C, math.inf, 1, 6.0),
        ("float64", [[0.8571428448979593, 1.4999999812500004, 1.7999999820000006], [3.4285713795918373,
        3.749999953125001, 3.599999964000001], [5.999999914285715, 5.999999925000002, 5.999999940000001]])),
    "prelu": (lambda m: gk.prelu(m.W, gk.tensor([0.25], **m.kw)),
        ("float64", [[1.0, 2.0], [3.0, 4.0], [5.0, -1.5]])),
    "prelu method": (lambda m: (-m.C).prelu(gk.tensor([0.1, 0.2, 0.3], **m.kw)),
        ("float64", [[-0.1, -0.4, -0.8999999999999999], [-0.4, -1.0, -1.7999999999999998], [-0.7000000000000001, -1.6,
        -3.0]])),
    "diagonal": (lambda m: gk.linalg.diagonal(m.C),
        ("float64", [1.0, 5.0, 10.0])),
    "diagonal offset": (lambda m: gk.linalg.diagonal(m.C, offset=1),
        ("float64", [2.0, 6.0])),
    "matmul": (lambda m: gk.linalg.matmul(m.A, m.B),
        ("float64", [[3.5, 5.25], [-5.0, -2.0], [12.0, 1.0]])),
    "logdet": (lambda m: m.C.logdet(),
        ("float64", NAN)),
    "cond None": (lambda m: gk.linalg.cond(m.A, None), ("float64", 2.087423849176182)),
    "cond 2": (lambda m: gk.linalg.cond(m.A, 2), ("float64", 2.087423849176182)),
    "cond -2": (lambda m: gk.linalg.cond(m.A, -2), ("float64", 0.47905939198436276)),
    "cond fro": (lambda m: gk.linalg.cond(m.A, 'fro'), ("float64", 3.567066651611856)),
    "cond nuc": (lambda m: gk.linalg.cond(m.A, 'nuc'), ("float64", 9.841215739846783)),
    "cond 1": (lambda m: gk.linalg.cond(m.A, 1), ("float64", 3.8000000000000003)),
    "cond -1": (lambda m: gk.linalg.cond(m.A, -1), ("float64", 1.1076923076923078)),
    "cond inf": (lambda m: gk.linalg.cond(m.A, INF), ("float64", 3.507692307692307)),
    "cond -inf": (lambda m: gk.linalg.cond(m.A, -INF), ("float64", 1.076923076923077)),
    "cond tall": (lambda m: gk.linalg.cond(m.W), ("float64", 1.565852410769248)),
    "cond singular": (lambda m: gk.linalg.cond(gk.ones(2, 2, **m.kw), 1), ("float64", INF)),
}


def _check(got, expected, name):
    if expected is None:
        assert got is None, name
        return
    if isinstance(expected[0], tuple):
        assert isinstance(got, tuple) and len(got) == len(expected), name
        for g, e in zip(got, expected):
            _check(g, e, name)
        return
    dtype = getattr(gk, expected[0])
    if len(expected) == 3:
        assert tuple(got.shape) == expected[1] and got.dtype == dtype, (name, got.shape, got.dtype)
        return
    # float32 results differ from PyTorch's in the last bits only
    rtol = 1e-5 if dtype == gk.float32 else 1e-10
    assert_values(got, expected[1], dtype=dtype, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("case", list(VALUES))
def test_values_match_pytorch(device, case):
    fn, expected = VALUES[case]
    _check(fn(_inputs(device)), expected, case)


# name: (the call, PyTorch's exception type and message)
ERRORS = {
    "inv singular": (lambda m: gk.linalg.inv(m.ones),
        gk.linalg.LinAlgError,
        'linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input '
        'matrix is singular.'),
    "inv batch singular": (lambda m: gk.linalg.inv(gk.stack((m.A, m.ones, m.ones))),
        gk.linalg.LinAlgError,
        'linalg.inv: (Batch element 1): The diagonal element 2 is zero, the inversion could not be completed '
        'because the input matrix is singular.'),
    "inverse singular": (lambda m: gk.inverse(m.ones),
        gk.linalg.LinAlgError,
        'linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input '
        'matrix is singular.'),
    "inv_ex check": (lambda m: gk.linalg.inv_ex(gk.stack((m.A, m.ones)), check_errors=True),
        gk.linalg.LinAlgError,
        'linalg.inv_ex: (Batch element 1): The diagonal element 2 is zero, the inversion could not be '
        'completed because the input matrix is singular.'),
    "cholesky not pd": (lambda m: gk.linalg.cholesky(m.S - 5 * gk.eye(3, **m.kw)),
        gk.linalg.LinAlgError,
        'linalg.cholesky: The factorization could not be completed because the input is not positive-definite'
        ' (the leading minor of order 2 is not positive-definite).'),
    "cholesky batch": (lambda m: gk.linalg.cholesky(gk.stack((m.S, m.S, -m.S))),
        gk.linalg.LinAlgError,
        'linalg.cholesky: (Batch element 2): The factorization could not be completed because the input is '
        'not positive-definite (the leading minor of order 1 is not positive-definite).'),
    "cholesky_ex check": (lambda m: gk.linalg.cholesky_ex(-m.S, check_errors=True),
        gk.linalg.LinAlgError,
        'linalg.cholesky_ex: The factorization could not be completed because the input is not '
        'positive-definite (the leading minor of order 1 is not positive-definite).'),
    "solve singular": (lambda m: gk.linalg.solve(m.ones, m.A),
        gk.linalg.LinAlgError,
        'torch.linalg.solve: The solver failed because the input matrix is singular.'),
    "solve batch singular": (lambda m: gk.linalg.solve(gk.stack((m.A, m.ones)), m.A),
        gk.linalg.LinAlgError,
        'torch.linalg.solve: (Batch element 1): The solver failed because the input matrix is singular.'),
    "solve_ex check": (lambda m: gk.linalg.solve_ex(m.ones, m.A, check_errors=True),
        gk.linalg.LinAlgError,
        'torch.linalg.solve_ex: The solver failed because the input matrix is singular.'),
    "lu_factor singular": (lambda m: gk.linalg.lu_factor(m.ones),
        RuntimeError,
        'torch.linalg.lu_factor: U[2,2] is zero and using it on lu_solve would result in a division by zero. '
        'If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or '
        'linalg.lu_factor_ex(A, pivot)'),
    "lu_factor batch singular": (lambda m: gk.linalg.lu_factor(gk.stack((m.A, m.ones))),
        RuntimeError,
        'torch.linalg.lu_factor: (Batch element 1): U[2,2] is zero and using it on lu_solve would result in a'
        ' division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, '
        'pivot) or linalg.lu_factor_ex(A, pivot)'),
    "lu_factor_ex check": (lambda m: gk.linalg.lu_factor_ex(m.ones, check_errors=True),
        RuntimeError,
        'torch.linalg.lu_factor_ex: U[2,2] is zero and using it on lu_solve would result in a division by '
        'zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or '
        'linalg.lu_factor_ex(A, pivot)'),
    "lu no pivot": (lambda m: gk.linalg.lu(m.A, pivot=False),
        RuntimeError,
        'linalg.lu_factor: LU without pivoting is not implemented on the CPU'),
    "lu_factor no pivot": (lambda m: gk.linalg.lu_factor(m.A, pivot=False),
        RuntimeError,
        'linalg.lu_factor: LU without pivoting is not implemented on the CPU'),
    "matrix_power nonsquare": (lambda m: gk.linalg.matrix_power(m.W, 2),
        RuntimeError,
        'linalg.matrix_power: A must be batches of square matrices, but they are 3 by 2 matrices'),
    "matrix_power 1d": (lambda m: gk.linalg.matrix_power(m.W[0], 2),
        RuntimeError,
        'linalg.matrix_power: The input tensor A must have at least 2 dimensions.'),
    "matrix_power int negative": (lambda m: gk.linalg.matrix_power(gk.ones(2, 2, dtype=gk.int64), -1),
        RuntimeError,
        'linalg.inv: Expected a floating point or complex tensor as input. Got Long'),
    "matrix_power singular negative": (lambda m: gk.linalg.matrix_power(m.ones, -1),
        gk.linalg.LinAlgError,
        'linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input '
        'matrix is singular.'),
    "multi_dot one": (lambda m: gk.linalg.multi_dot([m.A]),
        RuntimeError,
        'multi_dot(): expected at least 2 tensors but got 1'),
    "multi_dot 3d": (lambda m: gk.linalg.multi_dot([m.A, m.A.reshape(1, 3, 3), m.A]),
        RuntimeError,
        'multi_dot(): tensor 1 must be 2D but got 3D'),
    "multi_dot first 3d": (lambda m: gk.linalg.multi_dot([m.A.reshape(1, 3, 3), m.A]),
        RuntimeError,
        'multi_dot(): the first tensor must be 1D or 2D but got 3D'),
    "multi_dot last 3d": (lambda m: gk.linalg.multi_dot([m.A, m.A.reshape(1, 3, 3)]),
        RuntimeError,
        'multi_dot(): the last tensor must be 1D or 2D but got 3D'),
    "multi_dot shapes": (lambda m: gk.linalg.multi_dot([m.A, m.W.mT]),
        RuntimeError,
        'multi_dot(): tensors 0 and 1 with shapes [3, 3] and [2, 3] cannot be multiplied'),
    "multi_dot dtype": (lambda m: gk.linalg.multi_dot([m.A, m.A.float()]),
        RuntimeError,
        'multi_dot(): all tensors must have be the same dtype but tensor 0 is double and tensor 1 float'),
    "chain_matmul 1d": (lambda m: gk.chain_matmul(m.A, m.A[0]),
        RuntimeError,
        'Tensor dimension is 1, expected 2 instead.'),
    "solve_triangular shapes": (lambda m: gk.linalg.solve_triangular(m.A, m.W.mT, upper=True),
        RuntimeError,
        'linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x3)'),
    "solve_triangular 1d B": (lambda m: gk.linalg.solve_triangular(m.A, m.W[:, 0], upper=True),
        RuntimeError,
        'linalg.solve_triangular: The input tensor B must have at least 2 dimensions.'),
    "solve_triangular nonsquare": (lambda m: gk.linalg.solve_triangular(m.W, m.W, upper=True),
        RuntimeError,
        'linalg.solve_triangular: A must be batches of square matrices, but they are 3 by 2 matrices'),
    "solve_triangular int": (lambda m: gk.linalg.solve_triangular(m.I, m.I, upper=True),
        NotImplementedError,
        '"triangular_solve_cpu" not implemented for \'Long\''),
    "lstsq driver": (lambda m: gk.linalg.lstsq(m.W, m.A, driver="foo"),
        RuntimeError,
        'torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)'),
    "lstsq rows": (lambda m: gk.linalg.lstsq(m.W, m.W.mT),
        RuntimeError,
        'torch.linalg.lstsq: input.size(-2) should match other.size(-2)'),
    "lstsq dims": (lambda m: gk.linalg.lstsq(m.W, m.W[0, 0]),
        RuntimeError,
        'torch.linalg.lstsq: other must have at least 1 dimension.'),
    "lstsq dtype": (lambda m: gk.linalg.lstsq(m.W, m.A.float()),
        RuntimeError,
        "torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype Double "
        "and other's dtype Float"),
    "lstsq 1d": (lambda m: gk.linalg.lstsq(m.W[0], m.W[0]),
        RuntimeError,
        'torch.linalg.lstsq: input must have at least 2 dimensions.'),
    "cond bad p": (lambda m: gk.linalg.cond(m.A, 3),
        RuntimeError,
        'linalg.cond got an invalid norm type: 3'),
    "cond nonsquare 1": (lambda m: gk.linalg.cond(m.W, 1),
        RuntimeError,
        'linalg.cond(ord=1): A must be batches of square matrices, but they are 3 by 2 matrices'),
    "householder wide": (lambda m: gk.linalg.householder_product(m.W.mT, m.W[0]),
        RuntimeError,
        'torch.linalg.householder_product: input.shape[-2] must be greater than or equal to input.shape[-1]'),
    "householder tau long": (lambda m: gk.linalg.householder_product(m.W, m.A[0]),
        RuntimeError,
        'torch.linalg.householder_product: input.shape[-1] must be greater than or equal to tau.shape[-1]'),
    "householder tau ndim": (lambda m: gk.linalg.householder_product(m.W, m.W),
        RuntimeError,
        'torch.linalg.householder_product: Expected tau to have one dimension less than input, but got '
        'tau.ndim equal to 2 and input.ndim is equal to 2'),
    "ormqr rows": (lambda m: gk.ormqr(m.W, m.W[0], m.C[:2]),
        RuntimeError,
        'torch.ormqr: other.shape[-2] must be equal to input.shape[-2]'),
    "ormqr tau": (lambda m: gk.ormqr(m.W, m.A[0], m.C),
        RuntimeError,
        'torch.ormqr: tau.shape[-1] must be equal to min(other.shape[-2], input.shape[-1])'),
    "tensorinv ind": (lambda m: gk.linalg.tensorinv(m.A, ind=0),
        RuntimeError,
        "Expected a strictly positive integer for 'ind', but got 0"),
    "tensorinv shape": (lambda m: gk.linalg.tensorinv(m.W, ind=1),
        RuntimeError,
        'Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got 2'
        ' != 3'),
    "tensorsolve shape": (lambda m: gk.linalg.tensorsolve(m.W, m.W[:, 0]),
        RuntimeError,
        'Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == '
        'prod(self.shape[:other.ndim]), but got 2 != 3'),
    "block_diag 3d": (lambda m: gk.block_diag(m.A, m.A.reshape(1, 3, 3)),
        RuntimeError,
        'torch.block_diag: Input tensors must have 2 or fewer dimensions. Input 1 has 3 dimensions'),
    "vander 2d": (lambda m: gk.vander(m.A),
        RuntimeError,
        'x must be a one-dimensional tensor.'),
    "vander negative": (lambda m: gk.vander(m.A[0], -1),
        RuntimeError,
        'N must be non-negative.'),
    "linalg vander 0d": (lambda m: gk.linalg.vander(m.A[0, 0]),
        RuntimeError,
        'N must be greater than 1.'),
    "linalg vander N1": (lambda m: gk.linalg.vander(m.A[0], N=1),
        RuntimeError,
        'N must be greater than 1.'),
    "renorm int": (lambda m: gk.renorm(gk.ones(2, 2, dtype=gk.int64), 2, 0, 1),
        RuntimeError,
        'linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long'),
    "renorm p": (lambda m: gk.renorm(m.A, 0, 0, 1.0),
        RuntimeError,
        'renorm: non-positive-norm not supported'),
    "renorm p negative": (lambda m: gk.renorm(m.A, -1, 0, 1.0),
        RuntimeError,
        'renorm: non-positive-norm not supported'),
    "renorm maxnorm": (lambda m: gk.renorm(m.A, 2, 0, -1.0),
        RuntimeError,
        'renorm: expected maxnorm to be >= 0 but got -1'),
    "renorm dim": (lambda m: gk.renorm(m.A, 2, 3, 1.0),
        IndexError,
        'Dimension out of range (expected to be in range of [-2, 1], but got 3)'),
    "trapezoid x length": (lambda m: gk.trapezoid(m.W, m.A[0]),
        RuntimeError,
        'trapezoid: There must be one `x` value for each sample point'),
    "cumulative_trapezoid x length": (lambda m: gk.cumulative_trapezoid(m.W, m.A[0]),
        RuntimeError,
        'cumulative_trapezoid: There must be one `x` value for each sample point'),
    "cholesky_solve 1d": (lambda m: gk.cholesky_solve(m.A[0], m.A),
        RuntimeError,
        'b should have at least 2 dimensions, but has 1 dimensions instead'),
    "cholesky_inverse 1d": (lambda m: gk.cholesky_inverse(m.A[0]),
        RuntimeError,
        'cholesky_inverse: The input tensor A must have at least 2 dimensions.'),
    "lu_solve nonsquare": (lambda m: gk.linalg.lu_solve(m.W, gk.tensor([1, 2], dtype=gk.int32), m.W),
        RuntimeError,
        'torch.linalg.lu_solve: A must be batches of square matrices, but they are 3 by 2 matrices'),
    "matrix_exp nonsquare": (lambda m: gk.linalg.matrix_exp(m.W),
        RuntimeError,
        'linalg.matrix_exp: A must be batches of square matrices, but they are 3 by 2 matrices'),
    "matrix_exp int": (lambda m: gk.linalg.matrix_exp(gk.ones(2, 2, dtype=gk.int64)),
        RuntimeError,
        'linalg.matrix_exp: Expected a floating point or complex tensor as input. Got Long'),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_pytorch(device, case):
    fn, exc, message = ERRORS[case]
    with pytest.raises(exc) as info:
        fn(_inputs(device))
    assert type(info.value) is exc and str(info.value) == message


_WEIGHTS = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [1.0, 2.0, 3.0]]

# d(loss)/dx recorded from PyTorch 2.13: (x, loss(x, weights), the gradient)
RECORDED_GRADS = {
    "lu square": (C_VALUES, lambda x, c: (gk.linalg.lu(x).L * c).sum() + (gk.linalg.lu(x).U * c.mT).sum(),
        [[-2.5952380952380962, 1.8333333333333348, 0.49999999999999933], [-0.5238095238095224, -3.166666666666668,
        3.0], [1.1700680272108832, 3.0476190476190483, -0.7857142857142855]]),
    "lu tall": (W_VALUES, lambda x, c: (gk.linalg.lu(x).L * c[:, :2]).sum() + (gk.linalg.lu(x).U * c[:2, :2]).sum(),
        [[0.5157894736842106, 0.2631578947368421], [0.4670360110803325, 0.139196675900277], [0.11662049861495855,
        -1.1361495844875344]]),
    "lu wide": ([[1.0, 3.0, 5.0], [2.0, 4.0, -6.0]], lambda x, c: (gk.linalg.lu(x).L * c[:2, :2]).sum() +
    (gk.linalg.lu(x).U * c[:2]).sum(),
        [[-2.0, 0.25, -0.75], [1.5, -1.125, 2.375]]),
    "lu_factor": (C_VALUES, lambda x, c: (gk.linalg.lu_factor(x).LU * c).sum(),
        [[1.333333333333333, 1.8333333333333344, -2.250000000000001], [-0.523809523809523, -3.1666666666666674, 3.0],
        [0.6088435374149656, 0.5476190476190477, 0.6071428571428574]]),
    "lu_solve": (C_VALUES, lambda x, c: (gk.linalg.lu_solve(*gk.linalg.lu_factor(x), c, adjoint=True) * c).sum(),
        [[-12.055555555555589, 28.94444444444455, -15.833333333333393], [38.30555555555562, -128.31944444444463,
        79.33333333333344], [-20.50000000000003, 71.50000000000007, -44.75000000000005]]),
    "solve_triangular": (C_VALUES, lambda x, c: (gk.linalg.solve_triangular(x, c, upper=False) * c).sum(),
        [[-5.78, 0.0, 0.0], [0.9200000000000002, -0.8590000000000002, 0.0], [-0.45000000000000007, 0.3650000000000001,
        -0.11700000000000002]]),
    "solve_triangular unit right": (C_VALUES, lambda x, c: (gk.linalg.solve_triangular(x, c, upper=True, left=False,
    unitriangular=True) * c).sum(),
        [[0.0, 15.375, -2.875], [0.0, 0.0, 1.9375], [0.0, 0.0, 0.0]]),
    "cholesky_solve": (A_VALUES, lambda x, c: (gk.cholesky_solve(c, gk.linalg.cholesky(x @ x.mT)) * c).sum(),
        [[-0.8661301775147929, 0.0748875739644969, -0.4425088757396449], [-0.2115857988165682, -0.17900591715976352,
        -0.16728994082840243], [-0.2606035502958581, -0.21271005917159783, -0.39602366863905336]]),
    "cholesky_inverse": (A_VALUES, lambda x, c: (gk.cholesky_inverse(x.triu(), upper=True) * c).sum(),
        [[-0.16167534722222227, -0.12673611111111113, -0.10677083333333334], [0.0, -0.09259259259259257,
        -0.06944444444444442], [0.0, 0.0, -0.1320529513888889]]),
    "matrix_exp": (A_VALUES, lambda x, c: (gk.linalg.matrix_exp(x) * c).sum(),
        [[26.03811287941499, -24.586175678673722, 31.00547564459116], [8.05459760322841, 23.24769318163611,
        38.68853763671918], [36.297478745449155, -86.55801022360157, 161.74226540512169]]),
    "matrix_power": (A_VALUES, lambda x, c: (gk.linalg.matrix_power(x, -3) * c).sum(),
        [[-0.003551668358951019, -0.06245932565386368, -0.07504151815412628], [-0.012756472112320994,
        0.022748419172998156, -0.03588328139771017], [-0.11120669444347188, 0.01053164805153882,
        -0.027020258394313934]]),
    "lstsq": (W_VALUES, lambda x, c: (gk.linalg.lstsq(x, c[:, :2]).solution * c[:2, :2]).sum(),
        [[-0.0027589736383874346, -0.01723592238092088], [-0.06744624633560356, -0.04629709989199669],
        [0.046888087129978634, -0.015312114274063794]]),
    "cond": (A_VALUES, lambda x, c: gk.linalg.cond(x) + gk.linalg.cond(x, -2) + gk.linalg.cond(x, "nuc"),
        [[-1.7739368223766727, 0.22424397265816615, 0.030719883707306335], [-0.3514265334908857, 0.20532450415094144,
        -0.5089342013681477], [-0.06584477243674258, -0.1506846805585986, 0.6562567436045558]]),
    "householder_product": (W_VALUES, lambda x, c: (gk.linalg.householder_product(x, x[0] * 0.3) * c[:, :2]).sum(),
        [[-59.159999999999926, -20.167500000000054], [-3.0599999999999863, 0.0], [-22.34999999999998,
        7.57500000000007]]),
    "renorm": (W_VALUES, lambda x, c: (gk.renorm(x, 2, 0, 3.0) * c[:, :2]).sum(),
        [[0.5, -1.0], [0.5039999978399999, -0.37799998188000056], [0.6045019799411764, 0.5037516556886851]]),
    "trapezoid": (W_VALUES, lambda x, c: gk.trapezoid(x * x, x[:, 0], dim=0).sum() + gk.trapezoid(x, dx=0.3).sum(),
        [[-12.85, 4.15], [-15.850000000000001, 16.15], [53.15, -11.85]]),
    "cumulative_trapezoid": (W_VALUES, lambda x, c: (gk.cumulative_trapezoid(x * x, x[:, 0], dim=0) * c[:2,
    :2]).sum(),
        [[1.5, -3.0], [-8.5, -4.0], [47.0, -3.0]]),
    "vander": (W_VALUES, lambda x, c: (gk.linalg.vander(x, N=3) * x[0, 0]).sum() + (gk.linalg.vander(x[:, 1]) *
    c).sum(),
        [[109.0, 12.0], [7.0, 3.25], [11.0, -45.0]]),
    "kron": (W_VALUES, lambda x, c: (gk.kron(x, x.mT.contiguous()) * gk.kron(c[:, :2], c[:2])).sum(),
        [[6.5, -20.5], [27.0, 3.25], [10.0, 34.25]]),
    "block_diag": (W_VALUES, lambda x, c: (gk.block_diag(x, x[0], x[1, 1]) * gk.arange(25.0, dtype=x.dtype,
    device=x.device).reshape(5, 5)).sum(),
        [[17.0, 19.0], [5.0, 30.0], [10.0, 11.0]]),
    "tensorsolve": (A_VALUES, lambda x, c: (gk.linalg.tensorsolve(x, c[0]) * c[1]).sum(),
        [[-0.06378698224852071, 0.01822485207100589, -0.3007100591715977], [-0.03396449704142012,
        0.009704142011834305, -0.1601183431952663], [0.011183431952662725, -0.003195266272189345,
        0.05272189349112428]]),
    "multi_dot": (A_VALUES, lambda x, c: (gk.linalg.multi_dot([x[0], c, x, c.mT, x[:, 1]])),
        [[-18.4375, 65.9375, 39.375], [-6.25, -26.5625, 1.5625], [31.25, 109.6875, -7.8125]]),
}


@pytest.mark.parametrize("case", list(RECORDED_GRADS))
def test_gradients_match_pytorch(device, case):
    values, loss, expected = RECORDED_GRADS[case]
    x = gk.tensor(values, dtype=gk.float64, device=device, requires_grad=True)
    loss(x, gk.tensor(_WEIGHTS, dtype=gk.float64, device=device)).backward()
    assert_values(x.grad, expected, rtol=1e-9, atol=1e-12)


def _well_conditioned(*shape, device, seed):
    return (rand64(*shape, device=device, seed=seed, requires_grad=False)
            + 3 * gk.eye(shape[-1], dtype=gk.float64, device=device)).requires_grad_()


LINALG = gk.linalg
# name: (function of (a, b, tall, wide, vector, tau), the arguments it differentiates)
GRAD_CASES = {
    "matrix_power 3": (lambda a, b, t, w, v, tau: LINALG.matrix_power(a, 3), "a"),
    "matrix_power -2": (lambda a, b, t, w, v, tau: LINALG.matrix_power(a, -2), "a"),
    "matrix_power 0": (lambda a, b, t, w, v, tau: LINALG.matrix_power(a, 0), "a"),
    "multi_dot": (lambda a, b, t, w, v, tau: LINALG.multi_dot([v, a[0], t.mT, w.mT, t.mT]), "atwv"),
    "chain_matmul": (lambda a, b, t, w, v, tau: gk.chain_matmul(a[0], a[1], t.mT), "at"),
    "solve_triangular upper": (lambda a, b, t, w, v, tau: LINALG.solve_triangular(a, b, upper=True), "ab"),
    "solve_triangular unit": (lambda a, b, t, w, v, tau: LINALG.solve_triangular(a, b, upper=False,
                                                                                  unitriangular=True), "ab"),
    "solve_triangular right": (lambda a, b, t, w, v, tau: LINALG.solve_triangular(a, b.mT, upper=True, left=False),
                               "ab"),
    "solve_triangular broadcast": (lambda a, b, t, w, v, tau: LINALG.solve_triangular(a, b[0], upper=False), "ab"),
    "triangular_solve": (lambda a, b, t, w, v, tau: gk.triangular_solve(b, a, transpose=True).solution, "ab"),
    "cholesky_solve": (lambda a, b, t, w, v, tau: gk.cholesky_solve(b, LINALG.cholesky(a @ a.mT)), "ab"),
    "cholesky_inverse": (lambda a, b, t, w, v, tau: gk.cholesky_inverse(LINALG.cholesky(a @ a.mT)), "a"),
    "cholesky_inverse upper": (lambda a, b, t, w, v, tau: gk.cholesky_inverse(gk.triu(a), upper=True), "a"),
    "inv_ex": (lambda a, b, t, w, v, tau: LINALG.inv_ex(a).inverse, "a"),
    "cholesky_ex": (lambda a, b, t, w, v, tau: LINALG.cholesky_ex(a @ a.mT).L, "a"),
    "solve_ex": (lambda a, b, t, w, v, tau: LINALG.solve_ex(a, b).result, "ab"),
    "lu square": (lambda a, b, t, w, v, tau: LINALG.lu(a)[1:], "a"),
    "lu tall": (lambda a, b, t, w, v, tau: LINALG.lu(t)[1:], "t"),
    "lu wide": (lambda a, b, t, w, v, tau: LINALG.lu(w)[1:], "w"),
    "lu tall L": (lambda a, b, t, w, v, tau: LINALG.lu(t).L, "t"),
    "lu wide U": (lambda a, b, t, w, v, tau: LINALG.lu(w).U, "w"),
    "lu_factor": (lambda a, b, t, w, v, tau: LINALG.lu_factor(a).LU, "a"),
    "lu_solve": (lambda a, b, t, w, v, tau: LINALG.lu_solve(*LINALG.lu_factor(a), b), "ab"),
    "lu_solve adjoint": (lambda a, b, t, w, v, tau: LINALG.lu_solve(*LINALG.lu_factor(a), b, adjoint=True), "ab"),
    "lu_solve right": (lambda a, b, t, w, v, tau: LINALG.lu_solve(*LINALG.lu_factor(a), b.mT, left=False), "ab"),
    "matrix_exp": (lambda a, b, t, w, v, tau: LINALG.matrix_exp(a * 0.5), "a"),
    "lstsq tall": (lambda a, b, t, w, v, tau: LINALG.lstsq(t, t[:, :2] + 1).solution, "t"),
    "lstsq wide": (lambda a, b, t, w, v, tau: LINALG.lstsq(w, b[0]).solution, "wb"),
    **{f"cond {p}": ((lambda p: lambda a, b, t, w, v, tau: LINALG.cond(a, p))(p), "a")
       for p in (None, -2, "fro", "nuc", 1, -1, math.inf, -math.inf)},
    "householder_product": (lambda a, b, t, w, v, tau: LINALG.householder_product(t, tau), "t", ),
    "ormqr": (lambda a, b, t, w, v, tau: gk.ormqr(t, tau[:2], w.mT, transpose=True), "twv"),
    "tensorinv": (lambda a, b, t, w, v, tau: LINALG.tensorinv(a[0].reshape(3, 3), ind=1), "a"),
    "tensorsolve": (lambda a, b, t, w, v, tau: LINALG.tensorsolve(a[0], v), "av"),
    "kron": (lambda a, b, t, w, v, tau: gk.kron(t, w), "tw"),
    "block_diag": (lambda a, b, t, w, v, tau: gk.block_diag(t, w, v, v[0]), "twv"),
    "trapezoid": (lambda a, b, t, w, v, tau: gk.trapezoid(t), "t"),
    "trapezoid x": (lambda a, b, t, w, v, tau: gk.trapezoid(t, v), "tv"),
    "cumulative_trapezoid": (lambda a, b, t, w, v, tau: gk.cumulative_trapezoid(t, dx=0.5, dim=0), "t"),
    "cumulative_trapezoid x": (lambda a, b, t, w, v, tau: gk.cumulative_trapezoid(t, v), "tv"),
    "vander": (lambda a, b, t, w, v, tau: gk.vander(v, 4), "v"),
    "linalg vander": (lambda a, b, t, w, v, tau: LINALG.vander(t), "t"),
    "renorm": (lambda a, b, t, w, v, tau: gk.renorm(t, 2, 0, 0.8), "t"),
    "renorm 3": (lambda a, b, t, w, v, tau: gk.renorm(t, 3, 1, 0.8), "t"),
    "prelu": (lambda a, b, t, w, v, tau: gk.prelu(t, v), "tv"),
}


@pytest.mark.parametrize("case", list(GRAD_CASES))
def test_grads(device, case):
    fn, wrt = GRAD_CASES[case]
    args = {"a": _well_conditioned(2, 3, 3, device=device, seed=0), "b": rand64(2, 3, 2, device=device, seed=1),
            "t": rand64(4, 3, device=device, seed=2), "w": rand64(3, 4, device=device, seed=3),
            "v": rand64(3, device=device, seed=4), "tau": rand64(3, device=device, seed=5)}
    for name in args:
        if name not in wrt and name != "tau":
            args[name] = args[name].detach()
    order = ("a", "b", "t", "w", "v", "tau")
    check_grads(lambda *xs: fn(*xs), [args[name] for name in order])


def test_linalg_error_is_a_runtime_error(device):
    assert issubclass(gk.linalg.LinAlgError, RuntimeError)
    with pytest.raises(RuntimeError):
        gk.linalg.inv(gk.ones(2, 2, dtype=gk.float64, device=device))


def test_info_and_pivots_are_int32(device):
    m = _inputs(device)
    assert gk.linalg.inv_ex(m.A).info.dtype == gk.int32
    assert gk.linalg.cholesky_ex(m.S).info.dtype == gk.int32
    assert gk.linalg.solve_ex(m.A, m.B).info.dtype == gk.int32
    assert gk.linalg.lu_factor(m.C).pivots.dtype == gk.int32
    inverse, info = gk.linalg.inv_ex(gk.stack((m.A, m.ones)))
    assert host(info).tolist() == [0, 2]
    assert np.isnan(host(inverse[1])).all()
    assert_values(inverse[0], host(gk.linalg.inv(m.A)), rtol=1e-12)


def test_lu_reconstructs_the_input(device):
    m = _inputs(device)
    for a in (m.C, m.W, m.W.mT, gk.stack((m.C, m.A))):
        p, lower, upper = gk.linalg.lu(a)
        assert_values(p @ lower @ upper, host(a), rtol=1e-12, atol=1e-12)


def test_matrix_power_zero_keeps_the_graph(device):
    a = _inputs(device).A.requires_grad_()
    out = gk.linalg.matrix_power(a, 0)
    assert out.requires_grad
    out.sum().backward()
    assert_values(a.grad, np.zeros((3, 3)))


def test_eig_refuses_for_want_of_complex_dtypes(device):
    m = _inputs(device)
    for fn in (gk.linalg.eig, gk.linalg.eigvals):
        with pytest.raises(TypeError, match="complex dtypes; for a symmetric matrix use linalg.eig(vals)?h$"):
            fn(m.A)


def test_grad_fn_names_match_pytorch(device):
    a = _inputs(device).A.requires_grad_()
    assert gk.linalg.solve_triangular(a, a, upper=True).grad_fn.name() == "LinalgSolveTriangularBackward0"
    assert gk.linalg.lu(a).L.grad_fn.name() == "LinalgLuBackward0"
    assert gk.linalg.matrix_exp(a).grad_fn.name() == "LinalgMatrixExpBackward0"


def test_matrix_exp_matches_its_series(device):
    # a nilpotent matrix: exp is the finite sum I + N + N^2 / 2
    n = gk.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]], dtype=gk.float64, device=device)
    expected = np.eye(3) + host(n) + host(n @ n) / 2
    assert_values(gk.linalg.matrix_exp(n), expected, rtol=1e-14, atol=1e-14)
    big = gk.linalg.matrix_exp(n * 40 - 20 * gk.eye(3, dtype=gk.float64, device=device))
    assert_values(big, math.exp(-20) * (np.eye(3) + 40 * host(n) + 800 * host(n @ n)), rtol=1e-12, atol=1e-20)


def test_deprecated_spellings_warn_as_in_pytorch(device):
    m = _inputs(device)
    for call in (lambda: gk.chain_matmul(m.A, m.C), lambda: gk.triangular_solve(m.B, m.C), lambda: m.C.lu(),
                 lambda: gk.lu_solve(m.B, *gk.linalg.lu_factor(m.C))):
        with pytest.warns(UserWarning, match=r"^gradkit\.\w+ is deprecated, as torch\.\w+ is: use gradkit\.linalg"):
            call()


def test_torch_spellings(device):
    m = _inputs(device)
    assert gk.linalg.matrix_power is gk.matrix_power and gk.Tensor.matrix_power is gk.matrix_power
    assert gk.trapz is gk.trapezoid
    assert not hasattr(gk, "lstsq") and not hasattr(gk, "multi_dot")
    assert_values(m.W.kron(m.A), host(gk.kron(m.W, m.A)))
    out = m.W.clone()
    assert out.renorm_(2, 0, 3.0) is out
    assert_values(out, host(gk.renorm(m.W, 2, 0, 3.0)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_numpy_overrides_match_the_portable_kernels(dtype):
    """The CPU's LU and triangular solve (OpenBLAS's getrf and trsm where NumPy bundles it)
    against the array-API versions the other devices run."""
    from gradkit.backends.kernels.linalg import LinalgKernels

    class Portable(LinalgKernels):
        xp = np

    backend, portable = gk.tensor([0.0]).device.backend, Portable()
    rng = np.random.default_rng(0)
    rtol = 1e-4 if dtype == "float32" else 1e-10
    for shape in ((5, 5), (2, 6, 4), (3, 4, 6)):
        a = rng.uniform(-1, 1, shape).astype(dtype)
        (lu, pivots), (expected_lu, expected_pivots) = backend.linalg_lu(a), portable.linalg_lu(a)
        assert pivots.dtype == np.int32 and lu.dtype == a.dtype
        np.testing.assert_array_equal(pivots, expected_pivots)
        np.testing.assert_allclose(lu, expected_lu, rtol=rtol, atol=rtol)
    a = rng.uniform(-1, 1, (2, 4, 4)).astype(dtype) + 3 * np.eye(4, dtype=dtype)
    b = rng.uniform(-1, 1, (2, 4, 3)).astype(dtype)
    for upper in (True, False):
        for unit in (True, False):
            np.testing.assert_allclose(backend.linalg_solve_triangular(a, b, upper, unit),
                                       portable.linalg_solve_triangular(a, b, upper, unit), rtol=rtol, atol=rtol)
    # NaN: LAPACKE refuses it, the portable elimination carries it through
    a[0, 1, 1] = np.nan
    np.testing.assert_array_equal(np.isnan(backend.linalg_lu(a)[0]), np.isnan(portable.linalg_lu(a)[0]))


def test_out_writes_into_the_tensors_given(device):
    m = _inputs(device)
    out = gk.empty(3, 2, dtype=gk.float64, device=device)
    assert gk.linalg.solve_triangular(m.C, m.B, upper=True, out=out) is out
    assert_values(out, host(gk.linalg.solve_triangular(m.C, m.B, upper=True)))
    lu, pivots = gk.empty(3, 3, dtype=gk.float64, device=device), gk.empty(3, dtype=gk.int32, device=device)
    result = gk.linalg.lu_factor(m.C, out=(lu, pivots))
    assert result.LU is lu and result.pivots is pivots
    assert_values(lu, host(gk.linalg.lu_factor(m.C).LU))
    assert host(pivots).tolist() == [3, 3, 3]
