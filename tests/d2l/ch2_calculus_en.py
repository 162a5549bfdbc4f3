"""D2L (en, d2l.ai v1) 2.4 Calculus / chapter_preliminaries/calculus.md, the pytorch cells.

The book's pytorch cells compute on Python floats and NumPy arrays (no torch call) and plot
with matplotlib through d2l. The plotting is skipped; the data handed to plot() is kept and
run through plot()'s own has_one_axis() test. The last cell (not in the book) hands tensors
to the same code, as later chapters do (d2l.plot(x.detach(), y.detach())): plot() relies on
.ndim, len() and np.asarray(tensor).
"""
import numpy as np


def cell(title):
    print(f"-- {title}")


def f(x):
    return 3 * x ** 2 - 4 * x


cell("for h in 10.0**np.arange(-1, -6, -1)")
for h in 10.0**np.arange(-1, -6, -1):
    print(f'h={h:.5f}, numerical limit={(f(1+h)-f(1))/h:.5f}')


def has_one_axis(X):  # True if `X` (tensor or list) has 1 axis  (from d2l.plot)
    return (hasattr(X, "ndim") and X.ndim == 1 or isinstance(X, list)
            and not hasattr(X[0], "__len__"))


cell("x = np.arange(0, 3, 0.1); plot(x, [f(x), 2 * x - 3], ...)  [data only]")
x = np.arange(0, 3, 0.1)
X, Y = x, [f(x), 2 * x - 3]
print(has_one_axis(X), has_one_axis(Y), len(X), [len(y) for y in Y])
print(repr(Y[0][:5]), repr(Y[1][-3:]))

cell("[not in the book] the same plot data as tensors")
import torch

x = torch.arange(0, 3, 0.1)
X, Y = x, [f(x), 2 * x - 3]
print(repr(x.dtype), has_one_axis(X), has_one_axis(Y), len(X), [len(y) for y in Y])
print(repr(Y[0][:5]))
print(repr(np.asarray(Y[0])[:5]), np.asarray(Y[1]).shape)
