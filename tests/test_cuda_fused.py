"""The CuPy backend's fused kernels (backends/_cuda_sources.py, backends/_cuda_fused.py).

* Every kernel source compiles for sm_80 and sm_90 with nvcc, wrapped as CuPy's
  ElementwiseKernel wraps it (checks syntax and types; nothing runs).
* Each fused kernel agrees with the portable kernel it replaces, and the fused one really
  ran (not its fallback). Where there is no GPU this runs on the CuPy test double, which
  executes the kernels' C bodies on the CPU: NOT GPU validation.
"""
from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest

import gradkit as gk
from gradkit.backends import _cuda_fused
from gradkit.backends._cuda_fused import kernel_arguments
from gradkit.backends._cuda_sources import KERNELS, KernelSource
from gradkit.backends.kernels.activation import ActivationKernels
from gradkit.backends.kernels.attention import AttentionKernels
from gradkit.backends.kernels.loss import LossKernels
from gradkit.backends.kernels.optimizer import OptimizerKernels
from gradkit.backends.kernels.recurrent import RecurrentKernels

from conftest import cuda_available

needs_cuda = pytest.mark.skipif(not cuda_available(), reason="no CUDA device and no CuPy test double")
NVCC = shutil.which("nvcc")

# -- compiling every source with nvcc -------------------------------------------------------------
_C_TYPES = {"float32": "float", "float64": "double", "int32": "int", "int64": "long long",
            "uint64": "unsigned long long", "bool": "bool"}
_HELPERS = """
#include <cstddef>
template <typename U> struct GkIn { const U* d; __device__ const U& operator[](ptrdiff_t k) const { return d[k]; } };
template <typename U> struct GkOut { U* d; __device__ U& operator[](ptrdiff_t k) const { return d[k]; } };
"""


def _params(text):
    for item in (p.strip() for p in text.split(",") if p.strip()):
        words = item.split()
        raw = words[0] == "raw"
        yield raw, words[-2], words[-1]


def _translation_unit(name, c_type, in_params, out_params, body, preamble):
    """The kernel as CuPy's ElementwiseKernel lays it out: the type placeholder T a typedef,
    ``raw`` parameters indexable arrays (read-only for inputs), the others element ``i`` of their
    array (a const value for inputs, a reference for outputs), scalars by value, and the body
    inside a grid-stride loop over ``i``."""
    args, locals_ = [], []
    for is_out, params in ((False, in_params), (True, out_params)):
        for raw, type_name, param in _params(params):
            ctype = "T" if type_name == "T" else _C_TYPES[type_name]
            if raw:
                args.append(f"{'GkOut' if is_out else 'GkIn'}<{ctype}> {param}")
            elif is_out:
                args.append(f"{ctype}* _p_{param}")
                locals_.append(f"{ctype}& {param} = _p_{param}[i];")
            elif type_name != "T" or param in _T_SCALARS:
                args.append(f"{ctype} {param}")
            else:
                args.append(f"const {ctype}* _p_{param}")
                locals_.append(f"const {ctype} {param} = _p_{param}[i];")
    return (f"namespace gk_{name}_{c_type} {{\ntypedef {c_type} T;\n{preamble}\n"
            f"__global__ void kernel({', '.join(args)}, ptrdiff_t _n) {{\n"
            "  for (ptrdiff_t i = blockIdx.x * (ptrdiff_t)blockDim.x + threadIdx.x; i < _n;"
            " i += (ptrdiff_t)blockDim.x * gridDim.x) {\n    " + "\n    ".join(locals_) + "\n"
            f"{body}\n  }}\n}}\n}}\n")


# A plain parameter of a concrete type (int32 n, bool check, the optimizers' float32 scalars) is a
# Python scalar at every call site; a T-typed one is an array unless named here
_T_SCALARS = {"keep_prob", "scale", "lo", "hi"}


