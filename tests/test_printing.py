# Expected strings below are reference behaviour captured from PyTorch 2.13.0
# (CPU build): each one is repr() of the torch tensor holding the same values,
# with the same print options, pasted here verbatim. format_tensor only
# appends the suffix strings it is given, so the dtype/grad suffixes are
# passed in torch's spelling ("dtype=torch.float64") to keep the references
# byte-identical to what torch printed.
import math

import numpy as np
import pytest

from gradkit._printing import (
    format_tensor,
    get_printoptions,
    printoptions,
    set_printoptions,
)


@pytest.fixture(autouse=True)
def _default_printoptions():
    # Print options are module-level state; never let one test leak into another.
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")


# host array, kind, dtype suffix, extra suffixes, print options, torch's repr
CASES = [
    pytest.param(
        np.arange(12),
        "int", None, [], {},
        "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11])",
        id="int_arange",
    ),
    pytest.param(
        np.array([[-5, 10, 0], [7, -123, 4]]),
        "int", None, [], {},
        (
            "tensor([[  -5,   10,    0],\n"
            "        [   7, -123,    4]])"
        ),
        id="int_matrix_negative",
    ),
    pytest.param(
        np.arange(24).reshape(2, 3, 4),
        "int", None, [], {},
        (
            "tensor([[[ 0,  1,  2,  3],\n"
            "         [ 4,  5,  6,  7],\n"
            "         [ 8,  9, 10, 11]],\n"
            "\n"
            "        [[12, 13, 14, 15],\n"
            "         [16, 17, 18, 19],\n"
            "         [20, 21, 22, 23]]])"
        ),
        id="int_3d",
    ),
    pytest.param(
        np.arange(16).reshape(2, 2, 2, 2),
        "int", None, [], {},
        (
            "tensor([[[[ 0,  1],\n"
            "          [ 2,  3]],\n"
            "\n"
            "         [[ 4,  5],\n"
            "          [ 6,  7]]],\n"
            "\n"
            "\n"
            "        [[[ 8,  9],\n"
            "          [10, 11]],\n"
            "\n"
            "         [[12, 13],\n"
            "          [14, 15]]]])"
        ),
        id="int_4d",
    ),
    pytest.param(
        np.array([1, -2, 3], dtype=np.int32),
        "int", "dtype=torch.int32", [], {},
        "tensor([ 1, -2,  3], dtype=torch.int32)",
        id="int32",
    ),
    pytest.param(
        np.array([0, 255, 7], dtype=np.uint8),
        "uint", "dtype=torch.uint8", [], {},
        "tensor([  0, 255,   7], dtype=torch.uint8)",
        id="uint8",
    ),
    pytest.param(
        np.array([1.0, 2.0, 4.0, 8.0], dtype=np.float32),
        "float", None, [], {},
        "tensor([1., 2., 4., 8.])",
        id="float_integral",
    ),
    pytest.param(
        np.array([3.5], dtype=np.float32),
        "float", None, [], {},
        "tensor([3.5000])",
        id="float_single",
    ),
    pytest.param(
        np.array([0.1, 2.5, -3.25], dtype=np.float32),
        "float", None, [], {},
        "tensor([ 0.1000,  2.5000, -3.2500])",
        id="float_fraction",
    ),
    pytest.param(
        np.array([-3.0, 0.0, 12.0], dtype=np.float32),
        "float", None, [], {},
        "tensor([-3.,  0., 12.])",
        id="float_negative_integral",
    ),
    pytest.param(
        np.array([-0.0, 1.0], dtype=np.float32),
        "float", None, [], {},
        "tensor([-0., 1.])",
        id="float_negative_zero",
    ),
    pytest.param(
        np.zeros(3, dtype=np.float32),
        "float", None, [], {},
        "tensor([0., 0., 0.])",
        id="float_all_zero",
    ),
    pytest.param(
        (np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5) / 3,
        "float", None, [], {},
        (
            "tensor([[-0.8333, -0.5000, -0.1667],\n"
            "        [ 0.1667,  0.5000,  0.8333]])"
        ),
        id="float_matrix",
    ),
    pytest.param(
        np.arange(12, dtype=np.float32).reshape(2, 2, 3) * 0.5,
        "float", None, [], {},
        (
            "tensor([[[0.0000, 0.5000, 1.0000],\n"
            "         [1.5000, 2.0000, 2.5000]],\n"
            "\n"
            "        [[3.0000, 3.5000, 4.0000],\n"
            "         [4.5000, 5.0000, 5.5000]]])"
        ),
        id="float_3d",
    ),
    pytest.param(
        np.array(3.5, dtype=np.float32),
        "float", None, [], {},
        "tensor(3.5000)",
        id="scalar_float",
    ),
    pytest.param(
        np.array(28.0, dtype=np.float32),
        "float", None, [], {},
        "tensor(28.)",
        id="scalar_integral_float",
    ),
    pytest.param(
        np.array(3),
        "int", None, [], {},
        "tensor(3)",
        id="scalar_int",
    ),
    pytest.param(
        np.array(True),
        "bool", None, [], {},
        "tensor(True)",
        id="scalar_bool",
    ),
    pytest.param(
        np.array(np.nan, dtype=np.float32),
        "float", None, [], {},
        "tensor(nan)",
        id="scalar_nan",
    ),
    pytest.param(
        np.array(1.5e-7, dtype=np.float32),
        "float", None, [], {},
        "tensor(1.5000e-07)",
        id="scalar_sci",
    ),
    pytest.param(
        np.array([False, True]),
        "bool", None, [], {},
        "tensor([False,  True])",
        id="bool_vector",
    ),
    pytest.param(
        np.array([[True, False, True], [False, False, True]]),
        "bool", None, [], {},
        (
            "tensor([[ True, False,  True],\n"
            "        [False, False,  True]])"
        ),
        id="bool_matrix",
    ),
    pytest.param(
        np.array([True, True]),
        "bool", None, [], {},
        "tensor([True, True])",
        id="bool_all_true",
    ),
    pytest.param(
        np.array([1e-2, 1.0, 123456.0], dtype=np.float32),
        "float", None, [], {},
        "tensor([1.0000e-02, 1.0000e+00, 1.2346e+05])",
        id="sci_large_ratio",
    ),
    pytest.param(
        np.array([1e5, 1.0], dtype=np.float32),
        "float", None, [], {},
        "tensor([1.0000e+05, 1.0000e+00])",
        id="sci_large_integral",
    ),
    pytest.param(
        np.array([2e8, 3e8], dtype=np.float32),
        "float", None, [], {},
        "tensor([2.0000e+08, 3.0000e+08])",
        id="sci_huge",
    ),
    pytest.param(
        np.array([1e-5, 2e-5], dtype=np.float32),
        "float", None, [], {},
        "tensor([1.0000e-05, 2.0000e-05])",
        id="sci_tiny",
    ),
    pytest.param(
        np.arange(12, dtype=np.float32) * 1e5,
        "float", None, [], {},
        (
            "tensor([      0.,  100000.,  200000.,  300000.,  400000.,  500000.,  600000.,\n"
            "         700000.,  800000.,  900000., 1000000., 1100000.])"
        ),
        id="wrap_sci_row",
    ),
    pytest.param(
        np.arange(30, dtype=np.float32) / 4,
        "float", None, [], {},
        (
            "tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000, 1.2500, 1.5000, 1.7500, 2.0000,\n"
            "        2.2500, 2.5000, 2.7500, 3.0000, 3.2500, 3.5000, 3.7500, 4.0000, 4.2500,\n"
            "        4.5000, 4.7500, 5.0000, 5.2500, 5.5000, 5.7500, 6.0000, 6.2500, 6.5000,\n"
            "        6.7500, 7.0000, 7.2500])"
        ),
        id="wrap_long_row",
    ),
    pytest.param(
        np.arange(40, dtype=np.float32).reshape(2, 20) + 0.5,
        "float", None, [], {},
        (
            "tensor([[ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n"
            "          8.5000,  9.5000, 10.5000, 11.5000, 12.5000, 13.5000, 14.5000, 15.5000,\n"
            "         16.5000, 17.5000, 18.5000, 19.5000],\n"
            "        [20.5000, 21.5000, 22.5000, 23.5000, 24.5000, 25.5000, 26.5000, 27.5000,\n"
            "         28.5000, 29.5000, 30.5000, 31.5000, 32.5000, 33.5000, 34.5000, 35.5000,\n"
            "         36.5000, 37.5000, 38.5000, 39.5000]])"
        ),
        id="wrap_rows_in_matrix",
    ),
    pytest.param(
        np.arange(2000, dtype=np.float32),
        "float", None, [], {},
        (
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
            "        1.9990e+03])"
        ),
        id="summarize_vector",
    ),
    pytest.param(
        np.arange(1001),
        "int", None, [], {},
        "tensor([   0,    1,    2,  ...,  998,  999, 1000])",
        id="summarize_int_vector",
    ),
    pytest.param(
        np.arange(10000, dtype=np.float32).reshape(100, 100) / 8,
        "float", None, [], {},
        (
            "tensor([[0.0000e+00, 1.2500e-01, 2.5000e-01,  ..., 1.2125e+01, 1.2250e+01,\n"
            "         1.2375e+01],\n"
            "        [1.2500e+01, 1.2625e+01, 1.2750e+01,  ..., 2.4625e+01, 2.4750e+01,\n"
            "         2.4875e+01],\n"
            "        [2.5000e+01, 2.5125e+01, 2.5250e+01,  ..., 3.7125e+01, 3.7250e+01,\n"
            "         3.7375e+01],\n"
            "        ...,\n"
            "        [1.2125e+03, 1.2126e+03, 1.2128e+03,  ..., 1.2246e+03, 1.2248e+03,\n"
            "         1.2249e+03],\n"
            "        [1.2250e+03, 1.2251e+03, 1.2252e+03,  ..., 1.2371e+03, 1.2372e+03,\n"
            "         1.2374e+03],\n"
            "        [1.2375e+03, 1.2376e+03, 1.2378e+03,  ..., 1.2496e+03, 1.2498e+03,\n"
            "         1.2499e+03]])"
        ),
        id="summarize_matrix",
    ),
    pytest.param(
        np.arange(2 * 30 * 30).reshape(2, 30, 30),
        "int", None, [], {},
        (
            "tensor([[[   0,    1,    2,  ...,   27,   28,   29],\n"
            "         [  30,   31,   32,  ...,   57,   58,   59],\n"
            "         [  60,   61,   62,  ...,   87,   88,   89],\n"
            "         ...,\n"
            "         [ 810,  811,  812,  ...,  837,  838,  839],\n"
            "         [ 840,  841,  842,  ...,  867,  868,  869],\n"
            "         [ 870,  871,  872,  ...,  897,  898,  899]],\n"
            "\n"
            "        [[ 900,  901,  902,  ...,  927,  928,  929],\n"
            "         [ 930,  931,  932,  ...,  957,  958,  959],\n"
            "         [ 960,  961,  962,  ...,  987,  988,  989],\n"
            "         ...,\n"
            "         [1710, 1711, 1712,  ..., 1737, 1738, 1739],\n"
            "         [1740, 1741, 1742,  ..., 1767, 1768, 1769],\n"
            "         [1770, 1771, 1772,  ..., 1797, 1798, 1799]]])"
        ),
        id="summarize_3d",
    ),
    pytest.param(
        np.arange(2000).reshape(1000, 2),
        "int", None, [], {},
        (
            "tensor([[   0,    1],\n"
            "        [   2,    3],\n"
            "        [   4,    5],\n"
            "        ...,\n"
            "        [1994, 1995],\n"
            "        [1996, 1997],\n"
            "        [1998, 1999]])"
        ),
        id="summarize_tall",
    ),
    pytest.param(
        np.array([np.nan, np.inf, -np.inf, 1.5, 0.0], dtype=np.float32),
        "float", None, [], {},
        "tensor([   nan,    inf,   -inf, 1.5000, 0.0000])",
        id="nan_inf_mix",
    ),
    pytest.param(
        np.array([1.0, np.nan, -np.inf, 100.0], dtype=np.float32),
        "float", None, [], {},
        "tensor([  1.,  nan, -inf, 100.])",
        id="nan_inf_integral",
    ),
    pytest.param(
        np.array([0.0, np.nan, np.inf, -np.inf], dtype=np.float32),
        "float", None, [], {},
        "tensor([0., nan, inf, -inf])",
        id="only_nonfinite",
    ),
    pytest.param(
        np.array([np.nan, 1e-6, 1.0], dtype=np.float32),
        "float", None, [], {},
        "tensor([       nan, 1.0000e-06, 1.0000e+00])",
        id="nan_sci",
    ),
    pytest.param(
        np.zeros(0, dtype=np.float32),
        "float", None, [], {},
        "tensor([])",
        id="empty_1d",
    ),
    pytest.param(
        np.zeros((0, 3), dtype=np.float32),
        "float", None, [], {},
        "tensor([], size=(0, 3))",
        id="empty_2d",
    ),
    pytest.param(
        np.zeros((2, 0, 1), dtype=np.int64),
        "int", "dtype=torch.int64", [], {},
        "tensor([], size=(2, 0, 1), dtype=torch.int64)",
        id="empty_3d_int",
    ),
    pytest.param(
        np.array([1.0, 2.0], dtype=np.float64),
        "float", "dtype=torch.float64", [], {},
        "tensor([1., 2.], dtype=torch.float64)",
        id="float64",
    ),
    pytest.param(
        np.array([1.0, 2.0], dtype=np.float64),
        "float", "dtype=torch.float64", ["requires_grad=True"], {},
        "tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
        id="float64_requires_grad",
    ),
    pytest.param(
        np.array([0.1, 1.0, 65504.0], dtype=np.float16),
        "float", "dtype=torch.float16", [], {},
        "tensor([9.9976e-02, 1.0000e+00, 6.5504e+04], dtype=torch.float16)",
        id="float16",
    ),
    pytest.param(
        np.array([1.0, 2.5], dtype=np.float32),
        "float", None, ["requires_grad=True"], {},
        "tensor([1.0000, 2.5000], requires_grad=True)",
        id="requires_grad",
    ),
    pytest.param(
        np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32),
        "float", None, ["grad_fn=<MulBackward0>"], {},
        (
            "tensor([[1., 2.],\n"
            "        [3., 4.]], grad_fn=<MulBackward0>)"
        ),
        id="grad_fn",
    ),
    pytest.param(
        np.arange(11, dtype=np.float32) + 0.25,
        "float", None, ["grad_fn=<MulBackward0>"], {},
        (
            "tensor([ 0.2500,  1.2500,  2.2500,  3.2500,  4.2500,  5.2500,  6.2500,  7.2500,\n"
            "         8.2500,  9.2500, 10.2500], grad_fn=<MulBackward0>)"
        ),
        id="suffix_wraps",
    ),
    pytest.param(
        np.arange(10, dtype=np.float64) + 0.25,
        "float", "dtype=torch.float64", ["requires_grad=True"], {"linewidth": 60},
        (
            "tensor([0.2500, 1.2500, 2.2500, 3.2500, 4.2500, 5.2500,\n"
            "        6.2500, 7.2500, 8.2500, 9.2500],\n"
            "       dtype=torch.float64, requires_grad=True)"
        ),
        id="suffix_wraps_twice",
    ),
    pytest.param(
        np.array([1.12345, 2.0], dtype=np.float32),
        "float", None, [], {"precision": 2},
        "tensor([1.12, 2.00])",
        id="opt_precision",
    ),
    pytest.param(
        np.arange(10),
        "int", None, [], {"threshold": 5},
        "tensor([0, 1, 2,  ..., 7, 8, 9])",
        id="opt_threshold",
    ),
    pytest.param(
        np.arange(10),
        "int", None, [], {"threshold": 5, "edgeitems": 0},
        "tensor([...], size=(10,))",
        id="opt_edgeitems_zero",
    ),
    pytest.param(
        np.arange(12.0).reshape(3, 4),
        "float", "dtype=torch.float64", [], {"threshold": 5, "edgeitems": 0},
        "tensor([...], size=(3, 4), dtype=torch.float64)",
        id="opt_edgeitems_zero_matrix",
    ),
    pytest.param(
        np.arange(10),
        "int", None, [], {"linewidth": 20},
        (
            "tensor([0, 1, 2, 3,\n"
            "        4, 5, 6, 7,\n"
            "        8, 9])"
        ),
        id="opt_linewidth",
    ),
    pytest.param(
        np.array([1.0, 2.5], dtype=np.float32),
        "float", None, [], {"sci_mode": True},
        "tensor([1.0000e+00, 2.5000e+00])",
        id="opt_sci_on",
    ),
    pytest.param(
        np.array([1e-6, 1.0], dtype=np.float32),
        "float", None, [], {"sci_mode": False},
        "tensor([0.0000, 1.0000])",
        id="opt_sci_off",
    ),
    pytest.param(
        np.arange(20.0, dtype=np.float32) / 3,
        "float", None, [], {"profile": "short", "threshold": 10},
        "tensor([0.00, 0.33,  ..., 6.00, 6.33])",
        id="opt_profile_short",
    ),
]


