"""Programs run both on gradkit (tests) and on PyTorch (``record_torch_expected.py``, which
writes ``_torch_expected.py``): the same source, given the library as ``T``.

Each group maps a case name to a zero-argument function returning tensors, tuples/lists of
them, or plain Python values; ``encode`` turns a result into plain data that also records
its structure (tensor vs tuple) and whether each tensor requires grad."""
from __future__ import annotations

import math


def functional_cases(T, AF, F, dev):
    """autograd.functional and func: each case() -> a result (tensors, tuples, lists)."""
    D = T.float64

    def t(values):
        return T.tensor(values, dtype=D, device=dev)

    x = lambda: t([0.5, -1.0, 2.0])
    y = lambda: t([[1.0, 2.0], [0.3, -0.4]])
    f1 = lambda a: (a ** 3).sum()
    f2 = lambda a: a.exp() * 2
    f3 = lambda a, b: ((a[:2] * b).sum(), (b @ b).sin())
    g2 = lambda a, b: (a[:2] * b.sum(0)).sin().sum()
    return {
        "jacobian_tensor_tensor": lambda: AF.jacobian(f2, x()),
        "jacobian_scalar_out": lambda: AF.jacobian(f1, x()),
        "jacobian_tuple_tuple": lambda: AF.jacobian(f3, (x(), y())),
        "jacobian_tuple_in": lambda: AF.jacobian(f2, (x(),)),
        "jacobian_forward_mode": lambda: tuple(tuple(r) for r in AF.jacobian(f3, (x(), y()), strategy="forward-mode",
                                                                             vectorize=True)),
        "jacobian_unused_input": lambda: AF.jacobian(lambda a, b: a * 2, (x(), y())),
        "hessian_tensor": lambda: AF.hessian(f1, x()),
        "hessian_tuple": lambda: AF.hessian(lambda a, b: f3(a, b)[0] + (a * a).sum() * b.sum(), (x(), y())),
        "vjp_tensor": lambda: AF.vjp(f2, x(), t([1.0] * 3)),
        "vjp_scalar_v_none": lambda: AF.vjp(f1, x()),
        "vjp_tuple": lambda: AF.vjp(f3, (x(), y()), (t(1.0), t([[1.0, 1.0], [1.0, 1.0]]))),
        "jvp_tensor": lambda: AF.jvp(f2, x(), t([1.0, 0.0, 2.0])),
        "jvp_tuple": lambda: AF.jvp(f3, (x(), y()), (t([1.0] * 3), t([[1.0, 1.0], [1.0, 1.0]]))),
        "jvp_scalar_v_none": lambda: AF.jvp(lambda a: a.sin() * 3, t([0.7])),
        "hvp_tensor": lambda: AF.hvp(f1, x(), t([1.0, 1.0, 0.0])),
        "vhp_tensor": lambda: AF.vhp(f1, x(), t([1.0, 1.0, 0.0])),
        "hvp_tuple": lambda: AF.hvp(lambda a, b: (a.sin() * b.sum()).sum(), (x(), y()),
                                    (t([1.0] * 3), t([[1.0, 1.0], [1.0, 1.0]]))),
        "vhp_tuple": lambda: AF.vhp(lambda a, b: (a.sin() * (b * b).sum()).sum(), (x(), y()),
                                    (t([1.0] * 3), t([[1.0, 1.0], [1.0, 1.0]]))),
        "hvp_unused": lambda: AF.hvp(lambda a, b: (a * 2).sum(), (x(), y()), (x(), y())),
        "func_grad": lambda: F.grad(f1)(x()),
        "func_grad_argnums1": lambda: F.grad(g2, argnums=1)(x(), y()),
        "func_grad_argnums01": lambda: F.grad(g2, argnums=(0, 1))(x(), y()),
        "func_grad_aux": lambda: F.grad(lambda a: (f1(a), a * 2), has_aux=True)(x()),
        "func_grad_and_value": lambda: F.grad_and_value(f1)(x()),
        "func_grad_and_value_aux": lambda: F.grad_and_value(lambda a: (f1(a), (a.sum(), a[0])), has_aux=True)(x()),
        "func_grad_grad": lambda: F.grad(lambda a: F.grad(lambda b: (b ** 3).sum())(a).sum())(x()),
        "func_grad_dict": lambda: tuple(F.grad(lambda p: (p["w"] * p["b"]).sum())({"w": x(), "b": x() * 2}).values()),
        "func_grad_list": lambda: tuple(F.grad(lambda p: (p[0] * p[1].sin()).sum())([x(), x() + 1])),
        "func_vjp": lambda: (lambda r: (r[0], r[1](t([1.0] * 3))))(F.vjp(lambda a: a.exp() * 2, x())),
        "func_vjp_two": lambda: (lambda r: (r[0], r[1]((t([[1.0, 1.0], [1.0, 1.0]]), t([1.0] * 3)))))(
            F.vjp(lambda a, b: (a.sum() * b, a * 3), x(), y())),
        "func_vjp_aux": lambda: (lambda r: (r[0], r[1](x()), r[2]))(
            F.vjp(lambda a: (a * 2, a.sum()), x(), has_aux=True)),
        "func_jacrev": lambda: F.jacrev(lambda a: a.exp())(x()),
        "func_jacrev_argnums01": lambda: F.jacrev(g2, argnums=(0, 1))(x(), y()),
        "func_jacrev_tuple_out": lambda: F.jacrev(lambda a: (a.sum(), a * a))(x()),
        "func_jacrev_aux": lambda: F.jacrev(lambda a: (a.sin(), a.sum()), has_aux=True)(x()),
        "func_jacrev_matrix": lambda: F.jacrev(lambda m: m @ m)(y()),
        "func_hessian": lambda: F.hessian(f1)(x()),
        "func_hessian_argnums01": lambda: F.hessian(g2, argnums=(0, 1))(x(), y()),
        "func_hessian_matrix": lambda: F.hessian(lambda m: (m @ m).sin().sum())(y()),
        "func_jacfwd": lambda: F.jacfwd(lambda a: a.exp())(x()),
        "func_jacrev_of_grad": lambda: F.jacrev(F.grad(f1))(x()),
    }



