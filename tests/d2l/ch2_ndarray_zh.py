"""D2L (zh, zh-v2.d2l.ai) 2.1 数据操作 / chapter_preliminaries/ndarray.md, the pytorch cells.

Each cell's displayed value is printed with print(repr(...)). Changes from the book:
torch.randn prints shape/dtype (random values), and the id() prints become id comparisons
(addresses differ from run to run).
"""
import torch


def cell(title):
    print(f"-- {title}")


cell("x = torch.arange(12); x")
x = torch.arange(12)
print(repr(x))

cell("x.shape")
print(repr(x.shape))

cell("x.numel()")
print(repr(x.numel()))

cell("X = x.reshape(3, 4); X")
X = x.reshape(3, 4)
print(repr(X))

cell("torch.zeros((2, 3, 4))")
print(repr(torch.zeros((2, 3, 4))))

cell("torch.ones((2, 3, 4))")
print(repr(torch.ones((2, 3, 4))))

cell("torch.randn(3, 4)  [random: shape, dtype]")
r = torch.randn(3, 4)
print(repr(r.shape), repr(r.dtype), type(r).__name__)

cell("torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])")
print(repr(torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])))

cell("x + y, x - y, x * y, x / y, x ** y")
x = torch.tensor([1.0, 2, 4, 8])
y = torch.tensor([2, 2, 2, 2])
print(repr((x + y, x - y, x * y, x / y, x ** y)))  # **运算符是求幂运算

cell("torch.exp(x)")
print(repr(torch.exp(x)))

cell("torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1)")
X = torch.arange(12, dtype=torch.float32).reshape((3,4))
Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print(repr((torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1))))

cell("X == Y")
print(repr(X == Y))

cell("X.sum()")
print(repr(X.sum()))

cell("a, b")
a = torch.arange(3).reshape((3, 1))
b = torch.arange(2).reshape((1, 2))
print(repr((a, b)))

cell("a + b")
print(repr(a + b))

cell("X[-1], X[1:3]")
print(repr((X[-1], X[1:3])))

cell("X[1, 2] = 9; X")
X[1, 2] = 9
print(repr(X))

cell("X[0:2, :] = 12; X")
X[0:2, :] = 12
print(repr(X))

cell("before = id(Y); Y = Y + X; id(Y) == before")
before = id(Y)
Y = Y + X
print(repr(id(Y) == before))

cell("Z = torch.zeros_like(Y); Z[:] = X + Y  [id(Z) kept]")
Z = torch.zeros_like(Y)
id_before = id(Z)
Z[:] = X + Y
print('id(Z) unchanged:', id(Z) == id_before)
print(repr(Z))

cell("before = id(X); X += Y; id(X) == before")
before = id(X)
X += Y
print(repr(id(X) == before))

cell("A = X.numpy(); B = torch.tensor(A); type(A), type(B)")
A = X.numpy()
B = torch.tensor(A)
print(repr((type(A), type(B))))
print(repr(A.dtype), repr(B.dtype))

cell("a, a.item(), float(a), int(a)")
a = torch.tensor([3.5])
print(repr((a, a.item(), float(a), int(a))))
