"""Prints the PyTorch reference numbers pasted into test_torch_reference.py and
test_lr_scheduler.py. Not a test: run it with a PyTorch install to regenerate them,

    python tests/optim/make_torch_reference.py

(the literals in the tests were recorded with PyTorch 2.13 CPU). gradkit never imports torch.
"""
import torch

W0 = [1.0, -2.0, 0.5, 3.0]
K = [0.5, -1.0, 0.25, 0.0]
STEPS = 5

OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "maximize": True}),
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "betas": (0.3, 0.99), "maximize": True}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.1}),
    ("Adagrad", {"lr": 0.1, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.95, "weight_decay": 0.1}),
    ("Adadelta", {"lr": 0.5, "maximize": True}),
]


def grad_of(w):
    # the gradient the tests feed in: elementwise IEEE float32 ops, identical in both libraries
    return (w * w) * 0.3 + torch.tensor(K)


def optimizer_trajectories():
    print("TORCH_TRAJECTORIES = [")
    for name, kwargs in OPTIMIZERS:
        w = torch.tensor(W0, requires_grad=True)
        opt = getattr(torch.optim, name)([w], **kwargs)
        traj = []
        for _ in range(STEPS):
            w.grad = grad_of(w.detach())
            opt.step()
            traj.append(w.tolist())
        print(f"    ({name!r}, {kwargs!r}, [")
        for row in traj:
            print(f"        {row!r},")
        print("    ]),")
    print("]")


def scheduler_sequences():
    def seq(make, steps, opt_name="SGD", groups=1, **opt_kwargs):
        params = [{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(groups)]
        opt = getattr(torch.optim, opt_name)(params, lr=0.1, **opt_kwargs)
        sched = make(opt)
        lrs, moms = [], []
        for _ in range(steps):
            lrs.append(sched.get_last_lr() if groups > 1 else sched.get_last_lr()[0])
            g = opt.param_groups[0]
            moms.append(g["betas"][0] if "betas" in g else g.get("momentum"))
            opt.step()
            sched.step()
        return lrs, moms

    S = torch.optim.lr_scheduler
    cases = {
        "StepLR": (lambda o: S.StepLR(o, step_size=3, gamma=0.5), 20),
        "MultiStepLR": (lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3), 20),
        "ExponentialLR": (lambda o: S.ExponentialLR(o, gamma=0.9), 20),
        "CosineAnnealingLR": (lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 45),
        "LambdaLR": (lambda o: S.LambdaLR(o, lambda e: 0.95 ** e if e > 2 else (e + 1) / 3), 20),
        "LinearLR": (lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4), 10),
        "ConstantLR": (lambda o: S.ConstantLR(o, factor=0.5, total_iters=3), 8),
    }
    print("TORCH_LRS = {")
    for name, (make, steps) in cases.items():
        lrs, _ = seq(make, steps)
        print(f"    {name!r}: {lrs!r},")
    print("}")
    print("TORCH_TWO_GROUPS_STEPLR = %r" % (seq(lambda o: S.StepLR(o, step_size=2, gamma=0.5), 7, groups=2)[0],))

    print("TORCH_ONECYCLE = {")
    onecycle = {
        "cos_sgd": (dict(max_lr=1.0, total_steps=30), "SGD", {"momentum": 0.9}),
        "linear_sgd": (dict(max_lr=0.5, total_steps=25, anneal_strategy="linear"), "SGD", {"momentum": 0.9}),
        "three_phase_adam": (dict(max_lr=0.01, epochs=4, steps_per_epoch=6, three_phase=True, pct_start=0.25),
                             "Adam", {}),
        "cos_adam_no_momentum": (dict(max_lr=0.3, total_steps=20, cycle_momentum=False, div_factor=10.0,
                                      final_div_factor=100.0), "Adam", {}),
    }
    for key, (kw, opt_name, opt_kw) in onecycle.items():
        lrs, moms = seq(lambda o: S.OneCycleLR(o, **kw), kw.get("total_steps") or kw["epochs"] * kw["steps_per_epoch"],
                        opt_name, **opt_kw)
        print(f"    {key!r}: ({lrs!r},\n        {moms!r}),")
    print("}")


if __name__ == "__main__":
    torch.set_printoptions(precision=10)
    print(f"# torch {torch.__version__}")
    optimizer_trajectories()
    scheduler_sequences()
