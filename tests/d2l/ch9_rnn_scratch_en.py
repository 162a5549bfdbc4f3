"""D2L (en, d2l.ai v1.x) 9.2-9.3 and 9.5 / chapter_recurrent-neural-networks/text-sequence.md,
language-model.md and rnn-scratch.md, the pytorch cells: the TimeMachine data module (raw
text, preprocessing, character tokens, the alphabetical Vocab, the windows X and Y and their
loader), then RNNScratch and RNNLMScratch trained with d2l.Trainer (gradient clipping),
perplexity and prediction.

d2l is tests/d2l/_d2l_en.py: d2l.download copies the text shipped with gradkit; in the gradkit
run d2l.TimeMachine's vocabulary and windows are gradkit.datasets.TimeMachine's own (the book's
cells below build their own in both runs, and [not in the book] the script checks the two
agree); loaders shuffle with a NumPy-drawn sampler; d2l.randn, behind RNNScratch's and
RNNLMScratch's parameters, draws from NumPy; ProgressBoard points are printed instead of
drawn. Departures from the book, for a short run: 10 epochs instead of 100; the
random-weights check of RNNScratch keeps the book's sizes. The word and n-gram frequency
cells and plots of text-sequence.md are left to the zh script (ch9_language_model_zh).
"""
import collections
import re

import torch
from torch import nn  # noqa: F401
from torch.nn import functional as F

import _d2l_en as d2l


def cell(title):
    print(f"-- {title}")


class TimeMachine(d2l.DataModule):  #@save
    """The Time Machine dataset."""
    def _download(self):
        fname = d2l.download(d2l.DATA_URL + 'timemachine.txt', self.root,
                             '090b5e7e70c295757f55df93cb0a180b9691891a')
        with open(fname) as f:
            return f.read()


cell("data = TimeMachine(); raw_text = data._download(); raw_text[:60]")
data = TimeMachine()
raw_text = data._download()
print(repr(raw_text[:60]))


@d2l.add_to_class(TimeMachine)  #@save
def _preprocess(self, text):
    return re.sub('[^A-Za-z]+', ' ', text).lower()


cell("text = data._preprocess(raw_text); text[:60]")
text = data._preprocess(raw_text)
print(repr(text[:60]))


@d2l.add_to_class(TimeMachine)  #@save
def _tokenize(self, text):
    return list(text)


cell("tokens = data._tokenize(text); ','.join(tokens[:30])")
tokens = data._tokenize(text)
print(repr(','.join(tokens[:30])))


