"""D2L (zh, zh-v2.d2l.ai) 9.6 编码器-解码器架构 / chapter_recurrent-modern/encoder-decoder.md (d2l-en
10.6 The Encoder-Decoder Architecture), the pytorch cells: the Encoder, Decoder and
EncoderDecoder interfaces.

The book's cells only define the classes; [not in the book] the script checks what they do:
the interfaces raise NotImplementedError, and a toy pair of subclasses (an embedding encoder
whose output initialises a linear decoder's state) runs through EncoderDecoder with NumPy
weights (d2l.same_rnn_weights).
"""
import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


#@save
class Encoder(nn.Module):
    """编码器-解码器架构的基本编码器接口"""
    def __init__(self, **kwargs):
        super(Encoder, self).__init__(**kwargs)

    def forward(self, X, *args):
        raise NotImplementedError


#@save
class Decoder(nn.Module):
    """编码器-解码器架构的基本解码器接口"""
    def __init__(self, **kwargs):
        super(Decoder, self).__init__(**kwargs)

    def init_state(self, enc_outputs, *args):
        raise NotImplementedError

    def forward(self, X, state):
        raise NotImplementedError


#@save
class EncoderDecoder(nn.Module):
    """编码器-解码器架构的基类"""
    def __init__(self, encoder, decoder, **kwargs):
        super(EncoderDecoder, self).__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X, dec_X, *args):
        enc_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder(dec_X, dec_state)


cell("[not in the book] the interfaces raise NotImplementedError")
X = d2l.zeros((2, 3), dtype=torch.long)
for call in (lambda: Encoder()(X), lambda: Decoder()(X, None), lambda: Decoder().init_state(None),
             lambda: EncoderDecoder(Encoder(), Decoder())(X, X)):
    try:
        call()
    except NotImplementedError as e:
        print(type(e).__name__, repr(str(e)))


class BagEncoder(Encoder):
    def __init__(self, vocab_size, num_hiddens):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, num_hiddens)

    def forward(self, X, *args):
        return self.embedding(X).mean(dim=1)


class LinearDecoder(Decoder):
    def __init__(self, vocab_size, num_hiddens):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, *args):
        return enc_outputs

    def forward(self, X, state):
        return self.dense(self.embedding(X) + state[:, None, :]), state


cell("[not in the book] EncoderDecoder(BagEncoder(10, 4), LinearDecoder(10, 4))(enc_X, dec_X)")
net = EncoderDecoder(BagEncoder(10, 4), LinearDecoder(10, 4))
d2l.seed(141)
d2l.same_rnn_weights(net)
print(net)
enc_X, dec_X = d2l.tensor([[1, 2, 3], [4, 5, 6]]), d2l.tensor([[0, 1], [2, 3]])
Y, state = net(enc_X, dec_X)
print(Y.shape, state.shape, repr(Y[0]))
Y.sum().backward()
print(repr(net.encoder.embedding.weight.grad[:3]))
