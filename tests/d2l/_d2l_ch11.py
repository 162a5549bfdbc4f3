"""``d2l`` for the chapter 11 scripts (attention mechanisms and Transformers; d2l-zh chapter
10, whose helpers tests/d2l/_d2l.py re-exports): what the scripts call as ``d2l.xxx``, as
d2l-zh's ``d2l/torch.py`` defines it: the chapter 8-9 helpers the attention sections build on
(Vocab, grad_clipping, the machine-translation pipeline, the encoder-decoder classes,
train_seq2seq, predict_seq2seq, bleu) and chapter 10's saved attention classes.

The chapter 8-9 helpers (Vocab ... bleu, train_seq2seq) are the chapter 9-10 block's of
_d2l.py, imported from there; _d2l.py takes from here each name it does not define itself.

Stand-ins (not d2l's code), as in _d2l.py:
- ``show_heatmaps``, ``plot`` and ``Animator`` draw nothing; show_heatmaps prints the
  matrices it would draw (shapes, and values or a corner of each) without handing them to
  NumPy, so the strict device runs it too;
- ``read_fra_eng_sample``/``load_data_nmt_sample`` play read_data_nmt/load_data_nmt: the
  book's pipeline on a few dozen English-French pairs in fra.txt's format (the book
  downloads fra-eng.zip);
- ``train_seq2seq`` gives the net NumPy draws after its Xavier init
  (``same_seq2seq_weights``) and prints every tenth epoch's loss, the points its Animator
  would draw, and its closing line without the speed and the device;
- ``same_positional_encodings`` gives PositionalEncoding layers the same P in both runs.
"""
import math

import numpy as np
import torch
from torch import nn

# the chapter 9-10 helpers this chapter builds on, as _d2l.py defines them (it imports this
# module at its end, after defining them)
from _d2l import (Decoder, Encoder, EncoderDecoder, MaskedSoftmaxCELoss, Seq2SeqEncoder, Vocab,  # noqa: F401
                  arange, bleu, build_array_nmt, count_corpus, grad_clipping, load_array, predict_seq2seq,
                  preprocess_nmt, same_rnn_weights, sequence_mask, tokenize_nmt, train_seq2seq, truncate_pad, zeros)


def same_seq2seq_weights(net):
    """[not in d2l] NumPy draws for every parameter (train_seq2seq's start): the chapter 9-10
    helpers' same_rnn_weights(net, xavier=True)."""
    same_rnn_weights(net, xavier=True)

__all__ = [
    'use_svg_display', 'set_figsize', 'plot', 'Animator', 'show_heatmaps', 'Vocab', 'count_corpus',
    'grad_clipping', 'read_fra_eng_sample', 'preprocess_nmt', 'tokenize_nmt', 'truncate_pad',
    'build_array_nmt', 'load_data_nmt_sample', 'Encoder', 'Decoder', 'EncoderDecoder',
    'Seq2SeqEncoder', 'sequence_mask', 'MaskedSoftmaxCELoss', 'same_seq2seq_weights',
    'train_seq2seq', 'predict_seq2seq', 'bleu', 'masked_softmax', 'AdditiveAttention',
    'DotProductAttention', 'AttentionDecoder', 'MultiHeadAttention', 'transpose_qkv',
    'transpose_output', 'PositionalEncoding', 'PositionWiseFFN', 'AddNorm', 'EncoderBlock',
    'TransformerEncoder', 'same_positional_encodings', 'plt'
]


class _NoPlot:
    """d2l.plt with nothing to draw on: every call returns None."""
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


plt = _NoPlot()


def use_svg_display():
    """使用svg格式在Jupyter中显示绘图 (nothing to display here)"""


def set_figsize(figsize=(3.5, 2.5)):
    """设置matplotlib的图表大小 (nothing to draw here)"""


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale='linear',
         yscale='linear', fmts=('-', 'm--', 'g-.', 'r:'), figsize=(3.5, 2.5), axes=None):
    """绘制数据点 [prints what it would draw: the curves' shapes and legend]"""
    Ys = Y if isinstance(Y, (list, tuple)) else [Y if Y is not None else X]
    print('plot:', [tuple(y.shape) for y in Ys], xlabel, ylabel, legend)


