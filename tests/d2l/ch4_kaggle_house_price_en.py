"""D2L (en, d2l.ai v1.x) 5.7 Predicting House Prices on Kaggle /
chapter_multilayer-perceptrons/kaggle-house-price.md, the pytorch cells.

d2l is tests/d2l/_d2l_en.py. The Kaggle files can't be downloaded here: d2l.kaggle_house_csv()
writes a small synthetic pair in their layout (see ch4_kaggle_house_price_zh.py); pandas 3's
str dtype inference is turned off so the book's `dtypes != 'object'` test works as written.
Every fold's d2l.LinearRegression starts from a NumPy draw of nn.Linear's default
initialisation (Trainer.fit(..., init=d2l.same_start())), shuffling is NumPy-drawn, and the
ProgressBoard points are printed instead of drawn.
"""
import numpy as np
import pandas as pd
import torch

import _d2l_en as d2l

pd.set_option('future.infer_string', False)


def cell(title):
    print(f"-- {title}")


class KaggleHouse(d2l.DataModule):
    def __init__(self, batch_size, train=None, val=None):
        super().__init__()
        self.save_hyperparameters()
        if self.train is None:
            train_csv, val_csv = d2l.kaggle_house_csv()  # [d2l.download(...)]
            self.raw_train = pd.read_csv(train_csv)
            self.raw_val = pd.read_csv(val_csv)


cell("data = KaggleHouse(batch_size=64); print(data.raw_train.shape); print(data.raw_val.shape)")
data = KaggleHouse(batch_size=64)
print(data.raw_train.shape)
print(data.raw_val.shape)

cell("print(data.raw_train.iloc[:4, [0, 1, 2, 3, -3, -2, -1]])")
print(data.raw_train.iloc[:4, [0, 1, 2, 3, -3, -2, -1]])


@d2l.add_to_class(KaggleHouse)
def preprocess(self):
    # Remove the ID and label columns
    label = 'SalePrice'
    features = pd.concat(
        (self.raw_train.drop(columns=['Id', label]),
         self.raw_val.drop(columns=['Id'])))
    # Standardize numerical columns
    numeric_features = features.dtypes[features.dtypes!='object'].index
    features[numeric_features] = features[numeric_features].apply(
        lambda x: (x - x.mean()) / (x.std()))
    # Replace NAN numerical features by 0
    features[numeric_features] = features[numeric_features].fillna(0)
    # Replace discrete features by one-hot encoding
    features = pd.get_dummies(features, dummy_na=True)
    # Save preprocessed features
    self.train = features[:self.raw_train.shape[0]].copy()
    self.train[label] = self.raw_train[label]
    self.val = features[self.raw_train.shape[0]:].copy()


cell("data.preprocess(); data.train.shape")
data.preprocess()
print(repr(data.train.shape))


@d2l.add_to_class(KaggleHouse)
def get_dataloader(self, train):
    label = 'SalePrice'
    data = self.train if train else self.val
    if label not in data: return
    get_tensor = lambda x: torch.tensor(x.values.astype(float),
                                      dtype=torch.float32)
    # Logarithm of prices
    tensors = (get_tensor(data.drop(columns=[label])),  # X
               torch.log(get_tensor(data[label])).reshape((-1, 1)))  # Y
    return self.get_tensorloader(tensors, train)


cell("[not in the book] the loaders: a batch of log prices; no validation loader without labels")
X, y = next(iter(data.get_dataloader(train=True)))
print(X.shape, X.dtype, repr(y[:3]), data.get_dataloader(train=False))


def k_fold_data(data, k):
    rets = []
    fold_size = data.train.shape[0] // k
    for j in range(k):
        idx = range(j * fold_size, (j+1) * fold_size)
        rets.append(KaggleHouse(data.batch_size, data.train.drop(index=idx),
                                data.train.loc[idx]))
    return rets


def k_fold(trainer, data, k, lr):
    val_loss, models = [], []
    for i, data_fold in enumerate(k_fold_data(data, k)):
        model = d2l.LinearRegression(lr)
        model.board.yscale='log'
        if i != 0: model.board.display = False
        trainer.fit(model, data_fold, init=d2l.same_start())  # [the same start]
        val_loss.append(float(model.board.data['val_loss'][-1].y))
        models.append(model)
        print(model.board.lines()['val_loss'][::3])  # [what the board would draw]
    print(f'average validation log mse = {sum(val_loss)/len(val_loss)}')
    return models


cell("trainer = d2l.Trainer(max_epochs=10); models = k_fold(trainer, data, k=5, lr=0.01)")
trainer = d2l.Trainer(max_epochs=10)
models = k_fold(trainer, data, k=5, lr=0.01)

cell("preds = [model(torch.tensor(data.val.values.astype(float), dtype=torch.float32)) for model in models]; ... submission")
preds = [model(torch.tensor(data.val.values.astype(float), dtype=torch.float32))
         for model in models]
# Taking exponentiation of predictions in the logarithm scale
ensemble_preds = torch.exp(torch.cat(preds, 1)).mean(1)
print(repr(ensemble_preds[:5]), ensemble_preds.shape)
submission = pd.DataFrame({'Id':data.raw_val.Id,
                           'SalePrice':ensemble_preds.detach().numpy()})
submission.to_csv('submission.csv', index=False)
print(pd.read_csv('submission.csv').shape, np.round(pd.read_csv('submission.csv').SalePrice.values[:3], 2))
