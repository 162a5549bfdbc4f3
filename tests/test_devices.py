"""Devices: lazy CuPy, clear errors where CUDA can't work, device strings, the default
device, ``device=`` on every factory, and moving tensors (with their gradients) between
devices.

CUDA without CuPy: PyTorch built without CUDA raises ``AssertionError("Torch not compiled
with CUDA enabled")``. gradkit raises ``RuntimeError`` (``gradkit.backends.BackendUnavailable``
is that name), whose message says why (cupy not installed / no device / driver too old) and
what to install. An AssertionError would vanish under ``python -O`` and is not
what ``except RuntimeError`` in user code expects.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

import gradkit as gk
from gradkit import backends as B
from gradkit.backends import BackendUnavailable, _device as device_module


def run_python(code, env_extra=None):
    """Runs ``code`` in a clean interpreter (the one running the tests) and returns it."""
    env = dict(os.environ)
    env.pop("GRADKIT_DEVICE", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          timeout=120)


def assert_ok(proc):
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc.stdout


CUPY_INSTALLED = importlib.util.find_spec("cupy") is not None


# --------------------------------------------------------------------------------------------
# import gradkit never imports cupy
# --------------------------------------------------------------------------------------------
def test_import_gradkit_does_not_import_cupy():
    assert_ok(run_python("""
        import sys
        import gradkit
        assert 'cupy' not in sys.modules, 'import gradkit imported cupy'
    """))


def test_cpu_work_does_not_import_cupy():
    out = assert_ok(run_python("""
        import sys
        import gradkit as gk
        x = gk.arange(4.0, requires_grad=True)
        y = 2 * gk.dot(x, x)
        y.backward()
        print(x.grad)
        print(repr(gk.randn(2, 3)), gk.zeros(2, dtype=gk.int64))
        w = gk.randn(3, 2, device="cpu", requires_grad=True)
        (gk.ones(5, 3) @ w).relu().mean().backward()
        assert w.grad.shape == (3, 2)
        gk.manual_seed(0)
        gk.device("cuda:1")            # naming a CUDA device costs nothing
        gk.cuda.synchronize()
        leaked = [m for m in sys.modules if m == 'cupy' or m.startswith('cupy.') or m.startswith('cupyx')]
        assert not leaked, leaked
    """))
    assert "tensor([ 0.,  4.,  8., 12.])" in out


def test_asking_about_cuda_does_not_import_cupy_when_missing():
    # with cupy absent, the questions are answered from importlib's finder alone
    code = """
        import sys
        sys.modules['cupy'] = None   # as if not installed, even on a GPU machine
        import gradkit
        assert gradkit.cuda.is_available() is False
        assert gradkit.cuda.device_count() == 0
        gradkit.cuda.synchronize()
        assert sys.modules['cupy'] is None
    """
    assert_ok(run_python(code))


# --------------------------------------------------------------------------------------------
# CUDA where it can't work: the reason is in the error
# --------------------------------------------------------------------------------------------
@pytest.fixture
def fresh_cuda(monkeypatch):
    """Forget any CUDA backend made so far (and the ones cached on interned cuda devices),
    so that the next CUDA request builds one against whatever ``sys.modules['cupy']`` holds;
    put everything back afterwards."""
    saved_backend = B._backends.pop("cuda", None)
    cuda_devices = [dev for dev in device_module._interned.values() if dev.type == "cuda"]
    saved_devices = {dev: _cached_backend(dev) for dev in cuda_devices}
    for dev in cuda_devices:
        _forget_backend(dev)
    yield monkeypatch
    monkeypatch.undo()  # sys.modules['cupy'] back first
    B._backends.pop("cuda", None)
    if saved_backend is not None:
        B._backends["cuda"] = saved_backend
    for dev in device_module._interned.values():
        if dev.type == "cuda":
            _forget_backend(dev)
            if saved_devices.get(dev) is not None:
                dev.backend = saved_devices[dev]


def _cached_backend(dev):
    """The backend a device has resolved so far, without resolving it (None if none)."""
    if hasattr(dev, "cached_backend"):  # a concrete CUDA device caches its backend apart
        return dev.cached_backend()
    try:
        return device_module.Device.backend.__get__(dev)  # the slot itself
    except AttributeError:
        return None


def _forget_backend(dev):
    if _cached_backend(dev) is not None:
        del dev.backend


def _fake_cupy(get_device_count):
    cupy = types.ModuleType("cupy")
    cupy.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=get_device_count))
    return cupy


class CUDARuntimeError(RuntimeError):
    """Stands in for cupy_backends.cuda.api.runtime.CUDARuntimeError."""


def _raise(message):
    def get_device_count():
        raise CUDARuntimeError(message)

    return get_device_count


def _cuda_requests():
    return {
        "zeros": lambda: gk.zeros(2, device="cuda"),
        "zeros-cuda:0": lambda: gk.zeros(2, device="cuda:0"),
        "tensor": lambda: gk.tensor([1.0], device="cuda"),
        "Tensor.cuda": lambda: gk.zeros(2).cuda(),
        "Tensor.to": lambda: gk.zeros(2).to("cuda"),
        "set_default_device": lambda: gk.set_default_device("cuda"),
    }


def _expect_unavailable(fn, pattern):
    with pytest.raises(BackendUnavailable, match=pattern) as info:
        fn()
    assert isinstance(info.value, RuntimeError)
    return info.value


@pytest.mark.skipif(CUPY_INSTALLED, reason="cupy is installed here")
@pytest.mark.parametrize("request_name", list(_cuda_requests()))
def test_cuda_without_cupy(request_name):
    assert gk.cuda.is_available() is False
    assert gk.cuda.device_count() == 0
    _expect_unavailable(_cuda_requests()[request_name], r"cupy is not installed: pip install 'gradkit\[cuda12\]'")
    assert gk.get_default_device() == "cpu"  # a failed set_default_device changes nothing


@pytest.mark.parametrize("request_name", list(_cuda_requests()))
def test_cuda_with_cupy_hidden(fresh_cuda, request_name):
    fresh_cuda.setitem(sys.modules, "cupy", None)  # `import cupy` raises ImportError
    assert gk.cuda.is_available() is False
    assert gk.cuda.device_count() == 0
    assert "cupy is not installed" in gk.cuda.unavailable_reason()
    _expect_unavailable(_cuda_requests()[request_name], r"CUDA was asked for but cupy is not installed")


@pytest.mark.parametrize("request_name", list(_cuda_requests()))
def test_cuda_with_cupy_but_no_device(fresh_cuda, request_name):
    fresh_cuda.setitem(sys.modules, "cupy", _fake_cupy(lambda: 0))
    assert gk.cuda.is_available() is False
    assert gk.cuda.device_count() == 0
    _expect_unavailable(_cuda_requests()[request_name], r"cupy is installed but no CUDA device is visible")


def test_cuda_with_driver_too_old(fresh_cuda):
    message = "cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version"
    fresh_cuda.setitem(sys.modules, "cupy", _fake_cupy(_raise(message)))
    assert gk.cuda.is_available() is False
    assert gk.cuda.device_count() == 0
    reason = gk.cuda.unavailable_reason()
    assert "driver is missing or too old" in reason and "insufficient" in reason
    for fn in _cuda_requests().values():
        _expect_unavailable(fn, r"the CUDA driver is missing or too old for this cupy build: "
                                r"cudaErrorInsufficientDriver")


def test_cuda_with_no_visible_device_error(fresh_cuda):
    fresh_cuda.setitem(sys.modules, "cupy", _fake_cupy(_raise("cudaErrorNoDevice: no CUDA-capable device is detected")))
    assert gk.cuda.is_available() is False
    _expect_unavailable(lambda: gk.zeros(1, device="cuda"), r"no CUDA device is visible: cudaErrorNoDevice")


def test_cuda_questions_that_need_a_device(fresh_cuda):
    fresh_cuda.setitem(sys.modules, "cupy", _fake_cupy(lambda: 0))
    with pytest.raises(RuntimeError, match=r"CUDA is not available: cupy is installed but no CUDA device is visible"):
        gk.cuda.current_device()
    assert gk.cuda.memory_allocated() == 0


def test_cuda_failures_leave_no_broken_backend_behind(fresh_cuda):
    fresh_cuda.setitem(sys.modules, "cupy", _fake_cupy(lambda: 0))
    with pytest.raises(BackendUnavailable):
        gk.zeros(1, device="cuda")
    assert "cuda" not in B._backends
    # and the same question asked again gives the same clear answer
    with pytest.raises(BackendUnavailable, match="no CUDA device"):
        gk.zeros(1, device="cuda")


def test_cuda_synchronize_is_a_no_op_without_cuda(fresh_cuda):
    fresh_cuda.setitem(sys.modules, "cupy", None)
    assert gk.cuda.synchronize() is None
    assert gk.cuda.synchronize("cuda:0") is None
    assert gk.cuda.synchronize(0) is None


def test_set_default_device_cuda_failure_keeps_the_old_default(fresh_cuda):
    fresh_cuda.setitem(sys.modules, "cupy", None)
    gk.set_default_device("strict")
    with pytest.raises(BackendUnavailable):
        gk.set_default_device("cuda")
    assert gk.get_default_device() == "strict"
    assert gk.zeros(1).device == "strict"


# --------------------------------------------------------------------------------------------
# device objects and strings
# --------------------------------------------------------------------------------------------
def test_device_cpu():
    d = gk.device("cpu")
    assert (d.type, d.index) == ("cpu", None)
    assert str(d) == "cpu"
    assert repr(d) == "device(type='cpu')"
    assert gk.device("cpu:0") is d  # one CPU device


def test_device_cuda_index_parsing():
    d = gk.device("cuda:1")
    assert (d.type, d.index) == ("cuda", 1)
    assert str(d) == "cuda:1"
    assert repr(d) == "device(type='cuda', index=1)"
    assert gk.device("cuda", 1) is d
    assert gk.device(1) is d  # an int means a CUDA ordinal, as in PyTorch
    assert gk.device(" cuda:1 ") is d
    plain = gk.device("cuda")
    assert (plain.type, plain.index) == ("cuda", None)
    assert repr(plain) == "device(type='cuda')"
    assert plain is not d


def test_device_strict():
    d = gk.device("strict")
    assert (d.type, d.index, str(d)) == ("strict", None, "strict")


def test_device_equality_with_strings():
    # (PyTorch's torch.device('cpu') == 'cpu' is False; gradkit compares by meaning)
    assert gk.device("cuda:1") == "cuda:1"
    assert gk.device("cuda:1") != "cuda:0"
    assert gk.device("cuda:1") != "cuda"
    assert gk.device("cpu") == "cpu"
    assert gk.device("cpu") != "strict"
    assert gk.device("cpu") != "not a device"  # no exception from ==
    assert gk.device("cpu") != 3.5
    assert gk.ones(1).device == "cpu"
    assert gk.ones(1, device="strict").device == "strict"


def test_devices_are_interned():
    assert gk.device("cuda:0") is gk.device("cuda", 0) is gk.device(gk.device("cuda:0"))
    assert gk.device("strict") is gk.device("strict")
    assert len({gk.device("cuda:0"), gk.device("cuda:0"), gk.device("cuda:1"), gk.device("cpu")}) == 3
    assert hash(gk.device("cuda:1")) == hash(gk.device("cuda", 1))
    import pickle

    assert pickle.loads(pickle.dumps(gk.device("cuda:1"))) is gk.device("cuda:1")


def test_device_object_from_tensor_is_reused():
    t = gk.ones(2, device="strict")
    assert gk.zeros(2, device=t.device).device is t.device


@pytest.mark.parametrize("spec, pattern", [
    ("gpu", r"Expected one of cpu, cuda, strict device type at start of device string: 'gpu'"),
    ("cuda:x", r"Invalid device string: 'cuda:x'"),
    ("cuda:-1", r"Invalid device string: 'cuda:-1'"),
    ("cpu:1", r"Invalid device string: 'cpu:1': gradkit has one CPU device"),
    ("", r"device type at start of device string: ''"),
])
def test_device_bad_strings(spec, pattern):
    with pytest.raises(RuntimeError, match=pattern):
        gk.device(spec)


def test_device_index_given_twice():
    with pytest.raises(RuntimeError, match=r"index given twice"):
        gk.device("cuda:0", 1)


# --------------------------------------------------------------------------------------------
# the default device
# --------------------------------------------------------------------------------------------
def test_default_device_is_cpu():
    assert gk.get_default_device() == "cpu"
    assert gk.zeros(2).device == "cpu"


def test_set_default_device(device):
    gk.set_default_device(device)
    assert gk.get_default_device() == device
    for t in (gk.zeros(2), gk.ones(2), gk.tensor([1.0]), gk.arange(3), gk.randn(2), gk.eye(2), gk.full((1,), 2.0),
              gk.linspace(0, 1, 3), gk.empty(2), gk.rand(2), gk.randint(0, 3, (2,)), gk.randperm(3)):
        assert t.device == device
    gk.set_default_device(None)
    assert gk.get_default_device() == "cpu"
    assert gk.zeros(1).device == "cpu"


def test_set_default_device_accepts_device_objects():
    gk.set_default_device(gk.device("strict"))
    assert gk.get_default_device() is gk.device("strict")
    assert gk.zeros(1).device == "strict"


def test_explicit_device_beats_the_default():
    gk.set_default_device("strict")
    assert gk.zeros(2, device="cpu").device == "cpu"


def test_gradkit_device_env_strict():
    out = assert_ok(run_python("""
        import gradkit as gk
        print(gk.get_default_device(), gk.zeros(2).device, gk.tensor([1, 2]).device, gk.randn(3).device)
        x = gk.arange(3.0, requires_grad=True)
        (x * x).sum().backward()
        print(x.grad.device)
    """, {"GRADKIT_DEVICE": "strict"}))
    assert out.split() == ["strict"] * 5


def test_gradkit_device_env_cpu_and_empty():
    assert assert_ok(run_python("import gradkit as gk; print(gk.zeros(1).device)", {"GRADKIT_DEVICE": "cpu"})) \
        .strip() == "cpu"
    assert assert_ok(run_python("import gradkit as gk; print(gk.zeros(1).device)", {"GRADKIT_DEVICE": ""})) \
        .strip() == "cpu"


def test_gradkit_device_env_invalid():
    proc = run_python("""
        import gradkit as gk        # importing still works: the variable is read on first use
        try:
            gk.zeros(1)
        except RuntimeError as exc:
            print(type(exc).__name__, exc)
    """, {"GRADKIT_DEVICE": "gpu"})
    out = assert_ok(proc)
    assert "RuntimeError GRADKIT_DEVICE='gpu' is not a valid device" in out
    assert "Expected one of cpu, cuda, strict" in out


def test_gradkit_device_env_cuda_without_cupy():
    out = assert_ok(run_python("""
        import sys
        sys.modules['cupy'] = None
        import gradkit as gk
        from gradkit.backends import BackendUnavailable
        try:
            gk.zeros(1)
        except BackendUnavailable as exc:
            print('BackendUnavailable', exc)
    """, {"GRADKIT_DEVICE": "cuda"}))
    assert "BackendUnavailable CUDA was asked for but cupy is not installed" in out


# --------------------------------------------------------------------------------------------
# device= on every factory
# --------------------------------------------------------------------------------------------
FACTORIES = {
    "tensor": lambda d: gk.tensor([1.0, 2.0], device=d),
    "tensor-from-numpy": lambda d: gk.tensor(np.arange(3.0), device=d),
    "as_tensor": lambda d: gk.as_tensor([1, 2], device=d),
    "zeros": lambda d: gk.zeros(2, 3, device=d),
    "ones": lambda d: gk.ones((2, 3), device=d),
    "full": lambda d: gk.full((2,), 7.0, device=d),
    "empty": lambda d: gk.empty(2, device=d),
    "zeros_like": lambda d: gk.zeros_like(gk.ones(2), device=d),
    "ones_like": lambda d: gk.ones_like(gk.ones(2), device=d),
    "empty_like": lambda d: gk.empty_like(gk.ones(2), device=d),
    "full_like": lambda d: gk.full_like(gk.ones(2), 3.0, device=d),
    "rand_like": lambda d: gk.rand_like(gk.ones(2), device=d),
    "randn_like": lambda d: gk.randn_like(gk.ones(2), device=d),
    "randint_like": lambda d: gk.randint_like(gk.ones(2, dtype=gk.int64), 5, device=d),
    "arange": lambda d: gk.arange(5, device=d),
    "arange-float": lambda d: gk.arange(0, 1, 0.25, device=d),
    "linspace": lambda d: gk.linspace(0, 1, 5, device=d),
    "logspace": lambda d: gk.logspace(0, 2, 3, device=d),
    "eye": lambda d: gk.eye(3, device=d),
    "rand": lambda d: gk.rand(2, 3, device=d),
    "randn": lambda d: gk.randn(2, 3, device=d),
    "randint": lambda d: gk.randint(0, 10, (4,), device=d),
    "normal": lambda d: gk.normal(0.0, 1.0, (3,), device=d),
    "randperm": lambda d: gk.randperm(5, device=d),
}


@pytest.mark.parametrize("name", list(FACTORIES))
def test_factory_device(name, device):
    t = FACTORIES[name](device)
    assert t.device.type == gk.device(device).type
    assert t.device is gk.device(device) or device == "cuda"
    # the values are usable on that device and come back to the host explicitly
    host = t.cpu().numpy()
    assert host.shape == tuple(t.shape)


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like"])
def test_like_factories_follow_their_input(name, device):
    src = gk.ones(2, 3, device=device)
    fn = {"zeros_like": gk.zeros_like, "ones_like": gk.ones_like, "empty_like": gk.empty_like,
          "full_like": lambda x: gk.full_like(x, 2.0), "rand_like": gk.rand_like, "randn_like": gk.randn_like}[name]
    out = fn(src)
    assert out.device == src.device and out.shape == src.shape


def test_factory_values_match_across_devices(device):
    assert np.array_equal(gk.arange(5, device=device).cpu().numpy(), np.arange(5))
    assert np.allclose(gk.linspace(0, 1, 5, device=device).cpu().numpy(), np.linspace(0, 1, 5))
    assert np.array_equal(gk.eye(3, device=device).cpu().numpy(), np.eye(3, dtype=np.float32))
    assert np.array_equal(gk.full((2,), 7.0, device=device).cpu().numpy(), [7.0, 7.0])
    assert sorted(gk.randperm(6, device=device).tolist()) == list(range(6))


# --------------------------------------------------------------------------------------------
# moving tensors: to / cpu
# --------------------------------------------------------------------------------------------
def test_to_device(device):
    x = gk.arange(6.0).reshape(2, 3)
    y = x.to(device)
    assert y.device.type == gk.device(device).type and y.dtype is gk.float32
    assert np.array_equal(y.cpu().numpy(), x.numpy())
    assert y.to(device) is y  # nothing to do: the same tensor
    assert x.to("cpu") is x


def test_to_dtype(device):
    x = gk.arange(4, device=device)
    y = x.to(gk.float64)
    assert y.dtype is gk.float64 and y.device == x.device
    assert x.to(gk.int64) is x
    assert x.to(dtype=gk.float32).dtype is gk.float32


def test_to_other_tensor(device):
    other = gk.zeros(1, dtype=gk.float64, device=device)
    y = gk.arange(3).to(other)
    assert y.device == other.device and y.dtype is gk.float64
    assert y.tolist() == [0.0, 1.0, 2.0]


def test_to_device_and_dtype(device):
    y = gk.arange(3).to(device, gk.float64)
    assert y.device.type == gk.device(device).type and y.dtype is gk.float64
    half = gk.float16 if device != "strict" else gk.float64  # the array API standard has no float16
    z = gk.arange(3).to(device=device, dtype=half)
    assert z.device.type == gk.device(device).type and z.dtype is half
    w = gk.arange(3).to(gk.device(device), dtype=gk.float32)
    assert w.device.type == gk.device(device).type and w.dtype is gk.float32


def test_to_copy_flag(device):
    x = gk.ones(2, device=device)
    y = x.to(device, copy=True)
    assert y is not x and y.device == x.device
    y.add_(1)
    assert x.tolist() == [1.0, 1.0]


def test_cpu_method(device):
    x = gk.arange(3.0, device=device)
    y = x.cpu()
    assert y.device == "cpu" and y.tolist() == [0.0, 1.0, 2.0]
    assert y.cpu() is y


def test_strict_to_cpu_to_strict_keeps_values():
    values = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    s = gk.tensor(values, device="strict")
    c = s.to("cpu")
    back = c.to("strict")
    assert back.device == "strict"
    assert np.array_equal(back.cpu().numpy(), values)
    for dt in (gk.float64, gk.int64, gk.bool, gk.int32, gk.int16, gk.int8, gk.uint8):
        t = gk.tensor(values, device="strict").to(dt)
        assert np.array_equal(t.cpu().to("strict").cpu().numpy(), t.cpu().numpy()), dt
        assert t.cpu().to("strict").dtype is dt


def test_strict_device_has_no_float16():
    # a clear TypeError (as PyTorch's MPS gives for float64), not array_api_strict's AttributeError
    for make in (lambda: gk.ones(2, device="strict", dtype=gk.float16),
                 lambda: gk.ones(2, device="strict").to(gk.float16),
                 lambda: gk.ones(2, dtype=gk.float16).to("strict")):
        with pytest.raises(TypeError, match=r"the strict test device has no float16 dtype"):
            make()


def test_moving_a_tensor_keeps_it_separate():
    c = gk.zeros(3)
    s = c.to("strict")
    c.add_(1)
    assert s.tolist() == [0.0, 0.0, 0.0]
    back = s.cpu()
    s.add_(5)
    assert back.tolist() == [0.0, 0.0, 0.0]
    host = np.zeros(3, dtype=np.float32)
    t = gk.tensor(host, device="strict")
    host += 1
    assert t.tolist() == [0.0, 0.0, 0.0]


def test_gradient_flows_back_across_to():
    x = gk.arange(3.0, requires_grad=True)
    y = x.to("strict") * 2
    assert y.device == "strict" and y.requires_grad
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    assert x.grad.device == "cpu"
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_gradient_flows_back_across_to_and_back():
    x = gk.arange(3.0, device="strict", requires_grad=True)
    y = (x.to("cpu") ** 2).to("strict").sum()
    y.backward()
    assert x.grad.device == "strict"
    assert x.grad.tolist() == [0.0, 2.0, 4.0]


def test_gradient_flows_back_across_to_with_dtype():
    x = gk.arange(3.0, requires_grad=True)
    y = x.to("strict", gk.float64)
    assert y.dtype is gk.float64
    (y * y).sum().backward()
    assert x.grad.device == "cpu" and x.grad.dtype is gk.float32
    assert x.grad.tolist() == [0.0, 2.0, 4.0]


def test_to_keeps_requires_grad_of_leaves_off_the_graph():
    x = gk.ones(2)
    assert x.to("strict").requires_grad is False


def test_cuda_method_rejects_other_devices():
    if gk.cuda.is_available():
        pytest.skip("CUDA present: .cuda('strict') has a different error path")
    with pytest.raises(RuntimeError):
        gk.ones(1).cuda("strict")


def test_cuda_synchronize_without_cuda():
    if gk.cuda.is_available():
        pytest.skip("CUDA present")
    assert gk.cuda.synchronize() is None


@pytest.mark.gpu
def test_cuda_roundtrip_when_present():
    if not gk.cuda.is_available():
        pytest.skip("no CUDA device (gradkit.cuda.is_available() is False)")
    x = gk.arange(4.0, requires_grad=True)
    y = x.cuda()
    assert y.device.type == "cuda" and y.device.index is not None
    (y * 3).sum().backward()
    assert x.grad.tolist() == [3.0] * 4
    assert gk.cuda.device_count() >= 1
    gk.cuda.synchronize()
