"""Anomaly mode: forward stacks on nodes, NaN/inf in backward named with the op and the
forward source line, in-place errors that say where the write happened; and nothing of it
when the mode is off."""
from __future__ import annotations

import contextlib
import threading
import warnings

import pytest

import gradkit as gk
from gradkit.autograd import Function, detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from gradkit.autograd import node as node_mod

MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace operation"


@pytest.fixture(autouse=True)
def _anomaly_off_after():
    yield
    gk.autograd.set_anomaly_enabled(False)
    assert node_mod._anomaly_or_capture[0] is False


@contextlib.contextmanager
def quiet():
    """detect_anomaly warns on entry, and on each backward error (as PyTorch does)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_state_functions_and_context_manager():
    assert not is_anomaly_enabled() and not gk.is_anomaly_enabled()
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        cm = detect_anomaly()
    with cm:
        assert is_anomaly_enabled() and gk.autograd.is_anomaly_check_nan_enabled()
        assert node_mod._anomaly_or_capture[0]
    assert not is_anomaly_enabled() and not node_mod._anomaly_or_capture[0]
    with quiet():
        with detect_anomaly(check_nan=False):
            assert is_anomaly_enabled() and not gk.is_anomaly_check_nan_enabled()
    assert gk.is_anomaly_check_nan_enabled()


def test_set_detect_anomaly_as_call_and_as_context_manager():
    set_detect_anomaly(True)
    assert is_anomaly_enabled()
    set_detect_anomaly(False)
    assert not is_anomaly_enabled()
    with set_detect_anomaly(True):
        assert is_anomaly_enabled()
    assert not is_anomaly_enabled()


def test_detect_anomaly_as_decorator(device):
    with quiet():
        @detect_anomaly()
        def step(x):
            assert is_anomaly_enabled()
            return (x.log() * 0).sum()

    x = gk.tensor([0.0, 1.0], device=device, requires_grad=True)
    with quiet():
        out = step(x)
        assert not is_anomaly_enabled()
        out.backward()  # recorded in anomaly mode, run outside it: no check
    assert x.grad.isnan().any()


def test_nan_in_backward_names_op_and_forward_line(device):
    x = gk.tensor([0.0, 1.0], device=device, requires_grad=True)
    with quiet(), detect_anomaly():
        y = x.log()  # FORWARD-LINE
        z = (y * 0).sum()
        with pytest.raises(RuntimeError) as info:
            z.backward()
    msg = str(info.value)
    assert msg.startswith("Function 'LogBackward0' returned nan values in its 0th output.")
    assert "test_anomaly.py" in msg and "y = x.log()  # FORWARD-LINE" in msg


def test_backward_error_warns_with_forward_traceback(device):
    x = gk.tensor([0.0, 1.0], device=device, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with detect_anomaly():
            y = x.log()  # THE-LOG
            with pytest.raises(RuntimeError):
                (y * 0).sum().backward()
    texts = [str(w.message) for w in caught]
    hit = [t for t in texts if t.startswith("Error detected in LogBackward0. Traceback of forward call")]
    assert hit and "y = x.log()  # THE-LOG" in hit[0]
    assert "gradkit/ops" not in hit[0]  # only the user's frames, as PyTorch's trace shows


def test_inf_in_backward_is_reported_too(device):
    # beyond PyTorch (which checks NaN only): sqrt'(0) = inf
    x = gk.tensor([0.0, 4.0], device=device, requires_grad=True)
    with quiet(), detect_anomaly():
        y = x.sqrt()
        with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned inf values in its 0th output"):
            y.sum().backward()


def test_check_nan_false_only_records(device):
    x = gk.tensor([0.0, 1.0], device=device, requires_grad=True)
    with quiet(), detect_anomaly(check_nan=False):
        y = x.log()
        assert y.grad_fn._anomaly_trace
        (y * 0).sum().backward()
    assert bool(x.grad.isnan().any())


def test_nan_in_second_input_and_multi_output_ops(device):
    a = gk.tensor([1.0, 2.0], dtype=gk.float64, device=device, requires_grad=True)
    b = gk.tensor([1e-200, 1.0], dtype=gk.float64, device=device, requires_grad=True)
    with quiet(), detect_anomaly():
        q = a / b  # d/da = 1/b is finite, d/db = -a/b^2 overflows to -inf
        with pytest.raises(RuntimeError, match=r"Function 'DivBackward0' returned inf values in its 1th output"):
            q.sum().backward()


def test_custom_function_is_traced_and_errors_warn(device):
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            raise RuntimeError("Some error in backward")

    x = gk.ones(3, device=device, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with detect_anomaly():
            out = Bad.apply(x)  # CUSTOM-FN
            with pytest.raises(RuntimeError, match="Some error in backward"):
                out.sum().backward()
    assert any("Error detected in BadBackward" in str(w.message) and "CUSTOM-FN" in str(w.message) for w in caught)


def test_every_recorded_node_has_a_trace(device):
    """The arithmetic fast paths record nodes too: each gets its forward stack."""
    x = gk.tensor([[1.0, 2.0], [3.0, 4.0]], device=device, requires_grad=True)
    w = gk.tensor([[0.5], [0.25]], device=device, requires_grad=True)
    with quiet(), detect_anomaly():
        outs = [x + 1, x * x, x - w.T, x / 2, x @ w, x.sum(0), x.exp(), x[0], x.reshape(4), gk.nn.functional.relu(x),
                x.pow(2), -x, gk.cat([x, x]), x.max(), (x > 1).float() * x]
    for out in outs:
        node = out.grad_fn
        assert getattr(node, "_anomaly_trace", None), node.name()
        assert "test_anomaly.py" in gk.autograd.anomaly.forward_site(node), node.name()


def test_nodes_recorded_outside_anomaly_mode_have_no_trace(device):
    x = gk.ones(2, device=device, requires_grad=True)
    y = x * 2
    assert getattr(y.grad_fn, "_anomaly_trace", None) is None


# ----------------------------------------------------------------------------- in-place errors
def test_inplace_error_names_saving_op_and_write_site(device):
    a = gk.ones(3, device=device, requires_grad=True)
    with quiet(), detect_anomaly():
        b = a.sigmoid()  # SAVES-OUTPUT
        b.mul_(2)  # THE-WRITE
        with pytest.raises(RuntimeError, match=MODIFIED) as info:
            b.sum().backward()
    msg = str(info.value)
    assert "It was saved for backward by SigmoidBackward0" in msg
    assert "The in-place change was made at" in msg and "b.mul_(2)  # THE-WRITE" in msg
    assert "SigmoidBackward0 was created at" in msg and "SAVES-OUTPUT" in msg


@pytest.mark.parametrize("write", ["add_", "iadd", "setitem", "zero_", "fill_", "copy_", "view", "no_grad_iadd",
                                   "plain_setitem"])
def test_every_kind_of_write_is_located(device, write):
    a = gk.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    with quiet(), detect_anomaly():
        b = a * 2
        c = b * b  # MulBackward0 saves b
        if write == "add_":
            b.add_(1)  # WRITE-add_
        elif write == "iadd":
            b += 1  # WRITE-iadd
        elif write == "setitem":
            b[0] = 5.0  # WRITE-setitem
        elif write == "zero_":
            b.zero_()  # WRITE-zero_
        elif write == "fill_":
            b.fill_(3.0)  # WRITE-fill_
        elif write == "copy_":
            b.copy_(gk.zeros(3, device=device))  # WRITE-copy_
        elif write == "view":
            b[:2].mul_(2)  # WRITE-view
        elif write == "no_grad_iadd":
            with gk.no_grad():
                b += 1  # WRITE-no_grad_iadd
        else:
            b.detach()[1] = 0.0  # WRITE-plain_setitem
        with pytest.raises(RuntimeError, match=MODIFIED) as info:
            c.sum().backward()
    msg = str(info.value)
    assert "It was saved for backward by MulBackward0" in msg
    assert f"# WRITE-{write}" in msg, msg
    a2 = gk.ones(2, device=device, requires_grad=True) * 1
    assert "inplace_site" not in (a2._extra or {})


def test_inplace_site_recorded_on_tensor_extra(device):
    x = gk.ones(3, device=device)
    with quiet(), detect_anomaly():
        x.add_(1)  # EXTRA-SITE
    assert "EXTRA-SITE" in x._extra["inplace_site"]


def test_inplace_error_without_anomaly_mode_names_op_and_suggests_it(device):
    a = gk.ones(3, device=device, requires_grad=True)
    b = a.exp()
    b.add_(1)
    with pytest.raises(RuntimeError, match=MODIFIED) as info:
        b.sum().backward()
    msg = str(info.value)
    assert "It was saved for backward by ExpBackward0" in msg
    assert "set_detect_anomaly(True)" in msg
    assert b._extra is None or "inplace_site" not in b._extra


def test_anomaly_mode_is_global_across_threads(device):
    seen = []
    with quiet(), detect_anomaly():
        t = threading.Thread(target=lambda: seen.append(is_anomaly_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_results_are_unchanged_by_anomaly_mode(device):
    gk.manual_seed(0)
    x = gk.randn(4, 3, device=device, requires_grad=True)
    w = gk.randn(3, 2, device=device, requires_grad=True)

    def run():
        x.grad = w.grad = None
        loss = gk.nn.functional.log_softmax(x @ w, 1).sum()
        loss.backward()
        return x.grad.cpu().numpy().copy(), w.grad.cpu().numpy().copy()

    plain = run()
    with quiet(), detect_anomaly():
        checked = run()
    for p, c in zip(plain, checked):
        assert (p == c).all()
