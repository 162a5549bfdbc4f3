"""D2L (zh, zh-v2.d2l.ai) 2.6 概率 / chapter_preliminaries/probability.md, the pytorch cells.

Samples are random: each sampling cell prints shape, dtype and properties that hold for every
draw (counts are whole numbers summing to total_count, frequencies sum to 1 and lie near
1/6) instead of the values. The d2l/matplotlib plot is skipped; the arrays it is fed
(`estimates[:, i].numpy()`) are checked instead.
"""
import torch
from torch.distributions import multinomial

torch.manual_seed(0)


def cell(title):
    print(f"-- {title}")


def describe_counts(counts, total):
    print(repr(counts.shape), repr(counts.dtype))
    print(repr(counts.sum(dim=-1).eq(total).all()), repr((counts == counts.round()).all()),
          repr((counts >= 0).all()))


cell("fair_probs = torch.ones([6]) / 6; multinomial.Multinomial(1, fair_probs).sample()")
fair_probs = torch.ones([6]) / 6
print(repr(fair_probs))
s = multinomial.Multinomial(1, fair_probs).sample()
describe_counts(s, 1)

cell("multinomial.Multinomial(10, fair_probs).sample()")
s = multinomial.Multinomial(10, fair_probs).sample()
describe_counts(s, 10)

cell("counts = multinomial.Multinomial(1000, fair_probs).sample(); counts / 1000")
# 将结果存储为32位浮点数以进行除法
counts = multinomial.Multinomial(1000, fair_probs).sample()
describe_counts(counts, 1000)
freq = counts / 1000  # 相对频率作为估计值
print(repr(freq.shape), repr(freq.dtype), repr(((freq.sum() - 1).abs() < 1e-6)),
      repr(((freq - fair_probs).abs() < 0.1).all()))

cell("counts = ...sample((500,)); cum_counts = counts.cumsum(dim=0); estimates = ...")
counts = multinomial.Multinomial(10, fair_probs).sample((500,))
cum_counts = counts.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
describe_counts(counts, 10)
print(repr(cum_counts.shape), repr(cum_counts[-1].sum()), repr(cum_counts.sum(dim=1)[:5]))
print(repr(estimates.shape), repr(estimates.dtype),
      repr(torch.allclose(estimates.sum(dim=1), torch.ones(500))),
      repr(((estimates[-1] - fair_probs).abs() < 0.05).all()))

cell("for i in range(6): estimates[:, i].numpy()  [what d2l.plt.plot gets]")
for i in range(6):
    col = estimates[:, i].numpy()
    print(type(col).__name__, col.dtype, col.shape, bool(abs(col[-1] - 1 / 6) < 0.05),
          "P(die=" + str(i + 1) + ")")
