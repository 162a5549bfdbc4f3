"""The double's ndarray: a NumPy array, the device it lives on, and CuPy's refusals.

What CuPy refuses, this refuses the same way: implicit conversion to NumPy (``__array__``
raises TypeError; ``.get()`` and ``cupy.asnumpy`` are the ways back), NumPy arrays as
operands of operators, ufuncs, functions and setitem values, ``__index__`` on 0-d arrays,
and arrays of another device in a computation unless peer access is on (ValueError, as
CuPy's kernel launch raises). Views (reshape, slicing, transpose) launch nothing, so they
keep their array's device without a check, as in CuPy."""
from __future__ import annotations

import os
import threading
import weakref

import numpy

from . import _signatures

# -- devices ------------------------------------------------------------------------------
# The double has several devices (GRADKIT_CUPY_DOUBLE_DEVICES, default 2) so multi-GPU code
# paths run: tensors on cuda:1 must be computed with device 1 current.
_state = threading.local()
DEVICE_COUNT = [int(os.environ.get("GRADKIT_CUPY_DOUBLE_DEVICES", "2"))]
PEER_ACCESS = [False]  # CuPy can use peer access where the hardware has it; the double says no
# None, or "nvrtc" / "headers": every kernel launch then fails as CuPy's first compile does on
# a machine without NVRTC or without the CUDA headers (tests set it to check gradkit's message)
COMPILE_FAILURE = [None]


def check_compiler():
    failure = COMPILE_FAILURE[0]
    if failure == "nvrtc":
        raise RuntimeError("CuPy failed to load libnvrtc.so.12: OSError: libnvrtc.so.12: cannot open shared object "
                           "file: No such file or directory")
    if failure == "headers":
        from .cuda.compiler import CompileException

        raise CompileException("cupy/_core/include/cupy/carray.cuh(8): catastrophic error: cannot open source file "
                               "\"cuda_fp16.h\"")
# owning arrays alive (the pool's used bytes), by id of a weak reference that drops its
# entry when the array dies
_live = {}


def _drop(ref):
    _live.pop(id(ref), None)


def track(array, device):
    ref = weakref.ref(array, _drop)
    _live[id(ref)] = (ref, device)


def live(device):
    """The owning arrays alive on ``device``."""
    found = []
    for ref, dev in list(_live.values()):
        a = ref()
        if a is not None and dev == device:
            found.append(a)
    return found


def current_device() -> int:
    return getattr(_state, "device", 0)


def set_current_device(index: int) -> None:
    _state.device = index


def check_device(array, device):
    if array._dev != device and not PEER_ACCESS[0]:
        raise ValueError(f"The device where the array resides ({array._dev}) is different from the current device "
                         f"({device}). Peer access is unavailable between these devices.")


# CuPy computes IEEE results (1/0 = inf) without NumPy's warnings
def _quiet():
    return numpy.errstate(all="ignore")


def unsupported(obj):
    return TypeError(f"Unsupported type {type(obj)}")


# -- moving between the double and NumPy ----------------------------------------------------
def unwrap(obj, device):
    """NumPy's arguments for a CuPy call: double arrays (on ``device``) become their NumPy
    arrays, containers are walked, NumPy arrays are refused."""
    t = type(obj)
    if t is ndarray:
        check_device(obj, device)
        return obj._a
    if t is list or t is tuple:
        return t(unwrap(o, device) for o in obj)
    if t is numpy.ndarray:
        raise unsupported(obj)
    return obj


def unwrap_operand(obj, device):
    """An operand of a ufunc or operator: an array of the double or a scalar, nothing else."""
    t = type(obj)
    if t is ndarray:
        check_device(obj, device)
        return obj._a
    if t in (int, float, bool, complex) or isinstance(obj, numpy.generic):
        return obj
    if obj is None:
        return obj
    raise unsupported(obj)


