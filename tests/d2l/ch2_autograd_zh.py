"""D2L (zh, zh-v2.d2l.ai) 2.5 自动微分 / chapter_preliminaries/autograd.md, the pytorch cells.

Each cell's displayed value is printed with print(repr(...)). The control-flow example
starts from a random a; the generator is seeded so that the run is repeatable, and the
cell's displayed value (a.grad == d / a) does not depend on the value drawn.
"""
import torch

torch.manual_seed(0)


def cell(title):
    print(f"-- {title}")


cell("x = torch.arange(4.0); x")
x = torch.arange(4.0)
print(repr(x))

cell("x.requires_grad_(True); x.grad")
x.requires_grad_(True)  # 等价于x=torch.arange(4.0,requires_grad=True)
print(repr(x.grad))  # 默认值是None

cell("y = 2 * torch.dot(x, x); y")
y = 2 * torch.dot(x, x)
print(repr(y))

cell("y.backward(); x.grad")
y.backward()
print(repr(x.grad))

cell("x.grad == 4 * x")
print(repr(x.grad == 4 * x))

cell("x.grad.zero_(); y = x.sum(); y.backward(); x.grad")
# 在默认情况下，PyTorch会累积梯度，我们需要清除之前的值
x.grad.zero_()
y = x.sum()
y.backward()
print(repr(x.grad))

cell("y = x * x; y.sum().backward(); x.grad")
# 对非标量调用backward需要传入一个gradient参数，该参数指定微分函数关于self的梯度。
# 本例只想求偏导数的和，所以传递一个1的梯度是合适的
x.grad.zero_()
y = x * x
# 等价于y.backward(torch.ones(len(x)))
y.sum().backward()
print(repr(x.grad))

cell("u = y.detach(); z = u * x; z.sum().backward(); x.grad == u")
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x

z.sum().backward()
print(repr(x.grad == u))

cell("y.sum().backward(); x.grad == 2 * x")
x.grad.zero_()
y.sum().backward()
print(repr(x.grad == 2 * x))


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


cell("a = torch.randn(size=(), requires_grad=True); d = f(a); d.backward()")
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print(repr(a.shape), repr(a.dtype), repr(a.requires_grad), repr(a.is_leaf), d.grad_fn is not None)

cell("a.grad == d / a")
print(repr(a.grad == d / a))
