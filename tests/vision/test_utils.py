"""save_image: the PNG it writes without Pillow decodes to torchvision's pixel values
(round(255 * x), clamped), and a failed save leaves no file behind."""
import io
import os
import struct
import sys
import zlib

import pytest

import gradkit
from gradkit.vision import utils
from gradkit.vision._png import encode_png

from ._torchvision_expected import EXPECTED


def _decode_png(data):
    """(height, width, channels, pixel bytes) of an unfiltered 8-bit PNG, checking every CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        pos += 12 + length
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, color, _, _, _ = struct.unpack(">IIBBBBB", chunks[0][1])
    channels = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    assert depth == 8
    raw = zlib.decompress(chunks[1][1])
    stride = width * channels
    rows = [raw[r * (stride + 1):(r + 1) * (stride + 1)] for r in range(height)]
    assert all(row[0] == 0 for row in rows)
    return height, width, channels, b"".join(row[1:] for row in rows)


@pytest.fixture
def no_pillow(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)


def _images():
    values = [((i * 0.37) % 1.2) - 0.1 for i in range(2 * 3 * 4 * 5)]  # some outside [0, 1]: clamped
    return gradkit.tensor(values).reshape(2, 3, 4, 5)


def test_save_image_png_without_pillow(tmp_path, no_pillow):
    x = _images()
    path = tmp_path / "grid.png"
    utils.save_image(x, path, nrow=2, padding=1)
    height, width, channels, pixels = _decode_png(path.read_bytes())
    grid = utils.make_grid(x, nrow=2, padding=1)
    assert (height, width, channels) == (grid.shape[1], grid.shape[2], 3)
    assert [height, width, channels] == EXPECTED["save_image"]["shape"]
    assert list(pixels) == EXPECTED["save_image"]["values"]  # torchvision's, through Pillow
    assert os.listdir(tmp_path) == ["grid.png"]  # the temporary file was renamed

    buffer = io.BytesIO()
    utils.save_image(x[0], buffer)  # a file object: PNG
    assert _decode_png(buffer.getvalue())[:3] == (4, 5, 3)


def test_save_image_other_formats_need_pillow(tmp_path, no_pillow):
    with pytest.raises(ValueError, match="pip install pillow"):
        utils.save_image(_images(), tmp_path / "grid.jpg")
    assert os.listdir(tmp_path) == []


def test_failed_save_leaves_no_file(tmp_path, monkeypatch, no_pillow):
    target = tmp_path / "keep.png"
    target.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("gradkit.vision._png.encode_png", broken)
    with pytest.raises(OSError, match="disk full"):
        utils.save_image(_images(), target)
    assert os.listdir(tmp_path) == ["keep.png"] and target.read_bytes() == b"old"


def test_encode_png_gray_and_rgba():
    for channels in (1, 2, 4):
        pixels = bytes(range(3 * 2 * channels))
        assert _decode_png(encode_png(pixels, 3, 2, channels)) == (3, 2, channels, pixels)
    with pytest.raises(ValueError, match="PNG holds 1, 2, 3 or 4 channels, not 5"):
        encode_png(b"", 0, 0, 5)


def test_save_image_with_pillow_reads_back(tmp_path):
    pil = pytest.importorskip("PIL.Image")
    x = _images()
    utils.save_image(x, tmp_path / "grid.png")
    with pil.open(tmp_path / "grid.png") as im:
        assert im.size == (utils.make_grid(x).shape[2], utils.make_grid(x).shape[1]) and im.mode == "RGB"
