"""D2L (zh, zh-v2.d2l.ai) 3.5 图像分类数据集 / chapter_linear-networks/image-classification-dataset.md,
the pytorch cells.

Fashion-MNIST is the small fake of _fake_fashion_mnist.py (600 training, 200 test images in
the IDX files torchvision reads). torchvision.datasets.FashionMNIST(root, train,
transform=transforms.ToTensor(), download=True) is gradkit.datasets.FashionMNIST in the
gradkit run and a TensorDataset of the same tensors in the torch run (d2l.fashion_mnist_datasets).
Not covered: resize=64 (transforms.Resize: gradkit has no Resize, and torchvision is not
here to compare with); the book's last cell is run without it. show_images is not drawn;
what it would get is printed. Timings are not compared.
"""
import torch
from torch.utils import data

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("trans = transforms.ToTensor(); mnist_train = torchvision.datasets.FashionMNIST(...); mnist_test = ...")
mnist_train, mnist_test = d2l.fashion_mnist_datasets()

cell("len(mnist_train), len(mnist_test)")
print(repr((len(mnist_train), len(mnist_test))))

cell("mnist_train[0][0].shape")
print(repr(mnist_train[0][0].shape))

cell("[not in the book] the first image and labels: the same data in both runs")
img, label = mnist_train[0]
print(img.dtype, int(label), repr(img[0, 12:15, 10:16]), f'{float(img.sum()):.4f}',
      bool((img >= 0).all()), bool((img <= 1).all()))
print([int(mnist_test[i][1]) for i in range(10)], repr(mnist_test[199][0][0, 14, 8:12]))
print('pixel sums x 255:', [int((mnist_train[i][0] * 255).round().sum()) for i in (0, 1, 599)],
      [int((mnist_test[i][0] * 255).round().sum()) for i in (0, 199)],
      bool((mnist_train[5][0] * 255 == (mnist_train[5][0] * 255).round()).all()))


def get_fashion_mnist_labels(labels):  #@save
    """返回Fashion-MNIST数据集的文本标签"""
    text_labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                   'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
    return [text_labels[int(i)] for i in labels]


cell("X, y = next(iter(data.DataLoader(mnist_train, batch_size=18))); show_images(X.reshape(18, 28, 28), 2, 9, titles=get_fashion_mnist_labels(y))")
X, y = next(iter(data.DataLoader(mnist_train, batch_size=18)))
imgs = X.reshape(18, 28, 28)
print(imgs.shape, torch.is_tensor(imgs[0]), [torch.is_tensor(i) for i in y[:2]], get_fashion_mnist_labels(y))
print(X.device == y.device, f'{float(X.sum()):.3f}', repr(y))

batch_size = 256


def get_dataloader_workers():  #@save
    """使用4个进程来读取数据"""
    return 4


cell("train_iter = data.DataLoader(mnist_train, batch_size, shuffle=True, num_workers=get_dataloader_workers()); for X, y in train_iter: continue")
train_iter = data.DataLoader(mnist_train, batch_size, shuffle=True,
                             num_workers=get_dataloader_workers())
timer = d2l.Timer()
n, labels = 0, []
for X, y in train_iter:
    n += len(X)
    labels.append(y)
    continue
print(isinstance(timer.stop(), float), len(train_iter), n, X.shape,
      sorted(torch.cat(labels).tolist()) == sorted(int(mnist_train[i][1]) for i in range(len(mnist_train))))


def load_data_fashion_mnist(batch_size, resize=None):  #@save
    """下载Fashion-MNIST数据集，然后将其加载到内存中 (as d2l.load_data_fashion_mnist)"""
    return d2l.load_data_fashion_mnist(batch_size, resize)


cell("train_iter, test_iter = load_data_fashion_mnist(32, resize=64); for X, y in train_iter: print(X.shape, X.dtype, y.shape, y.dtype); break  [no resize]")
train_iter, test_iter = load_data_fashion_mnist(32)
for X, y in train_iter:
    print(X.shape, X.dtype, y.shape, y.dtype)
    break
print(len(train_iter), len(test_iter), [len(y) for X, y in test_iter], f'{float(X.sum()):.3f}', repr(y))
