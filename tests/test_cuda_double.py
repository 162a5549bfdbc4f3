"""The CUDA path's defects found without a GPU, each pinned by a test that runs on the CuPy
test double (tests/_cupy_double) in CI and on a real GPU where there is one; and the
double's own contract: it refuses what CuPy refuses, so the cuda cases mean something.
None of this is GPU validation."""
from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import gradkit as gk
import gradkit.nn.functional as F
from gradkit.utils.checkpoint import checkpoint

from conftest import cuda_available, using_cupy_double

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOUBLE_DIR = os.path.join(ROOT, "tests", "_cupy_double")

needs_cuda = pytest.mark.skipif(not cuda_available(), reason="no CUDA device and no CuPy test double")
needs_two = pytest.mark.skipif(not cuda_available() or gk.cuda.device_count() < 2,
                               reason="needs two CUDA devices (the CuPy test double has two)")
needs_double = pytest.mark.skipif(not using_cupy_double(), reason="checks the CuPy test double itself")


def cupy():
    import cupy as cp

    return cp


# ------------------------------------------------------------------------------------------
# 1. checkpoint rewinds the CUDA generator (a copy of CuPy's generator fails: it holds a lock)
# ------------------------------------------------------------------------------------------
@needs_cuda
def test_checkpoint_recomputes_the_same_cuda_dropout_mask():
    gk.manual_seed(0)
    x = gk.randn(6, 16, device="cuda:0", requires_grad=True)
    gk.rand(3, device="cuda:0")  # the device's generator has drawn before the segment

    def segment(t):
        return F.dropout(t * 2.0, p=0.5, training=True)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "can't save the random state" warning
        y = checkpoint(segment, x, use_reentrant=False)
        y.sum().backward()
    kept = (y.detach() != 0).cpu().numpy()
    assert 0 < kept.sum() < kept.size
    np.testing.assert_array_equal(x.grad.cpu().numpy(), np.where(kept, 4.0, 0.0))


@needs_cuda
def test_cuda_rng_state_round_trip():
    gk.manual_seed(3)
    state = gk.cuda.get_rng_state("cuda:0")
    first = gk.rand(5, device="cuda:0").cpu().numpy()
    gk.cuda.set_rng_state(state, "cuda:0")
    np.testing.assert_array_equal(gk.rand(5, device="cuda:0").cpu().numpy(), first)


# ------------------------------------------------------------------------------------------
# 2. cuda:1 is honoured: factories and ops run with the tensor's device current
# ------------------------------------------------------------------------------------------
FACTORIES = {
    "zeros": lambda d: gk.zeros(2, 3, device=d), "ones": lambda d: gk.ones(2, 3, device=d),
    "empty": lambda d: gk.empty(2, 3, device=d), "full": lambda d: gk.full((2, 3), 1.5, device=d),
    "arange": lambda d: gk.arange(6, device=d), "linspace": lambda d: gk.linspace(0, 1, 5, device=d),
    "eye": lambda d: gk.eye(3, device=d), "rand": lambda d: gk.rand(4, device=d),
    "randn": lambda d: gk.randn(4, device=d), "randint": lambda d: gk.randint(0, 5, (4,), device=d),
    "tensor": lambda d: gk.tensor([1.0, 2.0], device=d), "zeros_like": lambda d: gk.zeros_like(gk.ones(2, device=d)),
}


@needs_two
@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_factories_allocate_on_the_device_asked(name):
    t = FACTORIES[name]("cuda:1")
    assert t.device == gk.device("cuda:1")
    assert t._data.device.id == 1
    assert gk.cuda.current_device() == 0  # the user's current device is not moved by the allocation


@needs_two
def test_a_training_step_runs_on_cuda_1():
    gk.manual_seed(0)
    model = gk.nn.Sequential(gk.nn.Linear(5, 8), gk.nn.ReLU(), gk.nn.Dropout(0.2), gk.nn.Linear(8, 3)).to("cuda:1")
    opt = gk.optim.Adam(model.parameters(), lr=0.01)
    x, y = gk.randn(16, 5, device="cuda:1"), gk.randint(0, 3, (16,), device="cuda:1")
    for _ in range(2):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    assert all(p._data.device.id == 1 and p.grad._data.device.id == 1 for p in model.parameters())
    assert np.isfinite(loss.item())
    assert gk.zeros(1, device="cuda").device == gk.device("cuda:0")


