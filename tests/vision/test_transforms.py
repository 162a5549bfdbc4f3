"""gradkit.vision.transforms against values recorded from torchvision (record_torchvision.py),
on the cpu and the strict device: colour, padding/cropping, dtype conversion, normalisation,
resize (once gradkit.nn.functional.interpolate exists), reprs and errors."""
import math

import pytest

import gradkit
import gradkit.nn.functional as nnF
from gradkit.vision import transforms as T
from gradkit.vision.transforms import functional as F

from ._torchvision_expected import EXPECTED

needs_interpolate = pytest.mark.skipif(not hasattr(nnF, "interpolate"),
                                       reason="needs gradkit.nn.functional.interpolate (built separately)")


def float_image(shape, device="cpu"):
    n = math.prod(shape)
    values = [(i * 0.1) % 1.3 / 1.3 for i in range(n)]
    return gradkit.tensor(values, dtype=gradkit.float32, device=device).reshape(shape)


def uint8_image(shape, device="cpu"):
    n = math.prod(shape)
    return gradkit.tensor([(i * 37) % 256 for i in range(n)], dtype=gradkit.uint8, device=device).reshape(shape)


def check(result, expected, atol=1e-6):
    assert list(result.shape) == expected["shape"]
    assert str(result.dtype).replace("gradkit.", "") == expected["dtype"]
    got = result.cpu().flatten().tolist()
    if expected["dtype"].startswith("float"):
        assert max((abs(a - b) for a, b in zip(got, expected["values"])), default=0.0) <= atol
    else:
        assert got == expected["values"]


COLOR_CASES = {
    "brightness_x": lambda x, u: F.adjust_brightness(x, 1.3),
    "contrast_x": lambda x, u: F.adjust_contrast(x, 0.6),
    "saturation_x": lambda x, u: F.adjust_saturation(x, 1.7),
    "hue_x": lambda x, u: F.adjust_hue(x, 0.23),
    "hue_x_neg": lambda x, u: F.adjust_hue(x, -0.4),
    "gray_x": lambda x, u: F.rgb_to_grayscale(x),
    "gray3_x": lambda x, u: F.rgb_to_grayscale(x, 3),
    "brightness_u": lambda x, u: F.adjust_brightness(u, 1.3),
    "contrast_u": lambda x, u: F.adjust_contrast(u, 0.6),
    "saturation_u": lambda x, u: F.adjust_saturation(u, 1.7),
    "hue_u": lambda x, u: F.adjust_hue(u, 0.23),
    "gray_u": lambda x, u: F.rgb_to_grayscale(u),
}

GEOMETRY_CASES = {
    "pad_constant": lambda x, u: F.pad(u, [1, 2, 3, 4], fill=7),
    "pad_edge": lambda x, u: F.pad(u, [1, 2, 3, 4], padding_mode="edge"),
    "pad_reflect": lambda x, u: F.pad(u, [1, 2, 3, 4], padding_mode="reflect"),
    "pad_symmetric": lambda x, u: F.pad(u, [1, 2, 3, 4], padding_mode="symmetric"),
    "pad_two": lambda x, u: F.pad(x, [2, 1], padding_mode="reflect"),
    "pad_negative": lambda x, u: F.pad(u, [-1, 2, 0, -2]),
    "crop_outside": lambda x, u: F.crop(u, -1, 2, 4, 8),
    "center_crop": lambda x, u: F.center_crop(u, 4),
    "center_crop_pad": lambda x, u: F.center_crop(u, (8, 9)),
    "center_crop_odd": lambda x, u: F.center_crop(x, [3]),
    "hflip": lambda x, u: F.hflip(u),
    "vflip": lambda x, u: F.vflip(u),
}

DTYPE_CASES = {
    "u_to_float": lambda x, u: F.convert_image_dtype(u, gradkit.float32),
    "x_to_uint8": lambda x, u: F.convert_image_dtype(x, gradkit.uint8),
    "u_to_int32": lambda x, u: F.convert_image_dtype(u, gradkit.int32),
    "normalize": lambda x, u: F.normalize(x, [0.4, 0.5, 0.6], [0.2, 0.3, 0.25]),
}

