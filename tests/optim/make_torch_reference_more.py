"""Prints the PyTorch reference numbers pasted into test_lr_scheduler_more.py and
test_lbfgs.py. Not a test: run it with a PyTorch install to regenerate them,

    python tests/optim/make_torch_reference_more.py

(the literals in the tests were recorded with PyTorch 2.13 CPU). gradkit never imports torch.
"""
import torch

S = torch.optim.lr_scheduler


def _optimizer(opt_name="SGD", groups=1, **opt_kwargs):
    params = [{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(groups)]
    return getattr(torch.optim, opt_name)(params, lr=0.1, **opt_kwargs)


def _sequence(opt, sched, steps, groups=1):
    lrs, moms = [], []
    for _ in range(steps):
        lrs.append(sched.get_last_lr() if groups > 1 else sched.get_last_lr()[0])
        g = opt.param_groups[0]
        moms.append(g["betas"][0] if "betas" in g else g.get("momentum"))
        opt.step()
        sched.step()
    return lrs, moms


SCHEDULERS = {
    "PolynomialLR": ("SGD", {}, lambda o: S.PolynomialLR(o), 8),
    "PolynomialLR_power2": ("SGD", {}, lambda o: S.PolynomialLR(o, total_iters=10, power=2.0), 14),
    "CyclicLR_triangular": ("SGD", {"momentum": 0.9}, lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1,
                                                                          step_size_up=4), 30),
    "CyclicLR_triangular2": ("SGD", {"momentum": 0.9}, lambda o: S.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5, mode="triangular2"), 30),
    "CyclicLR_exp_range_adam": ("Adam", {}, lambda o: S.CyclicLR(o, base_lr=0.001, max_lr=0.01, step_size_up=5,
                                                                mode="exp_range", gamma=0.95), 30),
    "CyclicLR_scale_fn_no_momentum": ("SGD", {}, lambda o: S.CyclicLR(
        o, base_lr=0.02, max_lr=0.2, step_size_up=2, step_size_down=3, scale_fn=lambda x: 1 / (1 + x),
        scale_mode="iterations", cycle_momentum=False), 30),
    "CosineAnnealingWarmRestarts": ("SGD", {}, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4), 30),
    "CosineAnnealingWarmRestarts_mult": ("SGD", {}, lambda o: S.CosineAnnealingWarmRestarts(
        o, T_0=3, T_mult=2, eta_min=0.001), 30),
    "SequentialLR": ("SGD", {}, lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=4), S.ExponentialLR(o, gamma=0.9)], milestones=[5]), 30),
    "SequentialLR_three": ("SGD", {}, lambda o: S.SequentialLR(
        o, [S.ConstantLR(o, factor=0.5, total_iters=2), S.CosineAnnealingLR(o, T_max=6, eta_min=0.01),
            S.StepLR(o, step_size=3, gamma=0.5)], milestones=[3, 10]), 30),
    "ChainedScheduler": ("SGD", {}, lambda o: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.1, total_iters=2), S.ExponentialLR(o, gamma=0.9)]), 30),
    "ChainedScheduler_warmup_cosine": ("SGD", {}, lambda o: S.ChainedScheduler(
        [S.LinearLR(o, start_factor=0.2, total_iters=5), S.CosineAnnealingLR(o, T_max=12)], optimizer=o), 30),
    "LinearLR_decay": ("SGD", {}, lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=25), 30),
    "LinearLR_long_warmup": ("SGD", {}, lambda o: S.LinearLR(o, start_factor=0.01, total_iters=20), 30),
    "ConstantLR_long": ("SGD", {}, lambda o: S.ConstantLR(o, factor=0.25, total_iters=17), 30),
}

# two parameter groups (lr 0.1 and 0.2), each entry the list of both lrs
TWO_GROUPS = {
    "CyclicLR_lists": ("SGD", {"momentum": 0.9}, lambda o: S.CyclicLR(
        o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=3, base_momentum=[0.8, 0.7],
        max_momentum=[0.9, 0.95]), 30),
    "CosineAnnealingWarmRestarts": ("SGD", {}, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, eta_min=0.01), 30),
    "PolynomialLR": ("SGD", {}, lambda o: S.PolynomialLR(o, total_iters=20, power=0.5), 30),
    "LinearLR": ("SGD", {}, lambda o: S.LinearLR(o, start_factor=0.5, end_factor=0.1, total_iters=12), 30),
    "SequentialLR_warmup_constant": ("SGD", {}, lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.ConstantLR(o, factor=0.5, total_iters=10)],
        milestones=[6]), 30),
}

# ReduceLROnPlateau is stepped with these metrics
METRICS = [1.0, 0.9, 0.95, 0.95, 0.89999, 0.91, 0.92, 0.93, 0.5, 0.6, 0.7, 0.8, 0.9, 0.4, 0.41, 0.42, 0.43, 0.44,
           0.45, 0.46, 0.47, 0.48, 0.49, 0.5, 0.51, 0.3, 0.31, 0.32, 0.33, 0.34]
