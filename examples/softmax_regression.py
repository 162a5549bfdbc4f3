"""Softmax regression on the embedded handwritten digits (D2L 3.7, concise version).

    python examples/softmax_regression.py [--device cuda]
"""
import gradkit as torch
from gradkit import nn
from gradkit.utils import data
from _common import accuracy, checkpoint_round_trip, parser, progress, setup


def make_net():
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


def main(argv=None):
    args = parser(__doc__).parse_args(argv)
    setup(args)
    train_iter = data.DataLoader(torch.datasets.digits(train=True), 64, shuffle=True)
    test_iter = data.DataLoader(torch.datasets.digits(train=False), 256)
    net = make_net()
    net.apply(init_weights)
    loss = nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=0.5)
    for epoch in range(args.epochs or 10):
        net.train()
        total = count = 0.0
        for X, y in progress(train_iter, len(train_iter), f"epoch {epoch + 1:2d}"):
            l = loss(net(X), y)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
            total += float(l.detach().sum())
            count += y.numel()
        print(f"epoch {epoch + 1:2d}, loss {total / count:.4f}, train acc {accuracy(net, train_iter):.3f}, "
              f"test acc {accuracy(net, test_iter):.3f}")
    X, _ = next(iter(test_iter))
    checkpoint_round_trip(net, make_net, args.checkpoint, X[:8])


if __name__ == "__main__":
    main()
