"""Where PyTorch refuses and gradkit used to be permissive: bincount, allclose across
dtypes, binary_cross_entropy_with_logits with a non-float target, CUDA where it cannot
work; and np.asarray of computed 0-d tensors. Messages recorded from PyTorch 2.13."""
import subprocess
import sys

import numpy as np
import pytest

import gradkit
import gradkit.nn.functional as F


# ---------------------------------------------------------------------------------- bincount
def test_bincount_refusals(device):
    t = lambda values, **kw: gradkit.tensor(values, device=device, **kw)  # noqa: E731
    for values in ([1, -1, 2], [-3]):
        with pytest.raises(RuntimeError, match=r"^bincount only supports 1-d non-negative integral inputs\.$"):
            gradkit.bincount(t(values))
    with pytest.raises(RuntimeError, match=r"^bincount only supports 1-d non-negative integral inputs\.$"):
        gradkit.bincount(t([[1, 2]]))
    with pytest.raises(RuntimeError, match=r"^bincount only supports 1-d non-negative integral inputs\.$"):
        gradkit.bincount(t(1))
    if not device.startswith("cuda"):
        with pytest.raises(NotImplementedError, match="^\"bincount_cpu\" not implemented for 'Float'$"):
            gradkit.bincount(t([1., 2.]), minlength=-1)  # the dtype is checked first
        with pytest.raises(NotImplementedError, match="^\"bincount_cpu\" not implemented for 'Bool'$"):
            gradkit.bincount(t([True, False]))
    with pytest.raises(RuntimeError, match="^minlength should be >= 0$"):
        gradkit.bincount(t([-1]), minlength=-1)
    with pytest.raises(RuntimeError, match="^weights should be 1-d and have the same length as input$"):
        gradkit.bincount(t([1, 2]), weights=t([1., 2., 3.]))


def test_bincount_values_and_dtypes(device):
    t = lambda values, **kw: gradkit.tensor(values, device=device, **kw)  # noqa: E731
    out = gradkit.bincount(t([0, 3, 3]), minlength=6)
    assert out.dtype is gradkit.int64 and out.tolist() == [1, 0, 0, 2, 0, 0]
    assert gradkit.bincount(t([], dtype=gradkit.int64)).tolist() == []
    assert gradkit.bincount(t([1, 2], dtype=gradkit.uint8)).tolist() == [0, 1, 1]
    f32 = gradkit.bincount(t([1, 2], dtype=gradkit.int32), weights=t([1., 2.]))
    assert f32.dtype is gradkit.float32 and f32.tolist() == [0., 1., 2.]
    # every other weight dtype counts in float64, as PyTorch
    for weights in (t([1, 2]), t([1., 2.], dtype=gradkit.float64), t([True, False])):
        out = gradkit.bincount(t([1, 2]), weights=weights)
        assert out.dtype is gradkit.float64
    assert gradkit.bincount(t([1, 2]), weights=t([True, False])).tolist() == [0., 1., 0.]


# ---------------------------------------------------------------------------------- allclose
# PyTorch 2.13's messages, the same for isclose and allclose
MIXED_DTYPES = [
    ("float32", "float64", "Float did not match Double"),
    ("float32", "int64", "Float did not match Long"),
    ("int64", "int32", "Long did not match Int"),
    ("float16", "float32", "Half did not match Float"),
    ("bool", "float32", "Bool did not match Float"),
]


@pytest.mark.parametrize("a, b, message", MIXED_DTYPES)
def test_isclose_refuses_mixed_dtypes(device, a, b, message):
    if device == "strict" and "float16" in (a, b):
        pytest.skip("the strict device has no float16")
    x = gradkit.ones(2, dtype=getattr(gradkit, a), device=device)
    y = gradkit.ones(2, dtype=getattr(gradkit, b), device=device)
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        gradkit.isclose(x, y)
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        x.isclose(y)


@pytest.mark.parametrize("a, b, message", MIXED_DTYPES)
def test_allclose_refuses_mixed_dtypes(device, a, b, message):
    if device == "strict" and "float16" in (a, b):
        pytest.skip("the strict device has no float16")
    x = gradkit.ones(2, dtype=getattr(gradkit, a), device=device)
    y = gradkit.ones(2, dtype=getattr(gradkit, b), device=device)
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        gradkit.allclose(x, y)
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        x.allclose(y)