PLATEAU = {
    "min_rel": dict(patience=2),
    "min_abs_cooldown": dict(patience=1, threshold=0.05, threshold_mode="abs", cooldown=2, factor=0.5),
    "max_rel_min_lr": dict(mode="max", patience=0, factor=0.5, min_lr=0.02),
    "max_abs_two_groups": dict(mode="max", patience=1, threshold=0.01, threshold_mode="abs", factor=0.3,
                               min_lr=[0.01, 0.05]),
}


def scheduler_sequences():
    print("TORCH_SEQUENCES = {")
    for name, (opt_name, opt_kwargs, make, steps) in SCHEDULERS.items():
        opt = _optimizer(opt_name, **opt_kwargs)
        lrs, moms = _sequence(opt, make(opt), steps)
        print(f"    {name!r}: ({lrs!r},\n        {moms!r}),")
    print("}")

    print("TORCH_TWO_GROUPS = {")
    for name, (opt_name, opt_kwargs, make, steps) in TWO_GROUPS.items():
        opt = _optimizer(opt_name, groups=2, **opt_kwargs)
        lrs, _ = _sequence(opt, make(opt), steps, groups=2)
        print(f"    {name!r}: {lrs!r},")
    print("}")

    opt = _optimizer()
    sched = S.PolynomialLR(opt, total_iters=6, power=3.0)
    closed = []
    for epoch in (4, 2, 9, 6, 0):
        opt.step()
        sched.step(epoch)
        closed.append(sched.get_last_lr()[0])
    print(f"TORCH_POLYNOMIAL_CLOSED_FORM = {closed!r}")

    opt = _optimizer()
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=3, eta_min=0.005)
    lrs = []
    for epoch in range(12):
        for i in range(4):
            opt.step()
            sched.step(epoch + i / 4)
            lrs.append(sched.get_last_lr()[0])
    print(f"TORCH_WARM_RESTARTS_FRACTIONAL = {lrs!r}")

    print("TORCH_PLATEAU = {")
    for name, kwargs in PLATEAU.items():
        groups = 2 if "two_groups" in name else 1
        opt = _optimizer(groups=groups)
        sched = S.ReduceLROnPlateau(opt, **kwargs)
        lrs = []
        for m in METRICS:
            opt.step()
            sched.step(torch.tensor(m) if name == "min_rel" else m)
            lrs.append(sched.get_last_lr() if groups > 1 else sched.get_last_lr()[0])
        print(f"    {name!r}: {lrs!r},")
    print("}")


# LBFGS problems: Rosenbrock from (-1.2, 1) and a small regularized least squares
A = [[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [2.0, 0.1, -0.7], [0.5, 0.5, 0.5], [-1.0, 0.2, 1.5]]
B = [1.0, -2.0, 0.5, 3.0, 0.25]
LBFGS_CASES = {
    "rosenbrock_wolfe": ("rosenbrock", dict(line_search_fn="strong_wolfe", max_iter=5), 6),
    "rosenbrock_fixed": ("rosenbrock", dict(lr=0.1, max_iter=4), 6),
    "rosenbrock_short_history": ("rosenbrock", dict(history_size=2, max_iter=3, line_search_fn="strong_wolfe"), 6),
    "lsq_wolfe": ("lsq", dict(line_search_fn="strong_wolfe", max_iter=4), 4),
    "lsq_fixed": ("lsq", dict(lr=0.05, max_iter=5, history_size=3), 4),
    "lsq_max_eval": ("lsq", dict(lr=0.5, max_iter=10, max_eval=6, line_search_fn="strong_wolfe"), 3),
    "lsq_tolerance_change": ("lsq", dict(tolerance_change=1e-3, line_search_fn="strong_wolfe"), 3),
}


def lbfgs_run(problem, dtype, kwargs, steps):
    if problem == "rosenbrock":
        params = [torch.tensor([-1.2, 1.0], dtype=dtype, requires_grad=True)]

        def loss_fn():
            x = params[0]
            return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    else:
        a, b = torch.tensor(A, dtype=dtype), torch.tensor(B, dtype=dtype)
        params = [torch.zeros(3, dtype=dtype, requires_grad=True), torch.full((1, 1), 0.5, dtype=dtype,
                                                                              requires_grad=True)]

        def loss_fn():
            w, c = params
            r = a @ w + c[0, 0] - b
            return (r * r).sum() + 0.1 * (w * w * w * w).sum()
    opt = torch.optim.LBFGS(params, **kwargs)

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    rows = []
    for _ in range(steps):
        loss = opt.step(closure)
        rows.append([loss.item()] + [v for p in params for v in p.detach().reshape(-1).tolist()])
    state = opt.state[params[0]]
    return rows, state["func_evals"], state["n_iter"]


def lbfgs_trajectories():
    print("TORCH_LBFGS = {")
    for name, (problem, kwargs, steps) in LBFGS_CASES.items():
        for dtype in (torch.float64, torch.float32):
            rows, evals, iters = lbfgs_run(problem, dtype, kwargs, steps)
            print(f"    ({name!r}, {str(dtype)[6:]!r}): ({evals}, {iters}, [")
            for row in rows:
                print(f"        {row!r},")
            print("    ]),")
    print("}")


if __name__ == "__main__":
    print(f"# torch {torch.__version__}")
    scheduler_sequences()
    lbfgs_trajectories()
