"""group_norm, instance_norm, local_response_norm and their layers, the lazy batch and
instance norms, the channel-wise and alpha dropouts: PyTorch's values, gradients, running
statistics and reprs (recorded from PyTorch 2.13), float64 gradient checks on each device,
and PyTorch's errors."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit
import gradkit.nn.functional as F
from gradkit import nn
from helpers import check_grads, host


def pattern(shape, device="cpu"):
    """(arange * 7 % 13) * 0.1 - 0.6: integer arithmetic, so PyTorch built the same values."""
    n = 1
    for s in shape:
        n *= s
    return ((gradkit.arange(n).reshape(shape) * 7 % 13).to(gradkit.float64) * 0.1 - 0.6).to(device)


def weights(t):
    return (gradkit.arange(t.numel(), dtype=t.dtype) * 0.6180339887498949 % 1.0 + 0.5).reshape(t.shape).to(t.device)


def close(t, values, atol=1e-9):
    np.testing.assert_allclose(host(t).reshape(-1), values, atol=atol)


# recorded from PyTorch 2.13 (gradients of sum(y * weights(y)))
REF = {
    'group_norm': {
        'y': [-0.6260232766, 0.3477907092, -0.4869069929, 0.5790511886, -0.7564651347, 0.8016372425, -1.7772512085, 0.3651395603, -1.4711953844, 0.7633395801, -1.5738139858, 1.1528651744, 0.3216171255, -0.643234251, 0.4824256883, -0.9718811012, 0.8291748016, -0.7145874008, 0.3075576761, -1.8151153523, 0.6613365142, -1.9507919272, 1.2010559029, -1.5005279514],
        'gx': [-0.4546032767, -0.3376854066, -0.2323182862, 1.0148653837, 0.8014063522, -0.7916647664, 0.2293216503, -1.375681801, 0.8895394117, 0.1712402531, -0.9429229271, 1.0285034129, -0.8654232185, -0.6280710377, -0.6277367357, 0.3530429164, 0.9496881632, 0.8184999122, -1.4993223583, -0.4184713368, -0.4798934033, 2.0276966286, 1.5977341304, -1.2277436606],
        'gw': [0.4487573189, 1.7767890642, -2.7108889051, 1.7113014238],
        'gb': [4.9574275275, 6.082039325, 6.2066511225, 6.33126292],
    },
    'instance_norm': {
        'y': [-0.5656627989, 0.4242470992, -0.4242470992, 0.5656627989, -1.1050604782, 0.4787953587, -0.8787953587, 0.7050604782, -1.6444581576, 0.5333436182, -1.3333436182, 0.8444581576, 0.410975254, -0.5753653556, 0.5753653556, -0.410975254, 0.4575604064, -1.1205845689, 0.7205845689, -0.8575604064, 0.5041455588, -1.6658037823, 0.8658037823, -1.3041455588],
        'gx': [-0.0878130795, -0.1169980886, 0.1169980886, 0.0878130795, -0.2761586402, -0.3682850564, 0.3682850564, 0.2761586402, 1.1446833835, -0.2885669781, -1.2670057188, 0.4108893134, -0.1608296499, -0.114942493, 0.114942493, 0.1608296499, 1.0221823293, -0.3970766903, -0.9180441224, 0.2929384834, -0.4027904147, 1.2623106683, 0.5459804492, -1.4055007028],
        'gw': [2.1214750164, -1.0090754909, -0.1605812926],
        'gb': [7.082039325, 7.859126965, 8.636214605],
        'rm': [-0.045, 0.075, 0.195],
        'rv': [0.829, 0.989, 1.149],
    },
    'instance_norm_eval': {
        'y': [-0.3047776407, 0.0796265908, -0.2498627505, 0.134541481, -0.5821054703, -0.019002672, -0.5016622134, 0.061440585, -0.8053478526, -0.087009886, -0.7027281431, 0.0156098235, 0.0247117006, -0.3047776407, 0.0796265908, -0.2498627505, -0.0994459289, -0.5821054703, -0.019002672, -0.5016622134, -0.1896295955, -0.8053478526, -0.087009886, -0.7027281431],
    },
    'lrn3': {
        'y': [-0.5716493417, 0.0979263494, -0.4797516739, 0.18856449, -0.3842559903, 0.2864964094, -0.2864964094, 0.3842559903, -0.18856449, 0.4797516739, -0.0938487628, 0.5709803547, 0.0, -0.5736673249, 0.0956112208, -0.4797516739, 0.1968104152, -0.3847119002, 0.2864964094, -0.2864964094, 0.3842559903, -0.18856449, 0.4797516739, -0.0938487628, 0.5709803547, 0.0, -0.5709803547, 0.0956112208, -0.4849237211, 0.1905497806],
        'gx': [0.4715889845, 1.1010400343, 0.6843620135, 1.2945493509, 0.9392055466, 0.5956270857, 1.1832833174, 0.8048978107, 1.3917500724, 0.9996882185, 0.6373276946, 1.1536855918, 0.8887758239, 0.458868831, 1.0819533008, 0.7166143791, 1.3697656585, 0.962690625, 0.6294457815, 1.2190087161, 0.8383826067, 1.4253067923, 1.0319405841, 0.6695087748, 1.184135827, 0.8954478596, 0.5246471772, 1.1143458398, 0.7338395129, 1.3582401521],
    },
    'lrn4': {
        'y': [-0.4186499375, 0.0706841765, -0.3502847221, 0.1412097003, -0.2811607786, 0.2114196929, -0.2086404427, 0.2810566514, -0.1399080407, 0.3497701017, -0.0702641628, 0.4172808855, 0.0, -0.4162253036, 0.0705784673, -0.3471050673, 0.1411569346, -0.2774835357, 0.2114196929, -0.2086404427, 0.2810566514, -0.1399080407, 0.3497701017, -0.0702641628],
        'gx': [0.3287297062, 0.7879611365, 0.4987597892, 0.9477472573, 0.6737976399, 0.4013310344, 0.8347807138, 0.5800932259, 1.0085753488, 0.7391554731, 0.4791456412, 0.8914903525, 0.6458222314, 0.3498265381, 0.8110006074, 0.517635943, 0.9714522363, 0.6887194476, 0.4372327934, 0.8585775204, 0.5975838072, 1.031382527, 0.7531400081, 0.5018634722],
    },
    'lrn5': {
        'y': [-0.3491979355, 0.0593085339, -0.2965426697, 0.1163993118, -0.2404982753, 0.173438384, -0.1818724072, 0.2324876183, -0.1157795784, 0.2902217173, -0.0585912898, 0.3450401122, 0.0, -0.3450401122, 0.0585912898, -0.2902217173, 0.1157795784, -0.2321773739, 0.1757738694, -0.1725200561, 0.2353143868, -0.1150133707, 0.2929564489, -0.0580443435],
        'gx': [0.2619424384, 0.6592963568, 0.4162981086, 0.7672749744, 0.5806541481, 0.3611903542, 0.7455978817, 0.4879983539, 0.8264006835, 0.5976424305, 0.3945693115, 0.6842286474, 0.539109887, 0.2673465624, 0.6708722307, 0.4375209509, 0.8041687697, 0.5922263622, 0.360324564, 0.7331664886, 0.4844588054, 0.831582061, 0.5902988183, 0.4078140903],
    },
    'instance_module': {
        'y': [-1.2520465532, 0.6955814184, -0.9738139858, 0.9738139858, -0.6955814184, 1.2520465532, -1.2520465532, 0.6955814184, -0.9738139858, 0.9738139858, -0.6955814184, 1.2520465532, 0.643234251, -1.2864685021, 0.9648513765, -0.9648513765, 1.2864685021, -0.643234251, 0.643234251, -1.2864685021, 0.9648513765, -0.9648513765, 1.2864685021, -0.643234251],
        'y_eval': [-0.6094349994, 0.1229332402, -0.5048109651, 0.2275572744, -0.4001869309, 0.3321813087, -0.3269501069, 0.4054181326, -0.2223260727, 0.5100421668, -0.1177020385, 0.6146662011, 0.018309206, -0.6094349994, 0.1229332402, -0.5048109651, 0.2275572744, -0.4001869309, 0.3007940984, -0.3269501069, 0.4054181326, -0.2223260727, 0.5100421668, -0.1177020385],
        'rm': [-0.0175, 0.0125],
        'rv': [0.91355, 0.91355],
    },
}


def _vec(n, step, start, device):
    return (gradkit.arange(n, dtype=gradkit.float64) * step + start).to(device).requires_grad_()


# ----------------------------------------------------------------------------- group norm
def test_group_norm_matches_pytorch(device):
    x = pattern((2, 4, 3), device).requires_grad_()
    w, b = _vec(4, 0.3, 0.5, device), _vec(4, -0.2, 0.0, device)
    y = F.group_norm(x, 2, w, b)
    (y * weights(y)).sum().backward()
    ref = REF["group_norm"]
    close(y, ref["y"]), close(x.grad, ref["gx"]), close(w.grad, ref["gw"]), close(b.grad, ref["gb"])


def test_group_norm_gradcheck(device):
    x = pattern((2, 4, 3), device).requires_grad_()
    w, b = _vec(4, 0.3, 0.5, device), _vec(4, -0.2, 0.0, device)
    check_grads(lambda *t: F.group_norm(t[0], 2, t[1], t[2]), (x, w, b))
    check_grads(lambda t: F.group_norm(t, 1), (pattern((1, 2, 2, 2), device).requires_grad_(),))


def test_group_norm_module():
    m = nn.GroupNorm(2, 4)
    assert repr(m) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
    assert host(m.weight).tolist() == [1.0] * 4 and host(m.bias).tolist() == [0.0] * 4
    assert repr(nn.GroupNorm(1, 3, affine=False)) == "GroupNorm(1, 3, eps=1e-05, affine=False, bias=False)"
    assert nn.GroupNorm(1, 3, affine=False).weight is None
    x = pattern((2, 4, 3))
    np.testing.assert_allclose(host(m.double()(x)), host(F.group_norm(x, 2, m.weight, m.bias)))
    from gradkit.nn.modules.normalization import GroupNorm, LayerNorm, LocalResponseNorm
    assert (GroupNorm, LocalResponseNorm, LayerNorm) == (nn.GroupNorm, nn.LocalResponseNorm, nn.LayerNorm)


def test_group_norm_errors():
    cases = [
        (lambda: F.group_norm(gradkit.zeros(2, 3, 4), 2), RuntimeError,
         "Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 3, 4] and "
         "num_groups=2"),
        (lambda: F.group_norm(gradkit.zeros(2, 4, 4), 2, gradkit.ones(3)), RuntimeError,
         "Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape "
         "[3] and input of shape [2, 4, 4]"),
        (lambda: F.group_norm(gradkit.zeros(1, 2, 1), 2), ValueError,
         "Expected more than 1 value per channel when training, got input size [1, 2, 1]"),
        (lambda: F.group_norm(gradkit.zeros(3), 1), RuntimeError,
         "Expected at least 2 dimensions for input tensor but received 1"),
        (lambda: nn.GroupNorm(2, 3), ValueError, "num_channels (3) must be divisible by num_groups (2)"),
    ]
    for call, exc, message in cases:
        with pytest.raises(exc) as info:
            call()
        assert str(info.value) == message


# ----------------------------------------------------------------------------- instance norm
def test_instance_norm_matches_pytorch(device):
    x = pattern((2, 3, 4), device).requires_grad_()
    w, b = _vec(3, 0.3, 0.5, device), _vec(3, -0.2, 0.0, device)
    rm = (gradkit.arange(3, dtype=gradkit.float64) * 0.1).to(device)
    rv = (gradkit.arange(3, dtype=gradkit.float64) * 0.2 + 1).to(device)
    y = F.instance_norm(x, rm, rv, w, b, True, 0.2)
    (y * weights(y)).sum().backward()
    ref = REF["instance_norm"]
    close(y, ref["y"]), close(x.grad, ref["gx"]), close(w.grad, ref["gw"]), close(b.grad, ref["gb"])
    close(rm, ref["rm"]), close(rv, ref["rv"])  # the running statistics moved as PyTorch's did
    close(F.instance_norm(x, rm, rv, w, b, False, 0.2), REF["instance_norm_eval"]["y"])


def test_instance_norm_gradcheck(device):
    x = pattern((2, 2, 3), device).requires_grad_()
    w, b = _vec(2, 0.3, 0.5, device), _vec(2, -0.2, 0.0, device)
    check_grads(lambda *t: F.instance_norm(t[0], weight=t[1], bias=t[2]), (x, w, b))
    rm, rv = gradkit.zeros(2, dtype=gradkit.float64, device=device), gradkit.ones(2, dtype=gradkit.float64,
                                                                                   device=device) * 2
    check_grads(lambda t: F.instance_norm(t, rm, rv, use_input_stats=False), (x,))


def test_instance_norm_modules():
    assert repr(nn.InstanceNorm2d(3)) == \
        "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)"
    m = nn.InstanceNorm2d(2, affine=True, track_running_stats=True).double()
    assert repr(m) == "InstanceNorm2d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    assert list(m.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    x = pattern((2, 2, 2, 3))
    y = m(x)
    m.eval()
    ref = REF["instance_module"]
    close(y, ref["y"]), close(m(x), ref["y_eval"]), close(m.running_mean, ref["rm"]), close(m.running_var, ref["rv"])
    # an unbatched (C, H, W) input is one sample
    u = nn.InstanceNorm2d(2)
    np.testing.assert_allclose(host(u(x[0])), host(u(x[:1]))[0])
    assert list(nn.InstanceNorm1d(3).state_dict()) == []
    from gradkit.nn.modules.instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
    assert (InstanceNorm1d, InstanceNorm2d, InstanceNorm3d) == (nn.InstanceNorm1d, nn.InstanceNorm2d,
                                                                nn.InstanceNorm3d)


def test_instance_norm_errors():
    with pytest.raises(ValueError, match=r"^expected 3D or 4D input \(got 2D input\)$"):
        nn.InstanceNorm2d(3)(gradkit.zeros(2, 3))
    with pytest.raises(ValueError, match=r"^expected 4D or 5D input \(got 3D input\)$"):
        nn.InstanceNorm3d(3)(gradkit.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"^expected input's size at dim=1 to match num_features \(3\), but got: 4.$"):
        nn.InstanceNorm1d(3, affine=True)(gradkit.zeros(2, 4, 5))
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        nn.InstanceNorm1d(3)(gradkit.rand(2, 4, 5))
    with pytest.raises(ValueError, match=r"^Expected more than 1 spatial element when training, got input size "
                                         r"gradkit.Size\(\[2, 3, 1\]\)$"):
        F.instance_norm(gradkit.zeros(2, 3, 1))
    with pytest.raises(RuntimeError, match="^running_var should contain 6 elements not 8$"):
        F.instance_norm(gradkit.zeros(2, 3, 4), gradkit.zeros(3), gradkit.ones(4))
    with pytest.raises(RuntimeError, match="^weight should contain 6 elements not 8$"):
        F.instance_norm(gradkit.zeros(2, 3, 4), weight=gradkit.ones(4))
    with pytest.raises(RuntimeError, match="^Expected running_mean and running_var to be defined when "
                                           "use_input_stats is false$"):
        F.instance_norm(gradkit.zeros(2, 3, 4), use_input_stats=False)


# ----------------------------------------------------------------------------- local response norm
LRN_CALLS = {"lrn3": ((2, 5, 3), dict(size=3, alpha=0.5, beta=0.75, k=1.0)),
             "lrn4": ((1, 4, 2, 3), dict(size=2, alpha=0.3, beta=0.5, k=2.0)),
             "lrn5": ((1, 3, 2, 2, 2), dict(size=4, alpha=0.7, beta=1.2, k=1.5))}


@pytest.mark.parametrize("name", sorted(LRN_CALLS))
def test_local_response_norm_matches_pytorch(name, device):
    shape, kw = LRN_CALLS[name]
    x = pattern(shape, device).requires_grad_()
    y = F.local_response_norm(x, **kw)
    (y * weights(y)).sum().backward()
    close(y, REF[name]["y"]), close(x.grad, REF[name]["gx"])


def test_local_response_norm_gradcheck_module_and_errors(device):
    check_grads(lambda t: F.local_response_norm(t, 3, alpha=0.5), (pattern((1, 4, 3), device).requires_grad_(),))
    m = nn.LocalResponseNorm(3)
    assert repr(m) == "LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)"
    x = pattern((1, 4, 3))
    np.testing.assert_allclose(host(m(x)), host(F.local_response_norm(x, 3)))
    with pytest.raises(ValueError, match=r"Expected 3D or higher dimensionality +input \(got 2 dimensions\)"):
        F.local_response_norm(gradkit.zeros(2, 3), 2)


# ----------------------------------------------------------------------------- dropout
@pytest.mark.parametrize("fn,shape", [(F.dropout1d, (4, 50, 3)), (F.dropout2d, (4, 50, 2, 3)),
                                      (F.dropout3d, (4, 50, 2, 1, 3))])
def test_channel_dropout_drops_whole_channels(fn, shape, device):
    gradkit.manual_seed(0)
    x = gradkit.ones(shape, dtype=gradkit.float64, device=device)
    y = host(fn(x, p=0.4))
    per_channel = y.reshape(shape[0], shape[1], -1)
    assert np.all((per_channel == per_channel[..., :1]))  # one draw per (sample, channel)
    assert set(np.unique(per_channel).round(12)) <= {0.0, round(1 / 0.6, 12)}
    assert 0.2 < (per_channel[..., 0] == 0).mean() < 0.6
    assert fn(x, p=0.4, training=False) is x
    xg = gradkit.ones(shape, dtype=gradkit.float64, device=device).requires_grad_()
    gradkit.manual_seed(1)
    out = fn(xg, p=0.5)
    out.sum().backward()
    np.testing.assert_array_equal(host(xg.grad), host(out.detach()))  # the gradient is the mask


def test_channel_dropout_unbatched_and_inplace():
    gradkit.manual_seed(0)
    x = gradkit.ones(6, 4)
    y = F.dropout1d(x, 0.5)
    assert tuple(y.shape) == (6, 4) and np.all(host(y) == host(y)[:, :1])
    z = gradkit.ones(2, 6, 2, 2)
    assert F.dropout2d(z, 0.5, inplace=True) is z
    assert np.all(host(z).reshape(2, 6, -1) == host(z).reshape(2, 6, -1)[..., :1])
    assert tuple(F.dropout3d(gradkit.ones(3, 2, 2, 2), 0.5).shape) == (3, 2, 2, 2)
    assert host(F.dropout2d(gradkit.ones(2, 3, 2, 2), 1.0)).tolist() == host(gradkit.zeros(2, 3, 2, 2)).tolist()


def test_dropout_warnings_and_errors():
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                                         "1D dropout behavior is desired"):
        F.dropout2d(gradkit.ones(2, 3, 4))
    with pytest.warns(UserWarning, match="dropout3d: Received a 3-D input to dropout3d, which is deprecated"):
        F.dropout3d(gradkit.ones(2, 3, 4))
    with pytest.raises(RuntimeError, match=r"^dropout1d: Expected 2D or 3D input, but received a 4D input. Note that "
                                           r"dropout1d exists"):
        F.dropout1d(gradkit.ones(2, 3, 4, 5))
    for fn in (F.dropout1d, F.dropout2d, F.dropout3d, F.alpha_dropout, F.feature_alpha_dropout):
        with pytest.raises(ValueError, match="^dropout probability has to be between 0 and 1, but got 1.5$"):
            fn(gradkit.ones(2, 3, 4, 5), p=1.5)
    for cls in (nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout, nn.FeatureAlphaDropout):
        with pytest.raises(ValueError, match="^dropout probability has to be between 0 and 1, but got -0.1$"):
            cls(p=-0.1)


def test_alpha_dropout_keeps_mean_and_variance(device):
    gradkit.manual_seed(0)
    x = gradkit.randn(200, 500, dtype=gradkit.float64).to(device)
    y = host(F.alpha_dropout(x, 0.3, training=True))
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    # dropped units all take one value: a * alpha' * (p - 1) (PyTorch's affine map)
    a = 1.0 / np.sqrt((1.7580993408473766 ** 2 * 0.3 + 1) * 0.7)
    dropped = -1.7580993408473766 * a + 1.7580993408473766 * a * 0.3
    assert 0.28 < np.isclose(y, dropped).mean() < 0.32
    assert F.alpha_dropout(x, 0.3) is x  # training defaults to False, as in PyTorch
    f = host(F.feature_alpha_dropout(gradkit.randn(100, 40, 6, dtype=gradkit.float64).to(device), 0.5, True))
    feature_dropped = np.isclose(f, -1.7580993408473766 / np.sqrt((1.7580993408473766 ** 2 * 0.5 + 1) * 0.5) * 0.5)
    assert np.all(feature_dropped == feature_dropped[..., :1])
    assert host(F.alpha_dropout(gradkit.ones(3, 3), 1.0, True)).tolist() == [[0.0] * 3] * 3


def test_dropout_modules():
    for cls in (nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout, nn.FeatureAlphaDropout):
        assert repr(cls(0.2)) == f"{cls.__name__}(p=0.2, inplace=False)"
        m = cls(0.5)
        x = gradkit.ones(2, 3, 4, 4, 4) if cls is nn.Dropout3d else gradkit.ones(2, 3, 4) if cls is nn.Dropout1d \
            else gradkit.ones(2, 3, 4, 4)
        m.eval()
        assert m(x) is x
    from gradkit.nn.modules.dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
    assert (Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout) == (
        nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout, nn.FeatureAlphaDropout)


# ----------------------------------------------------------------------------- lazy norms
@pytest.mark.parametrize("lazy,eager,shape", [
    (nn.LazyBatchNorm1d, nn.BatchNorm1d, (4, 3)), (nn.LazyBatchNorm2d, nn.BatchNorm2d, (4, 3, 2, 2)),
    (nn.LazyBatchNorm3d, nn.BatchNorm3d, (2, 3, 2, 2, 2)), (nn.LazyInstanceNorm1d, nn.InstanceNorm1d, (2, 3, 4)),
    (nn.LazyInstanceNorm2d, nn.InstanceNorm2d, (2, 3, 2, 2)),
    (nn.LazyInstanceNorm3d, nn.InstanceNorm3d, (2, 3, 2, 2, 2))])
def test_lazy_norms_materialise_on_first_call(lazy, eager, shape):
    m = lazy()
    assert repr(m) == f"{lazy.__name__}(0, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    assert repr(m.weight) == "<UninitializedParameter>" and repr(m.running_mean) == "<UninitializedBuffer>"
    assert isinstance(m.weight, nn.UninitializedParameter) and isinstance(m.running_var, nn.UninitializedBuffer)
    with pytest.raises(RuntimeError, match="^Can't access the shape of an uninitialized parameter or buffer."):
        m.weight.shape
    weight = m.weight
    opt = gradkit.optim.SGD(m.parameters(), lr=0.1)  # built before the first call, it keeps the parameters
    gradkit.manual_seed(0)
    x = gradkit.randn(*shape)
    y = m(x)
    assert type(m) is eager and m.weight is weight and opt.param_groups[0]["params"][0] is weight
    assert m.num_features == 3 and tuple(m.weight.shape) == (3,) and tuple(m.running_mean.shape) == (3,)
    # PyTorch's instance norms leave num_batches_tracked at 0
    assert type(m.running_mean) is gradkit.Tensor and int(m.num_batches_tracked) == ("Batch" in lazy.__name__)
    assert repr(m) == f"{eager.__name__}(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    ref = eager(3, affine=True, track_running_stats=True)
    np.testing.assert_allclose(host(y.detach()), host(ref(x).detach()), atol=1e-6)
    np.testing.assert_allclose(host(m.running_var), host(ref.running_var), atol=1e-6)
    assert list(m.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]


def test_lazy_norm_checks_dims_before_materialising():
    m = nn.LazyBatchNorm2d()
    with pytest.raises(ValueError, match=r"^expected 4D input \(got 2D input\)$"):
        m(gradkit.zeros(2, 3))
    assert isinstance(m.weight, nn.UninitializedParameter)
    from gradkit.nn.modules.batchnorm import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d
    from gradkit.nn.modules.instancenorm import LazyInstanceNorm2d
    assert (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm2d) == (
        nn.LazyBatchNorm1d, nn.LazyBatchNorm2d, nn.LazyBatchNorm3d, nn.LazyInstanceNorm2d)


def test_using_uninitialized_tensors_raises_pytorchs_error():
    """Before the first call a lazy module's tensors have a dtype and device and can be moved
    and converted, but any computation with them raises PyTorch's ValueError."""
    m = nn.LazyBatchNorm2d()
    assert m.weight.dtype == gradkit.float32 and m.weight.requires_grad and m.running_mean.device.type == "cpu"
    assert m.weight.size() == (0,)  # PyTorch's one shape answer before initialisation
    message = "^Attempted to use an uninitialized parameter in <method 'numel' of 'gradkit.Tensor' objects>. " \
              "This error happens when you are using a `LazyModule`"
    with pytest.raises(ValueError, match=message):
        m.weight.numel()
    with pytest.raises(ValueError, match="in <slot wrapper '__mul__' of 'gradkit.Tensor' objects>"):
        m.weight * 2
    with pytest.raises(ValueError, match="in <method 'mean' of 'gradkit.Tensor' objects>"):
        m.running_var.mean()
    with pytest.raises(ValueError, match="in <method 'normal_' of 'gradkit.Tensor' objects>"):
        nn.init.normal_(nn.LazyLinear(3).weight)
    m.double()  # conversions are allowed, and the first call still materialises
    m(gradkit.ones(2, 3, 2, 2, dtype=gradkit.float64))
    assert m.weight.numel() == 3 and m.weight.dtype == gradkit.float64 and (m.weight * 2).shape == (3,)
    assert m.running_var.dtype == gradkit.float64 and type(m.running_var) is gradkit.Tensor


def test_functional_exports():
    names = ["group_norm", "instance_norm", "local_response_norm", "dropout1d", "dropout2d", "dropout3d",
             "alpha_dropout", "feature_alpha_dropout", "interpolate", "upsample", "upsample_nearest",
             "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle"]
    for name in names:
        assert name in F.__all__ and callable(getattr(F, name)), name
