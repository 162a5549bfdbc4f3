"""D2L (en, d2l.ai v1.x) 11.1 Queries, Keys, and Values /
chapter_attention-mechanisms-and-transformers/queries-keys-values.md, the pytorch cells
(d2l-zh 10.1 注意力提示 has the same two cells).

d2l is tests/d2l/_d2l_en.py. The section's show_heatmaps draws with matplotlib; here the
shim's prints the matrices it would draw (shape, labels, values), without handing them to
NumPy.
"""
import torch

import _d2l_en as d2l


def cell(title):
    print(f"-- {title}")


show_heatmaps = d2l.show_heatmaps  # [the book's #@save cell: plotting, printed instead]

cell("attention_weights = d2l.reshape(d2l.eye(10), (1, 1, 10, 10)); show_heatmaps(attention_weights, xlabel='Keys', ylabel='Queries')")
attention_weights = d2l.reshape(d2l.eye(10), (1, 1, 10, 10))
show_heatmaps(attention_weights, xlabel='Keys', ylabel='Queries')
print(attention_weights.shape, attention_weights.dtype, repr(attention_weights.sum(dim=-1)))

cell("[not in the book] several rows and columns of heatmaps, with titles")
weights = torch.softmax(d2l.reshape(d2l.arange(24, dtype=torch.float32), (2, 3, 2, 2)) / 10, dim=-1)
show_heatmaps(weights, xlabel='Keys', ylabel='Queries', titles=['a', 'b', 'c'])