RESIZE_CASES = {
    "x_3x7": lambda x, u: F.resize(x, [3, 7]),
    "x_short3": lambda x, u: F.resize(x, 3),
    "u_short5_max6": lambda x, u: F.resize(u, 5, max_size=6),
    "u_up": lambda x, u: F.resize(u, [9, 11]),
    "x_no_antialias": lambda x, u: F.resize(x, [2, 3], antialias=False),
    "x_nearest": lambda x, u: F.resize(x, [3, 2], interpolation=T.InterpolationMode.NEAREST),
    "resized_crop": lambda x, u: F.resized_crop(x, 1, 1, 3, 3, [5, 5]),
    "mnist_64": lambda x, u: T.Resize(64)(uint8_image((28, 28))),
    "batch_5d": lambda x, u: F.resize(float_image((2, 2, 3, 4, 5)), [3, 3]),
}


def _inputs(device):
    return float_image((2, 3, 4, 5), device), uint8_image((3, 6, 7), device)


@pytest.mark.parametrize("name", sorted(COLOR_CASES))
def test_color_matches_torchvision(name, device):
    # float images to float32 rounding; uint8 images exactly, but a truncating cast of a value
    # that float32 arithmetic puts a hair either side of an integer may differ by one
    result = COLOR_CASES[name](*_inputs(device))
    if name.endswith("_u"):
        want = EXPECTED["color"][name]
        assert list(result.shape) == want["shape"] and result.dtype is gradkit.uint8
        diffs = [abs(a - b) for a, b in zip(result.cpu().flatten().tolist(), want["values"])]
        assert max(diffs) <= 1 and sum(d != 0 for d in diffs) <= len(diffs) // 50
    else:
        check(result, EXPECTED["color"][name], atol=2e-6)


@pytest.mark.parametrize("name", sorted(GEOMETRY_CASES))
def test_geometry_matches_torchvision(name, device):
    check(GEOMETRY_CASES[name](*_inputs(device)), EXPECTED["geometry"][name])


@pytest.mark.parametrize("name", sorted(DTYPE_CASES))
def test_dtype_and_normalize_match_torchvision(name, device):
    check(DTYPE_CASES[name](*_inputs(device)), EXPECTED["dtype"][name])


@needs_interpolate
@pytest.mark.parametrize("name", sorted(RESIZE_CASES))
def test_resize_matches_torchvision(name):
    check(RESIZE_CASES[name](*_inputs("cpu")), EXPECTED["resize"][name], atol=2e-6)


def test_resized_output_size_rule():
    for key, want in EXPECTED["sizes"].items():
        hw, size, max_size = eval(key)  # the recorded keys are reprs of plain tuples
        assert F._compute_resized_output_size(hw, size, max_size) == want


def test_resize_argument_errors():
    with pytest.raises(ValueError, match="max_size should only be passed if size specifies the length"):
        F.resize(float_image((3, 4, 5)), [3, 4], max_size=10)
    with pytest.raises(ValueError, match=r"max_size = 5 must be strictly greater than the requested size for the "
                                         r"smaller edge size = \[5\]"):
        F.resize(float_image((3, 4, 6)), 5, max_size=5)
    with pytest.raises(ValueError, match="Size must be an int or a 1 or 2 element tuple/list, not a 3 element"):
        F.resize(float_image((3, 4, 5)), [1, 2, 3])
    with pytest.raises(TypeError, match="Size should be int or sequence. Got <class 'float'>"):
        T.Resize(2.5)
    with pytest.raises(ValueError, match="If size is a sequence, it should have 1 or 2 values"):
        T.Resize([])
    with pytest.raises(TypeError, match="Argument interpolation should be a InterpolationMode"):
        F.resize(float_image((3, 4, 5)), 2, interpolation="bilinear")


def test_resize_same_size_returns_input_without_interpolate():
    x = float_image((3, 4, 5))
    assert F.resize(x, [4, 5]) is x
    assert F.resize(x, 4) is x  # the smaller edge is already 4


