"""In-place ops on non-leaf tensors and through views: the same programs give the same
values and gradients as PyTorch (recorded in ``_torch_expected.py``), on every device."""
from __future__ import annotations

import numpy as np
import pytest

import gradkit as gk

from ._torch_cases import CASES
from ._torch_expected import EXPECTED


def test_every_case_has_a_recorded_result():
    assert sorted(CASES) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(device, name):
    def mk(values, requires_grad=False):
        return gk.tensor(values, dtype=gk.float64, device=device, requires_grad=requires_grad)

    got = CASES[name](gk, mk)
    want = EXPECTED[name]
    assert sorted(got) == sorted(want)
    for key, value in got.items():
        if isinstance(value, gk.Tensor):
            assert value.device == gk.device(device), key
            value = value.detach().cpu().numpy()
        np.testing.assert_allclose(value, np.asarray(want[key]), rtol=1e-12, atol=1e-12, err_msg=f"{name}: {key}")
