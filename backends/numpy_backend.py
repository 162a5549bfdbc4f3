"""CPU backend: NumPy >= 2, whose main namespace follows the array API standard."""
from __future__ import annotations

import functools
import math
import threading
from sys import getrefcount

import numpy as np

from . import _numpy_conv
from ._numpy_amp import NumpyAmp
from ._numpy_attention import NumpyAttention
from ._numpy_pooling import NumpyPooling
from ._numpy_rows import NumpyEmbeddingBags, add_rows
from ._numpy_softmax import NumpySoftmax, row_starts as _row_starts
from ._numpy_dtypes import FLOAT32
from ._numpy_sums import column_sums
from ._numpy_recurrent import NumpyRecurrent
from ._numpy_norm import NumpyNormalization
from ._numpy_special import NumpySpecial
from ._blas import AXPY_MIN_SIZE, address, axpy_for
from ._lapack import LEFT, LOWER, NO_TRANS, NON_UNIT, ROW_MAJOR, UNIT, UPPER, lapack_for
from ._malloc import keep_freed_memory
from ._strides import element_layout, is_dense
from .base import SOLE_HOLDER_REFS, Backend
from .kernels.indexing import add_at, along_axis_positions, assign_at, ints_first, scatter_identity

# PyTorch's default generator starts from a fixed seed, so fresh processes give the same
# numbers; gradkit does the same.
DEFAULT_SEED = 67280421310721
_AXPY_CHUNK = 1 << 16  # elements: 256 KiB of float32, within L2
_SAME_SIZE_INT = {2: np.int16, 4: np.int32, 8: np.int64}
_SAME_SIZE_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
_INT8_ONE = np.int8(1)

# A PCG64 generator's whole state as bytes, as get_rng_state hands it out: the 128-bit state
# and increment, then the half-used 64-bit draw NumPy keeps for 32-bit requests (a flag and
# the spare 32 bits), little-endian. Draws differ from PyTorch's Mersenne Twister anyway, so
# the layout is gradkit's own; only the round trip has to hold.
RNG_STATE_BYTES = 40


def pcg64_state_bytes(rng):
    state = rng.bit_generator.state
    words = (state["state"]["state"].to_bytes(16, "little") + state["state"]["inc"].to_bytes(16, "little")
             + int(state["has_uint32"]).to_bytes(4, "little") + int(state["uinteger"]).to_bytes(4, "little"))
    return np.frombuffer(words, dtype=np.uint8).copy()


def pcg64_from_state_bytes(state):
    raw = np.ascontiguousarray(state, dtype=np.uint8).tobytes()
    if len(raw) != RNG_STATE_BYTES:
        raise RuntimeError(f"Expected a PCG64 generator state of size {RNG_STATE_BYTES} but found the input RNG "
                           f"state size to be {len(raw)}")
    bit_generator = np.random.PCG64()
    bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": int.from_bytes(raw[:16], "little"), "inc": int.from_bytes(raw[16:32], "little")},
        "has_uint32": int.from_bytes(raw[32:36], "little"), "uinteger": int.from_bytes(raw[36:40], "little"),
    }
    return np.random.Generator(bit_generator)


@functools.lru_cache(maxsize=64)
def _rows(n):
    """arange(n) as a row index, made once per batch size (read-only: shared)."""
    rows = np.arange(n)
    rows.flags.writeable = False
    return rows