def test_reprs_match_torchvision():
    made = {
        "Resize": T.Resize(32),
        "Resize_full": T.Resize((30, 40), interpolation=T.InterpolationMode.NEAREST, antialias=False),
        "RandomResizedCrop": T.RandomResizedCrop(224),
        "ColorJitter": T.ColorJitter(0.4, 0.3, (0.5, 1.5), 0.1),
        "ColorJitter_off": T.ColorJitter(),
        "Normalize": T.Normalize((0.5,), (0.5,)),
        "RandomCrop": T.RandomCrop(32, padding=4),
        "CenterCrop": T.CenterCrop(10),
        "Pad": T.Pad([1, 2], fill=3, padding_mode="edge"),
        "Grayscale": T.Grayscale(3),
        "Flip": T.RandomHorizontalFlip(),
        "VFlip": T.RandomVerticalFlip(0.3),
        "Compose": T.Compose([T.Resize(64), T.ToTensor(), T.Normalize([0.5], [0.5])]),
        "ConvertImageDtype": T.ConvertImageDtype(gradkit.float32),
        "PILToTensor": T.PILToTensor(),
        "Lambda": T.Lambda(lambda v: v),
        "RandomGrayscale": T.RandomGrayscale(),
        "RandomApply": T.RandomApply([T.RandomHorizontalFlip(), T.Grayscale()], p=0.3),
    }
    for name, transform in made.items():
        assert repr(transform) == EXPECTED["repr"][name], name


def test_make_grid_matches_torchvision():
    from gradkit.vision.utils import make_grid

    imgs = float_image((3, 1, 4, 5))
    scales = gradkit.tensor([1.0, 2.0, 3.0]).view(3, 1, 1, 1)
    check(make_grid(imgs, nrow=2, padding=1, pad_value=0.5), EXPECTED["grid"]["basic"])
    check(make_grid(imgs * 3 - 1, nrow=3, normalize=True), EXPECTED["grid"]["normalize"])
    check(make_grid(imgs, normalize=True, value_range=(0.2, 0.8), padding=0), EXPECTED["grid"]["range"])
    check(make_grid(imgs * scales, normalize=True, scale_each=True), EXPECTED["grid"]["scale_each"])
    check(make_grid(float_image((1, 4, 5))), EXPECTED["grid"]["single"])
    check(make_grid([float_image((3, 2, 2)), float_image((3, 2, 2)) * 0.5], padding=3), EXPECTED["grid"]["list"])
    with pytest.raises(TypeError, match="tensor or list of tensors expected, got <class 'int'>"):
        make_grid(3)
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(imgs, normalize=True, value_range=[0, 1])


# -- random transforms: gradkit's generator, torchvision's draws --------------------------
def test_random_crop_is_a_window_of_the_padded_image():
    u = uint8_image((3, 6, 7))
    padded = F.pad(u, 2)
    gradkit.manual_seed(3)
    seen = set()
    for _ in range(20):
        out = T.RandomCrop((4, 5), padding=2)(u)
        assert out.shape == (3, 4, 5)
        hits = [(i, j) for i in range(7) for j in range(7) if bool((padded[:, i:i + 4, j:j + 5] == out).all())]
        assert hits
        seen.add(hits[0])
    assert len(seen) > 3  # the position varies


def test_random_crop_pad_if_needed_and_errors():
    u = uint8_image((3, 6, 7))
    assert T.RandomCrop((8, 9), pad_if_needed=True)(u).shape == (3, 8, 9)
    with pytest.raises(ValueError, match=r"Required crop size \(8, 9\) is larger than input image size \(6, 7\)"):
        T.RandomCrop((8, 9))(u)
    assert T.RandomCrop((6, 7))(u) is not None


