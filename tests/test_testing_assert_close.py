"""gradkit.testing.assert_close: PyTorch's default tolerances per dtype and its failure
messages, recorded from torch.testing.assert_close (PyTorch 2.13; 'torch.' reads 'gradkit.')."""
import math

import pytest

import gradkit
from gradkit.testing import assert_close

A = [1.0, 2.0, 3.0, 4.0]


def _fails(error, message, actual, expected, **options):
    with pytest.raises(error) as caught:
        assert_close(actual, expected, **options)
    assert str(caught.value) == message


def test_default_tolerances_per_dtype():
    a = gradkit.tensor(A)
    assert_close(a, a + 1e-6)  # float32: rtol 1.3e-6, atol 1e-5
    assert_close(a.half(), a.half() + 0.001)  # float16: rtol 1e-3, atol 1e-5
    _fails(AssertionError, "Tensor-likes are not close!\n\nMismatched elements: 4 / 4 (100.0%)\n"
           "Greatest absolute difference: 1.000000000139778e-06 at index (1,) (up to 1e-07 allowed)\n"
           "Greatest relative difference: 9.999989999187335e-07 at index (0,) (up to 1e-07 allowed)",
           a.double(), a.double() + 1e-6)
    _fails(AssertionError, "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\n"
           "Greatest absolute difference: 1 at index (1,)\nGreatest relative difference: 0.3333333432674408 at index (1,)",
           gradkit.tensor([1, 2]), gradkit.tensor([1, 3]))
    _fails(AssertionError, "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\n"
           "Greatest absolute difference: 1 at index (1,)\nGreatest relative difference: 1.0 at index (1,)",
           gradkit.tensor([True, False]), gradkit.tensor([True, True]))
    _fails(AssertionError, "Tensor-likes are not equal!\n\nMismatched elements: 2 / 2 (100.0%)\n"
           "Greatest absolute difference: 1 at index (0,)\nGreatest relative difference: 1.0 at index (1,)",
           gradkit.tensor([1, 2], dtype=gradkit.uint8), gradkit.tensor([2, 1], dtype=gradkit.uint8))


def test_tensor_mismatch_messages(device):
    a = gradkit.tensor(A, device=device)
    _fails(AssertionError, "Tensor-likes are not close!\n\nMismatched elements: 1 / 4 (25.0%)\n"
           "Greatest absolute difference: 0.0009999275207519531 at index (2,) (up to 1e-05 allowed)\n"
           "Greatest relative difference: 0.0003331981133669615 at index (2,) (up to 1.3e-06 allowed)",
           a, a + gradkit.tensor([0, 0, 1e-3, 0], device=device))
    _fails(AssertionError, "Tensor-likes are not close!\n\nMismatched elements: 2 / 4 (50.0%)\n"
           "Greatest absolute difference: 1.0 at index (3,) (up to 1e-05 allowed)\n"
           "Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)",
           a, gradkit.tensor([1., 2.5, 3., 5.], device=device))
    _fails(AssertionError, "Tensor-likes are not close!\n\nMismatched elements: 1 / 4 (25.0%)\n"
           "Greatest absolute difference: 0.5 at index (1, 1) (up to 1e-05 allowed)\n"
           "Greatest relative difference: 0.1111111119389534 at index (1, 1) (up to 1.3e-06 allowed)",
           gradkit.tensor([[1., 2.], [3., 4.]], device=device), gradkit.tensor([[1., 2.], [3., 4.5]], device=device))
    _fails(AssertionError, "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
           "Greatest absolute difference: 1.0 at index (1,) (up to 1e-05 allowed)\n"
           "Greatest relative difference: inf at index (1,) (up to 1.3e-06 allowed)",
           gradkit.tensor([0., 1.], device=device), gradkit.tensor([0., 0.], device=device))
    _fails(AssertionError, "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
           "Greatest absolute difference: nan at index (1,) (up to 1e-05 allowed)\n"
           "Greatest relative difference: nan at index (1,) (up to 1.3e-06 allowed)",
           gradkit.tensor([1., math.nan], device=device), gradkit.tensor([1., 2.], device=device))
    _fails(AssertionError, "Scalars are not close!\n\nExpected 2.0 but got 1.0.\nAbsolute difference: 1.0 "
           "(up to 1e-05 allowed)\nRelative difference: 0.5 (up to 1.3e-06 allowed)",
           gradkit.tensor(1., device=device), gradkit.tensor(2., device=device))


def test_nan_inf_and_empty():
    nan = gradkit.tensor([math.nan])
    _fails(AssertionError, "Tensor-likes are not close!\n\nMismatched elements: 1 / 1 (100.0%)\n"
           "Greatest absolute difference: nan at index (0,) (up to 1e-05 allowed)\n"
           "Greatest relative difference: nan at index (0,) (up to 1.3e-06 allowed)", nan, nan)
    assert_close(nan, nan, equal_nan=True)
    assert_close(gradkit.tensor([math.inf]), gradkit.tensor([math.inf]))
    assert_close(gradkit.empty(0), gradkit.empty(0))