class NumpyBackend(NumpySoftmax, NumpyEmbeddingBags, NumpyPooling, NumpyRecurrent, NumpyAttention, NumpySpecial,
                   NumpyNormalization, NumpyAmp, Backend):
    name = "numpy"
    xp = np

    # -- devices, dtypes, transfers ------------------------------------------------
    def __init__(self):
        keep_freed_memory()  # NumPy's array buffers come from malloc: no page faults per op
        self._rng = np.random.Generator(np.random.PCG64(DEFAULT_SEED))
        self._local = threading.local()  # per-thread scratch of axpy_

    def xp_device(self, device):
        return "cpu"

    def dtype_name(self, array_dtype) -> str:
        return array_dtype.name

    def asarray(self, obj, dtype, device, copy=None):
        return np.asarray(obj, dtype=dtype, copy=copy)

    def to_host(self, array):
        return array

    def from_host(self, host_array, device):
        return np.asarray(host_array)

    def from_dlpack(self, obj, device):
        if int(obj.__dlpack_device__()[0]) != 1:  # device memory (a CuPy array): exported as a host copy
            return np.from_dlpack(obj, device="cpu", copy=True)
        return np.from_dlpack(obj)

    def memory_info(self, device=None) -> dict:
        return {}

    diagonal_is_view = True

    def diagonal(self, array, offset, axis1, axis2):
        # np.diagonal's view is read-only: the same strides, writable, so that writes through
        # x.diagonal() reach x as in PyTorch
        moved = np.moveaxis(array, (axis1, axis2), (-2, -1))
        corner = moved[..., :, offset:] if offset >= 0 else moved[..., -offset:, :]
        length = max(0, min(corner.shape[-2], corner.shape[-1]))
        return np.lib.stride_tricks.as_strided(corner, corner.shape[:-2] + (length,),
                                               corner.strides[:-2] + (corner.strides[-2] + corner.strides[-1],))

    # the array methods: np.reshape's and np.transpose's Python wrappers cost more than the views
    def reshape(self, array, shape):
        return array.reshape(shape)

    def permute(self, array, dims):
        return array.transpose(dims)

    def reshape_is_view(self, array, shape) -> bool:
        if isinstance(array, np.ndarray) and array.flags.c_contiguous:
            return True
        return super().reshape_is_view(array, shape)

    def ones_like(self, a):
        # np.ones_like is a Python function (empty_like, then copyto); a loss's 0-d seed in one call
        return np.array(1, dtype=a.dtype) if a.ndim == 0 else np.ones_like(a)

    def adoptable(self, array) -> bool:
        # the count: the holding Tensor's _data, this parameter and getrefcount's argument, as
        # SOLE_HOLDER_REFS measured them; a NumPy scalar (0-d results) is never writable
        return array.base is None and getrefcount(array) <= SOLE_HOLDER_REFS and array.flags.writeable

    # -- layout family -------------------------------------------------------------
    def layout(self, array):
        if not isinstance(array, np.ndarray):  # a 0-d result as a NumPy scalar
            return (), 0
        return element_layout(array, _address, np.ndarray)

    def clone(self, array):
        dense = isinstance(array, np.ndarray) and is_dense(array.shape, element_layout(array, _address, np.ndarray)[0])
        return np.array(array, order="K" if dense else "C", copy=True)

    def row_major(self, array):
        return np.array(array, order="C", copy=True)

    # -- indexing family -----------------------------------------------------------
    def getitem(self, array, key):
        if type(key) is tuple and len(key) == 1 and type(key[0]) is np.ndarray and key[0].dtype == np.int64 and \
                key[0].ndim:
            # rows at an index array (checked by the caller): take is a faster gather than [ ]
            return array.take(key[0], axis=0)  # (the method: np.take's Python wrapper costs ~0.5 µs more)
        split = ints_first(key)
        if split is not None:
            array, key = array[split[0]], split[1]
        out = array[key]
        if isinstance(out, np.generic):
            # an integer in every dimension gives a NumPy scalar (a copy); PyTorch's x[0] is a
            # view that in-place ops write through: ask for the 0-d view instead
            out = array[(key if isinstance(key, tuple) else (key,)) + (Ellipsis,)]
        return out

    def index_add(self, shape, dtype, device, key, values):
        out = np.zeros(shape, dtype=dtype)
        rows, k = _row_index(key, shape)
        tail = tuple(shape[k:])
        if rows is not None and values.shape == rows.shape + tail:
            # (an embedding table's gradient, k = 1, needs no reshape of the table)
            table = out if k == 1 else out.reshape((math.prod(shape[:k]),) + tail)
            add_rows(table, rows.reshape(-1), values.reshape((rows.size,) + tail), zeros=True)
        else:
            add_at(np, out, key, values)
        return out

    def setitem(self, array, key, values):
        assign_at(array, key, values)

    def scatter_reduce(self, base, axis, index, values, reduce, include_self):
        out = np.array(base, order="C").reshape(-1)
        positions = along_axis_positions(np, base.shape, axis, index).reshape(-1)
        if not include_self:
            out[positions] = scatter_identity(np, reduce, out.dtype)
        _SCATTER_UFUNC[reduce].at(out, positions, values.reshape(-1))
        if reduce == "mean":
            count = np.bincount(positions, minlength=out.size) + int(include_self)
            divisor = np.maximum(count, 1).astype(out.dtype)
            # PyTorch rounds an integer mean down
            out = out / divisor if out.dtype.kind == "f" else out // divisor
        return out.reshape(base.shape)

    # -- reduction family ----------------------------------------------------------
    def cumsum(self, array, axis):
        return np.cumsum(array, axis=axis)

    # np.sum(a) is np.add.reduce(a) behind a Python wrapper (the same result for arrays)
    def reduce_sum(self, a, axis=None, keepdims=False):
        return np.add.reduce(a, axis=axis, keepdims=keepdims)

    def reduce_max(self, a, axis=None, keepdims=False):
        return np.maximum.reduce(a, axis=axis, keepdims=keepdims)

    def reduce_min(self, a, axis=None, keepdims=False):
        return np.minimum.reduce(a, axis=axis, keepdims=keepdims)

    def sum_of_squares(self, arrays):
        if not all(type(a) is np.ndarray and a.dtype.kind == "f" and a.dtype.itemsize >= 4 for a in arrays):
            return super().sum_of_squares(arrays)
        # a dot of each with itself (BLAS): one pass, no array of squares
        total = None
        for a in arrays:
            flat = a.reshape(-1)
            part = np.dot(flat, flat)
            total = part if total is None else total + part
        return np.asarray(total)

    # -- activation family ---------------------------------------------------------
    def exp(self, a):
        if a.dtype == FLOAT32:  # Backend.exp's float64 round trip, rounded to float32 as it is written out
            return np.exp(a, dtype=np.float64, out=np.empty_like(a))
        return np.exp(a)

    def sigmoid(self, a):
        if a.dtype.kind != "f":
            return super().sigmoid(a)
        # PyTorch's 1 / (1 + e^-a) in three passes in place; e^-a overflows to inf below
        # a = -88 in float32, where 1 / inf gives PyTorch's 0
        out = np.negative(a, out=np.empty_like(a))  # (an array even for 0-d input: written in place below)
        with np.errstate(over="ignore"):
            np.exp(out, out=out)
        out += 1
        return np.divide(1.0, out, out=out)  # (reciprocal's bits, one call cheaper in NumPy's dispatch)

    # relu: np.where picks element by element with a branch, slow on a relu's random sign
    # pattern. relu is np.maximum(+0., a) where that keeps -0. and NaN as PyTorch does, which
    # depends on the dtype and on the SIMD loop NumPy picked for this CPU (tried once per
    # dtype); one pass. Elsewhere relu, and relu's gradient, clear the bits of the kept array
    # where the condition holds: the same values (+0. there; -0. and NaN kept elsewhere),
    # branch-free.
    def relu(self, a):
        if type(a) is np.ndarray and a.flags.c_contiguous:
            zero = _MAXIMUM_RELU.get(a.dtype, False)
            if zero is False:  # not tried yet for this dtype
                zero = _MAXIMUM_RELU[a.dtype] = _ZERO[a.dtype] if _maximum_is_relu(a.dtype) else None
            if zero is not None:  # one pass, where this CPU's np.maximum gives PyTorch's zeros
                return np.maximum(zero, a)
        if _bit_maskable(a, a):
            return _clear_where(np.less(a, _ZERO.get(a.dtype, 0)), a)
        if a.dtype.kind in "fiu":  # a Python 0 keeps a's dtype (no zeros_like array needed)
            return np.where(a < 0, 0, a)
        return super().relu(a)

    def relu_backward(self, out, g):
        if _bit_maskable(out, g):
            return _clear_where(np.less_equal(out, _ZERO.get(out.dtype, 0)), g)
        return np.where(out <= 0, 0.0, g)  # small (the branches are cheap) or mixed layouts

    # -- linear family -------------------------------------------------------------
    def matmul_nt(self, a, b):
        if a.ndim != 2:
            if a.ndim > 2 and a.flags.c_contiguous:
                return _over_all_rows(self.matmul_nt, a, b, b.shape[0])
            return np.matmul(a, b.T)
        # OpenBLAS's sgemm is slower for a @ b.T than for the equal (b @ a.T).T when a has
        # a few rows and b many (a small batch through a wide layer): 2x at 16 x 784 -> 256,
        # 1.5x at 32 rows. The transposed result is copied to row-major order (elementwise
        # ops that mix row- and column-major operands are slow), which costs more than the
        # gain from about a quarter of b's rows on, and from inner sizes of about 128 down
        # (a character model's 27 classes: the copy is then most of the product's cost).
        if 4 * a.shape[0] <= b.shape[0] and a.shape[-1] >= 192:
            return np.ascontiguousarray(np.matmul(b, a.T).T)
        return np.matmul(a, b.T)

    def matmul(self, a, b):
        if a.ndim > 2 and b.ndim == 2 and a.flags.c_contiguous:
            return _over_all_rows(np.matmul, a, b, b.shape[1])
        return np.matmul(a, b)

    linear_grad_input = matmul  # g @ W

    def linear_grad_weight(self, g, x):
        if g.ndim == 2 and x.ndim == 2 and g.shape[0] != 1:
            return np.matmul(g.T, x)
        return super().linear_grad_weight(g, x)

    def linear_grad_bias(self, g):
        return column_sums(g if g.ndim == 2 else g.reshape(-1, g.shape[-1]))

    # -- convolution family ------------------------------------------------------------
    # strided views and one BLAS product per group (backends/_numpy_conv.py); other dtypes
    # (integers, float16) take the portable kernels
    def conv(self, x, w, b, stride, padding, dilation, groups):
        if _numpy_conv.fast(x, w) and (b is None or _numpy_conv.fast(b)):
            return _numpy_conv.conv(x, w, b, stride, padding, dilation, groups)
        return super().conv(x, w, b, stride, padding, dilation, groups)

    def conv_grad_input(self, g, w, input_size, stride, padding, dilation, groups):
        if _numpy_conv.fast(g, w):
            return _numpy_conv.conv_grad_input(g, w, input_size, stride, padding, dilation, groups)
        return super().conv_grad_input(g, w, input_size, stride, padding, dilation, groups)

    def conv_grad_weight(self, g, x, kernel_size, stride, padding, dilation, groups):
        if _numpy_conv.fast(g, x):
            return _numpy_conv.conv_grad_weight(g, x, kernel_size, stride, padding, dilation, groups)
        return super().conv_grad_weight(g, x, kernel_size, stride, padding, dilation, groups)

    def conv_grad_bias(self, g):
        return _numpy_conv.conv_grad_bias(g) if type(g) is np.ndarray else super().conv_grad_bias(g)

    # -- loss family ---------------------------------------------------------------
    def indices_in_range(self, idx, high):
        if idx.size == 0:
            return True
        # negative indices read as unsigned are >= 2**(bits - 1): one maximum
        if idx.dtype.kind == "i" and idx.dtype.isnative:
            idx = idx.view(_SAME_SIZE_UINT[idx.dtype.itemsize])
            if idx.ndim == 1:  # a batch's targets: argmax and one read cost less than the reduction's call
                return int(idx[idx.argmax()]) < high
            return int(np.maximum.reduce(idx, axis=None)) < high
        return super().indices_in_range(idx, high)

    def take_rows(self, a, idx):
        if a.flags.c_contiguous:  # one flat gather: cheaper than NumPy's pair of index arrays
            n, c = a.shape
            return a.ravel().take(_row_starts(n, c) + idx)
        return a[_rows(a.shape[0]), idx]

    def add_rows(self, a, idx, v):
        if a.flags.c_contiguous:
            # one flat index (row starts + targets) instead of a pair of index arrays, which
            # NumPy's fancy += reads element by element in a slower loop. (The flat array is a
            # view, so the adds land in a.)
            n, c = a.shape
            a.reshape(-1)[_row_starts(n, c) + idx] += v  # each row once: no repeated index to drop
        else:
            a[_rows(a.shape[0]), idx] += v
        return a

    # -- optimizer family ----------------------------------------------------------
    def axpy_(self, y, alpha, x):
        n = x.size
        # the one-pass paths below need x and y contiguous, of one shape (else NumPy's broadcast
        # rule), y writable (else NumPy's read-only error) and not partly overlapping (else the
        # product must be whole before y changes): anything else is NumPy's expression
        if n >= AXPY_MIN_SIZE and x.shape == y.shape and x.flags.c_contiguous and y.flags.c_contiguous and \
                y.flags.writeable:
            x_at, y_at = address(x), address(y)
            if x_at == y_at or x_at + x.nbytes <= y_at or y_at + y.nbytes <= x_at:
                blas = axpy_for(x.dtype) if alpha and x.dtype == y.dtype else None  # (alpha 0: 0 * inf is NaN)
                if blas is not None:  # one pass (backends/_blas.py)
                    blas(n, alpha, x_at, 1, y_at, 1)
                else:
                    self._axpy_in_chunks(y, x.dtype.type(alpha), x)
                return
        y += x.dtype.type(alpha) * x  # (a typed scalar: NumPy converts a Python float at every call)

    def _axpy_in_chunks(self, y, alpha, x):
        # where NumPy brings no OpenBLAS: y += alpha * x without a temporary the size of x.
        # Where malloc maps large blocks afresh (backends/_malloc.py changes that on glibc
        # only) a parameter-sized temporary costs page faults on every step; a per-thread
        # scratch of at most _AXPY_CHUNK elements is reused instead.
        scratch = getattr(self._local, "scratch", None)
        if scratch is None or scratch.dtype != x.dtype:
            scratch = self._local.scratch = np.empty(_AXPY_CHUNK, dtype=x.dtype)
        xf, yf = x.reshape(-1), y.reshape(-1)
        n = x.size
        for i in range(0, n, _AXPY_CHUNK):
            j = min(i + _AXPY_CHUNK, n)
            s = scratch[:j - i]
            np.multiply(xf[i:j], alpha, out=s)
            np.add(yf[i:j], s, out=yf[i:j])

    # -- linalg family -------------------------------------------------------------
    # NumPy has no triangular solve or LU of its own (SciPy's are LAPACK's); the OpenBLAS its
    # wheels bundle has both, and they run in one library call rather than one NumPy
    # expression per column. Without that library the portable versions run.
    def linalg_lu(self, a):
        getrf = lapack_for("getrf", a.dtype)
        if getrf is None or a.size == 0:
            return super().linalg_lu(a)
        m, n = a.shape[-2], a.shape[-1]
        lu = np.array(a, order="C", copy=True)
        matrices = lu.reshape(-1, m, n)
        pivots = np.empty((matrices.shape[0], min(m, n)), dtype=np.int64)
        for matrix, swaps in zip(matrices, pivots):
            # info > 0 is a zero pivot (the factors are still complete); < 0 an argument LAPACKE
            # refused (it checks for NaN): then the portable elimination, which goes on through NaN
            if getrf(ROW_MAJOR, m, n, matrix.ctypes.data, n, swaps.ctypes.data) < 0:
                return super().linalg_lu(a)
        return lu, pivots.reshape(a.shape[:-2] + (min(m, n),)).astype(np.int32)

    def linalg_solve_triangular(self, a, b, upper, unitriangular):
        trsm = lapack_for("trsm", a.dtype)
        if trsm is None or a.dtype != b.dtype or b.size == 0:
            return super().linalg_solve_triangular(a, b, upper, unitriangular)
        n, k = b.shape[-2], b.shape[-1]
        solution = np.array(b, order="C", copy=True)  # trsm writes the solution over B
        triangles = np.ascontiguousarray(a).reshape(-1, n, n)
        uplo = UPPER if upper else LOWER
        diag = UNIT if unitriangular else NON_UNIT
        for triangle, rhs in zip(triangles, solution.reshape(-1, n, k)):
            trsm(ROW_MAJOR, LEFT, uplo, NO_TRANS, diag, n, k, 1.0, triangle.ctypes.data, n, rhs.ctypes.data, k)
        return solution

    def seed(self, seed: int) -> None:
        self._rng = np.random.Generator(np.random.PCG64(seed))

    def get_rng_state(self, device):
        return pcg64_state_bytes(self._rng)

    def set_rng_state(self, state, device) -> None:
        self._rng = pcg64_from_state_bytes(state)

    def uniform(self, shape, dtype, device):
        return self._rng.random(shape, dtype=_float_for_rng(dtype)).astype(dtype, copy=False)

    def normal(self, shape, dtype, device):
        return self._rng.standard_normal(shape, dtype=_float_for_rng(dtype)).astype(dtype, copy=False)

    def integers(self, low, high, shape, dtype, device):
        drawn = self._rng.integers(low, high, size=shape, dtype=np.int64)
        return drawn if dtype is np.int64 else drawn.astype(dtype, copy=False)

    def permutation(self, n, device):
        return self._rng.permutation(n)

    def multinomial_counts(self, total_count, probs, num, device):
        # NumPy draws each count vector with k binomials, whatever total_count is
        p = probs / probs.sum(axis=1, keepdims=True)
        return self._rng.multinomial(total_count, p, size=(num, probs.shape[0])).astype(np.int64, copy=False)