@pytest.mark.parametrize("host, kind, dtype_suffix, extras, opts, expected", CASES)
def test_matches_torch_repr(host, kind, dtype_suffix, extras, opts, expected):
    set_printoptions(**opts)
    assert format_tensor(host, kind, dtype_suffix, extras) == expected


def test_device_suffix_goes_before_size_and_dtype():
    # torch lists the device first; captured by making "cuda" the default
    # device so that a CPU tensor shows device='cpu'.
    host = np.array([1.0, 2.0])
    extras = ["device='cpu'", "requires_grad=True"]
    got = format_tensor(host, "float", "dtype=torch.float64", extras)
    assert got == "tensor([1., 2.], device='cpu', dtype=torch.float64, requires_grad=True)"

    empty = np.zeros((0, 3), dtype=np.int64)
    got = format_tensor(empty, "int", "dtype=torch.int64", ["device='cpu'"])
    assert got == "tensor([], device='cpu', size=(0, 3), dtype=torch.int64)"


def test_prefix_sets_indentation_and_suffix_wrapping():
    # Reference: repr of a torch.Tensor subclass named MyTensor.
    host = np.arange(30, dtype=np.float32) / 4
    rows = (
        "MyTensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000, 1.2500, 1.5000, 1.7500,\n"
        "          2.0000, 2.2500, 2.5000, 2.7500, 3.0000, 3.2500, 3.5000, 3.7500,\n"
        "          4.0000, 4.2500, 4.5000, 4.7500, 5.0000, 5.2500, 5.5000, 5.7500,\n"
        "          6.0000, 6.2500, 6.5000, 6.7500, 7.0000, 7.2500]"
    )
    got = format_tensor(host, "float", None, ["requires_grad=True"], prefix="MyTensor(")
    assert got == rows + ", requires_grad=True)"
    got = format_tensor(host, "float", None, ["grad_fn=<AliasBackward0>"], prefix="MyTensor(")
    assert got == rows + ",\n         grad_fn=<AliasBackward0>)"


