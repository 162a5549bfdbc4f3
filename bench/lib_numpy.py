"""The limits: the workloads of ``bench.workloads`` written by hand on raw arrays — NumPy on
the CPU, CuPy on CUDA (the same code, ``xp`` is the module). No graph, no wrappers: what a
NumPy (or CuPy) engine would reach if its overhead were zero.

The MLP step is the best plain NumPy formulation we know, written by hand: float32
throughout, weights stored (out, in) as nn.Linear does (forward ``x @ W.T``, backward
``g.T @ x`` and ``g @ W``), OpenBLAS's faster ``(W @ x.T).T`` for a small batch, softmax
cross-entropy with its closed-form gradient, ReLU masks from the pre-activations, no
gradient for the input batch, in-place temporaries and an SGD update without a
parameter-sized temporary. When gradkit's backend learns a faster NumPy idiom, this limit
should learn it too, or the ratio stops measuring the engine.
"""
from __future__ import annotations

import functools
import importlib.util
import math
import os

from . import memory, workloads as W


def _xp(device):
    if device.startswith("cuda"):
        import cupy

        if ":" in device:  # kernels, events and arrays all go to the current device
            cupy.cuda.Device(int(device.split(":")[1])).use()
        return cupy
    import numpy

    _keep_freed_memory()
    return numpy


@functools.cache
def _keep_freed_memory():
    """The malloc setting gradkit's CPU backend makes (backends/_malloc.py: no page faults
    for every large temporary), so that the limit gets what the engine gets."""
    return _backend_module("_malloc").keep_freed_memory()


def _backend_module(name):
    """One of the backends' dependency-free helper modules, loaded by path: this worker
    imports no gradkit."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "backends", name + ".py")
    spec = importlib.util.spec_from_file_location("_bench" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def info():
    import numpy

    out = {"numpy": numpy.__version__}
    try:
        import cupy  # noqa: F401  (only where a worker runs on CUDA is this reached with cupy)

        out["cupy"] = cupy.__version__
    except ImportError:
        pass
    return out


def clock_for(device):
    from .timing import CpuClock, CupyClock

    if device.startswith("cuda"):
        _xp(device)
        return CupyClock()
    return CpuClock()


def _rng():
    import numpy

    return numpy.random.default_rng(0)


def _randn(xp, rng, *shape):
    return xp.asarray(rng.standard_normal(shape, dtype="float32"))


# -- engine overhead: the same math on raw arrays ----------------------------------------------
def one_op(device):
    xp, rng = _xp(device), _rng()
    a, b = _randn(xp, rng, *W.OP_SHAPE), _randn(xp, rng, *W.OP_SHAPE)

    def run():
        a * b

    return run


def chain(device):
    """The chain forward, then its backward written out by hand."""
    xp, rng = _xp(device), _rng()
    w = _randn(xp, rng, *W.OP_SHAPE) * 0.1 + 1.0
    c = _randn(xp, rng, *W.OP_SHAPE) * 0.1
    x = _randn(xp, rng, *W.OP_SHAPE)
    names = W.chain_ops()

    def run():
        y = x
        tanh_out = []
        for name in names:
            if name == "mul":
                y = y * w
            elif name == "add":
                y = y + c
            elif name == "tanh":
                y = xp.tanh(y)
                tanh_out.append(y)
            else:
                y = y * 0.5
        y.sum()
        g = xp.ones_like(y)
        for name in reversed(names):
            if name == "mul":
                g = g * w
            elif name == "tanh":
                t = tanh_out.pop()
                g = g * (1.0 - t * t)
            elif name == "scale":
                g = g * 0.5
        return g

    return run


# -- the hand-written MLP step --------------------------------------------------------------------
def init_mlp(xp, rng, dims=W.MLP_DIMS):
    """PyTorch's nn.Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and its
    (out, in) weight layout, so the BLAS calls are the ones gradkit and PyTorch make."""
    params = []
    for n_in, n_out in zip(dims[:-1], dims[1:]):
        bound = 1.0 / math.sqrt(n_in)
        for shape in ((n_out, n_in), (n_out,)):
            p = rng.random(shape, dtype="float32")
            p *= 2 * bound
            p -= bound
            params.append(xp.asarray(p))
    return params


def matmul_nt(xp, a, b):
    """a @ b.T. On NumPy, for a small batch through a wide layer (a has at most a quarter of
    b's rows) OpenBLAS is faster at (b @ a.T).T: 1.7x at 16 x 784 -> 256, even at 64 rows,
    and slower from 128 rows on (1.2x at 128 x 256 -> 256, 1.3-1.5x at 1024 rows; measured
    on the 2-core box, one thread). The result is made row-major again so the elementwise
    ops that follow do not mix memory orders. cuBLAS needs no such help."""
    if xp.__name__ == "numpy" and 4 * a.shape[0] <= b.shape[0]:
        return xp.ascontiguousarray((b @ a.T).T)
    return a @ b.T


def mlp_step(xp, params, X, y, rows, lr=W.LR):
    """One SGD step of the 3-layer ReLU MLP with mean cross-entropy; returns the loss array.
    Temporaries are updated in place where the math allows (bias adds, softmax, the scaled
    gradient in the SGD update), so the step allocates only what it must."""
    W1, b1, W2, b2, W3, b3 = params
    h1 = matmul_nt(xp, X, W1)
    h1 += b1
    a1 = xp.maximum(h1, 0)
    h2 = matmul_nt(xp, a1, W2)
    h2 += b2
    a2 = xp.maximum(h2, 0)
    z = matmul_nt(xp, a2, W3)
    z += b3
    loss, g = cross_entropy_and_grad(xp, z, y, rows)
    dW3, db3 = g.T @ a2, g.sum(axis=0)
    g = g @ W3
    g *= h2 > 0
    dW2, db2 = g.T @ a1, g.sum(axis=0)
    g = g @ W2
    g *= h1 > 0
    dW1, db1 = g.T @ X, g.sum(axis=0)
    for p, d in zip(params, (dW1, db1, dW2, db2, dW3, db3)):
        _sgd_update(xp, p, d, lr)
    return loss


def cross_entropy_and_grad(xp, z, y, rows):
    """The mean cross-entropy of the logits ``z`` (N, C) against the classes ``y`` at ``rows``
    (arange(N)), and its gradient in ``z``, made in place of ``z``'s shifted exponentials (``z``
    itself is shifted in place)."""
    z -= z.max(axis=1, keepdims=True)
    g = xp.exp(z)
    s = g.sum(axis=1, keepdims=True)
    loss = (xp.log(s[:, 0]) - z[rows, y]).mean()
    g /= s                                   # softmax
    g[rows, y] -= 1.0
    g /= z.shape[0]                          # d loss / d logits
    return loss, g


def _sgd_update(xp, p, d, lr):
    """p -= lr * d, scaling d in place (its owner needs it no more), or in BLAS's one pass
    where gradkit's CPU backend makes one (backends/_blas.py: large float arrays)."""
    blas = _blas_axpy(p.dtype) if xp.__name__ == "numpy" else None
    if blas is not None and p.size >= _blas().AXPY_MIN_SIZE:
        address = _blas().address  # (the backend's fast pointer read: .ctypes.data costs ~1 µs more)
        blas(p.size, -lr, address(d), 1, address(p), 1)
        return
    d *= lr
    p -= d


