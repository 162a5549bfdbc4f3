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


# -- chapters 9-10: recurrent neural networks and modern RNNs (d2l-zh chapters 8-9) -------------
# d2l-zh's text, language-model, RNN, encoder-decoder and seq2seq helpers as the book defines
# them. Stand-ins, as above: ``download('time_machine')`` copies The Time Machine shipped in
# gradkit's package (read as a gzip file, so the PyTorch run reads the same bytes) and
# ``download_extract('fra-eng')`` writes the small fake of _fake_fra_eng; in the gradkit run the
# text pipeline (read_time_machine ... load_data_time_machine) is gradkit.datasets' own, so the
# comparison covers it; ``same_rnn_weights`` gives a net NumPy draws; ``train_ch8`` and
# ``train_seq2seq`` print each epoch's point instead of animating and leave out the speed line
# (a timing); ``MaskedSoftmaxCELoss`` and the rest are the book's.
import collections  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402

import _fake_fra_eng  # noqa: E402
from torch.nn import functional as F  # noqa: E402

DATA_HUB = dict()
DATA_URL = 'http://d2l-data.s3-accelerate.amazonaws.com/'
_TIME_MACHINE_GZ = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                'gradkit', 'datasets', 'data', 'timemachine.txt.gz')


def download(name, cache_dir=DATA_DIR):
    """[stand-in] 'time_machine': the text shipped with gradkit, written to cache_dir."""
    import gzip

    assert name == 'time_machine', name
    os.makedirs(cache_dir, exist_ok=True)
    fname = os.path.join(cache_dir, 'timemachine.txt')
    with gzip.open(_TIME_MACHINE_GZ, 'rb') as src, open(fname, 'wb') as dst:
        dst.write(src.read())
    return fname


def download_extract(name, folder=None):
    """[stand-in] 'fra-eng': the fake of _fake_fra_eng, as the extracted folder."""
    assert name == 'fra-eng', name
    return _fake_fra_eng.write(DATA_DIR)


def read_time_machine():
    """将时间机器数据集加载到文本行的列表中"""
    with open(download('time_machine'), 'r') as f:
        lines = f.readlines()
    return [re.sub('[^A-Za-z]+', ' ', line).strip().lower() for line in lines]


def tokenize(lines, token='word'):
    """将文本行拆分为单词或字符词元"""
    if token == 'word':
        return [line.split() for line in lines]
    elif token == 'char':
        return [list(line) for line in lines]
    else:
        print('错误：未知词元类型：' + token)