@needs_two
def test_set_device_moves_what_cuda_means():
    gk.cuda.set_device(1)
    try:
        assert gk.cuda.current_device() == 1
        t = gk.ones(2, device="cuda")
        assert t.device == gk.device("cuda:1") and t._data.device.id == 1
        assert (t + 1).sum().item() == 4.0
    finally:
        gk.cuda.set_device(0)


@needs_two
def test_moving_between_devices():
    a = gk.arange(4.0, device="cuda:0")
    b = a.to("cuda:1")
    assert b._data.device.id == 1 and b.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert (b * 2).to("cuda:0").tolist() == [0.0, 2.0, 4.0, 6.0]
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        a + b


# ------------------------------------------------------------------------------------------
# 3. array-api-compat missing: CUDA is not available, and the reason says what to install
# ------------------------------------------------------------------------------------------
@needs_cuda
def test_missing_array_api_compat_makes_cuda_unavailable_with_the_reason(monkeypatch):
    monkeypatch.setitem(sys.modules, "array_api_compat", None)
    assert gk.cuda.is_available() is False
    assert "array-api-compat" in gk.cuda.unavailable_reason()


# ------------------------------------------------------------------------------------------
# 4. DLPack between host and device, both ways
# ------------------------------------------------------------------------------------------
class HostProducer:
    """A DLPack producer on the CPU that is not a NumPy array (as a PyTorch CPU tensor)."""

    def __init__(self, array):
        self.array = array

    def __dlpack__(self, **kwargs):
        return self.array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.array.__dlpack_device__()


@needs_cuda
@pytest.mark.parametrize("target", ["cuda:0", "cuda:1"])
def test_dlpack_from_the_host_to_a_cuda_tensor(target):
    if target == "cuda:1" and gk.cuda.device_count() < 2:
        pytest.skip("one CUDA device")
    t = gk.tensor(HostProducer(np.arange(4.0, dtype=np.float32)), device=target)
    assert t.device == gk.device(target) and t._data.device.id == gk.device(target).index
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]


@needs_cuda
def test_dlpack_from_a_cupy_array_to_cpu_and_cuda_tensors():
    cp = cupy()
    with cp.cuda.Device(0):
        array = cp.arange(3, dtype=cp.float32)
    on_cpu = gk.tensor(array, device="cpu")
    assert on_cpu.device == gk.device("cpu") and on_cpu.tolist() == [0.0, 1.0, 2.0]
    on_gpu = gk.from_dlpack(array)
    assert on_gpu.device == gk.device("cuda:0") and on_gpu.tolist() == [0.0, 1.0, 2.0]


# ------------------------------------------------------------------------------------------
# 5. memory questions answer for the device asked
# ------------------------------------------------------------------------------------------
@needs_two
def test_memory_allocated_reads_the_device_asked():
    gk.zeros(1, device="cuda:0")
    before0, before1 = gk.cuda.memory_allocated(0), gk.cuda.memory_allocated("cuda:1")
    big = gk.zeros(1 << 20, device="cuda:1")
    assert gk.cuda.memory_allocated(1) - before1 >= 4 << 20
    assert gk.cuda.memory_allocated(0) - before0 < 4 << 20
    del big


