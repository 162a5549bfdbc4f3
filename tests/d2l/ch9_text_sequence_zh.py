"""D2L (zh, zh-v2.d2l.ai) 8.2 文本预处理 / chapter_recurrent-neural-networks/text-preprocessing.md
(d2l-en 9.2 Converting Raw Text into Sequence Data), the pytorch cells: reading The Time
Machine, word and character tokens, the vocabulary, the character corpus.

d2l is tests/d2l/_d2l.py: d2l.download('time_machine') copies the text shipped with gradkit.
The book's cells define read_time_machine, tokenize, Vocab and load_corpus_time_machine and
run them in both libraries; [not in the book] the script then checks that d2l's versions
(gradkit.datasets' own in the gradkit run, the book's in the PyTorch run) give the same.
"""
import collections
import re

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("d2l.DATA_HUB['time_machine'] = ...; def read_time_machine(): ...; lines = read_time_machine()")
#@save
d2l.DATA_HUB['time_machine'] = (d2l.DATA_URL + 'timemachine.txt',
                                '090b5e7e70c295757f55df93cb0a180b9691891a')


def read_time_machine():  #@save
    """将时间机器数据集加载到文本行的列表中"""
    with open(d2l.download('time_machine'), 'r') as f:
        lines = f.readlines()
    return [re.sub('[^A-Za-z]+', ' ', line).strip().lower() for line in lines]


lines = read_time_machine()
print(f'# 文本总行数: {len(lines)}')
print(lines[0])
print(lines[10])


def tokenize(lines, token='word'):  #@save
    """将文本行拆分为单词或字符词元"""
    if token == 'word':
        return [line.split() for line in lines]
    elif token == 'char':
        return [list(line) for line in lines]
    else:
        print('错误：未知词元类型：' + token)


cell("tokens = tokenize(lines); for i in range(11): print(tokens[i])")
tokens = tokenize(lines)
for i in range(11):
    print(tokens[i])


class Vocab:  #@save
    """文本词表"""
    def __init__(self, tokens=None, min_freq=0, reserved_tokens=None):
        if tokens is None:
            tokens = []
        if reserved_tokens is None:
            reserved_tokens = []
        # 按出现频率排序
        counter = count_corpus(tokens)
        self._token_freqs = sorted(counter.items(), key=lambda x: x[1],
                                   reverse=True)
        # 未知词元的索引为0
        self.idx_to_token = ['<unk>'] + reserved_tokens
        self.token_to_idx = {token: idx
                             for idx, token in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        if not isinstance(indices, (list, tuple)):
            return self.idx_to_token[indices]
        return [self.idx_to_token[index] for index in indices]

    @property
    def unk(self):  # 未知词元的索引为0
        return 0

    @property
    def token_freqs(self):
        return self._token_freqs


def count_corpus(tokens):  #@save
    """统计词元的频率"""
    # 这里的tokens是1D列表或2D列表
    if len(tokens) == 0 or isinstance(tokens[0], list):
        # 将词元列表展平成一个列表
        tokens = [token for line in tokens for token in line]
    return collections.Counter(tokens)


cell("vocab = Vocab(tokens); print(list(vocab.token_to_idx.items())[:10])")
vocab = Vocab(tokens)
print(list(vocab.token_to_idx.items())[:10])

cell("for i in [0, 10]: print('文本:', tokens[i]); print('索引:', vocab[tokens[i]])")
for i in [0, 10]:
    print('文本:', tokens[i])
    print('索引:', vocab[tokens[i]])


def load_corpus_time_machine(max_tokens=-1):  #@save
    """返回时光机器数据集的词元索引列表和词表"""
    lines = read_time_machine()
    tokens = tokenize(lines, 'char')
    vocab = Vocab(tokens)
    # 因为时光机器数据集中的每个文本行不一定是一个句子或一个段落，
    # 所以将所有文本行展平到一个列表中
    corpus = [vocab[token] for line in tokens for token in line]
    if max_tokens > 0:
        corpus = corpus[:max_tokens]
    return corpus, vocab


cell("corpus, vocab = load_corpus_time_machine(); len(corpus), len(vocab)")
corpus, vocab = load_corpus_time_machine()
print((len(corpus), len(vocab)))
print(vocab.idx_to_token, corpus[:20], vocab.to_tokens(corpus[:20]))

cell("[not in the book] d2l's read_time_machine, tokenize, Vocab, load_corpus_time_machine give the same")
print(d2l.read_time_machine() == lines, d2l.tokenize(lines) == tokens, d2l.tokenize(lines, 'char') == tokenize(lines, 'char'))
d2l_vocab = d2l.Vocab(tokens)
word_vocab = Vocab(tokens)
print(len(d2l_vocab) == len(word_vocab), d2l_vocab.idx_to_token == word_vocab.idx_to_token,
      d2l_vocab.token_to_idx == word_vocab.token_to_idx, d2l_vocab.token_freqs == word_vocab.token_freqs)
print(d2l_vocab[tokens[10]] == word_vocab[tokens[10]], d2l_vocab['no-such-word'], d2l_vocab.unk,
      d2l_vocab.to_tokens([1, 2, 3]), d2l_vocab.to_tokens(4))
vocab_min = d2l.Vocab(tokens, min_freq=5, reserved_tokens=['<pad>'])
print(len(vocab_min), len(Vocab(tokens, min_freq=5, reserved_tokens=['<pad>'])), vocab_min.idx_to_token[:5])
d2l_corpus, d2l_char_vocab = d2l.load_corpus_time_machine()
print(d2l_corpus == corpus, d2l_char_vocab.idx_to_token == vocab.idx_to_token)
print(d2l.load_corpus_time_machine(max_tokens=10000)[0] == corpus[:10000])
