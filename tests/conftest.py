"""Shared fixtures: ``device`` runs a test on the CPU, on the strict test device
(array_api_strict's device1, a stand-in for an accelerator) and on CUDA where present.
Tests marked ``slow`` run only when asked for: ``-m slow`` or ``GRADKIT_SLOW=1``."""
from __future__ import annotations

import os

import pytest

import gradkit

_CUDA = None


def cuda_available() -> bool:
    global _CUDA
    if _CUDA is None:
        _CUDA = gradkit.cuda.is_available()
    return _CUDA


def _device_params():
    params = [pytest.param("cpu", id="cpu"), pytest.param("strict", id="strict")]
    params.append(pytest.param("cuda", id="cuda", marks=[pytest.mark.gpu, pytest.mark.skipif(
        "not config._gradkit_cuda", reason="no CUDA device (gradkit.cuda.is_available() is False)")]))
    return params


def pytest_configure(config):
    config._gradkit_cuda = cuda_available()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One line on why the cuda cases were skipped (also under -q, where pytest prints no header)."""
    if config._gradkit_cuda:
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "[cuda" in r.nodeid or "-cuda" in r.nodeid]
    if skipped:
        terminalreporter.write_line(f"gradkit: {len(skipped)} cuda cases skipped: {gradkit.cuda.unavailable_reason()}")


def slow_enabled(config) -> bool:
    return "slow" in (config.getoption("markexpr") or "") or bool(os.environ.get("GRADKIT_SLOW"))


def pytest_collection_modifyitems(config, items):
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
