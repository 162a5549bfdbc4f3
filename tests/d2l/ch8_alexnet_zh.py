"""D2L (zh, zh-v2.d2l.ai) 7.1 深度卷积神经网络（AlexNet） / chapter_convolutional-modern/alexnet.md,
the pytorch cells.

d2l is tests/d2l/_d2l.py. Departures from the book, for a short deterministic run: the
training sees the first 16 training and 8 test images of the fake Fashion-MNIST (resized to
224 in NumPy) in batches of 8, for one epoch; weights are NumPy draws (train_ch6) and the
nn.Dropout layers draw their masks from NumPy (d2l.numpy_dropout).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("net = nn.Sequential(nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(), ...)")
net = nn.Sequential(
    # 这里使用一个11*11的更大窗口来捕捉对象。
    # 同时，步幅为4，以减少输出的高度和宽度。
    # 另外，输出通道的数目远大于LeNet
    nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
    nn.MaxPool2d(kernel_size=3, stride=2),
    # 减小卷积窗口，使用填充为2来使得输入与输出的高和宽一致，且增大输出通道数
    nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
    nn.MaxPool2d(kernel_size=3, stride=2),
    # 使用三个连续的卷积层和较小的卷积窗口。
    # 除了最后的卷积层，输出通道的数量进一步增加。
    # 在前两个卷积层之后，汇聚层不用于减少输入的高度和宽度
    nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
    nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
    nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
    nn.MaxPool2d(kernel_size=3, stride=2),
    nn.Flatten(),
    # 这里，全连接层的输出数量是LeNet中的好几倍。使用dropout层来减轻过拟合
    nn.Linear(6400, 4096), nn.ReLU(),
    nn.Dropout(p=0.5),
    nn.Linear(4096, 4096), nn.ReLU(),
    nn.Dropout(p=0.5),
    # 最后是输出层。由于这里使用Fashion-MNIST，所以用类别数为10，而非论文中的1000
    nn.Linear(4096, 10))
print(net)
print(sum(p.numel() for p in net.parameters()))

cell("X = torch.randn(1, 1, 224, 224); for layer in net: ...")
X = torch.randn(1, 1, 224, 224)
for layer in net:
    X=layer(X)
    print(layer.__class__.__name__,'output shape:\t',X.shape)

cell("batch_size = 128; train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size, resize=224)  [batch_size 8, 16/8 images]")
batch_size = 8
train_iter, test_iter = d2l.load_data_fashion_mnist_small(batch_size, resize=224, n_train=16, n_test=8)
X, y = next(iter(train_iter))
print(X.shape, X.dtype, y.shape, repr(X[0, 0, 100, 100:104]))

cell("lr, num_epochs = 0.01, 10; d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())  [NumPy dropout masks, 1 epoch]")
d2l.seed(81)
d2l.numpy_dropout(net)
lr, num_epochs = 0.01, 1
d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())
print(repr(net[-1].bias))
