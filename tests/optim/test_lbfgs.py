"""LBFGS follows PyTorch's parameter trajectory, with and without the strong-Wolfe line
search.

The numbers below were recorded once from PyTorch 2.13.0 (CPU) with
tests/optim/make_torch_reference_more.py and pasted here as literals (gradkit never imports
torch): for each case and dtype, the closure evaluations and iterations after the last
``step``, then per ``step`` the loss it returned followed by the flattened parameters.

In float64 the trajectories agree to a few ulp. In float32 the first steps agree to float32
rounding (PyTorch's CPU kernels fuse some multiply-adds that the array API rounds twice);
on Rosenbrock's curved valley the line search amplifies those last-bit differences step
after step, as it amplifies PyTorch's own float32 rounding: PyTorch's float32 run is
further from its float64 run than gradkit's float32 run is from PyTorch's.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gradkit as gk
from gradkit import optim

# recorded from PyTorch 2.13.0+cpu (tests/optim/make_torch_reference_more.py)
TORCH_LBFGS = {
    ('rosenbrock_wolfe', 'float64'): (38, 25, [
        [24.199999999999996, -1.0276177663827242, 1.0584120782656612],
        [4.111816451757751, -0.7745797354515831, 0.5476256792320806],
        [3.423165462292753, -0.2560895768966468, 0.03726198161622369],
        [1.6579626408971875, 0.21682779600948238, 0.06691881400560815],
        [0.6529776962626517, 0.5136224431368508, 0.2558152810317753],
        [0.24295150600035212, 0.7887038200403467, 0.6122685417325051],
    ]),
    ('rosenbrock_wolfe', 'float32'): (38, 25, [
        [24.20000457763672, -1.0276178121566772, 1.058411955833435],
        [4.111817359924316, -0.7745743989944458, 0.5476168990135193],
        [3.423151969909668, -0.25609004497528076, 0.037261880934238434],
        [1.6579657793045044, 0.21686998009681702, 0.06693342328071594],
        [0.6528970003128052, 0.5136224627494812, 0.25579169392585754],
        [0.24298928678035736, 0.7888661026954651, 0.6125779151916504],
    ]),
    ('rosenbrock_fixed', 'float64'): (24, 24, [
        [24.199999999999996, -1.1055651417532057, 1.0398185126407882],
        [7.762415367488737, -1.082144084118606, 1.0511161385666528],
        [5.773396957586572, -1.0656310618118967, 1.0582333010137979],
        [4.864921377347997, -1.0536999156192495, 1.0617302017305377],
        [4.453425738935988, -1.044719587805136, 1.0623773907218077],
        [4.265336005782761, -1.0375303995319582, 1.0608235505556478],
    ]),
    ('rosenbrock_fixed', 'float32'): (24, 24, [
        [24.20000457763672, -1.105565071105957, 1.039818525314331],
        [7.762411117553711, -1.082144021987915, 1.0511161088943481],
        [5.773393630981445, -1.0656310319900513, 1.0582332611083984],
        [4.864919662475586, -1.0536998510360718, 1.061730146408081],
        [4.453425407409668, -1.0447195768356323, 1.0623773336410522],
        [4.265336513519287, -1.0375303030014038, 1.0608234405517578],
    ]),
    ('rosenbrock_short_history', 'float64'): (18, 10, [
        [24.199999999999996, -1.0245319303460325, 1.0716196202669255],
        [4.146927102567213, -1.0288795348319695, 1.0655029516848564],
        [4.121126775765638, -1.0197614762019205, 1.0341075031417615],
        [4.082807343944086, -0.888128305847943, 0.7410177514999237],
        [3.7930742512723468, -0.6649361769903684, 0.44475386950351503],
        [2.7726956423747775, -0.5125309076136719, 0.21876859574661656],
    ]),
    ('rosenbrock_short_history', 'float32'): (18, 10, [
        [24.20000457763672, -1.0245319604873657, 1.0716196298599243],
        [4.1469268798828125, -1.0288795232772827, 1.0655030012130737],
        [4.121127128601074, -1.0197619199752808, 1.0341089963912964],
        [4.082808971405029, -0.8881334066390991, 0.7410286664962769],
        [3.7930755615234375, -0.6649303436279297, 0.4447528123855591],
        [2.7726798057556152, -0.5125160813331604, 0.2187563180923462],
    ]),
    ('lsq_wolfe', 'float64'): (15, 12, [
        [12.8125, -0.5338917646586177, 0.9120556035051155, -0.8292056967106405, 1.0460907756850903],
        [5.918196315704441, -0.8699151778364183, 0.66164585316909, -1.2784954836787021, 1.7583664471102782],
        [5.270904965250733, -0.85744225320226, 0.6315200638154559, -1.2868020479705224, 1.7807897222044262],
        [5.265418564218315, -0.85744225320226, 0.6315200638154559, -1.2868020479705224, 1.7807897222044262],
    ]),
    ('lsq_wolfe', 'float32'): (21, 11, [
        [12.8125, -0.5338915586471558, 0.9120556712150574, -0.8292054533958435, 1.0460907220840454],
        [5.918196678161621, -0.869915783405304, 0.6616460084915161, -1.2784960269927979, 1.7583673000335693],
        [5.270905017852783, -0.857374906539917, 0.6315305233001709, -1.2867783308029175, 1.7806979417800903],
        [5.26541805267334, -0.857374906539917, 0.6315305233001709, -1.2867783308029175, 1.7806979417800903],
    ]),
    ('lsq_fixed', 'float64'): (20, 20, [
        [12.8125, -0.035867890606033744, 0.17944098240520184, -0.131109201478509, 0.5428261103231969],
        [10.451661379778713, -0.15614704248865957, 0.3346618489253558, -0.31465441361373014, 0.6883501490031826],
        [8.534171643600057, -0.32574064164553707, 0.4217522172402796, -0.5462409407639516, 0.9351739702458187],
        [7.159745870177847, -0.47754619173724194, 0.4617491977140627, -0.7532935862236164, 1.1767977743230198],
    ]),
    ('lsq_fixed', 'float32'): (20, 20, [
        [12.8125, -0.03586798161268234, 0.17944106459617615, -0.1311093121767044, 0.5428261756896973],
        [10.451661109924316, -0.15614697337150574, 0.3346618413925171, -0.31465429067611694, 0.6883501410484314],
        [8.534171104431152, -0.3257407248020172, 0.4217522442340851, -0.5462409257888794, 0.9351740479469299],
        [7.159744739532471, -0.477545827627182, 0.46174952387809753, -0.7532931566238403, 1.1767985820770264],
    ]),
    ('lsq_max_eval', 'float64'): (18, 14, [
        [12.8125, -0.33896938414695144, 0.8569242679526137, -0.7069970080615083, 0.8666187937967516],
        [6.153290044716973, -0.8374653331990576, 0.7298057693033039, -1.257591933244316, 1.653277482562811],
        [5.325359747536516, -0.8582261122493203, 0.6357480135856953, -1.2870089065642745, 1.7786636590047555],
    ]),
    ('lsq_max_eval', 'float32'): (18, 14, [
        [12.8125, -0.33896955847740173, 0.8569242358207703, -0.706997275352478, 0.8666188716888428],
        [6.153289794921875, -0.8374589085578918, 0.7298080325126648, -1.2575849294662476, 1.6532652378082275],
        [5.3253631591796875, -0.8582260608673096, 0.6357481479644775, -1.2870088815689087, 1.7786633968353271],
    ]),
    ('lsq_tolerance_change', 'float64'): (12, 11, [
        [12.8125, -0.858505346220383, 0.6310199133199463, -1.288072471261082, 1.7833182818855338],
        [5.265426073706225, -0.858505346220383, 0.6310199133199463, -1.288072471261082, 1.7833182818855338],
        [5.265426073706225, -0.858505346220383, 0.6310199133199463, -1.288072471261082, 1.7833182818855338],
    ]),
    ('lsq_tolerance_change', 'float32'): (12, 11, [
        [12.8125, -0.8585054874420166, 0.6310198903083801, -1.2880727052688599, 1.7833186388015747],
        [5.265426158905029, -0.8585054874420166, 0.6310198903083801, -1.2880727052688599, 1.7833186388015747],
        [5.265426158905029, -0.8585054874420166, 0.6310198903083801, -1.2880727052688599, 1.7833186388015747],
    ]),
}

A = [[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [2.0, 0.1, -0.7], [0.5, 0.5, 0.5], [-1.0, 0.2, 1.5]]
B = [1.0, -2.0, 0.5, 3.0, 0.25]
CASES = {
    "rosenbrock_wolfe": ("rosenbrock", dict(line_search_fn="strong_wolfe", max_iter=5), 6),
    "rosenbrock_fixed": ("rosenbrock", dict(lr=0.1, max_iter=4), 6),
    "rosenbrock_short_history": ("rosenbrock", dict(history_size=2, max_iter=3, line_search_fn="strong_wolfe"), 6),
    "lsq_wolfe": ("lsq", dict(line_search_fn="strong_wolfe", max_iter=4), 4),
    "lsq_fixed": ("lsq", dict(lr=0.05, max_iter=5, history_size=3), 4),
    "lsq_max_eval": ("lsq", dict(lr=0.5, max_iter=10, max_eval=6, line_search_fn="strong_wolfe"), 3),
    "lsq_tolerance_change": ("lsq", dict(tolerance_change=1e-3, line_search_fn="strong_wolfe"), 3),
}
# how far from PyTorch's float32 trajectory gradkit's may be (relative, see the docstring)
FLOAT32_RTOL = {"rosenbrock_wolfe": 5e-4}
# the float32 least-squares search, near the optimum at the last step, stops its zoom one
# evaluation later than PyTorch's on last-bit differences of the bracket
FLOAT32_EVALS_DIFFER = {"lsq_wolfe"}


def _problem(problem, dtype, device="cpu", params=None):
    """The parameters (fresh ones unless given) and the loss function of ``problem``."""
    if problem == "rosenbrock":
        params = params or [gk.tensor([-1.2, 1.0], dtype=dtype, device=device, requires_grad=True)]

        def loss_fn():
            x = params[0]
            return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    else:
        a, b = gk.tensor(A, dtype=dtype, device=device), gk.tensor(B, dtype=dtype, device=device)
        params = params or [gk.zeros(3, dtype=dtype, device=device, requires_grad=True),
                            gk.full((1, 1), 0.5, dtype=dtype, device=device, requires_grad=True)]

        def loss_fn():
            w, c = params
            r = a @ w + c[0, 0] - b
            return (r * r).sum() + 0.1 * (w * w * w * w).sum()
    return params, loss_fn


def _run(name, dtype, device="cpu", opt=None, params=None, steps=None):
    problem, kwargs, default_steps = CASES[name]
    params, loss_fn = _problem(problem, dtype, device, params)
    opt = opt or optim.LBFGS(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    rows = []
    for _ in range(steps or default_steps):
        loss = opt.step(closure)
        rows.append([loss.item()] + [v for p in params for v in p.detach().reshape(-1).tolist()])
    return rows, opt, params


def _expected(name, dtype_name):
    return TORCH_LBFGS[(name, dtype_name)]


@pytest.mark.parametrize("name", list(CASES))
def test_float64_trajectory_matches_torch(name):
    evals, iters, expected = _expected(name, "float64")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PyTorch warns about nothing here
        rows, opt, params = _run(name, gk.float64)
    np.testing.assert_allclose(rows, expected, rtol=1e-11, atol=1e-13)
    state = opt.state[params[0]]
    assert (state["func_evals"], state["n_iter"]) == (evals, iters)


@pytest.mark.parametrize("name", list(CASES))
def test_float32_trajectory_matches_torch(name):
    evals, iters, expected = _expected(name, "float32")
    rows, opt, params = _run(name, gk.float32)
    rtol = FLOAT32_RTOL.get(name, 5e-6)
    np.testing.assert_allclose(rows, expected, rtol=rtol, atol=rtol * 1e-2)
    state = opt.state[params[0]]
    assert state["n_iter"] == iters
    if name in FLOAT32_EVALS_DIFFER:
        assert abs(state["func_evals"] - evals) <= 1
    else:
        assert state["func_evals"] == evals
    assert params[0].dtype == gk.float32


def test_float32_rosenbrock_is_within_torchs_own_rounding():
    """What FLOAT32_RTOL allows is less than what float32 rounding moves PyTorch itself."""
    rows, _, _ = _run("rosenbrock_wolfe", gk.float32)
    torch32 = np.array(_expected("rosenbrock_wolfe", "float32")[2])
    torch64 = np.array(_expected("rosenbrock_wolfe", "float64")[2])
    assert np.abs(np.array(rows) - torch32).max() < np.abs(torch32 - torch64).max()


@pytest.mark.parametrize("name", ["lsq_wolfe", "lsq_fixed"])
def test_on_every_device(device, name):
    evals, iters, expected = _expected(name, "float32")
    rows, opt, params = _run(name, gk.float32, device=device)
    np.testing.assert_allclose(rows, expected, rtol=5e-6, atol=5e-8)
    assert params[0].device == gk.zeros(1, device=device).device


def test_state_dict_resumes_the_trajectory():
    name = "rosenbrock_short_history"
    evals, iters, expected = _expected(name, "float64")
    rows, opt, params = _run(name, gk.float64, steps=3)
    state = opt.state_dict()
    assert set(state["state"][0]) >= {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
                                      "prev_flat_grad", "prev_loss", "al"}

    params2 = [p.detach().clone().requires_grad_(True) for p in params]
    opt2 = optim.LBFGS(params2, **CASES[name][1])
    opt2.load_state_dict(state)
    rows2, opt2, _ = _run(name, gk.float64, opt=opt2, params=params2, steps=3)
    np.testing.assert_allclose(rows + rows2, expected, rtol=1e-11, atol=1e-13)
    assert (opt2.state[params2[0]]["func_evals"], opt2.state[params2[0]]["n_iter"]) == (evals, iters)


def test_stops_at_once_when_the_gradient_is_small():
    x = gk.tensor([1.0, 1.0], requires_grad=True)
    opt = optim.LBFGS([x], tolerance_grad=1e-5)
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = ((x - 1.0) ** 2).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 0.0 and len(calls) == 1
    assert opt.state[x]["func_evals"] == 1 and opt.state[x]["n_iter"] == 0
    assert x.tolist() == [1.0, 1.0]


def test_parameters_without_gradients_count_as_zero():
    x = gk.tensor([3.0], requires_grad=True)
    unused = gk.tensor([5.0, 6.0], requires_grad=True)
    opt = optim.LBFGS([x, unused], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((x - 1.0) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    assert abs(x.item() - 1.0) < 1e-6 and unused.tolist() == [5.0, 6.0]


def test_closure_runs_with_grad_enabled():
    x = gk.tensor([2.0], requires_grad=True)
    opt = optim.LBFGS([x], max_iter=3)

    def closure():
        assert gk.is_grad_enabled()
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    with gk.no_grad():
        opt.step(closure)
    assert x.grad is not None and x.requires_grad


def test_errors_match_torch():
    x = gk.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="^Invalid learning rate: -1$"):
        optim.LBFGS([x], lr=-1)
    with pytest.raises(ValueError, match="^Tensor lr must be 1-element$"):
        optim.LBFGS([x], lr=gk.ones(2))
    with pytest.raises(ValueError, match=r"^LBFGS doesn't support per-parameter options \(parameter groups\)$"):
        optim.LBFGS([{"params": [x]}, {"params": [gk.zeros(1, requires_grad=True)]}])
    opt = optim.LBFGS([x], line_search_fn="backtracking")

    def closure():
        opt.zero_grad()
        loss = ((x - 1.0) ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="^only 'strong_wolfe' is supported$"):
        opt.step(closure)
    with pytest.raises(TypeError):
        optim.LBFGS([x]).step()


def test_defaults_match_torch():
    opt = optim.LBFGS([gk.zeros(1, requires_grad=True)], max_iter=8)
    group = opt.param_groups[0]
    assert {k: v for k, v in group.items() if k != "params"} == {
        "lr": 1, "max_iter": 8, "max_eval": 10, "tolerance_grad": 1e-07, "tolerance_change": 1e-09,
        "history_size": 100, "line_search_fn": None}
    assert isinstance(opt, optim.Optimizer) and "LBFGS" in optim.__all__