def _all_sources():
    units = []
    for name in KERNELS:
        for dtype in ("float32", "float64"):
            in_params, out_params, body, preamble = kernel_arguments(name, dtype)
            units.append(_translation_unit(name, _C_TYPES[dtype], in_params, out_params, body, preamble))
    return _HELPERS + "".join(units)


def _nvcc(source, tmp_path):
    path = tmp_path / "kernels.cu"
    path.write_text(source)
    return subprocess.run([NVCC, "-c", "-o", str(tmp_path / "kernels.o"), str(path), "-std=c++17",
                           "-gencode", "arch=compute_80,code=sm_80", "-gencode", "arch=compute_90,code=sm_90",
                           "-Werror", "all-warnings"], capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(NVCC is None, reason="nvcc is not on PATH")
def test_every_kernel_source_compiles_for_sm80_and_sm90(tmp_path):
    done = _nvcc(_all_sources(), tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]


@pytest.mark.skipif(NVCC is None, reason="nvcc is not on PATH")
def test_the_compile_check_fails_on_a_broken_source(tmp_path):
    # the check above can fail: a type error in a body (a pointer assigned to a float) is caught
    broken = KernelSource("broken", "T a", "T y", "y = &a;")
    source = _HELPERS + _translation_unit("broken", "float", broken.in_params, broken.out_params, broken.body, "")
    done = _nvcc(source, tmp_path)
    assert done.returncode != 0 and "error" in done.stderr


# -- fused against portable, on the double or a GPU -------------------------------------------------
def _cp():
    import cupy

    return cupy


@pytest.fixture
def backend():
    return gk.zeros(1, device="cuda")._device.backend


@pytest.fixture
def launched(monkeypatch):
    """The names of the fused kernels launched while a test runs."""
    names = []
    real = _cuda_fused.kernel

    def spy(cp, name, dtype=None):
        names.append(name)
        return real(cp, name, dtype)

    monkeypatch.setattr(_cuda_fused, "kernel", spy)
    return names


def _host(a):
    return _cp().asnumpy(a)


def _close(fused, portable, dtype):
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(_host(fused), _host(portable), rtol=rtol, atol=rtol, equal_nan=True)


def _values(shape, dtype, seed=0, special=True):
    x = np.random.default_rng(seed).standard_normal(shape) * 3
    if special:
        flat = x.reshape(-1)
        flat[:6] = [0.0, -0.0, np.nan, 40.0, -40.0, 3.0]
    return _cp().asarray(x.astype(dtype))


DTYPES = [np.float32, np.float64]


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["relu", "sigmoid", "hardswish", "hardsigmoid"])
def test_unary_activations(backend, launched, name, dtype):
    a = _values((5, 7), dtype)
    _close(getattr(backend, name)(a), getattr(ActivationKernels, name)(backend, a), dtype)
    assert launched == [name]


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["relu_backward", "sigmoid_backward", "tanh_backward", "hardswish_backward",
                                  "hardsigmoid_backward"])
