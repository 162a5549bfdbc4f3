"""The CUDA sources of the CuPy backend's fused kernels: one ``cupy.ElementwiseKernel`` spec
each (parameters, body, preamble), data only, so that nothing here imports cupy.

CuPy compiles a kernel with NVRTC on its first call, once per dtype; ``_cuda_fused`` calls
them. The test suite compiles every spec with nvcc for sm_80 and sm_90 (syntax and type
errors surface on machines without a GPU) and runs every body on the CPU through the CuPy
test double, against the portable kernels each one replaces (same math, same order of
operations, so results agree to the device's rounding).

Two shapes of kernel:
* elementwise: plain parameters are element ``i`` of their (broadcast) arrays;
* row-wise: every array ``raw`` (indexed flat, C-contiguous), launched with ``size=rows``,
  thread ``i`` owning row ``i``: softmax-like kernels read their row twice and write it once
  (one kernel where the portable forms take four or five passes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class KernelSource:
    name: str
    in_params: str
    out_params: str
    body: str
    preamble: str = ""
    rows: bool = False  # launched with size=rows (every array raw), else elementwise
    typed: bool = False  # built per dtype with T substituted (no array argument binds it)


# Device helpers every kernel may use (T: float or double; CUDA's math overloads both).
PREAMBLE = """
template <typename T> __device__ __forceinline__ T gk_sigmoid(T x) { return T(1) / (T(1) + exp(-x)); }
template <typename T> __device__ __forceinline__ T gk_max_nan(T a, T b) { return (b > a || b != b) ? b : a; }
template <typename T> __device__ __forceinline__ T gk_clamp(T x, T lo, T hi) {  // NaN stays NaN, as clip
    return x < lo ? lo : (x > hi ? hi : x);
}
// infinity and NaN without <cmath>'s macros (NVRTC has no C library headers)
template <typename T> __device__ __forceinline__ T gk_inf() { return T(1) / T(0); }
template <typename T> __device__ __forceinline__ T gk_nan() { return T(nan("")); }  // NumPy's NaN: positive, quiet
"""

_SQRT1_2 = repr(1.0 / math.sqrt(2.0))
_INV_SQRT_2PI = repr(1.0 / math.sqrt(2.0 * math.pi))

_ELEMENTWISE = [
    # -- activations, PyTorch's formulas and the portable kernels' order of operations
    KernelSource("relu", "T a", "T y", "y = a < T(0) ? T(0) : a;"),  # NaN and -0. pass through
    KernelSource("relu_backward", "T out, T g", "T dx", "dx = out <= T(0) ? T(0) : g;"),
    KernelSource("sigmoid", "T a", "T y", """
        const T e = exp(-fabs(a));  // exp of a non-positive number only: no overflow
        y = a >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);"""),
    KernelSource("sigmoid_backward", "T y, T g", "T dx", "dx = g * y * (T(1) - y);"),
    KernelSource("tanh_backward", "T y, T g", "T dx", "dx = g * (T(1) - y * y);"),
    KernelSource("gelu_and_cdf", "T a", "T y, T cdf", f"""
        cdf = T(0.5) * (T(1) + erf(a * T({_SQRT1_2})));
        y = a * cdf;"""),
    KernelSource("gelu_backward", "T x, T g, T cdf", "T dx", f"""
        const T pdf = T({_INV_SQRT_2PI}) * exp(T(-0.5) * (x * x));
        dx = g * (cdf + x * pdf);"""),
    KernelSource("hardswish", "T a", "T y", "y = a * gk_clamp(a + T(3), T(0), T(6)) / T(6);"),
    KernelSource("hardswish_backward", "T x, T g", "T dx",
                 "dx = x <= T(-3) ? T(0) : (x < T(3) ? g * (x / T(3) + T(0.5)) : g);"),
    KernelSource("hardsigmoid", "T a", "T y", "y = gk_clamp(a + T(3), T(0), T(6)) / T(6);"),
    KernelSource("hardsigmoid_backward", "T x, T g", "T dx",
                 "dx = (x > T(-3) && x < T(3)) ? g * T(1.0 / 6.0) : T(0);"),
    KernelSource("hardtanh_backward", "T x, T g, T lo, T hi", "T dx", "dx = (x <= lo || x >= hi) ? T(0) : g;"),
    # -- bias (or a second projection) + activation: a simple RNN's cell, act(gi + gh)
    KernelSource("bias_tanh", "T a, T b", "T y", "y = tanh(a + b);"),
    KernelSource("bias_relu", "T a, T b", "T y", """
        const T s = a + b;
        y = s < T(0) ? T(0) : s;"""),
    # -- dropout: the keep mask (already scaled) and the output from one uniform draw
    KernelSource("dropout", "T x, T u, T keep_prob, T scale", "T y, T mask", """
        mask = u < keep_prob ? scale : T(0);
        y = x * mask;"""),
    # -- cross-entropy's gradient in its logits from the forward's log-probabilities: s[r] is
    # the loss gradient of row r times -its weight (+0. for a row not counted), placed at the
    # row's target, less softmax * s; z[r] is the gradient times 0 (a zero of its sign), what
    # the other classes get before that, as in the unfused nll-then-log-softmax gradient
    KernelSource("cross_entropy_backward", "T logp, raw int64 target, raw T s, raw T z, int32 cols", "T dx", """
        const ptrdiff_t r = i / cols;
        const T sr = s[r];
        dx = ((ptrdiff_t)target[r] == i - r * cols ? sr : z[r]) - exp(logp) * sr;"""),
]


def _row_loop(body):
    return "const ptrdiff_t base = (ptrdiff_t)i * cols;\n" + body


def _masked(kind):
    """The attention scores' row read through a mask of ``kind`` (None, 'bool', 'float'),
    scaled first as the portable kernel scales the matmul's result."""
    value = "s[base + j] * scale"
    if kind == "bool":
        return f"(mask[(i % period) * cols + j] ? {value} : -gk_inf<T>())"
    if kind == "float":
        return f"({value} + mask[(i % period) * cols + j])"
    return value


