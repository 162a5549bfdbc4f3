"""The activations beyond relu/gelu/softmax: hardswish, hardsigmoid, glu, prelu, hardtanh/relu6
at their bounds, silu/mish/softsign in float32, and every in-place variant: PyTorch's values,
gradients, errors and module reprs, and float64 gradcheck/gradgradcheck.

The values are PyTorch 2.13.0's (CPU), recorded once and written here: the inputs are
HARD_X (float64), X32 and G32 (float32; G32 weights the gradients), linspace(-2, 2, 24) as
(2, 3, 4) for glu (its gradients weighted by linspace(0.5, 1.5, 24) cut to the output's
shape), linspace(-2, 2, 12) as (2, 3, 2) with weight [0.1, -0.3, 0.7] for prelu (weighted by
linspace(0.5, 1.5, 12)).
"""
from __future__ import annotations

import numpy as np
import pytest

import gradkit
import gradkit.nn as nn
import gradkit.nn.functional as F
from helpers import check_grads, host

from ._nnutil import close, t64

HARD_X = [-4.0, -3.0, -2.9, -1.5, -0.25, 0.0, 0.6, 2.2, 3.0, 3.1, 5.0]
HARDSWISH = [-0.0, -0.0, -0.048333333333333374, -0.375, -0.11458333333333333, 0.0, 0.36000000000000004,
             1.906666666666667, 3.0, 3.1, 5.0]
HARDSWISH_grad = [0.0, 0.0, -0.4666666666666667, 0.0, 0.4166666666666667, 0.5, 0.7, 1.2333333333333334, 1.0, 1.0, 1.0]
HARDSIGMOID = [0.0, 0.0, 0.01666666666666668, 0.25, 0.4583333333333333, 0.5, 0.6, 0.8666666666666667, 1.0, 1.0, 1.0]
HARDSIGMOID_grad = [0.0, 0.0, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204,
                    0.1666666716337204, 0.1666666716337204, 0.0, 0.0, 0.0]
RELU6 = [0.0, 0.0, 3.0, 6.0, 6.0]
RELU6_grad = [0.0, 0.0, 1.0, 0.0, 0.0]
HARDTANH = [-2.0, -2.0, 0.0, 3.0, 3.0]
HARDTANH_grad = [0.0, 0.0, 1.0, 0.0, 0.0]
X32 = [-4.0, -3.6363635063171387, -3.2727272510528564, -2.909090995788574, -2.545454502105713, -2.1818180084228516,
       -1.8181817531585693, -1.4545453786849976, -1.0909090042114258, -0.727272629737854, -0.3636362552642822,
       -1.1920928955078125e-07, 0.3636362552642822, 0.727272629737854, 1.0909090042114258, 1.4545453786849976,
       1.8181817531585693, 2.1818180084228516, 2.545454502105713, 2.909090995788574, 3.2727272510528564,
       3.6363635063171387, 4.0]
G32 = [0.30000001192092896, 0.3636363744735718, 0.4272727370262146, 0.4909091293811798, 0.554545521736145,
       0.6181818842887878, 0.6818182468414307, 0.7454546093940735, 0.8090909719467163, 0.8727273344993591,
       0.936363697052002, 1.0, 1.063636302947998, 1.1272727251052856, 1.1909091472625732, 1.2545454502105713,
       1.3181818723678589, 1.381818175315857, 1.4454545974731445, 1.5090909004211426, 1.5727273225784302,
       1.6363636255264282, 1.7000000476837158]
HARDSWISH32 = [-0.0, -0.0, -0.0, -0.04407709464430809, -0.19283747673034668, -0.2975206971168518, -0.3581267297267914,
               -0.3746556341648102, -0.3471074104309082, -0.27548208832740784, -0.15977956354618073,
               -5.960464477539063e-08, 0.2038566917181015, 0.45179054141044617, 0.7438015937805176, 1.0798897743225098,
               1.4600549936294556, 1.8842973709106445, 2.352617025375366, 2.865013837814331, 3.2727272510528564,
               3.6363632678985596, 4.0]