def test_activation_gradients(backend, launched, name, dtype):
    x, g = _values((4, 9), dtype), _values((4, 9), dtype, seed=1, special=False)
    _close(getattr(backend, name)(x, g), getattr(ActivationKernels, name)(backend, x, g), dtype)
    assert launched == [name]


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
def test_hardtanh_backward_and_the_relu_sign_of_zero(backend, launched, dtype):
    x, g = _values((3, 8), dtype), _values((3, 8), dtype, seed=1, special=False)
    _close(backend.hardtanh_backward(x, g, min_val=-1.0, max_val=2.0),  # keywords, as the op passes them
           ActivationKernels.hardtanh_backward(backend, x, g, -1.0, 2.0), dtype)
    y = backend.relu(_cp().asarray(np.array([-0.0, 0.0, -2.0], dtype=dtype)))
    assert list(np.signbit(_host(y))) == [True, False, False]  # -0. passes, negatives become +0.
    assert launched == ["hardtanh_backward", "relu"]


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
def test_gelu_forward_and_backward(backend, launched, dtype):
    a, g = _values((6, 5), dtype), _values((6, 5), dtype, seed=2, special=False)
    y, cdf = backend.gelu_and_cdf(a)
    y_ref, cdf_ref = ActivationKernels.gelu_and_cdf(backend, a)
    _close(y, y_ref, dtype)
    _close(cdf, cdf_ref, dtype)
    _close(backend.gelu_backward(a, g, cdf), ActivationKernels.gelu_backward(backend, a, g, cdf_ref), dtype)
    assert launched[:1] == ["gelu_and_cdf"] and "gelu_backward" in launched


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cell", ["rnn_tanh_cell", "rnn_relu_cell"])
def test_bias_and_activation(backend, launched, cell, dtype):
    gi, gh = _values((4, 6), dtype), _values((4, 6), dtype, seed=1, special=False)
    bias = _values((6,), dtype, seed=2, special=False)
    for second in (gh, bias):  # a second projection, or a bias broadcast over the rows
        fused = getattr(backend, cell)(gi, second)
        assert launched[-1] == "bias_" + cell[4:8]
        _close(fused, getattr(RecurrentKernels, cell)(backend, gi, second), dtype)


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
def test_dropout_mask_and_scale(backend, launched, dtype):
    x = _values((8, 16), dtype, special=False)
    u = _cp().asarray(np.random.default_rng(3).random((8, 16)).astype(dtype))
    out, mask = backend.dropout(x, u, 0.7)
    out_ref, mask_ref = ActivationKernels.dropout(backend, x, u, 0.7)
    _close(mask, mask_ref, dtype)
    _close(out, out_ref, dtype)
    assert set(np.unique(_host(mask))) <= {0.0, dtype(1 / 0.7)}
    assert launched == ["dropout"]


def _rows_with_specials(dtype):
    x = np.random.default_rng(4).standard_normal((6, 10)) * 4
    x[1, 3] = -np.inf
    x[2, :] = -np.inf  # a row of -inf: NaN, as max-shifting gives on every backend
    x[3, 0] = np.nan
    x[4, 2] = 80.0
    return _cp().asarray(x.astype(dtype))


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_rows(backend, launched, name, dtype):
    x = _rows_with_specials(dtype)
    out = getattr(backend, name)(x, 1)
    _close(out, getattr(LossKernels, name)(backend, x, 1), dtype)
    g = _values(x.shape, dtype, seed=5, special=False)
    grad = f"{name}_backward"
    _close(getattr(backend, grad)(out, g, -1), getattr(LossKernels, grad)(backend, out, g, -1), dtype)
    assert launched == [f"{name}_rows", f"{name}_backward_rows"]


