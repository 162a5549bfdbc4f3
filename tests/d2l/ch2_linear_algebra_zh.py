"""D2L (zh, zh-v2.d2l.ai) 2.3 线性代数 / chapter_preliminaries/linear-algebra.md, the pytorch cells.

Each cell's displayed value is printed with print(repr(...)).
"""
import torch


def cell(title):
    print(f"-- {title}")


cell("x + y, x * y, x / y, x**y")
x = torch.tensor(3.0)
y = torch.tensor(2.0)
print(repr((x + y, x * y, x / y, x**y)))

cell("x = torch.arange(4); x")
x = torch.arange(4)
print(repr(x))

cell("x[3]")
print(repr(x[3]))

cell("len(x)")
print(repr(len(x)))

cell("x.shape")
print(repr(x.shape))

cell("A = torch.arange(20).reshape(5, 4); A")
A = torch.arange(20).reshape(5, 4)
print(repr(A))

cell("A.T")
print(repr(A.T))

cell("B = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]]); B")
B = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]])
print(repr(B))

cell("B == B.T")
print(repr(B == B.T))

cell("X = torch.arange(24).reshape(2, 3, 4); X")
X = torch.arange(24).reshape(2, 3, 4)
print(repr(X))

cell("A, A + B")
A = torch.arange(20, dtype=torch.float32).reshape(5, 4)
B = A.clone()  # 通过分配新内存，将A的一个副本分配给B
print(repr((A, A + B)))

cell("A * B")
print(repr(A * B))

cell("a + X, (a * X).shape")
a = 2
X = torch.arange(24).reshape(2, 3, 4)
print(repr((a + X, (a * X).shape)))

cell("x, x.sum()")
x = torch.arange(4, dtype=torch.float32)
print(repr((x, x.sum())))

cell("A.shape, A.sum()")
print(repr((A.shape, A.sum())))

cell("A_sum_axis0, A_sum_axis0.shape")
A_sum_axis0 = A.sum(axis=0)
print(repr((A_sum_axis0, A_sum_axis0.shape)))

cell("A_sum_axis1, A_sum_axis1.shape")
A_sum_axis1 = A.sum(axis=1)
print(repr((A_sum_axis1, A_sum_axis1.shape)))

cell("A.sum(axis=[0, 1])")
print(repr(A.sum(axis=[0, 1])))  # 结果和A.sum()相同

cell("A.mean(), A.sum() / A.numel()")
print(repr((A.mean(), A.sum() / A.numel())))

cell("A.mean(axis=0), A.sum(axis=0) / A.shape[0]")
print(repr((A.mean(axis=0), A.sum(axis=0) / A.shape[0])))

cell("sum_A = A.sum(axis=1, keepdims=True); sum_A")
sum_A = A.sum(axis=1, keepdims=True)
print(repr(sum_A))

cell("A / sum_A")
print(repr(A / sum_A))

cell("A.cumsum(axis=0)")
print(repr(A.cumsum(axis=0)))

cell("x, y, torch.dot(x, y)")
y = torch.ones(4, dtype = torch.float32)
print(repr((x, y, torch.dot(x, y))))

cell("torch.sum(x * y)")
print(repr(torch.sum(x * y)))

cell("A.shape, x.shape, torch.mv(A, x)")
print(repr((A.shape, x.shape, torch.mv(A, x))))

cell("B = torch.ones(4, 3); torch.mm(A, B)")
B = torch.ones(4, 3)
print(repr(torch.mm(A, B)))

cell("u = torch.tensor([3.0, -4.0]); torch.norm(u)")
u = torch.tensor([3.0, -4.0])
print(repr(torch.norm(u)))

cell("torch.abs(u).sum()")
print(repr(torch.abs(u).sum()))

cell("torch.norm(torch.ones((4, 9)))")
print(repr(torch.norm(torch.ones((4, 9)))))
