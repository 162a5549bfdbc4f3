"""Linear regression with nn, optim and data (D2L 3.3).

    python examples/linear_regression_concise.py [--device cuda]
"""
import gradkit as torch
from gradkit import nn
from gradkit.utils import data
from _common import checkpoint_round_trip, parser, progress, setup


def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


def make_net():
    return nn.Sequential(nn.Linear(2, 1))


def main(argv=None):
    args = parser(__doc__).parse_args(argv)
    setup(args)
    true_w, true_b = torch.tensor([2, -3.4]), 4.2
    features, labels = synthetic_data(true_w, true_b, 1000)
    data_iter = load_array((features, labels), 10)
    net = make_net()
    net[0].weight.data.normal_(0, 0.01)
    net[0].bias.data.fill_(0)
    loss = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=0.03)
    for epoch in range(args.epochs or 3):
        for X, y in progress(data_iter, len(data_iter), f"epoch {epoch + 1}"):
            l = loss(net(X), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
        l = loss(net(features), labels)
        print(f"epoch {epoch + 1}, loss {l:f}")
    w, b = net[0].weight.data, net[0].bias.data
    print("error in estimating w:", true_w - w.reshape(true_w.shape))
    print("error in estimating b:", true_b - b)
    checkpoint_round_trip(net, make_net, args.checkpoint, features[:5])


if __name__ == "__main__":
    main()
