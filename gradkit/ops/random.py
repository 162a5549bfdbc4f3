"""Random numbers. Each device has its own generator (in its backend); ``manual_seed``
seeds all of them, including those of backends loaded later."""
from __future__ import annotations

import math
from numbers import Number

from .. import _dtype as D
from .._device import resolve
from .._tensor import Tensor
from .. import backends as _backends
from ..backends import loaded_backends
from .creation import _finish, _size, _xp_dtype
from ._table import Family

FAMILY = Family("random")

_make = Tensor._make
_seed = [None]


class Generator:
    """A seed holder with PyTorch's interface; gradkit draws from per-device generators."""

    def __init__(self, device="cpu"):
        self.device = resolve(device)
        self._seed = 67280421310721

    def manual_seed(self, seed):
        self._seed = int(seed)
        self.device.backend.seed(self._seed)
        self._host_rng = None  # restarts the host stream samplers draw from (gradkit.utils.data._rng)
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        import secrets

        return self.manual_seed(secrets.randbits(63)).initial_seed()

    def get_state(self):
        """The state of this device's generator as a uint8 CPU tensor (set_state restores it)."""
        return _state_tensor(self.device)

    def set_state(self, new_state):
        _restore_state(self.device, new_state)
        return self


def _state_tensor(device):
    from .creation import tensor

    host = device.backend.get_rng_state(device)
    return tensor(host, dtype=D.uint8, device="cpu")


def _check_state(new_state):
    """PyTorch's refusals of something that is not a state (its size is the backend's to judge)."""
    if not isinstance(new_state, Tensor):
        raise TypeError(f"expected a gradkit.ByteTensor, but got {type(new_state).__name__}")
    if new_state.dtype is not D.uint8:
        raise TypeError("RNG state must be a gradkit.ByteTensor")


def _restore_state(device, new_state):
    _check_state(new_state)
    device.backend.set_rng_state(new_state._device.backend.to_host(new_state._data), device)


default_generator = Generator()


def manual_seed(seed) -> Generator:
    """Seeds the generator of every device: same seed, same numbers on a given device."""
    seed = int(seed)
    _seed[0] = seed
    for backend in loaded_backends():
        backend.seed(seed)
    default_generator._seed = seed
    return default_generator


FAMILY.export(manual_seed, method=False)


def seed() -> int:
    import secrets

    s = secrets.randbits(63)
    manual_seed(s)
    return s


FAMILY.export(seed, method=False)


def initial_seed() -> int:
    return default_generator._seed


FAMILY.export(initial_seed, method=False)


def get_rng_state():
    """The CPU generator's state: a uint8 tensor that set_rng_state takes back. Its bytes are
    gradkit's generator (PCG64), not PyTorch's Mersenne Twister: a state moves between
    gradkit runs, not between the two libraries."""
    return _state_tensor(resolve("cpu"))


FAMILY.export(get_rng_state, method=False)


def set_rng_state(new_state) -> None:
    """Restores the CPU generator from get_rng_state: the draws after it repeat."""
    _restore_state(resolve("cpu"), new_state)


FAMILY.export(set_rng_state, method=False)


def _seed_new_backend(backend):
    if _seed[0] is not None:
        backend.seed(_seed[0])


_backends.on_create.append(_seed_new_backend)


def _random(op, draw, args, size, dtype, device, requires_grad, default=None):
    shape = _size(args, size, op)
    dev = resolve(device)
    backend = dev.backend
    dt = D.as_dtype(dtype) if dtype is not None else (default or D.get_default_dtype())
    if op in ("rand", "randn") and dt.category != D.FLOAT:
        raise NotImplementedError(f"\"{op}\" not implemented for '{dt.name}' (random floats need a floating dtype)")
    xdt = _xp_dtype(backend, dt)
    if op == "rand" and dt is D.float16:
        # a float32 draw rounded to half can reach 1.0: draw on half's 11-bit grid instead
        xp = backend.xp
        arr = xp.floor(draw(backend, shape, xp.float32, dev) * 2048.0) / 2048.0
        return _finish(xp.astype(arr, xdt), dev, requires_grad)
    arr = draw(backend, shape, xdt, dev)
    return _finish(arr, dev, requires_grad)


