"""Random numbers. Each device has its own generator (in its backend); ``manual_seed``
seeds all of them, including those of backends loaded later."""
from __future__ import annotations

from numbers import Number

from .. import _dtype as D
from .._device import resolve
from .._tensor import Tensor
from .. import backends as _backends
from ..backends import loaded_backends
from .creation import _finish, _size, _xp_dtype

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
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        import secrets

        return self.manual_seed(secrets.randbits(63)).initial_seed()


default_generator = Generator()


def manual_seed(seed) -> Generator:
    """Seeds the generator of every device: same seed, same numbers on a given device."""
    seed = int(seed)
    _seed[0] = seed
    for backend in loaded_backends():
        backend.seed(seed)
    default_generator._seed = seed
    return default_generator


def seed() -> int:
    import secrets

    s = secrets.randbits(63)
    manual_seed(s)
    return s


def initial_seed() -> int:
    return default_generator._seed


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
        raise RuntimeError(f"\"{op}\" not implemented for '{dt.name}' (random floats need a floating dtype)")
    arr = draw(backend, shape, _xp_dtype(backend, dt), dev)
    return _finish(arr, dev, requires_grad)


def rand(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Uniform on [0, 1)."""
    return _random("rand", lambda b, s, d, v: b.uniform(s, d, v), args, size, dtype, device, requires_grad)


def randn(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Standard normal."""
    return _random("randn", lambda b, s, d, v: b.normal(s, d, v), args, size, dtype, device, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    """Integers in [low, high): ``randint(10, (3,))`` or ``randint(0, 10, (3,))``; int64."""
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    return _random("randint", lambda b, s, d, v: b.integers(int(low), int(high), s, d, v), (), size, dtype, device,
                   requires_grad, default=D.int64)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return rand(input.shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return randn(input.shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype, device=device or input.device)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dev = resolve(device)
    backend = dev.backend
    arr = backend.permutation(int(n), dev)
    dt = D.as_dtype(dtype) if dtype is not None else D.int64
    return _finish(backend.xp.astype(arr, _xp_dtype(backend, dt)), dev, requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """Normal samples. Scalars with ``size`` (``normal(0, 0.01, (2, 1))``), or tensor
    mean/std giving one sample per element."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        from ._core import broadcast_shapes_checked

        shape = broadcast_shapes_checked("normal", tuple(getattr(mean, "shape", ())), tuple(getattr(std, "shape", ())))
        if isinstance(std, Tensor) and bool((std < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
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


def bernoulli(input, p=None, *, generator=None):
    """0/1 draws with probabilities ``input`` (or the scalar ``p``), in input's dtype."""
    probs = input if p is None else input.new_full(input.shape, float(p))
    if probs.dtype.category != D.FLOAT:
        raise RuntimeError(f"bernoulli expects a floating-point probability tensor (got {probs.dtype})")
    if bool(((probs < 0) | (probs > 1)).any()):
        raise RuntimeError("bernoulli: all probabilities must satisfy 0 <= p <= 1")
    u = rand(probs.shape, dtype=probs.dtype, device=probs.device)
    return (u < probs.detach()).to(probs.dtype)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Indices drawn from the rows of ``input`` (non-negative weights, not necessarily
    normalised). Without replacement each row needs at least ``num_samples`` non-zero
    weights."""
    if input.dtype.category != D.FLOAT:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if input.dim() not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim (got {input.dim()})")
    probs = input.detach()
    rows = probs if probs.dim() == 2 else probs.unsqueeze(0)
    n_cat = rows.shape[1]
    if bool((rows < 0).any()) or not bool(rows.isfinite().all()):
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or element < 0")
    if bool((rows.sum(1) <= 0).any()):
        raise RuntimeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples (got {num_samples})")
    if not replacement:
        if num_samples > n_cat:
            raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without "
                               f"replacement ({num_samples} > {n_cat})")
        if bool(((rows > 0).sum(1) < num_samples).any()):
            raise RuntimeError("multinomial: invalid multinomial distribution (with replacement=False, not enough "
                               "non-negative category to sample)")
        # Gumbel-top-k: the k largest of log(p) + Gumbel noise are a draw without replacement
        u = rand(rows.shape, dtype=D.float64, device=rows.device).clamp(min=1e-300)
        keys = rows.to(D.float64).log() - (-u.log()).log()
        idx = keys.argsort(dim=1, descending=True)[:, :num_samples]
    else:
        cdf = rows.to(D.float64).cumsum(1)
        cdf = cdf / cdf[:, -1:]
        u = rand((rows.shape[0], num_samples), dtype=D.float64, device=rows.device)
        # the sampled category is the number of cdf entries not above u
        idx = (cdf.unsqueeze(1) <= u.unsqueeze(2)).sum(2).clamp(max=n_cat - 1)
    return idx if input.dim() == 2 else idx.squeeze(0)
