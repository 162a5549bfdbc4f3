"""D2L (zh, zh-v2.d2l.ai) 9.7 序列到序列学习（seq2seq） / chapter_recurrent-modern/seq2seq.md
(d2l-en 10.7 Sequence-to-Sequence Learning for Machine Translation), the pytorch cells: the GRU
encoder and decoder, sequence masking, the masked softmax cross-entropy loss, training with
teacher forcing, greedy prediction and BLEU.

d2l is tests/d2l/_d2l.py: the English-French pairs are the small fake of
tests/d2l/_fake_fra_eng.py (65 pairs: one full minibatch of 64 and one of 1 per epoch);
d2l.load_array shuffles with a NumPy-drawn sampler; d2l.Vocab is gradkit.datasets' own in
the gradkit run. Departures from the book, for a short deterministic run: dropout 0 instead
of 0.1 (nn.GRU's inter-layer dropout draws from each library's own generator); after
xavier_init_weights every layer gets NumPy draws (d2l.same_rnn_weights: Xavier-uniform
weights, the layers' default biases, N(0, 1) embeddings); train_seq2seq prints the points its
animator would draw and leaves the speed out; the encoder/decoder shape checks run on zeros
as in the book; 150 epochs instead of 300 (the loss has levelled off by then).

Float64 throughout (torch.set_default_dtype): Adam's steps amplify rounding, so float32 runs
of the two libraries part by more than the tolerance after about 80 epochs (by 100 the losses
differ in the third digit), while in float64 they agree to every printed digit.
"""
import collections
import math

import torch
from torch import nn

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


torch.set_default_dtype(torch.float64)  # [see the docstring]


#@save
class Seq2SeqEncoder(d2l.Encoder):
    """用于序列到序列学习的循环神经网络编码器"""
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers,
                 dropout=0, **kwargs):
        super(Seq2SeqEncoder, self).__init__(**kwargs)
        # 嵌入层
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers,
                          dropout=dropout)

    def forward(self, X, *args):
        # 输出'X'的形状：(batch_size,num_steps,embed_size)
        X = self.embedding(X)
        # 在循环神经网络模型中，第一个轴对应于时间步
        X = X.permute(1, 0, 2)
        # 如果未提及状态，则默认为0
        output, state = self.rnn(X)
        # output的形状:(num_steps,batch_size,num_hiddens)
        # state的形状:(num_layers,batch_size,num_hiddens)
        return output, state


cell("encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2); encoder.eval(); X = d2l.zeros((4, 7), dtype=torch.long); output, state = encoder(X); output.shape")
encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16,
                         num_layers=2)
encoder.eval()
d2l.seed(151)
d2l.same_rnn_weights(encoder)  # [NumPy weights: the values below are compared too]
X = d2l.zeros((4, 7), dtype=torch.long)
output, state = encoder(X)
print(output.shape)

cell("state.shape")
print(state.shape, repr(state[:, 0, :4]))


class Seq2SeqDecoder(d2l.Decoder):
    """用于序列到序列学习的循环神经网络解码器"""
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers,
                 dropout=0, **kwargs):
        super(Seq2SeqDecoder, self).__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers,
                          dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, *args):
        return enc_outputs[1]

    def forward(self, X, state):
        # 输出'X'的形状：(batch_size,num_steps,embed_size)
        X = self.embedding(X).permute(1, 0, 2)
        # 广播context，使其具有与X相同的num_steps
        context = state[-1].repeat(X.shape[0], 1, 1)
        X_and_context = d2l.concat((X, context), 2)
        output, state = self.rnn(X_and_context, state)
        output = self.dense(output).permute(1, 0, 2)
        # output的形状:(batch_size,num_steps,vocab_size)
        # state的形状:(num_layers,batch_size,num_hiddens)
        return output, state


cell("decoder = Seq2SeqDecoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2); decoder.eval(); state = decoder.init_state(encoder(X)); output, state = decoder(X, state); output.shape, state.shape")
decoder = Seq2SeqDecoder(vocab_size=10, embed_size=8, num_hiddens=16,
                         num_layers=2)
decoder.eval()
d2l.same_rnn_weights(decoder)  # [NumPy weights]
state = decoder.init_state(encoder(X))
output, state = decoder(X, state)
print((output.shape, state.shape))
print(repr(output[0, :2, :5]))


#@save
def sequence_mask(X, valid_len, value=0):
    """在序列中屏蔽不相关的项"""
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32,
                        device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


cell("X = torch.tensor([[1, 2, 3], [4, 5, 6]]); sequence_mask(X, torch.tensor([1, 2]))")
X = torch.tensor([[1, 2, 3], [4, 5, 6]])
print(repr(sequence_mask(X, torch.tensor([1, 2]))))

cell("X = d2l.ones(2, 3, 4); sequence_mask(X, torch.tensor([1, 2]), value=-1)")
X = d2l.ones(2, 3, 4)
print(repr(sequence_mask(X, torch.tensor([1, 2]), value=-1)))


#@save
class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):
    """带遮蔽的softmax交叉熵损失函数"""
    # pred的形状：(batch_size,num_steps,vocab_size)
    # label的形状：(batch_size,num_steps)
    # valid_len的形状：(batch_size,)
    def forward(self, pred, label, valid_len):
        weights = torch.ones_like(label)
        weights = sequence_mask(weights, valid_len)
        self.reduction = 'none'
        unweighted_loss = super(MaskedSoftmaxCELoss, self).forward(
            pred.permute(0, 2, 1), label)
        weighted_loss = (unweighted_loss * weights).mean(dim=1)
        return weighted_loss