@needs_cuda
def test_softmax_along_another_axis_or_long_rows_takes_the_portable_kernel(backend, launched):
    x = _values((4, 6), np.float32, special=False)
    _close(backend.softmax(x, 0), LossKernels.softmax(backend, x, 0), np.float32)
    wide = _values((2, _cuda_fused.MAX_ROW_COLS + 1), np.float32, special=False)
    _close(backend.log_softmax(wide, 1), LossKernels.log_softmax(backend, wide, 1), np.float32)
    assert launched == []


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("check", [False, True])
def test_cross_entropy_rows(backend, launched, dtype, check):
    x = _values((6, 5), dtype, special=False)
    targets = [0, 4, -100, 2, 7, -3] if check else [0, 4, -100, 2, 1, 3]
    t = _cp().asarray(np.array(targets, dtype=np.int64))
    fused = backend.cross_entropy_rows(x, t, -100, check)
    portable = LossKernels.cross_entropy_rows(backend, x, t, -100, check)
    for a, b in zip(fused, portable):
        if a.dtype == bool:
            np.testing.assert_array_equal(_host(a), _host(b))
        else:
            _close(a, b, dtype)
    assert launched[0] == "cross_entropy_rows"


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("form", ["mean", "none", "ignored"])
def test_cross_entropy_backward(backend, launched, dtype, form):
    cp = _cp()
    n, c = 6, 5
    logp = LossKernels.log_softmax(backend, _values((n, c), dtype, special=False), 1)
    t = cp.asarray(np.array([0, 4, 1, 2, 3, 3], dtype=np.int64))
    valid, row_weight = None, 1.0 / n
    g = cp.asarray(np.array(2.5, dtype=dtype))
    if form == "none":
        g, row_weight = _values((n,), dtype, seed=6, special=False), 1.0
    if form == "ignored":
        valid = cp.asarray(np.array([True, False, True, True, False, True]))
        row_weight = cp.asarray(np.where(_host(valid), 0.25, 0.0).astype(dtype))
    fused = backend.cross_entropy_backward(None, g, logp, t, row_weight, valid)
    _close(fused, LossKernels.cross_entropy_backward(backend, None, g, logp, t, row_weight, valid), dtype)
    assert "cross_entropy_backward" in launched


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mask_kind", [None, "bool", "float", "bool-batched"])
def test_attention_masked_softmax(backend, launched, dtype, mask_kind):
    cp = _cp()
    s = _values((2, 3, 4, 5), dtype, special=False)
    mask = None
    if mask_kind in ("bool", "bool-batched"):
        m = np.tril(np.ones((4, 5), dtype=bool))
        m[0, :] = False  # a row with every position masked: zeros, not NaN
        mask = cp.asarray(m if mask_kind == "bool" else np.broadcast_to(m, (2, 1, 4, 5)).copy())
    elif mask_kind == "float":
        mask = cp.asarray(np.random.default_rng(7).standard_normal((4, 5)).astype(dtype))
    fused = backend.masked_softmax(s, mask, 0.5)
    ran = list(launched)
    portable = AttentionKernels.masked_softmax(backend, s, mask, 0.5)
    _close(fused, portable, dtype)
    assert not np.isnan(_host(fused)).any()
    if mask_kind == "bool":
        assert (_host(fused)[:, :, 0] == 0).all()
    # a mask with a batch axis takes the portable kernel (one (L, S) plane only is fused)
    assert ran == ([] if mask_kind == "bool-batched" else
                        ["attention_softmax_rows" if mask is None else f"attention_softmax_{mask_kind}_rows"])


def _group(dtype, shapes, seed):
    rng = np.random.default_rng(seed)
    return [_cp().asarray(rng.standard_normal(s).astype(dtype)) for s in shapes]


def _copies(arrays):
    return [a.copy() for a in arrays]


SHAPES = [(3, 4), (5,), (2, 2, 3), (1,)]


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", [
    {"weight_decay": 0.0, "decoupled": False, "maximize": False, "amsgrad": False, "beta1": 0.9},
    {"weight_decay": 0.1, "decoupled": True, "maximize": False, "amsgrad": True, "beta1": 0.9},
    {"weight_decay": 0.05, "decoupled": False, "maximize": True, "amsgrad": False, "beta1": 0.3},
])
def test_adam_group_in_one_launch(backend, launched, dtype, options):
    options = dict(options)
    amsgrad, beta1 = options.pop("amsgrad"), options.pop("beta1")
    params, grads = _group(dtype, SHAPES, 8), _group(dtype, SHAPES, 9)
    m, v = _group(dtype, SHAPES, 10), [abs(a) for a in _group(dtype, SHAPES, 11)]
    vmax = [a * 2 for a in v] if amsgrad else None
    complement = 1.0 - float(dtype(1 - beta1))
    state = [params, m, v] + ([vmax] if amsgrad else [])
    expected = [_copies(t) for t in state]
    kwargs = dict(lr=0.01, beta1=beta1, beta2=0.999, eps=1e-8, lerp_weight_complement=complement, **options)
    OptimizerKernels.adam_group_step_(backend, expected[0], grads, expected[1], expected[2],
                                      expected[3] if amsgrad else None, [3] * len(SHAPES), **kwargs)
    backend.adam_group_step_(params, grads, m, v, vmax, [3] * len(SHAPES), **kwargs)
    for got, want in zip(state, expected):
        for a, b in zip(got, want):
            _close(a, b, dtype)
    assert launched == ["adam_group"]


