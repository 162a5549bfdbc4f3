"""Where Pillow is installed (it is optional): transforms take PIL images and give PIL images
back, ImageFolder reads image files, and the PNG that save_image writes without Pillow
decodes with Pillow to the same pixels."""
import sys

import pytest

import gradkit
from gradkit.vision import transforms as T
from gradkit.vision import utils
from gradkit.vision.datasets import ImageFolder

Image = pytest.importorskip("PIL.Image")
np = pytest.importorskip("numpy")


def _rgb():
    arr = (np.arange(6 * 7 * 3).reshape(6, 7, 3) * 37 % 256).astype(np.uint8)
    return arr, Image.fromarray(arr)


def test_transforms_keep_pil_images():
    arr, img = _rgb()
    flipped = T.RandomHorizontalFlip(p=1.0)(img)
    assert isinstance(flipped, Image.Image) and flipped.mode == "RGB"
    assert (np.asarray(flipped) == arr[:, ::-1]).all()
    cropped = T.CenterCrop(4)(img)
    assert cropped.size == (4, 4) and (np.asarray(cropped) == arr[1:5, 2:6]).all()
    gray = T.Grayscale()(img)
    assert gray.mode == "L" and gray.size == (7, 6)
    tensor = T.Compose([T.RandomCrop(5, padding=1), T.ToTensor()])(img)
    assert tensor.shape == (3, 5, 5) and tensor.dtype is gradkit.float32
    pil = T.PILToTensor()(img)
    assert pil.dtype is gradkit.uint8 and pil[2, 1, 3].item() == int(arr[1, 3, 2])


def test_png_without_pillow_reads_back_with_pillow(tmp_path, monkeypatch):
    x = gradkit.tensor([((i * 0.37) % 1.2) - 0.1 for i in range(2 * 3 * 4 * 5)]).reshape(2, 3, 4, 5)
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "PIL", None)
        utils.save_image(x, tmp_path / "by_hand.png")
    utils.save_image(x, tmp_path / "by_pillow.png")
    with Image.open(tmp_path / "by_hand.png") as a, Image.open(tmp_path / "by_pillow.png") as b:
        assert (np.asarray(a) == np.asarray(b)).all() and a.mode == "RGB"


def test_image_folder_reads_png_files(tmp_path):
    arr, img = _rgb()
    for cls in ("a", "b"):
        (tmp_path / cls).mkdir()
        img.save(tmp_path / cls / "x.png")
    ds = ImageFolder(tmp_path, transform=T.ToTensor())
    image, label = ds[1]
    assert label == 1 and image.shape == (3, 6, 7)
    assert abs(image[0, 0, 1].item() - int(arr[0, 1, 0]) / 255) < 1e-7


def test_to_pil_image():
    arr, img = _rgb()
    t = T.PILToTensor()(img)
    back = T.ToPILImage()(t)
    assert back.mode == "RGB" and (np.asarray(back) == arr).all()
    gray = T.ToPILImage()(gradkit.full((1, 2, 3), 0.5))
    assert gray.mode == "L" and np.asarray(gray).tolist() == [[127, 127, 127]] * 2
    assert T.ToPILImage()(arr).size == (7, 6)
