"""D2L (zh, zh-v2.d2l.ai) 9.5 机器翻译与数据集 / chapter_recurrent-modern/machine-translation-and-dataset.md
(d2l-en 10.5 Machine Translation and the Dataset), the pytorch cells: reading and preprocessing
the English-French pairs, word tokens, the vocabulary with reserved tokens, truncation and
padding, the minibatches with valid lengths.

d2l is tests/d2l/_d2l.py: d2l.download_extract('fra-eng') writes the small fake of
tests/d2l/_fake_fra_eng.py (the book's first lines, then a few dozen short pairs) where the
book downloads fra-eng.zip; d2l.load_array shuffles with a NumPy-drawn sampler; d2l.Vocab is
gradkit.datasets' own in the gradkit run. The histogram is skipped; the counts it would draw
are printed.
"""
import os

import torch  # noqa: F401

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


#@save
d2l.DATA_HUB['fra-eng'] = (d2l.DATA_URL + 'fra-eng.zip',
                           '94646ad1522d915e7b0f9296181140edcf86a4f5')


#@save
def read_data_nmt():
    """载入“英语－法语”数据集"""
    data_dir = d2l.download_extract('fra-eng')
    with open(os.path.join(data_dir, 'fra.txt'), 'r',
              encoding='utf-8') as f:
        return f.read()


cell("raw_text = read_data_nmt(); print(raw_text[:75])")
raw_text = read_data_nmt()
print(raw_text[:75])


#@save
def preprocess_nmt(text):
    """预处理“英语－法语”数据集"""
    def no_space(char, prev_char):
        return char in set(',.!?') and prev_char != ' '

    # 使用空格替换不间断空格
    # 使用小写字母替换大写字母
    text = text.replace('\u202f', ' ').replace('\xa0', ' ').lower()
    # 在单词和标点符号之间插入空格
    out = [' ' + char if i > 0 and no_space(char, text[i - 1]) else char
           for i, char in enumerate(text)]
    return ''.join(out)


cell("text = preprocess_nmt(raw_text); print(text[:80])")
text = preprocess_nmt(raw_text)
print(text[:80])


#@save
def tokenize_nmt(text, num_examples=None):
    """词元化“英语－法语”数据数据集"""
    source, target = [], []
    for i, line in enumerate(text.split('\n')):
        if num_examples and i > num_examples:
            break
        parts = line.split('\t')
        if len(parts) == 2:
            source.append(parts[0].split(' '))
            target.append(parts[1].split(' '))
    return source, target


cell("source, target = tokenize_nmt(text); source[:6], target[:6]")
source, target = tokenize_nmt(text)
print((source[:6], target[:6]))
print(len(source), len(target), source[-1], target[-1])

cell("show_list_len_pair_hist(['source', 'target'], '# tokens per sequence', 'count', source, target)  [the lengths it would count]")
import collections  # noqa: E402
print(sorted(collections.Counter(len(l) for l in source).items()), sorted(collections.Counter(len(l) for l in target).items()))

cell("src_vocab = d2l.Vocab(source, min_freq=2, reserved_tokens=['<pad>', '<bos>', '<eos>']); len(src_vocab)")
src_vocab = d2l.Vocab(source, min_freq=2,
                      reserved_tokens=['<pad>', '<bos>', '<eos>'])
print(len(src_vocab))
print(src_vocab.idx_to_token)


#@save
def truncate_pad(line, num_steps, padding_token):
    """截断或填充文本序列"""
    if len(line) > num_steps:
        return line[:num_steps]  # 截断
    return line + [padding_token] * (num_steps - len(line))  # 填充


cell("truncate_pad(src_vocab[source[0]], 10, src_vocab['<pad>'])")
print(truncate_pad(src_vocab[source[0]], 10, src_vocab['<pad>']))
print(truncate_pad(src_vocab[source[40]], 2, src_vocab['<pad>']), source[40])


#@save
def build_array_nmt(lines, vocab, num_steps):
    """将机器翻译的文本序列转换成小批量"""
    lines = [vocab[l] for l in lines]
    lines = [l + [vocab['<eos>']] for l in lines]
    array = d2l.tensor([truncate_pad(
        l, num_steps, vocab['<pad>']) for l in lines])
    valid_len = d2l.reduce_sum(
        d2l.astype(array != vocab['<pad>'], d2l.int32), 1)
    return array, valid_len


cell("[not in the book] build_array_nmt(source[:4], src_vocab, 5)")
array, valid_len = build_array_nmt(source[:4], src_vocab, 5)
print(repr(array), repr(valid_len))


#@save
def load_data_nmt(batch_size, num_steps, num_examples=600):
    """返回翻译数据集的迭代器和词表"""
    text = preprocess_nmt(read_data_nmt())
    source, target = tokenize_nmt(text, num_examples)
    src_vocab = d2l.Vocab(source, min_freq=2,
                          reserved_tokens=['<pad>', '<bos>', '<eos>'])
    tgt_vocab = d2l.Vocab(target, min_freq=2,
                          reserved_tokens=['<pad>', '<bos>', '<eos>'])
    src_array, src_valid_len = build_array_nmt(source, src_vocab, num_steps)
    tgt_array, tgt_valid_len = build_array_nmt(target, tgt_vocab, num_steps)
    data_arrays = (src_array, src_valid_len, tgt_array, tgt_valid_len)
    data_iter = d2l.load_array(data_arrays, batch_size)
    return data_iter, src_vocab, tgt_vocab


cell("train_iter, src_vocab, tgt_vocab = load_data_nmt(batch_size=2, num_steps=8); for X, X_valid_len, Y, Y_valid_len in train_iter: ...; break")
train_iter, src_vocab, tgt_vocab = load_data_nmt(batch_size=2, num_steps=8)
for X, X_valid_len, Y, Y_valid_len in train_iter:
    print('X:', d2l.astype(X, d2l.int32))
    print('X的有效长度:', X_valid_len)
    print('Y:', d2l.astype(Y, d2l.int32))
    print('Y的有效长度:', Y_valid_len)
    break
print(len(train_iter), len(src_vocab), len(tgt_vocab), src_vocab.to_tokens(X[0].tolist()), tgt_vocab.to_tokens(Y[0].tolist()))