class Vocab:
    """文本词表"""
    def __init__(self, tokens=None, min_freq=0, reserved_tokens=None):
        if tokens is None:
            tokens = []
        if reserved_tokens is None:
            reserved_tokens = []
        # 按出现频率排序
        counter = count_corpus(tokens)
        self._token_freqs = sorted(counter.items(), key=lambda x: x[1],
                                   reverse=True)
        # 未知词元的索引为0
        self.idx_to_token = ['<unk>'] + reserved_tokens
        self.token_to_idx = {token: idx
                             for idx, token in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        if not isinstance(indices, (list, tuple)):
            return self.idx_to_token[indices]
        return [self.idx_to_token[index] for index in indices]

    @property
    def unk(self):  # 未知词元的索引为0
        return 0

    @property
    def token_freqs(self):
        return self._token_freqs


def count_corpus(tokens):
    """统计词元的频率"""
    # 这里的tokens是1D列表或2D列表
    if len(tokens) == 0 or isinstance(tokens[0], list):
        # 将词元列表展平成一个列表
        tokens = [token for line in tokens for token in line]
    return collections.Counter(tokens)


def load_corpus_time_machine(max_tokens=-1):
    """返回时光机器数据集的词元索引列表和词表"""
    lines = read_time_machine()
    tokens = tokenize(lines, 'char')
    vocab = Vocab(tokens)
    # 因为时光机器数据集中的每个文本行不一定是一个句子或一个段落，
    # 所以将所有文本行展平到一个列表中
    corpus = [vocab[token] for line in tokens for token in line]
    if max_tokens > 0:
        corpus = corpus[:max_tokens]
    return corpus, vocab


def seq_data_iter_random(corpus, batch_size, num_steps):
    """使用随机抽样生成一个小批量子序列"""
    # 从随机偏移量开始对序列进行分区，随机范围包括num_steps-1
    corpus = corpus[random.randint(0, num_steps - 1):]
    # 减去1，是因为我们需要考虑标签
    num_subseqs = (len(corpus) - 1) // num_steps
    # 长度为num_steps的子序列的起始索引
    initial_indices = list(range(0, num_subseqs * num_steps, num_steps))
    # 在随机抽样的迭代过程中，
    # 来自两个相邻的、随机的、小批量中的子序列不一定在原始序列上相邻
    random.shuffle(initial_indices)

    def data(pos):
        # 返回从pos位置开始的长度为num_steps的序列
        return corpus[pos: pos + num_steps]

    num_batches = num_subseqs // batch_size
    for i in range(0, batch_size * num_batches, batch_size):
        # 在这里，initial_indices包含子序列的随机起始索引
        initial_indices_per_batch = initial_indices[i: i + batch_size]
        X = [data(j) for j in initial_indices_per_batch]
        Y = [data(j + 1) for j in initial_indices_per_batch]
        yield tensor(X), tensor(Y)


def seq_data_iter_sequential(corpus, batch_size, num_steps):
    """使用顺序分区生成一个小批量子序列"""
    # 从随机偏移量开始划分序列
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = tensor(corpus[offset: offset + num_tokens])
    Ys = tensor(corpus[offset + 1: offset + 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        X = Xs[:, i: i + num_steps]
        Y = Ys[:, i: i + num_steps]
        yield X, Y


class SeqDataLoader:
    """加载序列数据的迭代器"""
    def __init__(self, batch_size, num_steps, use_random_iter, max_tokens):
        if use_random_iter:
            self.data_iter_fn = seq_data_iter_random
        else:
            self.data_iter_fn = seq_data_iter_sequential
        self.corpus, self.vocab = load_corpus_time_machine(max_tokens)
        self.batch_size, self.num_steps = batch_size, num_steps

    def __iter__(self):
        return self.data_iter_fn(self.corpus, self.batch_size, self.num_steps)


def load_data_time_machine(batch_size, num_steps,
                           use_random_iter=False, max_tokens=10000):
    """返回时光机器数据集的迭代器和词表"""
    data_iter = SeqDataLoader(
        batch_size, num_steps, use_random_iter, max_tokens)
    return data_iter, data_iter.vocab


if GRADKIT:  # [gradkit's own text pipeline, checked against the book's above in the PyTorch run]
    from torch.datasets import (Vocab, load_corpus_time_machine, load_data_time_machine,  # noqa: F811
                                read_time_machine, seq_data_iter_random, seq_data_iter_sequential,
                                tokenize)


class RNNModelScratch:
    """从零开始实现的循环神经网络模型"""
    def __init__(self, vocab_size, num_hiddens, device,
                 get_params, init_state, forward_fn):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X, state):
        # [torch.float32 in the book: the default dtype, float64 in the scripts that train in it]
        X = F.one_hot(X.T, self.vocab_size).type(torch.get_default_dtype())
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size, device):
        return self.init_state(batch_size, self.num_hiddens, device)


def predict_ch8(prefix, num_preds, net, vocab, device):
    """在prefix后面生成新字符"""
    state = net.begin_state(batch_size=1, device=device)
    outputs = [vocab[prefix[0]]]
    get_input = lambda: reshape(tensor(  # noqa: E731
        [outputs[-1]], device=device), (1, 1))
    for y in prefix[1:]:  # 预热期
        _, state = net(get_input(), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):  # 预测num_preds步
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return ''.join([vocab.idx_to_token[i] for i in outputs])


def grad_clipping(net, theta):
    """裁剪梯度"""
    if isinstance(net, nn.Module):
        params = [p for p in net.parameters() if p.requires_grad]
    else:
        params = net.params
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter):
    """训练网络一个迭代周期（定义见第8章）"""
    state, timer = None, Timer()
    metric = Accumulator(2)  # 训练损失之和,词元数量
    for X, Y in train_iter:
        if state is None or use_random_iter:
            # 在第一次迭代或使用随机抽样时初始化state
            state = net.begin_state(batch_size=X.shape[0], device=device)
        else:
            if isinstance(net, nn.Module) and not isinstance(state, tuple):
                # state对于nn.GRU是个张量
                state.detach_()
            else:
                # state对于nn.LSTM或对于我们从零开始实现的模型是个张量
                for s in state:
                    s.detach_()
        y = Y.T.reshape(-1)
        X, y = X.to(device), y.to(device)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.backward()
            grad_clipping(net, 1)
            updater.step()
        else:
            l.backward()
            grad_clipping(net, 1)
            # 因为已经调用了mean函数
            updater(batch_size=1)
        metric.add(l * size(y), size(y))
    return math.exp(metric[0] / metric[1]), metric[1] / timer.stop()


