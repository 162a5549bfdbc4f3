"""Gradients of broadcasting ops, with inputs chosen so that every broadcast copy of every
operand contributes to its gradient: a dropped or wrong reduction (sum_to) changes both the
shape and the values, so it cannot hide behind zeros.

Each case checks, for every operand:
- the gradient's shape (through .backward() into .grad, through autograd.grad, and as the
  op's own backward returns it, before the engine sees it);
- that the inputs really exercise every copy: the gradient with respect to the operand
  expanded to the output's shape (the unreduced gradient) is non-zero somewhere in each copy;
- that the reduced gradient is the unreduced one summed over the broadcast dims;
- gradcheck, the recording path against the plain one, and gradgradcheck (check_grads)."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host

from ._util import const


def _weights(shape):
    """Fixed unequal positive weights for the output: no two output elements count alike."""
    n = int(np.prod(shape))
    return (np.arange(n) * 0.6180339887498949 % 1.0 + 0.5).reshape(shape)


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead))) if lead else g
    return g.sum(axis=tuple(d for d, s in enumerate(shape) if s == 1 and g.shape[d] != 1), keepdims=True) \
        .reshape(shape)


def _assert_every_copy_contributes(unreduced, shape, what):
    """For each dim an operand is broadcast along, each index along it has a non-zero gradient."""
    aligned = (1,) * (unreduced.ndim - len(shape)) + tuple(shape)
    for d, (s, n) in enumerate(zip(aligned, unreduced.shape)):
        if s == 1 and n > 1:
            for i in range(n):
                assert np.any(np.take(unreduced, i, axis=d) != 0), (
                    f"{what}: copy {i} along dim {d} gets no gradient: these inputs would not catch a dropped "
                    f"or wrong reduction")


def assert_backward_fits_inputs(out, weights):
    """The op's own backward (called directly, so no engine check can reshape its result)
    returns one gradient per input, each of that input's shape, with and without grad mode."""
    node = out.grad_fn
    for mode in (gk.no_grad, gk.enable_grad):
        with mode():
            grads = node.backward(weights)
        grads = grads if isinstance(grads, tuple) else (grads,)
        assert len(grads) == len(node.next_functions), (node.name(), len(grads))
        for k, ((child, _), g) in enumerate(zip(node.next_functions, grads)):
            leaf = getattr(child, "variable", None)
            if g is None or leaf is None:
                continue
            assert g.shape == leaf.shape, (
                f"{node.name()} returned a gradient of shape {tuple(g.shape)} for input {k} of shape "
                f"{tuple(leaf.shape)} (grad mode {mode.__name__})")


