"""D2L (zh, zh-v2.d2l.ai) 4.8 数值稳定性和模型初始化 /
chapter_multilayer-perceptrons/numerical-stability-and-init.md, the pytorch cells
(梯度消失 and 梯度爆炸).

The plot is skipped; its data is printed, first as tensors (not in the book), then as the
NumPy arrays the book hands to d2l.plot. The random matrices are drawn by the book's
torch.normal call (checked on shape and dtype) and then replaced by the same draws from
NumPy in both runs (d2l.normal, marked).
"""
import torch

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True); y = torch.sigmoid(x); y.backward(torch.ones_like(x))")
x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))

cell("[not in the book] the plot's data as tensors")
print(repr(y.detach()[::8]))
print(repr(x.grad[::8]), repr(x.grad.max()), int(x.grad.argmax()))

cell("d2l.plot(x.detach().numpy(), [y.detach().numpy(), x.grad.numpy()], ...)  [what plot gets]")
X, Y = x.detach().numpy(), [y.detach().numpy(), x.grad.numpy()]
print(type(X).__name__, X.dtype, X.shape, [a.dtype for a in Y], Y[1][75:85])

cell("M = torch.normal(0, 1, size=(4,4)); print('一个矩阵 \\n',M)")
M = torch.normal(0, 1, size=(4,4))
print(M.shape, M.dtype)
M = d2l.normal(0, 1, (4, 4))  # [the same draw in both runs]
print('一个矩阵 \n',M)

cell("for i in range(100): M = torch.mm(M,torch.normal(0, 1, size=(4, 4))); print('乘以100个矩阵后\\n', M)")
for i in range(100):
    M = torch.mm(M,d2l.normal(0, 1, size=(4, 4)))  # [torch.normal -> d2l.normal]

print('乘以100个矩阵后\n', M)
