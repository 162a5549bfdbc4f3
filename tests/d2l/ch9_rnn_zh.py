"""D2L (zh, zh-v2.d2l.ai) 8.4 循环神经网络 / chapter_recurrent-neural-networks/rnn.md (d2l-en 9.4
Recurrent Neural Networks), the pytorch cells: the hidden-state update X W_xh + H W_hh equals
one matmul of the concatenations [X, H] and [W_xh; W_hh].

d2l is tests/d2l/_d2l.py: d2l.normal draws from NumPy.
"""
import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("X, W_xh = d2l.normal(0, 1, (3, 1)), d2l.normal(0, 1, (1, 4)); H, W_hh = ...; d2l.matmul(X, W_xh) + d2l.matmul(H, W_hh)")
X, W_xh = d2l.normal(0, 1, (3, 1)), d2l.normal(0, 1, (1, 4))
H, W_hh = d2l.normal(0, 1, (3, 4)), d2l.normal(0, 1, (4, 4))
print(repr(d2l.matmul(X, W_xh) + d2l.matmul(H, W_hh)))

cell("d2l.matmul(d2l.concat((X, H), 1), d2l.concat((W_xh, W_hh), 0))")
print(repr(d2l.matmul(d2l.concat((X, H), 1), d2l.concat((W_xh, W_hh), 0))))
