"""Finite-difference gradient checks (``gradcheck``, ``gradgradcheck``).

Written with gradkit ops only, so the same check runs on every device. Central
differences in the input's dtype: use float64 inputs."""
from __future__ import annotations

import warnings

from .engine import grad as autograd_grad
from .._tensor import Tensor


class GradcheckError(RuntimeError):
    pass


def _outputs(func, inputs):
    out = func(*inputs)
    out = (out,) if isinstance(out, Tensor) else tuple(out)
    return [o for o in out if isinstance(o, Tensor) and o.dtype.is_floating_point]


def _numerical(func, inputs, wrt, eps):
    """One list per output: d(output)/d(input) as a (numel_out x numel_in) list of rows."""
    from ..ops.creation import zeros_like

    base = _outputs(func, inputs)
    jac = [[[0.0] * x.numel() for _ in range(o.numel())] for o in base for x in [inputs[wrt]]]
    x = inputs[wrt]
    n = x.numel()
    for i in range(n):
        delta = zeros_like(x).reshape(-1)
        delta[i] = eps
        delta = delta.reshape(x.shape)
        # the perturbed input keeps requires_grad: func may itself differentiate (gradgradcheck)
        plus = _outputs(func, _replace(inputs, wrt, (x.detach() + delta).requires_grad_()))
        minus = _outputs(func, _replace(inputs, wrt, (x.detach() - delta).requires_grad_()))
        for k, (p, m) in enumerate(zip(plus, minus)):
            col = ((p - m) / (2 * eps)).reshape(-1).tolist()
            for r, v in enumerate(col):
                jac[k][r][i] = v
    return jac


def _replace(inputs, i, value):
    out = list(inputs)
    out[i] = value
    return out


def _analytical(func, inputs, wrt_list):
    from ..ops.creation import zeros_like

    outs = _outputs(func, inputs)
    jac = {}  # (k, wrt) -> rows
    for k, o in enumerate(outs):
        rows = {w: [] for w in wrt_list}
        if not o.requires_grad:
            for w in wrt_list:
                rows[w] = [[0.0] * inputs[w].numel() for _ in range(o.numel())]
            jac.update({(k, w): rows[w] for w in wrt_list})
            continue
        for r in range(o.numel()):
            e = zeros_like(o).reshape(-1)
            e[r] = 1.0
            grads = autograd_grad(o, [inputs[w] for w in wrt_list], e.reshape(o.shape), retain_graph=True,
                                  allow_unused=True)
            for w, g in zip(wrt_list, grads):
                rows[w].append([0.0] * inputs[w].numel() if g is None else g.reshape(-1).tolist())
        jac.update({(k, w): rows[w] for w in wrt_list})
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False, fast_mode=False,
              masked=None):
    """True when backward's Jacobian matches central differences within atol + rtol*|numerical|."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    wrt = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not wrt:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for i in wrt:
        if inputs[i].dtype.name != "float64":
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point. This check "
                          f"will likely fail if all the inputs are not of double precision floating point.")
    analytic = _analytical(func, inputs, wrt)
    for w in wrt:
        numeric = _numerical(func, inputs, w, eps)
        for k, num in enumerate(numeric):
            ana = analytic[(k, w)]
            for r, (row_n, row_a) in enumerate(zip(num, ana)):
                for c, (vn, va) in enumerate(zip(row_n, row_a)):
                    if not abs(va - vn) <= atol + rtol * abs(vn):
                        msg = (f"Jacobian mismatch for output {k} with respect to input {w},\n"
                               f"numerical: {vn}\nanalytical: {va}\n(at output element {r}, input element {c})")
                        if raise_exception:
                            raise GradcheckError(msg)
                        return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, gen_non_contig_grad_outputs=False,
                  raise_exception=True, nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, fast_mode=False, masked=False):
    """gradcheck of the first derivative (built with create_graph=True)."""
    from ..ops.random import randn

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    n_in = len(inputs)
    wrt = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if grad_outputs is None:
        outs = _outputs(func, inputs)
        grad_outputs = tuple(randn(o.shape, dtype=o.dtype, device=o.device).requires_grad_() for o in outs)
    else:
        grad_outputs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)

    def first_derivative(*args):
        xs, gos = args[:n_in], args[n_in:]
        outs = _outputs(func, xs)
        grads = autograd_grad(outs, [xs[i] for i in wrt], gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
