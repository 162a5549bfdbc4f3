"""D2L (zh, zh-v2.d2l.ai) 9.2 长短期记忆网络（LSTM） / chapter_recurrent-modern/lstm.md (d2l-en 10.1
Long Short-Term Memory), the pytorch cells: the LSTM from scratch (input, forget and output
gates, candidate memory cell) in RNNModelScratch, then nn.LSTM in RNNModel, each trained on
The Time Machine.

d2l is tests/d2l/_d2l.py (The Time Machine shipped with gradkit, gradkit.datasets' text
pipeline in the gradkit run; train_ch8 prints each epoch's perplexity). Departures from the
book, for a short deterministic run: get_lstm_params draws from NumPy (d2l.randn where the
book has torch.randn) and nn.LSTM's model gets NumPy draws from its default distributions
(d2l.same_rnn_weights); Python's random, behind the minibatch offsets, is seeded; 10 epochs
instead of 500 for each model.
"""
import random

import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


random.seed(0)

cell("batch_size, num_steps = 32, 35; train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)")
batch_size, num_steps = 32, 35
train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)


def get_lstm_params(vocab_size, num_hiddens, device):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return d2l.randn(*shape, device=device)*0.01  # [torch.randn -> NumPy]

    def three():
        return (normal((num_inputs, num_hiddens)),
                normal((num_hiddens, num_hiddens)),
                d2l.zeros(num_hiddens, device=device))

    W_xi, W_hi, b_i = three()  # 输入门参数
    W_xf, W_hf, b_f = three()  # 遗忘门参数
    W_xo, W_ho, b_o = three()  # 输出门参数
    W_xc, W_hc, b_c = three()  # 候选记忆元参数
    # 输出层参数
    W_hq = normal((num_hiddens, num_outputs))
    b_q = d2l.zeros(num_outputs, device=device)
    # 附加梯度
    params = [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc,
              b_c, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params


def init_lstm_state(batch_size, num_hiddens, device):
    return (torch.zeros((batch_size, num_hiddens), device=device),
            torch.zeros((batch_size, num_hiddens), device=device))


def lstm(inputs, state, params):
    [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c,
     W_hq, b_q] = params
    (H, C) = state
    outputs = []
    for X in inputs:
        I = torch.sigmoid((X @ W_xi) + (H @ W_hi) + b_i)
        F = torch.sigmoid((X @ W_xf) + (H @ W_hf) + b_f)
        O = torch.sigmoid((X @ W_xo) + (H @ W_ho) + b_o)
        C_tilda = torch.tanh((X @ W_xc) + (H @ W_hc) + b_c)
        C = F * C + I * C_tilda
        H = O * torch.tanh(C)
        Y = (H @ W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H, C)


cell("vocab_size, num_hiddens, device = len(vocab), 256, d2l.try_gpu(); num_epochs, lr = 500, 1; model = d2l.RNNModelScratch(..., get_lstm_params, init_lstm_state, lstm); d2l.train_ch8(...)  [10 epochs]")
vocab_size, num_hiddens, device = len(vocab), 256, d2l.try_gpu()
num_epochs, lr = 10, 1
d2l.seed(111)
model = d2l.RNNModelScratch(len(vocab), num_hiddens, device, get_lstm_params,
                            init_lstm_state, lstm)
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)
print(repr(model.params[-1][:6].detach()))

cell("num_inputs = vocab_size; lstm_layer = nn.LSTM(num_inputs, num_hiddens); model = d2l.RNNModel(lstm_layer, len(vocab)); model = model.to(device); d2l.train_ch8(...)  [10 epochs]")
num_inputs = vocab_size
lstm_layer = nn.LSTM(num_inputs, num_hiddens)
model = d2l.RNNModel(lstm_layer, len(vocab))
model = model.to(device)
d2l.seed(112)
d2l.same_rnn_weights(model)  # [the same start]
print(model, [(name, tuple(p.shape)) for name, p in model.named_parameters()])
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)
print(repr(model.linear.bias[:6].detach()), repr(model.rnn.bias_hh_l0[:4].detach()))
