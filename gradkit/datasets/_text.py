"""The Time Machine (H. G. Wells, public domain), shipped inside the package
(``data/timemachine.txt.gz``, see ``data/README.md``), with the text pipeline *Dive into Deep
Learning* builds around it: preprocessing, character and word tokens, a vocabulary, and
the sequential and random-offset minibatch iterators of its language-model chapters.

Two editions of the book build these slightly differently, and both are served: the
functions (``read_time_machine``, ``tokenize``, ``Vocab``, ``load_corpus_time_machine``,
``seq_data_iter_random``, ``seq_data_iter_sequential``, ``load_data_time_machine``) follow
the zh edition (a vocabulary ordered by frequency); the ``TimeMachine`` class follows the
en edition's data module (its vocabulary ordered alphabetically). The random choices use
Python's ``random`` module, as the book's code does, so ``random.seed`` reproduces them.
"""
from __future__ import annotations

import collections
import functools
import gzip
import hashlib
import os
import random
import re

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "timemachine.txt.gz")
_SHA256 = "8424dbd9532ac81f7e5f0b6add90e6952baea29158309d7d1bf3884f4e12c516"
_NOT_LETTERS = re.compile("[^A-Za-z]+")


@functools.lru_cache(maxsize=1)
def time_machine_text() -> str:
    """The whole book as one string, checked against the hash of the copy shipped."""
    with gzip.open(_PATH, "rb") as fh:
        raw = fh.read()
    if hashlib.sha256(raw).hexdigest() != _SHA256:
        raise RuntimeError(f"{_PATH}: the text does not match its recorded sha256 (damaged install?)")
    return raw.decode("ascii")


def read_time_machine():
    """The book's lines, each with every run of non-letters replaced by one space, stripped
    and lower-cased (empty lines stay, as in the book)."""
    return [_NOT_LETTERS.sub(" ", line).strip().lower() for line in time_machine_text().splitlines()]


def tokenize(lines, token="word"):
    """Each line as a list of words (``token="word"``) or of characters (``"char"``)."""
    if token == "word":
        return [line.split() for line in lines]
    if token == "char":
        return [list(line) for line in lines]
    raise ValueError(f"tokenize: unknown token type {token!r} (use 'word' or 'char')")


def _flatten(tokens):
    # only lists are lines: a tuple is one token (the book counts bigrams and trigrams as
    # tuples of words)
    if tokens and isinstance(tokens[0], list):
        return [token for line in tokens for token in line]
    return list(tokens)


class Vocab:
    """Token <-> index. Index 0 is ``'<unk>'`` (what unknown tokens map to), then the
    reserved tokens, then every token seen at least ``min_freq`` times: most frequent first
    (ties in order of first appearance), or alphabetically with ``order="token"`` (the en
    edition's choice). ``tokens`` may be a list of tokens (a tuple, such as a bigram, is one
    token) or a list of lines (lists) of tokens."""

    def __init__(self, tokens=None, min_freq=0, reserved_tokens=None, order="frequency"):
        if order not in ("frequency", "token"):
            raise ValueError(f"Vocab: order must be 'frequency' or 'token', got {order!r}")
        counter = collections.Counter(_flatten(tokens or []))
        self._token_freqs = sorted(counter.items(), key=lambda item: item[1], reverse=True)
        frequent = [token for token, freq in self._token_freqs if freq >= min_freq]
        head = ["<unk>"] + list(reserved_tokens or [])
        if order == "token":
            self.idx_to_token = sorted(set(head + frequent))
        else:
            self.idx_to_token = head + [token for token in frequent if token not in head]
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self[token] for token in tokens]

    def to_tokens(self, indices):
        if hasattr(indices, "__len__") and len(indices) > 1 or isinstance(indices, (list, tuple)):
            return [self.idx_to_token[int(index)] for index in indices]
        return self.idx_to_token[int(indices)]

    @property
    def unk(self):
        return self.token_to_idx["<unk>"]

    @property
    def token_freqs(self):
        return self._token_freqs


