"""D2L (en, d2l.ai v1) 2.3 Linear Algebra / chapter_preliminaries/linear-algebra.md, the pytorch cells.

Each cell's displayed value is printed with print(repr(...)).
"""
import torch


def cell(title):
    print(f"-- {title}")


cell("x + y, x * y, x / y, x**y")
x = torch.tensor(3.0)
y = torch.tensor(2.0)
print(repr((x + y, x * y, x / y, x**y)))

cell("x = torch.arange(3); x")
x = torch.arange(3)
print(repr(x))

cell("x[2]")
print(repr(x[2]))

cell("len(x)")
print(repr(len(x)))

cell("x.shape")
print(repr(x.shape))

cell("A = torch.arange(6).reshape(3, 2); A")
A = torch.arange(6).reshape(3, 2)
print(repr(A))

cell("A.T")
print(repr(A.T))

cell("A = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]]); A == A.T")
A = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]])
print(repr(A == A.T))

cell("torch.arange(24).reshape(2, 3, 4)")
print(repr(torch.arange(24).reshape(2, 3, 4)))

cell("A, A + B")
A = torch.arange(6, dtype=torch.float32).reshape(2, 3)
B = A.clone()  # Assign a copy of A to B by allocating new memory
print(repr((A, A + B)))

cell("A * B")
print(repr(A * B))

cell("a + X, (a * X).shape")
a = 2
X = torch.arange(24).reshape(2, 3, 4)
print(repr((a + X, (a * X).shape)))

cell("x, x.sum()")
x = torch.arange(3, dtype=torch.float32)
print(repr((x, x.sum())))

cell("A.shape, A.sum()")
print(repr((A.shape, A.sum())))

cell("A.shape, A.sum(axis=0).shape")
print(repr((A.shape, A.sum(axis=0).shape)))

cell("A.shape, A.sum(axis=1).shape")
print(repr((A.shape, A.sum(axis=1).shape)))

cell("A.sum(axis=[0, 1]) == A.sum()")
print(repr(A.sum(axis=[0, 1]) == A.sum()))  # Same as A.sum()

cell("A.mean(), A.sum() / A.numel()")
print(repr((A.mean(), A.sum() / A.numel())))

cell("A.mean(axis=0), A.sum(axis=0) / A.shape[0]")
print(repr((A.mean(axis=0), A.sum(axis=0) / A.shape[0])))

cell("sum_A = A.sum(axis=1, keepdims=True); sum_A, sum_A.shape")
sum_A = A.sum(axis=1, keepdims=True)
print(repr((sum_A, sum_A.shape)))

cell("A / sum_A")
print(repr(A / sum_A))

cell("A.cumsum(axis=0)")
print(repr(A.cumsum(axis=0)))

cell("x, y, torch.dot(x, y)")
y = torch.ones(3, dtype = torch.float32)
print(repr((x, y, torch.dot(x, y))))

cell("torch.sum(x * y)")
print(repr(torch.sum(x * y)))

cell("A.shape, x.shape, torch.mv(A, x), A@x")
print(repr((A.shape, x.shape, torch.mv(A, x), A@x)))

cell("B = torch.ones(3, 4); torch.mm(A, B), A@B")
B = torch.ones(3, 4)
print(repr((torch.mm(A, B), A@B)))

cell("u = torch.tensor([3.0, -4.0]); torch.norm(u)")
u = torch.tensor([3.0, -4.0])
print(repr(torch.norm(u)))

cell("torch.abs(u).sum()")
print(repr(torch.abs(u).sum()))

cell("torch.norm(torch.ones((4, 9)))")
print(repr(torch.norm(torch.ones((4, 9)))))
