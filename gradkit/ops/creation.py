"""Tensor factories. Each takes ``dtype=``, ``device=`` and ``requires_grad=``; without
``device=`` they use the default device."""
from __future__ import annotations

import math
from numbers import Number

from .. import _dtype as D
from .._device import resolve
from .._tensor import Tensor
from ._core import shape_arg as _shape_arg
from ._table import Family

FAMILY = Family("creation")

_make = Tensor._make


def _finish(array, device, requires_grad):
    t = _make(array, device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _xp_dtype(backend, dt):
    return backend.xp_dtype(dt.name)


def _size(args, size, op):
    if size is not None:
        if args:
            raise TypeError(f"{op}(): got both positional sizes and size=")
        args = (size,)
    out = _shape_arg(op, args, "size")
    for a in out:
        if a < 0:
            raise RuntimeError(f"{op}(): Trying to create tensor with negative dimension {a}: {list(out)}")
    return out


# --------------------------------------------------------------------------- from data
def _is_host_array(obj):
    return type(obj).__module__ == "numpy" and hasattr(obj, "dtype") and hasattr(obj, "shape")


_NUMPY_KINDS = {"f", "i", "u", "b"}


def _check_host_dtype(arr):
    if arr.dtype.kind not in _NUMPY_KINDS or arr.dtype.name not in D.BY_NAME:
        raise TypeError(
            f"can't convert np.ndarray of type {arr.dtype.type.__module__}.{arr.dtype.type.__name__}. The only "
            f"supported types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool.")


def _infer(data, dim=0):
    """Shape and dtype of nested Python sequences; raises on ragged or non-numeric data
    (``dim`` is the depth of ``data``, for PyTorch's 'at dim N' in the message)."""
    if isinstance(data, Tensor):
        if data.numel() != 1 or data._data.ndim:
            raise ValueError("only one element tensors can be converted to Python scalars")
    if isinstance(data, (list, tuple)):
        if not data:
            return (0,), None
        shapes, kinds = [], set()
        for i, item in enumerate(data):
            s, k = _infer(item, dim + 1)
            if shapes and s != shapes[0]:
                _ragged(shapes[0], s, dim + 1, i)
            shapes.append(s)
            if k is not None:
                kinds.add(k)
        return (len(data),) + shapes[0], _join_kinds(kinds)
    if isinstance(data, bool):
        return (), D.bool_
    if isinstance(data, int):
        return (), D.int64
    if isinstance(data, float):
        return (), D.get_default_dtype()
    if isinstance(data, Tensor):
        return (), data.dtype
    if _is_host_array(data) and getattr(data, "ndim", 1) == 0:
        _check_host_dtype(data)
        return (), D.as_dtype(data.dtype.name)
    if isinstance(data, Number):
        return (), D.get_default_dtype()
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type 'str'")
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _ragged(first, shape, dim, item):
    """PyTorch's error for item ``item`` of a nested sequence whose shape differs from
    item 0's (``dim`` is the depth of the items)."""
    for k, (want, got) in enumerate(zip(first, shape)):
        if want != got:
            raise ValueError(f"expected sequence of length {want} at dim {dim + k} (got {got})")
    if len(shape) < len(first):
        raise TypeError(f"not a sequence: expected a sequence at dim {dim + len(shape)} (item {item} at dim "
                        f"{dim - 1} has shape {list(shape)}, item 0 has shape {list(first)})")
    raise TypeError(f"expected a number at dim {dim + len(first)} but got a sequence (item {item} at dim {dim - 1} "
                    f"has shape {list(shape)}, item 0 has shape {list(first)})")


def _join_kinds(kinds):
    if not kinds:
        return None
    out = None
    for k in kinds:
        out = k if out is None else D.promote_types(out, k) if k.category != out.category else \
            (k if k._rank > out._rank else out)
    # a nested list of Python floats is float32 even if some elements are float64 numpy scalars
    if out.category == D.FLOAT and any(k is D.get_default_dtype() for k in kinds):
        return D.get_default_dtype()
    return out


def _plain(data):
    """Nested lists of Python scalars (0-d tensors and NumPy scalars unwrapped)."""
    if isinstance(data, (list, tuple)):
        return [_plain(d) for d in data]
    if isinstance(data, Tensor):
        return data.item()
    if hasattr(data, "item") and not isinstance(data, (int, float, bool)):
        return data.item()
    return data


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (nested sequences, scalars, NumPy arrays,
    tensors). Python ints become int64, floats the default float dtype; arrays keep theirs."""
    dev = resolve(device)
    backend = dev.backend
    dt = None if dtype is None else D.as_dtype(dtype)
    if isinstance(data, Tensor):
        out = data.detach().to(device=dev if device is not None else data.device, dtype=dt, copy=True)
        return out.requires_grad_(requires_grad) if requires_grad else out
    if _is_host_array(data) and data.ndim:
        _check_host_dtype(data)
        arr = backend.from_host(data.copy(), dev) if dev.type == "cpu" else backend.from_host(data, dev)
        if dt is not None and D.dtype_of_array(arr) is not dt:
            arr = backend.xp.astype(arr, _xp_dtype(backend, dt))
        return _finish(arr, dev, requires_grad)
    if hasattr(data, "__dlpack__") and not isinstance(data, (list, tuple)) and not _is_host_array(data):
        arr = backend.from_dlpack(data, dev)
        arr = backend.xp.asarray(arr, copy=True)
        if dt is not None:
            arr = backend.xp.astype(arr, _xp_dtype(backend, dt))
        return _finish(arr, dev, requires_grad)
    shape, inferred = _infer(data)
    if dt is None:
        dt = inferred or D.get_default_dtype()
    plain = _plain(data)
    if dt.category != D.FLOAT:
        _check_integral(plain, dt)
    arr = backend.asarray(plain, _xp_dtype(backend, dt), dev)
    return _finish(arr, dev, requires_grad)


FAMILY.export(tensor, method=False)


def _check_integral(plain, dt):
    # Python floats into an integer tensor truncate (PyTorch does the same), but NaN/inf
    # can't be represented and must not silently become garbage
    stack = [plain]
    while stack:
        cur = stack.pop()
        if isinstance(cur, list):
            stack.extend(cur)
        elif isinstance(cur, float) and not math.isfinite(cur):
            raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow: {cur}")


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory when it can (a tensor or CPU array already of
    the right dtype and device)."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype)
    dev = resolve(device)
    if _is_host_array(data) and dev.type == "cpu" and data.ndim:
        _check_host_dtype(data)
        t = _make(dev.backend.from_host(data, dev), dev)
        return t if dtype is None else t.to(dtype=dtype)
    return tensor(data, dtype=dtype, device=dev)


asarray = as_tensor
FAMILY.export(as_tensor, "asarray", method=False)


def from_numpy(ndarray):
    """A CPU tensor sharing memory with ``ndarray``."""
    if not _is_host_array(ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _check_host_dtype(ndarray)
    dev = resolve("cpu")
    return _make(dev.backend.from_host(ndarray, dev), dev)


FAMILY.export(from_numpy, method=False)


def from_dlpack(ext_tensor):
    from .._device import Device

    kind, index = ext_tensor.__dlpack_device__()
    dev = resolve(Device("cuda", index) if int(kind) == 2 else "cpu")
    return _make(dev.backend.from_dlpack(ext_tensor, dev), dev)


FAMILY.export(from_dlpack, method=False)


def _legacy_tensor_init(self, *args, **kwargs):
    """``gradkit.Tensor(data)`` or ``gradkit.Tensor(2, 3)``: float32, as in PyTorch."""
    if len(args) == 1 and not isinstance(args[0], int):
        src = tensor(args[0], dtype=D.float32, device=kwargs.get("device"))
    else:
        src = zeros(*args, device=kwargs.get("device"))
    for slot in ("_data", "_device", "_requires_grad", "grad_fn", "_output_nr", "_grad", "_version", "_base",
                 "_extra"):
        setattr(self, slot, getattr(src, slot))


# --------------------------------------------------------------------------- filled
def _filled(op, fill, args, size, dtype, device, requires_grad, default_dtype=None):
    shape = _size(args, size, op)
    dev = resolve(device)
    backend = dev.backend
    dt = D.as_dtype(dtype) if dtype is not None else (default_dtype or D.get_default_dtype())
    xp = backend.xp
    arr = fill(xp, shape, _xp_dtype(backend, dt), backend.xp_device(dev))
    return _finish(arr, dev, requires_grad)


def zeros(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """zeros(*size, *, dtype=None, device=None, requires_grad=False) -> Tensor

    Returns a new tensor filled with the scalar value 0, of the shape given by ``size``:
    ``zeros(2, 3)``, ``zeros((2, 3))``, ``zeros([2, 3])`` or ``zeros(size=(2, 3))``.

    Args:
        size (int...): the shape, as separate ints or one list/tuple.
        dtype: the element type; default: the default float dtype (float32, see
            ``gradkit.set_default_dtype``).
        device: where the tensor lives ("cpu", "cuda", ...); default: the default device
            (see ``gradkit.set_default_device``).
        requires_grad (bool): whether autograd records operations on it. Default: False.

    Example::

        >>> gradkit.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """
    return _filled("zeros", lambda xp, s, d, v: xp.zeros(s, dtype=d, device=v), args, size, dtype, device,
                   requires_grad)


FAMILY.export(zeros, method=False)


def ones(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """ones(*size, *, dtype=None, device=None, requires_grad=False) -> Tensor

    Returns a new tensor filled with the scalar value 1, of the shape given by ``size``:
    ``ones(4)``, ``ones(2, 3)``, ``ones((2, 3))``, ``ones([6])`` or ``ones(size=(2, 3))``.

    Args:
        size (int...): the shape, as separate ints or one list/tuple.
        dtype: the element type; default: the default float dtype (float32, see
            ``gradkit.set_default_dtype``).
        device: where the tensor lives ("cpu", "cuda", ...); default: the default device
            (see ``gradkit.set_default_device``).
        requires_grad (bool): whether autograd records operations on it. Default: False.

    Example::

        >>> gradkit.ones(4)
        tensor([1., 1., 1., 1.])
    """
    return _filled("ones", lambda xp, s, d, v: xp.ones(s, dtype=d, device=v), args, size, dtype, device,
                   requires_grad)


FAMILY.export(ones, method=False)


def empty(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          memory_format=None):
    """Uninitialised memory of the given shape."""
    return _filled("empty", lambda xp, s, d, v: xp.empty(s, dtype=d, device=v), args, size, dtype, device,
                   requires_grad)


FAMILY.export(empty, method=False)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Filled with ``fill_value``; the dtype follows the value (bool, int64, float) unless given."""
    if not isinstance(fill_value, (Number, Tensor)) and not _is_host_array(fill_value):
        raise TypeError(f"full(): argument 'fill_value' (position 2) must be Number, not {type(fill_value).__name__}")
    if dtype is None:
        dtype = fill_value.dtype if isinstance(fill_value, Tensor) else D.scalar_dtype(fill_value)
    dt = D.as_dtype(dtype)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    from ._core import scalar_for

    if isinstance(fill_value, float) and dt.category != D.FLOAT:
        if dt == D.bool_:
            fill_value = bool(fill_value)
        elif not math.isfinite(fill_value):
            raise RuntimeError(f"value cannot be converted to type {dt.name}_t without overflow")
        else:
            fill_value = int(fill_value)
    value = scalar_for(fill_value, dt)
    return _filled("full", lambda xp, s, d, v: xp.full(s, value, dtype=d, device=v), (size,), None, dt, device,
                   requires_grad)


FAMILY.export(full, method=False)


def _like(op, factory, input, dtype, device, requires_grad, **kw):
    dt = dtype if dtype is not None else input.dtype
    dev = device if device is not None else input.device
    return factory(input.shape, dtype=dt, device=dev, requires_grad=requires_grad, **kw)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like("zeros_like", zeros, input, dtype, device, requires_grad)


FAMILY.export(zeros_like, method=False)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like("ones_like", ones, input, dtype, device, requires_grad)


FAMILY.export(ones_like, method=False)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like("empty_like", empty, input, dtype, device, requires_grad)


FAMILY.export(empty_like, method=False)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return full(input.shape, fill_value, dtype=dtype if dtype is not None else input.dtype,
                device=device if device is not None else input.device, requires_grad=requires_grad)


FAMILY.export(full_like, method=False)


# --------------------------------------------------------------------------- ranges
def _num(x, op):
    if isinstance(x, Tensor):
        return x.item()
    if not isinstance(x, Number):
        raise TypeError(f"{op}(): expected a number, got {type(x).__name__}")
    return x


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Values from start (inclusive) to end (exclusive). int64 when every argument is an
    int, else the default float dtype."""
    if end is None:
        start, end = 0, start
    start, end, step = _num(start, "arange"), _num(end, "arange"), _num(step, "arange")
    if step == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError(f"arange(): upper bound and larger bound inconsistent with step sign (start={start}, "
                           f"end={end}, step={step})")
    if dtype is None:
        dtype = D.int64 if all(isinstance(v, int) for v in (start, end, step)) else D.get_default_dtype()
    dt = D.as_dtype(dtype)
    dev = resolve(device)
    backend = dev.backend
    xp = backend.xp
    n = max(0, math.ceil((end - start) / step))
    if dt is D.float32 or dt is D.float64:
        arr = _float_arange(xp, n, float(start), float(step), dt is D.float32, backend.xp_device(dev))
        arr = xp.astype(arr, _xp_dtype(backend, dt))
    elif dt.category == D.FLOAT:
        # computed in float64 and rounded once, as PyTorch's accumulate type does
        arr = xp.arange(n, dtype=xp.float64, device=backend.xp_device(dev)) * float(step) + float(start)
        arr = xp.astype(arr, _xp_dtype(backend, dt))
    else:
        arr = xp.arange(start, start + n * step, step, dtype=_xp_dtype(backend, dt), device=backend.xp_device(dev))
    return _finish(arr, dev, requires_grad)


FAMILY.export(arange, method=False)


def _fma(xp, i, step, start):
    """start + i * step rounded once (a fused multiply-add), for integer-valued float64 i
    below 2**27: step is split in a 26-bit head (i * head is exact) and a tail, and the sum
    is carried with its rounding error (Knuth's two-sum)."""
    c = 134217729.0 * step
    head = c - (c - step)
    tail = step - head
    p = i * head
    s = start + p
    bb = s - start
    err = (start - (s - bb)) + (p - bb)
    return s + (err + i * tail)


def _float_arange(xp, n, start, step, single, device):
    """PyTorch's CPU values for a float32 / float64 arange, in float64 (rounded by the caller).

    PyTorch computes in float64 with fused multiply-adds, in vectors of 8 float32 (4
    float64) lanes, two vectors at a time: each vector starts from start + step * i0
    rounded to the output dtype, its lanes add k * step to that; the remaining
    n % 16 (n % 8) elements are start + step * i each. Where a value crosses zero this
    decides what comes out: arange(-8.0, 8.0, 0.1)[80] is 4.44e-16, not 0 (so relu's
    gradient there is 1), and arange(-1, 1, 0.1)[10] is -2.98e-09. (Past 32768 elements
    PyTorch splits the range between threads, and its lane starts can shift.)"""
    lanes = 8 if single else 4
    i = xp.arange(n, dtype=xp.float64, device=device)
    k = i % lanes
    base = _fma(xp, i - k, step, start)
    if single:
        base = xp.astype(xp.astype(base, xp.float32), xp.float64)
    vec = _fma(xp, k, step, base)
    one = _fma(xp, i, step, start)
    return xp.where(i < n - n % (2 * lanes), vec, one)


def range_(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated PyTorch ``range``: like arange but includes ``end``; float by default."""
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    return arange(0, n, dtype=dtype or D.get_default_dtype(), device=device, requires_grad=False) * step + start


FAMILY.export(range_, name="range", method=False)  # PyTorch's deprecated torch.range


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    start, end = _num(start, "linspace"), _num(end, "linspace")
    if isinstance(steps, bool) or not hasattr(steps, "__index__"):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    steps = steps.__index__()
    if steps < 0:
        raise RuntimeError(f"linspace(): number of steps must be non-negative (got {steps})")
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    dev = resolve(device)
    backend = dev.backend
    xp = backend.xp
    arr = xp.linspace(float(start), float(end), steps, dtype=xp.float64, device=backend.xp_device(dev))
    arr = xp.astype(arr, _xp_dtype(backend, dt))
    return _finish(arr, dev, requires_grad)


FAMILY.export(linspace, method=False)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    out = float(base) ** linspace(start, end, steps, dtype=D.float64, device=device)
    return out.to(dtype or D.get_default_dtype()).requires_grad_(requires_grad)


FAMILY.export(logspace, method=False)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    m = n if m is None else m
    if n < 0 or m < 0:
        raise RuntimeError(f"eye(): {'n' if n < 0 else 'm'} must be greater or equal to 0, got {n if n < 0 else m}")
    dev = resolve(device)
    backend = dev.backend
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    arr = backend.xp.eye(n, m, dtype=_xp_dtype(backend, dt), device=backend.xp_device(dev))
    return _finish(arr, dev, requires_grad)


FAMILY.export(eye, method=False)


def meshgrid(*tensors, indexing="ij"):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = tuple(t.numel() for t in tensors)
    out = []
    for i, t in enumerate(tensors):
        view_shape = [1] * len(tensors)
        view_shape[i] = -1
        out.append(t.reshape(view_shape).expand(shape))
    if indexing == "xy" and len(out) >= 2:
        out = [o.transpose(0, 1) for o in out]
    return tuple(out)


FAMILY.export(meshgrid, method=False)


def polar(abs, angle):
    raise NotImplementedError("gradkit has no complex dtypes")


def _triangle_indices(op, row, col, offset, dtype, device, lower):
    from .inplace import _kind

    dt = D.int64 if dtype is None else D.as_dtype(dtype)
    if dt not in (D.int32, D.int64):
        raise NotImplementedError(f'"{op}" not implemented for \'{_kind(dt)}\'')
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    rows = arange(row, device=device).reshape(row, 1)
    cols = arange(col, device=device).reshape(1, col)
    inside = (cols - rows <= offset) if lower else (cols - rows >= offset)
    from .indexing import nonzero
    from .shape import stack

    # nonzero lists the positions row by row, the order PyTorch gives
    r, c = nonzero(inside, as_tuple=True)
    return stack((r, c)).to(dt)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) coordinates of a row x col matrix's lower triangle (on and below
    the diagonal ``offset``), as a 2 x N tensor in row-major order."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device, lower=True)


FAMILY.export(tril_indices, method=False)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The coordinates of the upper triangle (on and above the diagonal ``offset``)."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device, lower=False)


FAMILY.export(triu_indices, method=False)
