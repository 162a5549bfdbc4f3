"""D2L (zh, zh-v2.d2l.ai) 10.6 自注意力和位置编码 / chapter_attention-mechanisms/
self-attention-and-positional-encoding.md, the pytorch cells (d2l-en v1.x 11.6
Self-Attention and Positional Encoding).

d2l is tests/d2l/_d2l.py (MultiHeadAttention as 10.5 saves it; plot and show_heatmaps print
what they would draw). Departures from the book: after the book's shape check the
self-attention layer gets NumPy weights (d2l.same_weights) and runs on NumPy-drawn inputs;
the encodings the book plots are printed.
"""
import math
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("num_hiddens, num_heads = 100, 5; attention = d2l.MultiHeadAttention(...); attention.eval()")
num_hiddens, num_heads = 100, 5
attention = d2l.MultiHeadAttention(num_hiddens, num_hiddens, num_hiddens,
                                   num_hiddens, num_heads, 0.5)
print(attention.eval())

cell("batch_size, num_queries, valid_lens = 2, 4, d2l.tensor([3, 2]); X = d2l.ones(...); attention(X, X, X, valid_lens).shape")
batch_size, num_queries, valid_lens = 2, 4, d2l.tensor([3, 2])
X = d2l.ones((batch_size, num_queries, num_hiddens))
print(attention(X, X, X, valid_lens).shape)
d2l.seed(116)
d2l.same_weights(attention)  # [the same weights, NumPy inputs]
X = d2l.normal(0, 1, (batch_size, num_queries, num_hiddens))
print(repr(attention(X, X, X, valid_lens)[:, :, :4]), repr(attention.attention.attention_weights[:2]))


#@save
class PositionalEncoding(nn.Module):
    """位置编码"""
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(dropout)
        # 创建一个足够长的P
        self.P = d2l.zeros((1, max_len, num_hiddens))
        X = d2l.arange(max_len, dtype=torch.float32).reshape(
            -1, 1) / torch.pow(10000, torch.arange(
            0, num_hiddens, 2, dtype=torch.float32) / num_hiddens)
        self.P[:, :, 0::2] = torch.sin(X)
        self.P[:, :, 1::2] = torch.cos(X)

    def forward(self, X):
        X = X + self.P[:, :X.shape[1], :].to(X.device)
        return self.dropout(X)


cell("encoding_dim, num_steps = 32, 60; pos_encoding = PositionalEncoding(encoding_dim, 0); pos_encoding.eval(); X = pos_encoding(d2l.zeros((1, num_steps, encoding_dim))); P = ...; d2l.plot(...)")
encoding_dim, num_steps = 32, 60
pos_encoding = PositionalEncoding(encoding_dim, 0)
pos_encoding.eval()
X = pos_encoding(d2l.zeros((1, num_steps, encoding_dim)))
P = pos_encoding.P[:, :X.shape[1], :]
d2l.plot(d2l.arange(num_steps), P[0, :, 6:10].T, xlabel='Row (position)',
         figsize=(6, 2.5), legend=["Col %d" % d for d in d2l.arange(6, 10)])
print(X.shape, P.shape, pos_encoding.P.shape, bool((X == P).all()))
print(repr(P[0, :, 6:10].T[:, ::6]))  # [what the plot shows: every sixth row]
print(repr(pos_encoding.P[0, 999, :8]), repr(pos_encoding.P[0, 500, -4:]))

cell("for i in range(8): print(f'{i}的二进制是：{i:>03b}')")
for i in range(8):
    print(f'{i}的二进制是：{i:>03b}')

cell("P = P[0, :, :].unsqueeze(0).unsqueeze(0); d2l.show_heatmaps(P, xlabel='Column (encoding dimension)', ylabel='Row (position)', figsize=(3.5, 4), cmap='Blues')")
P = P[0, :, :].unsqueeze(0).unsqueeze(0)
d2l.show_heatmaps(P, xlabel='Column (encoding dimension)',
                  ylabel='Row (position)', figsize=(3.5, 4), cmap='Blues')

cell("[not in the book] the encoding added to NumPy-drawn embeddings, with dropout in training mode off (p=0)")
pos_encoding.train()
E = d2l.normal(0, 1, (2, 5, encoding_dim))
print(repr(pos_encoding(E)[1, :, :6]))