def train_ch8(net, train_iter, vocab, lr, num_epochs, device,
              use_random_iter=False):
    """训练模型（定义见第8章） [prints each epoch's perplexity instead of animating every
    10th; the final line leaves out the speed and the device]"""
    loss = nn.CrossEntropyLoss()
    # 初始化
    if isinstance(net, nn.Module):
        updater = torch.optim.SGD(net.parameters(), lr)
    else:
        updater = lambda batch_size: sgd(net.params, lr, batch_size)  # noqa: E731
    predict = lambda prefix: predict_ch8(prefix, 50, net, vocab, device)  # noqa: E731
    # 训练和预测
    for epoch in range(num_epochs):
        ppl, speed = train_epoch_ch8(
            net, train_iter, loss, updater, device, use_random_iter)
        print(f'epoch {epoch + 1}: perplexity {ppl:.6f}')
        if (epoch + 1) % 10 == 0:
            print(predict('time traveller'))
    print(f'困惑度 {ppl:.1f}')
    print(predict('time traveller'))
    print(predict('traveller'))


class RNNModel(nn.Module):
    """循环神经网络模型"""
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        # 如果RNN是双向的（之后将介绍），num_directions应该是2，否则应该是1
        if not self.rnn.bidirectional:
            self.num_directions = 1
            self.linear = nn.Linear(self.num_hiddens, self.vocab_size)
        else:
            self.num_directions = 2
            self.linear = nn.Linear(self.num_hiddens * 2, self.vocab_size)

    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size)
        X = X.to(torch.get_default_dtype())  # [torch.float32 in the book, as in RNNModelScratch]
        Y, state = self.rnn(X, state)
        # 全连接层首先将Y的形状改为(时间步数*批量大小,隐藏单元数)
        # 它的输出形状是(时间步数*批量大小,词表大小)。
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state

    def begin_state(self, device, batch_size=1):
        if not isinstance(self.rnn, nn.LSTM):
            # nn.GRU以张量作为隐状态
            return torch.zeros((self.num_directions * self.rnn.num_layers,
                                batch_size, self.num_hiddens),
                               device=device)
        else:
            # nn.LSTM以元组作为隐状态
            return (torch.zeros((
                self.num_directions * self.rnn.num_layers,
                batch_size, self.num_hiddens), device=device),
                    torch.zeros((
                        self.num_directions * self.rnn.num_layers,
                        batch_size, self.num_hiddens), device=device))


def same_rnn_weights(net, xavier=False):
    """[not in d2l] NumPy draws for every parameter of net's recurrent layers (nn.RNN, nn.GRU,
    nn.LSTM: U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), their default), linear layers
    (U(-1/sqrt(in), 1/sqrt(in))) and embeddings (N(0, 1)); xavier=True gives the 2-d weights
    of the linear and recurrent layers Xavier-uniform draws instead (train_seq2seq's
    xavier_init_weights)."""
    def xavier_uniform(w):
        bound = math.sqrt(6.0 / (w.shape[0] + w.shape[1]))
        return uniform(-bound, bound, w.shape)

    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.RNN, nn.GRU, nn.LSTM)):
                k = 1 / math.sqrt(m.hidden_size)
                for name, p in m.named_parameters(recurse=False):
                    p.copy_(xavier_uniform(p) if xavier and 'weight' in name else uniform(-k, k, p.shape))
            elif isinstance(m, nn.Linear):
                k = 1 / math.sqrt(m.in_features)
                m.weight.copy_(xavier_uniform(m.weight) if xavier else uniform(-k, k, m.weight.shape))
                if m.bias is not None:
                    m.bias.copy_(uniform(-k, k, m.bias.shape))
            elif isinstance(m, nn.Embedding):
                m.weight.copy_(normal(0, 1, m.weight.shape))
    return net


# -- machine translation, encoder-decoder, seq2seq ------------------------------------------------
DATA_HUB['fra-eng'] = (DATA_URL + 'fra-eng.zip', '94646ad1522d915e7b0f9296181140edcf86a4f5')


def read_data_nmt():
    """载入“英语－法语”数据集"""
    data_dir = download_extract('fra-eng')
    with open(os.path.join(data_dir, 'fra.txt'), 'r',
              encoding='utf-8') as f:
        return f.read()


