"""Records torchvision's models for tests/vision/test_models.py (run with a python that has
torch and torchvision; writes _torchvision_models_expected.py beside this file): state_dict
keys and shapes, parameter counts, reprs, and outputs/gradients under fixed weights.

    python tests/vision/record_torchvision_models.py
"""
import os
import pprint

try:
    import tvshim  # noqa: F401  (a recording environment's torchvision import fix, where needed)
except ImportError:
    pass
import torch
import torchvision
from torchvision import models

SHAPE_MODELS = {"resnet18": {}, "resnet34": {}, "resnet50": {}, "vgg11": {}, "alexnet": {}, "mobilenet_v2": {},
                "resnet18_c10": {"num_classes": 10}}
VALUE_MODELS = {"resnet18": 32, "resnet50": 32, "mobilenet_v2": 32}


def builder(name):
    return getattr(models, name.split("_c")[0] if name.endswith("_c10") else name)


def fixed_value(name, shape, n):
    """The same deterministic values the test writes: a golden-ratio sequence, scaled per kind
    of tensor so activations stay in range."""
    v = torch.arange(n, dtype=torch.float64) * 0.6180339887498949
    v = v - v.floor()  # exact
    if name.endswith("running_var") or (name.endswith("weight") and len(shape) == 1):
        v = 0.5 + v
    elif len(shape) > 1:
        fan_in = n // shape[0]
        v = (v - 0.5) * 2 * (3.0 / fan_in) ** 0.5
    else:
        v = (v - 0.5) * 0.2
    return v.to(torch.float32).reshape(shape)


def set_fixed(model):
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if t.dtype.is_floating_point:
                t.copy_(fixed_value(name, tuple(t.shape), t.numel()))


def image(n, size):
    count = n * 3 * size * size
    # Python's float remainder (exact), not a library's
    return torch.tensor([(i * 0.1) % 1.3 - 0.65 for i in range(count)], dtype=torch.float32).reshape(n, 3, size, size)


def record():
    e = {"state_dict": {}, "num_params": {}, "repr": {}, "values": {}}
    for name, kwargs in SHAPE_MODELS.items():
        model = builder(name)(**kwargs)
        e["state_dict"][name] = [(k, list(v.shape), str(v.dtype).replace("torch.", ""))
                                 for k, v in model.state_dict().items()]
        e["num_params"][name] = sum(p.numel() for p in model.parameters())
        if name in ("resnet18", "mobilenet_v2", "alexnet", "vgg11"):
            e["repr"][name] = repr(model)
    for name, size in VALUE_MODELS.items():
        torch.manual_seed(0)
        model = builder(name)(num_classes=10)
        set_fixed(model)
        model.eval()
        x = image(4, size)
        with torch.no_grad():
            eval_out = model(x)
        # training mode in float64: batch-norm gradients over a few values per channel amplify
        # rounding, so float32 runs of two libraries (or of one) differ by percents
        model.double().train()
        for m in model.modules():  # batch statistics, but no random dropout
            if isinstance(m, torch.nn.Dropout):
                m.eval()
        out = model(x.double())
        (out * torch.arange(1, 11, dtype=torch.float64)).sum().backward()
        first_conv = next(p for n, p in model.named_parameters() if p.dim() == 4)
        last = list(model.parameters())[-1]
        bn_mean = next(v for k, v in model.state_dict().items() if k.endswith("running_mean"))
        e["values"][name] = {"eval": eval_out.flatten().tolist(), "train": out.detach().flatten().tolist(),
                             "first_conv_grad": first_conv.grad.flatten()[:20].tolist(),
                             "first_conv_grad_sum": float(first_conv.grad.abs().sum()),
                             "last_grad": last.grad.flatten().tolist(),
                             "first_running_mean": bn_mean.flatten().tolist()}
    return e


if __name__ == "__main__":
    expected = record()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_torchvision_models_expected.py")
    with open(path, "w") as fh:
        fh.write(f'"""Recorded by record_torchvision_models.py from torchvision {torchvision.__version__} '
                 f'(torch {torch.__version__}); do not edit."""\n')
        fh.write("EXPECTED = " + pprint.pformat(expected, width=118, compact=True) + "\n")
    print("wrote", path)
