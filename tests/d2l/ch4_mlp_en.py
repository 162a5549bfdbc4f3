"""D2L (en, d2l.ai v1.x) chapter 5 Multilayer Perceptrons: the pytorch cells of mlp.md,
mlp-implementation.md, numerical-stability-and-init.md and dropout.md, plus d2l-en's
Trainer.clip_gradients (defined in chapter_recurrent-neural-networks/rnn-scratch.md).

d2l is tests/d2l/_d2l_en.py (see there): the fake 600/200-image Fashion-MNIST, NumPy-drawn
shuffling, ProgressBoard points printed instead of drawn. Departures from the book, for a
small deterministic run: batch_size 32 instead of 256; parameters start from NumPy draws
(MLPScratch: the book's torch.randn draws replaced in place; lazy nets: Trainer.fit(...,
init=d2l.same_start()), nn.Linear's default U(-1/sqrt(in), 1/sqrt(in))); 5 epochs instead
of 10 (2 or 3 for the dropout and clipping runs). Plots are skipped and their data printed without the NumPy
conversion (ch4_numerical_stability_zh converts). Dropout: dropout_layer's p = 0.5 output is
checked on its form; DropoutMLPScratch trains with masks drawn from NumPy (torch.rand ->
d2l.rand, marked), so values are compared; DropoutMLP (nn.Dropout, the libraries' own
masks) is compared on what doesn't depend on the draw.
"""
import torch
from torch import nn

import _d2l_en as d2l

torch.manual_seed(0)


def cell(title):
    print(f"-- {title}")


cell("x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True); y = torch.relu(x); y.backward(torch.ones_like(x), retain_graph=True)")
x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.relu(x)
y.backward(torch.ones_like(x), retain_graph=True)
print(repr(y[78:83]), repr(x.grad[76:84]))

cell("y = torch.sigmoid(x); x.grad.data.zero_(); y.backward(torch.ones_like(x),retain_graph=True)")
y = torch.sigmoid(x)
# Clear out previous gradients
x.grad.data.zero_()
y.backward(torch.ones_like(x),retain_graph=True)
print(repr(y[::20]), repr(x.grad[::20]))

cell("y = torch.tanh(x); x.grad.data.zero_(); y.backward(torch.ones_like(x),retain_graph=True)")
y = torch.tanh(x)
# Clear out previous gradients
x.grad.data.zero_()
y.backward(torch.ones_like(x),retain_graph=True)
print(repr(y[::20]), repr(x.grad[60:100:4]))


class MLPScratch(d2l.Classifier):
    def __init__(self, num_inputs, num_outputs, num_hiddens, lr, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma)
        self.b1 = nn.Parameter(torch.zeros(num_hiddens))
        self.W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * sigma)
        self.b2 = nn.Parameter(torch.zeros(num_outputs))
        self.W1.data[:] = d2l.randn(num_inputs, num_hiddens) * sigma  # [the same start]
        self.W2.data[:] = d2l.randn(num_hiddens, num_outputs) * sigma  # [the same start]


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


@d2l.add_to_class(MLPScratch)
def forward(self, X):
    X = X.reshape((-1, self.num_inputs))
    H = relu(torch.matmul(X, self.W1) + self.b1)
    return torch.matmul(H, self.W2) + self.b2


cell("model = MLPScratch(num_inputs=784, num_outputs=10, num_hiddens=256, lr=0.1); data = d2l.FashionMNIST(batch_size=256); trainer = d2l.Trainer(max_epochs=10); trainer.fit(model, data)  [batch_size 32, 5 epochs]")
model = MLPScratch(num_inputs=784, num_outputs=10, num_hiddens=256, lr=0.1)
print([(name, tuple(p.shape)) for name, p in model.named_parameters()])
data = d2l.FashionMNIST(batch_size=32)
trainer = d2l.Trainer(max_epochs=5)
trainer.fit(model, data)
lines = model.board.lines()
print(lines['val_loss'], lines['val_acc'], lines['train_loss'][-2:])


class MLP(d2l.Classifier):
    def __init__(self, num_outputs, num_hiddens, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_hiddens),
                                 nn.ReLU(), nn.LazyLinear(num_outputs))


cell("model = MLP(num_outputs=10, num_hiddens=256, lr=0.1); trainer.fit(model, data)  [init=d2l.same_start(), 5 epochs]")
model = MLP(num_outputs=10, num_hiddens=256, lr=0.1)
trainer.fit(model, data, init=d2l.same_start())
lines = model.board.lines()
print(model.net, lines['val_loss'], lines['val_acc'], lines['train_loss'][-2:])

cell("x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True); y = torch.sigmoid(x); y.backward(torch.ones_like(x)); d2l.plot(...)  [data, unconverted]")
x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))
print(repr(x.grad[::16]), x.grad.shape)

cell("[API_SURFACE] y.backward(gradient=torch.ones(len(y))) gives the same gradient")
x.grad = None
y = torch.sigmoid(x)
y.backward(gradient=torch.ones(len(y)))
print(repr(x.grad[::16]))