def _over_all_rows(product, a, b, n):
    """``product`` of a C-contiguous (..., k) ``a``, seen as one (rows, k) matrix, and the
    matrix ``b``, as (..., n). NumPy's matmul runs a stack of matrices times one matrix as one
    BLAS call per matrix of the stack, each smaller and slower per row (a GPT's (32, 64, 128)
    activations through a layer: ~10% more time than one call over the 2048 rows)."""
    lead = a.shape[:-1]
    return product(a.reshape(math.prod(lead), a.shape[-1]), b).reshape(lead + (n,))


def _maximum_is_relu(dtype):
    """Whether ``np.maximum(+0., a)`` is PyTorch's relu on contiguous ``a`` of this dtype:
    it must return a's own -0. and NaNs (signs included). Whether it does depends on the
    SIMD loop NumPy picked for this CPU and dtype, so it is tried once, on every length up
    to a few vector widths, with aligned and unaligned starts."""
    if dtype not in _ZERO:
        return False
    zero = dtype.type(0)
    for n in (*range(1, 70), 127, 128, 129, 255, 256, 257, 1031):
        base = np.empty(n + 1, dtype=dtype)
        for a in (base[:n], base[1:]):
            a[:] = -0.0
            a[::3] = -np.nan
            a[1::3] = np.nan
            a[2::5] = 1.5
            a[4::7] = -2.5
            r = np.maximum(zero, a)
            expect = np.where(a < 0, zero, a)
            if not (r.view(_SAME_SIZE_INT[dtype.itemsize]) == expect.view(_SAME_SIZE_INT[dtype.itemsize])).all():
                return False
    return True


