"""D2L (en, d2l.ai v1.x) 11.8 Transformers for Vision /
chapter_attention-mechanisms-and-transformers/vision-transformer.md, the pytorch cells:
PatchEmbedding, ViTMLP, ViTBlock and the ViT classifier (the zh edition has no such section).

d2l is tests/d2l/_d2l_en.py (MultiHeadAttention as d2l-en 11.5 saves it; the fake
600/200-image Fashion-MNIST, NumPy-drawn shuffling, ProgressBoard points printed instead of
drawn). Departures from the book, for a short deterministic run: the blocks the book only
shape-checks also get NumPy weights (tests/d2l/_d2l.py's same_weights) and print values; the
ViT sees the images at their 28x28 with 7x7 patches (the book resizes to 96x96 and takes
16x16 patches), with 32 hidden units, an MLP of 64, 4 heads and 2 blocks (the book: 512,
2048, 8, 2), for one epoch (5 steps) instead of 10; its dropout layers draw their masks from
NumPy (tests/d2l/_d2l.py's numpy_dropout); after the lazy layers materialise every weight
gets NumPy draws and pos_embedding (torch.randn in the book) d2l.randn's.
"""
import torch
from torch import nn

import _d2l
import _d2l_en as d2l


def cell(title):
    print(f"-- {title}")


