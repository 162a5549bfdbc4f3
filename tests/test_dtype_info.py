"""gradkit.finfo / gradkit.iinfo: torch.finfo's and torch.iinfo's attributes, values, reprs
and refusals (recorded from PyTorch 2.13)."""
import pytest

import gradkit

FINFO = {  # bits, eps, max, min, tiny, smallest_normal, resolution
    "float16": (16, 0.0009765625, 65504.0, -65504.0, 6.103515625e-05, 6.103515625e-05, 0.001),
    "float32": (32, 1.1920928955078125e-07, 3.4028234663852886e+38, -3.4028234663852886e+38,
                1.1754943508222875e-38, 1.1754943508222875e-38, 1e-06),
    "float64": (64, 2.220446049250313e-16, 1.7976931348623157e+308, -1.7976931348623157e+308,
                2.2250738585072014e-308, 2.2250738585072014e-308, 1e-15),
}
FINFO_REPR = {
    "float16": "finfo(resolution=0.001, min=-65504, max=65504, eps=0.000976562, smallest_normal=6.10352e-05, "
               "tiny=6.10352e-05, dtype=float16)",
    "float32": "finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, eps=1.19209e-07, "
               "smallest_normal=1.17549e-38, tiny=1.17549e-38, dtype=float32)",
    "float64": "finfo(resolution=1e-15, min=-1.79769e+308, max=1.79769e+308, eps=2.22045e-16, "
               "smallest_normal=2.22507e-308, tiny=2.22507e-308, dtype=float64)",
}
IINFO = {  # bits, max, min, repr
    "uint8": (8, 255, 0, "iinfo(min=0, max=255, dtype=uint8)"),
    "int8": (8, 127, -128, "iinfo(min=-128, max=127, dtype=int8)"),
    "int16": (16, 32767, -32768, "iinfo(min=-32768, max=32767, dtype=int16)"),
    "int32": (32, 2147483647, -2147483648, "iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)"),
    "int64": (64, 9223372036854775807, -9223372036854775808,
              "iinfo(min=-9.22337e+18, max=9.22337e+18, dtype=int64)"),
}


@pytest.mark.parametrize("name", sorted(FINFO))
def test_finfo_matches_pytorch(name):
    info = gradkit.finfo(getattr(gradkit, name))
    got = (info.bits, info.eps, info.max, info.min, info.tiny, info.smallest_normal, info.resolution)
    assert got == FINFO[name]
    assert info.dtype == name
    assert repr(info) == str(info) == FINFO_REPR[name]


def test_finfo_aliases_and_default_dtype():
    assert gradkit.finfo(gradkit.float).eps == FINFO["float32"][1]
    assert gradkit.finfo(gradkit.double).max == FINFO["float64"][2]
    assert gradkit.finfo(gradkit.half).bits == 16
    assert gradkit.finfo().dtype == "float32"
    gradkit.set_default_dtype(gradkit.float64)
    try:
        assert gradkit.finfo().dtype == "float64"
    finally:
        gradkit.set_default_dtype(gradkit.float32)
    assert gradkit.finfo(gradkit.float32) == gradkit.finfo(gradkit.float32)


@pytest.mark.parametrize("name", sorted(IINFO))
def test_iinfo_matches_pytorch(name):
    info = gradkit.iinfo(getattr(gradkit, name))
    bits, top, bottom, text = IINFO[name]
    assert (info.bits, info.max, info.min, info.dtype) == (bits, top, bottom, name)
    assert type(info.max) is int and repr(info) == text


def test_refusals_match_pytorch():
    with pytest.raises(TypeError, match=r"finfo\(\) requires a floating point input type. Use gradkit.iinfo"):
        gradkit.finfo(gradkit.int32)
    with pytest.raises(TypeError, match=r"finfo\(\) requires a floating point input type"):
        gradkit.finfo(gradkit.bool)
    with pytest.raises(TypeError, match=r"iinfo\(\) requires an integer input type. Use gradkit.finfo"):
        gradkit.iinfo(gradkit.float32)
    with pytest.raises(TypeError, match="gradkit.bool is not supported by gradkit.iinfo"):
        gradkit.iinfo(gradkit.bool)
    with pytest.raises(TypeError, match=r"finfo\(\): argument 'type' \(position 1\) must be gradkit.dtype, not str"):
        gradkit.finfo("float32")


def test_values_agree_with_numpy():
    np = pytest.importorskip("numpy")
    for name in FINFO:
        ref = np.finfo(name)
        info = gradkit.finfo(getattr(gradkit, name))
        assert (info.eps, info.max, info.tiny) == (float(ref.eps), float(ref.max), float(ref.tiny))
    for name in IINFO:
        assert (gradkit.iinfo(getattr(gradkit, name)).min, gradkit.iinfo(getattr(gradkit, name)).max) == \
            (int(np.iinfo(name).min), int(np.iinfo(name).max))
