"""D2L (zh, zh-v2.d2l.ai) 8.6 循环神经网络的简洁实现 / chapter_recurrent-neural-networks/rnn-concise.md
(d2l-en 9.6 Concise Implementation of Recurrent Neural Networks), the pytorch cells: nn.RNN,
its state, the RNNModel around it, prediction and training.

d2l is tests/d2l/_d2l.py (The Time Machine shipped with gradkit, gradkit.datasets' text
pipeline in the gradkit run; train_ch8 prints each epoch's perplexity). Departures from the
book, for a short deterministic run: the rnn layer's input comes from d2l.rand (NumPy) where
the book has torch.rand; the model's parameters get NumPy draws from their default
distributions (d2l.same_rnn_weights); Python's random, behind the minibatch offsets, is
seeded; 15 epochs instead of 500.

Float64 throughout (torch.set_default_dtype; RNNModel casts its one-hot input to the default
dtype where the book writes torch.float32): SGD at lr 1 on this RNN amplifies rounding about
tenfold an epoch, so float32 runs of the two libraries part by more than the tolerance after
three or four epochs, while in float64 they agree to about 1e-10 after fifteen.
"""
import random

import torch
from torch import nn
from torch.nn import functional as F

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


random.seed(0)
torch.set_default_dtype(torch.float64)  # [see the docstring]

cell("batch_size, num_steps = 32, 35; train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)")
batch_size, num_steps = 32, 35
train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)

cell("num_hiddens = 256; rnn_layer = nn.RNN(len(vocab), num_hiddens)")
num_hiddens = 256
rnn_layer = nn.RNN(len(vocab), num_hiddens)
print(rnn_layer, [(name, tuple(p.shape)) for name, p in rnn_layer.named_parameters()])

cell("state = torch.zeros((1, batch_size, num_hiddens)); state.shape")
state = torch.zeros((1, batch_size, num_hiddens))
print(state.shape)

cell("X = torch.rand(size=(num_steps, batch_size, len(vocab))); Y, state_new = rnn_layer(X, state); Y.shape, state_new.shape  [d2l.rand]")
d2l.seed(96)
d2l.same_rnn_weights(rnn_layer)
X = d2l.rand(num_steps, batch_size, len(vocab)).to(torch.get_default_dtype())
Y, state_new = rnn_layer(X, state)
print((Y.shape, state_new.shape))
print(repr(Y[-1, :2, :4]), bool((Y[-1] == state_new[0]).all()))


#@save
class RNNModel(nn.Module):
    """循环神经网络模型"""
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        # 如果RNN是双向的（之后将介绍），num_directions应该是2，否则应该是1
        if not self.rnn.bidirectional:
            self.num_directions = 1
            self.linear = nn.Linear(self.num_hiddens, self.vocab_size)
        else:
            self.num_directions = 2
            self.linear = nn.Linear(self.num_hiddens * 2, self.vocab_size)

    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size)
        X = X.to(torch.get_default_dtype())  # [torch.float32 in the book: see the docstring]
        Y, state = self.rnn(X, state)
        # 全连接层首先将Y的形状改为(时间步数*批量大小,隐藏单元数)
        # 它的输出形状是(时间步数*批量大小,词表大小)。
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state

    def begin_state(self, device, batch_size=1):
        if not isinstance(self.rnn, nn.LSTM):
            # nn.GRU以张量作为隐状态
            return torch.zeros((self.num_directions * self.rnn.num_layers,
                                batch_size, self.num_hiddens),
                               device=device)
        else:
            # nn.LSTM以元组作为隐状态
            return (torch.zeros((
                self.num_directions * self.rnn.num_layers,
                batch_size, self.num_hiddens), device=device),
                    torch.zeros((
                        self.num_directions * self.rnn.num_layers,
                        batch_size, self.num_hiddens), device=device))


cell("device = d2l.try_gpu(); net = RNNModel(rnn_layer, vocab_size=len(vocab)); net = net.to(device); d2l.predict_ch8('time traveller', 10, net, vocab, device)")
device = d2l.try_gpu()
net = RNNModel(rnn_layer, vocab_size=len(vocab))
net = net.to(device)
d2l.seed(97)
d2l.same_rnn_weights(net)  # [the same start]
print(net)
print(repr(d2l.predict_ch8('time traveller', 10, net, vocab, device)))

cell("num_epochs, lr = 500, 1; d2l.train_ch8(net, train_iter, vocab, lr, num_epochs, device)  [15 epochs]")
num_epochs, lr = 15, 1
d2l.train_ch8(net, train_iter, vocab, lr, num_epochs, device)
print(repr(net.linear.bias[:6].detach()), repr(net.rnn.bias_hh_l0[:4].detach()))