HARDSIGMOID32 = [0.0, 0.0, 0.0, 0.015151500701904297, 0.07575758546590805, 0.1363636702299118, 0.19696970283985138,
                 0.25757578015327454, 0.3181818425655365, 0.37878790497779846, 0.4393939673900604, 0.5,
                 0.560606062412262, 0.6212120652198792, 0.6818181872367859, 0.7424242496490479, 0.8030303120613098,
                 0.863636314868927, 0.9242424368858337, 0.9848484992980957, 1.0, 1.0, 1.0]
HARDSWISH32_grad = [0.0, 0.0, 0.0, -0.23057854175567627, -0.19325068593025208, -0.14049586653709412,
                    -0.07231403142213821, 0.011294778436422348, 0.11033060401678085, 0.2247934490442276,
                    0.3546832501888275, 0.4999999701976776, 0.6607437133789062, 0.8369145393371582, 1.0285124778747559,
                    1.2355371713638306, 1.4579888582229614, 1.6958677768707275, 1.9491734504699707, 2.2179064750671387,
                    1.5727273225784302, 1.6363636255264282, 1.7000000476837158]
HARDSIGMOID32_grad = [0.0, 0.0, 0.0, 0.08181819319725037, 0.09242425858974457, 0.10303031653165817, 0.11363637447357178,
                      0.12424243986606598, 0.13484850525856018, 0.1454545557498932, 0.1560606211423874,
                      0.1666666716337204, 0.1772727221250534, 0.1878787875175476, 0.198484867811203, 0.209090918302536,
                      0.2196969836950302, 0.23030303418636322, 0.24090909957885742, 0.25151515007019043, 0.0, 0.0, 0.0]
SILU32 = [-0.07194484025239944, -0.09335123002529144, -0.11951590329408646, -0.15041741728782654, -0.18513713777065277,
          -0.2212257832288742, -0.2539130449295044, -0.27534982562065125, -0.27430593967437744, -0.23694069683551788,
          -0.1491198092699051, -5.960464477539063e-08, 0.21451644599437714, 0.4903319180011749, 0.8166030049324036,
          1.1791956424713135, 1.564268708229065, 1.9605921506881714, 2.3603172302246094, 2.758673667907715,
          3.1532113552093506, 3.5430121421813965, 3.9280550479888916]
MISH32 = [-0.07259175181388855, -0.09454905986785889, -0.12169668823480606, -0.15430068969726562, -0.19185073673725128,
          -0.23237760365009308, -0.2714441120624542, -0.3008485436439514, -0.3073952794075012, -0.2727211117744446,
          -0.17588098347187042, -7.152557657263969e-08, 0.2589404582977295, 0.5876996517181396, 0.9611652493476868,
          1.353902816772461, 1.7486193180084229, 2.1374120712280273, 2.518665313720703, 2.8935775756835938,
          3.264009714126587, 3.6315736770629883, 3.997412919998169]
SOFTSIGN32 = [-0.800000011920929, -0.7843137383460999, -0.7659574747085571, -0.7441860437393188, -0.7179487347602844,
              -0.6857142448425293, -0.6451612710952759, -0.5925925374031067, -0.52173912525177, -0.42105260491371155,
              -0.26666662096977234, -1.1920927533992653e-07, 0.26666662096977234, 0.42105260491371155, 0.52173912525177,
              0.5925925374031067, 0.6451612710952759, 0.6857142448425293, 0.7179487347602844, 0.7441860437393188,
              0.7659574747085571, 0.7843137383460999, 0.800000011920929]
GLU_last = [[[-0.3216307108647894, -0.3390865405427676], [-0.36205453151746897, -0.3546828716768615],
             [-0.2648738898114155, -0.20794545976962187]],
            [[0.052783924440804146, 0.1689504013888685], [0.5915888825945183, 0.7523672923745733],
             [1.2732185652527952, 1.4552299549199794]]]
GLU_last_grad = [[[0.08040767771619735, 0.10091861325677605, -0.13495377688954727, -0.15006601989284696],
                  [0.1870615079506923, 0.22508720702570056, -0.17626680461399422, -0.1746118309764966],
                  [0.3689314893801859, 0.42628819252772476, -0.12684667486971654, -0.0966979982138198]],
                 [[0.6202111121794484, 0.6898808056712129, 0.021194224576455395, 0.06341326679864556],
                  [0.9038163484082917, 0.9746576287579699, 0.1726468299114049, 0.19898068897546317],
                  [1.1795995531018546, 1.2446045667078773, 0.24186781053390746, 0.24511734966603155]]]
