"""D2L (zh, zh-v2.d2l.ai) 10.7 Transformer / chapter_attention-mechanisms/transformer.md,
the pytorch cells (d2l-en v1.x 11.7 The Transformer Architecture): PositionWiseFFN,
AddNorm, EncoderBlock, TransformerEncoder, DecoderBlock, TransformerDecoder, the
Transformer trained on English-French pairs, its translations, BLEU and attention weights.

d2l is tests/d2l/_d2l.py (MultiHeadAttention, PositionalEncoding, train_seq2seq,
predict_seq2seq, bleu as the book saves them). Departures from the book, for a short
deterministic run: the data are the book's pipeline on the few dozen pairs of
d2l.load_data_nmt_sample (the book downloads fra-eng.zip); 20 epochs instead of 200; the
dropout layers draw their masks from NumPy (d2l.numpy_dropout), and train_seq2seq gives the
net NumPy draws after its Xavier init and prints every tenth epoch's loss; the blocks the book only
shape-checks get NumPy weights and print values too. The Transformer trains in float64
(net.double()) from the same positional encodings in both runs
(d2l.same_positional_encodings: the book's float32 P, computed in NumPy): training amplifies
the smallest difference about 2.5-fold an epoch (the attention weights saturate, scores tens
apart), so float32 rounding, PyTorch's and gradkit's alike, or the libraries' float32 sin and
cos rounding P's entries an ulp apart, part the two runs' losses by more than 1e-4 within ten
epochs; in float64 from the same P they agree to 1e-9 after twenty (and the saturated attention
weights printed at the end, which amplify the parameters' differences a hundredfold, to 1e-6).
"""
import math
import pandas as pd
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


#@save
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


cell("ffn = PositionWiseFFN(4, 4, 8); ffn.eval(); ffn(d2l.ones((2, 3, 4)))[0]")
ffn = PositionWiseFFN(4, 4, 8)
ffn.eval()
print(ffn(d2l.ones((2, 3, 4)))[0].shape)
d2l.seed(119)
d2l.same_weights(ffn)  # [the same weights]
print(repr(ffn(d2l.ones((2, 3, 4)))[0]))

cell("ln = nn.LayerNorm(2); bn = nn.BatchNorm1d(2); X = d2l.tensor([[1, 2], [2, 3]], dtype=torch.float32); print('layer norm:', ln(X), '\\nbatch norm:', bn(X))")
ln = nn.LayerNorm(2)
bn = nn.BatchNorm1d(2)
X = d2l.tensor([[1, 2], [2, 3]], dtype=torch.float32)
# 在训练模式下计算X的均值和方差
print('layer norm:', ln(X), '\nbatch norm:', bn(X))


