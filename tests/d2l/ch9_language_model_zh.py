"""D2L (zh, zh-v2.d2l.ai) 8.3 语言模型和数据集 / chapter_recurrent-neural-networks/language-models-and-dataset.md
(d2l-en 9.3 Language Models), the pytorch cells: word, bigram and trigram frequencies of The
Time Machine, random and sequential partitioning into minibatches, the data loader.

d2l is tests/d2l/_d2l.py (the text shipped with gradkit; in the gradkit run d2l's text
pipeline is gradkit.datasets' own). Python's random, which the book's iterators draw from, is
seeded before each run of them. The log-log plots are skipped; a few of their points are
printed. [not in the book] d2l's iterators and loader (gradkit.datasets' in the gradkit run)
give the minibatches the book's cells give.
"""
import random

import torch

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("tokens = d2l.tokenize(d2l.read_time_machine()); corpus = [...]; vocab = d2l.Vocab(corpus); vocab.token_freqs[:10]")
tokens = d2l.tokenize(d2l.read_time_machine())
# 因为每个文本行不一定是一个句子或一个段落，因此我们把所有文本行拼接到一起
corpus = [token for line in tokens for token in line]
vocab = d2l.Vocab(corpus)
print(vocab.token_freqs[:10])

cell("freqs = [freq for token, freq in vocab.token_freqs]; d2l.plot(freqs, ...)  [a few points]")
freqs = [freq for token, freq in vocab.token_freqs]
print(len(freqs), freqs[::400])

cell("bigram_tokens = [pair for pair in zip(corpus[:-1], corpus[1:])]; bigram_vocab = d2l.Vocab(bigram_tokens); bigram_vocab.token_freqs[:10]")
bigram_tokens = [pair for pair in zip(corpus[:-1], corpus[1:])]
bigram_vocab = d2l.Vocab(bigram_tokens)
print(bigram_vocab.token_freqs[:10])

cell("trigram_tokens = [...]; trigram_vocab = d2l.Vocab(trigram_tokens); trigram_vocab.token_freqs[:10]")
trigram_tokens = [triple for triple in zip(
    corpus[:-2], corpus[1:-1], corpus[2:])]
trigram_vocab = d2l.Vocab(trigram_tokens)
print(trigram_vocab.token_freqs[:10])

cell("bigram_freqs = ...; trigram_freqs = ...; d2l.plot([freqs, bigram_freqs, trigram_freqs], ...)  [a few points]")
bigram_freqs = [freq for token, freq in bigram_vocab.token_freqs]
trigram_freqs = [freq for token, freq in trigram_vocab.token_freqs]
print(len(bigram_freqs), len(trigram_freqs), bigram_freqs[::4000], trigram_freqs[::8000])
print(len(bigram_vocab), bigram_vocab[('of', 'the')], bigram_vocab.to_tokens(1))


def seq_data_iter_random(corpus, batch_size, num_steps):  #@save
    """使用随机抽样生成一个小批量子序列"""
    # 从随机偏移量开始对序列进行分区，随机范围包括num_steps-1
    corpus = corpus[random.randint(0, num_steps - 1):]
    # 减去1，是因为我们需要考虑标签
    num_subseqs = (len(corpus) - 1) // num_steps
    # 长度为num_steps的子序列的起始索引
    initial_indices = list(range(0, num_subseqs * num_steps, num_steps))
    # 在随机抽样的迭代过程中，
    # 来自两个相邻的、随机的、小批量中的子序列不一定在原始序列上相邻
    random.shuffle(initial_indices)

    def data(pos):
        # 返回从pos位置开始的长度为num_steps的序列
        return corpus[pos: pos + num_steps]

    num_batches = num_subseqs // batch_size
    for i in range(0, batch_size * num_batches, batch_size):
        # 在这里，initial_indices包含子序列的随机起始索引
        initial_indices_per_batch = initial_indices[i: i + batch_size]
        X = [data(j) for j in initial_indices_per_batch]
        Y = [data(j + 1) for j in initial_indices_per_batch]
        yield d2l.tensor(X), d2l.tensor(Y)


