"""``gradkit.vision``: torchvision's interface, so ``import gradkit.vision as torchvision``
serves D2L and ordinary training scripts.

- ``datasets``: ``MNIST``, ``FashionMNIST`` (IDX files, torchvision's download), ``ImageFolder``
- ``transforms``: ``Compose``, ``ToTensor``, ``Normalize``, ``Resize``, crops, flips,
  ``ColorJitter``, ``Grayscale``, ... on tensors (and NumPy arrays / PIL images)
- ``utils``: ``make_grid``, ``save_image``
- ``models``: ``resnet18/34/50``, ``vgg11``, ``alexnet``, ``mobilenet_v2`` with torchvision's
  parameter names, shapes and initialisation (random weights: nothing is downloaded)
"""
from . import datasets, models, transforms, utils  # noqa: F401

__version__ = "0.1.0"

__all__ = ["datasets", "models", "transforms", "utils"]
