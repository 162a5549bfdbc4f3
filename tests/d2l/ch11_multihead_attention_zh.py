"""D2L (zh, zh-v2.d2l.ai) 10.5 多头注意力 / chapter_attention-mechanisms/
multihead-attention.md, the pytorch cells (d2l-en v1.x 11.5 Multi-Head Attention):
MultiHeadAttention with transpose_qkv / transpose_output.

d2l is tests/d2l/_d2l.py (DotProductAttention as 10.3 saves it). Departures from the book:
after the book's shape check the layer's weights get NumPy draws (d2l.same_weights) and it
runs again on NumPy-drawn inputs, forward and backward, so values can be compared.
"""
import math
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


#@save
class MultiHeadAttention(nn.Module):
    """多头注意力"""
    def __init__(self, key_size, query_size, value_size, num_hiddens,
                 num_heads, dropout, bias=False, **kwargs):
        super(MultiHeadAttention, self).__init__(**kwargs)
        self.num_heads = num_heads
        self.attention = d2l.DotProductAttention(dropout)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(self, queries, keys, values, valid_lens):
        # queries，keys，values的形状:
        # (batch_size，查询或者“键－值”对的个数，num_hiddens)
        # valid_lens　的形状:
        # (batch_size，)或(batch_size，查询的个数)
        # 经过变换后，输出的queries，keys，values　的形状:
        # (batch_size*num_heads，查询或者“键－值”对的个数，
        # num_hiddens/num_heads)
        queries = transpose_qkv(self.W_q(queries), self.num_heads)
        keys = transpose_qkv(self.W_k(keys), self.num_heads)
        values = transpose_qkv(self.W_v(values), self.num_heads)

        if valid_lens is not None:
            # 在轴0，将第一项（标量或者矢量）复制num_heads次，
            # 然后如此复制第二项，然后诸如此类。
            valid_lens = torch.repeat_interleave(
                valid_lens, repeats=self.num_heads, dim=0)

        # output的形状:(batch_size*num_heads，查询的个数，
        # num_hiddens/num_heads)
        output = self.attention(queries, keys, values, valid_lens)

        # output_concat的形状:(batch_size，查询的个数，num_hiddens)
        output_concat = transpose_output(output, self.num_heads)
        return self.W_o(output_concat)


#@save
def transpose_qkv(X, num_heads):
    """为了多注意力头的并行计算而变换形状"""
    # 输入X的形状:(batch_size，查询或者“键－值”对的个数，num_hiddens)
    # 输出X的形状:(batch_size，查询或者“键－值”对的个数，num_heads，
    # num_hiddens/num_heads)
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)

    # 输出X的形状:(batch_size，num_heads，查询或者“键－值”对的个数,
    # num_hiddens/num_heads)
    X = X.permute(0, 2, 1, 3)

    # 最终输出的形状:(batch_size*num_heads,查询或者“键－值”对的个数,
    # num_hiddens/num_heads)
    return X.reshape(-1, X.shape[2], X.shape[3])


#@save
def transpose_output(X, num_heads):
    """逆转transpose_qkv函数的操作"""
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    X = X.permute(0, 2, 1, 3)
    return X.reshape(X.shape[0], X.shape[1], -1)


cell("num_hiddens, num_heads = 100, 5; attention = MultiHeadAttention(num_hiddens, num_hiddens, num_hiddens, num_hiddens, num_heads, 0.5); attention.eval()")
num_hiddens, num_heads = 100, 5
attention = MultiHeadAttention(num_hiddens, num_hiddens, num_hiddens,
                               num_hiddens, num_heads, 0.5)
print(attention.eval())

cell("batch_size, num_queries = 2, 4; num_kvpairs, valid_lens = 6, d2l.tensor([3, 2]); X = ...; Y = ...; attention(X, Y, Y, valid_lens).shape")
batch_size, num_queries = 2, 4
num_kvpairs, valid_lens =  6, d2l.tensor([3, 2])
X = d2l.ones((batch_size, num_queries, num_hiddens))
Y = d2l.ones((batch_size, num_kvpairs, num_hiddens))
print(attention(X, Y, Y, valid_lens).shape)

cell("[not in the book] transpose_qkv / transpose_output shapes and round trip")
Q = transpose_qkv(attention.W_q(X), num_heads)
print(Q.shape, transpose_output(Q, num_heads).shape, bool((transpose_output(Q, num_heads) == attention.W_q(X)).all()))

cell("[not in the book] NumPy weights and inputs: the output, the first heads' attention weights, gradients")
d2l.seed(115)
d2l.same_weights(attention)
X = d2l.normal(0, 1, (batch_size, num_queries, num_hiddens))
Y = d2l.normal(0, 1, (batch_size, num_kvpairs, num_hiddens))
X.requires_grad_()
out = attention(X, Y, Y, valid_lens)
print(repr(out[:, :2, :5]), out.grad_fn.name())
print(repr(attention.attention.attention_weights[:3]))
(out ** 2).sum().backward()
print(repr(X.grad[1, :2, :5]), repr(attention.W_q.weight.grad[:2, :5]), repr(attention.W_o.weight.grad[-1, -5:]))
