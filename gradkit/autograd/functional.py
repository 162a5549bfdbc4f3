"""``gradkit.autograd.functional``: Jacobians, Hessians and their products, as in
``torch.autograd.functional`` (same signatures, same tuple-or-tensor return structures,
same strict-mode errors).

Everything is built on the reverse-mode engine (``autograd.grad``):

* ``vjp``  v^T J: one backward pass with ``grad_outputs = v``.
* ``jvp``  J v: the double-vjp trick. The backward is linear in its incoming gradient u, so
  g(u) = u^T J is a linear function of u whose own vjp with v is (J v)^T: run a backward
  with a dummy u (zeros that require grad) and ``create_graph=True``, then differentiate
  the result with respect to u, with v as the incoming gradient.
* ``jacobian``  one backward per output element (rows), or with
  ``strategy="forward-mode"`` one double-vjp per input element (columns).
* ``hessian``  the Jacobian of the Jacobian; ``vhp`` / ``hvp`` a double backward.

``vectorize=True`` is accepted for compatibility; gradkit has no vmap, so the rows are
computed one by one either way (same results).
"""
from __future__ import annotations

from .._tensor import Tensor
from .engine import grad as _grad
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# ----------------------------------------------------------------------------- helpers (PyTorch's)
def _as_tuple(inp, arg_name, fn_name):
    is_tuple = True
    if not isinstance(inp, tuple):
        inp = (inp,)
        is_tuple = False
    for i, el in enumerate(inp):
        if not isinstance(el, Tensor):
            if is_tuple:
                raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                                f"but the value at index {i} has type {type(el)}.")
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"the given {arg_name} has type {type(el)}.")
    return is_tuple, inp


def _tuple_postprocess(res, to_unpack):
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _grad_preprocess(inputs, create_graph, need_graph):
    """Fresh tensors to differentiate with respect to. With create_graph, inputs that
    require grad stay connected to their history (a view), so the result can be
    differentiated again with respect to them."""
    res = []
    for inp in inputs:
        if create_graph and inp.requires_grad:
            res.append(inp.view_as(inp))
        else:
            res.append(inp.detach().requires_grad_(need_graph))
    return tuple(res)


def _grad_postprocess(inputs, create_graph):
    if isinstance(inputs[0], Tensor):
        if not create_graph:
            return tuple(inp.detach() for inp in inputs)
        return inputs
    return tuple(_grad_postprocess(inp, create_graph) for inp in inputs)


def _validate_v(v, other, is_other_tuple):
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.shape != el_other.shape:
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {el_other.shape} but got {el_v.shape}.")
        if el_v.device != el_other.device:
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v is on {el_v.device} but should be on {el_other.device} (the device of "
                               f"the tensor it pairs with).")


def _check_requires_grad(inputs, input_type, strict):
    if not strict:
        return
    for i, inp in enumerate(inputs):
        if inp is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is not "
                               f"allowed in strict mode.")
        if not inp.requires_grad:
            if input_type == "hessian":
                raise RuntimeError(f"The hessian of the user-provided function with respect to input {i} is "
                                   f"independent of the input. This is not allowed in strict mode. You should ensure "
                                   f"that your function is thrice differentiable and that the hessian depends on the "
                                   f"inputs.")
            if input_type == "jacobian":
                raise RuntimeError(f"While computing the hessian, found that the jacobian of the user-provided "
                                   f"function with respect to input {i} is independent of the input. This is not "
                                   f"allowed in strict mode. You should ensure that your function is twice "
                                   f"differentiable and that the jacobian depends on the inputs (this would be "
                                   f"violated by a linear function for example).")
            if input_type == "grad_inputs":
                raise RuntimeError(f"The gradient with respect to input {i} is independent of the inputs of the "
                                   f"user-provided function. This is not allowed in strict mode.")
            raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The outputs "
                               f"must be computed in a differentiable manner from the input when running in strict "
                               f"mode.")


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad over the outputs that require grad; (None, ...) when none does."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    new_outputs, new_grad_outputs = [], []
    for out, grad_out in zip(outputs, grad_outputs):
        if out is not None and out.requires_grad:
            new_outputs.append(out)
            new_grad_outputs.append(grad_out)
    if not new_outputs:
        return (None,) * len(inputs)
    return _grad(new_outputs, inputs, new_grad_outputs, allow_unused=True, create_graph=create_graph,
                 retain_graph=retain_graph)


