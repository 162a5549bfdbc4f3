"""``d2l`` for the chapter 3-4 scripts: the helpers of d2l-zh's ``d2l/torch.py`` that the book's
pytorch cells call as ``d2l.xxx``, copied with their semantics, minus plotting; plus the few
stand-ins that make a gradkit run and a PyTorch run see the same numbers.

The scripts do ``import _d2l as d2l`` where the book does ``from d2l import torch as d2l``.
``import torch`` here is whatever the script gets: gradkit through tests/d2l/shim, or real
PyTorch when the expected output is recorded.

Stand-ins (not d2l's code; the scripts say where they use them):

- ``normal``, ``randn``, ``rand`` (d2l's aliases of torch's random functions), and
  ``uniform`` (for nn.Linear's default U(-1/sqrt(in), 1/sqrt(in))), draw from one NumPy
  ``RandomState`` and convert with ``torch.tensor(..., dtype=torch.float32)``, so
  ``synthetic_data`` and the scripts' parameter initialisations give the same values in both
  libraries. ``seed(n)`` restarts the stream. The torch functions themselves are exercised
  by the scripts, and checked on shape, dtype and statistics.
- ``load_array`` and ``load_data_fashion_mnist`` keep d2l's arguments but hand the DataLoader
  ``sampler=FixedShuffle(...)`` where d2l passes ``shuffle=True``: a new permutation every
  epoch, drawn from NumPy, the same in both libraries.
- Fashion-MNIST is the small fake of ``_fake_fashion_mnist`` (600 training and 200 test
  images), written to ``$D2L_DATA_DIR``. The gradkit run reads it with
  ``gradkit.datasets.FashionMNIST(root, train, transform=transforms.ToTensor())``; the torch
  run (no torchvision here) with a small IDX reader into a ``TensorDataset``. gradkit's
  loaders also get ``device=torch.get_default_device()`` (gradkit's DataLoader extension), so
  batches of the CPU-held dataset come to the default device, e.g. GRADKIT_DEVICE=strict.
- Plotting (``Animator``, ``plot``, ``show_images``) is left out; ``train_ch3`` prints what
  it would plot, ``predict_ch3`` prints the titles it would show.
- ``kaggle_house_csv()`` writes a small synthetic pair of Kaggle house-price CSV files in
  place of ``d2l.download('kaggle_house_train')`` / ``('kaggle_house_test')``.
"""
import os
import random  # noqa: F401  (d2l imports it; scripts use random.shuffle through the book's code)
import time

import numpy as np
import torch
from torch import nn  # noqa: F401
from torch.utils import data

import _fake_fashion_mnist

GRADKIT = torch.__name__ != "torch"
DATA_DIR = os.environ.get("D2L_DATA_DIR", os.path.join("..", "data"))

# -- deterministic stand-ins for d2l's random aliases -----------------------------------------
_rs = np.random.RandomState(0)


def seed(n):
    """Restarts the NumPy stream behind normal / randn / rand."""
    global _rs
    _rs = np.random.RandomState(n)


def normal(mean, std, size, **kwargs):
    """torch.normal(mean, std, size) drawn from NumPy (float64 -> float32)."""
    return torch.tensor(_rs.normal(mean, std, size=tuple(size)), dtype=torch.float32, **kwargs)


def randn(*size, **kwargs):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return torch.tensor(_rs.normal(0, 1, size=size), dtype=torch.float32, **kwargs)


def rand(*size, **kwargs):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return torch.tensor(_rs.uniform(0, 1, size=size), dtype=torch.float32, **kwargs)


def uniform(low, high, size, **kwargs):
    """U(low, high) from NumPy: the distribution of nn.Linear's default initialisation."""
    return torch.tensor(_rs.uniform(low, high, size=tuple(size)), dtype=torch.float32, **kwargs)


class FixedShuffle(data.Sampler):
    """Plays ``shuffle=True``: a new permutation of range(n) each epoch, from NumPy."""

    def __init__(self, n, seed=0):
        self.n = n
        self.rs = np.random.RandomState(seed)

    def __iter__(self):
        return iter(self.rs.permutation(self.n).tolist())

    def __len__(self):
        return self.n


