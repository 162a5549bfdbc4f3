"""A multilayer perceptron with dropout and weight decay on the embedded digits (D2L 4.2-4.6).

    python examples/mlp.py [--device cuda] [--epochs 30]

Reaches 95%+ test accuracy in well under a minute on two CPU cores.
"""
import time

import gradkit as torch
from gradkit import nn
from gradkit.utils import data
from _common import accuracy, checkpoint_round_trip, parser, progress, setup


def make_net(dropout=0.2):
    return nn.Sequential(nn.Flatten(),
                         nn.Linear(64, 256), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(256, 256), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(256, 10))


def main(argv=None):
    p = parser(__doc__)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    args = p.parse_args(argv)
    setup(args)
    train_iter = data.DataLoader(torch.datasets.digits(train=True), 32, shuffle=True)
    test_iter = data.DataLoader(torch.datasets.digits(train=False), 256)
    net = make_net()
    loss = nn.CrossEntropyLoss()
    # weight decay on the weights only, as D2L 4.5 does with parameter groups
    decay = [p for name, p in net.named_parameters() if name.endswith("weight")]
    no_decay = [p for name, p in net.named_parameters() if name.endswith("bias")]
    trainer = torch.optim.SGD([{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay}],
                              lr=args.lr, momentum=0.9)
    start = time.perf_counter()
    test_acc = 0.0
    for epoch in range(args.epochs or 20):
        net.train()
        total = count = 0.0
        for X, y in progress(train_iter, len(train_iter), f"epoch {epoch + 1:2d}"):
            l = loss(net(X), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
            total += float(l.detach()) * y.numel()
            count += y.numel()
        test_acc = accuracy(net, test_iter)
        print(f"epoch {epoch + 1:2d}, loss {total / count:.4f}, test acc {test_acc:.3f}")
    print(f"trained in {time.perf_counter() - start:.1f}s; final test accuracy {test_acc:.3f}")
    X, _ = next(iter(test_iter))
    checkpoint_round_trip(net, make_net, args.checkpoint, X[:8])
    return test_acc


if __name__ == "__main__":
    main()
