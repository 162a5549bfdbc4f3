"""Learning-rate schedulers: lr sequences against PyTorch's.

The sequences below were recorded once from PyTorch 2.13.0 (CPU) with
tests/optim/make_torch_reference.py and pasted here as literals (gradkit never imports
torch). Each entry is ``get_last_lr()`` before each of the steps of the loop
``optimizer.step(); scheduler.step()``, starting from SGD(lr=0.1) (one group) unless said
otherwise. The formulas are plain Python float arithmetic, so they must agree exactly.
"""
from __future__ import annotations

import warnings

import pytest

import gradkit as gk
from gradkit import optim
from gradkit.optim import lr_scheduler as S

# recorded from PyTorch 2.13.0+cpu (tests/optim/make_torch_reference.py)
TORCH_LRS = {
    'StepLR': [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.00625, 0.00625, 0.00625, 0.003125, 0.003125, 0.003125, 0.0015625, 0.0015625],
    'MultiStepLR': [0.1, 0.1, 0.03, 0.03, 0.03, 0.0026999999999999997, 0.0026999999999999997, 0.0026999999999999997, 0.0026999999999999997, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998, 0.0008099999999999998],
    'ExponentialLR': [0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002, 0.03486784401000002, 0.03138105960900001, 0.028242953648100012, 0.025418658283290013, 0.022876792454961013, 0.020589113209464913, 0.01853020188851842, 0.01667718169966658, 0.015009463529699923, 0.013508517176729932],
    'CosineAnnealingLR': [0.1, 0.09757729755661011, 0.0905463412215599, 0.07959536998847742, 0.0657963412215599, 0.0505, 0.03520365877844011, 0.02140463001152259, 0.010453658778440109, 0.0034227024433899004, 0.001, 0.0034227024433899004, 0.01045365877844014, 0.02140463001152267, 0.035203658778440255, 0.05050000000000022, 0.06579634122156018, 0.07959536998847777, 0.09054634122156031, 0.09757729755661054, 0.10000000000000045, 0.09757729755661054, 0.09054634122156033, 0.07959536998847778, 0.0657963412215602, 0.050500000000000225, 0.03520365877844027, 0.021404630011522683, 0.010453658778440154, 0.003422702443389916, 0.001, 0.0034227024433899004, 0.010453658778440112, 0.021404630011522607, 0.03520365877844015, 0.050500000000000086, 0.06579634122156003, 0.07959536998847759, 0.09054634122156009, 0.09757729755661032, 0.10000000000000024, 0.09757729755661038, 0.09054634122156012, 0.07959536998847763, 0.06579634122156017],
    'LambdaLR': [0.03333333333333333, 0.06666666666666667, 0.1, 0.0857375, 0.081450625, 0.07737809374999999, 0.07350918906249998, 0.06983372960937498, 0.06634204312890622, 0.0630249409724609, 0.05987369392383787, 0.05688000922764597, 0.05403600876626367, 0.051334208327950485, 0.04876749791155296, 0.046329123015975304, 0.04401266686517654, 0.04181203352191771, 0.039721431845821824, 0.03773536025353073],
    'LinearLR': [0.025, 0.043750000000000004, 0.06250000000000001, 0.08125000000000002, 0.10000000000000002, 0.10000000000000002, 0.10000000000000002, 0.10000000000000002, 0.10000000000000002, 0.10000000000000002],
    'ConstantLR': [0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1],
}
TORCH_TWO_GROUPS_STEPLR = [[0.1, 0.2], [0.1, 0.2], [0.05, 0.1], [0.05, 0.1], [0.025, 0.05], [0.025, 0.05], [0.0125, 0.025]]
TORCH_ONECYCLE = {
    'cos_sgd': ([0.040000000000000036, 0.07653782439458245, 0.1805887450304573, 0.33631195246475687, 0.52, 0.703688047535243, 0.8594112549695427, 0.9634621756054176, 1.0, 0.9944154354509117, 0.9777864917474588, 0.9504846320134737, 0.9131197346804488, 0.8665264698111694, 0.8117456539497631, 0.750001, 0.6826717815011489, 0.6112620219362893, 0.537366897333025, 0.46263710266697505, 0.38874197806371075, 0.31733221849885124, 0.2500030000000001, 0.18825834605023697, 0.1334775301888306, 0.08688426531955129, 0.049519367986526286, 0.02221750825254118, 0.005588564549088188, 4e-06],
        [0.95, 0.9461939766255643, 0.9353553390593273, 0.9191341716182544, 0.8999999999999999, 0.8808658283817454, 0.8646446609406726, 0.8538060233744357, 0.85, 0.8505584586887436, 0.8522213597106929, 0.854951556604879, 0.8586880612842003, 0.8633474064085087, 0.8688255099070633, 0.875, 0.8817329487816802, 0.8888739533021842, 0.8962634953206787, 0.9037365046793212, 0.9111260466978157, 0.9182670512183198, 0.9249999999999999, 0.9311744900929366, 0.9366525935914912, 0.9413119387157997, 0.945048443395121, 0.947778640289307, 0.9494415413112564, 0.95]),
    'linear_sgd': ([0.02, 0.09384615384615386, 0.1676923076923077, 0.24153846153846154, 0.31538461538461543, 0.38923076923076927, 0.4630769230769231, 0.4857143428571429, 0.4571430285714286, 0.4285717142857143, 0.4000004, 0.37142908571428573, 0.34285777142857143, 0.31428645714285713, 0.28571514285714283, 0.2571438285714286, 0.2285725142857143, 0.2000012, 0.1714298857142857, 0.14285857142857145, 0.11428725714285715, 0.08571594285714285, 0.0571446285714286, 0.028573314285714302, 2.000000000002e-06],
        [0.95, 0.9346153846153846, 0.9192307692307692, 0.9038461538461539, 0.8884615384615384, 0.8730769230769231, 0.8576923076923076, 0.8528571428571429, 0.8585714285714285, 0.8642857142857142, 0.87, 0.8757142857142857, 0.8814285714285715, 0.8871428571428571, 0.8928571428571428, 0.8985714285714286, 0.9042857142857142, 0.9099999999999999, 0.9157142857142857, 0.9214285714285714, 0.927142857142857, 0.9328571428571428, 0.9385714285714285, 0.9442857142857143, 0.95]),
    'three_phase_adam': ([0.0003999999999999993, 0.0013167184270002508, 0.003716718427000252, 0.006683281572999748, 0.009083281572999747, 0.01, 0.009083281572999749, 0.0066832815729997485, 0.0037167184270002532, 0.0013167184270002528, 0.0004, 0.0003941889446488619, 0.0003770934960101289, 0.0003497071794192568, 0.00031362158805129655, 0.00027093388531076627, 0.0002241249253174595, 0.00017591507468254055, 0.00012910611468923373, 8.64184119487035e-05, 5.0332820580743185e-05, 2.2946503989871108e-05, 5.851055351138119e-06, 4e-08],
        [0.95, 0.9404508497187474, 0.9154508497187474, 0.8845491502812526, 0.8595491502812526, 0.85, 0.8595491502812526, 0.8845491502812526, 0.9154508497187474, 0.9404508497187474, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]),
    'cos_adam_no_momentum': ([0.02999999999999997, 0.05578270575938207, 0.12328270575938208, 0.20671729424061785, 0.27421729424061786, 0.3, 0.29624294764044623, 0.28516018485517747, 0.26730744764783426, 0.2435799468085312, 0.21516747830676605, 0.18349476195335368, 0.15014999999999998, 0.11680523804664628, 0.0851325216932339, 0.056720053191468785, 0.03299255235216573, 0.015139815144822506, 0.004057052359553731, 0.0003],
        [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]),
}