_ZERO = {np.dtype(t): t(0) for t in (np.float16, np.float32, np.float64)}
# dtype -> its zero where np.maximum is an exact relu on this machine, None where it is not
# (tried on first use)
_MAXIMUM_RELU = {}


def _bit_maskable(a, b):
    """Whether b's bits may be cleared by a mask computed from a: both C-ordered float arrays of
    one shape and dtype, large enough for the bit trick to beat np.where."""
    return type(a) is np.ndarray and type(b) is np.ndarray and b.size >= 512 and b.dtype.kind == "f" and \
        a.dtype == b.dtype and a.shape == b.shape and a.flags.c_contiguous and b.flags.c_contiguous


def _clear_where(cond, b):
    """b with +0. where the bool array cond holds, without branches."""
    keep = cond.view(np.int8) - _INT8_ONE  # 0 where cond holds, else -1: every bit set
    return np.bitwise_and(b.view(_SAME_SIZE_INT[b.dtype.itemsize]), keep).view(b.dtype)


def _float_for_rng(dtype):
    # Generator draws float32 or float64 only; half precision rounds from float32.
    return np.float64 if dtype == np.float64 else np.float32


_SCATTER_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}


def _address(array):
    return array.__array_interface__["data"][0]


def _row_index(key, shape):
    """For a key of k integer index arrays of one shape, one for each of the first k dims
    (an embedding's gradient: k = 1; a pick of one element per row: k = 2), the index of
    each picked row of the array seen as (product of the first k dims, the rest), and k;
    else (None, 0)."""
    if type(key) is not tuple:
        key = (key,)
    k = len(key)
    if not 0 < k <= len(shape):
        return None, 0
    first = key[0]
    if type(first) is not np.ndarray or first.dtype.kind not in "iu" or first.size == 0:
        return None, 0
    if k == 1:
        return first, 1
    for a in key[1:]:
        if type(a) is not np.ndarray or a.dtype.kind not in "iu" or a.shape != first.shape:
            return None, 0
    # (the indices were checked against the sizes: only negative ones need wrapping)
    wrapped = [np.where(a < 0, a + n, a) if a.dtype.kind == "i" and np.minimum.reduce(a, axis=None) < 0 else a
               for a, n in zip(key, shape)]
    return np.ravel_multi_index(wrapped, tuple(shape[:k])), k
