"""D2L (en, d2l.ai v1.x) 9.6 Concise Implementation of Recurrent Neural Networks /
chapter_recurrent-neural-networks/rnn-concise.md, the pytorch cells: RNN (nn.RNN in a
d2l.Module) and RNNLM (RNNLMScratch with a LazyLinear output layer), prediction before and
after training with d2l.Trainer.

d2l is tests/d2l/_d2l_en.py (see ch9_rnn_scratch_en.py: The Time Machine shipped with
gradkit, gradkit.datasets.TimeMachine's vocabulary and windows in the gradkit run, NumPy-drawn
shuffling, ProgressBoard points printed). Departures from the book, for a short deterministic
run: before the first prediction a forward pass materialises the LazyLinear and every
parameter gets NumPy draws from its default distribution (tests/d2l/_d2l.py's
same_rnn_weights); 10 epochs instead of 100.
"""
import torch
from torch import nn
from torch.nn import functional as F  # noqa: F401

import _d2l
import _d2l_en as d2l


def cell(title):
    print(f"-- {title}")


class RNN(d2l.Module):  #@save
    """The RNN model implemented with high-level APIs."""
    def __init__(self, num_inputs, num_hiddens):
        super().__init__()
        self.save_hyperparameters()
        self.rnn = nn.RNN(num_inputs, num_hiddens)

    def forward(self, inputs, H=None):
        return self.rnn(inputs, H)


class RNNLM(d2l.RNNLMScratch):  #@save
    """The RNN-based language model implemented with high-level APIs."""
    def init_params(self):
        self.linear = nn.LazyLinear(self.vocab_size)

    def output_layer(self, hiddens):
        return d2l.swapaxes(self.linear(hiddens), 0, 1)


cell("data = d2l.TimeMachine(batch_size=1024, num_steps=32); rnn = RNN(num_inputs=len(data.vocab), num_hiddens=32); model = RNNLM(rnn, vocab_size=len(data.vocab), lr=1); model.predict('it has', 20, data.vocab)")
data = d2l.TimeMachine(batch_size=1024, num_steps=32)
rnn = RNN(num_inputs=len(data.vocab), num_hiddens=32)
model = RNNLM(rnn, vocab_size=len(data.vocab), lr=1)
print(type(model.linear).__name__, model.rnn.rnn)
with torch.no_grad():  # [materialise the LazyLinear, then NumPy weights]
    model(data.X[:2])
print(type(model.linear).__name__, tuple(model.linear.weight.shape))
_d2l.seed(93)
_d2l.same_rnn_weights(model)
print([(name, tuple(p.shape)) for name, p in model.named_parameters()])
print(repr(model.predict('it has', 20, data.vocab)))

cell("trainer = d2l.Trainer(max_epochs=100, gradient_clip_val=1, num_gpus=1); trainer.fit(model, data)  [10 epochs]")
trainer = d2l.Trainer(max_epochs=10, gradient_clip_val=1, num_gpus=1)
trainer.fit(model, data)
lines = model.board.lines()
print('train_ppl', lines['train_ppl'])
print('val_ppl', lines['val_ppl'])

cell("model.predict('it has', 20, data.vocab, d2l.try_gpu())  [the default device]")
print(repr(model.predict('it has', 20, data.vocab, torch.get_default_device())))
print(repr(model.linear.bias[:6].detach()))