def wrap(result, device, inputs=None):
    """A NumPy result as the double's: arrays wrapped (an array that is one of the call's
    inputs, ``out=``, comes back as that input), NumPy scalars as 0-d arrays, as CuPy
    returns them."""
    t = type(result)
    if t is numpy.ndarray:
        if inputs:
            for w in inputs:
                if w._a is result:
                    return w
            if result.base is not None:  # a view of an input (reshape, transpose, broadcast_to, ...)
                memory = _np_root(result)
                for w in inputs:
                    root = w._root()
                    if _np_root(root._a) is memory:
                        return make(result, w._dev, root)
        return make(result, device)
    if isinstance(result, numpy.generic):
        return make(numpy.asarray(result), device)
    if t is tuple or t is list:
        return t(wrap(r, device, inputs) for r in result)
    if isinstance(result, tuple) and hasattr(result, "_fields"):  # NumPy's named results (eigh, svd)
        return t(*(wrap(r, device, inputs) for r in result))
    return result


def _np_root(a):
    while isinstance(a.base, numpy.ndarray):
        a = a.base
    return a


def make(np_array, device, view_of=None):
    a = object.__new__(ndarray)
    a._a = np_array
    a._dev = device
    a._base = view_of
    if view_of is None:
        track(a, device)
    return a


def arrays_in(args, kwargs):
    found = [a for a in args if type(a) is ndarray]
    found.extend(v for v in kwargs.values() if type(v) is ndarray)
    return found


class _Pointer:
    __slots__ = ("ptr", "device_id")

    def __init__(self, ptr, device_id):
        self.ptr, self.device_id = ptr, device_id


class _Flags:
    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, a):
        self.c_contiguous = a._a.flags.c_contiguous
        self.f_contiguous = a._a.flags.f_contiguous
        self.owndata = a._base is None

    def __getitem__(self, key):
        return {"C_CONTIGUOUS": self.c_contiguous, "F_CONTIGUOUS": self.f_contiguous, "OWNDATA": self.owndata}[key]


# views of an array: no kernel launch, so no device check, and the result stays on the array's device
_VIEW_METHODS = frozenset({"reshape", "view", "transpose", "swapaxes", "squeeze", "ravel"})
_METHOD_TABLE = _signatures.methods("cupy.ndarray")
_method_checks = {}