# -- d2l's aliases ---------------------------------------------------------------------------
ones = torch.ones
zeros = torch.zeros
tensor = torch.tensor
arange = torch.arange
meshgrid = torch.meshgrid
sin = torch.sin
sinh = torch.sinh
cos = torch.cos
cosh = torch.cosh
tanh = torch.tanh
linspace = torch.linspace
exp = torch.exp
log = torch.log
matmul = torch.matmul
concat = torch.cat
stack = torch.stack
abs = torch.abs
eye = torch.eye
int32 = torch.int32
float32 = torch.float32
numpy = lambda x, *args, **kwargs: x.detach().numpy(*args, **kwargs)  # noqa: E731
size = lambda x, *args, **kwargs: x.numel(*args, **kwargs)  # noqa: E731
reshape = lambda x, *args, **kwargs: x.reshape(*args, **kwargs)  # noqa: E731
to = lambda x, *args, **kwargs: x.to(*args, **kwargs)  # noqa: E731
reduce_sum = lambda x, *args, **kwargs: x.sum(*args, **kwargs)  # noqa: E731
argmax = lambda x, *args, **kwargs: x.argmax(*args, **kwargs)  # noqa: E731
astype = lambda x, *args, **kwargs: x.type(*args, **kwargs)  # noqa: E731
transpose = lambda x, *args, **kwargs: x.t(*args, **kwargs)  # noqa: E731
reduce_mean = lambda x, *args, **kwargs: x.mean(*args, **kwargs)  # noqa: E731


# -- chapter 3 --------------------------------------------------------------------------------
class Timer:
    """记录多次运行时间"""
    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.time()

    def stop(self):
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times)

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        return np.array(self.times).cumsum().tolist()


def synthetic_data(w, b, num_examples):
    """生成y=Xw+b+噪声"""
    X = normal(0, 1, (num_examples, len(w)))
    y = matmul(X, w) + b
    y += normal(0, 0.01, y.shape)
    return X, reshape(y, (-1, 1))


def linreg(X, w, b):
    """线性回归模型"""
    return matmul(X, w) + b