class Animator:
    """在动画中绘制数据 [keeps the points in X and Y and draws nothing]"""
    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale='linear',
                 yscale='linear', fmts=('-', 'm--', 'g-.', 'r:'), nrows=1, ncols=1, figsize=(3.5, 2.5)):
        self.X, self.Y, self.fmts = None, None, fmts

    def add(self, x, y):
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if not self.X:
            self.X = [[] for _ in range(n)]
        if not self.Y:
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)


def show_heatmaps(matrices, xlabel, ylabel, titles=None, figsize=(2.5, 2.5), cmap='Reds'):
    """显示矩阵热图 [prints each matrix it would draw: whole when small, else its top-left
    4x6 corner and its sum]"""
    num_rows, num_cols = matrices.shape[0], matrices.shape[1]
    print('show_heatmaps:', tuple(matrices.shape), xlabel, '/', ylabel, titles)
    for i, row_matrices in enumerate(matrices):
        for j, matrix in enumerate(row_matrices):
            if matrix.numel() <= 24:
                print(f'[{i}, {j}]', repr(matrix))
            else:
                print(f'[{i}, {j}]', repr(matrix[:4, :6]), f'sum {float(matrix.sum()):.4f}')


# The first pairs of the book's fra.txt as its printed output shows them (tab between the
# English and the French, the French with narrow no-break spaces before ! and ?, which
# preprocess_nmt turns into blanks), then more short pairs in the same style, so that the
# vocabularies have a few dozen tokens of frequency 2 or more and the book's test sentences
# ("go .", "i lost .", "he's calm .", "i'm home .") are in the training data.
_FRA_ENG_SAMPLE = '\n'.join([
    'Go.\tVa\u202f!', 'Hi.\tSalut\u202f!', 'Run!\tCours\u202f!', 'Run!\tCourez\u202f!', 'Who?\tQui\u202f?',
    'Wow!\tÇa alors\u202f!', 'Fire!\tAu feu\u202f!', 'Help!\tÀ l\'aide\u202f!', 'Jump.\tSaute.',
    'Stop!\tÇa suffit\u202f!', 'Stop!\tStop\u202f!', 'Stop!\tArrête-toi\u202f!', 'Wait!\tAttends\u202f!',
    'Wait!\tAttendez\u202f!', 'Go on.\tPoursuis.', 'Go on.\tContinuez.', 'Hello!\tBonjour\u202f!',
    'Hello!\tSalut\u202f!', 'I see.\tJe comprends.', 'I try.\tJ\'essaye.', 'I won!\tJ\'ai gagné\u202f!',
    'Oh no!\tOh non\u202f!', 'Attack!\tAttaque\u202f!', 'Cheers!\tSanté\u202f!', 'Get up.\tLève-toi.',
    'Go now.\tVas-y maintenant.', 'Got it!\tJ\'ai pigé\u202f!', 'Got it?\tCompris\u202f?', 'Hop in.\tMonte.',
    'I fell.\tJe suis tombé.', 'I know.\tJe sais.', 'I left.\tJe suis parti.', 'I lost.\tJ\'ai perdu.',
    'I paid.\tJ\'ai payé.', 'I\'m OK.\tJe vais bien.', 'I\'m up.\tJe suis levé.', 'Listen.\tÉcoutez\u202f!',
    'No way!\tPas question\u202f!', 'Really?\tVraiment\u202f?', 'Thanks.\tMerci\u202f!', 'We try.\tOn essaye.',
    'We won.\tNous avons gagné.', 'Be calm.\tSois calme\u202f!', 'Be fair.\tSois juste\u202f!',
    'Be kind.\tSois gentil.', 'Call me.\tAppelle-moi\u202f!', 'Come in.\tEntre.', 'Come on!\tAllez\u202f!',
    'Get out!\tSors\u202f!', 'Go away!\tVa-t\'en\u202f!', 'Goodbye!\tAu revoir\u202f!', 'He came.\tIl est venu.',
    'He runs.\tIl court.', 'Help me.\tAide-moi.', 'I agree.\tJe suis d\'accord.', 'I\'m sad.\tJe suis triste.',
    'I\'m shy.\tJe suis timide.', 'I\'m wet.\tJe suis mouillé.', 'It\'s me!\tC\'est moi\u202f!',
    'Join us.\tJoignez-vous à nous.', 'Keep it.\tGarde-le\u202f!', 'Kiss me.\tEmbrasse-moi.',
    'Open up.\tOuvre-moi\u202f!', 'Perfect!\tParfait\u202f!', 'See you.\tÀ plus tard\u202f!',
    'Shut up!\tTais-toi\u202f!', 'Stop it.\tArrête\u202f!', 'Take it.\tPrends-le\u202f!', 'Tom won.\tTom a gagné.',
    'Wake up!\tRéveille-toi\u202f!', 'Welcome.\tBienvenue\u202f!', 'Who ran?\tQui a couru\u202f?',
    'He\'s calm.\tIl est calme.', 'He\'s sad.\tIl est triste.', 'He\'s shy.\tIl est timide.',
    'He\'s wet.\tIl est mouillé.', 'I am calm.\tJe suis calme.', 'I\'m home.\tJe suis chez moi.',
    'I\'m calm.\tJe suis calme.', 'I\'m free.\tJe suis libre.', 'I\'m full.\tJe suis rassasié.',
    'I\'m here.\tJe suis là.', 'I\'m lost.\tJe suis perdu.', 'I\'m sick.\tJe suis malade.',
    'I\'m tall.\tJe suis grand.', 'It\'s new.\tC\'est nouveau.', 'It\'s hot.\tIl fait chaud.',
    'He is home.\tIl est chez lui.', 'We are home.\tNous sommes chez nous.', 'We lost.\tNous avons perdu.',
    'He lost.\tIl a perdu.', 'Tom lost.\tTom a perdu.', 'Go home.\tVa chez toi.', 'We\'re calm.\tNous sommes calmes.',
]) + '\n'


