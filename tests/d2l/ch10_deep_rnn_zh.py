"""D2L (zh, zh-v2.d2l.ai) 9.3 深度循环神经网络 / chapter_recurrent-modern/deep-rnn.md (d2l-en 10.3
Deep Recurrent Neural Networks), the pytorch cells: a two-layer nn.LSTM in RNNModel, trained on
The Time Machine.

d2l is tests/d2l/_d2l.py (The Time Machine shipped with gradkit, gradkit.datasets' text
pipeline in the gradkit run; train_ch8 prints each epoch's perplexity). Departures from the
book, for a short deterministic run: the model gets NumPy draws from its default
distributions (d2l.same_rnn_weights); Python's random, behind the minibatch offsets, is
seeded; 6 epochs instead of 500.
"""
import random

import torch  # noqa: F401
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


random.seed(0)

cell("batch_size, num_steps = 32, 35; train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)")
batch_size, num_steps = 32, 35
train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)

cell("vocab_size, num_hiddens, num_layers = len(vocab), 256, 2; ...; lstm_layer = nn.LSTM(num_inputs, num_hiddens, num_layers); model = d2l.RNNModel(lstm_layer, len(vocab)); model = model.to(device)")
vocab_size, num_hiddens, num_layers = len(vocab), 256, 2
num_inputs = vocab_size
device = d2l.try_gpu()
lstm_layer = nn.LSTM(num_inputs, num_hiddens, num_layers)
model = d2l.RNNModel(lstm_layer, len(vocab))
model = model.to(device)
d2l.seed(121)
d2l.same_rnn_weights(model)  # [the same start]
print(model, [(name, tuple(p.shape)) for name, p in model.named_parameters()])
state = model.begin_state(device, batch_size)
print(type(state).__name__, [s.shape for s in state])

cell("num_epochs, lr = 500, 2; d2l.train_ch8(model, train_iter, vocab, lr*1.0, num_epochs, device)  [6 epochs]")
num_epochs, lr = 6, 2
d2l.train_ch8(model, train_iter, vocab, lr*1.0, num_epochs, device)
print(repr(model.linear.bias[:6].detach()), repr(model.rnn.bias_hh_l1[:4].detach()))