def load_corpus_time_machine(max_tokens=-1):
    """The book as character indices (one list) and its character vocabulary."""
    tokens = tokenize(read_time_machine(), "char")
    vocab = Vocab(tokens)
    corpus = [vocab[token] for line in tokens for token in line]
    if max_tokens > 0:
        corpus = corpus[:max_tokens]
    return corpus, vocab


def seq_data_iter_random(corpus, batch_size, num_steps, device=None):
    """Minibatches of (X, Y) int64 ``(batch_size, num_steps)``, Y = X shifted by one token,
    from subsequences that start at a random offset and come in random order (adjacent
    minibatches are not adjacent in the text)."""
    from ..ops.creation import tensor

    corpus = corpus[random.randint(0, num_steps - 1):]
    num_subseqs = (len(corpus) - 1) // num_steps
    starts = list(range(0, num_subseqs * num_steps, num_steps))
    random.shuffle(starts)
    for i in range(0, batch_size * (num_subseqs // batch_size), batch_size):
        batch = starts[i:i + batch_size]
        yield (tensor([corpus[j:j + num_steps] for j in batch], device=device),
               tensor([corpus[j + 1:j + 1 + num_steps] for j in batch], device=device))


def seq_data_iter_sequential(corpus, batch_size, num_steps, device=None):
    """Minibatches of (X, Y) whose rows continue the previous minibatch's rows in the text
    (the iterator for carrying a recurrent state across minibatches)."""
    from ..ops.creation import tensor

    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    xs = tensor(corpus[offset:offset + num_tokens], device=device).reshape(batch_size, -1)
    ys = tensor(corpus[offset + 1:offset + 1 + num_tokens], device=device).reshape(batch_size, -1)
    for i in range(0, num_steps * (xs.shape[1] // num_steps), num_steps):
        yield xs[:, i:i + num_steps], ys[:, i:i + num_steps]


class SeqDataLoader:
    """Iterable over the book's minibatches; each iteration draws a new random offset."""

    def __init__(self, batch_size, num_steps, use_random_iter=False, max_tokens=10000, device=None):
        self.corpus, self.vocab = load_corpus_time_machine(max_tokens)
        self.batch_size, self.num_steps, self.device = batch_size, num_steps, device
        self._iter = seq_data_iter_random if use_random_iter else seq_data_iter_sequential

    def __iter__(self):
        return self._iter(self.corpus, self.batch_size, self.num_steps, device=self.device)


def load_data_time_machine(batch_size, num_steps, use_random_iter=False, max_tokens=10000, device=None):
    """(minibatch iterable, vocabulary) of the book's character-level language model."""
    loader = SeqDataLoader(batch_size, num_steps, use_random_iter, max_tokens, device=device)
    return loader, loader.vocab


class TimeMachine:
    """The en edition's data module: the book lower-cased to letters and spaces, as one
    sequence of characters; ``X``/``Y`` hold every window of ``num_steps`` tokens and its
    successor; the first ``num_train`` windows train, the next ``num_val`` validate."""

    def __init__(self, batch_size, num_steps, num_train=10000, num_val=5000, device=None):
        from ..ops.creation import tensor

        self.batch_size, self.num_steps, self.num_train, self.num_val = batch_size, num_steps, num_train, num_val
        self.corpus, self.vocab = self.build(time_machine_text())
        windows = tensor([self.corpus[i:i + num_steps + 1] for i in range(len(self.corpus) - num_steps)],
                         device=device)
        self.X, self.Y = windows[:, :-1], windows[:, 1:]

    @staticmethod
    def _preprocess(text):
        return _NOT_LETTERS.sub(" ", text).lower()

    @staticmethod
    def _tokenize(text):
        return list(text)

    def build(self, raw_text, vocab=None):
        """(corpus of indices, vocabulary) of ``raw_text`` (a new vocabulary unless given)."""
        tokens = self._tokenize(self._preprocess(raw_text))
        if vocab is None:
            vocab = Vocab(tokens, order="token")
        return [vocab[token] for token in tokens], vocab

    def get_dataloader(self, train):
        from ..utils.data import DataLoader, TensorDataset

        rows = slice(0, self.num_train) if train else slice(self.num_train, self.num_train + self.num_val)
        return DataLoader(TensorDataset(self.X[rows], self.Y[rows]), self.batch_size, shuffle=train)

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)
