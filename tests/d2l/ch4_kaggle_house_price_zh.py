"""D2L (zh, zh-v2.d2l.ai) 4.10 实战Kaggle比赛：预测房价 /
chapter_multilayer-perceptrons/kaggle-house-price.md, the pytorch cells.

The Kaggle files can't be downloaded here: d2l.kaggle_house_csv() writes a small synthetic
pair in their layout (200 training and 100 test houses, numeric and text columns with gaps,
prices in the hundreds so that the book's lr=5 Adam fits them in a few hundred steps).
pandas 3 reads text columns as its new str dtype, which the book's
`dtypes != 'object'` test takes for numbers; the script turns that inference off
(future.infer_string) so the book's preprocessing runs as written. With pandas >= 2,
get_dummies gives bool columns and .values is an object array: the book's
d2l.tensor(all_features[:n_train].values, dtype=d2l.float32) raises in PyTorch, and must raise
the same in gradkit; the script then converts as d2l-en does (.values.astype(float)).
d2l.load_array's shuffle=True is a NumPy-drawn sampler; every new net starts from a NumPy draw
of nn.Linear's default initialisation (one marked line in get_net). Departures: 20 epochs
instead of 100; one extra k-fold run with weight_decay (not in the book).
"""
import math

import numpy as np
import pandas as pd
import torch
from torch import nn

import _d2l as d2l

pd.set_option('future.infer_string', False)


def cell(title):
    print(f"-- {title}")


cell("train_data = pd.read_csv(download('kaggle_house_train')); test_data = pd.read_csv(download('kaggle_house_test'))")
train_csv, test_csv = d2l.kaggle_house_csv()
train_data = pd.read_csv(train_csv)
test_data = pd.read_csv(test_csv)

cell("print(train_data.shape); print(test_data.shape)")
print(train_data.shape)
print(test_data.shape)

cell("print(train_data.iloc[0:4, [0, 1, 2, 3, -3, -2, -1]])")
print(train_data.iloc[0:4, [0, 1, 2, 3, -3, -2, -1]])

cell("all_features = pd.concat((train_data.iloc[:, 1:-1], test_data.iloc[:, 1:]))")
all_features = pd.concat((train_data.iloc[:, 1:-1], test_data.iloc[:, 1:]))
print(all_features.shape)

cell("numeric_features = ...; all_features[numeric_features] = ....apply(lambda x: (x - x.mean()) / (x.std())); ....fillna(0)")
# 若无法获得测试数据，则可根据训练数据计算均值和标准差
numeric_features = all_features.dtypes[all_features.dtypes != 'object'].index
all_features[numeric_features] = all_features[numeric_features].apply(
    lambda x: (x - x.mean()) / (x.std()))
# 在标准化数据之后，所有均值消失，因此我们可以将缺失值设置为0
all_features[numeric_features] = all_features[numeric_features].fillna(0)
print(list(numeric_features))

cell("all_features = pd.get_dummies(all_features, dummy_na=True); all_features.shape")
# “Dummy_na=True”将“na”（缺失值）视为有效的特征值，并为其创建指示符特征
all_features = pd.get_dummies(all_features, dummy_na=True)
print(all_features.shape)

cell("n_train = train_data.shape[0]; train_features = d2l.tensor(all_features[:n_train].values, dtype=d2l.float32); ...")
n_train = train_data.shape[0]
try:
    train_features = d2l.tensor(all_features[:n_train].values, dtype=d2l.float32)
except TypeError as e:
    # the list of supported dtypes that follows is each library's own (gradkit has no complex)
    print(f"{type(e).__name__}: {str(e).split(' The only supported types')[0]}")

cell("[d2l-en's conversion] d2l.tensor(all_features[:n_train].values.astype(float), dtype=d2l.float32); ...")
train_features = d2l.tensor(all_features[:n_train].values.astype(float), dtype=d2l.float32)
test_features = d2l.tensor(all_features[n_train:].values.astype(float), dtype=d2l.float32)
train_labels = d2l.tensor(
    train_data.SalePrice.values.reshape(-1, 1), dtype=d2l.float32)
print(train_features.shape, test_features.shape, train_labels.shape, train_labels.dtype, repr(train_features[0, :6]))

loss = nn.MSELoss()
in_features = train_features.shape[1]


def get_net():
    net = nn.Sequential(nn.Linear(in_features,1))
    bound = 1 / math.sqrt(in_features)  # [the same start in both runs]
    net[0].weight.data[:], net[0].bias.data[:] = d2l.uniform(-bound, bound, (1, in_features)), d2l.uniform(-bound, bound, (1,))
    return net


def log_rmse(net, features, labels):
    # 为了在取对数时进一步稳定该值，将小于1的值设置为1
    clipped_preds = torch.clamp(net(features), 1, float('inf'))
    rmse = torch.sqrt(loss(torch.log(clipped_preds),
                           torch.log(labels)))
    return rmse.item()


