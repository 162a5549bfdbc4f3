"""A small character-level GPT on The Time Machine.

    python examples/char_gpt.py [--device cuda] [--steps 400]

Token and position embeddings, pre-norm Transformer layers under a causal mask (PyTorch's
nn.TransformerEncoderLayer used decoder-only), a final LayerNorm and a linear head; trained
with AdamW on random 64-character windows of the book (gradkit.datasets.TimeMachine, D2L's
en-edition data module). Prints the training loss and perplexity, then text sampled greedily
from a prefix.
"""
import math

import gradkit as torch
from gradkit import nn
from _common import checkpoint_round_trip, parser, setup


class CharGPT(nn.Module):
    def __init__(self, vocab_size, context=64, width=128, heads=4, layers=2):
        super().__init__()
        self.context = context
        self.tok = nn.Embedding(vocab_size, width)
        self.pos = nn.Embedding(context, width)
        layer = nn.TransformerEncoderLayer(width, heads, 4 * width, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab_size)

    def forward(self, idx):
        """idx (batch, t <= context) -> logits (batch, t, vocab): position i sees 0..i only."""
        t = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(t, device=idx.device))
        mask = nn.Transformer.generate_square_subsequent_mask(t, device=idx.device)
        return self.head(self.norm(self.blocks(x, mask=mask, is_causal=True)))


def generate(prefix, num_chars, net, vocab):
    device = next(net.parameters()).device
    idx = torch.tensor([vocab[list(prefix)]], device=device)
    with torch.no_grad():
        for _ in range(num_chars):
            logits = net(idx[:, -net.context:])
            idx = torch.cat([idx, logits[:, -1].argmax(dim=-1, keepdim=True)], dim=1)
    return "".join(vocab.idx_to_token[int(i)] for i in idx[0])


def main(argv=None):
    p = parser(__doc__)
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--lr", type=float, default=3e-3)
    args = p.parse_args(argv)
    device = setup(args)
    data = torch.datasets.TimeMachine(batch_size=32, num_steps=64, device=device)
    vocab = data.vocab
    net = CharGPT(len(vocab))
    loss = nn.CrossEntropyLoss()
    trainer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.01)
    step, total, count = 0, 0.0, 0
    while step < args.steps:
        for X, Y in data.train_dataloader():
            l = loss(net(X).reshape(-1, len(vocab)), Y.reshape(-1))
            trainer.zero_grad()
            l.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            trainer.step()
            total, count, step = total + float(l.detach()), count + 1, step + 1
            if step % 100 == 0 or step == args.steps:
                mean = total / count
                print(f"step {step:4d}, loss {mean:.3f}, perplexity {math.exp(mean):.2f}")
                total = count = 0
            if step == args.steps:
                break
    print(repr(generate("time traveller ", 40, net, vocab)))
    checkpoint_round_trip(net, lambda: CharGPT(len(vocab)), args.checkpoint, data.X[:2])


if __name__ == "__main__":
    main()
