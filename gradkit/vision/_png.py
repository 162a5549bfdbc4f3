"""A minimal PNG encoder (8-bit gray, gray+alpha, RGB or RGBA; no filtering), so
``save_image`` writes PNG files without Pillow. The format: an 8-byte signature, then chunks
(length, type, data, CRC-32 of type+data): IHDR, IDAT (the zlib-compressed rows, each after
a filter-type byte), IEND."""
from __future__ import annotations

import struct
import zlib

__all__ = ["encode_png"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# channels -> PNG colour type
_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(pixels: bytes, height: int, width: int, channels: int, level: int = 6) -> bytes:
    """The PNG file of ``height`` x ``width`` uint8 pixels given row-major, channels last."""
    if channels not in _COLOR_TYPES:
        raise ValueError(f"PNG holds 1, 2, 3 or 4 channels, not {channels}")
    stride = width * channels
    if len(pixels) != height * stride:
        raise ValueError(f"{len(pixels)} bytes of pixels for a {height}x{width}x{channels} image")
    # filter type 0 ("None") before every row
    rows = b"".join(b"\x00" + pixels[r * stride:(r + 1) * stride] for r in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    return (_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, level))
            + _chunk(b"IEND", b""))
