"""gradkit.vision.models against torchvision (record_torchvision_models.py): state_dict keys,
shapes and dtypes, parameter counts, reprs, default initialisation, and outputs/gradients
under the same fixed weights."""
import pytest

import gradkit
from gradkit import nn
from gradkit.vision import models

from ._torchvision_models_expected import EXPECTED

pytestmark = pytest.mark.skipif(not all(hasattr(nn, n) for n in ("Conv2d", "MaxPool2d", "AdaptiveAvgPool2d")),
                                reason="needs nn.Conv2d, nn.MaxPool2d and nn.AdaptiveAvgPool2d (built separately)")


@pytest.fixture(scope="module")
def built():
    """Models at their defaults, built once for the tests that only read them (VGG-11 alone
    holds 133M parameters); freed when the module's tests end."""
    cache = {}

    def get(name):
        if name not in cache:
            gradkit.manual_seed(0)
            cache[name] = getattr(models, name[:-4])(num_classes=10) if name.endswith("_c10") else \
                getattr(models, name)()
        return cache[name]

    yield get
    cache.clear()


@pytest.mark.parametrize("name", sorted(EXPECTED["state_dict"]))
def test_state_dict_keys_and_shapes_match_torchvision(name, built):
    model = built(name)
    got = [(k, list(v.shape), str(v.dtype).replace("gradkit.", "")) for k, v in model.state_dict().items()]
    assert got == [tuple(entry) for entry in EXPECTED["state_dict"][name]]
    assert sum(p.numel() for p in model.parameters()) == EXPECTED["num_params"][name]
    if name in EXPECTED["repr"]:
        assert repr(model) == EXPECTED["repr"][name]


def _fixed_value(name, shape, n):
    v = gradkit.arange(n, dtype=gradkit.float64) * 0.6180339887498949
    v = v - v.floor()  # exact
    if name.endswith("running_var") or (name.endswith("weight") and len(shape) == 1):
        v = 0.5 + v
    elif len(shape) > 1:
        v = (v - 0.5) * 2 * (3.0 / (n // shape[0])) ** 0.5
    else:
        v = (v - 0.5) * 0.2
    return v.to(gradkit.float32).reshape(shape)


def _image(n, size):
    count = n * 3 * size * size
    # Python's float remainder (exact), not a library's
    return gradkit.tensor([(i * 0.1) % 1.3 - 0.65 for i in range(count)], dtype=gradkit.float32).reshape(n, 3, size, size)


def _close(got, want, rtol=2e-4, atol=2e-5):
    got = got.flatten().tolist() if isinstance(got, gradkit.Tensor) else got
    assert len(got) == len(want)
    bad = [(i, a, b) for i, (a, b) in enumerate(zip(got, want)) if abs(a - b) > atol + rtol * abs(b)]
    assert not bad, bad[:5]


@pytest.mark.parametrize("name", sorted(EXPECTED["values"]))
def test_outputs_and_gradients_match_torchvision(name):
    want = EXPECTED["values"][name]
    model = getattr(models, name)(num_classes=10)
    # the fixed weights go in through load_state_dict, as a state dict saved by torchvision would
    state = {k: (_fixed_value(k, tuple(v.shape), v.numel()) if v.is_floating_point() else v)
             for k, v in model.state_dict().items()}
    model.load_state_dict(state)
    x = _image(4, 32)
    model.eval()
    with gradkit.no_grad():
        _close(model(x), want["eval"])
    # training mode in float64 (as recorded): batch-norm gradients over a few values per channel
    # amplify rounding, so float32 runs differ by percents even within one library
    model.double().train()
    for m in model.modules():  # batch statistics, but no random dropout
        if isinstance(m, nn.Dropout):
            m.eval()
    out = model(x.double())
    _close(out, want["train"], rtol=1e-7, atol=1e-9)
    (out * gradkit.arange(1, 11, dtype=gradkit.float64)).sum().backward()
    first_conv = next(p for _, p in model.named_parameters() if p.dim() == 4)
    _close(first_conv.grad.flatten()[:20], want["first_conv_grad"], rtol=1e-6, atol=1e-8)
    assert first_conv.grad.abs().sum().item() == pytest.approx(want["first_conv_grad_sum"], rel=1e-7)
    _close(list(model.parameters())[-1].grad, want["last_grad"], rtol=1e-7, atol=1e-9)
    running_mean = next(v for k, v in model.state_dict().items() if k.endswith("running_mean"))
    _close(running_mean, want["first_running_mean"], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name,size", [("alexnet", 63), ("vgg11", 32), ("resnet34", 32)])
def test_forward_shapes_at_small_inputs(name, size, built):
    model = built(name).eval()
    with gradkit.no_grad():
        out = model(gradkit.randn(1, 3, size, size))
    assert out.shape == (1, 1000) and out.dtype is gradkit.float32


def test_default_initialisation_follows_torchvision(built):
    resnet = built("resnet18")
    # kaiming normal, fan_out, relu gain: std = sqrt(2 / (out_channels * k * k))
    w = resnet.layer2[0].conv1.weight
    assert w.std().item() == pytest.approx((2 / (128 * 9)) ** 0.5, rel=0.05)
    assert bool((resnet.bn1.weight == 1).all()) and bool((resnet.bn1.bias == 0).all())
    bound = 1 / 512 ** 0.5  # the fc layer keeps nn.Linear's default init
    assert resnet.fc.weight.abs().max().item() <= bound
    zero_init = models.resnet18(zero_init_residual=True)
    assert bool((zero_init.layer1[0].bn2.weight == 0).all())
    mobile = built("mobilenet_v2")
    assert mobile.classifier[1].weight.std().item() == pytest.approx(0.01, rel=0.05)
    assert bool((mobile.classifier[1].bias == 0).all())
    # kaiming normal, fan_out, default leaky_relu(0) gain: sqrt(2 / (32 * 3 * 3))
    assert mobile.features[0][0].weight.std().item() == pytest.approx((2 / (32 * 9)) ** 0.5, rel=0.1)
    vgg = built("vgg11")
    assert bool((vgg.features[0].bias == 0).all())
    assert vgg.classifier[6].weight.std().item() == pytest.approx(0.01, rel=0.05)
    alex = built("alexnet")  # PyTorch's default layer init: uniform within 1/sqrt(fan_in)
    assert alex.features[0].weight.abs().max().item() <= 1 / (3 * 11 * 11) ** 0.5


def test_weights_are_refused_with_a_clear_error():
    for weights in ("DEFAULT", "IMAGENET1K_V1", models.ResNet18_Weights.DEFAULT):
        with pytest.raises(ValueError, match="does not download pretrained weights"):
            models.resnet18(weights=weights)
    with pytest.raises(ValueError, match=r"mobilenet_v2\(weights='MobileNet_V2_Weights.IMAGENET1K_V2'\)"):
        models.mobilenet_v2(weights=models.MobileNet_V2_Weights.DEFAULT)
    with pytest.warns(UserWarning, match="The parameter 'pretrained' is deprecated"):
        with pytest.raises(ValueError, match="does not download"):
            models.alexnet(pretrained=True)
    with pytest.warns(UserWarning, match="The parameter 'pretrained' is deprecated"):
        assert isinstance(models.resnet18(pretrained=False, num_classes=3), models.ResNet)


def test_registry():
    assert {"resnet18", "resnet34", "resnet50", "vgg11", "alexnet", "mobilenet_v2"} <= set(models.list_models())
    assert isinstance(models.get_model("resnet18", num_classes=4), models.ResNet)
    with pytest.raises(ValueError, match="Unknown model nope"):
        models.get_model("nope")