CASES = {
    "StepLR": lambda o: S.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "ExponentialLR": lambda o: S.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    "LambdaLR": lambda o: S.LambdaLR(o, lambda e: 0.95 ** e if e > 2 else (e + 1) / 3),
    "LinearLR": lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4),
    "ConstantLR": lambda o: S.ConstantLR(o, factor=0.5, total_iters=3),
}

ONECYCLE = {
    "cos_sgd": (dict(max_lr=1.0, total_steps=30), optim.SGD, {"momentum": 0.9}),
    "linear_sgd": (dict(max_lr=0.5, total_steps=25, anneal_strategy="linear"), optim.SGD, {"momentum": 0.9}),
    "three_phase_adam": (dict(max_lr=0.01, epochs=4, steps_per_epoch=6, three_phase=True, pct_start=0.25),
                         optim.Adam, {}),
    "cos_adam_no_momentum": (dict(max_lr=0.3, total_steps=20, cycle_momentum=False, div_factor=10.0,
                                  final_div_factor=100.0), optim.Adam, {}),
}


def _optimizer(cls=optim.SGD, groups=1, device="cpu", **kwargs):
    params = [{"params": [gk.zeros(1, device=device, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(groups)]
    return cls(params, lr=0.1, **kwargs)


def _sequence(opt, sched, steps, groups=1):
    lrs, moms = [], []
    for _ in range(steps):
        lrs.append(sched.get_last_lr() if groups > 1 else sched.get_last_lr()[0])
        g = opt.param_groups[0]
        moms.append(g["betas"][0] if "betas" in g else g.get("momentum"))
        opt.step()
        sched.step()
    return lrs, moms


@pytest.mark.parametrize("name", list(CASES))
def test_lr_sequence_matches_torch(name):
    opt = _optimizer()
    sched = CASES[name](opt)
    expected = TORCH_LRS[name]
    lrs, _ = _sequence(opt, sched, len(expected))
    assert lrs == expected
    assert opt.param_groups[0]["initial_lr"] == 0.1


def test_two_groups():
    opt = _optimizer(groups=2)
    sched = S.StepLR(opt, step_size=2, gamma=0.5)
    lrs, _ = _sequence(opt, sched, len(TORCH_TWO_GROUPS_STEPLR), groups=2)
    assert lrs == TORCH_TWO_GROUPS_STEPLR


@pytest.mark.parametrize("name", list(ONECYCLE))
def test_onecycle_matches_torch(name):
    kwargs, cls, opt_kwargs = ONECYCLE[name]
    opt = _optimizer(cls, **opt_kwargs)
    sched = S.OneCycleLR(opt, **kwargs)
    expected_lrs, expected_moms = TORCH_ONECYCLE[name]
    lrs, moms = _sequence(opt, sched, len(expected_lrs))
    assert lrs == expected_lrs
    assert moms == expected_moms
    if cls is optim.Adam:
        assert opt.param_groups[0]["betas"][1] == 0.999
    with pytest.raises(ValueError, match="Tried to step"):
        sched.step()


def test_scheduler_drives_the_update(device):
    """The lr a scheduler writes is the one the next step uses."""
    w = gk.zeros(1, device=device, requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    sched = S.MultiStepLR(opt, milestones=[1], gamma=0.5)
    total = 0.0
    for lr in (1.0, 0.5, 0.5):
        assert sched.get_last_lr() == [lr]
        w.grad = gk.ones(1, device=device)
        opt.step()
        sched.step()
        total -= lr
        assert w.tolist() == [total]


def test_state_dict_round_trip():
    opt = _optimizer()
    sched = S.CosineAnnealingLR(opt, T_max=10, eta_min=0.001)
    for _ in range(4):
        opt.step()
        sched.step()
    sd = sched.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 4 and sd["base_lrs"] == [0.1]

    opt2 = _optimizer()
    opt2.load_state_dict(opt.state_dict())
    sched2 = S.CosineAnnealingLR(opt2, T_max=10, eta_min=0.001)
    sched2.load_state_dict(sd)
    opt2.param_groups[0]["lr"] = opt.param_groups[0]["lr"]
    assert sched2.get_last_lr() == sched.get_last_lr()
    for _ in range(6):
        opt.step()
        sched.step()
        opt2.step()
        sched2.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
    assert sched.get_last_lr() == [TORCH_LRS["CosineAnnealingLR"][10]]


def test_lambda_state_dict_skips_functions():
    opt = _optimizer()
    sched = S.LambdaLR(opt, lambda e: 0.5 ** e)
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [None]
    sched.load_state_dict(sd)


def test_closed_form_with_epoch_argument_warns():
    opt = _optimizer()
    sched = S.StepLR(opt, step_size=3, gamma=0.5)
    opt.step()
    with pytest.warns(UserWarning, match="The epoch parameter"):
        sched.step(7)
    assert sched.get_last_lr() == [0.1 * 0.5 ** 2]


def test_warns_when_scheduler_steps_before_optimizer():
    opt = _optimizer()
    sched = S.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    opt = _optimizer()
    sched = S.ExponentialLR(opt, gamma=0.5)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()


def test_errors():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        S.StepLR(object(), step_size=1)
    opt = _optimizer()
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(opt, step_size=1, last_epoch=3)
    with pytest.raises(ValueError, match="You must define either total_steps"):
        S.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="optimizer must support momentum"):
        S.OneCycleLR(optim.Adagrad([gk.zeros(1, requires_grad=True)]), max_lr=0.1, total_steps=5)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas"):
        S.LambdaLR(_optimizer(groups=2), [lambda e: 1.0])
    assert isinstance(S.StepLR(_optimizer(), step_size=1), S.LRScheduler)