cell("loss = MaskedSoftmaxCELoss(); loss(d2l.ones(3, 4, 10), d2l.ones((3, 4), dtype=torch.long), torch.tensor([4, 2, 0]))")
loss = MaskedSoftmaxCELoss()
print(repr(loss(d2l.ones(3, 4, 10), d2l.ones((3, 4), dtype=torch.long),
                torch.tensor([4, 2, 0]))))


#@save
def train_seq2seq(net, data_iter, lr, num_epochs, tgt_vocab, device):
    """训练序列到序列模型"""
    def xavier_init_weights(m):
        if type(m) == nn.Linear:
            nn.init.xavier_uniform_(m.weight)
        if type(m) == nn.GRU:
            for param in m._flat_weights_names:
                if "weight" in param:
                    nn.init.xavier_uniform_(m._parameters[param])

    net.apply(xavier_init_weights)
    d2l.same_rnn_weights(net, xavier=True)  # [the same start in both runs]
    net.to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    loss = MaskedSoftmaxCELoss()
    net.train()
    for epoch in range(num_epochs):
        metric = d2l.Accumulator(2)  # 训练损失总和，词元数量
        for batch in data_iter:
            optimizer.zero_grad()
            X, X_valid_len, Y, Y_valid_len = [x.to(device) for x in batch]
            bos = torch.tensor([tgt_vocab['<bos>']] * Y.shape[0],
                               device=device).reshape(-1, 1)
            dec_input = torch.cat([bos, Y[:, :-1]], 1)  # 强制教学
            Y_hat, _ = net(X, dec_input, X_valid_len)
            l = loss(Y_hat, Y, Y_valid_len)
            l.sum().backward()  # 损失函数的标量进行“反向传播”
            d2l.grad_clipping(net, 1)
            num_tokens = Y_valid_len.sum()
            optimizer.step()
            with torch.no_grad():
                metric.add(l.sum(), num_tokens)
        if (epoch + 1) % 10 == 0:
            print(f'epoch {epoch + 1}: loss {metric[0] / metric[1]:.6f}')  # [animator.add(epoch + 1, ...)]
    print(f'loss {metric[0] / metric[1]:.3f}')  # [, {speed} tokens/sec on {device}: left out]


cell("embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0.1; ...; lr, num_epochs, device = 0.005, 300, d2l.try_gpu(); ...; train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, device)  [dropout 0, 150 epochs]")
embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0
batch_size, num_steps = 64, 10
lr, num_epochs, device = 0.005, 150, d2l.try_gpu()

train_iter, src_vocab, tgt_vocab = d2l.load_data_nmt(batch_size, num_steps)
encoder = Seq2SeqEncoder(len(src_vocab), embed_size, num_hiddens, num_layers,
                         dropout)
decoder = Seq2SeqDecoder(len(tgt_vocab), embed_size, num_hiddens, num_layers,
                         dropout)
net = d2l.EncoderDecoder(encoder, decoder)
d2l.seed(152)
train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, device)


#@save
def predict_seq2seq(net, src_sentence, src_vocab, tgt_vocab, num_steps,
                    device, save_attention_weights=False):
    """序列到序列模型的预测"""
    # 在预测时将net设置为评估模式
    net.eval()
    src_tokens = src_vocab[src_sentence.lower().split(' ')] + [
        src_vocab['<eos>']]
    enc_valid_len = torch.tensor([len(src_tokens)], device=device)
    src_tokens = d2l.truncate_pad(src_tokens, num_steps, src_vocab['<pad>'])
    # 添加批量轴
    enc_X = torch.unsqueeze(
        torch.tensor(src_tokens, dtype=torch.long, device=device), dim=0)
    enc_outputs = net.encoder(enc_X, enc_valid_len)
    dec_state = net.decoder.init_state(enc_outputs, enc_valid_len)
    # 添加批量轴
    dec_X = torch.unsqueeze(torch.tensor(
        [tgt_vocab['<bos>']], dtype=torch.long, device=device), dim=0)
    output_seq, attention_weight_seq = [], []
    for _ in range(num_steps):
        Y, dec_state = net.decoder(dec_X, dec_state)
        # 我们使用具有预测最高可能性的词元，作为解码器在下一时间步的输入
        dec_X = Y.argmax(dim=2)
        pred = dec_X.squeeze(dim=0).type(torch.int32).item()
        # 保存注意力权重（稍后讨论）
        if save_attention_weights:
            attention_weight_seq.append(net.decoder.attention_weights)
        # 一旦序列结束词元被预测，输出序列的生成就完成了
        if pred == tgt_vocab['<eos>']:
            break
        output_seq.append(pred)
    return ' '.join(tgt_vocab.to_tokens(output_seq)), attention_weight_seq


def bleu(pred_seq, label_seq, k):  #@save
    """计算BLEU"""
    pred_tokens, label_tokens = pred_seq.split(' '), label_seq.split(' ')
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, k + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[' '.join(label_tokens[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[' '.join(pred_tokens[i: i + n])] > 0:
                num_matches += 1
                label_subs[' '.join(pred_tokens[i: i + n])] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score


cell("engs = ['go .', \"i lost .\", 'he\\'s calm .', 'i\\'m home .']; fras = [...]; for eng, fra in zip(engs, fras): translation, attention_weight_seq = predict_seq2seq(...); print(...)")
engs = ['go .', "i lost .", 'he\'s calm .', 'i\'m home .']
fras = ['va !', 'j\'ai perdu .', 'il est calme .', 'je suis chez moi .']
for eng, fra in zip(engs, fras):
    translation, attention_weight_seq = predict_seq2seq(
        net, eng, src_vocab, tgt_vocab, num_steps, device)
    print(f'{eng} => {translation}, bleu {bleu(translation, fra, k=2):.3f}')