def check_broadcast(fn, arrays, device, expanded_shapes=None):
    """fn(*tensors) broadcasts the float64 operands ``arrays`` against each other.
    ``expanded_shapes``: the shape each operand is broadcast to (default: the output's; None
    for an operand that is not broadcast, such as a matrix product's)."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    leaves = [const(a, device, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    full = tuple(out.shape)
    w = const(_weights(full), device)
    if expanded_shapes is None:
        expanded_shapes = [full] * len(arrays)

    (out * w).sum().backward()
    for k, (a, x) in enumerate(zip(arrays, leaves)):
        assert x.grad is not None and tuple(x.grad.shape) == a.shape, (k, x.grad, a.shape)
    grads = gk.autograd.grad((fn(*leaves) * w).sum(), leaves)
    expanded = [const(a if s is None else np.broadcast_to(a, s).copy(), device, requires_grad=True)
                for a, s in zip(arrays, expanded_shapes)]
    unreduced = gk.autograd.grad((fn(*expanded) * w).sum(), expanded)
    for k, (a, x, g, u) in enumerate(zip(arrays, leaves, grads, unreduced)):
        assert tuple(g.shape) == a.shape, (k, g.shape, a.shape)
        _assert_every_copy_contributes(host(u), a.shape, f"operand {k} of shape {a.shape}")
        np.testing.assert_allclose(host(g), _sum_to(host(u), a.shape), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(host(x.grad), host(g), rtol=1e-12, atol=1e-14)
    assert_backward_fits_inputs(fn(*leaves), w)
    check_grads(fn, tuple(leaves))


def _rng(seed, shape, low, high):
    return np.random.default_rng(seed).uniform(low, high, shape)


def _signed(seed, shape, low=0.3, high=1.2):
    """|values| in [low, high], both signs (away from zero, where atan2, div and fmod need it)."""
    mags = _rng(seed, shape, low, high)
    return np.where(np.arange(mags.size).reshape(shape) % 2 == 0, mags, -mags)


# --------------------------------------------------------------------------- smooth binary ops
# every copy of both operands gets a non-zero derivative at generic inputs
SHAPE_PAIRS = [((2, 3), (3,)), ((3,), (2, 3)), ((2, 1), (1, 3)), ((2, 3), ()), ((), (2, 3)), ((2, 1, 3), (4, 1)),
               ((1, 3), (2, 1, 1))]
PAIR_IDS = ["row", "row-left", "outer", "0d-right", "0d-left", "3d", "3d-left"]
SMOOTH = {
    "add": (lambda a, b: a + b, "any", "any"),
    "add_alpha": (lambda a, b: gk.add(a, b, alpha=-1.5), "any", "any"),
    "sub": (lambda a, b: a - b, "any", "any"),
    "sub_alpha": (lambda a, b: gk.sub(a, b, alpha=0.5), "any", "any"),
    "mul": (lambda a, b: a * b, "signed", "signed"),
    "div": (lambda a, b: a / b, "signed", "signed"),
    "pow": (lambda a, b: a ** b, "pos", "signed"),
    "float_power": (gk.float_power, "pos", "signed"),
    "atan2": (gk.atan2, "signed", "signed"),
    "remainder": (lambda a, b: a % b, "frac", "big"),
    "fmod": (gk.fmod, "frac", "big"),
}


def _operand(kind, seed, shape):
    if kind == "any":
        return _rng(seed, shape, -1.0, 1.0)
    if kind == "signed":
        return _signed(seed, shape)
    if kind == "pos":
        return _rng(seed, shape, 0.4, 1.8)
    if kind == "frac":  # |a| / b in [2.08, 2.37]: away from the jumps of remainder and fmod, and the
        return _signed(seed, shape, 5.0, 5.2)  # quotient (b's derivative) is non-zero
    if kind == "big":
        return _rng(seed, shape, 2.2, 2.4)
    raise ValueError(kind)


@pytest.mark.parametrize("sa,sb", SHAPE_PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_smooth_binary_op_broadcast_grads(device, name, sa, sb):
    fn, ka, kb = SMOOTH[name]
    check_broadcast(fn, [_operand(ka, 1, sa), _operand(kb, 2, sb)], device)


# --------------------------------------------------------------------------- piecewise binary ops
# a (2, 3) against b (3,): in each row some a wins and some b wins, so both rows reach b.
# (a (2, 1) against b (1, 3) cannot have every copy of both win somewhere: each column
# needs max(a) > b_j, each row a_i < max(b). The 3-d layout crosses the two copies with a
# third dim where a wins at k = 0 and b at k = 1.)
A_ROW = [[0.1, 0.9, -0.5], [0.8, -0.3, 0.4]]
B_ROW = [0.5, 0.2, 0.0]
A_COL = [[0.1, 0.9, -0.5], [0.8, -0.3, 0.4]]
B_COL = [[0.5], [0.0]]
A_CROSS = [[[0.9, -0.9]], [[0.8, -0.8]]]
B_CROSS = [[[0.1, 0.2], [0.0, -0.1]]]
LAYOUTS = {"row": (A_ROW, B_ROW), "col": (A_COL, B_COL), "cross-3d": (A_CROSS, B_CROSS)}
PIECEWISE = {
    "maximum": gk.maximum,
    "minimum": gk.minimum,
    "fmax": gk.fmax,
    "fmin": gk.fmin,
    "max(a, b)": gk.max,
    "Tensor.min(b)": lambda a, b: a.min(b),
}


@pytest.mark.parametrize("swap", [False, True], ids=["", "swapped"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", sorted(PIECEWISE))
def test_piecewise_binary_op_broadcast_grads(device, name, layout, swap):
    a, b = LAYOUTS[layout]
    if swap:
        a, b = b, a
    check_broadcast(PIECEWISE[name], [a, b], device)


def test_maximum_broadcast_grads_match_the_closed_form(device):
    a = const(A_ROW, device, requires_grad=True)
    b = const(B_ROW, device, requires_grad=True)
    w = _weights((2, 3))
    (gk.maximum(a, b) * const(w, device)).sum().backward()
    a_wins = np.array(A_ROW) > np.array(B_ROW)
    np.testing.assert_allclose(host(a.grad), np.where(a_wins, w, 0.0), rtol=1e-15)
    np.testing.assert_allclose(host(b.grad), np.where(a_wins, 0.0, w).sum(0), rtol=1e-15)


# --------------------------------------------------------------------------- clamp, tensor bounds
# x (2, 4), lo (4,), hi (2, 1): each row of lo's copies has an element below it, each column
# of hi's copies one above it, and each row of x one inside.
X_CLAMP = [[-0.9, 0.9, 0.1, 0.8], [0.9, -0.8, 0.7, -0.1]]
LO_ROW = [-0.5, -0.4, -0.3, -0.2]
HI_COL = [[0.5], [0.6]]


def test_clamp_tensor_bounds_broadcast_grads(device):
    check_broadcast(lambda x, lo, hi: gk.clamp(x, lo, hi), [X_CLAMP, LO_ROW, HI_COL], device)


def test_clamp_tensor_bounds_broadcast_grads_swapped_layouts(device):
    # lo (2, 1), hi (4,)
    x = [[-0.9, 0.9, 0.1, -0.8], [0.9, -0.8, -0.6, 0.1]]
    check_broadcast(lambda x, lo, hi: gk.clamp(x, lo, hi), [x, [[-0.5], [-0.4]], [0.5, 0.6, 0.3, 0.4]], device)


def test_clamp_broadcast_input(device):
    # x (4,) against bounds (2, 4): x's two copies each have an element inside its row's bounds
    x = [0.0, 0.9, -0.9, 0.2]
    lo = [[-0.5, 0.5, -1.0, 0.3], [0.1, -0.5, -0.5, -0.5]]
    hi = [[0.5, 1.0, -0.7, 0.6], [0.6, 0.5, 0.5, 0.3]]
    check_broadcast(lambda x, lo, hi: gk.clamp(x, lo, hi), [x, lo, hi], device)


def test_clamp_one_tensor_bound_broadcast(device):
    check_broadcast(lambda x, lo: gk.clamp(x, min=lo), [X_CLAMP, LO_ROW], device)
    check_broadcast(lambda x, hi: x.clamp(max=hi), [X_CLAMP, HI_COL], device)
    check_broadcast(lambda x, lo: x.clamp(lo, 0.55), [X_CLAMP, LO_ROW], device)
    check_broadcast(lambda x, hi: gk.clamp_max(x, hi), [X_CLAMP, HI_COL], device)
    check_broadcast(lambda x, lo: gk.clamp_min(x, lo), [X_CLAMP, LO_ROW], device)


def test_clamp_min_above_max_broadcast(device):
    # where lo > hi every element becomes hi (PyTorch), and the gradient goes to hi
    x = [[-0.9, 0.9, -0.5], [0.2, -0.8, 0.7]]
    lo = [0.6, -0.4, -0.3]
    hi = [[0.5], [0.65]]
    check_broadcast(lambda x, lo, hi: gk.clamp(x, lo, hi), [x, lo, hi], device)


# --------------------------------------------------------------------------- where
COND_ROW = [[True, False, True], [False, True, False]]


def test_where_broadcast_input_and_other(device):
    # input (3,): each row has a True; other (2, 1): each column has a False
    cond = const(COND_ROW, device, dtype=gk.bool)
    check_broadcast(lambda x, y: gk.where(cond, x, y), [_rng(1, (3,), -1, 1), _rng(2, (2, 1), -1, 1)], device)
    check_broadcast(lambda x, y: x.where(cond, y), [_rng(3, (2, 1), -1, 1), _rng(4, (3,), -1, 1)], device)
    check_broadcast(lambda x, y: gk.where(cond, x, y), [_rng(5, (), -1, 1), _rng(6, (2, 3), -1, 1)], device)
    check_broadcast(lambda x, y: gk.where(cond, x, y), [_rng(5, (2, 3), -1, 1), _rng(6, (), -1, 1)], device)


def test_where_broadcast_condition(device):
    # cond (2, 1, 1) is constant along dims 1 and 2, input (2, 3, 1) is broadcast along dim 2
    # and other (2, 1, 4) along dim 1: every copy of each meets the condition it needs
    cond = const([[[True]], [[False]]], device, dtype=gk.bool)
    check_broadcast(lambda x, y: gk.where(cond, x, y), [_rng(7, (2, 3, 1), -1, 1), _rng(8, (2, 1, 4), -1, 1)],
                    device)


def test_where_from_a_comparison_broadcast(device):
    # where(a > b, a * b, a - b) with a (2, 3), b (3,): both branches reach both rows of b
    check_broadcast(lambda a, b: gk.where(a > b, a * b, a - b), [A_ROW, B_ROW], device)


# --------------------------------------------------------------------------- other broadcasting ops
def test_masked_fill_value_and_broadcast_mask(device):
    # the 0-d value tensor is broadcast to every masked element: its gradient sums them
    mask = const([True, False, True], device, dtype=gk.bool)
    x = const(_rng(9, (2, 3), -1, 1), device, requires_grad=True)
    v = const(0.7, device, requires_grad=True)
    w = _weights((2, 3))
    (x.masked_fill(mask, v) * const(w, device)).sum().backward()
    assert tuple(x.grad.shape) == (2, 3) and tuple(v.grad.shape) == ()
    np.testing.assert_allclose(host(x.grad), np.where([True, False, True], 0.0, w), rtol=1e-15)
    np.testing.assert_allclose(host(v.grad), w[:, [0, 2]].sum(), rtol=1e-14)
    assert_backward_fits_inputs(x.masked_fill(mask, v), const(w, device))
    check_grads(lambda x, v: x.masked_fill(mask, v), (x, v))


def test_addmm_broadcast_bias(device):
    m1, m2 = _rng(10, (2, 4), -1, 1), _rng(11, (4, 3), -1, 1)
    for bias_shape in [(3,), (1, 3), (2, 1), ()]:
        check_broadcast(lambda b, p, q: gk.addmm(b, p, q), [_rng(12, bias_shape, -1, 1), m1, m2], device,
                        expanded_shapes=[(2, 3), None, None])


def test_matmul_batch_broadcast(device):
    check_broadcast(lambda a, b: a @ b, [_rng(13, (2, 3, 4), -1, 1), _rng(14, (4, 2), -1, 1)], device,
                    expanded_shapes=[None, (2, 4, 2)])
    check_broadcast(lambda a, b: a @ b, [_rng(15, (1, 3, 4), -1, 1), _rng(16, (2, 4, 2), -1, 1)], device,
                    expanded_shapes=[(2, 3, 4), None])
    check_broadcast(lambda a, b: gk.matmul(a, b), [_rng(17, (2, 1, 2, 3), -1, 1), _rng(18, (4, 3, 2), -1, 1)],
                    device, expanded_shapes=[(2, 4, 2, 3), (2, 4, 3, 2)])


def test_inplace_binary_broadcast_operand(device):
    # y += b with b (3,) into y (2, 3): b's gradient is reduced over the rows
    def f(a, b):
        y = a * 1.0
        y.mul_(b)
        y.add_(b)
        return y

    check_broadcast(f, [_signed(19, (2, 3)), _signed(20, (3,))], device)


@pytest.mark.parametrize("gshape, shape", [
    ((32, 200), (200,)), ((32, 27), (1, 27)), ((4, 3, 5), (3, 1)), ((4, 1), (1,)), ((5,), ()), ((3, 4), (1, 1)),
    ((2, 3), (2, 3)), ((6, 1, 2), (6, 1, 2)),
])
def test_sum_to_plain_and_recorded_give_the_numpy_sum(gshape, shape):
    """sum_to keeps each pair of shapes' plan: a plain backward's one reduction (reshaped only
    where the shape keeps a summed dim), the recorded sum, and a shape given as a list all
    give the summed values."""
    from gradkit.ops._core import sum_to

    rng = np.random.default_rng(6)
    data = rng.standard_normal(gshape).astype(np.float32)
    g = gk.tensor(data, requires_grad=True)
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    want = np.add.reduce(data, axis=axes).reshape(shape) if axes else data
    for _ in range(2):  # the plan made, then the plan kept
        with gk.no_grad():
            plain = sum_to(g, shape)
            as_list = sum_to(g, list(shape))
        recorded = sum_to(g, gk.Size(shape))
        for out in (plain, as_list, recorded):
            assert tuple(out.shape) == shape and np.asarray(out._data).tobytes() == want.tobytes()
    assert (recorded.grad_fn is None) == (gshape == shape)


def test_add_backward_sums_only_the_operands_that_want_a_gradient():
    x = gk.randn(8, 5, requires_grad=True)
    b = gk.randn(5)  # a constant: no gradient, so no sum
    node = (x + b).grad_fn
    gx, gb = node.backward(gk.ones(8, 5))
    assert gb is None and gx.shape == (8, 5)
    b.requires_grad_()
    gx, gb = (x + b).grad_fn.backward(gk.ones(8, 5))
    assert gb.tolist() == [8.0] * 5
    assert (x + 2.0).grad_fn.backward(gk.ones(8, 5)).shape == (8, 5)