# ------------------------------------------------------------------------------------------
# 6. synchronize() without CUDA work does not import cupy, where cupy is installed
# ------------------------------------------------------------------------------------------
def test_synchronize_without_cuda_work_leaves_an_installed_cupy_unimported():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([DOUBLE_DIR, os.environ.get("PYTHONPATH", "")]))
    env.pop("GRADKIT_DEVICE", None)
    code = textwrap.dedent("""
        import importlib.util, sys
        import gradkit
        assert importlib.util.find_spec("cupy") is not None  # installed
        gradkit.cuda.synchronize()
        gradkit.cuda.synchronize(0)
        assert gradkit.cuda.memory_allocated() == 0
        assert "cupy" not in sys.modules
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr


# ------------------------------------------------------------------------------------------
# the double refuses what CuPy refuses (else the cuda cases would pass code CuPy rejects)
# ------------------------------------------------------------------------------------------
@needs_double
def test_double_refuses_implicit_host_conversion():
    cp = cupy()
    a = cp.ones(3)
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array is not allowed"):
        np.asarray(a)
    for bad in (lambda: a + np.ones(3), lambda: cp.exp(np.ones(3)), lambda: cp.sum(np.ones(3)),
                lambda: a.__setitem__(slice(None), np.ones(3)), lambda: np.ones(3) * a):
        with pytest.raises(TypeError, match="Unsupported type <class 'numpy.ndarray'>"):
            bad()
    assert np.array_equal(a.get(), np.ones(3)) and np.array_equal(cp.asnumpy(a), np.ones(3))
    assert float(a.sum()) == 3.0 and type(a.sum()) is cp.ndarray  # a 0-d array, as CuPy's
    with pytest.raises(TypeError):
        [1, 2, 3][a.sum().astype(cp.int64)]  # 0-d arrays have no __index__ in CuPy


@needs_double
def test_double_checks_cupy_signatures_and_add_at_types():
    cp = cupy()
    with pytest.raises(TypeError, match="unexpected keyword argument 'device'"):
        cp.zeros(3, device=1)  # CuPy's zeros has no device=: array-api-compat drops it
    with pytest.raises(TypeError, match="cupy.add.at only supports"):
        cp.add.at(cp.zeros(3, dtype=cp.int64), cp.asarray([0, 0]), cp.asarray([1, 1]))
    out = cp.zeros(3, dtype=cp.float32)
    cp.add.at(out, cp.asarray([0, 0, 2]), cp.asarray([1.0, 1.0, 5.0], dtype=cp.float32))
    assert out.get().tolist() == [2.0, 0.0, 5.0]


@needs_double
def test_double_generator_holds_a_lock_and_devices_need_peer_access():
    cp = cupy()
    with pytest.raises(TypeError, match="lock"):
        copy.deepcopy(cp.random.default_rng(0))
    with cp.cuda.Device(1):
        b = cp.ones(2)
    assert b.device.id == 1
    with cp.cuda.Device(0), pytest.raises(ValueError, match="Peer access is unavailable"):
        b + 1
    with cp.cuda.Device(1):
        assert (b + 1).device.id == 1


@needs_double
def test_double_compiles_elementwise_kernels_for_the_cpu():
    cp = cupy()
    kernel = cp.ElementwiseKernel("T x, T y", "T z", "z = x * y + T(1)", "gradkit_double_check")
    x = cp.arange(4, dtype=cp.float64)
    z = cp.empty(4, dtype=cp.float64)
    kernel(x, cp.full(4, 2.0), z)
    assert z.get().tolist() == [1.0, 3.0, 5.0, 7.0]
    broken = cp.ElementwiseKernel("T x", "T z", "z = x +* 1", "gradkit_double_broken")
    with pytest.raises(RuntimeError, match="failed to compile"):
        broken(x, z)
    with pytest.raises(NotImplementedError, match="test double"):
        cp.RawKernel("extern \"C\" __global__ void k() {}", "k")()


# ------------------------------------------------------------------------------------------
# packaging: a machine without NVRTC or the CUDA headers is told which extra to install
# ------------------------------------------------------------------------------------------
@needs_double
@pytest.mark.parametrize("failure, what", [("nvrtc", "NVRTC"), ("headers", "CUDA headers")])
def test_missing_nvrtc_or_headers_names_the_extra(failure, what):
    from cupy import _core
    from gradkit.backends.cupy_backend import CupyBackend

    _core.COMPILE_FAILURE[0] = failure
    try:
        with pytest.raises(RuntimeError, match=rf"cannot compile kernels: .*{what}.*pip install 'gradkit\[cuda12\]'"):
            CupyBackend()
    finally:
        _core.COMPILE_FAILURE[0] = None
    CupyBackend()  # and with the libraries there, the backend starts


@needs_double
def test_the_no_cuda_answers_still_run_where_the_double_stands_in():
    """The graph-capture, stream and memory tests check what gradkit answers without CUDA;
    where the double makes CUDA available to the suite, they run in a process without it."""
    files = [os.path.join(ROOT, "tests", name) for name in ("test_cuda_graphs.py", "test_cuda_streams.py")]
    env = dict(os.environ, GRADKIT_CUPY_DOUBLE="0")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    passed = int(done.stdout.splitlines()[-1].split(" passed")[0].split()[-1])
    assert passed >= 10, done.stdout[-500:]  # (only their cuda-device cases skip)
