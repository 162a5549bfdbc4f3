"""gradcheck / gradgradcheck check each analytic gradient's shape (and dtype when asked)
against its input, as PyTorch's do, before comparing values; and the test helper that
compares the recording path (create_graph=True) with the plain one catches what the two
checks cannot."""
from __future__ import annotations

import sys

import pytest

import gradkit as gk
from gradkit.autograd import Function, GradcheckError, gradcheck, gradgradcheck
from helpers import assert_recording_matches_plain, check_grads, rand64

# the module, not the function of the same name that gradkit.autograd exports
gradcheck_module = sys.modules[gradcheck.__module__]


def _patch_grad(monkeypatch, change, *, only_create_graph=False):
    """Makes autograd.grad, as gradcheck calls it, pass each gradient through ``change``."""
    real = gradcheck_module.autograd_grad

    def patched(*args, **kwargs):
        grads = real(*args, **kwargs)
        if only_create_graph and not kwargs.get("create_graph"):
            return grads
        return tuple(None if g is None else change(g) for g in grads)

    monkeypatch.setattr(gradcheck_module, "autograd_grad", patched)


def test_gradcheck_refuses_a_gradient_that_only_broadcasts_to_its_input(device, monkeypatch):
    # (3,) -> (2, 3) with a zero second row: the first three values are right, so a check
    # that compared elements up to the shorter length passed it
    x = rand64(3, device=device, seed=1)
    _patch_grad(monkeypatch, lambda g: gk.stack([g, g * 0]) if g.shape == (3,) else g)
    with pytest.raises(GradcheckError, match=r"Analytical gradient has incorrect size: got \[2, 3\] for an input "
                                             r"of size \[3\]"):
        gradcheck(lambda a: a.sin(), (x,))
    assert gradcheck(lambda a: a.sin(), (x,), raise_exception=False) is False


def test_gradcheck_refuses_a_flattened_gradient(device, monkeypatch):
    x = rand64(2, 3, device=device, seed=2)
    _patch_grad(monkeypatch, lambda g: g.reshape(-1))
    with pytest.raises(GradcheckError, match="incorrect size"):
        gradcheck(lambda a: a * a, (x,))


def test_gradcheck_checks_dtypes_only_when_asked(device, monkeypatch):
    x = rand64(3, device=device, seed=3)
    _patch_grad(monkeypatch, lambda g: g.to(gk.float32))
    assert gradcheck(lambda a: a * 2.0, (x,))  # PyTorch's default: check_grad_dtypes=False
    with pytest.raises(GradcheckError, match="Gradient has dtype mismatch"):
        gradcheck(lambda a: a * 2.0, (x,), check_grad_dtypes=True)


def test_gradgradcheck_checks_the_first_derivatives_shape(device, monkeypatch):
    x = rand64(3, device=device, seed=4)
    _patch_grad(monkeypatch, lambda g: gk.stack([g, g * 0]) if g.shape == (3,) else g, only_create_graph=True)
    assert gradcheck(lambda a: a.exp(), (x,))
    with pytest.raises(GradcheckError, match="incorrect size"):
        gradgradcheck(lambda a: a.exp(), (x,))
    assert gradgradcheck(lambda a: a.exp(), (x,), raise_exception=False) is False


class ColumnGradient(Function):
    """Backward returns a (3, 1) gradient for a (3,) input: no broadcast makes it fit."""

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return (g * 2).reshape(-1, 1)


def test_gradcheck_with_a_backward_of_an_incompatible_shape(device):
    # refused by gradcheck, or before it by the engine's own check (PyTorch: "Function
    # ...Backward returned an invalid gradient at index 0")
    x = rand64(3, device=device, seed=5)
    with pytest.raises(RuntimeError, match="incorrect size|invalid gradient"):
        gradcheck(ColumnGradient.apply, (x,))


# ----------------------------------------------------------------------------- the recording path
class TanhOffWhenRecorded(Function):
    """tanh whose derivative is 1% off only while grad mode is on (create_graph=True)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.tanh()

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        t = x.tanh()
        return g * (1 - t * t) * (1.01 if gk.is_grad_enabled() else 1.0)


def test_an_error_on_the_recording_path_only_passes_both_gradchecks(device):
    # gradcheck checks the plain path; gradgradcheck differentiates the recording path and
    # compares it with finite differences of the same recording path: both pass
    x = rand64(4, device=device, seed=6)
    assert gradcheck(TanhOffWhenRecorded.apply, (x,))
    assert gradgradcheck(TanhOffWhenRecorded.apply, (x,))


def test_the_recording_path_check_catches_it(device):
    x = rand64(4, device=device, seed=6)
    with pytest.raises(AssertionError, match="differs between create_graph=False and True"):
        assert_recording_matches_plain(TanhOffWhenRecorded.apply, (x,))
    with pytest.raises(AssertionError, match="differs between create_graph=False and True"):
        check_grads(TanhOffWhenRecorded.apply, (x,))


def test_the_recording_path_check_passes_right_ops_with_several_inputs_and_outputs(device):
    x, y = rand64(2, 3, device=device, seed=7), rand64(3, device=device, seed=8)
    assert_recording_matches_plain(lambda a, b: (a * b, (a - b).tanh().sum(0)), (x, y))
    # an input that gets no gradient is None on both paths
    assert_recording_matches_plain(lambda a, b: a.exp(), (x, y))
