"""The kinds of image a transform accepts, and the way back to the kind it was given.

torchvision's transforms take tensors ``(..., C, H, W)`` and PIL images, and return the kind
they were given. Here the computation is always the tensor path; a NumPy array ``(H, W)`` or
``(H, W, C)`` (what ``ImageFolder`` loads from ``.npy``, or ``np.asarray(pil_image)``) and a PIL
image are converted to a ``(C, H, W)`` tensor and the result converted back, so a pipeline of
geometric transforms before ``ToTensor()`` works without Pillow, and with it."""
from __future__ import annotations

from ..._tensor import Tensor

__all__ = ["is_pil_image", "is_ndarray", "as_tensor_image"]


def is_pil_image(img) -> bool:
    # a PIL image is recognised without importing Pillow (which may be absent)
    return any(cls.__module__.startswith("PIL.") and cls.__name__ == "Image" for cls in type(img).__mro__)


def is_ndarray(img) -> bool:
    return type(img).__module__ == "numpy" and type(img).__name__ == "ndarray"


def as_tensor_image(img, what="img"):
    """``(tensor, back)``: the image as a ``(..., H, W)`` tensor and the function that turns a
    result of the same layout back into the kind ``img`` was."""
    if isinstance(img, Tensor):
        return img, _same
    if is_pil_image(img):
        # NumPy reads the pixel buffer: an interop entry point, not computation
        import numpy as np

        array = np.asarray(img)
        tensor, back_to_array = _from_array(array)

        def back_to_pil(result):
            from PIL import Image

            out = back_to_array(result)
            if out.ndim == 3 and out.shape[-1] == 1:
                out = out[..., 0]
            return Image.fromarray(out)

        return tensor, back_to_pil
    if is_ndarray(img):
        return _from_array(img)
    raise TypeError(f"{what} should be PIL Image or Tensor. Got {type(img)}")


def _same(result):
    return result


def _from_array(array):
    from ...ops.creation import tensor as make_tensor

    if array.ndim not in (2, 3):
        raise ValueError(f"pic should be 2/3 dimensional. Got {array.ndim} dimensions.")
    was_2d = array.ndim == 2
    t = make_tensor(array, device="cpu")
    t = t.unsqueeze(0) if was_2d else t.permute(2, 0, 1)

    def back(result):
        if result.dim() == 2:
            return result.numpy()
        hwc = result.permute(*range(result.dim() - 3), -2, -1, -3)
        if was_2d and hwc.shape[-1] == 1:
            hwc = hwc[..., 0]
        return hwc.contiguous().numpy()

    return t, back
