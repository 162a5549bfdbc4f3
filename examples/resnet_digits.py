"""A small ResNet (D2L 7.6's residual blocks, three of them) on the embedded digits.

    python examples/resnet_digits.py [--device cuda] [--epochs 10]

The 8x8 digits are padded to 12x12 and each batch is shifted by up to a pixel. A 3x3 stem,
then residual blocks of 16, 32 and 64 channels (the last two halve the image), global
average pooling and one linear layer; Adam under a one-cycle schedule. Reaches about 99%
test accuracy.
"""
import gradkit as torch
from gradkit import nn
from gradkit.nn import functional as F
from gradkit.utils import data
from _common import checkpoint_round_trip, fit, one_cycle_adam, parser, setup, shifted


class Residual(nn.Module):
    """Two 3x3 convolutions with batch norm, added to the input (through a 1x1 convolution
    where the block changes the channel count or the size)."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        return F.relu(Y + (X if self.shortcut is None else self.shortcut(X)))


def make_net():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        Residual(16, 16), Residual(16, 32, stride=2), Residual(32, 64, stride=2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def padded(dataset):
    X, y = dataset.tensors
    return data.TensorDataset(F.pad(X, (2, 2, 2, 2)), y)


def main(argv=None):
    p = parser(__doc__)
    p.add_argument("--lr", type=float, default=0.01, help="the one-cycle schedule's peak")
    p.add_argument("--batch-size", type=int, default=32)
    args = p.parse_args(argv)
    setup(args)
    train_iter = data.DataLoader(padded(torch.datasets.digits(train=True)), args.batch_size, shuffle=True)
    test_iter = data.DataLoader(padded(torch.datasets.digits(train=False)), 256)
    epochs = args.epochs or 10
    net = make_net()
    loss = nn.CrossEntropyLoss()
    trainer, schedule = one_cycle_adam(net, args.lr, epochs, len(train_iter))
    test_acc = fit(net, train_iter, test_iter, loss, trainer, epochs, schedule=schedule,
                   augment=lambda X: shifted(X, max_shift=1))
    X, _ = next(iter(test_iter))
    checkpoint_round_trip(net, make_net, args.checkpoint, X[:8])
    return test_acc


if __name__ == "__main__":
    main()
