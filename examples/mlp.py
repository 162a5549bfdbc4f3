"""A multilayer perceptron with dropout and weight decay on the embedded digits (D2L 4.2-4.6).

    python examples/mlp.py [--device cuda] [--epochs 30]

Reaches 95%+ test accuracy in well under a minute on two CPU cores.
"""
import gradkit as torch
from gradkit import nn
from gradkit.utils import data
from _common import checkpoint_round_trip, fit, parser, setup


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
    test_acc = fit(net, train_iter, test_iter, loss, trainer, args.epochs or 20)
    X, _ = next(iter(test_iter))
    checkpoint_round_trip(net, make_net, args.checkpoint, X[:8])
    return test_acc


if __name__ == "__main__":
    main()
