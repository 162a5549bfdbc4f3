"""Writes tests/nn/_conv_ref.py: PyTorch's values for the convolution tests' fixed inputs.

Not a test, and not run by the suite (gradkit never imports torch). Run it with a PyTorch
install to refresh the numbers:

    /path/to/torch-venv/bin/python tests/nn/make_conv_ref.py

Each case's inputs are rebuilt by tests/nn/test_conv.py with ``seq`` (below, and the same
formula there); each records the output and the gradients of sum(output * weights) in every
input, float64, from PyTorch 2.13.0 (CPU), to ten significant digits.
"""
import os
import pprint
import warnings

import torch
import torch.nn.functional as F
from torch import nn

warnings.filterwarnings("ignore")  # PyTorch's note on "same" padding with an even kernel
f64 = torch.float64


def seq(shape, step, period, shift):
    """Fixed, unequal values: arange * step % period - shift, in float64."""
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(n, dtype=f64) * step % period - shift).reshape(shape)


def output_weights(shape):
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(n, dtype=f64) * 0.6180339887498949 % 1.0 + 0.5).reshape(shape)


# name -> (function name, x shape, weight shape, bias?, keyword arguments)
CASES = {
    "conv2d_basic": ("conv2d", (2, 2, 4, 5), (3, 2, 3, 2), True, {}),
    "conv2d_stride_pad_dilation": ("conv2d", (2, 2, 6, 7), (3, 2, 2, 3), True,
                                   {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2)}),
    "conv2d_same_even": ("conv2d", (1, 2, 4, 5), (2, 2, 2, 4), True, {"padding": "same"}),
    "conv2d_same_dilation": ("conv2d", (1, 2, 5, 5), (2, 2, 3, 2), False, {"padding": "same", "dilation": 2}),
    "conv2d_valid": ("conv2d", (1, 2, 4, 5), (2, 2, 2, 2), False, {"padding": "valid"}),
    "conv2d_groups": ("conv2d", (2, 4, 4, 5), (6, 2, 3, 3), True, {"groups": 2, "padding": 1}),
    "conv2d_depthwise": ("conv2d", (1, 3, 4, 5), (6, 1, 3, 3), True, {"groups": 3, "stride": 2, "padding": 1}),
    "conv2d_1x1": ("conv2d", (2, 3, 4, 5), (4, 3, 1, 1), True, {}),
    "conv2d_1x1_stride2": ("conv2d", (2, 3, 4, 5), (4, 3, 1, 1), False, {"stride": 2}),
    "conv2d_unbatched": ("conv2d", (2, 4, 5), (3, 2, 2, 2), True, {"padding": 1}),
    "conv1d": ("conv1d", (2, 2, 9), (3, 2, 3), True, {"stride": 2, "padding": 2, "dilation": 2}),
    "conv1d_same_even": ("conv1d", (1, 2, 6), (2, 2, 4), False, {"padding": "same"}),
    "conv3d": ("conv3d", (1, 2, 3, 4, 4), (2, 2, 2, 3, 2), True, {"stride": (1, 2, 1), "padding": (1, 0, 1)}),
    "conv_transpose2d": ("conv_transpose2d", (2, 3, 3, 4), (3, 2, 3, 3), True,
                         {"stride": 2, "padding": 1, "output_padding": 1}),
    "conv_transpose2d_groups_dilation": ("conv_transpose2d", (1, 4, 3, 3), (4, 3, 2, 3), False,
                                         {"stride": (2, 3), "groups": 2, "dilation": (1, 2),
                                          "output_padding": (1, 0)}),
    "conv_transpose1d": ("conv_transpose1d", (2, 2, 4), (2, 3, 3), True,
                         {"stride": 3, "padding": 1, "output_padding": 2}),
    "conv_transpose3d": ("conv_transpose3d", (1, 2, 2, 3, 2), (2, 2, 2, 2, 2), True, {"stride": 2}),
}

REF = {}
for name, (fn, xs, ws, bias, kw) in CASES.items():
    x = seq(xs, 0.37, 1.9, 0.95).requires_grad_()
    w = seq(ws, 0.23, 1.3, 0.65).requires_grad_()
    b = seq((ws[1] * kw.get("groups", 1) if fn.startswith("conv_transpose") else ws[0],), 0.5, 1.7, 0.4) \
        .requires_grad_() if bias else None
    y = getattr(F, fn)(x, w, b, **kw)
    (y * output_weights(y.shape)).sum().backward()
    REF[name] = {"out": y.detach().tolist(), "shape": list(y.shape), "gx": x.grad.tolist(), "gw": w.grad.tolist(),
                 "gb": b.grad.tolist() if bias else None}

# unfold and fold
x = seq((2, 2, 5, 6), 0.37, 1.9, 0.95).requires_grad_()
y = F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
(y * output_weights(y.shape)).sum().backward()
REF["unfold"] = {"out": y.detach().tolist(), "shape": list(y.shape), "gx": x.grad.tolist()}
c = seq((2, 12, 9), 0.37, 1.9, 0.95).requires_grad_()
y = F.fold(c, (5, 6), (2, 3), padding=1, stride=2)
(y * output_weights(y.shape)).sum().backward()
REF["fold"] = {"out": y.detach().tolist(), "shape": list(y.shape), "gx": c.grad.tolist()}

# the modules' padding modes (F.pad first, as PyTorch's modules do)
for mode in ("reflect", "replicate", "circular"):
    for padding, kernel in (((1, 2), (3, 3)), ("same", (2, 4))):
        m = nn.Conv2d(2, 3, kernel, padding=padding, padding_mode=mode).double()
        with torch.no_grad():
            m.weight.copy_(seq(m.weight.shape, 0.23, 1.3, 0.65))
            m.bias.copy_(seq(m.bias.shape, 0.5, 1.7, 0.4))
        x = seq((1, 2, 4, 5), 0.37, 1.9, 0.95).requires_grad_()
        y = m(x)
        (y * output_weights(y.shape)).sum().backward()
        REF[f"mode_{mode}_{'same' if padding == 'same' else 'pad'}"] = {
            "out": y.detach().tolist(), "shape": list(y.shape), "gx": x.grad.tolist(), "gw": m.weight.grad.tolist(),
            "gb": m.bias.grad.tolist()}

# float32: the forward's values in single precision
x = seq((2, 2, 4, 5), 0.37, 1.9, 0.95).float()
w = seq((3, 2, 3, 2), 0.23, 1.3, 0.65).float()
REF["conv2d_float32"] = F.conv2d(x, w, padding=1).double().tolist()

def rounded(value):
    """Ten significant digits (the tests compare to 1e-9 relative): a smaller file."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


REF = rounded(REF)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_conv_ref.py")
with open(path, "w") as f:
    f.write('"""Reference values computed with PyTorch 2.13.0 (CPU) by tests/nn/make_conv_ref.py; do not edit."""\n')
    f.write("# flake8: noqa\n")
    f.write("CASES = " + pprint.pformat(CASES, width=120, compact=True) + "\n\n")
    f.write("REF = " + pprint.pformat(REF, width=120, compact=True) + "\n")
print("wrote", path)
