"""D2L (zh, zh-v2.d2l.ai) 8.5 循环神经网络的从零开始实现 / chapter_recurrent-neural-networks/rnn-scratch.md
(d2l-en 9.5 Recurrent Neural Network Implementation from Scratch), the pytorch cells: one-hot
inputs, the parameters, the RNN loop, prediction, gradient clipping, training with sequential
and with random-sampling state handling, perplexity and generated text.

d2l is tests/d2l/_d2l.py (The Time Machine shipped with gradkit, gradkit.datasets' text
pipeline in the gradkit run; train_ch8 prints each epoch's perplexity). Departures from the
book, for a short deterministic run: get_params draws from NumPy (d2l.randn where the book
has torch.randn); Python's random, which the minibatch iterator draws its offsets from, is
seeded; 12 epochs instead of 500, and 8 for the second training, so the text generated
is that of a barely trained model. The second training's float32 rounding grows about
twofold an epoch (SGD at lr 1 with clipping): after 10 epochs its perplexities still agreed
within the tolerance, its weights no longer (in float64 the two libraries agreed to 1e-12,
and gradkit's float32 weights were the nearer to that), so only the first training prints
weights.
"""
import math  # noqa: F401
import random

import torch
from torch import nn  # noqa: F401
from torch.nn import functional as F

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


random.seed(0)

cell("batch_size, num_steps = 32, 35; train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)")
batch_size, num_steps = 32, 35
train_iter, vocab = d2l.load_data_time_machine(batch_size, num_steps)
print(len(vocab), vocab.idx_to_token[:10])

cell("F.one_hot(torch.tensor([0, 2]), len(vocab))")
print(repr(F.one_hot(torch.tensor([0, 2]), len(vocab))))

cell("X = d2l.reshape(d2l.arange(10), (2, 5)); F.one_hot(X.T, 28).shape")
X = d2l.reshape(d2l.arange(10), (2, 5))
print(F.one_hot(X.T, 28).shape, F.one_hot(X.T, 28).dtype)


def get_params(vocab_size, num_hiddens, device):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return d2l.randn(*shape, device=device) * 0.01  # [torch.randn(size=shape, device=device) -> NumPy]

    # 隐藏层参数
    W_xh = normal((num_inputs, num_hiddens))
    W_hh = normal((num_hiddens, num_hiddens))
    b_h = d2l.zeros(num_hiddens, device=device)
    # 输出层参数
    W_hq = normal((num_hiddens, num_outputs))
    b_q = d2l.zeros(num_outputs, device=device)
    # 附加梯度
    params = [W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params


def init_rnn_state(batch_size, num_hiddens, device):
    return (d2l.zeros((batch_size, num_hiddens), device=device), )


def rnn(inputs, state, params):
    # inputs的形状：(时间步数量，批量大小，词表大小)
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    # X的形状：(批量大小，词表大小)
    for X in inputs:
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        Y = torch.mm(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


class RNNModelScratch:  #@save
    """从零开始实现的循环神经网络模型"""
    def __init__(self, vocab_size, num_hiddens, device,
                 get_params, init_state, forward_fn):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X, state):
        X = F.one_hot(X.T, self.vocab_size).type(torch.float32)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size, device):
        return self.init_state(batch_size, self.num_hiddens, device)


cell("num_hiddens = 512; net = RNNModelScratch(...); state = net.begin_state(X.shape[0], d2l.try_gpu()); Y, new_state = net(X.to(d2l.try_gpu()), state); Y.shape, len(new_state), new_state[0].shape")
num_hiddens = 512
d2l.seed(95)
net = RNNModelScratch(len(vocab), num_hiddens, d2l.try_gpu(), get_params,
                      init_rnn_state, rnn)
state = net.begin_state(X.shape[0], d2l.try_gpu())
Y, new_state = net(X.to(d2l.try_gpu()), state)
print((Y.shape, len(new_state), new_state[0].shape))
print(repr(Y[:2, :4]), Y.grad_fn is not None, [tuple(p.shape) for p in net.params])


def predict_ch8(prefix, num_preds, net, vocab, device):  #@save
    """在prefix后面生成新字符"""
    state = net.begin_state(batch_size=1, device=device)
    outputs = [vocab[prefix[0]]]
    get_input = lambda: d2l.reshape(d2l.tensor(  # noqa: E731
        [outputs[-1]], device=device), (1, 1))
    for y in prefix[1:]:  # 预热期
        _, state = net(get_input(), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):  # 预测num_preds步
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return ''.join([vocab.idx_to_token[i] for i in outputs])


cell("predict_ch8('time traveller ', 10, net, vocab, d2l.try_gpu())")
print(repr(predict_ch8('time traveller ', 10, net, vocab, d2l.try_gpu())))


def grad_clipping(net, theta):  #@save
    """裁剪梯度"""
    if isinstance(net, nn.Module):
        params = [p for p in net.parameters() if p.requires_grad]
    else:
        params = net.params
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


cell("[not in the book] grad_clipping(net, 1) rescales the gradients to norm 1")
Y, _ = net(X, net.begin_state(X.shape[0], d2l.try_gpu()))
(Y ** 2).sum().backward()
before = float(torch.sqrt(sum(torch.sum(p.grad ** 2) for p in net.params)))
grad_clipping(net, 1)
after = float(torch.sqrt(sum(torch.sum(p.grad ** 2) for p in net.params)))
print(f'{before:.6f} {after:.6f}', repr(net.params[3].grad[:2, :3]))
for p in net.params:
    p.grad.zero_()

cell("num_epochs, lr = 500, 1; train_ch8(net, train_iter, vocab, lr, num_epochs, d2l.try_gpu())  [12 epochs]")
num_epochs, lr = 12, 1
d2l.train_ch8(net, train_iter, vocab, lr, num_epochs, d2l.try_gpu())
print(repr(net.params[4][:6].detach()))

cell("net = RNNModelScratch(...); train_ch8(net, train_iter, vocab, lr, num_epochs, d2l.try_gpu(), use_random_iter=True)  [8 epochs]")
num_epochs = 8
d2l.seed(95)
net = RNNModelScratch(len(vocab), num_hiddens, d2l.try_gpu(), get_params,
                      init_rnn_state, rnn)
d2l.train_ch8(net, train_iter, vocab, lr, num_epochs, d2l.try_gpu(),
              use_random_iter=True)