def read_fra_eng_sample():
    """[stand-in for read_data_nmt(), which reads the downloaded fra-eng/fra.txt] the raw text
    of a few dozen English-French pairs in fra.txt's format"""
    return _FRA_ENG_SAMPLE


def load_data_nmt_sample(batch_size, num_steps, num_examples=600):
    """返回翻译数据集的迭代器和词表 [load_data_nmt as the book writes it, on
    read_fra_eng_sample() in place of read_data_nmt()]"""
    text = preprocess_nmt(read_fra_eng_sample())
    source, target = tokenize_nmt(text, num_examples)
    src_vocab = Vocab(source, min_freq=2,
                      reserved_tokens=['<pad>', '<bos>', '<eos>'])
    tgt_vocab = Vocab(target, min_freq=2,
                      reserved_tokens=['<pad>', '<bos>', '<eos>'])
    src_array, src_valid_len = build_array_nmt(source, src_vocab, num_steps)
    tgt_array, tgt_valid_len = build_array_nmt(target, tgt_vocab, num_steps)
    data_arrays = (src_array, src_valid_len, tgt_array, tgt_valid_len)
    data_iter = load_array(data_arrays, batch_size)
    return data_iter, src_vocab, tgt_vocab


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
        X = sequence_mask(X.reshape(-1, shape[-1]), valid_lens,
                          value=-1e6)
        return nn.functional.softmax(X.reshape(shape), dim=-1)


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
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class AttentionDecoder(Decoder):
    """带有注意力机制解码器的基本接口"""
    def __init__(self, **kwargs):
        super(AttentionDecoder, self).__init__(**kwargs)

    @property
    def attention_weights(self):
        raise NotImplementedError


class MultiHeadAttention(nn.Module):
    """多头注意力"""
    def __init__(self, key_size, query_size, value_size, num_hiddens,
                 num_heads, dropout, bias=False, **kwargs):
        super(MultiHeadAttention, self).__init__(**kwargs)
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(self, queries, keys, values, valid_lens):
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


