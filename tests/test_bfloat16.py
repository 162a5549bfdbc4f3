"""bfloat16: a dtype scripts can name, compare and promote, which no gradkit backend
stores (NumPy and CuPy have no bfloat16): making a tensor of it raises a clear TypeError.
finfo and promotion values recorded from PyTorch 2.13."""
from __future__ import annotations

import pytest

import gradkit as gk


def test_the_dtype_exists_and_promotes_as_in_pytorch():
    assert repr(gk.bfloat16) == "gradkit.bfloat16" and gk.bfloat16.is_floating_point and gk.bfloat16.itemsize == 2
    assert gk.promote_types(gk.bfloat16, gk.float16) is gk.float32
    assert gk.promote_types(gk.float16, gk.bfloat16) is gk.float32
    assert gk.promote_types(gk.bfloat16, gk.float32) is gk.float32
    assert gk.promote_types(gk.bfloat16, gk.int64) is gk.bfloat16
    info = gk.finfo(gk.bfloat16)
    assert (info.eps, info.max, info.tiny, info.resolution, info.bits) == \
        (0.0078125, 3.3895313892515355e+38, 1.1754943508222875e-38, 0.01, 16)
    assert not gk.cuda.is_bf16_supported()


@pytest.mark.parametrize("make", [lambda d: gk.ones(2, dtype=gk.bfloat16, device=d),
                                  lambda d: gk.ones(2, device=d).to(gk.bfloat16),
                                  lambda d: gk.ones(2, device=d).bfloat16(),
                                  lambda d: gk.ones(2, device=d, requires_grad=True).to(gk.bfloat16),
                                  lambda d: gk.tensor([1.0], dtype=gk.bfloat16, device=d)])
def test_making_a_bfloat16_tensor_raises_a_clear_type_error(make, device):
    with pytest.raises(TypeError, match="no bfloat16 dtype"):
        make(device)
