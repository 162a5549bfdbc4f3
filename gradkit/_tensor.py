"""The Tensor: a backend array plus what autograd needs to know about it.

Operator methods and the op methods (``sum``, ``reshape``, ...) are bound onto the class
by ``gradkit._tensor_methods`` once the ops exist; this module keeps the core: identity,
metadata, conversions to Python and the host, and the autograd entry points.
"""
from __future__ import annotations

import warnings

from . import _dtype
from ._dtype import dtype_of_array
from ._size import Size
from .backends._cuda_graphs import _capturing as _graph_capture

_tuple_new = tuple.__new__  # Size from a tuple of ints, skipping Size()'s conversion
_new = object.__new__


class Tensor:
    __slots__ = ("_data", "_device", "_requires_grad", "grad_fn", "_output_nr", "_grad", "_version",
                 "_base", "_extra", "__weakref__")

    # ndarray * tensor must reach Tensor.__rmul__ instead of NumPy broadcasting over it
    __array_ufunc__ = None
    __array_priority__ = 1000
    # public as gradkit.Tensor: type(t) prints <class 'gradkit.Tensor'>, as torch's <class 'torch.Tensor'>
    __module__ = "gradkit"

    @staticmethod
    def _make(data, device, requires_grad=False, grad_fn=None, output_nr=0):
        t = _new(Tensor)  # no __init__ (that is the legacy torch.Tensor(data) constructor)
        t._data = data
        t._device = device
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._output_nr = output_nr
        t._grad = None
        t._version = [0]
        t._base = None
        t._extra = None
        return t

    def __init__(self, *args, **kwargs):
        # torch.Tensor(data) style construction: legacy, but scripts still use it.
        from .ops.creation import _legacy_tensor_init

        _legacy_tensor_init(self, *args, **kwargs)

    # -- data and metadata ----------------------------------------------------------------
    @property
    def data(self) -> "Tensor":
        """A tensor sharing this one's storage, outside the graph and not version-tracked
        (PyTorch's ``.data``: in-place changes through it are invisible to autograd)."""
        t = Tensor._make(self._data, self._device)
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"Tensor.data must be set to a Tensor, got {type(value).__name__}")
        self._data = value._data
        self._device = value._device

    @property
    def shape(self) -> Size:
        return _tuple_new(Size, self._data.shape)  # an array's shape holds Python ints already

    def size(self, dim=None):
        shape = self._data.shape
        if dim is None:
            return _tuple_new(Size, shape)
        return shape[_wrap_dim(dim, len(shape), "size")]

    @property
    def dtype(self):
        return dtype_of_array(self._data)

    @property
    def device(self):
        return self._device

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        n = 1
        for s in self._data.shape:
            n *= s
        return n

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self.dtype.itemsize

    @property
    def is_cuda(self) -> bool:
        return self._device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self._device.type == "cpu"

    # device kinds PyTorch has and gradkit does not: asked by scripts that pick a device
    @property
    def is_xpu(self) -> bool:
        return False

    @property
    def is_mps(self) -> bool:
        return False

    def is_floating_point(self) -> bool:
        return self.dtype.category == _dtype.FLOAT

    def is_complex(self) -> bool:
        return False

    def get_device(self) -> int:
        return -1 if self._device.type == "cpu" else (self._device.index or 0)

    def __len__(self):
        shape = self._data.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    # -- autograd attributes ------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.grad_fn is not None and flag:  # PyTorch: the setter refuses non-leaves both ways
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        flag = bool(requires_grad)
        if self.grad_fn is not None:
            if not flag:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
            return self
        if flag and self.dtype.category != _dtype.FLOAT:
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients (got {self.dtype}, shape "
                f"{list(self._data.shape)})")
        self._requires_grad = flag
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self):
        if self.grad_fn is not None and not self.retains_grad and self._grad is None:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value._device is not self._device:
                raise RuntimeError(f"assigned grad has data located on {value._device} but the tensor is on {self._device}")
            if tuple(value._data.shape) != tuple(self._data.shape):
                raise RuntimeError(
                    f"assigned grad has data of a different size: {list(value._data.shape)} vs {list(self._data.shape)}")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._extra is not None and self._extra.get("retains_grad", False)

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def _version_number(self) -> int:
        return self._version[0]

    def _edge(self):
        if self.grad_fn is not None:
            if self._base is not None and self._extra is not None:
                view = self._extra.get("view")
                if view is not None and view.version != self._version[0]:
                    _refresh_view(self, view)  # the base changed in place since this view's history was made
            return (self.grad_fn, self._output_nr)
        if self._requires_grad:
            extra = self._extra
            return (extra is not None and extra.get("edge")) or _first_leaf_edge(self)
        return None

    def _bump_version(self):
        self._version[0] += 1

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Computes the gradient of this tensor w.r.t. the graph leaves and accumulates it
        into their ``.grad``. Works inside ``no_grad`` too."""
        _engine_backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph,
                         inputs=inputs)

    def detach(self) -> "Tensor":
        """A new tensor sharing storage (and version counter) with this one, cut from the graph."""
        t = Tensor._make(self._data, self._device)
        t._version = self._version
        t._base = self._base if self._base is not None else self
        return t

    def detach_(self) -> "Tensor":
        if self._base is not None and self.grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._output_nr = 0
        self._requires_grad = False
        return self

    def retain_grad(self) -> None:
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return  # leaves already keep their grad
        if self.retains_grad:
            return
        from .autograd.hooks import add_retain_grad_hook

        add_retain_grad_hook(self)

    def register_hook(self, hook):
        """``hook(grad) -> Tensor or None`` runs each time a gradient for this tensor is
        computed; a returned tensor replaces the gradient. Returns a removable handle."""
        from .autograd.hooks import register_tensor_hook

        return register_tensor_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook):
        from .autograd.hooks import register_post_accumulate_hook

        return register_post_accumulate_hook(self, hook)

    # -- conversions (these are the user's sync points with an accelerator) ----------------
    def _host(self):
        if _graph_capture[0]:
            _refuse_capture_sync()
        return self._device.backend.to_host(self._data)

    def numpy(self, *, force=False):
        """A NumPy array. On the CPU it shares memory with the tensor."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self._device.type != "cpu":
            if not force:
                raise TypeError(
                    f"can't convert {self._device} device type tensor to numpy. Use Tensor.cpu() to copy the tensor "
                    f"to host memory first.")
            return self._host()
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._device.type != "cpu":
            raise TypeError(
                f"can't convert {self._device} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to "
                f"host memory first.")
        # a computed 0-d result can be held as a NumPy scalar; NumPy requires an ndarray
        # back (np.asarray of a list of such tensors fails otherwise), and a scalar's own
        # __array__ gives the 0-d one (an ndarray's gives itself)
        arr = self._data.__array__()
        if dtype is not None and arr.dtype != dtype:
            return arr.astype(dtype)
        return arr.copy() if copy else arr

    def __dlpack__(self, *args, **kwargs):
        return self._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def tolist(self):
        return self._host().tolist()

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar (item() needs exactly one "
                f"element, shape {list(self._data.shape)})")
        return self._host().reshape(()).item()

    def _scalar(self, kind):
        if self.numel() != 1:
            raise ValueError(
                f"only one element tensors can be converted to Python scalars ({kind} of a tensor with "
                f"{self.numel()} elements, shape {list(self._data.shape)})")
        if self._requires_grad:
            warnings.warn(
                "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                "Consider using tensor.detach() first.", UserWarning, stacklevel=3)
        return self._host().reshape(()).item()

    def __float__(self):
        return float(self._scalar("Python float"))

    def __int__(self):
        return int(self._scalar("Python int"))

    def __index__(self):
        if self.dtype.category != _dtype.INT or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._scalar("an index"))

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {'no values' if self.numel() == 0 else 'more than one value'} is "
                f"ambiguous (shape {list(self._data.shape)})")
        return bool(self._host().reshape(()).item())

    def __complex__(self):
        return complex(self._scalar("Python complex"))

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        # as torch: str(t) for an empty spec, else TypeError (unsupported format string ...)
        return object.__format__(self, spec)

    def __repr__(self, *, tensor_contents=None):
        from ._repr import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        # PyTorch iterates over unbind(0): the rows share one UnbindBackward0 node
        return iter(self.unbind(0))

    def __reversed__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0] - 1, -1, -1))

    def __contains__(self, element):
        return bool((self == element).any())

    __hash__ = object.__hash__

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol")
        out = self.clone().detach()
        out._requires_grad = self._requires_grad
        if self._grad is not None:
            out._grad = self._grad.clone()
        memo[id(self)] = out
        return out

    def __reduce_ex__(self, protocol):
        raise TypeError("gradkit tensors are not pickled; use gradkit.save (safetensors) or .numpy()")


