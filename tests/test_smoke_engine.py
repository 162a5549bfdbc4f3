import numpy as np
import pytest

import gradkit as gk
from helpers import check_grads, host, rand64


def test_mul_backward_cpu_and_strict(device):
    x = gk.arange(4.0, device=device).requires_grad_()
    y = 2 * gk.dot(x, x)
    y.backward()
    assert np.array_equal(host(x.grad), 4 * np.arange(4.0))


def test_gradcheck_mul_add(device):
    a = rand64(3, 4, device=device, seed=0)
    b = rand64(4, device=device, seed=1)
    check_grads(lambda a, b: a * b + a, (a, b))
