"""D2L (en, d2l.ai v1) 2.5 Automatic Differentiation / chapter_preliminaries/autograd.md, the
pytorch cells.

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
x.requires_grad_(True)  # Better create `x = torch.arange(4.0, requires_grad=True)`
print(repr(x.grad))     # The default value is None

cell("torch.arange(4.0, requires_grad=True)  [the comment's form]")
print(repr(torch.arange(4.0, requires_grad=True)))

cell("y = 2 * torch.dot(x, x); y")
y = 2 * torch.dot(x, x)
print(repr(y))

cell("y.backward(); x.grad")
y.backward()
print(repr(x.grad))

cell("x.grad == 4 * x")
print(repr(x.grad == 4 * x))

cell("x.grad.zero_(); y = x.sum(); y.backward(); x.grad")
x.grad.zero_()  # Reset the gradient
y = x.sum()
y.backward()
print(repr(x.grad))

cell("y.backward(gradient=torch.ones(len(y))); x.grad")
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))  # Faster: y.sum().backward()
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
