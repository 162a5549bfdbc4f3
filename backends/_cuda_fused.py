"""The CuPy backend's fused kernels: each method replaces a portable kernel of the same name
(``kernels/``) by one launch of a kernel from ``_cuda_sources``, where the portable form
takes several array passes, and hands anything the fused kernel does not cover (another
dtype, a non-contiguous row layout, mixed dtypes) to the portable form, which computes the
same math on any backend. Mixed in before ``Backend`` so that ``super()`` is the portable
kernel.
"""
from __future__ import annotations

import numpy as np

from ._cuda_sources import (ADAM_SCALARS, AMSGRAD, DAMPENED, DECOUPLED, FIRST_STEP, KERNELS, L2_DECAY, NESTEROV,
                            PREAMBLE, SGD_SCALARS, SMALL_LERP)

_compiled = {}
_tables = {}  # the optimizers' device-side pointer tables, by device, sizes and addresses
_MAX_TABLES = 64


def kernel(cp, name, dtype=None):
    """The ElementwiseKernel ``name``, built on first use (CuPy compiles it per dtype on its
    first launch); ``dtype`` as ``kernel_arguments`` takes it."""
    key = name, dtype
    compiled = _compiled.get(key)
    if compiled is None:
        in_params, out_params, body, preamble = kernel_arguments(name, dtype)
        compiled = _compiled[key] = cp.ElementwiseKernel(in_params, out_params, body, f"gradkit_{name}",
                                                         preamble=preamble)
    return compiled


def kernel_arguments(name, dtype=None):
    """(in_params, out_params, operation, preamble) of the kernel ``name`` as CuPy is given
    them. ``dtype``: for kernels whose arrays are all untyped (the optimizers' pointer
    tables), the dtype T stands for, substituted into the source."""
    spec = KERNELS[name]
    in_params, out_params, body = spec.in_params, spec.out_params, spec.body
    if spec.typed:
        in_params, out_params = (_bind(p, dtype) for p in (in_params, out_params))
        body = f"typedef {_C_NAMES[dtype]} T;\n{body}"
    return in_params, out_params, body, PREAMBLE + spec.preamble


_C_NAMES = {"float32": "float", "float64": "double"}


def _bind(params, dtype):
    return ", ".join(" ".join(dtype if w == "T" else w for w in p.split()) for p in params.split(","))


def _floats(*arrays):
    """Whether the arrays share one dtype, float32 or float64 (the kernels' T)."""
    dtype = arrays[0].dtype
    return dtype.char in "fd" and all(a.dtype == dtype for a in arrays[1:])


def _same(*arrays):
    """One float dtype and one shape: the binary kernels' operands (a gradient and what it
    scales); broadcasting cases take the portable path."""
    return _floats(*arrays) and all(a.shape == arrays[0].shape for a in arrays[1:])


# A row kernel's thread walks its row alone: beyond this many columns a few long rows would
# keep most of the GPU idle, and the portable form's reductions (parallel within a row) win.
MAX_ROW_COLS = 2048


def _rows(a, axis):
    """The number of rows when ``axis`` is ``a``'s last, contiguous axis of at most
    MAX_ROW_COLS elements (thread i owns row i), else None."""
    if a.ndim == 0 or axis not in (-1, a.ndim - 1) or not a.flags.c_contiguous or a.dtype.char not in "fd":
        return None
    cols = a.shape[-1]
    if cols == 0 or a.size == 0 or cols > MAX_ROW_COLS:
        return None
    return a.size // cols


def _fused_or_portable(name, form, method_name=None):
    """The backend method ``method_name`` (default ``name``): the fused kernel ``name`` launched
    through ``form`` (a FusedCudaKernels method answering None where the kernel does not apply),
    else the portable kernel of the same method name."""
    method_name = method_name or name

    def method(self, *args):
        out = getattr(self, form)(name, *args)
        return getattr(super(FusedCudaKernels, self), method_name)(*args) if out is None else out

    method.__name__ = method.__qualname__ = method_name
    return method