def rand(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Uniform on [0, 1)."""
    return _random("rand", lambda b, s, d, v: b.uniform(s, d, v), args, size, dtype, device, requires_grad)


FAMILY.export(rand, method=False)


def randn(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Standard normal."""
    return _random("randn", lambda b, s, d, v: b.normal(s, d, v), args, size, dtype, device, requires_grad)


FAMILY.export(randn, method=False)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    """Integers in [low, high): ``randint(10, (3,))``, ``randint(10, size=(3,))`` or
    ``randint(0, 10, (3,))``; int64 unless ``dtype=`` says otherwise."""
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    elif high is None and size is not None:
        low, high = 0, low
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    return _random("randint", lambda b, s, d, v: b.integers(int(low), int(high), s, d, v), (), size, dtype, device,
                   requires_grad, default=D.int64)


FAMILY.export(randint, method=False)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return rand(input.shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


FAMILY.export(rand_like, method=False)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return randn(input.shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


FAMILY.export(randn_like, method=False)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype, device=device or input.device)


FAMILY.export(randint_like, method=False)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if n < 0:
        raise RuntimeError(f"randperm(): Trying to create tensor with negative dimension {n}: [{n}]")
    dev = resolve(device)
    backend = dev.backend
    arr = backend.permutation(int(n), dev)
    dt = D.as_dtype(dtype) if dtype is not None else D.int64
    return _finish(backend.xp.astype(arr, _xp_dtype(backend, dt)), dev, requires_grad)


FAMILY.export(randperm, method=False)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """Normal samples. Scalars with ``size`` (``normal(0, 0.01, (2, 1))``), or tensor
    mean/std giving one sample per element."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        for t in (mean, std):
            if isinstance(t, Tensor) and t.dtype.category != D.FLOAT:
                raise NotImplementedError(f"\"normal\" not implemented for '{t.dtype.name}' (mean and std must be "
                                          f"floating-point tensors)")
        from ._core import broadcast_shapes_checked

        shape = broadcast_shapes_checked("normal", tuple(getattr(mean, "shape", ())), tuple(getattr(std, "shape", ())))
        if isinstance(std, Tensor) and bool((std < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        if not isinstance(std, Tensor) and std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        noise = randn(shape, dtype=ref.dtype, device=ref.device)
        return (noise * std + mean).detach()
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments: with float mean and std, size= is "
                        "required")
    if not isinstance(std, Number) or std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    out = randn(size, dtype=dtype, device=device)
    if std != 1.0:
        out._data *= float(std)
    if mean != 0.0:
        out._data += float(mean)
    return out.requires_grad_(requires_grad) if requires_grad else out


FAMILY.export(normal, method=False)


def bernoulli(input, p=None, *, generator=None):
    """0/1 draws with probabilities ``input`` (or the scalar ``p``), in input's dtype."""
    probs = input if p is None else input.new_full(input.shape, float(p))
    if probs.dtype.category != D.FLOAT:
        raise NotImplementedError(f"\"bernoulli\" not implemented for '{probs.dtype.name}' (the probabilities must "
                                  f"be a floating-point tensor)")
    if bool(((probs < 0) | (probs > 1)).any()):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false (bernoulli: every probability "
                           "must lie in [0, 1])")
    probs = probs.detach()
    if probs.dtype is D.float16:  # compare on float32's finer grid so small probabilities keep their odds
        probs = probs.to(D.float32)
    u = rand(probs.shape, dtype=probs.dtype, device=probs.device)
    return (u < probs).to(input.dtype)


FAMILY.export(bernoulli)


def _check_probs(rows):
    """PyTorch's checks on multinomial weights (each one syncs with the device)."""
    if bool((rows < 0).any()) or not bool(rows.isfinite().all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if bool((rows.sum(-1) <= 0).any()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """``num_samples`` category indices per row of ``input`` (1-D or 2-D non-negative
    weights, not necessarily normalised); int64.

    With replacement: inverse-CDF sampling (the backend's ``categorical``). Without: the
    exponential race, i.e. the ``num_samples`` smallest of E_i / p_i with E_i ~ Exp(1),
    which orders categories exactly as successive draws without replacement would; as in
    PyTorch, zero-weight categories come last once the others are used up."""
    if input.dtype.category != D.FLOAT:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if input.dim() not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim (got {input.dim()})")
    num_samples = int(num_samples)
    if num_samples <= 0:
        raise RuntimeError(f"cannot sample n_sample <= 0 samples (got {num_samples})")
    rows = input.detach()
    if rows.dim() == 1:
        rows = rows.unsqueeze(0)
    n_cat = rows.shape[1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError(f"cannot sample n_sample > prob_dist.size(-1) samples without replacement "
                           f"({num_samples} > {n_cat})")
    _check_probs(rows)
    dev = rows.device
    backend = dev.backend
    xp = backend.xp
    weights = xp.astype(rows._data, xp.float64)
    if replacement:
        idx = backend.categorical(weights, num_samples, dev)
    else:
        e = -xp.log1p(-backend.uniform(weights.shape, xp.float64, dev))  # Exp(1); 1 - u > 0
        positive = weights > 0
        keys = xp.where(positive, e / xp.where(positive, weights, xp.ones_like(weights)), xp.full_like(e, math.inf))
        idx = xp.argsort(keys, axis=1, stable=True)[:, :num_samples]
        idx = xp.astype(idx, xp.int64)
    out = _make(idx, dev)
    return out if input.dim() == 2 else out.squeeze(0)


FAMILY.export(multinomial)


def _multinomial_counts(probs, total_count, sample_shape):
    """Count vectors of ``total_count`` draws from the categories of ``probs`` (..., k):
    shape ``sample_shape + probs.shape``, in probs' dtype (``Multinomial.sample``). All
    draws are made at once by the backend (NumPy: one binomial per category)."""
    rows = probs.detach().reshape(-1, probs.shape[-1])
    _check_probs(rows)
    num = 1
    for s in sample_shape:
        num *= int(s)
    dev = rows.device
    backend = dev.backend
    xp = backend.xp
    counts = backend.multinomial_counts(int(total_count), xp.astype(rows._data, xp.float64), num, dev)
    counts = xp.reshape(xp.astype(counts, probs._data.dtype), tuple(sample_shape) + tuple(probs.shape))
    return _make(counts, dev)