def test_allclose_same_dtype(device):
    assert gradkit.allclose(gradkit.ones(2, device=device), gradkit.ones(1, device=device))
    assert gradkit.allclose(gradkit.ones(2, dtype=gradkit.bool, device=device),
                            gradkit.ones(2, dtype=gradkit.bool, device=device))
    assert not gradkit.allclose(gradkit.tensor([True, False], device=device), gradkit.tensor([True, True], device=device))
    assert gradkit.allclose(gradkit.tensor([1., 2.], dtype=gradkit.float64, device=device),
                            gradkit.tensor([1., 2. + 1e-9], dtype=gradkit.float64, device=device))


# ---------------------------------------------------------------------------------- BCE with logits
def test_bce_with_logits_refuses_non_float_target(device):
    x = gradkit.zeros(3, device=device)
    for dtype, name in ((gradkit.int64, "Long"), (gradkit.int32, "Int")):
        target = gradkit.tensor([0, 1, 1], dtype=dtype, device=device)
        with pytest.raises(RuntimeError, match=f"^result type Float can't be cast to the desired output type {name}$"):
            F.binary_cross_entropy_with_logits(x, target)
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
            gradkit.nn.BCEWithLogitsLoss()(x, target)
    with pytest.raises(RuntimeError, match=r"^Subtraction, the `-` operator, with two bool tensors is not supported"):
        F.binary_cross_entropy_with_logits(x, gradkit.tensor([False, True, True], device=device))
    with pytest.raises(ValueError, match=r"Target size .* must be the same as input size"):  # the shape comes first
        F.binary_cross_entropy_with_logits(x, gradkit.zeros(2, dtype=gradkit.int64, device=device))
    loss = F.binary_cross_entropy_with_logits(x, gradkit.tensor([0., 1., 1.], device=device))
    assert abs(loss.item() - 0.6931471824645996) < 1e-7


# ---------------------------------------------------------------------------------- __array__
def test_asarray_of_computed_zero_d_tensors():
    # the gradient-descent plots of d2l: a list of losses, each a 0-d result
    w = gradkit.tensor([1., 2., 3.], requires_grad=True)
    losses = [(w * i).sum().detach() for i in range(3)]
    stacked = np.asarray(losses)
    assert isinstance(stacked, np.ndarray) and stacked.dtype == np.float32 and stacked.tolist() == [0., 6., 12.]
    for loss in losses:
        assert type(loss.__array__()) is np.ndarray and loss.__array__().shape == ()
    assert np.asarray(losses[1], dtype=np.float64).dtype == np.float64
    assert np.array([gradkit.tensor(2.) * 3, gradkit.tensor(1.).exp()]).shape == (2,)


def test_array_shares_memory_unless_asked_to_copy():
    x = gradkit.ones(3)
    np.asarray(x)[0] = 5.
    assert x.tolist() == [5., 1., 1.]
    np.array(x)[1] = 7.  # np.array copies
    assert x.tolist() == [5., 1., 1.]
    copied = np.asarray(gradkit.tensor(2.) + 1)
    assert copied.shape == () and float(copied) == 3.


# ---------------------------------------------------------------------------------- CUDA
@pytest.mark.skipif(gradkit.cuda.is_available(), reason="checks the behaviour without CUDA")
def test_cuda_where_it_cannot_work_raises_runtime_error_itself():
    for ask in (lambda: gradkit.zeros(2, device="cuda"), lambda: gradkit.ones(2).cuda(),
                lambda: gradkit.ones(2).to("cuda"), lambda: gradkit.cuda.current_device()):
        with pytest.raises(RuntimeError) as caught:
            ask()
        assert type(caught.value) is RuntimeError
        assert "CUDA" in str(caught.value) and ("cupy" in str(caught.value) or "device" in str(caught.value))


def test_cuda_error_class_name_printed_by_a_notebook():
    code = ("import sys\nsys.modules['cupy'] = None\nimport gradkit\n"
            "try:\n    gradkit.zeros(1, device='cuda')\nexcept Exception as e:\n    print(type(e).__name__, e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("RuntimeError CUDA was asked for but cupy is not installed")