class FusedCudaKernels:
    _cupy = None  # set by the CuPy backend

    def _unary(self, name, a, *scalars):
        if a.dtype.char not in "fd":
            return None
        out = self._cupy.empty_like(a)
        kernel(self._cupy, name)(a, *scalars, out)
        return out

    def _binary(self, name, x, g, *scalars):
        if not _same(x, g):
            return None
        out = self._cupy.empty_like(g)
        kernel(self._cupy, name)(x, g, *scalars, out)
        return out

    # -- activations ------------------------------------------------------------------
    relu = _fused_or_portable("relu", "_unary")
    sigmoid = _fused_or_portable("sigmoid", "_unary")
    hardswish = _fused_or_portable("hardswish", "_unary")
    hardsigmoid = _fused_or_portable("hardsigmoid", "_unary")
    relu_backward = _fused_or_portable("relu_backward", "_binary")
    sigmoid_backward = _fused_or_portable("sigmoid_backward", "_binary")
    tanh_backward = _fused_or_portable("tanh_backward", "_binary")
    hardswish_backward = _fused_or_portable("hardswish_backward", "_binary")
    hardsigmoid_backward = _fused_or_portable("hardsigmoid_backward", "_binary")

    def hardtanh_backward(self, x, g, min_val, max_val):
        dx = self._binary("hardtanh_backward", x, g, min_val, max_val)
        return super().hardtanh_backward(x, g, min_val, max_val) if dx is None else dx

    def gelu_and_cdf(self, a):
        if a.dtype.char not in "fd":
            return super().gelu_and_cdf(a)
        cp = self._cupy
        y, cdf = cp.empty_like(a), cp.empty_like(a)
        kernel(cp, "gelu_and_cdf")(a, y, cdf)
        return y, cdf

    def gelu_backward(self, x, g, cdf=None):
        if not _same(x, g) or (cdf is not None and not _same(x, cdf)):
            return super().gelu_backward(x, g, cdf)
        if cdf is None:
            cdf = self.gelu_and_cdf(x)[1]
        dx = self._cupy.empty_like(g)
        kernel(self._cupy, "gelu_backward")(x, g, cdf, dx)
        return dx

    # -- bias + activation (a simple RNN's cell) --------------------------------------------
    def _bias_act(self, name, a, b):
        if not _floats(a, b) or a.shape != b.shape and b.shape != a.shape[-1:]:
            return None
        out = self._cupy.empty(a.shape, a.dtype)
        kernel(self._cupy, name)(a, b, out)
        return out

    rnn_tanh_cell = _fused_or_portable("bias_tanh", "_bias_act", "rnn_tanh_cell")
    rnn_relu_cell = _fused_or_portable("bias_relu", "_bias_act", "rnn_relu_cell")

    # -- dropout ----------------------------------------------------------------------
    def dropout(self, x, u, keep_prob):
        if not _same(x, u):
            return super().dropout(x, u, keep_prob)
        cp = self._cupy
        out, mask = cp.empty_like(x), cp.empty_like(x)
        kernel(cp, "dropout")(x, u, keep_prob, 1.0 / keep_prob, out, mask)
        return out, mask

    # -- softmax family (along the last axis of a C-contiguous array) -------------------
    def _row_kernel(self, name, a, *others):
        rows = _rows(a, -1)
        if rows is None or not all(o.shape == a.shape and o.flags.c_contiguous and o.dtype == a.dtype
                                   for o in others):
            return None
        out = self._cupy.empty_like(a)
        kernel(self._cupy, name)(a, *others, a.shape[-1], out, size=rows)
        return out

    def softmax(self, a, axis):
        out = self._row_kernel("softmax_rows", a) if axis in (-1, a.ndim - 1) else None
        return super().softmax(a, axis) if out is None else out

    def log_softmax(self, a, axis):
        out = self._row_kernel("log_softmax_rows", a) if axis in (-1, a.ndim - 1) else None
        return super().log_softmax(a, axis) if out is None else out

    def softmax_backward(self, out, g, axis):
        dx = self._row_kernel("softmax_backward_rows", out, g) if axis in (-1, out.ndim - 1) else None
        return super().softmax_backward(out, g, axis) if dx is None else dx

    def log_softmax_backward(self, out, g, axis):
        dx = self._row_kernel("log_softmax_backward_rows", out, g) if axis in (-1, out.ndim - 1) else None
        return super().log_softmax_backward(out, g, axis) if dx is None else dx

    # -- cross-entropy ------------------------------------------------------------------
    def cross_entropy_rows(self, x, target, ignore_index, check):
        rows = _rows(x, -1)
        if rows is None or x.ndim != 2 or target.dtype != np.int64 or not target.flags.c_contiguous:
            return super().cross_entropy_rows(x, target, ignore_index, check)
        cp = self._cupy
        logp, loss, valid = cp.empty_like(x), cp.empty(rows, x.dtype), cp.empty(rows, bool)
        kernel(cp, "cross_entropy_rows")(x, target, ignore_index, x.shape[1], check, logp, loss, valid, size=rows)
        return logp, loss, valid

    def cross_entropy_backward(self, logits, g, logp, target, row_weight, valid=None):
        if _rows(logp, -1) is None or logp.ndim != 2 or g.dtype != logp.dtype or target.dtype != np.int64 \
                or not target.flags.c_contiguous:
            return super().cross_entropy_backward(logits, g, logp, target, row_weight, valid)
        cp = self._cupy
        n, c = logp.shape
        s = g * -row_weight  # each row's loss gradient times -its weight: nll's only nonzero per row
        if valid is not None:  # a row not counted: +0. and no target (its class gets z too)
            s, target = cp.where(valid, s, 0), cp.where(valid, target, -1)
        s, z = (cp.ascontiguousarray(cp.broadcast_to(a, (n,)).astype(logp.dtype, copy=False)) for a in (s, g * 0))
        dx = cp.empty_like(logp)
        kernel(cp, "cross_entropy_backward")(logp, target, s, z, c, dx)
        return dx

    # -- attention's masked softmax -------------------------------------------------------
    def masked_softmax(self, s, mask, scale):
        rows = _rows(s, -1)
        if rows is None:
            return super().masked_softmax(s, mask, scale)
        cp = self._cupy
        cols = s.shape[-1]
        p = cp.empty_like(s)
        if mask is None:
            kernel(cp, "attention_softmax_rows")(s, scale, cols, p, size=rows)
            return p
        # a mask of one (L, S) plane shared by every batch and head (causal, or a fixed
        # additive mask): row i of the scores reads the mask's row i % L
        if mask.ndim < 2 or mask.shape[-1] != cols or any(d != 1 for d in mask.shape[:-2]) \
                or not mask.flags.c_contiguous or s.ndim < 2 or mask.shape[-2] != s.shape[-2]:
            return super().masked_softmax(s, mask, scale)
        if mask.dtype == bool:
            kernel(cp, "attention_softmax_bool_rows")(s, mask, scale, cols, mask.shape[-2], p, size=rows)
        elif mask.dtype == s.dtype:
            kernel(cp, "attention_softmax_float_rows")(s, mask, scale, cols, mask.shape[-2], p, size=rows)
        else:
            return super().masked_softmax(s, mask, scale)
        return p

    # -- optimizers: a parameter group in one launch ------------------------------------------
    def axpy_(self, y, alpha, x):
        if _same(y, x) and y.flags.c_contiguous and x.flags.c_contiguous and y.size:
            import cupy.cublas  # (a submodule ``import cupy`` leaves out)

            cupy.cublas.axpy(alpha, x.reshape(-1), y.reshape(-1))
        else:
            super().axpy_(y, alpha, x)

    def _group_tables(self, dtype, *tables):
        """(starts, pointer tables, total size) on the device for arrays of ``dtype`` (None when
        an array is not C-contiguous or of another dtype, or shapes differ across tables: the
        portable per-tensor loop takes the group). The device copies are kept per set of
        addresses and sizes: a training loop updates the same tensors every step, so after the
        first step no table crosses to the device (nor during a CUDA graph capture, where a
        host-to-device copy is not allowed)."""
        first = tables[0]
        for table in tables:
            for a in table:
                if a.dtype != dtype or not a.flags.c_contiguous:
                    return None
        if any(a.shape != b.shape for table in tables[1:] for a, b in zip(first, table)):
            return None
        sizes = tuple(a.size for a in first)
        addresses = tuple(tuple(a.data.ptr for a in table) for table in tables)
        key = (self._cupy.cuda.runtime.getDevice(), sizes, addresses)
        found = _tables.get(key)
        if found is None:
            if len(_tables) >= _MAX_TABLES:
                _tables.clear()
            cp = self._cupy
            starts = np.zeros(len(first) + 1, dtype=np.int64)
            np.cumsum(sizes, out=starts[1:])
            pointers = [cp.asarray(np.array(table, dtype=np.uint64)) for table in addresses]
            found = _tables[key] = cp.asarray(starts), pointers, int(starts[-1])
        return found[0], list(found[1]), found[2]

    def adam_group_step_(self, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, *, lr, beta1, beta2,
                         eps, weight_decay, decoupled, maximize, lerp_weight_complement):
        dtype = params[0].dtype if params else None
        amsgrad = max_exp_avg_sqs is not None
        tables = (params, grads, exp_avgs, exp_avg_sqs) + ((max_exp_avg_sqs,) if amsgrad else ())
        found = None if dtype is None or dtype.char not in "fd" or len(set(steps)) != 1 \
            else self._group_tables(dtype, *tables)
        if found is None:
            return super().adam_group_step_(
                params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps, lr=lr, beta1=beta1, beta2=beta2,
                eps=eps, weight_decay=weight_decay, decoupled=decoupled, maximize=maximize,
                lerp_weight_complement=lerp_weight_complement)
        starts, pointers, total = found
        if not amsgrad:
            pointers.append(pointers[2])  # never read (the amsgrad flag is off)
        step = steps[0]
        weight = 1 - beta1
        flags = ((DECOUPLED if decoupled and weight_decay != 0 else 0)
                 | (L2_DECAY if not decoupled and weight_decay != 0 else 0)
                 | (SMALL_LERP if abs(weight) < 0.5 else 0) | (AMSGRAD if amsgrad else 0))
        scalars = {"decay": 1 - lr * weight_decay, "weight_decay": weight_decay, "weight": weight,
                   "weight_complement": lerp_weight_complement, "beta2": beta2, "one_minus_beta2": 1 - beta2,
                   "bias_correction2_sqrt": (1 - beta2 ** step) ** 0.5, "eps": eps,
                   "neg_step_size": -(lr / (1 - beta1 ** step))}
        kernel(self._cupy, "adam_group", dtype.name)(
            starts, len(params), *pointers[1:], flags, maximize, *(scalars[k] for k in ADAM_SCALARS), pointers[0],
            size=total)

    def sgd_momentum_group_step_(self, params, grads, bufs, *, first, lr, momentum, dampening, weight_decay,
                                 nesterov, maximize):
        dtype = params[0].dtype if params else None
        found = None if dtype is None or dtype.char not in "fd" else self._group_tables(dtype, params, grads, bufs)
        if found is None:
            return super().sgd_momentum_group_step_(
                params, grads, bufs, first=first, lr=lr, momentum=momentum, dampening=dampening,
                weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        starts, pointers, total = found
        flags = ((L2_DECAY if weight_decay != 0 else 0) | (FIRST_STEP if first else 0)
                 | (DAMPENED if dampening != 0 else 0) | (NESTEROV if nesterov else 0))
        scalars = {"weight_decay": weight_decay, "momentum": momentum, "one_minus_dampening": 1 - dampening,
                   "neg_lr": -lr}
        kernel(self._cupy, "sgd_momentum_group", dtype.name)(
            starts, len(params), *pointers[1:], flags, maximize, *(scalars[k] for k in SGD_SCALARS), pointers[0],
            size=total)

    # -- the recurrent cells: one launch per cell and step, forward and backward --------------
    def lstm_cell(self, gi, gh, c):
        if not _cell_ok(gi, gh, c):
            return super().lstm_cell(gi, gh, c)
        cp = self._cupy
        gates, h, c_new = cp.empty_like(gi), cp.empty_like(c), cp.empty_like(c)
        kernel(cp, "lstm_forward")(gi, gh, c, c.shape[-1], gates, h, c_new)
        return h, c_new, gates

    def lstm_cell_backward(self, gates, c, c_new, dh, dc):
        if not _cell_ok(gates, c, c_new, dh, dc):
            return super().lstm_cell_backward(gates, c, c_new, dh, dc)
        cp = self._cupy
        dh = cp.zeros_like(c) if dh is None else dh
        dc = cp.zeros_like(c) if dc is None else dc
        d_pre, dc_prev = cp.empty_like(gates), cp.empty_like(c)
        kernel(cp, "lstm_backward")(gates, c, c_new, dh, dc, c.shape[-1], d_pre, dc_prev)
        return d_pre, dc_prev

    def gru_cell(self, gi, gh, h):
        if not _cell_ok(gi, gh, h):
            return super().gru_cell(gi, gh, h)
        cp = self._cupy
        gates, h_new = cp.empty_like(gi), cp.empty_like(h)
        kernel(cp, "gru_forward")(gi, gh, h, h.shape[-1], gates, h_new)
        return h_new, gates

    def gru_cell_backward(self, gates, gh, h, dh):
        if not _cell_ok(gates, gh, h, dh):
            return super().gru_cell_backward(gates, gh, h, dh)
        cp = self._cupy
        dgi, dgh, dh_prev = cp.empty_like(gates), cp.empty_like(gates), cp.empty_like(h)
        kernel(cp, "gru_backward")(gates, gh, h, dh, h.shape[-1], dgi, dgh, dh_prev)
        return dgi, dgh, dh_prev


def _cell_ok(*arrays):
    """The cell kernels' arrays: 2-D, C-contiguous (the kernels index gates by row), one
    float32 or float64 dtype (None, a missing gradient, passes)."""
    present = [a for a in arrays if a is not None]
    return all(a.ndim == 2 and a.flags.c_contiguous for a in present) and _floats(*present)