def squared_loss(y_hat, y):
    """均方损失"""
    return (y_hat - reshape(y, y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    """小批量随机梯度下降"""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def load_array(data_arrays, batch_size, is_train=True):
    """构造一个PyTorch数据迭代器 (shuffle=is_train played by FixedShuffle)"""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, sampler=FixedShuffle(len(dataset)) if is_train else None)


def get_fashion_mnist_labels(labels):
    """返回Fashion-MNIST数据集的文本标签"""
    text_labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                   'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
    return [text_labels[int(i)] for i in labels]


def get_dataloader_workers():
    """使用4个进程来读取数据"""
    return 4


def fashion_mnist_datasets():
    """(mnist_train, mnist_test): torchvision.datasets.FashionMNIST(root, train, transform=ToTensor())
    in gradkit, the same tensors in a TensorDataset for torch (see the module docstring)."""
    root = _fake_fashion_mnist.write(DATA_DIR)
    if GRADKIT:
        from torch.datasets import FashionMNIST, transforms

        trans = transforms.ToTensor()
        return (FashionMNIST(root=root, train=True, transform=trans, download=True),
                FashionMNIST(root=root, train=False, transform=trans, download=True))
    return (data.TensorDataset(*_fake_fashion_mnist.load(root, train=True)),
            data.TensorDataset(*_fake_fashion_mnist.load(root, train=False)))


def loader_kwargs():
    """gradkit only: batches on the default device."""
    return {"device": torch.get_default_device()} if GRADKIT else {}


def load_data_fashion_mnist(batch_size, resize=None):
    """下载Fashion-MNIST数据集，然后将其加载到内存中"""
    assert resize is None, "resizing is not part of these scripts"
    mnist_train, mnist_test = fashion_mnist_datasets()
    return (data.DataLoader(mnist_train, batch_size, sampler=FixedShuffle(len(mnist_train)),
                            num_workers=get_dataloader_workers(), **loader_kwargs()),
            data.DataLoader(mnist_test, batch_size, shuffle=False,
                            num_workers=get_dataloader_workers(), **loader_kwargs()))


def accuracy(y_hat, y):
    """计算预测正确的数量"""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(net, data_iter):
    """计算在指定数据集上模型的精度"""
    if isinstance(net, torch.nn.Module):
        net.eval()  # 将模型设置为评估模式
    metric = Accumulator(2)  # 正确预测数、预测总数
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


class Accumulator:
    """在n个变量上累加"""
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def train_epoch_ch3(net, train_iter, loss, updater):
    """训练模型一个迭代周期（定义见第3章）"""
    # 将模型设置为训练模式
    if isinstance(net, torch.nn.Module):
        net.train()
    # 训练损失总和、训练准确度总和、样本数
    metric = Accumulator(3)
    for X, y in train_iter:
        # 计算梯度并更新参数
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            # 使用PyTorch内置的优化器和损失函数
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            # 使用定制的优化器和损失函数
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    # 返回训练损失和训练精度
    return metric[0] / metric[2], metric[1] / metric[2]


def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
    """训练模型（定义见第3章）; prints each epoch's point instead of animating it"""
    for epoch in range(num_epochs):
        train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        print(f'epoch {epoch + 1}: train loss {train_metrics[0]:f}, train acc {train_metrics[1]:f}, '
              f'test acc {test_acc:f}')
    train_loss, train_acc = train_metrics
    assert train_loss < 0.5, train_loss
    assert train_acc <= 1 and train_acc > 0.7, train_acc
    assert test_acc <= 1 and test_acc > 0.7, test_acc


def predict_ch3(net, test_iter, n=6):
    """预测标签（定义见第3章）; prints the titles show_images would draw"""
    for X, y in test_iter:
        break
    trues = get_fashion_mnist_labels(y)
    preds = get_fashion_mnist_labels(argmax(net(X), axis=1))
    titles = [true + '\n' + pred for true, pred in zip(trues, preds)]
    imgs = reshape(X[0:n], (n, 28, 28))
    print('show_images:', tuple(imgs.shape), [t.replace('\n', ' / ') for t in titles[0:n]])


# -- chapter 4 --------------------------------------------------------------------------------
def evaluate_loss(net, data_iter, loss):
    """评估给定数据集上模型的损失"""
    metric = Accumulator(2)  # 损失的总和,样本数量
    for X, y in data_iter:
        out = net(X)
        y = reshape(y, out.shape)
        l = loss(out, y)
        metric.add(reduce_sum(l), size(l))
    return metric[0] / metric[1]


# -- kaggle-house-price -----------------------------------------------------------------------
def kaggle_house_csv(n_train=200, n_test=100):
    """[stand-in for d2l.download('kaggle_house_train') / ('kaggle_house_test')] writes a small
    synthetic pair of CSV files in the Kaggle layout (Id first, SalePrice last in the training
    file; numeric columns with gaps, text columns with gaps) and returns their paths. The
    bytes depend only on NumPy's RandomState and pandas' CSV writer."""
    import pandas as pd

    rs = np.random.RandomState(7)
    n = n_train + n_test

    def gaps(values, share):
        values = np.asarray(values, dtype=object)
        values[rs.uniform(size=n) < share] = np.nan
        return values

    qual = rs.randint(1, 11, size=n)
    area = np.round(rs.lognormal(7.3, 0.35, size=n))
    year = rs.randint(1900, 2011, size=n)
    zoning = rs.choice(['RL', 'RM', 'FV', 'C (all)'], size=n, p=[0.6, 0.25, 0.1, 0.05])
    frame = pd.DataFrame({
        'Id': np.arange(1, n + 1),
        'MSSubClass': rs.choice([20, 50, 60, 120, 160], size=n),
        'MSZoning': gaps(zoning, 0.03),
        'LotFrontage': gaps(np.round(rs.normal(70, 22, size=n)), 0.15).astype(float),
        'LotArea': np.round(rs.lognormal(9.1, 0.4, size=n)).astype(int),
        'Street': rs.choice(['Pave', 'Grvl'], size=n, p=[0.95, 0.05]),
        'OverallQual': qual,
        'YearBuilt': year,
        'GrLivArea': area.astype(int),
        'GarageType': gaps(rs.choice(['Attchd', 'Detchd', 'BuiltIn'], size=n), 0.08),
        'GarageArea': gaps(np.round(rs.uniform(0, 900, size=n)), 0.05).astype(float),
        'SaleType': rs.choice(['WD', 'New', 'COD'], size=n, p=[0.8, 0.15, 0.05]),
        'SaleCondition': rs.choice(['Normal', 'Partial', 'Abnorml'], size=n, p=[0.8, 0.12, 0.08]),
    })
    log_price = (6.0 + 0.11 * qual + 0.45 * (np.log(area) - 7.3) + 0.003 * (year - 1970)
                 + 0.1 * (zoning == 'FV') - 0.15 * (zoning == 'C (all)') + rs.normal(0, 0.1, size=n))
    frame['SalePrice'] = np.round(np.exp(log_price)).astype(int)
    paths = os.path.join(DATA_DIR, 'kaggle_house_pred_train.csv'), os.path.join(DATA_DIR, 'kaggle_house_pred_test.csv')
    os.makedirs(DATA_DIR, exist_ok=True)
    frame.iloc[:n_train].to_csv(paths[0], index=False)
    frame.iloc[n_train:].drop(columns=['SalePrice']).to_csv(paths[1], index=False)
    return paths


# -- chapters 7-8: convolutional networks (d2l-zh chapters 6-7) -------------------------------
# Stand-ins, as above: ``same_weights`` gives a net's layers NumPy draws; the Fashion-MNIST
# loader takes the first few images and resizes them in NumPy, so both runs see the same
# batches without torchvision or F.interpolate; ``train_ch6`` prints the points its Animator
# would draw and leaves out the examples/sec line (a timing).
def corr2d(X, K):
    """计算二维互相关运算"""
    h, w = K.shape
    Y = zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = reduce_sum((X[i: i + h, j: j + w] * K))
    return Y


def try_gpu(i=0):
    """如果存在，则返回gpu(i)，否则返回cpu() [the default device where there is no GPU: the
    strict test device plays the GPU, so net.to(device) keeps the net beside its batches]"""
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f'cuda:{i}')
    return torch.get_default_device()


