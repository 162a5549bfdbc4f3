"""D2L (zh, zh-v2.d2l.ai) 10.3 注意力评分函数 / chapter_attention-mechanisms/
attention-scoring-functions.md, the pytorch cells (d2l-en v1.x 11.3 Attention Scoring
Functions): masked_softmax, additive attention, scaled dot-product attention.

d2l is tests/d2l/_d2l.py (sequence_mask as chapter 9 defines it; show_heatmaps prints the
matrices). Departures from the book: torch.rand's inputs come from d2l.rand (NumPy); after
the book's cells build each attention layer, its Linear weights get NumPy draws
(d2l.same_weights) and the cell runs again, so the printed values can be compared.
"""
import math
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


#@save
def masked_softmax(X, valid_lens):
    """通过在最后一个轴上掩蔽元素来执行softmax操作"""
    # X:3D张量，valid_lens:1D或2D张量
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    else:
        shape = X.shape
        if valid_lens.dim() == 1:
            valid_lens = torch.repeat_interleave(valid_lens, shape[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        # 最后一轴上被掩蔽的元素使用一个非常大的负值替换，从而其softmax输出为0
        X = d2l.sequence_mask(X.reshape(-1, shape[-1]), valid_lens,
                              value=-1e6)
        return nn.functional.softmax(X.reshape(shape), dim=-1)


cell("masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3]))")
print(masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3])).shape)
d2l.seed(111)
print(repr(masked_softmax(d2l.rand(2, 2, 4), torch.tensor([2, 3]))))

cell("masked_softmax(torch.rand(2, 2, 4), d2l.tensor([[1, 3], [2, 4]]))")
print(repr(masked_softmax(d2l.rand(2, 2, 4), d2l.tensor([[1, 3], [2, 4]]))))


#@save
class AdditiveAttention(nn.Module):
    """加性注意力"""
    def __init__(self, key_size, query_size, num_hiddens, dropout, **kwargs):
        super(AdditiveAttention, self).__init__(**kwargs)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        # 在维度扩展后，
        # queries的形状：(batch_size，查询的个数，1，num_hidden)
        # key的形状：(batch_size，1，“键－值”对的个数，num_hiddens)
        # 使用广播方式进行求和
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        # self.w_v仅有一个输出，因此从形状中移除最后那个维度。
        # scores的形状：(batch_size，查询的个数，“键-值”对的个数)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        # values的形状：(batch_size，“键－值”对的个数，值的维度)
        return torch.bmm(self.dropout(self.attention_weights), values)


cell("queries, keys = d2l.normal(0, 1, (2, 1, 20)), d2l.ones((2, 10, 2)); values = ...; valid_lens = d2l.tensor([2, 6]); attention = AdditiveAttention(...); attention.eval(); attention(queries, keys, values, valid_lens)")
queries, keys = d2l.normal(0, 1, (2, 1, 20)), d2l.ones((2, 10, 2))
# values的小批量，两个值矩阵是相同的
values = torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(
    2, 1, 1)
valid_lens = d2l.tensor([2, 6])

attention = AdditiveAttention(key_size=2, query_size=20, num_hiddens=8,
                              dropout=0.1)
attention.eval()
print(repr(attention(queries, keys, values, valid_lens)))
print(attention)
d2l.same_weights(attention)  # [the same weights]
print(repr(attention(queries, keys, values, valid_lens)), repr(queries[0, 0, :4]))

cell("d2l.show_heatmaps(d2l.reshape(attention.attention_weights, (1, 1, 2, 10)), xlabel='Keys', ylabel='Queries')")
d2l.show_heatmaps(d2l.reshape(attention.attention_weights, (1, 1, 2, 10)),
                  xlabel='Keys', ylabel='Queries')


#@save
class DotProductAttention(nn.Module):
    """缩放点积注意力"""
    def __init__(self, dropout, **kwargs):
        super(DotProductAttention, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)

    # queries的形状：(batch_size，查询的个数，d)
    # keys的形状：(batch_size，“键－值”对的个数，d)
    # values的形状：(batch_size，“键－值”对的个数，值的维度)
    # valid_lens的形状:(batch_size，)或者(batch_size，查询的个数)
    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        # 设置transpose_b=True为了交换keys的最后两个维度
        scores = torch.bmm(queries, keys.transpose(1,2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


cell("queries = d2l.normal(0, 1, (2, 1, 2)); attention = DotProductAttention(dropout=0.5); attention.eval(); attention(queries, keys, values, valid_lens)")
queries = d2l.normal(0, 1, (2, 1, 2))
attention = DotProductAttention(dropout=0.5)
attention.eval()
print(repr(attention(queries, keys, values, valid_lens)))

cell("d2l.show_heatmaps(d2l.reshape(attention.attention_weights, (1, 1, 2, 10)), xlabel='Keys', ylabel='Queries')")
d2l.show_heatmaps(d2l.reshape(attention.attention_weights, (1, 1, 2, 10)),
                  xlabel='Keys', ylabel='Queries')

cell("[not in the book] the dot product with keys that differ, and in training mode with dropout 0, backward")
keys = d2l.normal(0, 1, (2, 10, 2))
attention = DotProductAttention(dropout=0)
out = attention(queries.requires_grad_(), keys, values, d2l.tensor([[3], [7]]))
print(repr(out), out.grad_fn.name())
out.sum().backward()
print(repr(queries.grad))
