"""Runtime settings PyTorch scripts touch: threads, deterministic algorithms, the
torch.backends settings namespace, gradkit.accelerator, the Tensor device flags, and
hasattr(gradkit, name) for any name (values recorded from PyTorch 2.13 where it has them)."""
import subprocess
import sys

import pytest

import gradkit


@pytest.fixture
def restore_threads():
    before = gradkit.get_num_threads()
    yield
    gradkit.set_num_threads(before)


def test_num_threads_round_trip(restore_threads):
    assert isinstance(gradkit.get_num_threads(), int) and gradkit.get_num_threads() >= 1
    gradkit.set_num_threads(1)
    assert gradkit.get_num_threads() == 1
    x = gradkit.randn(64, 64)
    assert gradkit.allclose(x @ x, gradkit.from_numpy(x.numpy() @ x.numpy()))


def test_num_threads_reaches_numpys_blas(restore_threads):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    gradkit.set_num_threads(1)
    blas = [pool for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_set_num_threads_refusals():
    with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
        gradkit.set_num_threads(0)
    with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
        gradkit.set_num_threads(-1)
    with pytest.raises(RuntimeError, match="set_num_threads expects an int, but got float"):
        gradkit.set_num_threads(1.5)


def test_deterministic_algorithms_switch():
    assert gradkit.are_deterministic_algorithms_enabled() is False
    assert gradkit.is_deterministic_algorithms_warn_only_enabled() is False
    try:
        gradkit.use_deterministic_algorithms(True, warn_only=True)
        assert gradkit.are_deterministic_algorithms_enabled() and gradkit.is_deterministic_algorithms_warn_only_enabled()
        assert gradkit.get_deterministic_debug_mode() == 1
        gradkit.use_deterministic_algorithms(True)
        assert gradkit.get_deterministic_debug_mode() == 2
        gradkit.set_deterministic_debug_mode("warn")
        assert gradkit.are_deterministic_algorithms_enabled() and gradkit.is_deterministic_algorithms_warn_only_enabled()
        gradkit.use_deterministic_algorithms(False, warn_only=True)  # PyTorch keeps warn_only as given
        assert not gradkit.are_deterministic_algorithms_enabled()
        assert gradkit.is_deterministic_algorithms_warn_only_enabled()
        assert gradkit.get_deterministic_debug_mode() == 0
    finally:
        gradkit.use_deterministic_algorithms(False)
    with pytest.raises(TypeError, match="argument 'mode' \\(position 1\\) must be bool, not str"):
        gradkit.use_deterministic_algorithms("yes")
    with pytest.raises(TypeError, match="argument 'warn_only' must be bool, not int"):
        gradkit.use_deterministic_algorithms(True, warn_only=1)
    with pytest.raises(RuntimeError, match="expected one of `default`, `warn`, `error`, but got x"):
        gradkit.set_deterministic_debug_mode("x")
    with pytest.raises(RuntimeError, match="expected 0, 1, or 2, but got 5"):
        gradkit.set_deterministic_debug_mode(5)
    assert not gradkit.are_deterministic_algorithms_enabled()


def test_backends_settings_namespace():
    cudnn = gradkit.backends.cudnn
    assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32) == (True, False, False, True)
    assert cudnn.is_available() is False and cudnn.version() is None
    try:
        cudnn.benchmark = True
        cudnn.deterministic = True
        assert gradkit.backends.cudnn.benchmark and gradkit.backends.cudnn.deterministic
    finally:
        cudnn.benchmark = cudnn.deterministic = False
    matmul = gradkit.backends.cuda.matmul
    assert matmul.allow_tf32 is False and matmul.allow_fp16_reduced_precision_reduction is True
    try:
        matmul.allow_tf32 = True
        assert gradkit.backends.cuda.matmul.allow_tf32 is True
    finally:
        matmul.allow_tf32 = False
    with pytest.raises(AttributeError, match="Unknown attribute allow_tf31"):
        matmul.allow_tf31 = True
    with pytest.raises(AttributeError, match="Unknown attribute allow_tf31"):
        matmul.allow_tf31
    assert gradkit.backends.mps.is_available() is False and gradkit.backends.mps.is_built() is False
    assert isinstance(gradkit.backends.cuda.is_built(), bool)


def test_settings_modules_import_as_torch_scripts_do():
    import gradkit.backends.cudnn as cudnn
    from gradkit.backends import cuda, mps

    assert cudnn is gradkit.backends.cudnn and cuda.matmul is gradkit.backends.cuda.matmul
    assert mps.is_available() is False
    # the dispatch layer is untouched: the settings module is not the CUDA backend
    assert gradkit.backends.get_backend("cpu").name == "numpy"


def test_accelerator_answers():
    acc = gradkit.accelerator
    if gradkit.cuda.is_available():
        assert acc.is_available() and acc.current_accelerator() == gradkit.device("cuda")
        assert acc.device_count() == gradkit.cuda.device_count() >= 1
    else:
        assert acc.is_available() is False
        assert acc.current_accelerator() is None
        assert acc.device_count() == 0


def test_tensor_device_flags(device):
    x = gradkit.ones(2, device=device)
    assert x.is_cpu == (device == "cpu")
    assert x.is_cuda == device.startswith("cuda")
    assert x.is_xpu is False and x.is_mps is False
    with pytest.raises(AttributeError):
        x.is_cuda = True


@pytest.mark.parametrize("name", ["testing", "accelerator", "viz", "backends", "no_such_name", "", " ", "a b", "\x00",
                                  "__wrapped__", "__path__", "ünïcode", "1abc", "bfloat17", "cuda.is_available",
                                  "_private", "__getattr__", "x" * 500])
def test_hasattr_never_raises(name):
    assert hasattr(gradkit, name) in (True, False)
    assert getattr(gradkit, name, None) is None or hasattr(gradkit, name)


def test_hasattr_survives_a_submodule_that_fails_to_load():
    code = ("import sys, gradkit\n"
            "sys.modules['gradkit.viz'] = None\n"  # makes 'import gradkit.viz' raise ImportError
            "assert hasattr(gradkit, 'viz') is False\n"
            "try:\n    gradkit.viz\nexcept AttributeError as e:\n    assert 'failed to load' in str(e)\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_testing_and_accelerator_are_submodules():
    import gradkit.accelerator
    import gradkit.testing

    assert gradkit.testing.assert_close is not None and gradkit.accelerator.is_available is not None