def same_weights(net):
    """[not in d2l] Every layer weight (a parameter named ``weight`` of 2+ dims: Linear, Conv*)
    gets Xavier-uniform draws (train_ch6's init_weights) and its bias U(-1/sqrt(fan_in),
    1/sqrt(fan_in)) (the layers' default), from NumPy; BatchNorm keeps its ones and zeros and
    restarts its running statistics (a forward before, e.g. a layer-shape walk, moved them)."""
    import math

    with torch.no_grad():
        for m in net.modules():
            if hasattr(m, 'reset_running_stats'):
                m.reset_running_stats()
            w = getattr(m, 'weight', None)
            if not isinstance(w, nn.Parameter) or w.dim() < 2:
                continue
            receptive = math.prod(w.shape[2:])
            fan_in, fan_out = w.shape[1] * receptive, w.shape[0] * receptive
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            w.copy_(uniform(-bound, bound, w.shape))
            b = getattr(m, 'bias', None)
            if isinstance(b, nn.Parameter):
                b.copy_(uniform(-1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in), b.shape))


def _resize_matrix(n_in, n_out):
    """(n_out, n_in) bilinear weights with half-pixel centres: what transforms.Resize (and
    F.interpolate(mode='bilinear', align_corners=False)) computes when it enlarges."""
    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        src = max((i + 0.5) * n_in / n_out - 0.5, 0.0)
        i0 = int(src)
        i1 = min(i0 + 1, n_in - 1)
        lam = src - i0
        m[i, i0] += 1 - lam
        m[i, i1] += lam
    return m


