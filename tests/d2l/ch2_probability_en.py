"""D2L (en, d2l.ai v1) 2.6 Probability and Statistics / chapter_preliminaries/probability.md,
the pytorch cells.

Samples are random: Python's random module is seeded (the heads/tails cell then prints the
same in every run), and each torch sampling cell prints shape, dtype and properties that
hold for every draw (counts are whole numbers summing to total_count, frequencies sum to 1
and lie near 1/2) instead of the values. The d2l/matplotlib plot is skipped; the array it is
fed (`estimates.numpy()`) is checked instead.
"""
import random

import torch
from torch.distributions.multinomial import Multinomial

random.seed(0)
torch.manual_seed(0)


def cell(title):
    print(f"-- {title}")


def describe_counts(counts, total):
    print(repr(counts.shape), repr(counts.dtype))
    print(repr(counts.sum(dim=-1).eq(total).all()), repr((counts == counts.round()).all()),
          repr((counts >= 0).all()))


cell("heads, tails")
num_tosses = 100
heads = sum([random.random() > 0.5 for _ in range(100)])
tails = num_tosses - heads
print("heads, tails: ", [heads, tails])

cell("fair_probs = torch.tensor([0.5, 0.5]); Multinomial(100, fair_probs).sample()")
fair_probs = torch.tensor([0.5, 0.5])
s = Multinomial(100, fair_probs).sample()
describe_counts(s, 100)

cell("Multinomial(100, fair_probs).sample() / 100")
freq = Multinomial(100, fair_probs).sample() / 100
print(repr(freq.shape), repr(freq.dtype), repr(((freq.sum() - 1).abs() < 1e-6)))

cell("counts = Multinomial(10000, fair_probs).sample(); counts / 10000")
counts = Multinomial(10000, fair_probs).sample()
describe_counts(counts, 10000)
freq = counts / 10000
print(repr(freq.shape), repr(freq.dtype), repr(((freq.sum() - 1).abs() < 1e-6)),
      repr(((freq - fair_probs).abs() < 0.05).all()))

cell("counts = Multinomial(1, fair_probs).sample((10000,)); ... estimates = estimates.numpy()")
counts = Multinomial(1, fair_probs).sample((10000,))
cum_counts = counts.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
describe_counts(counts, 1)
print(repr(cum_counts.shape), repr(cum_counts[-1].sum()), repr(cum_counts.sum(dim=1)[:5]))
print(repr(estimates.shape), repr(estimates.dtype),
      repr(torch.allclose(estimates.sum(dim=1), torch.ones(10000))))
estimates = estimates.numpy()
print(type(estimates).__name__, estimates.dtype, estimates.shape)

cell("d2l.plt.plot(estimates[:, 0]), d2l.plt.plot(estimates[:, 1])  [data only]")
for i, label in enumerate(["P(coin=heads)", "P(coin=tails)"]):
    col = estimates[:, i]
    print(label, col.shape, bool(abs(col[-1] - 0.5) < 0.05), bool(((col >= 0) & (col <= 1)).all()))
