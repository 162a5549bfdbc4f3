"""Helpers for op tests: float64 inputs on a device, and gradient checks that report
which op failed."""
from __future__ import annotations

import gradkit
from gradkit.autograd import gradcheck, gradgradcheck


def rand64(*shape, device, low=-1.0, high=1.0, requires_grad=True, seed=None):
    if seed is not None:
        gradkit.manual_seed(seed)
    t = gradkit.rand(*shape, dtype=gradkit.float64, device=device) * (high - low) + low
    return t.detach().requires_grad_(requires_grad)


def check_grads(fn, inputs, *, second_order=True, atol=1e-5, rtol=1e-3, eps=1e-6):
    """First-order (and, unless the op is first-order only, second-order) finite-difference
    check in float64, and the first derivative built with create_graph=True compared with
    the plain one."""
    assert_no_hidden_alias(fn, inputs)
    assert gradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)
    assert_recording_matches_plain(fn, inputs)
    if second_order:
        assert gradgradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)


def assert_no_hidden_alias(fn, inputs):
    """An output that is not a view (no ``_base``) owns its memory: if it shared an input's
    storage, an in-place write to one would silently change the other (NumPy returns views
    where PyTorch copies: flip, some einsums). Checked where arrays expose their memory."""
    import numpy as np

    outs = fn(*inputs)
    outs = (outs,) if isinstance(outs, gradkit.Tensor) else tuple(outs)
    arrays = [x._data for x in inputs if isinstance(x, gradkit.Tensor) and isinstance(x._data, np.ndarray)]
    for k, out in enumerate(outs):
        if not isinstance(out, gradkit.Tensor) or out._base is not None or not isinstance(out._data, np.ndarray):
            continue
        for i, a in enumerate(arrays):
            assert not np.shares_memory(out._data, a), f"output {k} is not a view but shares input {i}'s memory"


def _weights_like(t):
    """Fixed, unequal weights for an output (no RNG: the same on every call and device), so
    that every output element counts with its own factor."""
    n = t.numel()
    w = gradkit.arange(n, dtype=gradkit.float64, device=t.device) * 0.6180339887498949 % 1.0 + 0.5
    return w.reshape(t.shape).to(t.dtype)


def first_derivatives(fn, inputs, *, create_graph):
    """d(sum_k outputs_k * weights_k)/d(each input that requires grad), None where unused."""
    outs = fn(*inputs)
    outs = (outs,) if isinstance(outs, gradkit.Tensor) else tuple(outs)
    outs = [o for o in outs if isinstance(o, gradkit.Tensor) and o.dtype.is_floating_point and o.requires_grad]
    wrt = [x for x in inputs if isinstance(x, gradkit.Tensor) and x.requires_grad]
    if not outs:
        return [None] * len(wrt)
    return list(gradkit.autograd.grad(outs, wrt, [_weights_like(o) for o in outs], create_graph=create_graph,
                                      allow_unused=True))


def assert_recording_matches_plain(fn, inputs, *, rtol=1e-9, atol=1e-12):
    """The first derivative computed while recording (create_graph=True: the graph that
    gradgradcheck and gradient penalties differentiate) equals the plain one
    (create_graph=False), to rounding. gradcheck only sees the plain path and gradgradcheck
    only the recording path against itself, so an error confined to one path passes both."""
    plain = first_derivatives(fn, inputs, create_graph=False)
    recorded = first_derivatives(fn, inputs, create_graph=True)
    wrt = [x for x in inputs if isinstance(x, gradkit.Tensor) and x.requires_grad]
    for i, (x, p, r) in enumerate(zip(wrt, plain, recorded, strict=True)):
        assert (p is None) == (r is None), f"input {i}: plain gradient {p}, recording gradient {r}"
        if p is None:
            continue
        assert p.shape == x.shape == r.shape, f"input {i} of shape {x.shape}: gradients of shape {p.shape} " \
                                              f"(plain), {r.shape} (create_graph=True)"
        assert p.dtype == r.dtype, f"input {i}: plain gradient {p.dtype}, recording gradient {r.dtype}"
        p, r = p.detach(), r.detach()
        bad = (((p - r).abs() > atol + rtol * p.abs()) & ~(p == r)) | (p.isnan() != r.isnan())
        if bool(bad.any()):
            raise AssertionError(f"input {i}: the first derivative differs between create_graph=False and True:\n"
                                 f"plain:     {host(p).tolist()}\nrecording: {host(r).tolist()}")


def host(t):
    """The values of a tensor as a NumPy array (through .cpu(), an explicit copy)."""
    return t.detach().cpu().numpy()