@functools.cache
def _blas():
    return _backend_module("_blas")


@functools.cache
def _blas_axpy(dtype):
    return _blas().axpy_for(dtype)


def mlp_step_fn(device, batch):
    xp, rng = _xp(device), _rng()
    params = init_mlp(xp, rng)
    X = _randn(xp, rng, batch, W.MLP_DIMS[0])
    y = xp.asarray(rng.integers(0, W.MLP_DIMS[-1], batch))
    rows = xp.arange(batch)
    return lambda: mlp_step(xp, params, X, y, rows)


def raw_mlp_arith(xp, params, X, y, rows, lr=W.LR):
    """The raw-parameter MLP program's own arithmetic (bench/models.py ``raw_mlp_step``) with no
    library around it: weights stored (in, out), so ``X @ W1``, and the update as the program
    writes it, ``p -= lr * p.grad`` (a scaled temporary, then the subtraction), where the
    hand-written limit ``mlp_step`` makes one BLAS axpy. Temporaries are reused in place as in
    ``mlp_step``. Not a limit: it shows what the program costs before any library overhead."""
    W1, b1, W2, b2, W3, b3 = params
    h1 = X @ W1
    h1 += b1
    a1 = xp.maximum(h1, 0)
    h2 = a1 @ W2
    h2 += b2
    a2 = xp.maximum(h2, 0)
    z = a2 @ W3
    z += b3
    loss, g = cross_entropy_and_grad(xp, z, y, rows)
    dW3, db3 = a2.T @ g, g.sum(axis=0)
    g = g @ W3.T
    g *= h2 > 0
    dW2, db2 = a1.T @ g, g.sum(axis=0)
    g = g @ W2.T
    g *= h1 > 0
    dW1, db1 = X.T @ g, g.sum(axis=0)
    for p, d in zip(params, (dW1, db1, dW2, db2, dW3, db3)):
        p -= lr * d
    return loss


def raw_mlp_arith_fn(device, batch):
    xp, rng = _xp(device), _rng()
    params = [p.T.copy() if p.ndim == 2 else p for p in init_mlp(xp, rng)]  # (in, out), C-ordered
    X = _randn(xp, rng, batch, W.MLP_DIMS[0])
    y = xp.asarray(rng.integers(0, W.MLP_DIMS[-1], batch))
    rows = xp.arange(batch)
    return lambda: raw_mlp_arith(xp, params, X, y, rows)


# -- sweeps ---------------------------------------------------------------------------------------
def matmul(device, n):
    xp, rng = _xp(device), _rng()
    a, b = _randn(xp, rng, n, n), _randn(xp, rng, n, n)
    return lambda: a @ b


def elementwise(device, n):
    xp, rng = _xp(device), _rng()
    x = _randn(xp, rng, n)
    return lambda: xp.maximum(x * 2.0 + 1.0, 0)


# no CNN: a hand-written convolution would measure the writer, not a limit
# raw_mlp_step: the raw-parameter MLP does the arithmetic of the module step, so its limit is the same
BUILDERS = {"one_op": one_op, "chain": chain, "mlp_step": mlp_step_fn, "raw_mlp_step": mlp_step_fn,
            "raw_mlp_arith": raw_mlp_arith_fn, "matmul": matmul,
            "elementwise": elementwise}


# -- memory -------------------------------------------------------------------------------------
def memory_run(device, cfg):
    import numpy

    xp, rng = _xp(device), _rng()
    X = _randn(xp, rng, W.MEMORY_BATCH, W.MLP_DIMS[0])
    y = xp.asarray(rng.integers(0, W.MLP_DIMS[-1], W.MEMORY_BATCH))
    rows = xp.arange(W.MEMORY_BATCH)

    def train():
        params = init_mlp(xp, numpy.random.default_rng(1))
        for _ in range(W.MEMORY_STEPS):
            loss = mlp_step(xp, params, X, y, rows)
        return float(loss)

    return memory.profile(train, traced=device == "cpu")


# no digits run: the hand-written step is the limit the step section compares against
ONE_SHOT = {"memory": memory_run}
