"""nn.RNN, nn.GRU, nn.LSTM and their cells: PyTorch's outputs, final states and gradients
for the same weights (recorded from PyTorch 2.13.0, tests/nn/_rnn_ref.py), float64
gradcheck and gradgradcheck, parameter names and shapes, reprs, and PyTorch's errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gradkit
import gradkit.nn as nn
from gradkit.backends.kernels.recurrent import RecurrentKernels
from helpers import check_grads, host, rand64

from . import _rnn_case as C
from ._rnn_ref import CELLS, FINGERPRINTS, FULL


def _assert_result(got, expected, rtol=1e-9, atol=1e-12):
    assert got.keys() == expected.keys()
    for key in expected:
        np.testing.assert_allclose(np.asarray(got[key], dtype=float), np.asarray(expected[key], dtype=float),
                                   rtol=rtol, atol=atol, err_msg=key)


# --------------------------------------------------------------------------- parity
@pytest.mark.parametrize("spec", C.GRID, ids=C.case_id)
def test_layer_matches_torch(spec):
    got = C.fingerprint(C.run_case(gradkit, **spec))
    expected = FINGERPRINTS[C.case_id(spec)]
    assert got.keys() == expected.keys()
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-9, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("spec", C.FULL, ids=C.case_id)
def test_layer_matches_torch_values(device, spec):
    float32 = spec.get("dtype") == "float32"
    got = C.run_case(gradkit, device=device, **spec)
    _assert_result(got, FULL[C.case_id(spec)], *((1e-5, 1e-6) if float32 else ()))


@pytest.mark.parametrize("spec", C.CELLS, ids=C.case_id)
def test_cell_matches_torch(spec):
    _assert_result(C.run_cell_case(gradkit, **spec), CELLS[C.case_id(spec)])


def test_float32_end_to_end():
    m = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    x = gradkit.randn(5, 2, 3, requires_grad=True)
    out, (h, c) = m(x)
    assert out.dtype == h.dtype == c.dtype == gradkit.float32
    out.sum().backward()
    assert x.grad.dtype == gradkit.float32 and all(p.grad.dtype == gradkit.float32 for p in m.parameters())


# --------------------------------------------------------------------------- gradients
def _functional(module, states):
    """f(x, *initial states, *parameters) -> (output, final states) of ``module``, so that
    gradcheck can perturb the parameters (their tensors are swapped in for the call)."""
    names = [name for name, _ in module.named_parameters()]

    def fn(x, *tensors):
        hx, params = tensors[:states], tensors[states:]
        kept = dict(module._parameters)
        try:
            module._parameters.update(zip(names, params))
            out, state = module(x, None if not hx else (hx if states == 2 else hx[0]))
        finally:
            module._parameters.update(kept)
        if isinstance(out, nn.utils.rnn.PackedSequence):
            out = out.data
        return (out,) + (tuple(state) if isinstance(state, tuple) else (state,))

    return fn


def _layer(kind, device, **kw):
    if kind in ("tanh", "relu"):
        m = nn.RNN(3, 2, nonlinearity=kind, **kw)
    else:
        m = getattr(nn, kind)(3, 2, **kw)
    return m.to(device=device, dtype=gradkit.float64)


def _inputs(m, device, steps=3, batch=2, seed=0):
    layers = m.num_layers * (2 if m.bidirectional else 1)
    x = rand64(*((batch, steps, 3) if m.batch_first else (steps, batch, 3)), device=device, seed=seed)
    states = [rand64(layers, batch, m.proj_size or 2, device=device)]
    if m.mode == "LSTM":
        states.append(rand64(layers, batch, 2, device=device))
    params = [p.detach().clone().requires_grad_() for p in m.parameters()]
    return x, states, params


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "tanh", "relu"])
def test_layer_gradients(device, kind):
    """First and second order, in every input, initial state and parameter."""
    m = _layer(kind, device)
    x, states, params = _inputs(m, device)
    check_grads(_functional(m, len(states)), [x] + states + params)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_layer_gradients_bidirectional_packed(device, kind):
    """Both ways on a packed batch of unsorted lengths: first order everywhere, second order
    on the CPU (the strict device runs the same code, slower)."""
    from gradkit.nn.utils.rnn import pack_padded_sequence

    m = _layer(kind, device, bidirectional=True)
    x, states, params = _inputs(m, device)
    inner = _functional(m, len(states))

    def fn(x, *rest):
        return inner(pack_padded_sequence(x, [2, 3], enforce_sorted=False), *rest)

    check_grads(fn, [x] + states + params, second_order=device == "cpu")


def test_stacked_layers_gradients():
    m = _layer("GRU", "cpu", num_layers=2, batch_first=True)
    x, states, params = _inputs(m, "cpu")
    check_grads(_functional(m, 1), [x] + states + params, second_order=False)


def test_lstm_projection_gradients(device):
    m = _layer("LSTM", device, proj_size=1, bidirectional=True, batch_first=True)
    x, states, params = _inputs(m, device)
    check_grads(_functional(m, 2), [x] + states + params, second_order=device == "cpu")


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cell_gradients(device, kind):
    m = getattr(nn, kind)(3, 2).to(device=device, dtype=gradkit.float64)
    names = [name for name, _ in m.named_parameters()]
    lstm = kind == "LSTMCell"

    def fn(x, h, c, *params):
        kept = dict(m._parameters)
        try:
            m._parameters.update(zip(names, params))
            out = m(x, (h, c) if lstm else h)
        finally:
            m._parameters.update(kept)
        return out

    x, h, c = rand64(2, 3, device=device, seed=1), rand64(2, 2, device=device), rand64(2, 2, device=device)
    params = [p.detach().clone().requires_grad_() for p in m.parameters()]
    check_grads(fn, [x, h, c] + params)


def test_backward_twice_needs_retain_graph():
    m = nn.GRU(3, 2)
    out, h = m(gradkit.randn(4, 2, 3))
    loss = out.sum() + h.sum()
    loss.backward(retain_graph=True)
    first = m.weight_hh_l0.grad.clone()
    loss.backward()
    np.testing.assert_allclose(host(m.weight_hh_l0.grad), 2 * host(first), rtol=1e-5)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


def test_in_place_change_of_a_saved_input_is_caught():
    m = nn.LSTM(3, 2)
    h0 = gradkit.zeros(1, 2, 2, requires_grad=True)
    start = h0 * 1.0
    out, _ = m(gradkit.randn(3, 2, 3), (start, gradkit.zeros(1, 2, 2)))
    start.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


# --------------------------------------------------------------------------- kernels
def _portable():
    import numpy

    kernels = RecurrentKernels()
    kernels.xp = numpy
    return kernels


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_numpy_cell_kernels_match_the_portable_ones(dtype):
    backend = gradkit.zeros(1)._device.backend
    portable = _portable()
    portable.relu = backend.relu
    rng = np.random.default_rng(0)
    n, h = 3, 4

    def arr(*shape):
        return rng.standard_normal(shape).astype(dtype) * 2

    gi, gh, c, dh, dc = arr(n, 4 * h), arr(n, 4 * h), arr(n, h), arr(n, h), arr(n, h)
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == "float32" else {"rtol": 1e-12, "atol": 1e-14}
    for a, b in zip(backend.lstm_cell(gi, gh, c), portable.lstm_cell(gi, gh, c)):
        np.testing.assert_allclose(a, b, **tol)
    h_new, c_new, gates = portable.lstm_cell(gi, gh, c)
    for d_h, d_c in ((dh, dc), (None, dc), (dh, None)):
        for a, b in zip(backend.lstm_cell_backward(gates, c, c_new, d_h, d_c),
                        portable.lstm_cell_backward(gates, c, c_new, d_h, d_c)):
            np.testing.assert_allclose(a, b, **tol)
    gi, gh = arr(n, 3 * h), arr(n, 3 * h)
    for a, b in zip(backend.gru_cell(gi, gh, c), portable.gru_cell(gi, gh, c)):
        np.testing.assert_allclose(a, b, **tol)
    _, gates = portable.gru_cell(gi, gh, c)
    for a, b in zip(backend.gru_cell_backward(gates, gh, c, dh), portable.gru_cell_backward(gates, gh, c, dh)):
        np.testing.assert_allclose(a, b, **tol)
    np.testing.assert_allclose(backend.rnn_tanh_cell(gi, gh), portable.rnn_tanh_cell(gi, gh), **tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reverse", [False, True])
def test_numpy_lstm_layer_loop_matches_the_portable_one(dtype, reverse):
    # the NumPy loop (gate by gate in a (4, N, H) layout, arrays made once per layer) makes
    # the same floating-point operations as the portable loop over the NumPy cells: equal bits
    from gradkit.backends.kernels.recurrent import RecurrentKernels

    backend = gradkit.zeros(1)._device.backend
    rng = np.random.default_rng(1)
    steps, n, h = 5, 3, 4

    def arr(*shape):
        return rng.standard_normal(shape).astype(dtype) * 2

    gi, h0, c0, w_hh = arr(steps * n, 4 * h), arr(n, h), arr(n, h), arr(4 * h, h)
    d_out, d_hn, d_cn = arr(steps * n, h), arr(n, h), arr(n, h)
    args = ("LSTM", gi, h0, c0, w_hh, None, None, (n,) * steps, reverse)
    fast = backend.recurrent_layer(*args)
    portable = RecurrentKernels.recurrent_layer(backend, *args)
    assert fast[3][0] != portable[3][0]  # (the NumPy loop ran)
    for a, b in zip(fast[:3], portable[:3]):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    for grads in ((d_out, d_hn, d_cn), (d_out, None, None), (None, d_hn, None), (None, None, d_cn)):
        kept = [None if g is None else g.copy() for g in grads]
        got = backend.recurrent_layer_backward(fast[3], *grads)
        want = RecurrentKernels.recurrent_layer_backward(backend, portable[3], *grads)
        for a, b in zip(got, want):
            assert (a is None and b is None) or np.array_equal(a, b)
        for g, k in zip(grads, kept):  # the incoming gradients are left as they were
            assert g is None or np.array_equal(g, k)


def test_lstm_output_changed_in_place_leaves_the_gradients_alone():
    gradkit.manual_seed(0)
    lstm = nn.LSTM(3, 4)
    x = gradkit.randn(5, 2, 3)
    lstm(x)[0].sum().backward()
    want = [host(p.grad).copy() for p in lstm.parameters()]
    lstm.zero_grad()
    out, _ = lstm(x)
    with gradkit.no_grad():
        out.mul_(3.0)  # the states that the backward reads are not the output's memory
    out.sum().backward()
    for p, w in zip(lstm.parameters(), want):
        np.testing.assert_array_equal(host(p.grad), w)


def test_gates_saturate_without_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = nn.LSTM(1, 1)
        with gradkit.no_grad():
            for p in m.parameters():
                p.fill_(1e4)
        out, (h, c) = m(gradkit.tensor([[[1.0]], [[-1.0]]]))
    assert np.isfinite(host(out)).all() and np.isfinite(host(c)).all()


# --------------------------------------------------------------------------- modules
def test_state_dict_keys_and_shapes_match_torch():
    lstm = nn.LSTM(3, 2, num_layers=2, bidirectional=True, proj_size=1)
    assert [(k, tuple(v.shape)) for k, v in lstm.state_dict().items()] == [
        ("weight_ih_l0", (8, 3)), ("weight_hh_l0", (8, 1)), ("bias_ih_l0", (8,)), ("bias_hh_l0", (8,)),
        ("weight_hr_l0", (1, 2)), ("weight_ih_l0_reverse", (8, 3)), ("weight_hh_l0_reverse", (8, 1)),
        ("bias_ih_l0_reverse", (8,)), ("bias_hh_l0_reverse", (8,)), ("weight_hr_l0_reverse", (1, 2)),
        ("weight_ih_l1", (8, 2)), ("weight_hh_l1", (8, 1)), ("bias_ih_l1", (8,)), ("bias_hh_l1", (8,)),
        ("weight_hr_l1", (1, 2)), ("weight_ih_l1_reverse", (8, 2)), ("weight_hh_l1_reverse", (8, 1)),
        ("bias_ih_l1_reverse", (8,)), ("bias_hh_l1_reverse", (8,)), ("weight_hr_l1_reverse", (1, 2))]
    assert [(k, tuple(v.shape)) for k, v in nn.GRU(3, 2, bias=False).state_dict().items()] == [
        ("weight_ih_l0", (6, 3)), ("weight_hh_l0", (6, 2))]
    assert [(k, tuple(v.shape)) for k, v in nn.GRUCell(3, 2).state_dict().items()] == [
        ("weight_ih", (6, 3)), ("weight_hh", (6, 2)), ("bias_ih", (6,)), ("bias_hh", (6,))]
    assert lstm._flat_weights_names[:5] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                            "weight_hr_l0"]
    assert [tuple(w.shape) for w in nn.LSTM(3, 2).all_weights[0]] == [(8, 3), (8, 2), (8,), (8,)]


def test_state_dict_round_trip():
    a, b = nn.GRU(3, 2, num_layers=2), nn.GRU(3, 2, num_layers=2)
    b.load_state_dict(a.state_dict())
    x = gradkit.randn(4, 2, 3)
    np.testing.assert_array_equal(host(a(x)[0]), host(b(x)[0]))


def test_init_is_uniform_within_one_over_sqrt_hidden():
    m = nn.LSTM(5, 16, num_layers=2)
    for p in m.parameters():
        v = host(p)
        assert np.abs(v).max() <= 0.25 and np.abs(v).max() > 0.2
    assert np.abs(host(nn.GRUCell(5, 4).weight_hh)).max() <= 0.5


def test_reprs_match_torch():
    assert repr(nn.LSTM(3, 2, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True,
                        proj_size=1)) == ("LSTM(3, 2, proj_size=1, num_layers=2, bias=False, batch_first=True, "
                                          "dropout=0.5, bidirectional=True)")
    assert repr(nn.RNN(3, 2, nonlinearity="relu")) == "RNN(3, 2)"
    assert repr(nn.GRU(3, 2)) == "GRU(3, 2)"
    assert repr(nn.RNNCell(3, 2, nonlinearity="relu", bias=False)) == "RNNCell(3, 2, bias=False, nonlinearity=relu)"
    assert repr(nn.LSTMCell(3, 2)) == "LSTMCell(3, 2)"
    assert repr(nn.GRUCell(3, 2)) == "GRUCell(3, 2)"


def test_import_paths():
    from gradkit.nn.modules.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell  # noqa: F401

    assert nn.modules.rnn.LSTM is nn.LSTM and issubclass(nn.GRU, nn.RNNBase)
    assert nn.LSTM.flatten_parameters(nn.LSTM(3, 2)) is None


def test_unbatched_input():
    m = nn.LSTM(3, 2, num_layers=2)
    x = gradkit.randn(4, 3)
    out, (h, c) = m(x)
    assert tuple(out.shape) == (4, 2) and tuple(h.shape) == (2, 2) and tuple(c.shape) == (2, 2)
    batched, (hb, _) = m(x.unsqueeze(1))
    np.testing.assert_allclose(host(out), host(batched[:, 0]), rtol=1e-6)
    out2, h2 = nn.GRU(3, 2, batch_first=True)(x, gradkit.zeros(1, 2))
    assert tuple(out2.shape) == (4, 2) and tuple(h2.shape) == (1, 2)
    cell = nn.LSTMCell(3, 2)
    h, c = cell(gradkit.randn(3))
    assert tuple(h.shape) == (2,) and tuple(c.shape) == (2,)


def test_dropout_between_layers():
    m = nn.LSTM(3, 8, num_layers=2, dropout=0.5)
    x = gradkit.randn(5, 2, 3)
    gradkit.manual_seed(0)
    a = host(m(x)[0])
    gradkit.manual_seed(1)
    b = host(m(x)[0])
    assert not np.allclose(a, b)  # training: dropout on the first layer's output
    m.eval()
    np.testing.assert_array_equal(host(m(x)[0]), host(m(x)[0]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.LSTM(3, 2, dropout=0.5)
    assert [str(w.message) for w in caught] == [
        "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers "
        "greater than 1, but got dropout=0.5 and num_layers=1"]


# --------------------------------------------------------------------------- errors
def _raises(exc, message, fn):
    with pytest.raises(exc) as info:
        fn()
    assert str(info.value) == message


def test_errors_match_torch():
    z = gradkit.zeros
    _raises(RuntimeError, "input.size(-1) must be equal to input_size. Expected 3, got 4",
            lambda: nn.LSTM(3, 2)(z(3, 2, 4)))
    _raises(RuntimeError, "Expected hidden size (1, 2, 2), got [1, 3, 2]",
            lambda: nn.RNN(3, 2)(z(3, 2, 3), z(1, 3, 2)))
    _raises(RuntimeError, "Expected hidden[0] size (1, 2, 2), got [1, 3, 2]",
            lambda: nn.LSTM(3, 2)(z(3, 2, 3), (z(1, 3, 2), z(1, 2, 2))))
    _raises(RuntimeError, "Expected hidden[1] size (1, 2, 2), got [2, 2, 2]",
            lambda: nn.LSTM(3, 2)(z(3, 2, 3), (z(1, 2, 2), z(2, 2, 2))))
    _raises(RuntimeError, "For batched 3-D input, hx should also be 3-D but got 2-D tensor",
            lambda: nn.GRU(3, 2)(z(3, 2, 3), z(2, 2)))
    _raises(RuntimeError, "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors",
            lambda: nn.LSTM(3, 2)(z(3, 2, 3), (z(2, 2), z(2, 2))))
    _raises(RuntimeError, "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor",
            lambda: nn.RNN(3, 2)(z(3, 3), z(1, 1, 2)))
    _raises(ValueError, "RNN: Expected input to be 2D or 3D, got 4D tensor instead",
            lambda: nn.RNN(3, 2)(z(3, 3, 3, 3)))
    _raises(ValueError, "LSTM: Expected input to be 2D or 3D, got 4D instead", lambda: nn.LSTM(3, 2)(z(3, 3, 3, 3)))
    _raises(ValueError, "RNN input dtype (gradkit.float64) does not match weight dtype (gradkit.float32). Convert "
            "input: input.to(gradkit.float32), or convert model: model.to(gradkit.float64)",
            lambda: nn.RNN(3, 2)(z(3, 2, 3, dtype=gradkit.float64)))
    _raises(ValueError, "proj_size argument is only supported for LSTM, not RNN or GRU",
            lambda: nn.GRU(3, 2, proj_size=1))
    _raises(ValueError, "proj_size has to be smaller than hidden_size", lambda: nn.LSTM(3, 2, proj_size=2))
    _raises(ValueError, "Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'.",
            lambda: nn.RNN(3, 2, nonlinearity="sigmoid"))
    _raises(ValueError, "dropout should be a number in range [0, 1] representing the probability of an element being "
            "zeroed", lambda: nn.LSTM(3, 2, dropout=1.5))


def test_cell_errors_match_torch():
    z = gradkit.zeros
    _raises(RuntimeError, "input has inconsistent input_size: got 4 expected 3", lambda: nn.LSTMCell(3, 2)(z(2, 4)))
    _raises(RuntimeError, "hidden0 has inconsistent hidden_size: got 3, expected 2",
            lambda: nn.GRUCell(3, 2)(z(2, 3), z(2, 3)))
    _raises(RuntimeError, "Input batch size 2 doesn't match hidden0 batch size 3",
            lambda: nn.RNNCell(3, 2)(z(2, 3), z(3, 2)))
    _raises(RuntimeError, "hidden1 has inconsistent hidden_size: got 3, expected 2",
            lambda: nn.LSTMCell(3, 2)(z(2, 3), (z(2, 2), z(2, 3))))
    _raises(ValueError, "GRUCell: Expected input to be 1D or 2D, got 3D instead", lambda: nn.GRUCell(3, 2)(z(1, 2, 3)))
    _raises(ValueError, "RNNCell: Expected hidden to be 1D or 2D, got 3D instead",
            lambda: nn.RNNCell(3, 2)(z(2, 3), z(1, 2, 2)))