cell("my_seq = list(range(35)); for X, Y in seq_data_iter_random(my_seq, batch_size=2, num_steps=5): print('X: ', X, '\\nY:', Y)")
random.seed(1)
my_seq = list(range(35))
for X, Y in seq_data_iter_random(my_seq, batch_size=2, num_steps=5):
    print('X: ', X, '\nY:', Y)


def seq_data_iter_sequential(corpus, batch_size, num_steps):  #@save
    """使用顺序分区生成一个小批量子序列"""
    # 从随机偏移量开始划分序列
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = d2l.tensor(corpus[offset: offset + num_tokens])
    Ys = d2l.tensor(corpus[offset + 1: offset + 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        X = Xs[:, i: i + num_steps]
        Y = Ys[:, i: i + num_steps]
        yield X, Y


cell("for X, Y in seq_data_iter_sequential(my_seq, batch_size=2, num_steps=5): print('X: ', X, '\\nY:', Y)")
random.seed(2)
for X, Y in seq_data_iter_sequential(my_seq, batch_size=2, num_steps=5):
    print('X: ', X, '\nY:', Y)


class SeqDataLoader:  #@save
    """加载序列数据的迭代器"""
    def __init__(self, batch_size, num_steps, use_random_iter, max_tokens):
        if use_random_iter:
            self.data_iter_fn = d2l.seq_data_iter_random
        else:
            self.data_iter_fn = d2l.seq_data_iter_sequential
        self.corpus, self.vocab = d2l.load_corpus_time_machine(max_tokens)
        self.batch_size, self.num_steps = batch_size, num_steps

    def __iter__(self):
        return self.data_iter_fn(self.corpus, self.batch_size, self.num_steps)


def load_data_time_machine(batch_size, num_steps,  #@save
                           use_random_iter=False, max_tokens=10000):
    """返回时光机器数据集的迭代器和词表"""
    data_iter = SeqDataLoader(
        batch_size, num_steps, use_random_iter, max_tokens)
    return data_iter, data_iter.vocab


cell("[not in the book] load_data_time_machine(32, 35) and (..., use_random_iter=True): the minibatches")
for use_random_iter in (False, True):
    random.seed(3)
    data_iter, char_vocab = load_data_time_machine(32, 35, use_random_iter)
    batches = list(data_iter)
    X, Y = batches[-1]
    print(len(char_vocab), len(batches), X.shape, X.dtype, repr(X[:2, :10]), repr(Y[:2, :10]),
          ''.join(char_vocab.to_tokens(X[0].tolist())))

cell("[not in the book] d2l's seq_data_iter_random / seq_data_iter_sequential / load_data_time_machine give the same")
for book_fn, d2l_fn in ((seq_data_iter_random, d2l.seq_data_iter_random),
                        (seq_data_iter_sequential, d2l.seq_data_iter_sequential)):
    for seed in range(3):
        random.seed(seed)
        want = [(X.tolist(), Y.tolist()) for X, Y in book_fn(my_seq, 3, 4)]
        random.seed(seed)
        got = [(X.tolist(), Y.tolist()) for X, Y in d2l_fn(my_seq, 3, 4)]
        print(book_fn.__name__, seed, got == want, len(got))
for use_random_iter in (False, True):
    random.seed(4)
    want = [(X.tolist(), Y.tolist()) for X, Y in load_data_time_machine(8, 10, use_random_iter, 3000)[0]]
    random.seed(4)
    data_iter, char_vocab = d2l.load_data_time_machine(8, 10, use_random_iter, 3000)
    got = [(X.tolist(), Y.tolist()) for X, Y in data_iter]
    print(use_random_iter, got == want, len(got), char_vocab.idx_to_token == load_data_time_machine(8, 10)[1].idx_to_token,
          isinstance(next(iter(data_iter))[0], torch.Tensor))