class ndarray:
    """CuPy's ndarray on NumPy (see the module's docstring for what it refuses)."""
    __slots__ = ("_a", "_dev", "_base", "__weakref__")
    __array_priority__ = 100

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        self._a = numpy.empty(shape, dtype=dtype, order=order)
        self._dev = current_device()
        self._base = None
        track(self, self._dev)

    # -- what CuPy refuses ------------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a "
                        "NumPy array explicitly.")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from . import _namespace

        mine = getattr(_namespace.ufuncs_module(), ufunc.__name__, None)
        if mine is None:
            return NotImplemented
        return getattr(mine, method if method != "__call__" else "__call__")(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        import cupy

        mine = getattr(cupy, func.__name__, None)
        if mine is None or not callable(mine):
            return NotImplemented
        return mine(*args, **kwargs)

    # -- attributes ---------------------------------------------------------------------------
    @property
    def shape(self):
        return self._a.shape

    @shape.setter
    def shape(self, value):
        self._a.shape = value

    @property
    def dtype(self):
        return self._a.dtype

    @property
    def ndim(self):
        return self._a.ndim

    @property
    def size(self):
        return self._a.size

    @property
    def strides(self):
        return self._a.strides

    @property
    def itemsize(self):
        return self._a.itemsize

    @property
    def nbytes(self):
        return self._a.nbytes

    @property
    def flags(self):
        return _Flags(self)

    @property
    def base(self):
        return self._base

    @property
    def data(self):
        return _Pointer(self._a.__array_interface__["data"][0], self._dev)

    @property
    def device(self):
        from .cuda import Device

        return Device(self._dev)

    @property
    def T(self):
        return make(self._a.T, self._dev, self._root())

    @property
    def mT(self):
        return make(numpy.swapaxes(self._a, -1, -2), self._dev, self._root())

    @property
    def real(self):
        return make(self._a.real, self._dev, self._root())

    @property
    def imag(self):
        return make(self._a.imag, self._dev, self._root())

    @property
    def __cuda_array_interface__(self):
        return {"shape": self.shape, "typestr": self.dtype.str, "data": (self.data.ptr, False),
                "strides": None if self._a.flags.c_contiguous else self.strides, "version": 3}

    def _root(self):
        return self if self._base is None else self._base

    # -- transfers and Python conversions (CuPy's sync points) ---------------------------------
    def get(self, stream=None, order="C", out=None, blocking=True):
        if out is not None:
            out[...] = self._a
            return out
        return numpy.array(self._a, order=order, copy=True)

    def item(self, *args):
        return self._a.item(*args)

    def tolist(self):
        return self._a.tolist()

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __complex__(self):
        return complex(self._a)

    def __bool__(self):
        return bool(self._a)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def __repr__(self):
        return repr(self._a).replace("array(", "array(", 1)

    def __str__(self):
        return str(self._a)

    def __format__(self, spec):
        return format(self._a, spec) if self.ndim == 0 else str(self)

    def __hash__(self):
        raise TypeError("unhashable type: 'cupy.ndarray'")

    def __reduce__(self):
        raise TypeError("the CuPy test double's arrays are not pickled")

    def __deepcopy__(self, memo):
        with _device_context(self._dev):
            return make(self._a.copy(), self._dev)

    def __copy__(self):
        return self.copy()

    # -- DLPack: CUDA memory, device type 2 ------------------------------------------------
    def __dlpack_device__(self):
        return (2, self._dev)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        if dl_device is not None and tuple(dl_device) != (2, self._dev):
            if tuple(dl_device) == (1, 0) and copy is not False:
                return numpy.array(self._a, copy=True).__dlpack__(max_version=max_version)
            raise BufferError(f"cupy.ndarray.__dlpack__: cannot export to device {dl_device}"
                              + (" without a copy" if copy is False else ""))
        # a consumer that reads the capsule dereferences device memory: only the double itself can
        raise BufferError("the CuPy test double hands out CUDA DLPack capsules only to cupy.from_dlpack "
                          "(a host consumer must ask for dl_device=(1, 0))")

    # -- indexing -----------------------------------------------------------------------------
    def __getitem__(self, key):
        key, advanced = _key(key, self._dev)
        if advanced:
            check_device(self, current_device())
            return wrap(self._a[key], current_device())
        # CuPy's integer index over every axis is a 0-d view, as NumPy's with a trailing Ellipsis
        items = key if type(key) is tuple else (key,)
        if not any(k is Ellipsis for k in items):
            key = items + (Ellipsis,)
        return make(self._a[key], self._dev, self._root())

    def __setitem__(self, key, value):
        device = current_device()
        check_device(self, device)
        key, _ = _key(key, self._dev)
        self._a[key] = unwrap_operand(value, device) if type(value) is not list else value

    # -- methods: CuPy's, checked against its recorded signatures, run by NumPy -----------------
    def __getattr__(self, name):
        if name.startswith("__") or name not in _METHOD_TABLE:
            raise AttributeError(f"'cupy.ndarray' object has no attribute '{name}'")
        check = _method_checks.get(name)
        if check is None:
            check = _method_checks[name] = _signatures.check_for(_METHOD_TABLE, name, f"ndarray.{name}")
        target = getattr(self._a, name)
        if name in _VIEW_METHODS:
            def view_method(*args, **kwargs):
                check(args, kwargs)
                result = target(*args, **kwargs)
                if type(result) is numpy.ndarray and result.base is not None:
                    return make(result, self._dev, self._root())
                return wrap(result, self._dev)
            return view_method

        def method(*args, **kwargs):
            check(args, kwargs)
            device = current_device()
            check_device(self, device)
            with _quiet():
                result = target(*unwrap(args, device), **{k: unwrap(v, device) for k, v in kwargs.items()})
            return wrap(result, device, [self] + arrays_in(args, kwargs))
        return method

    def astype(self, dtype, order="K", casting=None, subok=None, copy=True):
        device = current_device()
        check_device(self, device)
        result = self._a.astype(dtype, order=order, copy=copy)
        return self if result is self._a else make(result, device)

    def copy(self, order="C"):
        device = current_device()
        check_device(self, device)
        return make(self._a.copy(order=order), device)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        import cupy

        return cupy.diagonal(self, offset, axis1, axis2)

    def fill(self, value):
        check_device(self, current_device())
        self._a.fill(unwrap_operand(value, current_device()))


def _key(key, device):
    """NumPy's index from a CuPy one (arrays of the double unwrapped, NumPy index arrays
    taken as CuPy takes them) and whether it holds arrays (a gather kernel)."""
    items = key if type(key) is tuple else (key,)
    advanced = False
    out = []
    for k in items:
        t = type(k)
        if t is ndarray:
            check_device(k, device)
            out.append(k._a)
            advanced = True
        elif t is numpy.ndarray or t is list:
            out.append(numpy.asarray(k))
            advanced = True
        else:
            out.append(k)
    return (tuple(out) if type(key) is tuple else out[0]), advanced


class _device_context:
    def __init__(self, index):
        self.index = index

    def __enter__(self):
        self.previous = current_device()
        set_current_device(self.index)

    def __exit__(self, *exc):
        set_current_device(self.previous)


def _operator(name, ufunc_name, reflected=False):
    def op(self, other):
        from . import _namespace

        if type(other) is not ndarray and not (type(other) in (int, float, bool, complex)
                                               or isinstance(other, numpy.generic)):
            if type(other) is numpy.ndarray:
                raise unsupported(other)
            return NotImplemented
        ufunc = getattr(_namespace.ufuncs_module(), ufunc_name)
        return ufunc(other, self) if reflected else ufunc(self, other)
    op.__name__ = name
    return op


def _inplace(name, ufunc_name):
    def op(self, other):
        from . import _namespace

        if type(other) is numpy.ndarray:
            raise unsupported(other)
        getattr(_namespace.ufuncs_module(), ufunc_name)(self, other, out=self)
        return self
    op.__name__ = name
    return op


for _name, _uf in [("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "true_divide"),
                   ("floordiv", "floor_divide"), ("mod", "remainder"), ("pow", "power"), ("matmul", "matmul"),
                   ("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"), ("lshift", "left_shift"),
                   ("rshift", "right_shift")]:
    setattr(ndarray, f"__{_name}__", _operator(f"__{_name}__", _uf))
    setattr(ndarray, f"__r{_name}__", _operator(f"__r{_name}__", _uf, reflected=True))
    setattr(ndarray, f"__i{_name}__", _inplace(f"__i{_name}__", _uf))
for _name, _uf in [("lt", "less"), ("le", "less_equal"), ("gt", "greater"), ("ge", "greater_equal"),
                   ("eq", "equal"), ("ne", "not_equal")]:
    setattr(ndarray, f"__{_name}__", _operator(f"__{_name}__", _uf))


def _unary(ufunc_name):
    def op(self):
        from . import _namespace

        return getattr(_namespace.ufuncs_module(), ufunc_name)(self)
    return op


ndarray.__neg__ = _unary("negative")
ndarray.__pos__ = _unary("positive")
ndarray.__abs__ = _unary("absolute")
ndarray.__invert__ = _unary("invert")
ndarray.__module__ = "cupy"


class _RoutinesLinalg:
    """``cupy._core._routines_linalg``'s GEMM compute-type switch (CuPy's enum values), kept
    per dtype so tests can read what gradkit asked for."""
    COMPUTE_TYPE_TBD, COMPUTE_TYPE_DEFAULT, COMPUTE_TYPE_PEDANTIC = 0, 1, 2
    COMPUTE_TYPE_FP16, COMPUTE_TYPE_FP32, COMPUTE_TYPE_FP64, COMPUTE_TYPE_BF16, COMPUTE_TYPE_TF32 = 3, 4, 5, 6, 7

    def __init__(self):
        self.compute_types = {}

    def set_compute_type(self, dtype, compute_type):
        self.compute_types[numpy.dtype(dtype)] = int(compute_type)

    def get_compute_type(self, dtype):
        return self.compute_types.get(numpy.dtype(dtype), self.COMPUTE_TYPE_DEFAULT)


_routines_linalg = _RoutinesLinalg()
