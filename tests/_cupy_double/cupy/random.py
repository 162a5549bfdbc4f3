"""``cupy.random`` of the double: ``default_rng`` gives a Generator over an XORWOW-like bit
generator whose state is an int8 array on the device (``bit_generator._state``, as CuPy's),
read and written by every draw (NumPy's PCG64 runs on the bytes), and which holds a lock
(``threading.Lock``, as CuPy's), so ``copy.deepcopy`` of it fails as CuPy's does."""
from __future__ import annotations

import threading

import numpy

from . import _core, _signatures

_PCG_BYTES = 32  # PCG64's 128-bit state and increment
_STATE_SIZE = 48 * 64  # curandStateXORWOW is 48 bytes; CuPy sizes for 256000 threads, the double for 64


class BitGenerator:
    def __init__(self, seed=None):
        self.lock = threading.Lock()
        self._device_id = _core.current_device()
        seeded = numpy.random.PCG64(seed)
        raw = numpy.zeros(_STATE_SIZE, dtype=numpy.int8)
        state = seeded.state["state"]
        words = numpy.array([state["state"] >> 64, state["state"] & (2**64 - 1),
                             state["inc"] >> 64, state["inc"] & (2**64 - 1)], dtype=numpy.uint64)
        raw[:_PCG_BYTES] = words.view(numpy.int8)
        self._state = _core.make(raw, self._device_id)

    def _state_size(self):
        return _STATE_SIZE

    def _check_device(self):
        if _core.current_device() != self._device_id:
            raise RuntimeError("This Generator state is allocated in a different device than the current one")

    def _numpy(self):
        words = self._state._a[:_PCG_BYTES].view(numpy.uint64)
        bit = numpy.random.PCG64()
        bit.state = {"bit_generator": "PCG64", "state": {"state": (int(words[0]) << 64) | int(words[1]),
                                                         "inc": (int(words[2]) << 64) | int(words[3])},
                     "has_uint32": 0, "uinteger": 0}
        return numpy.random.Generator(bit)

    def _store(self, gen):
        state = gen.bit_generator.state["state"]
        words = numpy.array([state["state"] >> 64, state["state"] & (2**64 - 1),
                             state["inc"] >> 64, state["inc"] & (2**64 - 1)], dtype=numpy.uint64)
        self._state._a[:_PCG_BYTES] = words.view(numpy.int8)

    def draw(self, method, *args, **kwargs):
        self._check_device()
        gen = self._numpy()
        result = getattr(gen, method)(*args, **kwargs)
        self._store(gen)
        return _core.make(numpy.asarray(result), self._device_id)


class XORWOW(BitGenerator):
    def __init__(self, seed=None, *, size=-1):
        super().__init__(seed)


_GENERATOR_METHODS = _signatures.methods("cupy.random.Generator")


class Generator:
    def __init__(self, bit_generator):
        self.bit_generator = bit_generator
        self._binomial_state = None

    def random(self, size=None, dtype=numpy.float64, out=None):
        _check_float(dtype)
        return self.bit_generator.draw("random", size, dtype=dtype)

    def standard_normal(self, size=None, dtype=numpy.float64, out=None):
        _check_float(dtype)
        return self.bit_generator.draw("standard_normal", size, dtype=dtype)

    def uniform(self, low=0.0, high=1.0, size=None, dtype=numpy.float64):
        _check_float(dtype)
        return self.bit_generator.draw("uniform", low, high, size).astype(dtype)

    def integers(self, low, high=None, size=None, dtype=numpy.int64, endpoint=False):
        return self.bit_generator.draw("integers", low, high, size, dtype=dtype, endpoint=endpoint)

    def __getattr__(self, name):
        if name in _GENERATOR_METHODS:
            def method(*args, **kwargs):
                return self.bit_generator.draw(name, *args, **kwargs)
            return method
        raise AttributeError(f"'Generator' object has no attribute '{name}'")


def _check_float(dtype):
    if numpy.dtype(dtype).char not in "fd":
        raise TypeError(f"Unsupported dtype {numpy.dtype(dtype).name} for random")


def default_rng(seed=None):
    return Generator(XORWOW(seed))


def _legacy(name):
    from ._namespace import not_in_double

    return not_in_double(f"cupy.random.{name}")


def __getattr__(name):
    if name in _signatures.namespace("cupy.random")["functions"]:
        return _legacy(name)
    raise AttributeError(name)
