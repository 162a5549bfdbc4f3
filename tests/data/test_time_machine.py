"""The Time Machine shipped inside the package and D2L's text pipeline over it. The counts and
vocabularies are the ones the book prints (d2l-zh 8.2-8.3, d2l-en 9.2-9.3)."""
from __future__ import annotations

import random

import pytest

import gradkit as gk
from gradkit import datasets as D


def test_the_text_and_its_lines():
    text = D.time_machine_text()
    assert len(text) == 178979 and text.startswith("The Time Machine, by H. G. Wells [1898]")
    lines = D.read_time_machine()
    assert len(lines) == 3221
    assert lines[0] == "the time machine by h g wells"
    assert lines[10] == "twinkled and his usually pale face was flushed and animated the"


def test_tokens_and_the_frequency_ordered_vocabulary():
    tokens = D.tokenize(D.read_time_machine())
    assert tokens[0] == ["the", "time", "machine", "by", "h", "g", "wells"]
    vocab = D.Vocab(tokens)
    assert list(vocab.token_to_idx.items())[:10] == [("<unk>", 0), ("the", 1), ("i", 2), ("and", 3), ("of", 4),
                                                    ("a", 5), ("to", 6), ("was", 7), ("in", 8), ("that", 9)]
    assert len(vocab) == 4580 and vocab.token_freqs[:3] == [("the", 2261), ("i", 1267), ("and", 1245)]
    assert vocab["the"] == 1 and vocab["no-such-word"] == vocab.unk == 0
    assert vocab[["the", "time"]] == [1, 19] and vocab.to_tokens([1, 19]) == ["the", "time"]
    assert vocab.to_tokens(1) == "the"
    assert D.tokenize(["ab c"], "char") == [["a", "b", " ", "c"]]
    with pytest.raises(ValueError, match="unknown token type"):
        D.tokenize(["x"], "byte")


def test_min_freq_and_reserved_tokens():
    vocab = D.Vocab([["a", "b", "a"], ["c", "a", "b"]], min_freq=2, reserved_tokens=["<pad>"])
    assert vocab.idx_to_token == ["<unk>", "<pad>", "a", "b"]
    assert D.Vocab(["b", "a", "b"], order="token").idx_to_token == ["<unk>", "a", "b"]


def test_tuples_are_tokens_as_the_books_bigrams_are():
    words = ["of", "the", "time", "of", "the"]
    bigrams = D.Vocab(list(zip(words[:-1], words[1:])))
    assert bigrams.token_freqs == [(("of", "the"), 2), (("the", "time"), 1), (("time", "of"), 1)]
    assert bigrams.idx_to_token == ["<unk>", ("of", "the"), ("the", "time"), ("time", "of")]
    assert bigrams.to_tokens(1) == ("of", "the")


def test_the_character_corpus():
    corpus, vocab = D.load_corpus_time_machine()
    assert len(corpus) == 170580 and len(vocab) == 28
    assert vocab.idx_to_token[:6] == ["<unk>", " ", "e", "t", "a", "i"]
    assert len(D.load_corpus_time_machine(10000)[0]) == 10000


def test_random_iterator_windows_and_shifted_targets():
    random.seed(0)
    batches = list(D.seq_data_iter_random(list(range(35)), batch_size=2, num_steps=5))
    assert len(batches) == 3
    starts = set()
    for X, Y in batches:
        assert X.dtype is gk.int64 and tuple(X.shape) == (2, 5)
        assert (Y - X).tolist() == [[1] * 5] * 2
        assert all((row[1:] - row[:-1]).tolist() == [1] * 4 for row in X)
        starts.update(int(row[0]) for row in X)
    assert len(starts) == 6 and len({s % 5 for s in starts}) == 1  # one random offset, disjoint windows


def test_sequential_iterator_rows_continue_across_batches():
    random.seed(1)
    batches = list(D.seq_data_iter_sequential(list(range(35)), batch_size=2, num_steps=5))
    assert len(batches) >= 2
    for (X, Y), (X2, _) in zip(batches, batches[1:]):
        assert (Y - X).tolist() == [[1] * 5] * 2
        assert (X2[:, 0] - X[:, -1]).tolist() == [1, 1]


def test_load_data_time_machine_and_the_en_data_module():
    random.seed(0)
    loader, vocab = D.load_data_time_machine(batch_size=4, num_steps=7)
    X, Y = next(iter(loader))
    assert tuple(X.shape) == (4, 7) and len(vocab) == 28
    tm = D.TimeMachine(batch_size=2, num_steps=10)
    assert len(tm.vocab) == 28 and tm.vocab.idx_to_token[:3] == [" ", "<unk>", "a"]  # alphabetical
    assert tuple(tm.X.shape) == (len(tm.corpus) - 10, 10) and tm.Y[0, :-1].tolist() == tm.X[0, 1:].tolist()
    X, Y = next(iter(tm.val_dataloader()))
    assert tuple(X.shape) == (2, 10) and X.dtype is gk.int64
    assert len(tm.train_dataloader().dataset) == 10000 and len(tm.val_dataloader().dataset) == 5000
