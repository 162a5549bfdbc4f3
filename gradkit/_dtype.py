"""gradkit's dtypes and PyTorch's type-promotion rules.

A dtype is a small named object; backends map it to their own array dtype by name.
Promotion follows PyTorch, not NumPy: ``int64 + float32 -> float32``, a Python float
keeps a float32 tensor float32, and a 0-d tensor does not promote a dimensioned one
of the same category.
"""
from __future__ import annotations

from numbers import Integral

BOOL, INT, FLOAT = 0, 1, 2  # categories, in promotion order


class dtype:
    __slots__ = ("name", "itemsize", "category", "is_signed", "_rank")

    def __init__(self, name, itemsize, category, is_signed, rank):
        self.name = name
        self.itemsize = itemsize
        self.category = category
        self.is_signed = is_signed
        self._rank = rank

    @property
    def is_floating_point(self) -> bool:
        return self.category == FLOAT

    @property
    def is_complex(self) -> bool:
        return False

    def __repr__(self):
        return f"gradkit.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return self


bool_ = dtype("bool", 1, BOOL, False, 0)
uint8 = dtype("uint8", 1, INT, False, 1)
int8 = dtype("int8", 1, INT, True, 1)
int16 = dtype("int16", 2, INT, True, 2)
int32 = dtype("int32", 4, INT, True, 3)
int64 = dtype("int64", 8, INT, True, 4)
float16 = dtype("float16", 2, FLOAT, True, 1)
float32 = dtype("float32", 4, FLOAT, True, 2)
float64 = dtype("float64", 8, FLOAT, True, 3)

# A name PyTorch scripts test and pass around (nanoGPT picks it when the GPU supports it);
# no gradkit backend stores it (NumPy and CuPy have no bfloat16), so making a tensor of it
# raises the backend's TypeError. Not in ALL: nothing iterates over it as a usable dtype.
bfloat16 = dtype("bfloat16", 2, FLOAT, True, 1)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
BY_NAME = {d.name: d for d in ALL + (bfloat16,)}
ALIASES = {
    "float": float32, "double": float64, "half": float16,
    "long": int64, "int": int32, "short": int16,
}


def _by_name(name):
    return BY_NAME[name]


_default_float = float32


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d: dtype) -> None:
    global _default_float
    d = as_dtype(d)
    if d.category != FLOAT:
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the default type, got {d}")
    _default_float = d


def as_dtype(obj) -> dtype:
    """Accepts gradkit dtypes, their names, Python types and NumPy-style dtype objects."""
    if isinstance(obj, dtype):
        return obj
    if obj is float:
        return _default_float
    if obj is int:
        return int64
    if obj is bool:
        return bool_
    name = obj if isinstance(obj, str) else getattr(obj, "name", None) or str(obj)
    name = name.replace("torch.", "").replace("gradkit.", "")
    found = BY_NAME.get(name) or ALIASES.get(name)
    if found is None and name == "bool_":
        found = bool_
    if found is None:
        raise TypeError(f"gradkit has no dtype {obj!r}; supported: {', '.join(d.name for d in ALL)}")
    return found