GLU_0 = [[[-1.0434508850597395, -1.0314652870874927, -1.0028945643752782, -0.9573856078702545],
          [-0.895098358767501, -0.8166541886268893, -0.7230530787266334, -0.6155732392155601],
          [-0.4956668053263239, -0.3648628889424371, -0.22468562916225804, -0.07659105025894633]]]
GLU_0_grad = [[[0.26086272126493487, 0.30698371639508704, 0.35629148997542776, 0.40829680335643215],
               [0.4624674853632088, 0.5182613120132181, 0.5751558580780038, 0.6326724958604367],
               [0.6903930502759511, 0.7479689223319961, 0.8051235044980911, 0.8616493154131457]],
              [[-0.24952800514688134, -0.24393591321099337, -0.23133270654726826, -0.21267170429749835],
               [-0.18926457203746133, -0.1626203423212979, -0.1342808677088705, -0.10567873912093977],
               [-0.07803433034428042, -0.052297777433567456, -0.029132537403243758, -0.008931401404835162]]]
PRELU = [[[-0.2, -0.16363636363636364], [0.3818181818181818, 0.2727272727272727],
          [-0.3818181818181818, -0.12727272727272723]],
         [[0.18181818181818177, 0.5454545454545454], [0.9090909090909091, 1.2727272727272727],
          [1.6363636363636362, 2.0]]]
PRELU_grad_input = [[[0.05, 0.0590909090909091], [-0.20454545454545456, -0.2318181818181818],
                     [0.6045454545454545, 0.6681818181818182]],
                    [[1.0454545454545454, 1.1363636363636362], [1.2272727272727273, 1.3181818181818181],
                     [1.4090909090909092, 1.5]]]
PRELU_grad_weight = [-1.9669421487603307, -1.5702479338842976, -0.6446280991735537]


def _grad(fn, x, weights=None):
    x = x.detach().requires_grad_()
    y = fn(x)
    (g,) = gradkit.autograd.grad(y, x, gradkit.ones_like(y) if weights is None else weights)
    return y, g


# ----------------------------------------------------------------------------- values and gradients vs PyTorch
@pytest.mark.parametrize("fn,values,grads", [
    (F.hardswish, HARDSWISH, HARDSWISH_grad),
    (F.hardsigmoid, HARDSIGMOID, HARDSIGMOID_grad),
])
def test_hard_activations_float64_match_torch(device, fn, values, grads):
    y, g = _grad(fn, t64(HARD_X, device))
    assert y.dtype == gradkit.float64
    close(y, values, rtol=1e-15, atol=0)
    # PyTorch's float64 hardsigmoid gradient multiplies by 1/6 rounded to float32
    # (0.1666666716...); gradkit uses 1/6 in float64, hence the looser tolerance
    close(g, grads, rtol=1e-7, atol=0)


def test_hard_activations_signs_of_zero_match_torch(device):
    # PyTorch's hardswish gives -0. below -3: x * 0 with x negative
    y = F.hardswish(t64(HARD_X, device))
    assert list(np.signbit(host(y))[:2]) == [True, True]


@pytest.mark.parametrize("fn,values,grads,x", [
    (F.relu6, RELU6, RELU6_grad, [-1.0, 0.0, 3.0, 6.0, 7.0]),
    (lambda v: F.hardtanh(v, -2.0, 3.0), HARDTANH, HARDTANH_grad, [-2.5, -2.0, 0.0, 3.0, 3.5]),
])
def test_hardtanh_gradient_is_zero_at_its_bounds(device, fn, values, grads, x):
    y, g = _grad(fn, t64(x, device))
    close(y, values, rtol=0, atol=0)
    close(g, grads, rtol=0, atol=0)


@pytest.mark.parametrize("fn,values,grads", [
    (F.hardswish, HARDSWISH32, HARDSWISH32_grad),
    (F.hardsigmoid, HARDSIGMOID32, HARDSIGMOID32_grad),
])
def test_hard_activations_float32_round_as_torch(device, fn, values, grads):
    x = gradkit.tensor(X32, dtype=gradkit.float32, device=device)
    y, g = _grad(fn, x, gradkit.tensor(G32, dtype=gradkit.float32, device=device))
    assert y.dtype == g.dtype == gradkit.float32
    # the same operations in the same order: the same float32 results, bit for bit
    np.testing.assert_array_equal(host(y), np.asarray(values, dtype=np.float32))
    np.testing.assert_array_equal(host(g), np.asarray(grads, dtype=np.float32))


