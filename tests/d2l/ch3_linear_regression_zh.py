"""D2L (zh, zh-v2.d2l.ai) 3.1 线性回归 / chapter_linear-networks/linear-regression.md, the
pytorch cells (矢量化加速, 正态分布与平方损失).

The timings the book displays are not compared (they differ from run to run); the cells'
results are printed instead. The normal-density cell computes on NumPy (no torch call); the
plot is skipped and the data it gets is printed.
"""
import math
import time

import numpy as np
import torch

import _d2l as d2l


def cell(title):
    print(f"-- {title}")


cell("n = 10000; a = d2l.ones(n); b = d2l.ones(n)  [also d2l.ones([n]), d2l.zeros(n)]")
n = 10000
a = d2l.ones(n)
b = d2l.ones(n)
print(repr(a), a.shape, repr(d2l.ones([n])[:3]), repr(d2l.zeros(n)[-2:]))


class Timer:  #@save
    """记录多次运行时间"""
    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        """启动计时器"""
        self.tik = time.time()

    def stop(self):
        """停止计时器并将时间记录在列表中"""
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def avg(self):
        """返回平均时间"""
        return sum(self.times) / len(self.times)

    def sum(self):
        """返回时间总和"""
        return sum(self.times)

    def cumsum(self):
        """返回累计时间"""
        return np.array(self.times).cumsum().tolist()


cell("c = d2l.zeros(n); timer = Timer(); for i in range(n): c[i] = a[i] + b[i]; f'{timer.stop():.5f} sec'  [c, not the time]")
c = d2l.zeros(n)
timer = Timer()
for i in range(n):
    c[i] = a[i] + b[i]
t_loop = timer.stop()
print(repr(c), c.dtype, isinstance(t_loop, float), repr(a[0]), repr(a[0] + b[0]))

cell("timer.start(); d = a + b; f'{timer.stop():.5f} sec'  [d, not the time]")
timer.start()
d = a + b
t_vec = timer.stop()
print(repr(d), bool((c == d).all()), len(timer.times), isinstance(timer.avg(), float), len(timer.cumsum()))


def normal(x, mu, sigma):
    p = 1 / math.sqrt(2 * math.pi * sigma**2)
    return p * np.exp(-0.5 / sigma**2 * (x - mu)**2)


cell("x = np.arange(-7, 7, 0.01); params = [(0, 1), (0, 2), (3, 1)]; d2l.plot(x, [normal(x, mu, sigma) ...])  [data only]")
# 再次使用numpy进行可视化
x = np.arange(-7, 7, 0.01)

# 均值和标准差对
params = [(0, 1), (0, 2), (3, 1)]
ys = [normal(x, mu, sigma) for mu, sigma in params]
print(x.shape, [f'{float(y.max()):.6f}' for y in ys], [f'mean {mu}, std {sigma}' for mu, sigma in params])

cell("[not in the book] the same density with torch")
xt = torch.arange(-7, 7, 0.01)
p = 1 / math.sqrt(2 * math.pi * 1**2)
yt = p * torch.exp(-0.5 / 1**2 * (xt - 0)**2)
print(xt.shape, xt.dtype, repr(yt[695:705]), repr(yt.max()))
