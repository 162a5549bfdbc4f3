"""``nn.Parameter``: a Tensor that a Module registers as one of its parameters.

A Parameter is always a graph leaf: ``Parameter(torch.randn(2, 3) * 0.1)`` shares the
storage of its argument but none of its history, and requires grad (unless told not to).
Ops on a Parameter return plain Tensors, as in PyTorch.
"""
from __future__ import annotations

from .._tensor import Tensor


def _init_from(p, data, requires_grad):
    p._data = data._data
    p._device = data._device
    p._requires_grad = False
    p.grad_fn = None
    p._output_nr = 0
    p._grad = None
    p._version = data._version  # an alias of data's storage, as detach() is
    p._base = None
    p._extra = None
    if requires_grad:
        p.requires_grad_(True)


class Parameter(Tensor):
    """Parameter(data=None, requires_grad=True): ``data`` (an empty tensor when None) as a
    leaf that requires grad. Modules register Parameters assigned to their attributes."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..ops.creation import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): data must be a Tensor, not {type(data).__name__}")
        p = object.__new__(cls)
        _init_from(p, data, requires_grad)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass  # all done in __new__ (Tensor.__init__ would treat data as legacy constructor args)

    def __repr__(self, *, tensor_contents=None):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = type(self)(self.data.clone(), self._requires_grad)
        if self._grad is not None:
            out._grad = self._grad.clone()
        memo[id(self)] = out
        return out

    def __reduce_ex__(self, protocol):
        raise TypeError("gradkit parameters are not pickled; save a state_dict with gradkit.save (safetensors)")


class UninitializedParameter(Parameter):
    """The parameter of a lazy module (``nn.LazyLinear``) before its first call: it has no
    shape yet. ``materialize(shape)`` gives it storage and makes it a plain Parameter (the
    same object, so an optimizer built earlier keeps working)."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from ..ops.creation import empty

        p = object.__new__(cls)
        _init_from(p, empty(0, device=device, dtype=dtype), requires_grad)
        return p

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def materialize(self, shape, device=None, dtype=None):
        from ..ops.creation import empty

        device = self.device if device is None else device
        dtype = self.dtype if dtype is None else dtype
        self._data = empty(tuple(shape), device=device, dtype=dtype)._data
        if device is not None:
            from .._device import resolve

            self._device = resolve(device)
        self.__class__ = self.cls_to_become

    def __repr__(self, *, tensor_contents=None):
        return "<UninitializedParameter>"

    __str__ = __repr__

    def __deepcopy__(self, memo):
        out = type(self)(self._requires_grad, self.device, self.dtype)
        memo[id(self)] = out
        return out


class UninitializedBuffer(Tensor):
    """The running statistics of a lazy norm layer (``nn.LazyBatchNorm2d``) before its first
    call: no shape yet. ``materialize(shape)`` gives it storage and makes it a plain Tensor
    (the same object, still the module's buffer)."""

    cls_to_become = Tensor
    __slots__ = ()  # a Tensor's layout, so that materialize can make it a Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        from ..ops.creation import empty

        b = object.__new__(cls)
        _init_from(b, empty(0, device=device, dtype=dtype), requires_grad)
        return b

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass

    materialize = UninitializedParameter.materialize

    def __repr__(self, *, tensor_contents=None):
        return "<UninitializedBuffer>"

    __str__ = __repr__

    def __deepcopy__(self, memo):
        out = type(self)(self._requires_grad, self.device, self.dtype)
        memo[id(self)] = out
        return out


def _uninitialized_shape(self):
    # PyTorch's error: a lazy module's tensors have no shape until its first call
    raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
                       "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. "
                       "Call `forward` to initialize the parameters before accessing their attributes.")


UninitializedParameter.shape = UninitializedBuffer.shape = property(_uninitialized_shape)


def is_lazy(param) -> bool:
    return isinstance(param, (UninitializedParameter, UninitializedBuffer))


# -- using an uninitialized parameter or buffer ---------------------------------------
# PyTorch refuses every use of a lazy module's tensors before its first call except these
# (conversions and moves, which a module's .to()/.double() apply before the call); gradkit
# refuses the Tensor methods and operators called on them the same way.
_ALLOWED_BEFORE_INIT = frozenset({"size", "copy_", "is_complex", "is_floating_point", "half", "float", "double", "char",
                                  "short", "int", "long", "cuda", "cpu", "to", "get_device", "materialize",
                                  "requires_grad_", "type", "element_size", "share_memory_"})
_REFUSED_OPERATORS = ("__add__", "__radd__", "__iadd__", "__sub__", "__rsub__", "__isub__", "__mul__", "__rmul__",
                      "__imul__", "__truediv__", "__rtruediv__", "__itruediv__", "__floordiv__", "__rfloordiv__",
                      "__mod__", "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__neg__", "__abs__",
                      "__lt__", "__le__", "__gt__", "__ge__", "__getitem__", "__setitem__", "__len__", "__iter__",
                      "__float__", "__int__", "__bool__", "__index__")


def _refusal(what):
    def refuse(*args, **kwargs):
        raise ValueError(f"Attempted to use an uninitialized parameter in {what}. This error happens when you are "
                         "using a `LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedParameter` "
                         "objects. When using LazyModules Call `forward` with a dummy batch to initialize the "
                         "parameters before calling torch functions")
    return refuse


def _guarded_getattribute(self, name):
    value = object.__getattribute__(self, name)
    if name[0] == "_" or name in _ALLOWED_BEFORE_INIT or not callable(value) or not hasattr(Tensor, name):
        return value
    return _refusal(f"<method '{name}' of 'gradkit.Tensor' objects>")


for _cls in (UninitializedParameter, UninitializedBuffer):
    _cls.__getattribute__ = _guarded_getattribute
    for _name in _REFUSED_OPERATORS:
        setattr(_cls, _name, _refusal(f"<slot wrapper '{_name}' of 'gradkit.Tensor' objects>"))


def _stays_uninitialized(convert):
    # a module's .to()/.double() replaces its buffers by their conversions: an uninitialized
    # buffer's conversion is an uninitialized buffer of the new dtype and device
    def converted(self, *args, **kwargs):
        out = convert(self, *args, **kwargs)
        return out if out is self else UninitializedBuffer(self._requires_grad, out.device, out.dtype)
    return converted


for _name in ("to", "double", "float", "half", "cuda", "cpu"):
    setattr(UninitializedBuffer, _name, _stays_uninitialized(getattr(Tensor, _name)))
del _cls, _name
