"""Shared fixtures: ``device`` runs a test on the CPU, on the strict test device
(array_api_strict's device1, a stand-in for an accelerator) and on CUDA: on a real GPU where
one is present, else on the CuPy test double (tests/_cupy_double: NumPy behind CuPy's
signatures and refusals, two devices), which runs gradkit's CUDA code path on the CPU and is
NOT GPU validation. GRADKIT_CUPY_DOUBLE=0 turns the double off (the cuda cases are then
skipped). Tests marked ``slow`` run only when asked for: ``-m slow`` or ``GRADKIT_SLOW=1``."""
from __future__ import annotations

import importlib.util
import os
import sys

import pytest

import gradkit

_CUDA = None
_DOUBLE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_cupy_double")


def cuda_available() -> bool:
    global _CUDA
    if _CUDA is None:
        _CUDA = gradkit.cuda.is_available()
    return _CUDA


def _install_cupy_double() -> bool:
    """Puts the CuPy test double where ``import cupy`` finds it, when no real GPU answers
    (a real GPU always wins). True when the double is in use."""
    if cuda_available() or os.environ.get("GRADKIT_CUPY_DOUBLE", "1") == "0":
        return False
    for name in [n for n in sys.modules if n.split(".")[0] in ("cupy", "cupyx", "cupy_backends")]:
        del sys.modules[name]  # a real cupy that imported without a device
    sys.path.insert(0, _DOUBLE_DIR)
    import cupy

    assert getattr(cupy, "IS_TEST_DOUBLE", False), cupy.__file__
    global _CUDA
    _CUDA = None
    return cuda_available()


def using_cupy_double() -> bool:
    return "cupy" in sys.modules and getattr(sys.modules["cupy"], "IS_TEST_DOUBLE", False)


def _device_params():
    params = [pytest.param("cpu", id="cpu"), pytest.param("strict", id="strict", marks=pytest.mark.skipif(
        importlib.util.find_spec("array_api_strict") is None, reason="array_api_strict is not installed"))]
    # a concrete device, as PyTorch's device-generic tests get ("cuda" means the current
    # device, which is not equal to cuda:0 as a device object)
    params.append(pytest.param("cuda:0", id="cuda", marks=[pytest.mark.gpu, pytest.mark.skipif(
        "not config._gradkit_cuda", reason="no CUDA device (gradkit.cuda.is_available() is False)")]))
    return params


def pytest_configure(config):
    config._gradkit_double = _install_cupy_double() or using_cupy_double()  # also: the double on PYTHONPATH
    config._gradkit_cuda = cuda_available()


def pytest_report_header(config):
    if config._gradkit_double:
        return "gradkit: cuda cases run on the CuPy test double (NumPy on the CPU), NOT on a GPU"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One line on where the cuda cases ran or why they were skipped (also under -q, where
    pytest prints no header)."""
    def is_cuda(report):
        return "[cuda" in report.nodeid or "-cuda" in report.nodeid

    if config._gradkit_double:
        ran = sum(1 for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])
                  if is_cuda(r) and r.when == "call")
        if ran:
            terminalreporter.write_line(f"gradkit: {ran} cuda cases ran on the CuPy test double (NumPy on the CPU "
                                        f"with CuPy's signatures and refusals): NOT GPU validation")
        return
    if config._gradkit_cuda:
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if is_cuda(r)]
    if skipped:
        terminalreporter.write_line(f"gradkit: {len(skipped)} cuda cases skipped: {gradkit.cuda.unavailable_reason()}")


def slow_enabled(config) -> bool:
    return "slow" in (config.getoption("markexpr") or "") or bool(os.environ.get("GRADKIT_SLOW"))


# On the CuPy test double these cuda cases cost the most (thousands of steps through the
# double's Python wrappers, measuring memory that the double does not manage as CuPy's pool
# does): they count as slow there, and run in full on a GPU.
SLOW_ON_THE_DOUBLE = ("tests/reliability/test_memory_and_stress.py",)


def pytest_collection_modifyitems(config, items):
    if config._gradkit_double:
        for item in items:
            if "[cuda" in item.nodeid and item.nodeid.startswith(SLOW_ON_THE_DOUBLE):
                item.add_marker(pytest.mark.slow)
    if slow_enabled(config):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow or GRADKIT_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=_device_params())
def device(request):
    """A device string; tensors made with device=device live there."""
    return request.param


@pytest.fixture(autouse=True)
def _restore_global_state():
    dtype = gradkit.get_default_dtype()
    dev = gradkit.get_default_device()
    yield
    gradkit.set_default_dtype(dtype)
    gradkit.set_default_device(dev)
