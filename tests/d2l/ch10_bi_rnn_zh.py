"""D2L (zh, zh-v2.d2l.ai) 9.4 双向循环神经网络 / chapter_recurrent-modern/bi-rnn.md (d2l-en 10.4
Bidirectional Recurrent Neural Networks), the pytorch cells: a two-layer bidirectional
nn.LSTM in RNNModel trained as a language model, the book's example of the wrong use (a model
that sees the future predicts poorly).

d2l is tests/d2l/_d2l.py (The Time Machine shipped with gradkit, gradkit.datasets' text
pipeline in the gradkit run; train_ch8 prints each epoch's perplexity). Departures from the
book, for a short deterministic run: the model gets NumPy draws from its default
distributions (d2l.same_rnn_weights); Python's random, behind the minibatch offsets, is
seeded; 6 epochs instead of 500, and a hidden size of 128 instead of 256 (four LSTMs).
"""
import random

import torch  # noqa: F401
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


random.seed(0)

cell("batch_size, num_steps, device = 32, 35, d2l.try_gpu(); train_iter, vocab = ...; lstm_layer = nn.LSTM(num_inputs, num_hiddens, num_layers, bidirectional=True); model = d2l.RNNModel(lstm_layer, len(vocab)); ...  [num_hiddens 128]")
# 加载数据
batch_size, num_steps, device = 32, 35, d2l.try_gpu()
train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)
# 通过设置“bidirective=True”来定义双向LSTM模型
vocab_size, num_hiddens, num_layers = len(vocab), 128, 2
num_inputs = vocab_size
lstm_layer = nn.LSTM(num_inputs, num_hiddens, num_layers, bidirectional=True)
model = d2l.RNNModel(lstm_layer, len(vocab))
model = model.to(device)
d2l.seed(131)
d2l.same_rnn_weights(model)  # [the same start]
print(model, [(name, tuple(p.shape)) for name, p in model.named_parameters()])
print(model.num_directions, [s.shape for s in model.begin_state(device, batch_size)])

cell("num_epochs, lr = 500, 1; d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)  [6 epochs]")
# 训练模型
num_epochs, lr = 6, 1
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)
print(repr(model.linear.bias[:6].detach()), repr(model.rnn.bias_hh_l1_reverse[:4].detach()))