def hook_cases(T, nn, dev):
    """Module forward/backward hooks: each case returns the hooks' log and the gradients."""
    D = T.float64

    def t(values, requires_grad=False):
        return T.tensor(values, dtype=D, device=dev, requires_grad=requires_grad)

    def linear():
        lin = nn.Linear(3, 2).to(dtype=D, device=dev)
        with T.no_grad():
            lin.weight.copy_(t([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]))
            lin.bias.copy_(t([0.1, -0.2]))
        return lin

    def basic():
        lin, log = linear(), []
        lin.register_full_backward_hook(lambda m, gi, go: log.append(("hook", gi, go)))
        lin.register_full_backward_pre_hook(lambda m, go: log.append(("pre", go)))
        x = t([[1.0, 2.0, 3.0]], True)
        (lin(x) * t([[1.0, 2.0]])).sum().backward()
        return log, x.grad, lin.weight.grad, lin.bias.grad

    def replace_grad_input():
        lin, log = linear(), []
        lin.register_full_backward_hook(lambda m, gi, go: log.append(("hook", gi, go)))
        lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,))
        x = t([[1.0, 2.0, 3.0]], True)
        lin(x).sum().backward()
        return log, x.grad, lin.weight.grad

    def replace_grad_output():
        lin, log = linear(), []
        lin.register_full_backward_pre_hook(lambda m, go: (go[0] * 0 + 1,))
        lin.register_full_backward_hook(lambda m, gi, go: log.append(("hook", gi, go)))
        x = t([[1.0, 2.0, 3.0]], True)
        (lin(x) * 5).sum().backward()
        return log, x.grad, lin.weight.grad

    def prepend_order():
        lin, log = linear(), []
        lin.register_full_backward_hook(lambda m, gi, go: log.append("first"))
        lin.register_full_backward_hook(lambda m, gi, go: log.append("prepended"), prepend=True)
        lin.register_full_backward_pre_hook(lambda m, go: log.append("pre"))
        lin.register_full_backward_pre_hook(lambda m, go: log.append("pre-prepended"), prepend=True)
        lin(t([[1.0, 2.0, 3.0]], True)).sum().backward()
        return log

    def removed():
        lin, log = linear(), []
        h1 = lin.register_full_backward_hook(lambda m, gi, go: log.append("hook"))
        h2 = lin.register_full_backward_pre_hook(lambda m, go: log.append("pre"))
        x = t([[1.0, 2.0, 3.0]], True)
        lin(x).sum().backward()
        h1.remove()
        h2.remove()
        lin(x).sum().backward()
        return log, x.grad

    def no_input_requires_grad():
        import warnings

        lin, log = linear(), []
        lin.register_full_backward_hook(lambda m, gi, go: log.append(("hook", gi, go)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lin(t([[1.0, 2.0, 3.0]])).sum().backward()
        return log, lin.weight.grad

    class Mixed(nn.Module):
        def forward(self, a, k, b):
            return a * b * k, a.sum(), 3

    def mixed_args():
        m, log = Mixed(), []
        m.register_full_backward_hook(lambda mod, gi, go: log.append(("M", gi, go)))
        a, b = t([1.0, 2.0], True), t([3.0, 4.0], True)
        out = m(a, 2.0, b)
        (out[0].sum() + out[1] * 3).backward()
        return log, a.grad, b.grad, out[2]

    def partial_requires_grad():
        m, log = Mixed(), []
        m.register_full_backward_hook(lambda mod, gi, go: log.append(("M", gi, go)))
        b = t([3.0, 4.0], True)
        m(t([1.0, 2.0]), 2.0, b)[0].sum().backward()
        return log, b.grad

    def sequential_nested():
        net = nn.Sequential(linear(), nn.Tanh(), nn.Linear(2, 1).to(dtype=D, device=dev))
        with T.no_grad():
            net[2].weight.copy_(t([[0.5, -1.5]]))
            net[2].bias.fill_(0.25)
        log = []
        for name, mod in net.named_modules():
            mod.register_full_backward_hook(lambda m, gi, go, name=name: log.append((name or "root", gi, go)))
        x = t([[1.0, -1.0, 0.5], [0.2, 0.3, -0.4]], True)
        net(x).sum().backward()
        return log, x.grad

    def forward_hooks():
        lin, log = linear(), []
        lin.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        lin.register_forward_hook(lambda m, args, out: out + 1)
        lin.register_forward_hook(lambda m, args, kwargs, out: log.append(("kw", kwargs)), with_kwargs=True)
        x = t([[1.0, 2.0, 3.0]], True)
        out = lin(x)
        out.sum().backward()
        return log, out, x.grad

    return {"basic": basic, "replace_grad_input": replace_grad_input, "replace_grad_output": replace_grad_output,
            "prepend_order": prepend_order, "removed": removed, "no_input_requires_grad": no_input_requires_grad,
            "mixed_args": mixed_args, "partial_requires_grad": partial_requires_grad,
            "sequential_nested": sequential_nested, "forward_hooks": forward_hooks}


def edge_cases(T, dev):
    """NaN/inf and edge semantics: values and gradients at kinks, ties, zeros, empties."""
    D = T.float64

    def g(fn, values):
        x = T.tensor(values, dtype=D, device=dev, requires_grad=True)
        y = fn(x)
        y.sum().backward()
        return y, x.grad

    inf, nan = math.inf, math.nan
    return {
        "log_at_0": lambda: g(lambda x: x.log(), [0.0, 1.0]),
        "log_negative": lambda: g(lambda x: x.log(), [-1.0]),
        "sqrt_at_0": lambda: g(lambda x: x.sqrt(), [0.0, 4.0]),
        "sqrt_negative": lambda: g(lambda x: x.sqrt(), [-1.0]),
        "pow_half_at_0": lambda: g(lambda x: x ** 0.5, [0.0]),
        "pow_0_at_0": lambda: g(lambda x: x ** 0.0, [0.0, 2.0]),
        "pow_2_at_0": lambda: g(lambda x: x ** 2, [0.0]),
        "reciprocal_at_0": lambda: g(lambda x: 1.0 / x, [0.0]),
        "relu_at_0": lambda: g(lambda x: x.relu(), [0.0, -1.0, 2.0]),
        "relu_nan": lambda: g(lambda x: x.relu(), [nan]),
        "abs_at_0": lambda: g(lambda x: x.abs(), [0.0, -1.0, 2.0]),
        "sign_at_0": lambda: g(lambda x: x.sign(), [0.0, 1.0]),
        "clamp_at_bounds": lambda: g(lambda x: x.clamp(0.0, 1.0), [0.0, 1.0, 0.5, -1.0, 2.0]),
        "max_ties": lambda: g(lambda x: x.max(), [1.0, 3.0, 3.0]),
        "min_ties": lambda: g(lambda x: x.min(), [2.0, 1.0, 1.0]),
        "amax_ties": lambda: g(lambda x: x.amax(), [1.0, 3.0, 3.0]),
        "amax_dim_ties": lambda: g(lambda x: x.reshape(2, 2).amax(1), [1.0, 1.0, 0.0, 2.0]),
        "max_dim_ties": lambda: g(lambda x: x.max(0)[0], [1.0, 3.0, 3.0]),
        "maximum_tie": lambda: g(lambda x: T.maximum(x, T.tensor([1.0, 0.0], dtype=D, device=dev)), [1.0, 2.0]),
        "max_with_nan": lambda: g(lambda x: x.max(), [1.0, nan]),
        "amax_with_nan": lambda: g(lambda x: x.amax(), [nan, 1.0, 2.0]),
        "median_ties": lambda: g(lambda x: x.median(), [1.0, 1.0, 2.0, 2.0]),
        "sort_ties": lambda: g(lambda x: x.sort()[0] * T.tensor([1.0, 2.0, 3.0], dtype=D, device=dev), [2.0, 1.0, 2.0]),
        "norm_at_0": lambda: g(lambda x: x.norm(), [0.0, 0.0]),
        "exp_overflow": lambda: g(lambda x: x.exp(), [1000.0]),
        "tanh_at_inf": lambda: g(lambda x: x.tanh(), [inf, -inf]),
        "sigmoid_at_inf": lambda: g(lambda x: x.sigmoid(), [-inf, inf]),
        "logsumexp_all_ninf": lambda: g(lambda x: x.logsumexp(0), [-inf, -inf]),
        "where_hides_nan_value_not_grad": lambda: g(lambda x: T.where(x > 0, x.log(), T.zeros_like(x)), [0.0, 1.0]),
        "std_of_one": lambda: g(lambda x: x.std(), [1.0]),
        "prod_with_zero": lambda: g(lambda x: x.prod(), [0.0, 2.0, 3.0]),
        "prod_two_zeros": lambda: g(lambda x: x.prod(), [0.0, 0.0, 3.0]),
        "atan2_at_origin": lambda: g(lambda x: T.atan2(x, x), [0.0]),
        "sum_empty": lambda: g(lambda x: x.sum(), []),
        "mean_empty": lambda: g(lambda x: x.mean(), []),
        "prod_empty": lambda: g(lambda x: x.prod(), []),
        "empty_matmul": lambda: g(lambda x: x.reshape(0, 2) @ T.ones(2, 3, dtype=D, device=dev), []),
        "empty_rows_reduce": lambda: (T.zeros(0, 3, dtype=D, device=dev).sum(0),
                                      T.zeros(0, 3, dtype=D, device=dev).mean(0),
                                      T.zeros(0, 3, dtype=D, device=dev).amax(1)),
        "zero_d_mul": lambda: g(lambda x: x * x, 3.0),
        "zero_d_sum": lambda: g(lambda x: x.sum(), 3.0),
        "zero_d_index": lambda: g(lambda x: x[()] * 2, 3.0),
        "zero_d_expand": lambda: g(lambda x: x.expand(3) * T.tensor([1.0, 2.0, 3.0], dtype=D, device=dev), 2.0),
        "zero_d_unsqueeze_cat": lambda: g(lambda x: T.cat([x.unsqueeze(0), x.reshape(1) * 2]), 1.5),
    }


def encode(r):
    """('T', shape, values, requires_grad) for a tensor, ('tuple', items) for a tuple or
    list, ('other', repr) for anything else (None, numbers, strings, dicts of these)."""
    if isinstance(r, (tuple, list)):
        return ("tuple", tuple(encode(e) for e in r))
    if hasattr(r, "shape") and hasattr(r, "detach"):
        return ("T", tuple(int(s) for s in r.shape), tuple(float(v) for v in r.detach().cpu().reshape(-1).tolist()),
                bool(r.requires_grad))
    return ("other", repr(r))