_STAGE_MESSAGES = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when using "
                  "the double backward trick to compute forward mode gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed in "
                   "strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the grad_jacobian. "
                         "This is not allowed in strict mode as it prevents from using the double backward trick to "
                         "replace forward mode AD.",
}


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    from ..ops.creation import zeros_like

    res = []
    for i, grads_i in enumerate(grads):
        if grads_i is None:
            if strict:
                raise RuntimeError(_STAGE_MESSAGES[stage].format(i=i))
            grads_i = zeros_like(refs[i])
        elif strict and create_graph and not grads_i.requires_grad:
            if stage in ("back", "back_trick"):
                raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. This "
                                   f"is not allowed in strict mode when create_graph=True.")
            raise RuntimeError(f"The hessian of the user-provided function is independent of input {i}. This is not "
                               f"allowed in strict mode when create_graph=True.")
        res.append(grads_i)
    return tuple(res)


# ----------------------------------------------------------------------------- vjp, jvp
def _finish_product(outputs, is_outputs_tuple, of, wrt, v, like, is_like_tuple, create_graph, strict, stage):
    """The end of vjp, jvp, vhp and hvp: the product ``autograd.grad(of, wrt, v)`` (recorded
    when create_graph, or when grad mode is on), zeros where ``like``'s entries got none, then
    ``(func's outputs, the product)``, each detached unless create_graph and given back as a
    tuple or not, as the user passed them."""
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grad_res = _autograd_grad(of, wrt, v, create_graph=create_graph)
        result = _fill_in_zeros(grad_res, like, strict, create_graph, stage)
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(result, is_like_tuple)


def _prepared_v(v, against, is_tuple, create_graph, name):
    """The vector of a vjp/jvp/vhp/hvp as a tuple matching ``against`` (the outputs for vjp,
    the inputs otherwise); None only where ``against`` is one one-element tensor."""
    if v is not None:
        _, v = _as_tuple(v, "v", name)
        v = _grad_preprocess(v, create_graph=create_graph, need_graph=False)
        _validate_v(v, against, is_tuple)
        return v
    if len(against) != 1 or against[0].numel() != 1:
        which = ("the user-provided function returns" if name == "vjp" else
                 "the input to the user-provided function is")
        raise RuntimeError(f"The vector v can only be None if {which} a single Tensor with a single element.")
    return v


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Returns ``(func(*inputs), v^T J)``: the vector-Jacobian product at ``inputs``.

    ``v`` has the outputs' structure (may be None for a one-element output); the product
    has the inputs' structure (a Tensor for a Tensor input, a tuple for a tuple)."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict=strict)
        v = _prepared_v(v, outputs, is_outputs_tuple, create_graph, "vjp")
    return _finish_product(outputs, is_outputs_tuple, outputs, inputs, v, inputs, is_inputs_tuple,
                           create_graph, strict, "back")


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Returns ``(func(*inputs), J v)``: the Jacobian-vector product at ``inputs``, by the
    double-vjp trick (see the module docstring).

    ``v`` has the inputs' structure (may be None for a one-element input); the product has
    the outputs' structure."""
    from ..ops.creation import zeros_like

    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _prepared_v(v, inputs, is_inputs_tuple, create_graph, "jvp")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict=strict)
        # the backward is linear in u: its value does not matter, only that it is finite
        grad_outputs = tuple(zeros_like(out).requires_grad_() for out in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict=strict)
    return _finish_product(outputs, is_outputs_tuple, grad_inputs, grad_outputs, v, outputs, is_outputs_tuple,
                           create_graph, strict, "back_trick")