def transpose_output(X, num_heads):
    """逆转transpose_qkv函数的操作"""
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    X = X.permute(0, 2, 1, 3)
    return X.reshape(X.shape[0], X.shape[1], -1)


class PositionalEncoding(nn.Module):
    """位置编码"""
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(dropout)
        # 创建一个足够长的P
        self.P = zeros((1, max_len, num_hiddens))
        X = arange(max_len, dtype=torch.float32).reshape(
            -1, 1) / torch.pow(10000, torch.arange(
                0, num_hiddens, 2, dtype=torch.float32) / num_hiddens)
        self.P[:, :, 0::2] = torch.sin(X)
        self.P[:, :, 1::2] = torch.cos(X)

    def forward(self, X):
        X = X + self.P[:, :X.shape[1], :].to(X.device)
        return self.dropout(X)


class PositionWiseFFN(nn.Module):
    """基于位置的前馈网络"""
    def __init__(self, ffn_num_input, ffn_num_hiddens, ffn_num_outputs,
                 **kwargs):
        super(PositionWiseFFN, self).__init__(**kwargs)
        self.dense1 = nn.Linear(ffn_num_input, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)

    def forward(self, X):
        return self.dense2(self.relu(self.dense1(X)))


class AddNorm(nn.Module):
    """残差连接后进行层规范化"""
    def __init__(self, normalized_shape, dropout, **kwargs):
        super(AddNorm, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(normalized_shape)

    def forward(self, X, Y):
        return self.ln(self.dropout(Y) + X)


class EncoderBlock(nn.Module):
    """Transformer编码器块"""
    def __init__(self, key_size, query_size, value_size, num_hiddens,
                 norm_shape, ffn_num_input, ffn_num_hiddens, num_heads,
                 dropout, use_bias=False, **kwargs):
        super(EncoderBlock, self).__init__(**kwargs)
        self.attention = MultiHeadAttention(
            key_size, query_size, value_size, num_hiddens, num_heads, dropout,
            use_bias)
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(
            ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(norm_shape, dropout)

    def forward(self, X, valid_lens):
        Y = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(Y, self.ffn(Y))


class TransformerEncoder(Encoder):
    """Transformer编码器"""
    def __init__(self, vocab_size, key_size, query_size, value_size,
                 num_hiddens, norm_shape, ffn_num_input, ffn_num_hiddens,
                 num_heads, num_layers, dropout, use_bias=False, **kwargs):
        super(TransformerEncoder, self).__init__(**kwargs)
        self.num_hiddens = num_hiddens
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            self.blks.add_module("block"+str(i),
                                 EncoderBlock(key_size, query_size, value_size, num_hiddens,
                                              norm_shape, ffn_num_input, ffn_num_hiddens,
                                              num_heads, dropout, use_bias))

    def forward(self, X, valid_lens, *args):
        # 因为位置编码值在-1和1之间，
        # 因此嵌入值乘以嵌入维度的平方根进行缩放，
        # 然后再与位置编码相加。
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        self.attention_weights = [None] * len(self.blks)
        for i, blk in enumerate(self.blks):
            X = blk(X, valid_lens)
            self.attention_weights[
                i] = blk.attention.attention.attention_weights
        return X


def same_positional_encodings(net):
    """[not in d2l] Every PositionalEncoding's P recomputed in NumPy, in float64, and rounded
    to float32 (the book's dtype): the libraries' float32 sin and cos of arguments up to
    max_len round differently, by an ulp here and there, which a long training amplifies."""
    for m in net.modules():
        if isinstance(m, PositionalEncoding):
            max_len, num_hiddens = m.P.shape[1], m.P.shape[2]
            X = np.arange(max_len, dtype=np.float64).reshape(-1, 1) / np.power(
                10000, np.arange(0, num_hiddens, 2, dtype=np.float64) / num_hiddens)
            P = np.zeros((1, max_len, num_hiddens))
            P[:, :, 0::2] = np.sin(X)
            P[:, :, 1::2] = np.cos(X)
            m.P = torch.tensor(P, dtype=torch.float32)