class Vocab:  #@save
    """Vocabulary for text."""
    def __init__(self, tokens=[], min_freq=0, reserved_tokens=[]):
        # Flatten a 2D list if needed
        if tokens and isinstance(tokens[0], list):
            tokens = [token for line in tokens for token in line]
        # Count token frequencies
        counter = collections.Counter(tokens)
        self.token_freqs = sorted(counter.items(), key=lambda x: x[1],
                                  reverse=True)
        # The list of unique tokens
        self.idx_to_token = list(sorted(set(['<unk>'] + reserved_tokens + [
            token for token, freq in self.token_freqs if freq >= min_freq])))
        self.token_to_idx = {token: idx
                             for idx, token in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        if hasattr(indices, '__len__') and len(indices) > 1:
            return [self.idx_to_token[int(index)] for index in indices]
        return self.idx_to_token[indices]

    @property
    def unk(self):  # Index for the unknown token
        return self.token_to_idx['<unk>']


cell("vocab = Vocab(tokens); indices = vocab[tokens[:10]]; print('indices:', indices); print('words:', vocab.to_tokens(indices))")
vocab = Vocab(tokens)
indices = vocab[tokens[:10]]
print('indices:', indices)
print('words:', vocab.to_tokens(indices))


@d2l.add_to_class(TimeMachine)  #@save
def build(self, raw_text, vocab=None):
    tokens = self._tokenize(self._preprocess(raw_text))
    if vocab is None: vocab = Vocab(tokens)  # noqa: E701
    corpus = [vocab[token] for token in tokens]
    return corpus, vocab


cell("corpus, vocab = data.build(raw_text); len(corpus), len(vocab)")
corpus, vocab = data.build(raw_text)
print((len(corpus), len(vocab)))


@d2l.add_to_class(TimeMachine)  #@save
def __init__(self, batch_size, num_steps, num_train=10000, num_val=5000):
    super(TimeMachine, self).__init__()
    self.save_hyperparameters()
    corpus, self.vocab = self.build(self._download())
    array = d2l.tensor([corpus[i:i+num_steps+1]
                        for i in range(len(corpus)-num_steps)])
    self.X, self.Y = array[:, :-1], array[:, 1:]


@d2l.add_to_class(TimeMachine)  #@save
def get_dataloader(self, train):
    idx = slice(0, self.num_train) if train else slice(
        self.num_train, self.num_train + self.num_val)
    return self.get_tensorloader([self.X, self.Y], train, idx)


cell("data = d2l.TimeMachine(batch_size=2, num_steps=10); for X, Y in data.train_dataloader(): print('X:', X, '\\nY:', Y); break  [the language-model.md cells, on this script's TimeMachine]")
data = TimeMachine(batch_size=2, num_steps=10)
for X, Y in data.train_dataloader():
    print('X:', X, '\nY:', Y)
    break

cell("[not in the book] d2l.TimeMachine (gradkit's own datasets.TimeMachine in the gradkit run) holds the same vocabulary and windows")
own = d2l.TimeMachine(batch_size=2, num_steps=10)
print(own.vocab.idx_to_token == data.vocab.idx_to_token, own.vocab.token_to_idx == data.vocab.token_to_idx,
      own.X.shape, own.Y.shape, own.X.dtype, bool((own.X == data.X).all()), bool((own.Y == data.Y).all()))
print(own.vocab['t'], own.vocab['no-such-token'], own.vocab.to_tokens([3, 4]), own.vocab.to_tokens(5))


class RNNScratch(d2l.Module):  #@save
    """The RNN model implemented from scratch."""
    def __init__(self, num_inputs, num_hiddens, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.W_xh = nn.Parameter(
            d2l.randn(num_inputs, num_hiddens) * sigma)
        self.W_hh = nn.Parameter(
            d2l.randn(num_hiddens, num_hiddens) * sigma)
        self.b_h = nn.Parameter(d2l.zeros(num_hiddens))


@d2l.add_to_class(RNNScratch)  #@save
def forward(self, inputs, state=None):
    if state is None:
        # Initial state with shape: (batch_size, num_hiddens)
        state = d2l.zeros((inputs.shape[1], self.num_hiddens),
                          device=inputs.device)
    else:
        state, = state
    outputs = []
    for X in inputs:  # Shape of inputs: (num_steps, batch_size, num_inputs)
        state = d2l.tanh(d2l.matmul(X, self.W_xh) +
                         d2l.matmul(state, self.W_hh) + self.b_h)
        outputs.append(state)
    return outputs, state


cell("batch_size, num_inputs, num_hiddens, num_steps = 2, 16, 32, 100; rnn = RNNScratch(num_inputs, num_hiddens); X = d2l.ones((num_steps, batch_size, num_inputs)); outputs, state = rnn(X); check_len(...); check_shape(...)")
batch_size, num_inputs, num_hiddens, num_steps = 2, 16, 32, 100
d2l.seed(91)
rnn = RNNScratch(num_inputs, num_hiddens)
X = d2l.ones((num_steps, batch_size, num_inputs))
outputs, state = rnn(X)


def check_len(a, n):  #@save
    """Check the length of a list."""
    assert len(a) == n, f'list\'s length {len(a)} != expected length {n}'


def check_shape(a, shape):  #@save
    """Check the shape of a tensor."""
    assert a.shape == shape, \
        f'tensor\'s shape {a.shape} != expected shape {shape}'


check_len(outputs, num_steps)
check_shape(outputs[0], (batch_size, num_hiddens))
check_shape(state, (batch_size, num_hiddens))
print(len(outputs), outputs[0].shape, state.shape, repr(state[0, :4]))


class RNNLMScratch(d2l.Classifier):  #@save
    """The RNN-based language model implemented from scratch."""
    def __init__(self, rnn, vocab_size, lr=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.init_params()

    def init_params(self):
        self.W_hq = nn.Parameter(
            d2l.randn(
                self.rnn.num_hiddens, self.vocab_size) * self.rnn.sigma)
        self.b_q = nn.Parameter(d2l.zeros(self.vocab_size))

    def training_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot('ppl', d2l.exp(l), train=True)
        return l

    def validation_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot('ppl', d2l.exp(l), train=False)


cell("F.one_hot(torch.tensor([0, 2]), 5)")
print(repr(F.one_hot(torch.tensor([0, 2]), 5)))


@d2l.add_to_class(RNNLMScratch)  #@save
def one_hot(self, X):
    # Output shape: (num_steps, batch_size, vocab_size)
    return F.one_hot(X.T, self.vocab_size).type(torch.float32)


@d2l.add_to_class(RNNLMScratch)  #@save
def output_layer(self, rnn_outputs):
    outputs = [d2l.matmul(H, self.W_hq) + self.b_q for H in rnn_outputs]
    return d2l.stack(outputs, 1)


@d2l.add_to_class(RNNLMScratch)  #@save
def forward(self, X, state=None):
    embs = self.one_hot(X)
    rnn_outputs, _ = self.rnn(embs, state)
    return self.output_layer(rnn_outputs)


cell("model = RNNLMScratch(rnn, num_inputs); outputs = model(d2l.ones((batch_size, num_steps), dtype=d2l.int64)); check_shape(outputs, (batch_size, num_steps, num_inputs))")
model = RNNLMScratch(rnn, num_inputs)
outputs = model(d2l.ones((batch_size, num_steps), dtype=d2l.int64))
check_shape(outputs, (batch_size, num_steps, num_inputs))
print(outputs.shape, repr(outputs[0, -1, :4]))


@d2l.add_to_class(d2l.Trainer)  #@save
def clip_gradients(self, grad_clip_val, model):
    params = [p for p in model.parameters() if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > grad_clip_val:
        for param in params:
            param.grad[:] *= grad_clip_val / norm


cell("data = d2l.TimeMachine(batch_size=1024, num_steps=32); rnn = RNNScratch(num_inputs=len(data.vocab), num_hiddens=32); model = RNNLMScratch(rnn, vocab_size=len(data.vocab), lr=1); trainer = d2l.Trainer(max_epochs=100, gradient_clip_val=1, num_gpus=1); trainer.fit(model, data)  [10 epochs]")
data = d2l.TimeMachine(batch_size=1024, num_steps=32)
d2l.seed(92)
rnn = RNNScratch(num_inputs=len(data.vocab), num_hiddens=32)
model = RNNLMScratch(rnn, vocab_size=len(data.vocab), lr=1)
trainer = d2l.Trainer(max_epochs=10, gradient_clip_val=1, num_gpus=1)
trainer.fit(model, data)
lines = model.board.lines()
print('train_ppl', lines['train_ppl'])
print('val_ppl', lines['val_ppl'])


@d2l.add_to_class(RNNLMScratch)  #@save
def predict(self, prefix, num_preds, vocab, device=None):
    state, outputs = None, [vocab[prefix[0]]]
    for i in range(len(prefix) + num_preds - 1):
        X = d2l.tensor([[outputs[-1]]], device=device)
        embs = self.one_hot(X)
        rnn_outputs, state = self.rnn(embs, state)
        if i < len(prefix) - 1:  # Warm-up period
            outputs.append(vocab[prefix[i + 1]])
        else:  # Predict num_preds steps
            Y = self.output_layer(rnn_outputs)
            outputs.append(int(d2l.reshape(d2l.argmax(Y, axis=2), 1)))
    return ''.join([vocab.idx_to_token[i] for i in outputs])


cell("model.predict('it has', 20, data.vocab, d2l.try_gpu())  [the default device]")
print(repr(model.predict('it has', 20, data.vocab, torch.get_default_device())))