def _attention_softmax(kind):
    # a row whose every position is masked attends to nothing: zeros, as PyTorch (not NaN)
    v = _masked(kind)
    return _row_loop(f"""
        T top = -gk_inf<T>();
        for (int j = 0; j < cols; ++j) top = gk_max_nan(top, {v});
        const T shift = top == -gk_inf<T>() ? T(0) : top;
        T total = 0;
        for (int j = 0; j < cols; ++j) total += exp({v} - shift);
        if (top == -gk_inf<T>()) total = T(1);
        for (int j = 0; j < cols; ++j) p[base + j] = exp({v} - shift) / total;""")


_ROWS = [
    KernelSource("softmax_rows", "raw T x, int32 cols", "raw T y", _row_loop("""
        T top = x[base];
        for (int j = 1; j < cols; ++j) top = gk_max_nan(top, x[base + j]);
        T total = 0;
        for (int j = 0; j < cols; ++j) total += exp(x[base + j] - top);
        for (int j = 0; j < cols; ++j) y[base + j] = exp(x[base + j] - top) / total;"""), rows=True),
    KernelSource("log_softmax_rows", "raw T x, int32 cols", "raw T y", _row_loop("""
        T top = x[base];
        for (int j = 1; j < cols; ++j) top = gk_max_nan(top, x[base + j]);
        T total = 0;
        for (int j = 0; j < cols; ++j) total += exp(x[base + j] - top);
        const T lse = log(total);
        for (int j = 0; j < cols; ++j) y[base + j] = (x[base + j] - top) - lse;"""), rows=True),
    KernelSource("softmax_backward_rows", "raw T y, raw T g, int32 cols", "raw T dx", _row_loop("""
        T dot = 0;
        for (int j = 0; j < cols; ++j) dot += g[base + j] * y[base + j];
        for (int j = 0; j < cols; ++j) dx[base + j] = y[base + j] * (g[base + j] - dot);"""), rows=True),
    KernelSource("log_softmax_backward_rows", "raw T y, raw T g, int32 cols", "raw T dx", _row_loop("""
        T total = 0;
        for (int j = 0; j < cols; ++j) total += g[base + j];
        for (int j = 0; j < cols; ++j) dx[base + j] = g[base + j] - exp(y[base + j]) * total;"""), rows=True),
    # cross-entropy's forward: log_softmax of the row and -logp at its target in one pass.
    # A row whose target is ignore_index gives -0. (the portable kernel's negated 0) and is not
    # valid; with ``check`` (off the CPU, where an error would need a sync) a target outside
    # [0, cols) gives NaN.
    KernelSource("cross_entropy_rows", "raw T x, raw int64 target, int64 ignore_index, int32 cols, bool check",
                 "raw T logp, raw T loss, raw bool valid", _row_loop("""
        T top = x[base];
        for (int j = 1; j < cols; ++j) top = gk_max_nan(top, x[base + j]);
        T total = 0;
        for (int j = 0; j < cols; ++j) total += exp(x[base + j] - top);
        const T lse = log(total);
        for (int j = 0; j < cols; ++j) logp[base + j] = (x[base + j] - top) - lse;
        const long long t = target[i];
        const bool kept = t != ignore_index;
        const bool in_range = t >= 0 && t < cols;
        valid[i] = kept && in_range;
        loss[i] = (kept && !in_range && check) ? gk_nan<T>() : -((kept && in_range) ? logp[base + t] : T(0));"""), rows=True),
    KernelSource("attention_softmax_rows", "raw T s, T scale, int32 cols", "raw T p",
                 _attention_softmax(None), rows=True),
    KernelSource("attention_softmax_bool_rows", "raw T s, raw bool mask, T scale, int32 cols, int32 period",
                 "raw T p", _attention_softmax("bool"), rows=True),
    KernelSource("attention_softmax_float_rows", "raw T s, raw T mask, T scale, int32 cols, int32 period",
                 "raw T p", _attention_softmax("float"), rows=True),
]