def promote_types(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    if a.category == INT and a.is_signed != b.is_signed:
        # uint8 with a signed type: the signed type must be wide enough for 0..255.
        signed = a if a.is_signed else b
        return int16 if signed is int8 else signed
    if a._rank == b._rank:  # float16 with bfloat16: neither holds the other
        return float32
    return a if a._rank > b._rank else b


def _combine(higher, lower):
    """PyTorch's combine_categories: the more significant participant class wins unless
    a less significant one reaches a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == FLOAT:
        return higher
    if higher is bool_ or lower.category == FLOAT:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(value) -> dtype:
    """The dtype a Python (or NumPy) scalar takes when it joins an operation."""
    if isinstance(value, bool) or (type(value).__name__ in ("bool", "bool_") and type(value).__module__ == "numpy"):
        return bool_
    if isinstance(value, Integral):
        return int64
    return _default_float


def result_type(dim_dtypes, zero_dim_dtypes, scalar_dtypes) -> dtype:
    dim = zero = wrapped = None
    for d in dim_dtypes:
        dim = d if dim is None else promote_types(dim, d)
    for d in zero_dim_dtypes:
        zero = d if zero is None else promote_types(zero, d)
    for d in scalar_dtypes:
        wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))


def can_cast(src: dtype, dst: dtype) -> bool:
    """PyTorch's rule for writing a result into an existing tensor: no lowering of category."""
    return src.category <= dst.category


# one table per array library's dtype class: dtypes of different libraries must never be
# compared with each other (array_api_strict warns when they are)
_from_array_dtype: dict = {}


# The same answers keyed by the identity of the array-library dtype object: Tensor.dtype is
# on every op's path, and an id lookup never compares dtypes of different libraries. NumPy
# and CuPy give one dtype object per dtype; a library that makes a new one per array
# (array_api_strict) is noticed on its second equal object and left to the tables above.
# Each entry keeps its dtype object alive, so an id can't be reused while it is here.
_by_id: dict = {}
_fresh_dtype_objects: set = set()  # dtype classes whose objects are made anew per array


def dtype_of_array(array) -> dtype:
    """The gradkit dtype of a backend array (memoised per array-library dtype object)."""
    key = array.dtype
    hit = _by_id.get(id(key))
    if hit is not None:
        return hit[1]
    found = _dtype_of_array_slow(key)
    kind = type(key)
    if kind not in _fresh_dtype_objects and len(_by_id) < 256:
        for id_, (other, _) in list(_by_id.items()):
            if type(other) is kind and other == key:
                _fresh_dtype_objects.add(kind)
                for id_, (other, _) in list(_by_id.items()):
                    if type(other) is kind:
                        del _by_id[id_]
                return found
        _by_id[id(key)] = (key, found)
    return found


def _dtype_of_array_slow(key) -> dtype:
    table = _from_array_dtype.get(type(key))
    if table is None:
        table = _from_array_dtype[type(key)] = {}
    found = table.get(key)
    if found is not None:
        return found
    name = str(key).rsplit(".", 1)[-1]
    found = BY_NAME.get(name)
    if found is None:
        raise TypeError(f"gradkit does not support arrays of dtype {key}")
    table[key] = found
    return found


# PyTorch's legacy scalar-type names, which its error messages use ("Float did not match Double")
SCALAR_TYPE_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                     "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
                     "float64": "Double"}


def scalar_type_name(d: dtype) -> str:
    return SCALAR_TYPE_NAMES[d.name]


# IEEE limits written down rather than asked of an array library: gradkit/ imports none, and
# the numbers are fixed by the formats. ``resolution`` is PyTorch's 10**-floor(digits10).
_FLOAT_LIMITS = {
    # bits, eps, max, tiny (smallest normal), resolution
    "float16": (16, 0.0009765625, 65504.0, 6.103515625e-05, 0.001),
    "bfloat16": (16, 0.0078125, 3.3895313892515355e+38, 1.1754943508222875e-38, 0.01),
    "float32": (32, 1.1920928955078125e-07, 3.4028234663852886e+38, 1.1754943508222875e-38, 1e-06),
    "float64": (64, 2.220446049250313e-16, 1.7976931348623157e+308, 2.2250738585072014e-308, 1e-15),
}


def _checked_dtype(obj, kind):
    if not isinstance(obj, dtype):
        raise TypeError(f"{kind}(): argument 'type' (position 1) must be gradkit.dtype, not {type(obj).__name__}")
    return obj


class finfo:
    """Machine limits of a floating dtype, with torch.finfo's attributes (the default dtype
    when none is given)."""
    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")

    def __init__(self, type=None):
        d = _default_float if type is None else _checked_dtype(type, "finfo")
        if d.category != FLOAT:
            raise TypeError("gradkit.finfo() requires a floating point input type. Use gradkit.iinfo to handle "
                            "'gradkit.finfo'")
        self.bits, self.eps, self.max, self.tiny, self.resolution = _FLOAT_LIMITS[d.name]
        self.min = -self.max
        self.smallest_normal = self.tiny
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype, with torch.iinfo's attributes."""
    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, type):
        d = _checked_dtype(type, "iinfo")
        if d is bool_:
            raise TypeError("gradkit.bool is not supported by gradkit.iinfo")
        if d.category != INT:
            raise TypeError("gradkit.iinfo() requires an integer input type. Use gradkit.finfo to handle "
                            "'gradkit.iinfo'")
        self.bits = 8 * d.itemsize
        if d.is_signed:
            self.min, self.max = -(1 << (self.bits - 1)), (1 << (self.bits - 1)) - 1
        else:
            self.min, self.max = 0, (1 << self.bits) - 1
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
