"""D2L (en, d2l.ai v1.x) 7.6 Convolutional Neural Networks (LeNet) /
chapter_convolutional-neural-networks/lenet.md, the pytorch cells: LeNet with lazy layers.

d2l is tests/d2l/_d2l_en.py (see there): the fake 600/200-image Fashion-MNIST, NumPy-drawn
shuffling, ProgressBoard points printed instead of drawn. Departures from the book, for a
short deterministic run: layer_summary's input comes from d2l.randn (NumPy), as d2l-en's own
alias does; after the book's model.apply_init(..., init_cnn) every layer gets NumPy draws
(tests/d2l/_d2l.py's same_weights); 3 epochs instead of 10.
"""
import torch
from torch import nn

import _d2l
import _d2l_en as d2l


def cell(title):
    print(f"-- {title}")


def init_cnn(module):  #@save
    """Initialize weights for CNNs."""
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        nn.init.xavier_uniform_(module.weight)


class LeNet(d2l.Classifier):  #@save
    """The LeNet-5 model."""
    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.LazyConv2d(16, kernel_size=5), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Flatten(),
            nn.LazyLinear(120), nn.Sigmoid(),
            nn.LazyLinear(84), nn.Sigmoid(),
            nn.LazyLinear(num_classes))


@d2l.add_to_class(d2l.Classifier)  #@save
def layer_summary(self, X_shape):
    X = d2l.randn(*X_shape)
    for layer in self.net:
        X = layer(X)
        print(layer.__class__.__name__, 'output shape:\t', X.shape)


cell("model = LeNet(); model.layer_summary((1, 1, 28, 28))")
model = LeNet()
print(model.net[0], type(model.net[0]).__name__)
model.layer_summary((1, 1, 28, 28))
print(model.net[0], type(model.net[0]).__name__, tuple(model.net[0].weight.shape), model.net[7])
print(sum(p.numel() for p in model.parameters()))

cell("trainer = d2l.Trainer(max_epochs=10, num_gpus=1); data = d2l.FashionMNIST(batch_size=128); model = LeNet(lr=0.1); model.apply_init(..., init_cnn); trainer.fit(model, data)  [3 epochs, NumPy weights]")
trainer = d2l.Trainer(max_epochs=3, num_gpus=1)
data = d2l.FashionMNIST(batch_size=128)
model = LeNet(lr=0.1)
model.apply_init([next(iter(data.get_dataloader(True)))[0]], init_cnn)
print([type(m).__name__ for m in model.net])
d2l.seed(76)
_d2l.same_weights(model)  # [the same start]
trainer.fit(model, data)
lines = model.board.lines()
print(lines['val_loss'], lines['val_acc'], lines['train_loss'])
print(repr(model.net[-1].bias))