# -- optimizer steps over a whole parameter group in one launch ---------------------------------
# Element i of the group's concatenation belongs to tensor k with starts[k] <= i < starts[k + 1]
# (a binary search over the group's few tensors); each pointer table holds one device address
# per tensor (C-contiguous arrays of one dtype). The kernels are built per dtype (T is
# substituted: no array argument has it) and take the step's scalars as T, rounded as the
# portable kernel's Python floats are when they meet a T array. The parameters' table is
# the output: through it the parameters are written.
_LOCATE = """
    int lo = 0, hi = tensors - 1;
    while (lo < hi) { const int mid = (lo + hi + 1) / 2; if (starts[mid] <= i) lo = mid; else hi = mid - 1; }
    const ptrdiff_t j = i - starts[lo];
    T& p = reinterpret_cast<T*>(params[lo])[j];
    T g = reinterpret_cast<const T*>(grads[lo])[j];
"""

ADAM_SCALARS = ("decay", "weight_decay", "weight", "weight_complement", "beta2", "one_minus_beta2",
                "bias_correction2_sqrt", "eps", "neg_step_size")
_ADAM = _LOCATE + """
    T& m = reinterpret_cast<T*>(exp_avgs[lo])[j];
    T& v = reinterpret_cast<T*>(exp_avg_sqs[lo])[j];
    if (maximize) g = -g;
    if (flags & 1) p *= decay;                     // decoupled weight decay (AdamW)
    if (flags & 2) g = g + p * weight_decay;       // L2 weight decay
    T d = g - m;                                   // m = lerp(m, g, 1 - beta1)
    if (flags & 4) { d *= weight; m += d; } else { d *= weight_complement; m = g - d; }
    v *= beta2;
    T sq = g * one_minus_beta2;
    sq *= g;
    v += sq;
    T denom;
    if (flags & 8) {                               // amsgrad
        T& vmax = reinterpret_cast<T*>(max_exp_avg_sqs[lo])[j];
        vmax = gk_max_nan(vmax, v);
        denom = sqrt(vmax);
    } else {
        denom = sqrt(v);
    }
    denom /= bias_correction2_sqrt;
    denom += eps;
    T update = m * neg_step_size;
    update /= denom;
    p += update;
"""

SGD_SCALARS = ("weight_decay", "momentum", "one_minus_dampening", "neg_lr")
_SGD_MOMENTUM = _LOCATE + """
    T& b = reinterpret_cast<T*>(bufs[lo])[j];
    if (maximize) g = -g;
    if (flags & 2) g = g + p * weight_decay;
    if (flags & 16) b = g;                         // the first step: the buffer starts as the gradient
    else { b *= momentum; b += (flags & 32) ? g * one_minus_dampening : g; }
    const T d = (flags & 64) ? g + b * momentum : b;   // nesterov
    p += d * neg_lr;
"""


