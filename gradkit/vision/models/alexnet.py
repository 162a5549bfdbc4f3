"""AlexNet (Krizhevsky et al., 2012) in torchvision's single-GPU form; modules keep
PyTorch's default initialisation, as torchvision's do."""
from __future__ import annotations

from ... import flatten
from ... import nn
from ._api import check_weights, register_model, weights_enum

__all__ = ["AlexNet", "alexnet", "AlexNet_Weights"]

AlexNet_Weights = weights_enum("AlexNet_Weights", ["IMAGENET1K_V1"], "IMAGENET1K_V1")


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(flatten(x, 1))


@register_model
def alexnet(*, weights=None, progress=True, **kwargs):
    """AlexNet: five convolutions and three fully connected layers; inputs at least 63x63."""
    check_weights("alexnet", weights, kwargs)
    kwargs.pop("progress", None)
    return AlexNet(**kwargs)