def preprocess_nmt(text):
    """预处理“英语－法语”数据集"""
    def no_space(char, prev_char):
        return char in set(',.!?') and prev_char != ' '

    # 使用空格替换不间断空格
    # 使用小写字母替换大写字母
    text = text.replace('\u202f', ' ').replace('\xa0', ' ').lower()
    # 在单词和标点符号之间插入空格
    out = [' ' + char if i > 0 and no_space(char, text[i - 1]) else char
           for i, char in enumerate(text)]
    return ''.join(out)


def tokenize_nmt(text, num_examples=None):
    """词元化“英语－法语”数据数据集"""
    source, target = [], []
    for i, line in enumerate(text.split('\n')):
        if num_examples and i > num_examples:
            break
        parts = line.split('\t')
        if len(parts) == 2:
            source.append(parts[0].split(' '))
            target.append(parts[1].split(' '))
    return source, target


def truncate_pad(line, num_steps, padding_token):
    """截断或填充文本序列"""
    if len(line) > num_steps:
        return line[:num_steps]  # 截断
    return line + [padding_token] * (num_steps - len(line))  # 填充


def build_array_nmt(lines, vocab, num_steps):
    """将机器翻译的文本序列转换成小批量"""
    lines = [vocab[l] for l in lines]
    lines = [l + [vocab['<eos>']] for l in lines]
    array = tensor([truncate_pad(
        l, num_steps, vocab['<pad>']) for l in lines])
    valid_len = reduce_sum(
        astype(array != vocab['<pad>'], int32), 1)
    return array, valid_len


def load_data_nmt(batch_size, num_steps, num_examples=600):
    """返回翻译数据集的迭代器和词表"""
    text = preprocess_nmt(read_data_nmt())
    source, target = tokenize_nmt(text, num_examples)
    src_vocab = Vocab(source, min_freq=2,
                      reserved_tokens=['<pad>', '<bos>', '<eos>'])
    tgt_vocab = Vocab(target, min_freq=2,
                      reserved_tokens=['<pad>', '<bos>', '<eos>'])
    src_array, src_valid_len = build_array_nmt(source, src_vocab, num_steps)
    tgt_array, tgt_valid_len = build_array_nmt(target, tgt_vocab, num_steps)
    data_arrays = (src_array, src_valid_len, tgt_array, tgt_valid_len)
    data_iter = load_array(data_arrays, batch_size)
    return data_iter, src_vocab, tgt_vocab


class Encoder(nn.Module):
    """编码器-解码器架构的基本编码器接口"""
    def __init__(self, **kwargs):
        super(Encoder, self).__init__(**kwargs)

    def forward(self, X, *args):
        raise NotImplementedError


class Decoder(nn.Module):
    """编码器-解码器架构的基本解码器接口"""
    def __init__(self, **kwargs):
        super(Decoder, self).__init__(**kwargs)

    def init_state(self, enc_outputs, *args):
        raise NotImplementedError

    def forward(self, X, state):
        raise NotImplementedError


class EncoderDecoder(nn.Module):
    """编码器-解码器架构的基类"""
    def __init__(self, encoder, decoder, **kwargs):
        super(EncoderDecoder, self).__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X, dec_X, *args):
        enc_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder(dec_X, dec_state)


class Seq2SeqEncoder(Encoder):
    """用于序列到序列学习的循环神经网络编码器"""
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers,
                 dropout=0, **kwargs):
        super(Seq2SeqEncoder, self).__init__(**kwargs)
        # 嵌入层
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers,
                          dropout=dropout)

    def forward(self, X, *args):
        # 输出'X'的形状：(batch_size,num_steps,embed_size)
        X = self.embedding(X)
        # 在循环神经网络模型中，第一个轴对应于时间步
        X = X.permute(1, 0, 2)
        # 如果未提及状态，则默认为0
        output, state = self.rnn(X)
        # output的形状:(num_steps,batch_size,num_hiddens)
        # state的形状:(num_layers,batch_size,num_hiddens)
        return output, state


def sequence_mask(X, valid_len, value=0):
    """在序列中屏蔽不相关的项"""
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32,
                        device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):
    """带遮蔽的softmax交叉熵损失函数"""
    # pred的形状：(batch_size,num_steps,vocab_size)
    # label的形状：(batch_size,num_steps)
    # valid_len的形状：(batch_size,)
    def forward(self, pred, label, valid_len):
        weights = torch.ones_like(label)
        weights = sequence_mask(weights, valid_len)
        self.reduction = 'none'
        unweighted_loss = super(MaskedSoftmaxCELoss, self).forward(
            pred.permute(0, 2, 1), label)
        weighted_loss = (unweighted_loss * weights).mean(dim=1)
        return weighted_loss