class PatchEmbedding(nn.Module):
    def __init__(self, img_size=96, patch_size=16, num_hiddens=512):
        super().__init__()
        def _make_tuple(x):
            if not isinstance(x, (list, tuple)):
                return (x, x)
            return x
        img_size, patch_size = _make_tuple(img_size), _make_tuple(patch_size)
        self.num_patches = (img_size[0] // patch_size[0]) * (
            img_size[1] // patch_size[1])
        self.conv = nn.LazyConv2d(num_hiddens, kernel_size=patch_size,
                                  stride=patch_size)

    def forward(self, X):
        # Output shape: (batch size, no. of patches, no. of channels)
        return self.conv(X).flatten(2).transpose(1, 2)


cell("img_size, patch_size, num_hiddens, batch_size = 96, 16, 512, 4; patch_emb = PatchEmbedding(img_size, patch_size, num_hiddens); X = d2l.zeros(batch_size, 3, img_size, img_size); d2l.check_shape(patch_emb(X), (batch_size, (img_size//patch_size)**2, num_hiddens))")
img_size, patch_size, num_hiddens, batch_size = 96, 16, 512, 4
patch_emb = PatchEmbedding(img_size, patch_size, num_hiddens)
X = d2l.zeros(batch_size, 3, img_size, img_size)
d2l.check_shape(patch_emb(X),
                (batch_size, (img_size//patch_size)**2, num_hiddens))
print(patch_emb.num_patches, patch_emb.conv, patch_emb(X).shape)
d2l.seed(121)
_d2l.same_weights(patch_emb)  # [the same weights, NumPy inputs]
X = d2l.randn(batch_size, 3, img_size, img_size)
print(repr(patch_emb(X)[:, 17, :4]), patch_emb(X).grad_fn.name())


class ViTMLP(nn.Module):
    def __init__(self, mlp_num_hiddens, mlp_num_outputs, dropout=0.5):
        super().__init__()
        self.dense1 = nn.LazyLinear(mlp_num_hiddens)
        self.gelu = nn.GELU()
        self.dropout1 = nn.Dropout(dropout)
        self.dense2 = nn.LazyLinear(mlp_num_outputs)
        self.dropout2 = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout2(self.dense2(self.dropout1(self.gelu(
            self.dense1(x)))))


class ViTBlock(nn.Module):
    def __init__(self, num_hiddens, norm_shape, mlp_num_hiddens,
                 num_heads, dropout, use_bias=False):
        super().__init__()
        self.ln1 = nn.LayerNorm(norm_shape)
        self.attention = d2l.MultiHeadAttention(num_hiddens, num_heads,
                                                dropout, use_bias)
        self.ln2 = nn.LayerNorm(norm_shape)
        self.mlp = ViTMLP(mlp_num_hiddens, num_hiddens, dropout)

    def forward(self, X, valid_lens=None):
        X = X + self.attention(*([self.ln1(X)] * 3), valid_lens)
        return X + self.mlp(self.ln2(X))


cell("X = d2l.ones((2, 100, 24)); encoder_blk = ViTBlock(24, 24, 48, 8, 0.5); encoder_blk.eval(); d2l.check_shape(encoder_blk(X), X.shape)")
X = d2l.ones((2, 100, 24))
encoder_blk = ViTBlock(24, 24, 48, 8, 0.5)
encoder_blk.eval()
d2l.check_shape(encoder_blk(X), X.shape)
print(encoder_blk)
_d2l.same_weights(encoder_blk)  # [the same weights, NumPy inputs]
X = d2l.randn(2, 100, 24)
print(repr(encoder_blk(X)[:, :2, :5]))


class ViT(d2l.Classifier):
    """Vision Transformer."""
    def __init__(self, img_size, patch_size, num_hiddens, mlp_num_hiddens,
                 num_heads, num_blks, emb_dropout, blk_dropout, lr=0.1,
                 use_bias=False, num_classes=10):
        super().__init__()
        self.save_hyperparameters()
        self.patch_embedding = PatchEmbedding(
            img_size, patch_size, num_hiddens)
        self.cls_token = nn.Parameter(d2l.zeros(1, 1, num_hiddens))
        num_steps = self.patch_embedding.num_patches + 1  # Add the cls token
        # Positional embeddings are learnable
        self.pos_embedding = nn.Parameter(
            torch.randn(1, num_steps, num_hiddens))
        self.dropout = nn.Dropout(emb_dropout)
        self.blks = nn.Sequential()
        for i in range(num_blks):
            self.blks.add_module(f"{i}", ViTBlock(
                num_hiddens, num_hiddens, mlp_num_hiddens,
                num_heads, blk_dropout, use_bias))
        self.head = nn.Sequential(nn.LayerNorm(num_hiddens),
                                  nn.Linear(num_hiddens, num_classes))

    def forward(self, X):
        X = self.patch_embedding(X)
        X = d2l.concat((self.cls_token.expand(X.shape[0], -1, -1), X), 1)
        X = self.dropout(X + self.pos_embedding)
        for blk in self.blks:
            X = blk(X)
        return self.head(X[:, 0])


def same_start(model):
    """[not in the book] NumPy draws for every weight (after the lazy layers materialise) and
    for pos_embedding."""
    _d2l.same_weights(model)
    with torch.no_grad():
        model.pos_embedding.copy_(d2l.randn(*model.pos_embedding.shape))


cell("img_size, patch_size = 96, 16; num_hiddens, mlp_num_hiddens, num_heads, num_blks = 512, 2048, 8, 2; emb_dropout, blk_dropout, lr = 0.1, 0.1, 0.1; model = ViT(...); trainer = d2l.Trainer(max_epochs=10, num_gpus=1); data = d2l.FashionMNIST(batch_size=128, resize=(img_size, img_size)); trainer.fit(model, data)  [28x28 images, 7x7 patches, 32/64/4/2, 1 epoch]")
img_size, patch_size = 28, 7
num_hiddens, mlp_num_hiddens, num_heads, num_blks = 32, 64, 4, 2
emb_dropout, blk_dropout, lr = 0.1, 0.1, 0.1
model = ViT(img_size, patch_size, num_hiddens, mlp_num_hiddens, num_heads,
            num_blks, emb_dropout, blk_dropout, lr)
_d2l.numpy_dropout(model)  # [NumPy-drawn dropout masks]
trainer = d2l.Trainer(max_epochs=1, num_gpus=1)
data = d2l.FashionMNIST(batch_size=128, resize=(img_size, img_size))
d2l.seed(122)
trainer.fit(model, data, init=same_start)
print(model.pos_embedding.shape, model.patch_embedding.num_patches, sum(p.numel() for p in model.parameters()))
lines = model.board.lines()
print(lines['train_loss'], lines['val_loss'], lines['val_acc'])
print(repr(model.head[1].bias), repr(model.cls_token[0, 0, :6]))
