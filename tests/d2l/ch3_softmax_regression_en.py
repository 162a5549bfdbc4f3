"""D2L (en, d2l.ai v1.x) chapter 4 Linear Neural Networks for Classification: the pytorch cells
of image-classification-dataset.md, classification.md, softmax-regression-scratch.md and
softmax-regression-concise.md.

d2l is tests/d2l/_d2l_en.py (see there): the fake 600/200-image Fashion-MNIST without Resize,
NumPy-drawn shuffling and parameters, ProgressBoard points printed instead of drawn.
Departures from the book: batch_size 32 instead of 256 (the small fake dataset); the
scratch model's W = torch.normal(...) is drawn by the book's call and then replaced in
place by the same draw from NumPy; the concise model starts from NumPy draws
(Trainer.fit(..., init=d2l.same_start(0.01))). Timings are not compared.
"""
import torch

import _d2l_en as d2l


def cell(title):
    print(f"-- {title}")


cell("data = FashionMNIST(resize=(32, 32)); len(data.train), len(data.val)  [no resize]")
data = d2l.FashionMNIST()
print(repr((len(data.train), len(data.val))))

cell("data.train[0][0].shape")
print(repr(data.train[0][0].shape))

cell("X, y = next(iter(data.train_dataloader())); print(X.shape, X.dtype, y.shape, y.dtype)")
X, y = next(iter(data.train_dataloader()))
print(X.shape, X.dtype, y.shape, y.dtype)
print(data.text_labels(y[:8]))

cell("tic = time.time(); for X, y in data.train_dataloader(): continue  [no time]")
n = 0
for X, y in data.train_dataloader():
    n += len(y)
    continue
print(n, len(data.train_dataloader()), len(data.val_dataloader()))

cell("batch = next(iter(data.val_dataloader())); data.visualize(batch)")
batch = next(iter(data.val_dataloader()))
data.visualize(batch)

cell("X = d2l.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]); d2l.reduce_sum(X, 0, keepdims=True), d2l.reduce_sum(X, 1, keepdims=True)")
X = d2l.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(repr((d2l.reduce_sum(X, 0, keepdims=True), d2l.reduce_sum(X, 1, keepdims=True))))


def softmax(X):
    X_exp = d2l.exp(X)
    partition = d2l.reduce_sum(X_exp, 1, keepdims=True)
    return X_exp / partition  # The broadcasting mechanism is applied here


cell("X = d2l.rand((2, 5)); X_prob = softmax(X); X_prob, d2l.reduce_sum(X_prob, 1)")
X = d2l.rand((2, 5))
X_prob = softmax(X)
print(repr((X_prob, d2l.reduce_sum(X_prob, 1))))
print(torch.rand((2, 5)).shape)


class SoftmaxRegressionScratch(d2l.Classifier):
    def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.W = torch.normal(0, sigma, size=(num_inputs, num_outputs),
                              requires_grad=True)
        self.b = torch.zeros(num_outputs, requires_grad=True)
        self.W.data[:] = d2l.normal(0, sigma, (num_inputs, num_outputs))  # [the same start]

    def parameters(self):
        return [self.W, self.b]

    def forward(self, X):
        X = X.reshape((-1, self.W.shape[0]))
        return softmax(d2l.matmul(X, self.W) + self.b)


cell("y = d2l.tensor([0, 2]); y_hat = d2l.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]); y_hat[[0, 1], y]")
y = d2l.tensor([0, 2])
y_hat = d2l.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(repr(y_hat[[0, 1], y]))


def cross_entropy(y_hat, y):
    return -d2l.reduce_mean(d2l.log(y_hat[list(range(len(y_hat))), y]))


cell("cross_entropy(y_hat, y)")
print(repr(cross_entropy(y_hat, y)))


@d2l.add_to_class(SoftmaxRegressionScratch)
def loss(self, y_hat, y):
    return cross_entropy(y_hat, y)


cell("[not in the book] Classifier.accuracy on y_hat, y")
print(repr(d2l.Classifier.accuracy(None, y_hat, y)), repr(d2l.Classifier.accuracy(None, y_hat, y, averaged=False)))

cell("data = d2l.FashionMNIST(batch_size=256); model = SoftmaxRegressionScratch(num_inputs=784, num_outputs=10, lr=0.1); trainer = d2l.Trainer(max_epochs=10); trainer.fit(model, data)  [batch_size 32]")
data = d2l.FashionMNIST(batch_size=32)
model = SoftmaxRegressionScratch(num_inputs=784, num_outputs=10, lr=0.1)
trainer = d2l.Trainer(max_epochs=10)
trainer.fit(model, data)
lines = model.board.lines()
print(lines['val_loss'], lines['val_acc'], lines['train_loss'][-2:])

cell("X, y = next(iter(data.val_dataloader())); preds = model(X).argmax(axis=1); preds.shape")
X, y = next(iter(data.val_dataloader()))
preds = model(X).argmax(axis=1)
print(repr(preds.shape), repr(preds))

cell("wrong = preds.type(y.dtype) != y; X, y, preds = X[wrong], y[wrong], preds[wrong]; labels = ...; data.visualize([X, y], labels=labels)")
wrong = preds.type(y.dtype) != y
X, y, preds = X[wrong], y[wrong], preds[wrong]
labels = [a+'\n'+b for a, b in zip(
    data.text_labels(y), data.text_labels(preds))]
data.visualize([X, y], labels=labels)
print(X.shape, repr(wrong))

cell("model = SoftmaxRegression(num_outputs=10, lr=0.1); trainer = d2l.Trainer(max_epochs=10); trainer.fit(model, data)  [init=d2l.same_start(0.01)]")
model = d2l.SoftmaxRegression(num_outputs=10, lr=0.1)
print(model.net)
trainer = d2l.Trainer(max_epochs=10)
trainer.fit(model, data, init=d2l.same_start(0.01))
lines = model.board.lines()
print(model.net, lines['val_loss'], lines['val_acc'], lines['train_loss'][-2:])

cell("[not in the book] F.cross_entropy with reduction='none' and 'mean' (Classifier.loss(averaged=...))")
X, y = next(iter(data.val_dataloader()))
Y_hat = model(X)
print(repr(model.loss(Y_hat, y, averaged=False)[:5]), repr(model.loss(Y_hat, y)),
      repr(model.loss(Y_hat, y, averaged=False).mean()))