def test_suffix_strings_are_appended_verbatim():
    host = np.array([1.0, 2.0])
    got = format_tensor(host, "float", "dtype=gradkit.float64", ["grad_fn=<MulBackward0>"])
    assert got == "tensor([1., 2.], dtype=gradkit.float64, grad_fn=<MulBackward0>)"


def test_profile_full_never_summarizes():
    set_printoptions(profile="full")
    assert get_printoptions()["threshold"] == math.inf
    text = format_tensor(np.arange(1001), "int", None, [])
    assert "..." not in text
    assert text.startswith("tensor([   0,    1,    2,")
    assert text.endswith(" 998,  999, 1000])")
    assert text.count(",") == 1000


def test_set_printoptions_resets_sci_mode_when_omitted():
    # Same quirk as torch: sci_mode is assigned on every call.
    set_printoptions(sci_mode=True)
    set_printoptions(precision=4)
    assert get_printoptions()["sci_mode"] is None


def test_unknown_profile_is_ignored_like_torch():
    set_printoptions(profile="nope", precision=6)
    assert get_printoptions() == {
        "precision": 6,
        "threshold": 1000,
        "edgeitems": 3,
        "linewidth": 80,
        "sci_mode": None,
    }


def test_printoptions_context_restores_previous_options():
    set_printoptions(precision=6)
    with printoptions(precision=2, linewidth=40):
        assert format_tensor(np.array([1.5]), "float", None, []) == "tensor([1.50])"
    assert get_printoptions()["precision"] == 6
    assert get_printoptions()["linewidth"] == 80


class _TolistSpy(np.ndarray):
    """Records how many elements each tolist() call converts."""

    sizes: list = []

    def tolist(self):
        _TolistSpy.sizes.append(self.size)
        return super().tolist()


def test_summarized_array_is_never_converted_whole():
    _TolistSpy.sizes = []
    host = np.arange(1_000_000, dtype=np.float64).reshape(1000, 1000).view(_TolistSpy)
    text = format_tensor(host, "float", None, [])
    assert "..." in text
    assert max(_TolistSpy.sizes) <= 3


def test_rejects_unknown_kind():
    with pytest.raises(ValueError):
        format_tensor(np.array([1.0]), "complex", None, [])