def load_data_fashion_mnist_small(batch_size, resize=None, n_train=600, n_test=200, dtype=None):
    """[stand-in for load_data_fashion_mnist(batch_size, resize)] the first n_train training
    and n_test test images of the fake Fashion-MNIST, resized in NumPy (bilinear, as
    transforms.Resize enlarges), as TensorDatasets in both runs; shuffling by FixedShuffle.
    dtype=torch.float64 gives float64 images, for the nets trained in float64 (see
    test_chapters78.py)."""
    root = _fake_fashion_mnist.write(DATA_DIR)
    raw = os.path.join(root, 'FashionMNIST', 'raw')

    def dataset(prefix, n):
        imgs = _fake_fashion_mnist._read_idx(os.path.join(raw, f'{prefix}-images-idx3-ubyte.gz'))[:n]
        labels = _fake_fashion_mnist._read_idx(os.path.join(raw, f'{prefix}-labels-idx1-ubyte.gz'))[:n]
        X = imgs.astype(np.float32) / np.float32(255)
        if resize is not None:
            m = _resize_matrix(28, resize)
            X = np.einsum('ij,njk,lk->nil', m, X.astype(np.float64), m).astype(np.float32)
        return data.TensorDataset(torch.tensor(X[:, None], dtype=dtype or torch.float32),
                                 torch.tensor(labels.astype(np.int64)))

    train, test = dataset('train', n_train), dataset('t10k', n_test)
    return (data.DataLoader(train, batch_size, sampler=FixedShuffle(len(train))),
            data.DataLoader(test, batch_size, shuffle=False))


def evaluate_accuracy_gpu(net, data_iter, device=None):
    """使用GPU计算模型在数据集上的精度"""
    if isinstance(net, nn.Module):
        net.eval()  # 设置为评估模式
        if not device:
            device = next(iter(net.parameters())).device
    # 正确预测的数量，总预测的数量
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            if isinstance(X, list):
                # BERT微调所需的（之后将介绍）
                X = [x.to(device) for x in X]
            else:
                X = X.to(device)
            y = y.to(device)
            metric.add(accuracy(net(X), y), size(y))
    return metric[0] / metric[1]


def train_ch6(net, train_iter, test_iter, num_epochs, lr, device):
    """用GPU训练模型(在第六章定义) [after init_weights the same NumPy draws in both runs
    (same_weights); prints each batch's loss and each epoch's point instead of animating]"""
    def init_weights(m):
        if type(m) == nn.Linear or type(m) == nn.Conv2d:
            nn.init.xavier_uniform_(m.weight)
    net.apply(init_weights)
    same_weights(net)  # [the same start]
    print('training on', 'the default device' if device == torch.get_default_device() else device)
    net.to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    timer, num_batches = Timer(), len(train_iter)
    for epoch in range(num_epochs):
        # 训练损失之和，训练准确率之和，样本数
        metric = Accumulator(3)
        net.train()
        losses = []
        for i, (X, y) in enumerate(train_iter):
            timer.start()
            optimizer.zero_grad()
            X, y = X.to(device), y.to(device)
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            with torch.no_grad():
                metric.add(l * X.shape[0], accuracy(y_hat, y), X.shape[0])
            timer.stop()
            train_l = metric[0] / metric[2]
            train_acc = metric[1] / metric[2]
            losses.append(f'{float(l.detach()):.6f}')
        test_acc = evaluate_accuracy_gpu(net, test_iter)
        print(f'epoch {epoch + 1}: batch losses {" ".join(losses)}; train loss {train_l:f}, '
              f'train acc {train_acc:f}, test acc {test_acc:f}')
    print(f'loss {train_l:.3f}, train acc {train_acc:.3f}, '
          f'test acc {test_acc:.3f}')


class NumpyDropout(nn.Module):
    """[stand-in for nn.Dropout(p)] d2l's dropout_layer with masks drawn from NumPy, the same
    in both runs."""
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, X):
        if not self.training or self.p == 0:
            return X
        mask = (rand(*X.shape) > self.p).float()
        return mask * X / (1.0 - self.p)


def numpy_dropout(net):
    """[not in d2l] Swaps every nn.Dropout inside net for a NumpyDropout with its p."""
    for parent in list(net.modules()):
        for name, child in list(parent.named_children()):
            if type(child) == nn.Dropout:
                setattr(parent, name, NumpyDropout(child.p))
    return net


# -- chapter 11: attention mechanisms and Transformers (d2l-zh chapter 10) -------------------------
# The attention scripts' helpers live in _d2l_ch11 (see there); each name this module does not
# define already is taken from it.
import _d2l_ch11  # noqa: E402

for _name in _d2l_ch11.__all__:
    globals().setdefault(_name, getattr(_d2l_ch11, _name))