@pytest.mark.parametrize("fn,values", [(F.silu, SILU32), (F.mish, MISH32), (F.softsign, SOFTSIGN32)])
def test_smooth_activations_float32_match_torch(device, fn, values):
    y = fn(gradkit.tensor(X32, dtype=gradkit.float32, device=device))
    assert y.dtype == gradkit.float32
    close(y, values, rtol=1e-6, atol=1e-7)


def _glu_input(device):
    return t64(np.linspace(-2, 2, 24).reshape(2, 3, 4), device)


@pytest.mark.parametrize("dim,values,grads", [(-1, GLU_last, GLU_last_grad), (0, GLU_0, GLU_0_grad)])
def test_glu_matches_torch(device, dim, values, grads):
    x = _glu_input(device)
    out_shape = list(x.shape)
    out_shape[dim] //= 2
    w = np.linspace(0.5, 1.5, 24).reshape(2, 3, 4)[tuple(slice(0, s) for s in out_shape)]
    y, g = _grad(lambda v: F.glu(v, dim), x, t64(w, device))
    assert tuple(y.shape) == tuple(out_shape)
    close(y, values, rtol=1e-13, atol=1e-15)
    close(g, grads, rtol=1e-13, atol=1e-15)
    close(nn.GLU(dim)(x), values, rtol=1e-13, atol=1e-15)


def test_glu_errors_match_torch(device):
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 is size 3"):
        F.glu(_glu_input(device), 1)
    with pytest.raises(RuntimeError, match="glu does not support scalars because halving size must be even"):
        F.glu(t64(1.0, device))
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)"):
        F.glu(_glu_input(device), 3)
    with pytest.raises(NotImplementedError, match="\"glu_cpu\" not implemented for 'Long'"):
        F.glu(gradkit.arange(4))


def test_prelu_per_channel_matches_torch(device):
    x = t64(np.linspace(-2, 2, 12).reshape(2, 3, 2), device, requires_grad=True)
    w = t64([0.1, -0.3, 0.7], device, requires_grad=True)
    y = F.prelu(x, w)
    gx, gw = gradkit.autograd.grad(y, (x, w), t64(np.linspace(0.5, 1.5, 12).reshape(2, 3, 2), device))
    close(y, PRELU, rtol=1e-14, atol=1e-15)
    close(gx, PRELU_grad_input, rtol=1e-14, atol=1e-15)
    close(gw, PRELU_grad_weight, rtol=1e-13, atol=1e-15)


def test_prelu_errors_match_torch(device):
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel size. Found parameter "
                                           "numbers = 3 and channel size = 4."):
        F.prelu(t64(np.ones((2, 4)), device), t64(np.ones(3), device))
    # a 1-D input is one channel
    with pytest.raises(RuntimeError, match="Found parameter numbers = 4 and channel size = 1."):
        F.prelu(t64(np.ones(4), device), t64(np.ones(4), device))
    with pytest.raises(RuntimeError, match="Not allow zero-dim input tensor."):
        F.prelu(t64(-1.0, device), t64(np.ones(2), device))
    with pytest.raises(RuntimeError, match=r"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2"):
        F.prelu(t64(np.ones((2, 3)), device), t64(np.ones((1, 3)), device))
    with pytest.raises(NotImplementedError, match="\"prelu_cpu\" not implemented for 'Long'"):
        F.prelu(gradkit.arange(3), gradkit.tensor([2]))
    # one weight for every channel, a 0-d weight, a 0-d input with one weight: all allowed
    close(F.prelu(t64(-1.0, device), t64([0.5], device)), -0.5)
    close(F.prelu(t64([[-1.0, 2.0]], device), t64(0.2, device)), [[-0.2, 2.0]])


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid", "silu", "mish", "softplus", "prelu"])
def test_integer_inputs_raise_torchs_not_implemented(name):
    fn = getattr(F, name)
    args = (gradkit.tensor([1.0]),) if name == "prelu" else ()
    with pytest.raises(NotImplementedError, match=f"\"{name}_cpu\" not implemented for 'Long'"):
        fn(gradkit.arange(4), *args)