def test_attribute_checks():
    a = gradkit.tensor(A)
    _fails(AssertionError, "The values for attribute 'dtype' do not match: gradkit.float32 != gradkit.float64.",
           a, a.double())
    assert_close(a, a.double(), check_dtype=False)
    assert_close(gradkit.tensor([1, 2]), gradkit.tensor([1., 2.]), check_dtype=False)
    _fails(AssertionError, "The values for attribute 'shape' do not match: gradkit.Size([4]) != gradkit.Size([3]).",
           a, gradkit.ones(3))
    _fails(AssertionError, "The values for attribute 'device' do not match: cpu != strict.", a, a.to("strict"))
    assert_close(a, a.to("strict"), check_device=False)
    assert_close(a, a.clone().requires_grad_())
    assert_close(gradkit.tensor([[1., 2.]]).t(), gradkit.tensor([[1.], [2.]]))


def test_scalars():
    assert_close(1.0, 1.0 + 1e-9)
    _fails(AssertionError, "Scalars are not close!\n\nExpected 1.1 but got 1.0.\nAbsolute difference: "
           "0.10000000000000009 (up to 1e-07 allowed)\nRelative difference: 0.09090909090909098 (up to 1e-07 allowed)",
           1.0, 1.1)
    _fails(AssertionError, "Scalars are not equal!\n\nExpected 2 but got 1.\nAbsolute difference: 1\n"
           "Relative difference: 0.5", 1, 2)
    _fails(AssertionError, "The (d)types do not match: <class 'int'> != <class 'float'>.", 1, 1.0)
    assert_close(1, 1.0, check_dtype=False)
    _fails(AssertionError, "Booleans mismatch: True is not False", True, False)


def test_containers_name_the_failing_item():
    a = gradkit.tensor(A)
    message = ("Tensor-likes are not close!\n\nMismatched elements: 4 / 4 (100.0%)\n"
               "Greatest absolute difference: 1.0 at index (0,) (up to 1e-05 allowed)\n"
               "Greatest relative difference: 0.5 at index (0,) (up to 1.3e-06 allowed)")
    _fails(AssertionError, message + "\n\nThe failure occurred for item [1]", [a, a], [a, a + 1])
    _fails(AssertionError, message + "\n\nThe failure occurred for item ['x']", {"x": a}, {"x": a + 1})
    _fails(AssertionError, "Scalars are not close!\n\nExpected 2.0 but got 1.0.\nAbsolute difference: 1.0 "
           "(up to 1e-05 allowed)\nRelative difference: 0.5 (up to 1.3e-06 allowed)\n\n"
           "The failure occurred for item [0][0]", [[gradkit.tensor(1.)]], [[gradkit.tensor(2.)]])
    _fails(AssertionError, "The length of the sequences mismatch: 2 != 3", [1, 2], [1, 2, 3])
    _fails(AssertionError, "The keys of the mappings do not match:\nMissing keys in the actual mapping: ['b']\n"
           "Additional keys in the actual mapping: ['a']", {"a": 1}, {"b": 1})
    assert_close((1, 2), [1, 2])
    assert_close(None, None)


def test_options_and_refusals():
    a = gradkit.tensor(A)
    _fails(AssertionError, "custom", a, a + 1, msg="custom")
    _fails(AssertionError, "XTensor-lik", gradkit.tensor([1., 2.]), gradkit.tensor([1., 3.]),
           msg=lambda m: "X" + m[:10])
    assert_close(a, a + 1, rtol=2, atol=0)
    _fails(ValueError, "Both 'rtol' and 'atol' must be either specified or omitted, but got no atol.", a, a, rtol=0.1)
    _fails(TypeError, "No comparison pair was able to handle inputs of type <class 'gradkit.Tensor'> and "
           "<class 'list'>.", a, A)
    _fails(TypeError, "No comparison pair was able to handle inputs of type <class 'str'> and <class 'str'>.",
           "a", "a")
    _fails(TypeError, "No comparison pair was able to handle inputs of type <class 'gradkit.Tensor'> and "
           "<class 'float'>.", a, 1.0)


def test_numpy_arrays_compare_as_tensors():
    np = pytest.importorskip("numpy")
    assert_close(np.array([1., 2.]), np.array([1., 2.]))
    _fails(AssertionError, "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
           "Greatest absolute difference: 0.10000000000000009 at index (1,) (up to 1e-07 allowed)\n"
           "Greatest relative difference: 0.04761904761904766 at index (1,) (up to 1e-07 allowed)",
           np.array([1., 2.]), np.array([1., 2.1]))
    _fails(TypeError, "No comparison pair was able to handle inputs of type <class 'gradkit.Tensor'> and "
           "<class 'numpy.ndarray'>.", gradkit.tensor(A), np.array(A, dtype=np.float32))