def test_random_transforms_repeat_under_the_same_seed():
    x = float_image((3, 8, 9))
    pipeline = T.Compose([T.RandomCrop(6, padding=1, padding_mode="reflect"), T.RandomHorizontalFlip(),
                          T.RandomVerticalFlip(), T.ColorJitter(0.4, 0.4, 0.4, 0.1)])
    gradkit.manual_seed(11)
    first = [pipeline(x) for _ in range(3)]
    gradkit.manual_seed(11)
    again = [pipeline(x) for _ in range(3)]
    for a, b in zip(first, again):
        assert bool((a == b).all())


def test_flips_follow_p():
    x = float_image((3, 4, 5))
    assert bool((T.RandomHorizontalFlip(p=1.0)(x) == F.hflip(x)).all())
    assert T.RandomHorizontalFlip(p=0.0)(x) is x
    assert bool((T.RandomVerticalFlip(p=1.0)(x) == F.vflip(x)).all())
    assert T.RandomVerticalFlip(p=0.0)(x) is x
    gradkit.manual_seed(0)
    flips = sum(not bool((T.RandomHorizontalFlip()(x) == x).all()) for _ in range(200))
    assert 70 < flips < 130


def test_random_resized_crop_params():
    x = float_image((3, 20, 30))
    gradkit.manual_seed(5)
    for _ in range(20):
        i, j, h, w = T.RandomResizedCrop.get_params(x, (0.08, 1.0), (3 / 4, 4 / 3))
        assert 0 < h <= 20 and 0 < w <= 30 and 0 <= i <= 20 - h and 0 <= j <= 30 - w
        assert 0.08 * 600 * 0.6 <= h * w <= 600
    # no try can fit an area above the image's: the fallback is the largest centre crop within the ratio
    assert T.RandomResizedCrop.get_params(x, (2.0, 3.0), (3 / 4, 4 / 3)) == (0, 1, 20, 27)
    assert T.RandomResizedCrop.get_params(float_image((3, 30, 20)), (2.0, 3.0), (3 / 4, 4 / 3)) == (1, 0, 27, 20)


@needs_interpolate
def test_random_resized_crop_output_size():
    gradkit.manual_seed(0)
    assert T.RandomResizedCrop(8)(float_image((3, 20, 30))).shape == (3, 8, 8)
    assert T.RandomResizedCrop((6, 7))(uint8_image((3, 20, 30))).dtype is gradkit.uint8


def test_color_jitter_params_and_checks():
    gradkit.manual_seed(2)
    order, b, c, s, h = T.ColorJitter.get_params((0.5, 1.5), None, (0.9, 1.1), (-0.1, 0.1))
    assert sorted(order.tolist()) == [0, 1, 2, 3]
    assert 0.5 <= b <= 1.5 and c is None and 0.9 <= s <= 1.1 and -0.1 <= h <= 0.1
    with pytest.raises(ValueError, match="If brightness is a single number, it must be non negative."):
        T.ColorJitter(brightness=-1)
    with pytest.raises(ValueError, match=r"hue values should be between \(-0.5, 0.5\), but got \[-0.7, 0.7\]."):
        T.ColorJitter(hue=0.7)
    with pytest.raises(TypeError, match="contrast should be a single number or a list/tuple with length 2."):
        T.ColorJitter(contrast=[1, 2, 3])
    x = float_image((3, 4, 5))
    assert T.ColorJitter()(x) is x


def test_grayscale_and_channel_errors():
    x = float_image((3, 4, 5))
    assert T.Grayscale()(x).shape == (1, 4, 5)
    assert T.Grayscale(3)(x).shape == (3, 4, 5)
    with pytest.raises(TypeError, match="Input image tensor permitted channel values are \\[1, 3\\], but found 2"):
        F.rgb_to_grayscale(float_image((2, 4, 5)))
    with pytest.raises(ValueError, match="num_output_channels should be either 1 or 3"):
        F.rgb_to_grayscale(x, 2)
    with pytest.raises(ValueError, match=r"hue_factor \(0.7\) is not in \[-0.5, 0.5\]."):
        F.adjust_hue(x, 0.7)
    with pytest.raises(ValueError, match=r"brightness_factor \(-1\) is not non-negative."):
        F.adjust_brightness(x, -1)