def test_softsign_of_integers_is_float_as_in_torch():
    close(F.softsign(gradkit.arange(4)), [0.0, 0.5, 2 / 3, 0.75], rtol=1e-6)


def test_grad_fn_names_match_torch():
    x = gradkit.tensor([0.5], requires_grad=True)
    assert F.hardswish(x).grad_fn.name() == "HardswishBackward0"
    assert F.hardsigmoid(x).grad_fn.name() == "HardsigmoidBackward0"
    assert F.hardtanh(x).grad_fn.name() == "HardtanhBackward0"


# ----------------------------------------------------------------------------- gradient checks
def _away_from_kinks(device):
    # |x| != 3 and x not at the hardtanh bounds: the finite differences straddle no kink
    return t64([[-4.1, -2.3, -0.7, 0.4], [1.9, 2.6, 3.4, -3.5]], device, requires_grad=True)


@pytest.mark.parametrize("name,fn", [
    ("hardswish", F.hardswish),
    ("hardsigmoid", F.hardsigmoid),
    ("hardtanh", lambda x: F.hardtanh(x, -2.0, 2.0)),
    ("relu6", lambda x: F.relu6(x + 2.0)),
    ("glu_last", lambda x: F.glu(x, -1)),
    ("glu_0", lambda x: F.glu(x, 0)),
    ("prelu_one_weight", lambda x: F.prelu(x, gradkit.tensor([0.3], dtype=gradkit.float64, device=x.device))),
])
def test_gradcheck_first_and_second_order(device, name, fn):
    check_grads(fn, (_away_from_kinks(device),))


def test_prelu_gradcheck_input_and_weight(device):
    x = t64([[[-1.3, 0.4], [2.2, -0.6], [-0.2, 1.1]]], device, requires_grad=True)
    w = t64([0.1, -0.3, 0.7], device, requires_grad=True)
    check_grads(F.prelu, (x, w))


def test_hardswish_second_derivative_is_one_third_inside(device):
    x = t64([-3.5, -2.0, 0.0, 1.0, 3.5], device, requires_grad=True)
    (g,) = gradkit.autograd.grad(F.hardswish(x).sum(), x, create_graph=True)
    (gg,) = gradkit.autograd.grad(g.sum(), x)
    close(gg, [0.0, 1 / 3, 1 / 3, 1 / 3, 0.0], rtol=1e-15)