@needs_cuda
def test_adam_group_with_unequal_steps_takes_the_per_tensor_kernel(backend, launched):
    params, grads, m, v = (_group(np.float32, SHAPES[:2], s) for s in (1, 2, 3, 4))
    v = [abs(a) for a in v]
    before = [p.copy() for p in params]
    backend.adam_group_step_(params, grads, m, v, None, [1, 2], lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8,
                             weight_decay=0.0, decoupled=False, maximize=False, lerp_weight_complement=0.9)
    assert launched == [] and all((_host(a) != _host(b)).any() for a, b in zip(params, before))


@needs_cuda
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", [
    {"first": True, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0, "maximize": False},
    {"first": False, "dampening": 0.0, "nesterov": True, "weight_decay": 0.01, "maximize": False},
    {"first": False, "dampening": 0.5, "nesterov": False, "weight_decay": 0.0, "maximize": True},
])
def test_sgd_momentum_group_in_one_launch(backend, launched, dtype, options):
    params, grads, bufs = _group(dtype, SHAPES, 12), _group(dtype, SHAPES, 13), _group(dtype, SHAPES, 14)
    expected = [_copies(params), _copies(bufs)]
    kwargs = dict(lr=0.1, momentum=0.9, **options)
    OptimizerKernels.sgd_momentum_group_step_(backend, expected[0], grads, expected[1], **kwargs)
    backend.sgd_momentum_group_step_(params, grads, bufs, **kwargs)
    for got, want in zip((params, bufs), expected):
        for a, b in zip(got, want):
            _close(a, b, dtype)
    assert launched == ["sgd_momentum_group"]


@needs_cuda
def test_plain_update_is_a_cublas_axpy(backend):
    cp = _cp()
    y, x = _values((4, 5), np.float32, special=False), _values((4, 5), np.float32, seed=1, special=False)
    want = _host(y) + np.float32(-0.5) * _host(x)
    backend.axpy_(y, -0.5, x)
    np.testing.assert_allclose(_host(y), want, rtol=1e-6)
    t = cp.asarray(np.ones((3, 4), dtype=np.float32)).T  # not contiguous: the portable kernel
    backend.axpy_(t, 2.0, cp.asarray(np.ones((4, 3), dtype=np.float32)))
    np.testing.assert_array_equal(_host(t), np.full((4, 3), 3.0, dtype=np.float32))


@needs_cuda
def test_training_with_the_fused_kernels_matches_the_cpu(launched):
    """A small classifier step on cuda (fused kernels) and on the CPU (portable and NumPy's),
    the same weights: the same loss and parameters after a few Adam steps."""
    results = {}
    for device in ("cpu", "cuda"):
        gk.manual_seed(0)
        model = gk.nn.Sequential(gk.nn.Linear(6, 8), gk.nn.GELU(), gk.nn.Linear(8, 4)).double().to(device)
        opt = gk.optim.AdamW(model.parameters(), lr=0.05)
        x = gk.tensor(np.random.default_rng(0).standard_normal((10, 6)), device=device)
        y = gk.tensor([0, 1, 2, 3, 0, 1, 2, 3, 0, -100], device=device)
        for _ in range(3):
            opt.zero_grad()
            loss = gk.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
        results[device] = (loss.item(), [p.detach().cpu().numpy() for p in model.parameters()])
    assert results["cpu"][0] == pytest.approx(results["cuda"][0], rel=1e-12)
    for a, b in zip(results["cpu"][1], results["cuda"][1]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert {"cross_entropy_rows", "cross_entropy_backward", "gelu_and_cdf", "gelu_backward",
            "adam_group"} <= set(launched)


if os.environ.get("GRADKIT_CUPY_DOUBLE") == "0" and not cuda_available():  # pragma: no cover
    pytestmark = pytest.mark.skip(reason="the CuPy test double is switched off")
