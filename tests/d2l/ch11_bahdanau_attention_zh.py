"""D2L (zh, zh-v2.d2l.ai) 10.4 Bahdanau 注意力 / chapter_attention-mechanisms/
bahdanau-attention.md, the pytorch cells (d2l-en v1.x 11.4 The Bahdanau Attention
Mechanism): the attention decoder, trained on English-French pairs, its translations, BLEU
and attention weights.

d2l is tests/d2l/_d2l.py (chapter 9's Seq2SeqEncoder, train_seq2seq, predict_seq2seq, bleu
and chapter 10's AdditiveAttention as the book saves them). Departures from the book, for a
short deterministic run: the data are the book's pipeline on the few dozen pairs of
d2l.load_data_nmt_sample (the book downloads fra-eng.zip); dropout 0 instead of 0.1 (nn.GRU
drops between its layers with the library's own random stream, which no NumPy draw can
replace); 30 epochs instead of 250; train_seq2seq gives the net NumPy draws after its
Xavier init and prints every tenth epoch's loss.
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


#@save
class AttentionDecoder(d2l.Decoder):
    """带有注意力机制解码器的基本接口"""
    def __init__(self, **kwargs):
        super(AttentionDecoder, self).__init__(**kwargs)

    @property
    def attention_weights(self):
        raise NotImplementedError


class Seq2SeqAttentionDecoder(AttentionDecoder):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers,
                 dropout=0, **kwargs):
        super(Seq2SeqAttentionDecoder, self).__init__(**kwargs)
        self.attention = d2l.AdditiveAttention(
            num_hiddens, num_hiddens, num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(
            embed_size + num_hiddens, num_hiddens, num_layers,
            dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, enc_valid_lens, *args):
        # outputs的形状为(batch_size，num_steps，num_hiddens).
        # hidden_state的形状为(num_layers，batch_size，num_hiddens)
        outputs, hidden_state = enc_outputs
        return (outputs.permute(1, 0, 2), hidden_state, enc_valid_lens)

    def forward(self, X, state):
        # enc_outputs的形状为(batch_size,num_steps,num_hiddens).
        # hidden_state的形状为(num_layers,batch_size,
        # num_hiddens)
        enc_outputs, hidden_state, enc_valid_lens = state
        # 输出X的形状为(num_steps,batch_size,embed_size)
        X = self.embedding(X).permute(1, 0, 2)
        outputs, self._attention_weights = [], []
        for x in X:
            # query的形状为(batch_size,1,num_hiddens)
            query = torch.unsqueeze(hidden_state[-1], dim=1)
            # context的形状为(batch_size,1,num_hiddens)
            context = self.attention(
                query, enc_outputs, enc_outputs, enc_valid_lens)
            # 在特征维度上连结
            x = torch.cat((context, torch.unsqueeze(x, dim=1)), dim=-1)
            # 将x变形为(1,batch_size,embed_size+num_hiddens)
            out, hidden_state = self.rnn(x.permute(1, 0, 2), hidden_state)
            outputs.append(out)
            self._attention_weights.append(self.attention.attention_weights)
        # 全连接层变换后，outputs的形状为
        # (num_steps,batch_size,vocab_size)
        outputs = self.dense(torch.cat(outputs, dim=0))
        return outputs.permute(1, 0, 2), [enc_outputs, hidden_state,
                                          enc_valid_lens]

    @property
    def attention_weights(self):
        return self._attention_weights


cell("encoder = d2l.Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2); ...; decoder = Seq2SeqAttentionDecoder(...); X = d2l.zeros((4, 7), dtype=torch.long); state = decoder.init_state(encoder(X), None); output, state = decoder(X, state); ...")
encoder = d2l.Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16,
                             num_layers=2)
encoder.eval()
decoder = Seq2SeqAttentionDecoder(vocab_size=10, embed_size=8, num_hiddens=16,
                                  num_layers=2)
decoder.eval()
X = d2l.zeros((4, 7), dtype=torch.long)  # (batch_size,num_steps)
state = decoder.init_state(encoder(X), None)
output, state = decoder(X, state)
print(output.shape, len(state), state[0].shape, len(state[1]), state[1][0].shape)
print(decoder)
d2l.seed(117)
d2l.same_seq2seq_weights(encoder)  # [the same weights: values to compare]
d2l.same_seq2seq_weights(decoder)
X = torch.tensor([[1, 2, 3, 4, 0, 0, 0], [5, 6, 7, 8, 9, 1, 2], [3, 3, 3, 0, 0, 0, 0], [9, 8, 7, 6, 5, 4, 3]])
state = decoder.init_state(encoder(X), d2l.tensor([4, 7, 3, 7]))
output, state = decoder(X, state)
print(repr(output[:2, :3, :5]), repr(state[1][:, 0, :6]))
print(len(decoder.attention_weights), repr(decoder.attention_weights[-1][:, 0]))

cell("embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0.1; batch_size, num_steps = 64, 10; lr, num_epochs, device = 0.005, 250, d2l.try_gpu(); ...; d2l.train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, device)  [dropout 0, 30 epochs, the sample pairs]")
embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0
batch_size, num_steps = 64, 10
lr, num_epochs, device = 0.005, 30, d2l.try_gpu()

train_iter, src_vocab, tgt_vocab = d2l.load_data_nmt_sample(batch_size, num_steps)
encoder = d2l.Seq2SeqEncoder(
    len(src_vocab), embed_size, num_hiddens, num_layers, dropout)
decoder = Seq2SeqAttentionDecoder(
    len(tgt_vocab), embed_size, num_hiddens, num_layers, dropout)
net = d2l.EncoderDecoder(encoder, decoder)
d2l.seed(118)
d2l.train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, device)

cell("engs = [...]; fras = [...]; for eng, fra in zip(engs, fras): translation, dec_attention_weight_seq = d2l.predict_seq2seq(net, eng, src_vocab, tgt_vocab, num_steps, device, True); print(...)")
engs = ['go .', "i lost .", 'he\'s calm .', 'i\'m home .']
fras = ['va !', 'j\'ai perdu .', 'il est calme .', 'je suis chez moi .']
for eng, fra in zip(engs, fras):
    translation, dec_attention_weight_seq = d2l.predict_seq2seq(
        net, eng, src_vocab, tgt_vocab, num_steps, device, True)
    print(f'{eng} => {translation}, ',
          f'bleu {d2l.bleu(translation, fra, k=2):.3f}')

cell("attention_weights = d2l.reshape(d2l.concat([step[0][0][0] for step in dec_attention_weight_seq], 0), (1, 1, -1, num_steps))")
attention_weights = d2l.reshape(
    d2l.concat([step[0][0][0] for step in dec_attention_weight_seq], 0),
    (1, 1, -1, num_steps))
print(attention_weights.shape)

cell("d2l.show_heatmaps(attention_weights[:, :, :, :len(engs[-1].split()) + 1].cpu(), xlabel='Key positions', ylabel='Query positions')")
# 加上一个包含序列结束词元
d2l.show_heatmaps(
    attention_weights[:, :, :, :len(engs[-1].split()) + 1].cpu(),
    xlabel='Key positions', ylabel='Query positions')