# ----------------------------------------------------------------------------- in place
INPLACE = {
    "silu": lambda x, inplace: F.silu(x, inplace=inplace),
    "mish": lambda x, inplace: F.mish(x, inplace=inplace),
    "hardswish": lambda x, inplace: F.hardswish(x, inplace=inplace),
    "hardsigmoid": lambda x, inplace: F.hardsigmoid(x, inplace=inplace),
    "hardtanh": lambda x, inplace: F.hardtanh(x, -0.5, 0.5, inplace=inplace),
    "relu6": lambda x, inplace: F.relu6(x * 4, inplace=inplace) if not inplace else F.relu6(x.mul_(4), inplace=True),
    "elu": lambda x, inplace: F.elu(x, 0.7, inplace=inplace),
    "selu": lambda x, inplace: F.selu(x, inplace=inplace),
    "celu": lambda x, inplace: F.celu(x, 1.3, inplace=inplace),
    "leaky_relu": lambda x, inplace: F.leaky_relu(x, 0.1, inplace=inplace),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_writes_the_input_and_keeps_gradients(device, name):
    fn = INPLACE[name]
    leaf = t64([[-1.3, -0.2, 0.4], [0.9, 2.1, -4.0]], device, requires_grad=True)
    expected = fn(leaf * 1.0, False)
    (expected_grad,) = gradkit.autograd.grad(expected.sum(), leaf)
    x = leaf * 1.0
    out = fn(x, True)
    assert out is x
    close(x, host(expected), rtol=1e-15, atol=0)
    out.sum().backward()
    close(leaf.grad, host(expected_grad), rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_on_a_leaf_that_requires_grad_raises(name):
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        INPLACE[name](gradkit.tensor([0.5, -1.0], requires_grad=True), True)


def test_inplace_without_grad_writes_in_place():
    x = gradkit.tensor([-4.0, 0.0, 1.5])
    assert F.hardswish(x, inplace=True) is x
    close(x, [-0.0, 0.0, 1.125])


# ----------------------------------------------------------------------------- modules
@pytest.mark.parametrize("module,expected", [
    (nn.Hardswish(), "Hardswish()"),
    (nn.Hardswish(inplace=True), "Hardswish()"),
    (nn.Hardsigmoid(True), "Hardsigmoid()"),
    (nn.Mish(True), "Mish(inplace=True)"),
    (nn.SiLU(True), "SiLU(inplace=True)"),
    (nn.SiLU(), "SiLU()"),
    (nn.Softplus(2, 5), "Softplus(beta=2, threshold=5)"),
    (nn.Softsign(), "Softsign()"),
    (nn.PReLU(3, 0.1), "PReLU(num_parameters=3)"),
    (nn.GLU(), "GLU(dim=-1)"),
    (nn.GLU(1), "GLU(dim=1)"),
    (nn.Hardtanh(-2, 3, True), "Hardtanh(min_val=-2, max_val=3, inplace=True)"),
    (nn.ReLU6(True), "ReLU6(inplace=True)"),
])
def test_module_reprs_match_torch(module, expected):
    assert repr(module) == expected


@pytest.mark.parametrize("module,fn", [
    (nn.Hardswish(), F.hardswish), (nn.Hardsigmoid(), F.hardsigmoid), (nn.SiLU(), F.silu), (nn.Mish(), F.mish),
    (nn.Softsign(), F.softsign), (nn.Softplus(), F.softplus), (nn.GLU(), F.glu),
])
def test_modules_call_their_functions(device, module, fn):
    x = t64(np.linspace(-4, 4, 8), device)
    close(module(x), host(fn(x)), rtol=0, atol=0)
    assert list(module.parameters()) == []


def test_inplace_modules_write_their_input(device):
    for module in (nn.Hardswish(True), nn.Hardsigmoid(True), nn.SiLU(True), nn.Mish(True)):
        x = t64([-1.0, 2.0], device)
        assert module(x) is x


def test_prelu_module_parameter(device):
    m = nn.PReLU(3, init=0.1, device=device, dtype=gradkit.float64)
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    assert m.weight.shape == (3,) and m.weight.dtype == gradkit.float64
    close(m.weight, [0.1, 0.1, 0.1])
    x = t64(np.linspace(-2, 2, 12).reshape(2, 3, 2), device)
    m.weight.data = t64([0.1, -0.3, 0.7], device)
    y = m(x)
    close(y, PRELU, rtol=1e-14, atol=1e-15)
    y.backward(t64(np.linspace(0.5, 1.5, 12).reshape(2, 3, 2), device))
    close(m.weight.grad, PRELU_grad_weight, rtol=1e-13, atol=1e-15)
    assert nn.PReLU().weight.dtype == gradkit.float32


def test_new_names_are_exported():
    for name in ("Hardswish", "Hardsigmoid", "GLU"):
        assert name in nn.__all__ and getattr(nn, name) is getattr(nn.modules.activation, name)
    for name in ("hardswish", "hardsigmoid", "glu"):
        assert name in F.__all__


def test_nan_gradients_match_torch(device):
    # PyTorch: hardswish and hardtanh pass the gradient at NaN, hardsigmoid gives 0
    x = gradkit.tensor([float("nan"), 1.0], device=device)
    for fn, expected in ((F.hardswish, [1.0, 5 / 6]), (F.hardsigmoid, [0.0, 1 / 6]), (F.hardtanh, [1.0, 0.0]),
                         (F.relu6, [1.0, 1.0])):
        y, g = _grad(fn, x)
        assert np.isnan(host(y)[0])
        close(g, expected, rtol=1e-6)


def test_hardtanh_keeps_integers_as_torch():
    assert host(F.relu6(gradkit.tensor([1, 7, -2]))).tolist() == [1, 6, 0]
    out = F.hardtanh(gradkit.tensor([1, 7, -2]), -1.5, 2.5)
    assert out.dtype == gradkit.int64 and host(out).tolist() == [1, 2, -1]