# ----------------------------------------------------------------------------- jacobian, hessian
def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: for output i and input j a tensor of shape
    ``outputs[i].shape + inputs[j].shape``. A Tensor for one input and one output, a tuple
    over inputs (or over outputs) when one side is a tuple, a tuple of tuples
    (``J[i][j]``) when both are."""
    if strategy not in ("forward-mode", "reverse-mode"):
        # AssertionError: PyTorch's type (an assert there)
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
                         'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer '
                         'to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and '
                                      '`strategy="forward-mode"` are not supported together (yet). Please either set '
                                      '`create_graph=False` or `strategy="reverse-mode"`.')
        return _jac_columns(func, inputs, strict)
    from ..ops.creation import zeros, zeros_like
    from ..ops.shape import stack

    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict=strict)
        jac = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]
            flat = out.reshape(-1)
            for k in range(out.numel()):
                vk = _autograd_grad((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
                for j, (row, g, inp) in enumerate(zip(rows, vk, inputs)):
                    if g is not None:
                        if strict and create_graph and not g.requires_grad:
                            raise RuntimeError(f"The jacobian of the user-provided function is independent of input "
                                               f"{i}. This is not allowed in strict mode when create_graph=True.")
                        row.append(g)
                    else:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                               f"{j}. This is not allowed in strict mode.")
                        row.append(zeros_like(inp))
            jac.append(tuple(
                stack(row, 0).reshape(tuple(out.shape) + tuple(inp.shape)) if row else
                zeros(tuple(out.shape) + tuple(inp.shape), dtype=inp.dtype, device=inp.device)
                for row, inp in zip(rows, inputs)))
        jac = _grad_postprocess(tuple(jac), create_graph)
        return _tuple_postprocess(jac, (is_outputs_tuple, is_inputs_tuple))


def _jac_columns(func, inputs, strict):
    """Forward-mode Jacobian: one Jacobian-vector product (double-vjp) per input element."""
    from ..ops.creation import zeros, zeros_like
    from ..ops.shape import stack

    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = tuple(inp.detach() for inp in inputs)
    with enable_grad():
        xs = tuple(inp.requires_grad_() for inp in (i.clone() for i in inputs))
        outputs = func(*xs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict=strict)
        us = tuple(zeros_like(out).requires_grad_() for out in outputs)
        grad_inputs = _autograd_grad(outputs, xs, us, create_graph=True)
    cols = [[[] for _ in inputs] for _ in outputs]  # cols[i][j]: columns of J[i][j]
    for j, inp in enumerate(inputs):
        for k in range(inp.numel()):
            v = [zeros_like(x) for x in inputs]
            e = zeros(inp.numel(), dtype=inp.dtype, device=inp.device)
            e[k] = 1.0
            v[j] = e.reshape(inp.shape)
            res = _autograd_grad(grad_inputs, us, tuple(v), retain_graph=True)
            for i, out in enumerate(outputs):
                g = res[i]
                if g is None:
                    if strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is independent of input {j}. "
                                           f"This is not allowed in strict mode.")
                    g = zeros_like(out)
                cols[i][j].append(g.detach().reshape(-1))
    jac = tuple(tuple(
        stack(cols[i][j], 1).reshape(tuple(out.shape) + tuple(inp.shape)) if cols[i][j] else
        zeros(tuple(out.shape) + tuple(inp.shape), dtype=inp.dtype, device=inp.device)
        for j, inp in enumerate(inputs)) for i, out in enumerate(outputs))
    return _tuple_postprocess(jac, (is_outputs_tuple, is_inputs_tuple))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar ``func`` at ``inputs``: shape ``inputs[i].shape +
    inputs[j].shape`` for H[i][j]; a Tensor for a Tensor input, a tuple of tuples for a
    tuple."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def ensure_single_output_function(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(t_out, "outputs", strict=strict)
        if is_out_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def jac_func(*inp):
        if outer_jacobian_strategy == "forward-mode":
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(ensure_single_output_function, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


def _scalar_function_and_jac(func, inputs, v, create_graph, strict, name):
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _prepared_v(v, inputs, is_inputs_tuple, create_graph, name)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", name)
        _check_requires_grad(outputs, "outputs", strict=strict)
        if is_outputs_tuple or not isinstance(outputs[0], Tensor):
            raise RuntimeError(f"The function given to {name} should return a single Tensor")
        if outputs[0].numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {name} should contain a single element")
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
    return is_inputs_tuple, inputs, v, is_outputs_tuple, outputs, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """Returns ``(func(*inputs), v^T H)`` for a scalar ``func``; the product has the
    inputs' structure."""
    is_inputs_tuple, inputs, v, is_outputs_tuple, outputs, jac = _scalar_function_and_jac(
        func, inputs, v, create_graph, strict, "vhp")
    return _finish_product(outputs, is_outputs_tuple, jac, inputs, v, inputs, is_inputs_tuple,
                           create_graph, strict, "double_back")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """Returns ``(func(*inputs), H v)`` for a scalar ``func`` (the double-vjp trick on top
    of the gradient); the product has the inputs' structure."""
    from ..ops.creation import zeros_like

    is_inputs_tuple, inputs, v, is_outputs_tuple, outputs, jac = _scalar_function_and_jac(
        func, inputs, v, create_graph, strict, "hvp")
    with enable_grad():
        grad_jac = tuple(zeros_like(inp).requires_grad_() for inp in inputs)
        double_back = _autograd_grad(jac, inputs, grad_jac, create_graph=True)
        _check_requires_grad(jac, "hessian", strict=strict)
    return _finish_product(outputs, is_outputs_tuple, double_back, grad_jac, v, inputs, is_inputs_tuple,
                           create_graph, strict, "double_back_trick")
