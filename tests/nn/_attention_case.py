"""The inputs and weights of the attention and Transformer tests, made as make_attention_ref.py
makes them under PyTorch: ``det`` of each shape, parameters in sorted-name order."""
from __future__ import annotations

import math

import numpy as np

import gradkit


def det(shape, seed, device="cpu"):
    n = math.prod(shape)
    values = [math.sin(i * 0.37 + seed) * 0.8 for i in range(n)]
    return gradkit.tensor(values, dtype=gradkit.float64, device=device).reshape(shape)


def set_weights(module):
    for i, (_, p) in enumerate(sorted(module.named_parameters())):
        with gradkit.no_grad():
            p.copy_(det(tuple(p.shape), i + 1, p.device) * 0.5)


def grads_of(out, tensors):
    w = det(tuple(out.shape), 9, out.device)
    return [g for g in gradkit.autograd.grad((out * w).sum(), tensors)]


def assert_close(got, expected, rtol=1e-9, atol=1e-12, msg=""):
    got = got.detach().cpu().numpy() if isinstance(got, gradkit.Tensor) else np.asarray(got, dtype=float)
    np.testing.assert_allclose(got, np.asarray(expected, dtype=float), rtol=rtol, atol=atol, err_msg=msg)
