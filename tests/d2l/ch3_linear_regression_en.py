"""D2L (en, d2l.ai v1.x) chapter 3 Linear Neural Networks for Regression: the pytorch cells of
oo-design.md, synthetic-regression-data.md, linear-regression-scratch.md,
linear-regression-concise.md and weight-decay.md.

d2l is tests/d2l/_d2l_en.py: the book's Module / DataModule / Trainer / SGD / LinearRegression
classes, with random draws and shuffling from NumPy so both libraries see the same numbers,
and ProgressBoard keeping its points (printed here) instead of drawing them. Classes the
sections define and save are used from there; the cells that demonstrate them are run here.
Trainer.fit(..., init=d2l.same_start()) gives LazyLinear, once materialised, a NumPy draw
of the initialisation PyTorch gives it then: the book's normal_(0, 0.01) / fill_(0) on the
still-uninitialised parameters is kept, and PyTorch's reset_parameters at materialisation
replaces it with nn.Linear's default U(-1/sqrt(in), 1/sqrt(in)).
"""
import random

import numpy as np
import torch

import _d2l_en as d2l

random.seed(0)


def cell(title):
    print(f"-- {title}")


cell("class A: ...; @add_to_class(A) def do(self): ...; a.do()")


class A:
    def __init__(self):
        self.b = 1


a = A()


@d2l.add_to_class(A)
def do(self):
    print('Class attribute "b" is', self.b)


a.do()

cell("class B(d2l.HyperParameters): ... self.save_hyperparameters(ignore=['c']); b = B(a=1, b=2, c=3)")


class B(d2l.HyperParameters):
    def __init__(self, a, b, c):
        self.save_hyperparameters(ignore=['c'])
        print('self.a =', self.a, 'self.b =', self.b)
        print('There is no self.c =', not hasattr(self, 'c'))


b = B(a=1, b=2, c=3)

cell("board = d2l.ProgressBoard('x'); for x in np.arange(0, 10, 0.1): board.draw(x, np.sin(x), 'sin', every_n=2); ...")
board = d2l.ProgressBoard('x')
for x in np.arange(0, 10, 0.1):
    board.draw(x, np.sin(x), 'sin', every_n=2)
    board.draw(x, np.cos(x), 'cos', every_n=10)
print({k: len(v) for k, v in board.data.items()}, board.lines()['cos'][:3])

cell("data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2); print('features:', data.X[0],'\\nlabel:', data.y[0])")
data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
print('features:', data.X[0],'\nlabel:', data.y[0])


@d2l.add_to_class(d2l.SyntheticRegressionData)
def get_dataloader_scratch(self, train):  # the section's first get_dataloader
    if train:
        indices = list(range(0, self.num_train))
        # The examples are read in random order
        random.shuffle(indices)
    else:
        indices = list(range(self.num_train, self.num_train+self.num_val))
    for i in range(0, len(indices), self.batch_size):
        batch_indices = torch.tensor(indices[i: i+self.batch_size])
        yield self.X[batch_indices], self.y[batch_indices]


cell("X, y = next(iter(data.train_dataloader())); print('X shape:', X.shape, '\\ny shape:', y.shape)  [the scratch iterator, then get_tensorloader]")
X, y = next(iter(data.get_dataloader_scratch(True)))
print('X shape:', X.shape, '\ny shape:', y.shape)
print(repr(y[:3]))
X, y = next(iter(data.train_dataloader()))
print('X shape:', X.shape, '\ny shape:', y.shape)
print(repr(y[:3]))

cell("len(data.train_dataloader())")
print(repr(len(data.train_dataloader())))

cell("model = LinearRegressionScratch(2, lr=0.03); data = ...; trainer = d2l.Trainer(max_epochs=3); trainer.fit(model, data)")
model = d2l.LinearRegressionScratch(2, lr=0.03)
data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
trainer = d2l.Trainer(max_epochs=3)
print(model.hparams, repr(model.w), list(model.parameters()), trainer.gpus, d2l.num_gpus())
trainer.fit(model, data)
print(model.board.lines())

cell("with torch.no_grad(): print(f'error in estimating w: ...'); print(f'error in estimating b: {data.b - model.b}')")
with torch.no_grad():
    print(f'error in estimating w: {data.w - model.w.reshape(data.w.shape)}')
    print(f'error in estimating b: {data.b - model.b}')
print(repr(model.w.grad), repr(model.b.grad))

cell("model = d2l.LinearRegression(lr=0.03); ...; trainer.fit(model, data)  [init=d2l.same_start()]")
model = d2l.LinearRegression(lr=0.03)
print(model.net, type(model.net.weight).__name__)
data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
trainer = d2l.Trainer(max_epochs=3)
trainer.fit(model, data, init=d2l.same_start())
print(model.net, type(model.net.weight).__name__, model.board.lines())

cell("w, b = model.get_w_b(); print(f'error in estimating w: {data.w - w.reshape(data.w.shape)}'); ...")
w, b = model.get_w_b()
print(f'error in estimating w: {data.w - w.reshape(data.w.shape)}')
print(f'error in estimating b: {data.b - b}')


class Data(d2l.DataModule):
    def __init__(self, num_train, num_val, num_inputs, batch_size):
        self.save_hyperparameters()
        n = num_train + num_val
        self.X = d2l.randn(n, num_inputs)  # [torch.randn -> NumPy]
        noise = d2l.randn(n, 1) * 0.01  # [torch.randn -> NumPy]
        w, b = torch.ones((num_inputs, 1)) * 0.01, 0.05
        self.y = torch.matmul(self.X, w) + b + noise

    def get_dataloader(self, train):
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader([self.X, self.y], train, i)


def l2_penalty(w):
    return (w ** 2).sum() / 2


class WeightDecayScratch(d2l.LinearRegressionScratch):
    def __init__(self, num_inputs, lambd, lr, sigma=0.01):
        super().__init__(num_inputs, lr, sigma)
        self.save_hyperparameters()

    def loss(self, y_hat, y):
        return (super().loss(y_hat, y) +
                self.lambd * l2_penalty(self.w))


data = Data(num_train=20, num_val=100, num_inputs=200, batch_size=5)
trainer = d2l.Trainer(max_epochs=10)


def train_scratch(lambd):
    model = WeightDecayScratch(num_inputs=200, lambd=lambd, lr=0.01)
    model.board.yscale='log'
    trainer.fit(model, data)
    print('L2 norm of w:', float(l2_penalty(model.w)))
    print(model.board.lines()['val_loss'])


cell("train_scratch(0)")
train_scratch(0)

cell("train_scratch(3)")
train_scratch(3)


class WeightDecay(d2l.LinearRegression):
    def __init__(self, wd, lr):
        super().__init__(lr)
        self.save_hyperparameters()
        self.wd = wd

    def configure_optimizers(self):
        return torch.optim.SGD([
            {'params': self.net.weight, 'weight_decay': self.wd},
            {'params': self.net.bias}], lr=self.lr)


cell("model = WeightDecay(wd=3, lr=0.01); model.board.yscale='log'; trainer.fit(model, data); print('L2 norm of w:', ...)  [init=d2l.same_start()]")
model = WeightDecay(wd=3, lr=0.01)
model.board.yscale='log'
trainer.fit(model, data, init=d2l.same_start())
print('L2 norm of w:', float(l2_penalty(model.get_w_b()[0])))
print(model.board.lines()['val_loss'], [g['weight_decay'] for g in trainer.optim.param_groups])