cell("[not in the book] log_rmse of a fresh net; clamp passes the gradient where it clips nothing")
net = get_net()
print(f'{log_rmse(net, train_features, train_labels):.6f}')
p = torch.tensor([0.5, 1.0, 3.0], requires_grad=True)
torch.clamp(p, 1, float('inf')).sum().backward()
print(repr(p.grad), repr(torch.clamp(p, 1, float('inf'))))


def train(net, train_features, train_labels, test_features, test_labels,
          num_epochs, learning_rate, weight_decay, batch_size):
    train_ls, test_ls = [], []
    train_iter = d2l.load_array((train_features, train_labels), batch_size)
    # 这里使用的是Adam优化算法
    optimizer = torch.optim.Adam(net.parameters(),
                                 lr = learning_rate,
                                 weight_decay = weight_decay)
    for epoch in range(num_epochs):
        for X, y in train_iter:
            optimizer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            optimizer.step()
        train_ls.append(log_rmse(net, train_features, train_labels))
        if test_labels is not None:
            test_ls.append(log_rmse(net, test_features, test_labels))
    return train_ls, test_ls


def get_k_fold_data(k, i, X, y):
    assert k > 1
    fold_size = X.shape[0] // k
    X_train, y_train = None, None
    for j in range(k):
        idx = slice(j * fold_size, (j + 1) * fold_size)
        X_part, y_part = X[idx, :], y[idx]
        if j == i:
            X_valid, y_valid = X_part, y_part
        elif X_train is None:
            X_train, y_train = X_part, y_part
        else:
            X_train = d2l.concat([X_train, X_part], 0)
            y_train = d2l.concat([y_train, y_part], 0)
    return X_train, y_train, X_valid, y_valid


def k_fold(k, X_train, y_train, num_epochs, learning_rate, weight_decay,
           batch_size):
    train_l_sum, valid_l_sum = 0, 0
    for i in range(k):
        data = get_k_fold_data(k, i, X_train, y_train)
        net = get_net()
        train_ls, valid_ls = train(net, *data, num_epochs, learning_rate,
                                   weight_decay, batch_size)
        train_l_sum += train_ls[-1]
        valid_l_sum += valid_ls[-1]
        if i == 0:  # d2l.plot(list(range(1, num_epochs + 1)), [train_ls, valid_ls], ...): its data
            print('fold 1 curve:', [f'{v:.5f}' for v in train_ls[::4]], [f'{v:.5f}' for v in valid_ls[::4]])
        print(f'折{i + 1}，训练log rmse{float(train_ls[-1]):f}, '
              f'验证log rmse{float(valid_ls[-1]):f}')
    return train_l_sum / k, valid_l_sum / k


cell("[not in the book] get_k_fold_data(5, 1, ...): shapes and the folds' first rows")
parts = get_k_fold_data(5, 1, train_features, train_labels)
print([tuple(t.shape) for t in parts], repr(parts[1][:2]), repr(parts[3][:2]))

cell("k, num_epochs, lr, weight_decay, batch_size = 5, 100, 5, 0, 64; train_l, valid_l = k_fold(...)  [20 epochs]")
k, num_epochs, lr, weight_decay, batch_size = 5, 20, 5, 0, 64
train_l, valid_l = k_fold(k, train_features, train_labels, num_epochs, lr,
                          weight_decay, batch_size)
print(f'{k}-折验证: 平均训练log rmse: {float(train_l):f}, '
      f'平均验证log rmse: {float(valid_l):f}')

cell("[not in the book] the same with Adam's weight_decay=1")
train_l, valid_l = k_fold(k, train_features, train_labels, num_epochs, lr, 1, batch_size)
print(f'{k}-折验证: 平均训练log rmse: {float(train_l):f}, 平均验证log rmse: {float(valid_l):f}')


def train_and_pred(train_features, test_features, train_labels, test_data,
                   num_epochs, lr, weight_decay, batch_size):
    net = get_net()
    train_ls, _ = train(net, train_features, train_labels, None, None,
                        num_epochs, lr, weight_decay, batch_size)
    print('curve:', [f'{v:.5f}' for v in train_ls[::4]])  # [d2l.plot(np.arange(1, num_epochs + 1), [train_ls], ...)]
    print(f'训练log rmse：{float(train_ls[-1]):f}')
    print(repr(net(test_features)[:5]))  # [the predictions, before NumPy]
    # 将网络应用于测试集。
    preds = net(test_features).detach().numpy()
    # 将其重新格式化以导出到Kaggle
    test_data['SalePrice'] = pd.Series(preds.reshape(1, -1)[0])
    submission = pd.concat([test_data['Id'], test_data['SalePrice']], axis=1)
    submission.to_csv('submission.csv', index=False)


cell("train_and_pred(train_features, test_features, train_labels, test_data, num_epochs, lr, weight_decay, batch_size)")
train_and_pred(train_features, test_features, train_labels, test_data,
               num_epochs, lr, weight_decay, batch_size)
print(pd.read_csv('submission.csv').shape, list(pd.read_csv('submission.csv').columns))
print(np.round(pd.read_csv('submission.csv').SalePrice.values[:5], 2))