def zero_grad_in_place(grad: Tensor) -> None:
    """``zero_grad(set_to_none=False)`` for one gradient, as PyTorch: out of any graph, then
    zeros in place (the tensor, and whoever holds it, stays the same)."""
    if grad.grad_fn is not None:
        grad.detach_()
    else:
        grad.requires_grad_(False)
    grad.zero_()


def _refresh_view(view: Tensor, record) -> None:
    """ops._view_record.refresh_view (imported here on first use: the ops import this
    module): a view whose base changed in place since its history was made regains a
    current one."""
    from .ops._view_record import refresh_view

    refresh_view(view, record)


def _first_leaf_edge(leaf):
    """The edge into a leaf's AccumulateGrad node, made on the leaf's first use in a graph
    (autograd.node imports this module, so it is imported here, once per leaf at most)."""
    from .autograd.node import grad_accumulator

    grad_accumulator(leaf)
    return leaf._extra["edge"]


def _engine_backward(*args, **kwargs):
    """autograd.engine.backward, imported on first use (the engine imports this module);
    then it replaces this stand-in, so that later calls go straight to it."""
    global _engine_backward
    from .autograd.engine import backward

    _engine_backward = backward
    return backward(*args, **kwargs)


def _wrap_dim(dim, ndim, op):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n if ndim else 0


def _refuse_capture_sync():
    raise RuntimeError("CUDA error: operation not permitted when stream is capturing (a host read such as .item(), "
                       "float(), bool() or .tolist() inside gradkit.cuda.graph(); move it out of the captured step)")