def _group_params(tables, scalars):
    return ("raw int64 starts, int32 tensors, raw uint64 grads, " + ", ".join(f"raw uint64 {t}" for t in tables)
            + ", int32 flags, bool maximize, " + ", ".join(f"T {s}" for s in scalars))


_OPTIMIZERS = [
    KernelSource("adam_group", _group_params(("exp_avgs", "exp_avg_sqs", "max_exp_avg_sqs"), ADAM_SCALARS),
                 "raw uint64 params", _ADAM, rows=True, typed=True),
    KernelSource("sgd_momentum_group", _group_params(("bufs",), SGD_SCALARS), "raw uint64 params",
                 _SGD_MOMENTUM, rows=True, typed=True),
]

# Flags of the group kernels (one integer instead of a compiled variant per combination)
DECOUPLED, L2_DECAY, SMALL_LERP, AMSGRAD, FIRST_STEP, DAMPENED, NESTEROV = 1, 2, 4, 8, 16, 32, 64


# -- the recurrent cells (PyTorch's gate order and formulas; see kernels/recurrent.py) ----------
# thread i owns element (row, col) of the (N, H) state and reads its gates at
# row * G*H + k*H + col of the (N, G*H) projections (raw, so one thread handles all its gates)
_CELLS = [
    KernelSource("lstm_forward", "raw T gi, raw T gh, T c, int32 n", "raw T gates, T h, T c_new", """
        const ptrdiff_t b = (ptrdiff_t)(i / n) * 4 * n + i % n;
        const T ig = gk_sigmoid(gi[b] + gh[b]), fg = gk_sigmoid(gi[b + n] + gh[b + n]);
        const T gg = tanh(gi[b + 2 * n] + gh[b + 2 * n]), og = gk_sigmoid(gi[b + 3 * n] + gh[b + 3 * n]);
        gates[b] = ig; gates[b + n] = fg; gates[b + 2 * n] = gg; gates[b + 3 * n] = og;
        const T cn = fg * c + ig * gg;
        c_new = cn;
        h = og * tanh(cn);"""),
    KernelSource("lstm_backward", "raw T gates, T c, T c_new, T dh, T dc, int32 n", "raw T d_pre, T dc_prev", """
        const ptrdiff_t b = (ptrdiff_t)(i / n) * 4 * n + i % n;
        const T ig = gates[b], fg = gates[b + n], gg = gates[b + 2 * n], og = gates[b + 3 * n];
        const T tc = tanh(c_new);
        const T dcn = dh * og * (T(1) - tc * tc) + dc;
        d_pre[b] = dcn * gg * ig * (T(1) - ig);
        d_pre[b + n] = dcn * c * fg * (T(1) - fg);
        d_pre[b + 2 * n] = dcn * ig * (T(1) - gg * gg);
        d_pre[b + 3 * n] = dh * tc * og * (T(1) - og);
        dc_prev = dcn * fg;"""),
    KernelSource("gru_forward", "raw T gi, raw T gh, T h, int32 n", "raw T gates, T h_new", """
        const ptrdiff_t b = (ptrdiff_t)(i / n) * 3 * n + i % n;
        const T r = gk_sigmoid(gi[b] + gh[b]), z = gk_sigmoid(gi[b + n] + gh[b + n]);
        const T nn = tanh(gi[b + 2 * n] + r * gh[b + 2 * n]);
        gates[b] = r; gates[b + n] = z; gates[b + 2 * n] = nn;
        h_new = nn + z * (h - nn);"""),
    KernelSource("gru_backward", "raw T gates, raw T gh, T h, T dh, int32 n", "raw T dgi, raw T dgh, T dh_prev", """
        const ptrdiff_t b = (ptrdiff_t)(i / n) * 3 * n + i % n;
        const T r = gates[b], z = gates[b + n], nn = gates[b + 2 * n];
        const T dn = dh * (T(1) - z) * (T(1) - nn * nn);
        const T dr = dn * gh[b + 2 * n] * r * (T(1) - r);
        const T dz = dh * (h - nn) * z * (T(1) - z);
        dgi[b] = dr; dgi[b + n] = dz; dgi[b + 2 * n] = dn;
        dgh[b] = dr; dgh[b + n] = dz; dgh[b + 2 * n] = dn * r;
        dh_prev = dh * z;"""),
]

KERNELS = {k.name: k for k in _ELEMENTWISE + _ROWS + _OPTIMIZERS + _CELLS}
