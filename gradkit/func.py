"""``gradkit.func``: function transforms in the style of ``torch.func`` — ``grad``,
``grad_and_value``, ``vjp``, ``jacrev``, ``jacfwd``, ``hessian`` — on the reverse-mode
engine.

    from gradkit.func import grad
    d2 = grad(grad(lambda x: x.sin()))(x0)      # transforms nest: -sin(x0)

How it works: each call differentiates with respect to fresh copies of the chosen
arguments (``x.detach().requires_grad_()``; a view of ``x`` when ``x`` itself requires
grad, so the result stays differentiable with respect to it) and always builds the
gradient's graph (``create_graph=True``), so that an enclosing transform — or ordinary
``backward()`` — can differentiate it again. A result that depends on nothing outside
the transform is detached before it is returned, as in PyTorch: ``grad(f)(x)`` for a
plain ``x`` does not require grad, while one computed from a closed-over parameter that
requires grad does.

Arguments may be Tensors or (nested) tuples, lists and dicts of Tensors ("pytrees"); the
gradients come back in the same structure. Differences from ``torch.func``: there is no
``vmap``, and ``jacfwd`` computes the same Jacobian in reverse mode (identical values).
"""
from __future__ import annotations

from ._tensor import Tensor
from .autograd.engine import grad as _autograd_grad
from .autograd.grad_mode import enable_grad

__all__ = ["grad", "grad_and_value", "vjp", "jacrev", "jacfwd", "hessian"]