cell("M = torch.normal(0, 1, size=(4, 4)); print('a single matrix \\n',M); for i in range(100): M = M @ torch.normal(0, 1, size=(4, 4)); print(...)")
M = torch.normal(0, 1, size=(4, 4))
print(M.shape, M.dtype)
d2l.seed(1)
M = d2l.normal(0, 1, (4, 4))  # [the same draws in both runs]
print('a single matrix \n',M)
for i in range(100):
    M = M @ d2l.normal(0, 1, (4, 4))  # [torch.normal -> d2l.normal]
print('after multiplying 100 matrices\n', M)


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1: return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


cell("X = torch.arange(16, dtype = torch.float32).reshape((2, 8)); print('dropout_p = 0:', dropout_layer(X, 0)); ... 0.5 ... 1")
X = torch.arange(16, dtype = torch.float32).reshape((2, 8))
print('dropout_p = 0:', dropout_layer(X, 0))
D = dropout_layer(X, 0.5)
print('dropout_p = 0.5:', D.shape, bool(((D == 0) | (D == 2 * X)).all()))
print('dropout_p = 1:', dropout_layer(X, 1))


class DropoutMLPScratch(d2l.Classifier):
    def __init__(self, num_outputs, num_hiddens_1, num_hiddens_2,
                 dropout_1, dropout_2, lr):
        super().__init__()
        self.save_hyperparameters()
        self.lin1 = nn.LazyLinear(num_hiddens_1)
        self.lin2 = nn.LazyLinear(num_hiddens_2)
        self.lin3 = nn.LazyLinear(num_outputs)
        self.relu = nn.ReLU()

    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape((X.shape[0], -1))))
        if self.training:
            H1 = dropout_layer(H1, self.dropout_1)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_layer(H2, self.dropout_2)
        return self.lin3(H2)


def dropout_layer_fixed_masks(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1: return torch.zeros_like(X)
    mask = (d2l.rand(X.shape) > dropout).float()  # [torch.rand -> d2l.rand]
    return mask * X / (1.0 - dropout)


cell("hparams = {...}; model = DropoutMLPScratch(**hparams); trainer = d2l.Trainer(max_epochs=10); trainer.fit(model, data)  [NumPy masks, 3 epochs]")
hparams = {'num_outputs':10, 'num_hiddens_1':256, 'num_hiddens_2':256,
           'dropout_1':0.5, 'dropout_2':0.5, 'lr':0.1}
model = DropoutMLPScratch(**hparams)
trainer = d2l.Trainer(max_epochs=3)
dropout_layer_book, dropout_layer = dropout_layer, dropout_layer_fixed_masks
trainer.fit(model, data, init=d2l.same_start())
dropout_layer = dropout_layer_book
lines = model.board.lines()
print(lines['val_loss'], lines['val_acc'], lines['train_loss'][-2:], model.training)


class DropoutMLP(d2l.Classifier):
    def __init__(self, num_outputs, num_hiddens_1, num_hiddens_2,
                 dropout_1, dropout_2, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.Flatten(), nn.LazyLinear(num_hiddens_1), nn.ReLU(),
            nn.Dropout(dropout_1), nn.LazyLinear(num_hiddens_2), nn.ReLU(),
            nn.Dropout(dropout_2), nn.LazyLinear(num_outputs))


cell("model = DropoutMLP(**hparams); trainer.fit(model, data)  [own masks: what doesn't depend on them]")
model = DropoutMLP(**hparams)
trainer = d2l.Trainer(max_epochs=3)
trainer.fit(model, data, init=d2l.same_start())
lines = model.board.lines()
print(model.net, model.training, [m.training for m in model.net], {k: len(v) for k, v in lines.items()},
      all(0 <= float(v) <= 1 for _, v in lines['val_acc']))
X, y = next(iter(data.val_dataloader()))
model.eval()
with torch.no_grad():
    print(bool(torch.equal(model(X), model(X))), model.net[3](X).shape)
model.train()
H = torch.ones(32, 256)
out = model.net[3](H)
print(abs(float((out == 0).float().mean()) - 0.5) < 0.05, bool(torch.equal(out[out != 0], torch.full_like(out[out != 0], 2.0))))


# (on a softmax regression: with no ReLU kink, an ulp of difference can't flip a unit on or
# off and grow through lr=0.5 steps into more than float32 rounding)
cell("[rnn-scratch] d2l.Trainer(max_epochs=2, gradient_clip_val=1): clip_gradients before each step")
model = d2l.SoftmaxRegression(num_outputs=10, lr=0.5)
trainer = d2l.Trainer(max_epochs=2, gradient_clip_val=1)
trainer.fit(model, data, init=d2l.same_start())
lines = model.board.lines()
print(lines['val_loss'], lines['val_acc'], lines['train_loss'])
X, y = next(iter(data.train_dataloader()))
model.zero_grad()
loss = model.loss(model(X), y)
with torch.no_grad():
    loss.backward()
    before = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in model.parameters()))
    trainer.clip_gradients(0.1, model)
    after = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in model.parameters()))
print(repr(before), repr(after), before > 0.1)