def test_normalize_checks():
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got gradkit.uint8."):
        T.Normalize([0.5], [0.5])(uint8_image((1, 2, 2)))
    with pytest.raises(ValueError, match="Expected tensor to be a tensor image of size"):
        F.normalize(float_image((4, 5)), [0.5], [0.5])
    with pytest.raises(ValueError, match="std evaluated to zero after conversion to gradkit.float32"):
        F.normalize(float_image((1, 4, 5)), [0.5], [0.0])
    x = float_image((1, 2, 2))
    assert T.Normalize([0.5], [0.5], inplace=True)(x) is x


def test_pad_and_crop_errors():
    u = uint8_image((3, 6, 7))
    with pytest.raises(ValueError, match="Padding mode should be either constant, edge, reflect or symmetric"):
        T.Pad(1, padding_mode="wrap")
    with pytest.raises(ValueError, match="Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element"):
        F.pad(u, [1, 2, 3])
    with pytest.raises(TypeError, match="Got inappropriate padding arg"):
        F.pad(u, "1")
    assert T.Pad(2)(u).shape == (3, 10, 11)
    assert T.CenterCrop((2, 3))(u).shape == (3, 2, 3)


def test_convert_image_dtype_unsafe_cast():
    with pytest.raises(RuntimeError, match="The cast from gradkit.float32 to gradkit.int64 cannot be performed"):
        F.convert_image_dtype(float_image((1, 2, 2)), gradkit.int64)
    x = float_image((1, 2, 2))
    assert F.convert_image_dtype(x, gradkit.float32) is x
    assert T.ConvertImageDtype(gradkit.float64)(x).dtype is gradkit.float64


def test_numpy_images_keep_their_kind():
    # an HWC array (what ImageFolder loads from .npy) goes through the tensor path and comes back an array
    np = pytest.importorskip("numpy")
    arr = (np.arange(6 * 7 * 3).reshape(6, 7, 3) * 37 % 256).astype(np.uint8)
    flipped = F.hflip(arr)
    assert isinstance(flipped, np.ndarray) and flipped.dtype == np.uint8
    assert (flipped == arr[:, ::-1]).all()
    cropped = T.CenterCrop(4)(arr)
    assert cropped.shape == (4, 4, 3) and (cropped == arr[1:5, 2:6]).all()
    gray = F.rgb_to_grayscale(arr)
    assert gray.shape == (6, 7, 1)
    assert (T.Pad(1)(arr.reshape(6, 21)[:, :7]) is not None)
    t = T.ToTensor()(T.RandomCrop(5)(arr))
    assert t.shape == (3, 5, 5) and t.dtype is gradkit.float32
    p = T.PILToTensor()(arr)
    assert p.shape == (3, 6, 7) and p.dtype is gradkit.uint8 and p[1, 2, 3].item() == int(arr[2, 3, 1])
    with pytest.raises(TypeError, match="pic should be PIL Image. Got <class 'gradkit.Tensor'>"):
        T.PILToTensor()(p)


def test_v2_names_the_same_transforms():
    from gradkit.vision.transforms import v2

    assert v2.RandomCrop is T.RandomCrop and v2.Normalize is T.Normalize
    img = v2.ToImage()(uint8_image((4, 5)))
    assert img.shape == (1, 4, 5)
    out = v2.ToDtype(gradkit.float32, scale=True)(img)
    assert out.dtype is gradkit.float32 and 0.0 <= out.min().item() and out.max().item() <= 1.0
    assert v2.ToDtype(gradkit.float32)(img).max().item() > 1.0


def test_module_transforms_compose_in_sequential():
    # torchvision's transforms are nn.Modules: they nest in nn.Sequential
    seq = gradkit.nn.Sequential(T.CenterCrop(3), T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]))
    assert seq(float_image((3, 4, 5))).shape == (3, 3, 3)


def test_to_pil_image_without_pillow_says_how_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="pip install pillow"):
        T.ToPILImage()(float_image((3, 2, 2)))
    assert repr(T.ToPILImage()) == "ToPILImage()" and repr(T.ToPILImage("RGB")) == "ToPILImage(mode=RGB)"