# ----------------------------------------------------------------------------- pytrees
def _flatten(tree):
    """(leaves, spec): tuples, lists and dicts are containers, anything else a leaf."""
    if isinstance(tree, (tuple, list)) and not hasattr(tree, "_fields"):
        leaves, specs = [], []
        for el in tree:
            sub, spec = _flatten(el)
            leaves.extend(sub)
            specs.append((len(sub), spec))
        return leaves, (type(tree), None, specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        for el in tree.values():
            sub, spec = _flatten(el)
            leaves.extend(sub)
            specs.append((len(sub), spec))
        return leaves, (dict, list(tree.keys()), specs)
    return [tree], None


def _unflatten(leaves, spec):
    if spec is None:
        return leaves[0]
    kind, keys, specs = spec
    out, pos = [], 0
    for n, sub in specs:
        out.append(_unflatten(leaves[pos:pos + n], sub))
        pos += n
    if kind is dict:
        return dict(zip(keys, out))
    return kind(out)


def _spec_str(spec):
    if spec is None:
        return "*"
    kind, keys, specs = spec
    inner = ", ".join(_spec_str(s) for _, s in specs)
    if kind is dict:
        return "{" + ", ".join(f"{k!r}: {_spec_str(s)}" for k, (_, s) in zip(keys, specs)) + "}"
    return f"({inner})" if kind is tuple else f"[{inner}]"


# ----------------------------------------------------------------------------- shared plumbing
def _check_argnums(argnums, n_args, api):
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        nums = (argnums,)
    elif isinstance(argnums, tuple) and all(isinstance(a, int) and not isinstance(a, bool) for a in argnums):
        if not argnums:
            raise RuntimeError(f"{api}: argnums must be non-empty")
        nums = argnums
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    out = []
    for a in nums:
        if not -n_args <= a < n_args:
            raise RuntimeError(f"Got argnum={a}, but only {n_args} positional inputs")
        out.append(a % n_args)
    if len(set(out)) != len(out):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return tuple(out)


def _fresh(x, api):
    """The tensor to differentiate with respect to."""
    if not isinstance(x, Tensor):
        raise RuntimeError(f"{api}: expected the arguments being differentiated to be Tensors (or tuples, lists and "
                           f"dicts of Tensors), got {type(x).__name__}")
    if not x.is_floating_point():
        raise RuntimeError(f"{api}: only Tensors of floating point dtype can be differentiated (got {x.dtype}, shape "
                           f"{list(x.shape)})")
    if x.requires_grad:
        return x.view_as(x), False
    return x.detach().requires_grad_(), True


class _Primals:
    """The differentiated arguments: fresh tensors in place of the originals."""

    def __init__(self, args, argnums, api):
        self.argnums = argnums
        self.specs, self.flat, self.own = [], [], set()
        new_args = list(args)
        for a in argnums:
            leaves, spec = _flatten(args[a])
            fresh = []
            for leaf in leaves:
                t, own = _fresh(leaf, api)
                if own:
                    self.own.add(id(t))
                fresh.append(t)
            self.specs.append((len(fresh), spec))
            self.flat.extend(fresh)
            new_args[a] = _unflatten(fresh, spec)
        self.args = tuple(new_args)
        self._keep = list(self.flat)  # the fresh leaves stay alive while results are checked

    def structure(self, flat_values, single):
        """Per-argnum pytrees of ``flat_values``; one tree when argnums was an int."""
        out, pos = [], 0
        for n, spec in self.specs:
            out.append(_unflatten(flat_values[pos:pos + n], spec))
            pos += n
        return out[0] if single else tuple(out)


def _depends_outside(t, own):
    """Whether ``t``'s graph reaches a leaf other than the transform's own fresh leaves
    (then it stays differentiable for the caller)."""
    from .autograd.node import AccumulateGrad

    if t.grad_fn is None:
        return t.requires_grad and id(t) not in own
    stack, seen = [t.grad_fn], {id(t.grad_fn)}
    while stack:
        node = stack.pop()
        if type(node) is AccumulateGrad:
            if id(node.variable) not in own:
                return True
            continue
        for edge in node.next_edges:
            if edge is not None and id(edge[0]) not in seen:
                seen.add(id(edge[0]))
                stack.append(edge[0])
    return False


def _finish(tree, own):
    leaves, spec = _flatten(tree)
    out = [leaf.detach() if isinstance(leaf, Tensor) and leaf.requires_grad and not _depends_outside(leaf, own)
           else leaf for leaf in leaves]
    return _unflatten(out, spec)


def _grads(outputs, inputs, grad_outputs=None):
    from .ops.creation import zeros_like

    res = _autograd_grad(outputs, inputs, grad_outputs, retain_graph=True, create_graph=True, allow_unused=True)
    return [zeros_like(x) if g is None else g for g, x in zip(res, inputs)]


# ----------------------------------------------------------------------------- transforms
def grad_and_value(func, argnums=0, has_aux=False):
    """``grad_and_value(f)(*args)`` returns ``(gradient, f(*args))`` (``(gradient, (value,
    aux))`` with ``has_aux=True``, f returning ``(value, aux)``). f must return a 0-dim
    Tensor; the gradient has the structure of ``args[argnums]`` (a tuple over argnums
    when argnums is a tuple)."""

    def wrapper(*args, **kwargs):
        nums = _check_argnums(argnums, len(args), "grad_and_value(f)(*args)")
        with enable_grad():
            primals = _Primals(args, nums, "grad_and_value(f)(*args)")
            output = func(*primals.args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(output, tuple) and len(output) == 2):
                    raise RuntimeError("grad_and_value(f)(*args): output of function f should be a tuple: "
                                       "(output, aux) if has_aux is True")
                output, aux = output
            if not isinstance(output, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                   f"{type(output)}")
            if output.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
                                   f"with {output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")
            if output.requires_grad:
                flat = _grads([output], primals.flat)
            else:
                from .ops.creation import zeros_like

                flat = [zeros_like(x) for x in primals.flat]
        g = primals.structure(flat, isinstance(argnums, int))
        g, output = _finish(g, primals.own), _finish(output, primals.own)
        if has_aux:
            return g, (output, _finish(aux, primals.own))
        return g, output

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """``grad(f)(*args)``: the gradient of a scalar-valued f with respect to
    ``args[argnums]`` (``(gradient, aux)`` with ``has_aux=True``). Nests:
    ``grad(grad(f))`` is the second derivative."""
    inner = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = inner(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g

    return wrapper


def vjp(func, *primals, has_aux=False):
    """``output, vjp_fn = vjp(f, *primals)``: ``vjp_fn(cotangents)`` returns the tuple of
    vector-Jacobian products, one per primal (cotangents in the structure of output). With
    ``has_aux=True`` f returns ``(output, aux)`` and vjp returns ``(output, vjp_fn, aux)``."""
    with enable_grad():
        p = _Primals(primals, tuple(range(len(primals))), "vjp(f, *primals)")
        output = func(*p.args)
        aux = None
        if has_aux:
            if not (isinstance(output, tuple) and len(output) == 2):
                raise RuntimeError("vjp(f, *primals): output of function f should be a tuple: (output, aux) if "
                                   "has_aux is True")
            output, aux = output
    out_leaves, out_spec = _flatten(output)
    for leaf in out_leaves:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"vjp(f, *primals): Expected f to be a function that has non-empty output (a Tensor "
                               f"or a pytree of Tensors), got {type(leaf)}")

    def vjp_fn(cotangents):
        from .ops.creation import zeros_like

        cot_leaves, cot_spec = _flatten(cotangents)
        if _spec_str(cot_spec) != _spec_str(out_spec) or len(cot_leaves) != len(out_leaves):
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree structure of outputs "
                               f"to the function. cotangents: {_spec_str(cot_spec)}, primal output: "
                               f"{_spec_str(out_spec)}")
        with enable_grad():
            pairs = [(o, c) for o, c in zip(out_leaves, cot_leaves) if o.requires_grad]
            if pairs:
                flat = _grads([o for o, _ in pairs], p.flat, [c for _, c in pairs])
            else:
                flat = [zeros_like(x) for x in p.flat]
        return _finish(p.structure(flat, False), p.own)

    output = _finish(output, p.own)
    if has_aux:
        return output, vjp_fn, _finish(aux, p.own)
    return output, vjp_fn


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """``jacrev(f, argnums)(*args)``: the Jacobian of f with respect to ``args[argnums]``
    by reverse mode, one backward per output element. Each output leaf gives a tensor of
    shape ``output.shape + arg.shape`` (a tuple over argnums when argnums is a tuple), in
    the structure of f's output. With ``has_aux=True`` returns ``(jacobian, aux)``."""
    from .ops.creation import zeros
    from .ops.shape import stack

    def wrapper(*args, **kwargs):
        nums = _check_argnums(argnums, len(args), "jacrev(f, ...)(*args)")
        with enable_grad():
            primals = _Primals(args, nums, "jacrev(f, ...)(*args)")
            output = func(*primals.args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(output, tuple) and len(output) == 2):
                    raise RuntimeError("jacrev(f, ...)(*args): output of function f should be a tuple: (output, aux) "
                                       "if has_aux is True")
                output, aux = output
            out_leaves, out_spec = _flatten(output)
            jacs = []
            for o in out_leaves:
                if not isinstance(o, Tensor):
                    raise RuntimeError(f"jacrev(f, ...)(*args): expected f(*args) to return only tensors, got "
                                       f"unsupported type {type(o)}")
                rows = [[] for _ in primals.flat]
                if o.requires_grad:
                    flat_o = o.reshape(-1)
                    for k in range(o.numel()):
                        for row, g in zip(rows, _grads([flat_o[k]], primals.flat)):
                            row.append(g)
                per_input = []
                for row, x in zip(rows, primals.flat):
                    shape = tuple(o.shape) + tuple(x.shape)
                    per_input.append(stack(row, 0).reshape(shape) if row else
                                     zeros(shape, dtype=x.dtype, device=x.device))
                jacs.append(primals.structure(per_input, isinstance(argnums, int)))
        result = _finish(_unflatten(jacs, out_spec), primals.own)
        if has_aux:
            return result, _finish(aux, primals.own)
        return result

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """``torch.func.jacfwd``'s interface; gradkit computes the same Jacobian in reverse
    mode (no forward-mode AD), so the values are identical to ``jacrev``'s."""
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func, argnums=0):
    """``hessian(f, argnums)(*args)``: the Jacobian of the gradient; for one tensor argument
    a tensor of shape ``arg.shape + arg.shape`` (scalar f)."""
    return jacrev(jacrev(func, argnums), argnums)
