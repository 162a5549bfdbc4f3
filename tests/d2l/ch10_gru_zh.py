"""D2L (zh, zh-v2.d2l.ai) 9.1 门控循环单元（GRU） / chapter_recurrent-modern/gru.md (d2l-en 10.2
Gated Recurrent Units), the pytorch cells: the GRU from scratch (update and reset gates,
candidate state) in RNNModelScratch, then nn.GRU in RNNModel, each trained on The Time Machine.

d2l is tests/d2l/_d2l.py (The Time Machine shipped with gradkit, gradkit.datasets' text
pipeline in the gradkit run; train_ch8 prints each epoch's perplexity). Departures from the
book, for a short deterministic run: get_params draws from NumPy (d2l.randn where the book
has torch.randn) and nn.GRU's model gets NumPy draws from its default distributions
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


def get_params(vocab_size, num_hiddens, device):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return d2l.randn(*shape, device=device)*0.01  # [torch.randn -> NumPy]

    def three():
        return (normal((num_inputs, num_hiddens)),
                normal((num_hiddens, num_hiddens)),
                d2l.zeros(num_hiddens, device=device))

    W_xz, W_hz, b_z = three()  # 更新门参数
    W_xr, W_hr, b_r = three()  # 重置门参数
    W_xh, W_hh, b_h = three()  # 候选隐状态参数
    # 输出层参数
    W_hq = normal((num_hiddens, num_outputs))
    b_q = d2l.zeros(num_outputs, device=device)
    # 附加梯度
    params = [W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params


def init_gru_state(batch_size, num_hiddens, device):
    return (torch.zeros((batch_size, num_hiddens), device=device), )


def gru(inputs, state, params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        Z = torch.sigmoid((X @ W_xz) + (H @ W_hz) + b_z)
        R = torch.sigmoid((X @ W_xr) + (H @ W_hr) + b_r)
        H_tilda = torch.tanh((X @ W_xh) + ((R * H) @ W_hh) + b_h)
        H = Z * H + (1 - Z) * H_tilda
        Y = H @ W_hq + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


cell("vocab_size, num_hiddens, device = len(vocab), 256, d2l.try_gpu(); num_epochs, lr = 500, 1; model = d2l.RNNModelScratch(..., get_params, init_gru_state, gru); d2l.train_ch8(...)  [10 epochs]")
vocab_size, num_hiddens, device = len(vocab), 256, d2l.try_gpu()
num_epochs, lr = 10, 1
d2l.seed(101)
model = d2l.RNNModelScratch(len(vocab), num_hiddens, device, get_params,
                            init_gru_state, gru)
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)
print(repr(model.params[-1][:6].detach()))

cell("num_inputs = vocab_size; gru_layer = nn.GRU(num_inputs, num_hiddens); model = d2l.RNNModel(gru_layer, len(vocab)); model = model.to(device); d2l.train_ch8(...)  [10 epochs]")
num_inputs = vocab_size
gru_layer = nn.GRU(num_inputs, num_hiddens)
model = d2l.RNNModel(gru_layer, len(vocab))
model = model.to(device)
d2l.seed(102)
d2l.same_rnn_weights(model)  # [the same start]
print(model, [(name, tuple(p.shape)) for name, p in model.named_parameters()])
d2l.train_ch8(model, train_iter, vocab, lr, num_epochs, device)
print(repr(model.linear.bias[:6].detach()), repr(model.rnn.bias_hh_l0[:4].detach()))
