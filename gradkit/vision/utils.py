"""``torchvision.utils``: ``make_grid`` (a batch of images tiled into one) and ``save_image``
(PNG by hand when Pillow is absent)."""
from __future__ import annotations

import math
import os
import tempfile

from .._files import removed_on_failure
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

__all__ = ["make_grid", "save_image"]


@no_grad()
def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """The images of ``tensor`` (B x C x H x W, or a list of C x H x W) tiled ``nrow`` to a
    row with ``padding`` pixels of ``pad_value`` between and around them; one-channel images
    become three. ``normalize`` maps ``value_range`` (default: the min and max, per image with
    ``scale_each``) to [0, 1]."""
    from ..ops.shape import cat, stack

    if not isinstance(tensor, Tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not isinstance(t, Tensor):
                    raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if isinstance(tensor, list):
        tensor = stack(tensor, dim=0)
    if tensor.dim() == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:
        if tensor.size(0) == 1:
            tensor = cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:
        tensor = cat((tensor, tensor, tensor), 1)
    if normalize is True:
        tensor = tensor.clone()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")

        def norm_range(t):
            low, high = value_range if value_range is not None else (float(t.min()), float(t.max()))
            t.clamp_(min=low, max=high)
            t.sub_(low).div_(max(high - low, 1e-5))

        if scale_each is True:
            for t in tensor:
                norm_range(t)
        else:
            norm_range(tensor)
    if tensor.size(0) == 1:
        return tensor.squeeze(0)
    nmaps = tensor.size(0)
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
    grid = tensor.new_full((tensor.size(1), height * ymaps + padding, width * xmaps + padding), pad_value)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = tensor[k]
    return grid


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        return None
    return Image


@no_grad()
def save_image(tensor, fp, format=None, **kwargs):
    """Writes ``make_grid(tensor, **kwargs)`` (values in [0, 1]) as an image file. ``fp`` is a
    path or a binary file object. With Pillow any format it knows (from ``format`` or the
    extension); without it, PNG. A path is written through a temporary file that replaces it
    whole on success, so a failed save leaves no partial file."""
    from .. import _dtype

    grid = make_grid(tensor, **kwargs)
    hwc = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to("cpu", _dtype.uint8).contiguous()
    image_lib = _pillow()
    if image_lib is None:
        kind = format or (os.path.splitext(os.fspath(fp))[1][1:] if _is_path(fp) else "png")
        if kind.lower() != "png":
            raise ValueError(f"save_image writes {kind!r} only through Pillow, which is not installed "
                             f"(pip install pillow); without it, save as .png")
        from ._png import encode_png

        height, width, channels = hwc.shape
        data = encode_png(hwc.numpy().tobytes(), height, width, channels)

        def write(target, fmt):
            target.write(data)
    else:
        array = hwc.numpy()
        if array.shape[-1] == 1:
            array = array[..., 0]

        def write(target, fmt):
            image_lib.fromarray(array).save(target, format=fmt)

    if not _is_path(fp):
        write(fp, format)
        return
    path = os.fspath(fp)
    stem, ext = os.path.splitext(os.path.basename(path))
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=f".{stem}-", suffix=ext)
    with removed_on_failure(tmp):
        with os.fdopen(fd, "wb") as out:
            # Pillow reads the format from a file object's name: give it the final extension's
            write(out, format or (_pillow_format(image_lib, ext) if image_lib is not None else "png"))
        os.replace(tmp, path)


def _is_path(fp):
    return isinstance(fp, (str, bytes, os.PathLike))


def _pillow_format(image_lib, ext):
    image_lib.init()
    fmt = image_lib.registered_extensions().get(ext.lower())
    if fmt is None:
        raise ValueError(f"unknown file extension: {ext}")
    return fmt
