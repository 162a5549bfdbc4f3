"""``gradkit.cuda`` where CUDA cannot work, with a fake ``cupy`` whose device calls fail as
cupy's do on a machine without a GPU: questions answer False / 0, the functions that act
on a device raise RuntimeError saying why, ``synchronize()`` with no CUDA work done
returns without touching cupy (nothing can be queued), cupy's errors after CUDA work come
back as RuntimeError, and CUDA-marked tests skip cleanly."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import types

import pytest

import gradkit as gk
from gradkit import backends as B

NO_DEVICE = "cudaErrorNoDevice: no CUDA-capable device is detected"
OLD_DRIVER = "cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version"

FAKE_CUPY_SOURCE = '''
"""A cupy whose device calls fail as cupy's do on a machine without a usable GPU."""
import types

calls = []
failure = {failure!r}


class CUDARuntimeError(RuntimeError):
    pass


CUDARuntimeError.__module__ = "cupy_backends.cuda.api.runtime"


def _fail(name):
    def call(*args, **kwargs):
        calls.append(name)
        raise CUDARuntimeError(failure)
    return call


class Device:
    def __init__(self, index=0):
        self.index = index

    synchronize = _fail("Device.synchronize")


cuda = types.SimpleNamespace(
    Device=Device,
    runtime=types.SimpleNamespace(getDeviceCount=_fail("getDeviceCount"), getDevice=_fail("getDevice"),
                                  setDevice=_fail("setDevice"), getDeviceProperties=_fail("getDeviceProperties"),
                                  memGetInfo=_fail("memGetInfo"), CUDARuntimeError=CUDARuntimeError))
'''


def _fake_cupy(failure):
    module = types.ModuleType("cupy")
    exec(FAKE_CUPY_SOURCE.format(failure=failure), module.__dict__)
    return module


@pytest.fixture
def no_cuda_work(monkeypatch):
    """A process in which no CUDA backend was made (restored afterwards)."""
    monkeypatch.delitem(B._backends, "cuda", raising=False)
    return monkeypatch


@pytest.fixture(params=[(NO_DEVICE, "no CUDA device is visible"),
                        (OLD_DRIVER, "the CUDA driver is missing or too old")], ids=["no-device", "old-driver"])
def gpuless_cupy(request, no_cuda_work):
    failure, reason = request.param
    cupy = _fake_cupy(failure)
    no_cuda_work.setitem(sys.modules, "cupy", cupy)
    return cupy, reason


def test_questions_answer_no(gpuless_cupy):
    cupy, reason = gpuless_cupy
    assert gk.cuda.is_available() is False
    assert gk.cuda.device_count() == 0
    assert reason in gk.cuda.unavailable_reason()


def test_synchronize_without_cuda_work_touches_nothing(gpuless_cupy):
    cupy, _ = gpuless_cupy
    gk.cuda.synchronize()
    gk.cuda.synchronize("cuda:0")
    gk.cuda.synchronize(1)
    assert gk.cuda.memory_allocated() == 0
    assert cupy.calls == []


@pytest.mark.parametrize("call", [
    gk.cuda.current_device, lambda: gk.cuda.set_device(0), lambda: gk.cuda.set_device("cuda:1"),
    lambda: gk.cuda.get_device_name(0), gk.cuda.get_device_name,
], ids=["current_device", "set_device-0", "set_device-cuda:1", "get_device_name-0", "get_device_name"])
def test_device_calls_raise_runtime_error_saying_why(gpuless_cupy, call):
    cupy, reason = gpuless_cupy
    with pytest.raises(RuntimeError, match="CUDA is not available: " + reason):
        call()


def test_device_calls_without_cupy_say_what_to_install(no_cuda_work):
    no_cuda_work.setitem(sys.modules, "cupy", None)  # `import cupy` raises ImportError
    with pytest.raises(RuntimeError, match=r"cupy is not installed: pip install 'gradkit\[cuda12\]'"):
        gk.cuda.current_device()
    with pytest.raises(RuntimeError, match="cupy is not installed"):
        gk.cuda.get_device_name()


class _LostDeviceBackend:
    """A CUDA backend made while the device worked, whose device has since gone."""
    name = "cupy"

    def __init__(self, cupy):
        self._cupy = cupy

    def synchronize(self, device=None):
        self._cupy.cuda.Device().synchronize()

    def memory_info(self, device=None):
        self._cupy.cuda.runtime.memGetInfo()


def test_cupy_errors_after_cuda_work_come_back_as_runtime_error(no_cuda_work):
    cupy = _fake_cupy("cudaErrorDevicesUnavailable: CUDA-capable device(s) is/are busy or unavailable")
    no_cuda_work.setitem(sys.modules, "cupy", cupy)
    no_cuda_work.setitem(B._backends, "cuda", _LostDeviceBackend(cupy))
    with pytest.raises(RuntimeError, match="CUDA error: cudaErrorDevicesUnavailable") as info:
        gk.cuda.synchronize()
    assert type(info.value) is RuntimeError  # not cupy's own class: callers need no cupy to catch it
    with pytest.raises(RuntimeError, match="CUDA error: cudaErrorDevicesUnavailable"):
        gk.cuda.memory_allocated()
    assert cupy.calls == ["Device.synchronize", "memGetInfo"]


def test_cuda_marked_tests_skip_cleanly_with_a_gpuless_cupy(tmp_path):
    """A whole pytest run in a process whose ``import cupy`` finds the fake: the CUDA
    parameters are skipped, nothing fails, and synchronize() never imports cupy."""
    package = tmp_path / "cupy"
    package.mkdir()
    (package / "__init__.py").write_text(FAKE_CUPY_SOURCE.format(failure=NO_DEVICE))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env.pop("GRADKIT_DEVICE", None)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["GRADKIT_CUPY_DOUBLE"] = "0"  # the run that skips (by default the CuPy test double takes the cuda cases)
    probe = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import sys
        import gradkit
        gradkit.cuda.synchronize()
        assert 'cupy' not in sys.modules
        import cupy
        assert cupy.__file__.startswith(sys.argv[1]), cupy.__file__
        assert gradkit.cuda.is_available() is False
        print(gradkit.cuda.unavailable_reason())
    """), str(tmp_path)], capture_output=True, text=True, env=env, timeout=120)
    assert probe.returncode == 0, probe.stderr
    assert "no CUDA device is visible" in probe.stdout
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                          os.path.join("tests", "ops", "test_view_record.py")],
                         capture_output=True, text=True, env=env, timeout=300, cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    # no failed or erroring test in pytest's counts (the skip reason itself may quote cupy's error)
    assert not re.search(r"\b\d+ (failed|errors?)\b", run.stdout), run.stdout
    assert "no CUDA device" in run.stdout  # the skip reason of the cuda parameters
