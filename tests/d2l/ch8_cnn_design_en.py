"""D2L (en, d2l.ai v1.x) 8.8 Designing Convolution Network Architectures /
chapter_convolutional-modern/cnn-design.md, the pytorch cells (AnyNet, RegNetX32), with the
ResNeXt block that d2l-en saves in chapter_convolutional-modern/resnet.md.

d2l is tests/d2l/_d2l_en.py (see there): the fake 600/200-image Fashion-MNIST, NumPy-drawn
shuffling, ProgressBoard points printed instead of drawn. Departures from the book, for a
short deterministic run: the first 256 training and 128 test images of the fake Fashion-MNIST
(tests/d2l/_d2l.py's loader in a DataModule), 28x28 (not resized to 96: the global average
pooling takes any size), batch_size 64, 2 epochs instead of 10;
the training runs in float64 (the default dtype while the lazy layers materialise, float64
images): after a step or two, float32 rounding amplified through the batch-norm layers'
backward (PyTorch's and gradkit's alike, equally far from a float64 reference) parts the two
libraries' losses by more than a few ulps; after the first batch materialises the lazy
layers, every conv and linear layer gets NumPy draws (Trainer.fit(..., init=same_weights)
with tests/d2l/_d2l.py's same_weights).
"""
import torch
from torch import nn
from torch.nn import functional as F

import _d2l
import _d2l_en as d2l


def cell(title):
    print(f"-- {title}")


def init_cnn(module):  #@save
    """Initialize weights for CNNs."""
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        nn.init.xavier_uniform_(module.weight)


class ResNeXtBlock(nn.Module):  #@save
    """The ResNeXt block."""
    def __init__(self, num_channels, groups, bot_mul, use_1x1conv=False,
                 strides=1):
        super().__init__()
        bot_channels = int(round(num_channels * bot_mul))
        self.conv1 = nn.LazyConv2d(bot_channels, kernel_size=1, stride=1)
        self.conv2 = nn.LazyConv2d(bot_channels, kernel_size=3,
                                   stride=strides, padding=1,
                                   groups=bot_channels//groups)
        self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=1)
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()
        self.bn3 = nn.LazyBatchNorm2d()
        if use_1x1conv:
            self.conv4 = nn.LazyConv2d(num_channels, kernel_size=1,
                                       stride=strides)
            self.bn4 = nn.LazyBatchNorm2d()
        else:
            self.conv4 = None

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = F.relu(self.bn2(self.conv2(Y)))
        Y = self.bn3(self.conv3(Y))
        if self.conv4:
            X = self.bn4(self.conv4(X))
        return F.relu(Y + X)


d2l.init_cnn, d2l.ResNeXtBlock = init_cnn, ResNeXtBlock  # [what d2l-en's library holds]

cell("[resnet.md] blk = ResNeXtBlock(32, 16, 1); X = d2l.randn(4, 32, 96, 96); blk(X).shape")
blk = ResNeXtBlock(32, 16, 1)
X = d2l.randn(4, 32, 96, 96)
print(blk(X).shape)
print(blk.conv2, tuple(blk.conv2.weight.shape), blk.bn1, type(blk.conv1).__name__)


class AnyNet(d2l.Classifier):
    def stem(self, num_channels):
        return nn.Sequential(
            nn.LazyConv2d(num_channels, kernel_size=3, stride=2, padding=1),
            nn.LazyBatchNorm2d(), nn.ReLU())


@d2l.add_to_class(AnyNet)
def stage(self, depth, num_channels, groups, bot_mul):
    blk = []
    for i in range(depth):
        if i == 0:
            blk.append(d2l.ResNeXtBlock(num_channels, groups, bot_mul,
                use_1x1conv=True, strides=2))
        else:
            blk.append(d2l.ResNeXtBlock(num_channels, groups, bot_mul))
    return nn.Sequential(*blk)


@d2l.add_to_class(AnyNet)
def __init__(self, arch, stem_channels, lr=0.1, num_classes=10):
    super(AnyNet, self).__init__()
    self.save_hyperparameters()
    self.net = nn.Sequential(self.stem(stem_channels))
    for i, s in enumerate(arch):
        self.net.add_module(f'stage{i+1}', self.stage(*s))
    self.net.add_module('head', nn.Sequential(
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
        nn.LazyLinear(num_classes)))
    self.net.apply(d2l.init_cnn)


class RegNetX32(AnyNet):
    def __init__(self, lr=0.1, num_classes=10):
        stem_channels, groups, bot_mul = 32, 16, 1
        depths, channels = (4, 6), (32, 80)
        super().__init__(
            ((depths[0], channels[0], groups, bot_mul),
             (depths[1], channels[1], groups, bot_mul)),
            stem_channels, lr, num_classes)


cell("RegNetX32().layer_summary((1, 1, 96, 96))")
RegNetX32().layer_summary((1, 1, 96, 96))

cell("model = RegNetX32(lr=0.05); trainer = d2l.Trainer(max_epochs=10, num_gpus=1); data = d2l.FashionMNIST(batch_size=128, resize=(96, 96)); trainer.fit(model, data)  [256/128 images at 28x28, batch_size 64, 2 epochs, float64, init=same_weights]")
class SmallFashionMNIST(d2l.DataModule):
    """[stand-in for d2l.FashionMNIST] float64 images from tests/d2l/_d2l.py's small loader"""
    def __init__(self, batch_size):
        super().__init__()
        self.save_hyperparameters()
        self.loaders = _d2l.load_data_fashion_mnist_small(batch_size, n_train=256, n_test=128, dtype=torch.float64)

    def get_dataloader(self, train):
        return self.loaders[0 if train else 1]


torch.set_default_dtype(torch.float64)
model = RegNetX32(lr=0.05)
trainer = d2l.Trainer(max_epochs=2, num_gpus=1)
data = SmallFashionMNIST(batch_size=64)
d2l.seed(88)
trainer.fit(model, data, init=_d2l.same_weights)
lines = model.board.lines()
print(lines['val_loss'], lines['val_acc'], lines['train_loss'])
print(type(model.net.stage1[0].conv2).__name__, model.net.stage1[0].conv2,
      sum(p.numel() for p in model.parameters()), len(model.state_dict()))
print(repr(model.net.head[-1].bias))
torch.set_default_dtype(torch.float32)