#@save
class AddNorm(nn.Module):
    """残差连接后进行层规范化"""
    def __init__(self, normalized_shape, dropout, **kwargs):
        super(AddNorm, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(normalized_shape)

    def forward(self, X, Y):
        return self.ln(self.dropout(Y) + X)


cell("add_norm = AddNorm([3, 4], 0.5); add_norm.eval(); add_norm(d2l.ones((2, 3, 4)), d2l.ones((2, 3, 4))).shape")
add_norm = AddNorm([3, 4], 0.5)
add_norm.eval()
print(add_norm(d2l.ones((2, 3, 4)), d2l.ones((2, 3, 4))).shape)
print(repr(add_norm(d2l.normal(0, 1, (2, 3, 4)), d2l.ones((2, 3, 4)))[1]))


#@save
class EncoderBlock(nn.Module):
    """Transformer编码器块"""
    def __init__(self, key_size, query_size, value_size, num_hiddens,
                 norm_shape, ffn_num_input, ffn_num_hiddens, num_heads,
                 dropout, use_bias=False, **kwargs):
        super(EncoderBlock, self).__init__(**kwargs)
        self.attention = d2l.MultiHeadAttention(
            key_size, query_size, value_size, num_hiddens, num_heads, dropout,
            use_bias)
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(
            ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(norm_shape, dropout)

    def forward(self, X, valid_lens):
        Y = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(Y, self.ffn(Y))


cell("X = d2l.ones((2, 100, 24)); valid_lens = d2l.tensor([3, 2]); encoder_blk = EncoderBlock(24, 24, 24, 24, [100, 24], 24, 48, 8, 0.5); encoder_blk.eval(); encoder_blk(X, valid_lens).shape")
X = d2l.ones((2, 100, 24))
valid_lens = d2l.tensor([3, 2])
encoder_blk = EncoderBlock(24, 24, 24, 24, [100, 24], 24, 48, 8, 0.5)
encoder_blk.eval()
print(encoder_blk(X, valid_lens).shape)
d2l.same_weights(encoder_blk)  # [the same weights, NumPy inputs]
X = d2l.normal(0, 1, (2, 100, 24))
print(repr(encoder_blk(X, valid_lens)[:, :2, :5]))


#@save
class TransformerEncoder(d2l.Encoder):
    """Transformer编码器"""
    def __init__(self, vocab_size, key_size, query_size, value_size,
                 num_hiddens, norm_shape, ffn_num_input, ffn_num_hiddens,
                 num_heads, num_layers, dropout, use_bias=False, **kwargs):
        super(TransformerEncoder, self).__init__(**kwargs)
        self.num_hiddens = num_hiddens
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = d2l.PositionalEncoding(num_hiddens, dropout)
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


cell("encoder = TransformerEncoder(200, 24, 24, 24, 24, [100, 24], 24, 48, 8, 2, 0.5); encoder.eval(); encoder(d2l.ones((2, 100), dtype=torch.long), valid_lens).shape")
encoder = TransformerEncoder(
    200, 24, 24, 24, 24, [100, 24], 24, 48, 8, 2, 0.5)
encoder.eval()
print(encoder(d2l.ones((2, 100), dtype=torch.long), valid_lens).shape)


class DecoderBlock(nn.Module):
    """解码器中第i个块"""
    def __init__(self, key_size, query_size, value_size, num_hiddens,
                 norm_shape, ffn_num_input, ffn_num_hiddens, num_heads,
                 dropout, i, **kwargs):
        super(DecoderBlock, self).__init__(**kwargs)
        self.i = i
        self.attention1 = d2l.MultiHeadAttention(
            key_size, query_size, value_size, num_hiddens, num_heads, dropout)
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.attention2 = d2l.MultiHeadAttention(
            key_size, query_size, value_size, num_hiddens, num_heads, dropout)
        self.addnorm2 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens,
                                   num_hiddens)
        self.addnorm3 = AddNorm(norm_shape, dropout)

    def forward(self, X, state):
        enc_outputs, enc_valid_lens = state[0], state[1]
        # 训练阶段，输出序列的所有词元都在同一时间处理，
        # 因此state[2][self.i]初始化为None。
        # 预测阶段，输出序列是通过词元一个接着一个解码的，
        # 因此state[2][self.i]包含着直到当前时间步第i个块解码的输出表示
        if state[2][self.i] is None:
            key_values = X
        else:
            key_values = torch.cat((state[2][self.i], X), axis=1)
        state[2][self.i] = key_values
        if self.training:
            batch_size, num_steps, _ = X.shape
            # dec_valid_lens的开头:(batch_size,num_steps),
            # 其中每一行是[1,2,...,num_steps]
            dec_valid_lens = torch.arange(
                1, num_steps + 1, device=X.device).repeat(batch_size, 1)
        else:
            dec_valid_lens = None

        # 自注意力
        X2 = self.attention1(X, key_values, key_values, dec_valid_lens)
        Y = self.addnorm1(X, X2)
        # 编码器－解码器注意力。
        # enc_outputs的开头:(batch_size,num_steps,num_hiddens)
        Y2 = self.attention2(Y, enc_outputs, enc_outputs, enc_valid_lens)
        Z = self.addnorm2(Y, Y2)
        return self.addnorm3(Z, self.ffn(Z)), state


cell("decoder_blk = DecoderBlock(24, 24, 24, 24, [100, 24], 24, 48, 8, 0.5, 0); decoder_blk.eval(); X = d2l.ones((2, 100, 24)); state = [encoder_blk(X, valid_lens), valid_lens, [None]]; decoder_blk(X, state)[0].shape")
decoder_blk = DecoderBlock(24, 24, 24, 24, [100, 24], 24, 48, 8, 0.5, 0)
decoder_blk.eval()
X = d2l.ones((2, 100, 24))
state = [encoder_blk(X, valid_lens), valid_lens, [None]]
print(decoder_blk(X, state)[0].shape)
d2l.same_weights(decoder_blk)  # [the same weights, NumPy inputs]
X = d2l.normal(0, 1, (2, 100, 24))
state = [encoder_blk(X, valid_lens), valid_lens, [None]]
print(repr(decoder_blk(X, state)[0][:, -2:, :5]), state[2][0].shape)


class TransformerDecoder(d2l.AttentionDecoder):
    def __init__(self, vocab_size, key_size, query_size, value_size,
                 num_hiddens, norm_shape, ffn_num_input, ffn_num_hiddens,
                 num_heads, num_layers, dropout, **kwargs):
        super(TransformerDecoder, self).__init__(**kwargs)
        self.num_hiddens = num_hiddens
        self.num_layers = num_layers
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = d2l.PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            self.blks.add_module("block"+str(i),
                DecoderBlock(key_size, query_size, value_size, num_hiddens,
                             norm_shape, ffn_num_input, ffn_num_hiddens,
                             num_heads, dropout, i))
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, enc_valid_lens, *args):
        return [enc_outputs, enc_valid_lens, [None] * self.num_layers]

    def forward(self, X, state):
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        self._attention_weights = [[None] * len(self.blks) for _ in range (2)]
        for i, blk in enumerate(self.blks):
            X, state = blk(X, state)
            # 解码器自注意力权重
            self._attention_weights[0][
                i] = blk.attention1.attention.attention_weights
            # “编码器－解码器”自注意力权重
            self._attention_weights[1][
                i] = blk.attention2.attention.attention_weights
        return self.dense(X), state

    @property
    def attention_weights(self):
        return self._attention_weights


