"""Linear regression from scratch (D2L 3.2): synthetic data, minibatch SGD written by hand.

    python examples/linear_regression_scratch.py [--device cuda]
"""
import random

import gradkit as torch
from _common import parser, progress, setup


def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels):
    indices = list(range(len(features)))
    random.shuffle(indices)
    for i in range(0, len(features), batch_size):
        batch = torch.tensor(indices[i:min(i + batch_size, len(features))])
        yield features[batch], labels[batch]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def main(argv=None):
    args = parser(__doc__).parse_args(argv)
    setup(args)
    random.seed(args.seed)
    true_w, true_b = torch.tensor([2, -3.4]), 4.2
    features, labels = synthetic_data(true_w, true_b, 1000)
    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    lr, batch_size = 0.03, 10
    for epoch in range(args.epochs or 3):
        n_batches = -(-len(features) // batch_size)
        for X, y in progress(data_iter(batch_size, features, labels), n_batches, f"epoch {epoch + 1}"):
            loss = squared_loss(linreg(X, w, b), y)
            loss.sum().backward()
            sgd([w, b], lr, batch_size)
        with torch.no_grad():
            train_l = squared_loss(linreg(features, w, b), labels)
            print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
    print(f"error in estimating w: {true_w - w.reshape(true_w.shape)}")
    print(f"error in estimating b: {true_b - b}")
    path = args.checkpoint or None
    if path:
        torch.save({"w": w.detach(), "b": b.detach()}, path)
        back = torch.load(path)
        print(f"checkpoint: saved to {path}; reloaded w equal: {torch.equal(back['w'], w.detach())}")


if __name__ == "__main__":
    main()
