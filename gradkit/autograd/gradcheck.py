"""Finite-difference gradient checks (``gradcheck``, ``gradgradcheck``).

Written with gradkit ops only, so the same check runs on every device. Central
differences in the input's dtype: use float64 inputs.

Every analytic gradient is checked for its shape (always) and dtype (with
``check_grad_dtypes``) against its input before any value is compared, as PyTorch's
gradcheck does: a gradient that only broadcasts to its input's shape would otherwise be
compared element by element on a prefix and pass."""
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


def _replace(inputs, i, value):
    out = list(inputs)
    out[i] = value
    return out


def _numerical(func, inputs, wrt, eps):
    """One Jacobian per output: d(output)/d(inputs[wrt]) as a (numel_out x numel_in) list of rows."""
    from ..ops.creation import zeros_like

    x = inputs[wrt]
    n = x.numel()
    jac = [[[0.0] * n for _ in range(o.numel())] for o in _outputs(func, inputs)]
    for i in range(n):
        delta = zeros_like(x).reshape(-1)
        delta[i] = eps
        delta = delta.reshape(x.shape)
        # the perturbed input keeps requires_grad: func may itself differentiate (gradgradcheck)
        plus = _outputs(func, _replace(inputs, wrt, (x.detach() + delta).requires_grad_()))
        minus = _outputs(func, _replace(inputs, wrt, (x.detach() - delta).requires_grad_()))
        if not len(plus) == len(minus) == len(jac):
            raise GradcheckError(f"the function returned {len(jac)} floating point outputs, then {len(plus)} and "
                                 f"{len(minus)} for perturbed inputs")
        for k in range(len(jac)):
            col = ((plus[k] - minus[k]) / (2 * eps)).reshape(-1).tolist()
            if len(col) != len(jac[k]):
                raise GradcheckError(f"output {k} has {len(jac[k])} elements, but {len(col)} for perturbed inputs")
            for r, v in enumerate(col):
                jac[k][r][i] = v
    return jac


def _check_gradient(g, x, check_grad_dtypes):
    """Raises GradcheckError unless ``g`` fits the input ``x`` it is the gradient of."""
    if g.shape != x.shape:
        raise GradcheckError(f"Analytical gradient has incorrect size: got {list(g.shape)} for an input of size "
                             f"{list(x.shape)}")
    if check_grad_dtypes and g.dtype != x.dtype:
        raise GradcheckError(f"Gradient has dtype mismatch: got {g.dtype} for an input of dtype {x.dtype}")
    if g.device != x.device:
        raise GradcheckError(f"Gradient has device mismatch: got {g.device} for an input on {x.device}")


def _analytical(func, inputs, wrt_list, check_grad_dtypes):
    """(output k, input w) -> d(output k)/d(input w) as rows, one backward per output element."""
    from ..ops.creation import zeros_like

    outs = _outputs(func, inputs)
    jac = {}
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
            if len(grads) != len(wrt_list):
                raise GradcheckError(f"autograd.grad returned {len(grads)} gradients for {len(wrt_list)} inputs")
            for w, g in zip(wrt_list, grads):
                x = inputs[w]
                if g is None:
                    rows[w].append([0.0] * x.numel())
                    continue
                _check_gradient(g, x, check_grad_dtypes)
                rows[w].append(g.reshape(-1).tolist())
        jac.update({(k, w): rows[w] for w in wrt_list})
    return jac


def _compare(numeric, analytic, k, w, atol, rtol):
    if len(numeric) != len(analytic):
        raise GradcheckError(f"Jacobian of output {k} with respect to input {w} has {len(analytic)} analytical "
                             f"rows and {len(numeric)} numerical ones")
    for r, (row_n, row_a) in enumerate(zip(numeric, analytic)):
        if len(row_n) != len(row_a):
            raise GradcheckError(f"Analytical gradient has incorrect size: {len(row_a)} elements for input {w} "
                                 f"of {len(row_n)}")
        for c, (vn, va) in enumerate(zip(row_n, row_a)):
            if not abs(va - vn) <= atol + rtol * abs(vn):
                raise GradcheckError(f"Jacobian mismatch for output {k} with respect to input {w},\n"
                                     f"numerical: {vn}\nanalytical: {va}\n(at output element {r}, input element {c})")


def _gradcheck(func, inputs, eps, atol, rtol, check_grad_dtypes):
    wrt = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not wrt:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for i in wrt:
        if inputs[i].dtype.name != "float64":
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point. This check "
                          f"will likely fail if all the inputs are not of double precision floating point.")
    analytic = _analytical(func, inputs, wrt, check_grad_dtypes)
    for w in wrt:
        for k, numeric in enumerate(_numerical(func, inputs, w, eps)):
            _compare(numeric, analytic[(k, w)], k, w, atol, rtol)
    return True


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False, fast_mode=False,
              masked=None):
    """True when every analytic gradient has its input's shape (and dtype, with
    ``check_grad_dtypes``) and backward's Jacobian matches central differences within
    atol + rtol*|numerical|. A failed check raises GradcheckError, or returns False when
    ``raise_exception`` is False."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if raise_exception:
        return _gradcheck(func, inputs, eps, atol, rtol, check_grad_dtypes)
    try:
        return _gradcheck(func, inputs, eps, atol, rtol, check_grad_dtypes)
    except GradcheckError:
        return False


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
        for i, g in zip(wrt, grads):
            if g is not None:  # a first derivative shaped unlike its input is wrong before any second one
                _check_gradient(g, xs[i], check_grad_dtypes)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, check_grad_dtypes=check_grad_dtypes)