cell("num_hiddens, num_layers, dropout, batch_size, num_steps = 32, 2, 0.1, 64, 10; lr, num_epochs, device = 0.005, 200, d2l.try_gpu(); ...; d2l.train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, device)  [20 epochs, the sample pairs, NumPy dropout masks, float64]")
num_hiddens, num_layers, dropout, batch_size, num_steps = 32, 2, 0.1, 64, 10
lr, num_epochs, device = 0.005, 20, d2l.try_gpu()
ffn_num_input, ffn_num_hiddens, num_heads = 32, 64, 4
key_size, query_size, value_size = 32, 32, 32
norm_shape = [32]

train_iter, src_vocab, tgt_vocab = d2l.load_data_nmt_sample(batch_size, num_steps)

encoder = TransformerEncoder(
    len(src_vocab), key_size, query_size, value_size, num_hiddens,
    norm_shape, ffn_num_input, ffn_num_hiddens, num_heads,
    num_layers, dropout)
decoder = TransformerDecoder(
    len(tgt_vocab), key_size, query_size, value_size, num_hiddens,
    norm_shape, ffn_num_input, ffn_num_hiddens, num_heads,
    num_layers, dropout)
net = d2l.EncoderDecoder(encoder, decoder)
d2l.numpy_dropout(net)  # [NumPy-drawn dropout masks]
net.double()  # [float64, see the module docstring]
d2l.same_positional_encodings(net)  # [the same encodings in both runs]
print(sum(p.numel() for p in net.parameters()), len(net.state_dict()), list(net.state_dict())[:6])
d2l.seed(120)
d2l.train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, device)

cell("engs = [...]; fras = [...]; for eng, fra in zip(engs, fras): translation, dec_attention_weight_seq = d2l.predict_seq2seq(net, eng, src_vocab, tgt_vocab, num_steps, device, True); print(...)")
engs = ['go .', "i lost .", 'he\'s calm .', 'i\'m home .']
fras = ['va !', 'j\'ai perdu .', 'il est calme .', 'je suis chez moi .']
for eng, fra in zip(engs, fras):
    translation, dec_attention_weight_seq = d2l.predict_seq2seq(
        net, eng, src_vocab, tgt_vocab, num_steps, device, True)
    print(f'{eng} => {translation}, ',
          f'bleu {d2l.bleu(translation, fra, k=2):.3f}')

cell("enc_attention_weights = d2l.reshape(d2l.concat(net.encoder.attention_weights, 0), (num_layers, num_heads, -1, num_steps)); enc_attention_weights.shape")
enc_attention_weights = d2l.reshape(
    d2l.concat(net.encoder.attention_weights, 0),
    (num_layers, num_heads, -1, num_steps))
print(enc_attention_weights.shape)

cell("d2l.show_heatmaps(enc_attention_weights.cpu(), xlabel='Key positions', ylabel='Query positions', titles=['Head %d' % i for i in range(1, 5)], figsize=(7, 3.5))")
d2l.show_heatmaps(
    enc_attention_weights.cpu(), xlabel='Key positions',
    ylabel='Query positions', titles=['Head %d' % i for i in range(1, 5)],
    figsize=(7, 3.5))

cell("dec_attention_weights_2d = [head[0].tolist() ...]; dec_attention_weights_filled = d2l.tensor(pd.DataFrame(dec_attention_weights_2d).fillna(0.0).values); ...; dec_self_attention_weights.shape, dec_inter_attention_weights.shape")
dec_attention_weights_2d = [head[0].tolist()
                            for step in dec_attention_weight_seq
                            for attn in step for blk in attn for head in blk]
dec_attention_weights_filled = d2l.tensor(
    pd.DataFrame(dec_attention_weights_2d).fillna(0.0).values)
dec_attention_weights = d2l.reshape(dec_attention_weights_filled,
                                (-1, 2, num_layers, num_heads, num_steps))
dec_self_attention_weights, dec_inter_attention_weights = \
    dec_attention_weights.permute(1, 2, 3, 0, 4)
print(dec_self_attention_weights.shape, dec_inter_attention_weights.shape)

cell("d2l.show_heatmaps(dec_self_attention_weights[:, :, :, :len(translation.split()) + 1], ...)")
# Plusonetoincludethebeginning-of-sequencetoken
d2l.show_heatmaps(
    dec_self_attention_weights[:, :, :, :len(translation.split()) + 1],
    xlabel='Key positions', ylabel='Query positions',
    titles=['Head %d' % i for i in range(1, 5)], figsize=(7, 3.5))

cell("d2l.show_heatmaps(dec_inter_attention_weights, ...)")
d2l.show_heatmaps(
    dec_inter_attention_weights, xlabel='Key positions',
    ylabel='Query positions', titles=['Head %d' % i for i in range(1, 5)],
    figsize=(7, 3.5))