def train_seq2seq(net, data_iter, lr, num_epochs, tgt_vocab, device):
    """训练序列到序列模型 [after xavier_init_weights the same NumPy draws in both runs
    (same_rnn_weights); prints every 10th epoch's loss, the points it would animate; the
    last line leaves out the speed and the device]"""
    def xavier_init_weights(m):
        if type(m) == nn.Linear:
            nn.init.xavier_uniform_(m.weight)
        if type(m) == nn.GRU:
            for param in m._flat_weights_names:
                if "weight" in param:
                    nn.init.xavier_uniform_(m._parameters[param])

    net.apply(xavier_init_weights)
    same_rnn_weights(net, xavier=True)  # [the same start]
    net.to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    loss = MaskedSoftmaxCELoss()
    net.train()
    for epoch in range(num_epochs):
        metric = Accumulator(2)  # 训练损失总和，词元数量
        for batch in data_iter:
            optimizer.zero_grad()
            X, X_valid_len, Y, Y_valid_len = [x.to(device) for x in batch]
            bos = torch.tensor([tgt_vocab['<bos>']] * Y.shape[0],
                               device=device).reshape(-1, 1)
            dec_input = torch.cat([bos, Y[:, :-1]], 1)  # 强制教学
            Y_hat, _ = net(X, dec_input, X_valid_len)
            l = loss(Y_hat, Y, Y_valid_len)
            l.sum().backward()  # 损失函数的标量进行“反向传播”
            grad_clipping(net, 1)
            num_tokens = Y_valid_len.sum()
            optimizer.step()
            with torch.no_grad():
                metric.add(l.sum(), num_tokens)
        if (epoch + 1) % 10 == 0:
            print(f'epoch {epoch + 1}: loss {metric[0] / metric[1]:.6f}')  # [animator.add(...)]
    print(f'loss {metric[0] / metric[1]:.3f}')


def predict_seq2seq(net, src_sentence, src_vocab, tgt_vocab, num_steps,
                    device, save_attention_weights=False):
    """序列到序列模型的预测"""
    # 在预测时将net设置为评估模式
    net.eval()
    src_tokens = src_vocab[src_sentence.lower().split(' ')] + [
        src_vocab['<eos>']]
    enc_valid_len = torch.tensor([len(src_tokens)], device=device)
    src_tokens = truncate_pad(src_tokens, num_steps, src_vocab['<pad>'])
    # 添加批量轴
    enc_X = torch.unsqueeze(
        torch.tensor(src_tokens, dtype=torch.long, device=device), dim=0)
    enc_outputs = net.encoder(enc_X, enc_valid_len)
    dec_state = net.decoder.init_state(enc_outputs, enc_valid_len)
    # 添加批量轴
    dec_X = torch.unsqueeze(torch.tensor(
        [tgt_vocab['<bos>']], dtype=torch.long, device=device), dim=0)
    output_seq, attention_weight_seq = [], []
    for _ in range(num_steps):
        Y, dec_state = net.decoder(dec_X, dec_state)
        # 我们使用具有预测最高可能性的词元，作为解码器在下一时间步的输入
        dec_X = Y.argmax(dim=2)
        pred = dec_X.squeeze(dim=0).type(torch.int32).item()
        # 保存注意力权重（稍后讨论）
        if save_attention_weights:
            attention_weight_seq.append(net.decoder.attention_weights)
        # 一旦序列结束词元被预测，输出序列的生成就完成了
        if pred == tgt_vocab['<eos>']:
            break
        output_seq.append(pred)
    return ' '.join(tgt_vocab.to_tokens(output_seq)), attention_weight_seq


def bleu(pred_seq, label_seq, k):
    """计算BLEU"""
    pred_tokens, label_tokens = pred_seq.split(' '), label_seq.split(' ')
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, k + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[' '.join(label_tokens[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[' '.join(pred_tokens[i: i + n])] > 0:
                num_matches += 1
                label_subs[' '.join(pred_tokens[i: i + n])] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score


# -- chapter 11: attention mechanisms and Transformers (d2l-zh chapter 10) -------------------------
# The attention scripts' helpers live in _d2l_ch11 (see there); each name this module does not
# define already is taken from it.
import _d2l_ch11  # noqa: E402

for _name in _d2l_ch11.__all__:
    globals().setdefault(_name, getattr(_d2l_ch11, _name))
