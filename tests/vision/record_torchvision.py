"""Records torchvision's results for tests/vision (run with a python that has torch and
torchvision; writes _torchvision_expected.py beside this file). torchvision is never a test
dependency: the tests read the literals written here.

    python tests/vision/record_torchvision.py
"""
import os
import pprint

try:
    import tvshim  # noqa: F401  (a recording environment's torchvision import fix, where needed)
except ImportError:
    pass
import torch
import torchvision
from torchvision.transforms import functional as F
from torchvision.transforms import transforms as T


def float_image(shape):
    n = 1
    for s in shape:
        n *= s
    return torch.tensor([(i * 0.1) % 1.3 / 1.3 for i in range(n)], dtype=torch.float32).reshape(shape)


def uint8_image(shape):
    n = 1
    for s in shape:
        n *= s
    return torch.tensor([(i * 37) % 256 for i in range(n)], dtype=torch.uint8).reshape(shape)


def out(t):
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": t.flatten().tolist()}


def record():
    x = float_image((2, 3, 4, 5))
    u = uint8_image((3, 6, 7))
    e = {}
    e["color"] = {
        "brightness_x": out(F.adjust_brightness(x, 1.3)),
        "contrast_x": out(F.adjust_contrast(x, 0.6)),
        "saturation_x": out(F.adjust_saturation(x, 1.7)),
        "hue_x": out(F.adjust_hue(x, 0.23)),
        "hue_x_neg": out(F.adjust_hue(x, -0.4)),
        "gray_x": out(F.rgb_to_grayscale(x)),
        "gray3_x": out(F.rgb_to_grayscale(x, 3)),
        "brightness_u": out(F.adjust_brightness(u, 1.3)),
        "contrast_u": out(F.adjust_contrast(u, 0.6)),
        "saturation_u": out(F.adjust_saturation(u, 1.7)),
        "hue_u": out(F.adjust_hue(u, 0.23)),
        "gray_u": out(F.rgb_to_grayscale(u)),
    }
    e["geometry"] = {
        "pad_constant": out(F.pad(u, [1, 2, 3, 4], fill=7)),
        "pad_edge": out(F.pad(u, [1, 2, 3, 4], padding_mode="edge")),
        "pad_reflect": out(F.pad(u, [1, 2, 3, 4], padding_mode="reflect")),
        "pad_symmetric": out(F.pad(u, [1, 2, 3, 4], padding_mode="symmetric")),
        "pad_two": out(F.pad(x, [2, 1], padding_mode="reflect")),
        "pad_negative": out(F.pad(u, [-1, 2, 0, -2])),
        "crop_outside": out(F.crop(u, -1, 2, 4, 8)),
        "center_crop": out(F.center_crop(u, 4)),
        "center_crop_pad": out(F.center_crop(u, (8, 9))),
        "center_crop_odd": out(F.center_crop(x, [3])),
        "hflip": out(F.hflip(u)),
        "vflip": out(F.vflip(u)),
    }
    e["dtype"] = {
        "u_to_float": out(F.convert_image_dtype(u, torch.float32)),
        "x_to_uint8": out(F.convert_image_dtype(x, torch.uint8)),
        "u_to_int32": out(F.convert_image_dtype(u, torch.int32)),
        "normalize": out(F.normalize(x, [0.4, 0.5, 0.6], [0.2, 0.3, 0.25])),
    }
    e["resize"] = {
        "x_3x7": out(F.resize(x, [3, 7])),
        "x_short3": out(F.resize(x, 3)),
        "u_short5_max6": out(F.resize(u, 5, max_size=6)),
        "u_up": out(F.resize(u, [9, 11])),
        "x_no_antialias": out(F.resize(x, [2, 3], antialias=False)),
        "x_nearest": out(F.resize(x, [3, 2], interpolation=T.InterpolationMode.NEAREST)),
        "resized_crop": out(F.resized_crop(x, 1, 1, 3, 3, [5, 5])),
        # D2L's Resize on a raw (28, 28) MNIST image: torchvision's tensor path wants a channel
        "mnist_64": out(F.resize(uint8_image((1, 28, 28)), 64)[0]),
        "batch_5d": out(F.resize(float_image((2, 2, 3, 4, 5)).flatten(0, 1), [3, 3]).reshape(2, 2, 3, 3, 3)),
    }
    e["sizes"] = {repr((hw, size, m)): F._compute_resized_output_size(hw, size, m)
                  for hw, size, m in [((4, 5), [3], None), ((5, 4), [3], None), ((100, 30), [20], 50),
                                      ((30, 100), [20], 50), ((6, 7), [5], 6), ((10, 10), [4, 6], None)]}
    imgs = float_image((3, 1, 4, 5))
    e["grid"] = {
        "basic": out(torchvision.utils.make_grid(imgs, nrow=2, padding=1, pad_value=0.5)),
        "normalize": out(torchvision.utils.make_grid(imgs * 3 - 1, nrow=3, normalize=True)),
        "range": out(torchvision.utils.make_grid(imgs, normalize=True, value_range=(0.2, 0.8), padding=0)),
        "scale_each": out(torchvision.utils.make_grid(imgs * torch.tensor([1.0, 2.0, 3.0]).view(3, 1, 1, 1),
                                                      normalize=True, scale_each=True)),
        "single": out(torchvision.utils.make_grid(float_image((1, 4, 5)))),
        "list": out(torchvision.utils.make_grid([float_image((3, 2, 2)), float_image((3, 2, 2)) * 0.5],
                                                padding=3)),
    }
    # save_image's pixels (PNG through Pillow, read back)
    import io

    import numpy as np
    from PIL import Image

    buffer = io.BytesIO()
    shots = torch.tensor([((i * 0.37) % 1.2) - 0.1 for i in range(2 * 3 * 4 * 5)]).reshape(2, 3, 4, 5)
    torchvision.utils.save_image(shots, buffer, format="png", nrow=2, padding=1)
    pixels = np.asarray(Image.open(io.BytesIO(buffer.getvalue())))
    e["save_image"] = {"shape": list(pixels.shape), "values": pixels.flatten().tolist()}
    e["repr"] = {
        "Resize": repr(T.Resize(32)),
        "Resize_full": repr(T.Resize((30, 40), interpolation=T.InterpolationMode.NEAREST, antialias=False)),
        "RandomResizedCrop": repr(T.RandomResizedCrop(224)),
        "ColorJitter": repr(T.ColorJitter(0.4, 0.3, (0.5, 1.5), 0.1)),
        "ColorJitter_off": repr(T.ColorJitter()),
        "Normalize": repr(T.Normalize((0.5,), (0.5,))),
        "RandomCrop": repr(T.RandomCrop(32, padding=4)),
        "CenterCrop": repr(T.CenterCrop(10)),
        "Pad": repr(T.Pad([1, 2], fill=3, padding_mode="edge")),
        "Grayscale": repr(T.Grayscale(3)),
        "Flip": repr(T.RandomHorizontalFlip()),
        "VFlip": repr(T.RandomVerticalFlip(0.3)),
        "Compose": repr(T.Compose([T.Resize(64), T.ToTensor(), T.Normalize([0.5], [0.5])])),
        "ConvertImageDtype": repr(T.ConvertImageDtype(torch.float32)),
        "PILToTensor": repr(T.PILToTensor()),
        "Lambda": repr(T.Lambda(lambda v: v)),
        "RandomGrayscale": repr(T.RandomGrayscale()),
        "RandomApply": repr(T.RandomApply([T.RandomHorizontalFlip(), T.Grayscale()], p=0.3)),
    }
    return e


if __name__ == "__main__":
    expected = record()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_torchvision_expected.py")
    with open(path, "w") as fh:
        fh.write(f'"""Recorded by record_torchvision.py from torchvision {torchvision.__version__} '
                 f'(torch {torch.__version__}); do not edit."""\n')
        fh.write("EXPECTED = " + pprint.pformat(expected, width=118, compact=True) + "\n")
    print("wrote", path)
